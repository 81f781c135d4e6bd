"""Merge aid for the issue-12 restructure (delete once the parallel branches are merged).

``corpus.py``, ``entities.py``, ``entities_cyr.py``, ``sentiment.py``, ``targeted.py`` and
``sentiment_cyr.py`` became the packages ``analysis/corpus``, ``analysis/entities`` and
``analysis/sentiment`` by pure moves (code unchanged, imports fixed), so a hunk written against an
old file applies verbatim to whichever new module now holds its lines. Git cannot follow a file
split into several, so this script does it: it reads a unified diff (``git diff BASE BRANCH``),
applies hunks on the old modules to the new files (exact match of the hunk's old lines, then of
its changed lines with less context) and prints the hunks on other files and the hunks it could
not place, for ``git apply``/hand merging.

    OLD="src/analysis/corpus.py src/analysis/entities.py src/analysis/entities_cyr.py \
         src/analysis/sentiment.py src/analysis/targeted.py src/analysis/sentiment_cyr.py"
    git diff $(git merge-base HEAD other-branch) other-branch -- $OLD > /tmp/other.diff
    python tools/port_patch_to_packages.py /tmp/other.diff            # dry run: where each hunk goes
    git merge --no-commit other-branch                                # conflicts on the old paths:
    git checkout HEAD -- src/analysis/entities_cyr.py src/analysis/targeted.py src/analysis/sentiment_cyr.py
    git rm -q --cached src/analysis/corpus.py src/analysis/entities.py; rm -f src/analysis/corpus.py src/analysis/entities.py
    git checkout HEAD -- src/analysis/sentiment     # if git followed sentiment.py -> sentiment/vader.py
    python tools/port_patch_to_packages.py /tmp/other.diff --write    # apply the placed hunks
    ruff check --select F821,F401 src/analysis                        # a new name used across modules
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "analysis"
MOVED = {
    "src/analysis/corpus.py": "corpus", "src/analysis/entities.py": "entities",
    "src/analysis/entities_cyr.py": "entities", "src/analysis/sentiment.py": "sentiment",
    "src/analysis/targeted.py": "sentiment", "src/analysis/sentiment_cyr.py": "sentiment",
}
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse(diff: str) -> list[tuple[str, list[str]]]:
    """(old path, hunk lines) for every hunk of a unified diff."""
    out, path, hunk = [], None, None
    for line in diff.splitlines(keepends=True):
        if line.startswith("diff --git"):
            path, hunk = None, None
        elif line.startswith("--- "):
            path = line[4:].split("\t")[0].strip().removeprefix("a/")
        elif line.startswith("+++ "):
            continue
        elif HUNK.match(line):
            hunk = [line]
            out.append((path, hunk))
        elif hunk is not None and line[:1] in (" ", "-", "+", "\\"):
            hunk.append(line)
    return out


def sides(hunk: list[str], trim: int = 0) -> tuple[list[str], list[str]]:
    body = [ln for ln in hunk[1:] if not ln.startswith("\\")]
    while trim and len(body) > 2 and body[0].startswith(" ") and body[-1].startswith(" "):
        body, trim = body[1:-1], trim - 1
    old = [ln[1:] for ln in body if ln[:1] in (" ", "-")]
    new = [ln[1:] for ln in body if ln[:1] in (" ", "+")]
    return old, new


def place(hunk: list[str], files: dict[Path, str]) -> tuple[Path, str, str] | None:
    for trim in range(0, 4):
        old, new = sides(hunk, trim)
        if not "".join(old).strip():
            return None
        hits = [(p, t) for p, t in files.items() if t.count("".join(old)) == 1]
        if len(hits) == 1:
            return hits[0][0], "".join(old), "".join(new)
    return None


def main(argv: list[str]) -> int:
    diff_path, write = argv[0], "--write" in argv
    files: dict[Path, str] = {}
    for pkg in set(MOVED.values()):
        for p in sorted((SRC / pkg).glob("*.py")):
            files[p] = p.read_text(encoding="utf-8")
    rest, failed = [], []
    for path, hunk in parse(Path(diff_path).read_text(encoding="utf-8")):
        if path not in MOVED:
            rest.append((path, hunk[0].strip()))
            continue
        found = place(hunk, {p: t for p, t in files.items() if p.parent.name == MOVED[path]})
        if found is None:
            failed.append((path, hunk))
            continue
        target, old, new = found
        files[target] = files[target].replace(old, new, 1)
        print(f"{path} {hunk[0].strip()} -> {target.relative_to(ROOT)}")
    if write:
        for p, t in files.items():
            if p.read_text(encoding="utf-8") != t:
                p.write_text(t, encoding="utf-8")
    for path, head in rest:
        print(f"not a moved file (use git apply / merge): {path} {head}")
    for path, hunk in failed:
        print(f"COULD NOT PLACE {path}:\n{''.join(hunk)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

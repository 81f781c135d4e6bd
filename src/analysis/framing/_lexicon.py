"""Loading and compiling the framing lexicons (YAML in ``data/lexicons``).

Patterns in the lexicons are Python regular expressions with two conveniences:
a literal space matches any run of whitespace or hyphens ("sham referendum"
also finds "sham-referendum"), and patterns whose first two letters are
capitals (acronyms such as ``SMO``, ``US``, ``DPR``) are matched
case-sensitively; everything else ignores case.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.paths import lexicon_dir

_SPACE = r"[\s\-\u2010-\u2015]+"
_ACRONYM = re.compile(r"^\\?[A-Z]\\?\.?[A-Z]")
#: possessive or plural-possessive ending allowed after any match ("regime's")
POSSESSIVE = r"(?:['\u2019]s?)?"


def lexicon_path(name: str) -> Path:
    return lexicon_dir() / name


@lru_cache(maxsize=16)
def load_yaml(path: str) -> dict:
    """Parse a YAML lexicon (cached by path; lexicons are constants)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def resolve(lexicon: str | Path | dict | None, default: str) -> dict:
    """A lexicon given as a dict, a path, or ``None`` (the shipped default)."""
    if isinstance(lexicon, dict):
        return lexicon
    path = lexicon_path(default) if lexicon is None else Path(lexicon)
    return load_yaml(str(path))


def _pattern_source(pattern: str) -> str:
    # " ?" (optional space) must stay optional: "neo ?Nazi" = neo-Nazi, neo Nazi, neoNazi
    return pattern.replace(" ?", f"(?:{_SPACE})?").replace(" ", _SPACE)


def is_case_sensitive(pattern: str) -> bool:
    return bool(_ACRONYM.match(pattern))


@lru_cache(maxsize=512)
def compile_patterns(patterns: tuple[str, ...], *, possessive: bool = True) -> tuple[re.Pattern | None, re.Pattern | None]:
    """Compile a tuple of lexicon patterns into (case-insensitive, case-sensitive)
    alternations bounded by word boundaries; either may be ``None``."""
    tail = POSSESSIVE if possessive else ""
    ci = [p for p in patterns if not is_case_sensitive(p)]
    cs = [p for p in patterns if is_case_sensitive(p)]

    def build(items, flags):
        if not items:
            return None
        alternation = "|".join(f"(?:{_pattern_source(p)})" for p in items)
        return re.compile(rf"(?<![\w\-])(?:{alternation}){tail}(?![\w])", flags)

    return build(ci, re.IGNORECASE), build(cs, 0)


def find_all(text: str, patterns: tuple[str, ...], *, possessive: bool = True) -> list[tuple[int, int]]:
    """All non-overlapping (start, end) matches of ``patterns`` in ``text``."""
    spans: list[tuple[int, int]] = []
    for rx in compile_patterns(tuple(patterns), possessive=possessive):
        if rx is not None:
            spans.extend(m.span() for m in rx.finditer(text) if m.end() > m.start())
    spans.sort()
    return spans


def count_matches(text: str, patterns: tuple[str, ...]) -> int:
    return len(find_all(text, patterns))


_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")


def word_count(text: str) -> int:
    """Number of word tokens (letters/digits runs, hyphenated words kept whole)."""
    return len(_WORD.findall(text)) if isinstance(text, str) else 0

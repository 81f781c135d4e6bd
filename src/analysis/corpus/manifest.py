"""Per-file reading options: the manifest (``sources.yml``/``.csv``), ``mapping=`` strings,
file-name patterns.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus.schema import GDELT_FILENAME

# --------------------------------------------------------------------------------------------
# Manifest, mapping, file names
# --------------------------------------------------------------------------------------------

@dataclass
class _Spec:
    """Per-file options: from the arguments, overridden by the manifest."""
    outlet: str | None = None         # for rows that name no outlet (the argument)
    outlet_forced: str | None = None  # the manifest's outlet: wins over an outlet column
    mapping: dict[str, str] = field(default_factory=dict)
    licence: str | None = None
    lang: str | None = None
    country: str | None = None
    title_line: str = "auto"
    dayfirst: bool | None = None      # how to read 12/08/2024 (None: see _day_first)


def _norm_col(name: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _parse_mapping_string(value: str) -> dict[str, str]:
    out = {}
    for part in re.split(r"[;,]", value):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


#: A manifest larger than this is refused (it lists files; it is never megabytes long).
MAX_MANIFEST_BYTES = 1_000_000


def _safe_yaml(path: Path) -> Any:
    """Parse a YAML manifest with the safe loader, refusing aliases (``*name``): a few lines of
    nested aliases ("billion laughs") would otherwise expand to gigabytes.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sources.yml"
    >>> _ = p.write_text("a: &x [1, 2]\\nb: *x\\n")
    >>> _safe_yaml(p)
    Traceback (most recent call last):
    ...
    ValueError: manifest sources.yml uses a YAML alias (*x); aliases are not allowed in a manifest
    """
    import yaml

    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ValueError(f"manifest {path.name} is larger than {MAX_MANIFEST_BYTES:,} bytes")

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: ANN001
            if self.check_event(yaml.AliasEvent):
                alias = self.peek_event().anchor
                raise ValueError(f"manifest {path.name} uses a YAML alias (*{alias}); aliases "
                                 "are not allowed in a manifest")
            return super().compose_node(parent, index)

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"manifest {path.name} is not valid YAML: {_err_text(err)}") from None


def _read_manifest(path: Path) -> list[dict[str, Any]]:
    """Entries with a ``path`` glob (relative to the manifest's folder) plus options."""
    entries: list[dict[str, Any]] = []
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for rec in table.to_dict("records"):
            rec = {_norm_col(k): v for k, v in rec.items() if v != ""}
            rec["path"] = rec.pop("path", None) or rec.pop("file", None)
            if isinstance(rec.get("mapping"), str):
                rec["mapping"] = _parse_mapping_string(rec["mapping"])
            for k in [k for k in rec if k.startswith("map_")]:
                rec.setdefault("mapping", {})[k[4:]] = rec.pop(k)
            entries.append(rec)
    else:
        data = _safe_yaml(path)
        if isinstance(data, dict) and isinstance(data.get("sources", data.get("files")), list):
            items = data.get("sources", data.get("files"))
        elif isinstance(data, dict):
            items = [{"path": k, **(v if isinstance(v, dict) else {})} for k, v in data.items()]
        elif isinstance(data, list):
            items = data
        else:
            raise ValueError(f"manifest {path}: expected a mapping or a list of entries")
        for rec in items:
            if not isinstance(rec, dict):
                raise ValueError(f"manifest {path}: every entry must be a mapping, not {rec!r:.60}")
            rec = {_norm_col(k): v for k, v in dict(rec).items()}
            rec["path"] = rec.pop("path", None) or rec.pop("file", None)
            entries.append(rec)
    for rec in entries:
        if not rec.get("path"):
            raise ValueError(f"manifest {path}: every entry needs a 'path' (file name or glob)")
        if "license" in rec:
            rec.setdefault("licence", rec.pop("license"))
    return entries


def _apply_manifest(spec: _Spec, entries: list[dict[str, Any]], rel: str) -> _Spec:
    name = rel.rsplit("/", 1)[-1]
    out = _Spec(**{**spec.__dict__, "mapping": dict(spec.mapping)})
    for rec in entries:
        pattern = str(rec["path"]).lstrip("./") if str(rec["path"]).startswith("./") else str(rec["path"])
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) or rel.startswith(pattern.rstrip("/") + "/"):
            for key in ("licence", "lang", "country", "title_line"):
                if rec.get(key) not in (None, "") and not isinstance(rec[key], (dict, list)):
                    if key == "title_line" and str(rec[key]) not in ("auto", "first", "none"):
                        continue  # not a valid choice: the argument's value stands
                    setattr(out, key, str(rec[key]))
            if rec.get("outlet") not in (None, ""):
                out.outlet_forced = str(rec["outlet"])
            if rec.get("dayfirst") not in (None, ""):
                out.dayfirst = _as_bool(rec["dayfirst"])
            if isinstance(rec.get("mapping"), dict):
                out.mapping.update({str(k): str(v) for k, v in rec["mapping"].items()})
    return out


def _as_bool(value: Any) -> bool | None:
    """A manifest's ``dayfirst`` value: true/false/yes/no/1/0 (YAML or CSV); anything else None.

    >>> _as_bool(True), _as_bool("no"), _as_bool("auto")
    (True, False, None)
    """
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    return True if v in {"true", "yes", "1", "y"} else False if v in {"false", "no", "0", "n"} else None


def _filename_meta(path: Path, pattern: re.Pattern[str] | None) -> dict[str, str]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for rx in ([pattern] if pattern is not None else []) + [_GDELT_RX]:
        m = rx.search(stem) or rx.search(path.name)
        if m:
            meta = {k: v for k, v in m.groupdict().items() if v}
            if rx is _GDELT_RX:
                meta["_gdelt"] = "1"
            return meta
    return {}


_GDELT_RX = re.compile(GDELT_FILENAME)


def _err_text(err: BaseException) -> str:
    """First line of an exception's message, or its type when the message is empty.

    >>> _err_text(MemoryError()), _err_text(ValueError("bad\\nmore"))
    ('MemoryError', 'bad')
    """
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:200]


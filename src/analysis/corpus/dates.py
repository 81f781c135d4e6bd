"""Publication dates: absolute, relative ("3 hours ago"), from a file name or URL; always UTC.
"""

from __future__ import annotations

import re
import warnings as warnings_module
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MISSING = {"", "na", "n/a", "nan", "nat", "none", "null", "-", "--", "unknown", "undated"}
_RELATIVE = re.compile(
    r"^(?:(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?P<word>just now|now|today|yesterday))$", re.IGNORECASE)
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_TZINFOS = {"GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200,
            "EET": 7200, "EEST": 10800, "MSK": 10800, "EST": -18000, "EDT": -14400,
            "CST": -21600, "CDT": -18000, "PST": -28800, "PDT": -25200, "KYIV": 7200}
_URL_DATE = [
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|$|[-_])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|$|[-_])"),
]
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


_FAST_DATES = (
    (r"\d{1,2} [A-Z][a-z]{2,8} (?:19|20)\d{2}, \d{2}:\d{2} GMT", "%d %B %Y, %H:%M GMT"),
    (r"[A-Z][a-z]{2,8} \d{1,2}, (?:19|20)\d{2}", "%B %d, %Y"),
)


def _url_date(url: Any) -> pd.Timestamp | None:
    if not isinstance(url, str) or not url:
        return None
    for rx in _URL_DATE:
        m = rx.search(url)
        if m:
            try:
                return pd.Timestamp(int(m["y"]), int(m["m"]), int(m["d"]), tz="UTC")
            except ValueError:
                continue
    return None


def _to_utc(ts: Any) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


#: Dates outside these years are implausible for news and are left missing with a warning
#: (pandas' nanosecond timestamps also end in 2262).
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _safe_utc(value: Any) -> tuple[pd.Timestamp | None, str | None]:
    """A datetime-like value as a UTC nanosecond Timestamp, or (None, why) when it cannot be one.

    >>> _safe_utc("2024-08-12T10:00+03:00")[0]
    Timestamp('2024-08-12 07:00:00+0000', tz='UTC')
    >>> _safe_utc(datetime(9999, 12, 31))
    (None, "implausible date '9999-12-31T00:00:00' (outside 1900-2100)")
    """
    raw = value.isoformat() if isinstance(value, (datetime, pd.Timestamp)) else str(value)
    year = getattr(value, "year", None)
    if isinstance(value, np.datetime64):
        year = int(str(value)[:4]) if str(value)[:4].isdigit() else None
    if year is not None and not _YEAR_MIN <= year <= _YEAR_MAX:
        return None, f"implausible date {raw!r} (outside {_YEAR_MIN}-{_YEAR_MAX})"
    try:
        ts = _to_utc(value).as_unit("ns")
    except (ValueError, OverflowError, TypeError, pd.errors.OutOfBoundsDatetime):
        return None, f"unparseable date {raw!r}"
    if not _YEAR_MIN <= ts.year <= _YEAR_MAX:
        return None, f"implausible date {raw!r} (outside {_YEAR_MIN}-{_YEAR_MAX})"
    return ts, None


#: ``12.08.2024``, ``12/08/2024``, ``12-08-24`` (optionally followed by a time): numeric dates
#: whose day/month order the text alone does not say.
_NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})(?:[ T,].*)?$")


def _day_first(value: str, dayfirst: bool | None) -> tuple[bool, str | None]:
    """Whether to read a numeric date day-first, and a warning when the order was guessed.

    Default (``dayfirst=None``): dotted dates (``12.08.2024``) day-first, as everywhere they
    are used; slashed/dashed ones (``12/08/2024``) month-first, as in US sources. When both
    numbers could be the month the choice is reported.

    >>> _day_first("12.08.2024", None)
    (True, "ambiguous date '12.08.2024' read day-first (12 August); pass dayfirst=False (or 'dayfirst: false' in sources.yml) if it is month-first")
    >>> _day_first("25/08/2024", None)
    (True, None)
    >>> _day_first("12/08/2024", False)
    (False, None)
    """
    m = _NUMERIC_DATE.match(value)
    if not m:
        return bool(dayfirst), None
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:
        return True, None
    if b > 12 >= a:
        return False, None
    if dayfirst is not None or a == b:
        return bool(dayfirst), None
    first = m["sep"] == "."
    day, month = (a, b) if first else (b, a)
    order = "day-first" if first else "month-first"
    other = "False" if first else "True"
    return first, (f"ambiguous date {value!r} read {order} ({day} {_MONTHS[month - 1]}); pass "
                   f"dayfirst={other} (or 'dayfirst: {other.lower()}' in sources.yml) if it is "
                   f"{'month' if first else 'day'}-first")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: The largest UTC offset in use anywhere is +14:00; anything beyond is a broken time zone.
_MAX_OFFSET = pd.Timedelta(hours=14)


def _relative(m: re.Match, value: str, reference_time: pd.Timestamp | None
              ) -> tuple[pd.Timestamp | None, str | None, str]:
    """Resolve '3 days ago', 'yesterday', 'now' against ``reference_time`` (never the clock)."""
    if reference_time is None:
        return None, (f"relative date {value!r} needs reference_time=; left missing "
                      "(never guessed from the clock)"), "relative"
    word = (m["word"] or "").lower()
    if word in {"just now", "now"}:
        return reference_time, None, "relative"
    if word == "today":
        return reference_time.normalize(), None, "relative"
    if word == "yesterday":
        return reference_time.normalize() - pd.Timedelta(days=1), None, "relative"
    n = 1 if m["n"].lower() in {"a", "an", "one"} else int(m["n"])
    unit = _UNIT[m["unit"][0].lower()]
    try:
        ts = reference_time - pd.Timedelta(**{unit: n})
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
        return None, f"relative date {value!r} is out of range; left missing", "relative"
    if not _YEAR_MIN <= ts.year <= _YEAR_MAX:
        return None, f"relative date {value!r} is out of range; left missing", "relative"
    return ts, None, "relative"


def _parse_one(value: str, reference_time: pd.Timestamp | None,
               hint: pd.Timestamp | None, dayfirst: bool | None = None
               ) -> tuple[pd.Timestamp | None, str | None, str]:
    """Parse a date string no vectorised parser understood.

    Returns (timestamp or None, warning message or None, date_source)."""
    from dateutil import parser as dparser

    m = _RELATIVE.match(value)
    if m:
        return _relative(m, value, reference_time)
    first, ambiguity = _day_first(value, dayfirst)
    try:
        with warnings_module.catch_warnings(record=True) as caught:
            warnings_module.simplefilter("always")
            parsed = dparser.parse(value, default=datetime(1, 1, 1), tzinfos=_TZINFOS, dayfirst=first)
    except (ValueError, OverflowError, TypeError, RecursionError):
        return None, f"unparseable date {value!r}", "column"
    if any("tzname" in str(w.message) for w in caught):
        return None, (f"unknown time zone in date {value!r}; left missing rather than taken as UTC "
                      f"(known: {', '.join(sorted(_TZINFOS))})"), "column"
    try:
        offset = parsed.utcoffset() if parsed.tzinfo is not None else None
    except ValueError:  # datetime refuses offsets of a day or more
        offset = _MAX_OFFSET * 2
    if offset is not None and abs(offset) > _MAX_OFFSET:
        return None, f"impossible UTC offset in date {value!r}; left missing", "column"
    if parsed.year == 1 and not _YEAR.search(value):
        if hint is None:
            return None, f"date {value!r} has no year and no URL/file-name date to take it from", "column"
        try:
            parsed = parsed.replace(year=hint.year)
        except ValueError:  # 29 February
            return None, f"date {value!r} has no year and does not exist in {hint.year}", "column"
        ts = _to_utc(parsed)
        if ts - hint > pd.Timedelta(days=183):  # e.g. '31 December' seen on 2 January
            ts = ts.replace(year=hint.year - 1)
        return ts, f"date {value!r} has no year; took {hint.year} from the URL/file name", "column"
    if not _YEAR_MIN <= parsed.year <= _YEAR_MAX:
        return None, f"implausible date {value!r}", "column"
    return _to_utc(parsed), ambiguity, "column"


def _parse_date_column(values: pd.Series, *, reference_time: pd.Timestamp | None,
                       hints: pd.Series | None = None, dayfirst: pd.Series | None = None
                       ) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Vectorised date parsing: (published, warning message, date_raw, date_source).

    ``dayfirst`` (per row: True, False or None) says how to read ``12/08/2024``."""
    index = values.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    msg = pd.Series(None, index=index, dtype=object)
    source = pd.Series(None, index=index, dtype=object)
    # Real datetimes (xlsx, parquet) first, one by one: they may mix time zones and naive
    # values, or lie outside pandas' nanosecond range (Excel's 9999-12-31).
    obj = values.astype(object).map(_scalar_date)
    is_dt = obj.map(lambda v: isinstance(v, (datetime, pd.Timestamp, np.datetime64)) and not pd.isna(v))
    raw = obj.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                  else (v.isoformat() if isinstance(v, (datetime, pd.Timestamp)) else str(v)))
    for i in index[is_dt.to_numpy()]:
        ts, problem = _safe_utc(obj[i])
        if ts is None:
            msg[i] = problem
        else:
            out[i] = ts
            source[i] = "column"
    text = pd.Series([None if d or not isinstance(v, str) else v.strip() for v, d in zip(raw, is_dt)],
                     index=index, dtype=object)
    missing = text.map(lambda v: v is None or v.lower() in _MISSING) & ~is_dt
    msg[missing] = "missing date"
    # 'now' and 'today' are words pandas reads from the clock: they go to the relative rules.
    relative = text.map(lambda v: v is not None and _RELATIVE.match(v) is not None)
    todo = ~missing & ~is_dt & ~relative
    rest = index[(relative & ~missing).to_numpy()]
    if todo.any():
        iso = pd.to_datetime(text[todo], format="ISO8601", utc=True, errors="coerce")
        years = iso.dt.year
        ok = iso.notna() & (years >= _YEAR_MIN) & (years <= _YEAR_MAX)
        out.loc[iso.index[ok]] = iso[ok].astype("datetime64[ns, UTC]")
        source.loc[iso.index[ok]] = "column"
        rest = rest.append(iso.index[~ok])
        # Two frequent English forms, parsed vectorised exactly as dateutil would read them
        # ('7 June 2024, 12:48 GMT', 'February 23, 2022'); anything else goes on to dateutil.
        for rx, fmt in _FAST_DATES:
            if not len(rest):
                break
            cand = text[rest]
            cand = cand[cand.str.fullmatch(rx).astype(bool)]
            if not len(cand):
                continue
            fast = pd.to_datetime(cand, format=fmt, utc=True, errors="coerce")
            fast = fast[fast.notna() & (fast.dt.year >= _YEAR_MIN) & (fast.dt.year <= _YEAR_MAX)]
            out.loc[fast.index] = fast.astype("datetime64[ns, UTC]")
            source.loc[fast.index] = "column"
            rest = rest.difference(fast.index, sort=False)
    cache: dict[tuple[str, Any, Any], tuple[Any, Any, str]] = {}
    for i in rest:
        hint = hints.get(i) if hints is not None else None
        hint = hint if isinstance(hint, pd.Timestamp) and not pd.isna(hint) else None
        first = dayfirst.get(i) if dayfirst is not None else None
        first = None if first is None or (not isinstance(first, bool) and pd.isna(first)) else bool(first)
        key = (text[i], hint, first)
        if key not in cache:
            cache[key] = _parse_one(text[i], reference_time, hint, first)
        ts, warning, src = cache[key]
        if ts is not None:
            out[i] = ts
            source[i] = src
        msg[i] = warning
    return out, msg, raw, source


def _scalar_date(value: Any) -> Any:
    """A date cell holding a list (JSON ``"date": ["2024-08-12"]``) -> its first value."""
    if isinstance(value, (list, tuple)):
        return value[0] if value and not isinstance(value[0], (list, tuple, dict)) else None
    if isinstance(value, dict):
        return None
    return value


def parse_dates(values: Iterable[Any], *, reference_time: Any = None,
                dayfirst: bool | None = None) -> pd.Series:
    """Parse dates the way the loader does: ISO timestamps (vectorised), then per value
    'February 23, 2022', '7 June 2024, 12:48 GMT', 'Feb. 24, 2023'; relative dates
    ('12 hours ago', 'Yesterday') only against an explicit ``reference_time``; 'NA', empty and
    anything unparseable become NaT. Naive times are taken as UTC.

    >>> parse_dates(["2022-06-24T17:30:00Z", "February 23, 2022", "3 days ago", "NA"],
    ...             reference_time="2024-08-12T12:00Z").dt.strftime("%Y-%m-%d").tolist()
    ['2022-06-24', '2022-02-23', '2024-08-09', nan]
    """
    ref = _to_utc(reference_time) if reference_time is not None else None
    series = pd.Series(list(values), dtype=object)
    out, _, _, _ = _parse_date_column(series, reference_time=ref,
                                      dayfirst=pd.Series(dayfirst, index=series.index, dtype=object))
    return out


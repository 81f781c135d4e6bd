"""Text cleaning: whitespace, invisible characters, site boilerplate, title suffixes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

#: Site boilerplate, one documented list. Each entry: (where, pattern, example/source).
#: ``where`` is "start" (stripped while it leads the text), "end" (stripped while it trails
#: the text) or "any" (a whole line dropped wherever it stands). Patterns match a whole line,
#: case-insensitively, after whitespace normalisation. Found in the seed article and in the
#: official-statement and GDELT corpora under ../shared/corpus.
BOILERPLATE: tuple[tuple[str, str, str], ...] = (
    ("end", r"comments?(\s*\(\d+\))?", "seed: 'Comments'"),
    ("end", r"keep up to date with our latest articles.*", "seed"),
    ("end", r"(share|share this( article| story)?|share on \w+|tweet|email|print|copy link)", "share buttons"),
    ("end", r"(subscribe|sign up|follow us)\b.{0,100}", "'Subscribe to us Twitter', 'Follow us on ...'"),
    ("end", r"read (more|also)\b.{0,120}", "'Read more: ...'"),
    ("end", r"(related|tags|topics|more on this (story|topic))\s*:?", "'Tags' (state.gov)"),
    ("end", r"we use cookies\b.*", "state.gov cookie notice"),
    ("end", r"(#{3}|\*{3}|-{3,})", "press-release end marks '###', '***'"),
    ("end", r"24/7 coverage of breaking news and live events", "live-blog footer"),
    ("end", r"if using any of russia beyond's content.*", "rbth.com licence footer"),
    ("end", r".{0,60}sign up for onet's newsletter.*", "onet.pl newsletter footer"),
    ("end", r"help ukraine, join the collection.*", "onet.pl appeal"),
    ("end", r".{0,60}watch tvn24 .*", "tvn24 footer"),
    ("end", r"get our free weekly newsletter.*", "CNN opinion footer"),
    ("end", r"do you have an opinion on the issues raised in this article\?.*", "Guardian footer"),
    ("end", r"the views expressed in this opinion article are the author.*", "Kyiv Post footer"),
    ("end", r"(this (article|story|content) (is|was) )?(available|published) under (a )?(the )?creative commons.*",
     "licence footer"),
    ("start", r"all (materials|content) (on|of) (the|this) (web)?site (are|is) (available|licensed|published) under.*",
     "kremlin.ru / president.gov.ua licence preamble"),
    ("start", r"official websites use \.gov", "state.gov header"),
    ("start", r"secure \.gov websites use https", "state.gov header"),
    ("start", r"\d{4}-\d{4} archived content", "state.gov archive banner"),
    ("start", r"you are viewing archived content.*", "state.gov archive banner"),
    ("start", r"join us on telegram!.*", "Kyiv Post header"),
    ("start", r"you[’']re reading an excerpt from .*newsletter.*", "Washington Post header"),
    ("start", r"editor[’']s note:.*", "CNN opinion header"),
    ("any", r"advertisement", "ad slot"),
    ("any", r"click here to get the fox news app", "Fox News"),
    ("any", r"new you can now listen to fox news articles!?", "Fox News"),
    ("any", r"newsletter as news happens", "Newsweek"),
    ("any", r"the sports moment: a newsletter for only the biggest sports news", "Newsweek"),
    ("any", r"by submitting your email, you agree to our terms of service and privacy policy.*", "Newsweek"),
    ("any", r"continuation of the material under the video", "onet.pl"),
    ("any", r"skip past newsletter promotion.*", "Guardian"),
    ("any", r"(view|watch) video", "video slot"),
)


def _compile(where: Iterable[str]) -> re.Pattern[str]:
    parts = [p for w, p, _ in BOILERPLATE if w in where]
    return re.compile(r"^(?:" + "|".join(parts) + r")$", re.IGNORECASE)


_BP_START = _compile({"start", "any"})
_BP_END = _compile({"end", "any"})
_BP_ANY = _compile({"any"})
_BP_ALL = _compile({"start", "end", "any"})

_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPECIAL = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
                      r"\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TITLE_FLAG = re.compile(
    r"\s*[\(\[]\s*(video|videos|photos?|pictures|watch|live|live updates|audio|podcast|gallery|"
    r"infographic|opinion|updated?|exclusive|analysis)\s*[\)\]]\s*$", re.IGNORECASE)


def _paragraphs(text: str) -> list[list[str]]:
    """NFC, strip invisibles, normalise spaces; return paragraphs as lists of lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("_x000D_", "\n").replace("\r\n", "\n").replace("\r", "\n")
    # Collapsing spaces line by line was the slowest step (every single space is a match);
    # most texts need none, and _SPACES never spans a newline, so do it once, when needed.
    # One scan finds out whether there is anything invisible or an odd space at all.
    if _SPECIAL.search(text):
        text = _INVISIBLE.sub("", text)
        if "  " in text or _ODD_SPACE.search(text):
            text = _SPACES.sub(" ", text)
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    paras: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _strip_boilerplate(paras: list[list[str]]) -> list[list[str]]:
    paras = [[ln for ln in p if not _BP_ANY.match(ln)] for p in paras]
    paras = [p for p in paras if p]
    while paras and _BP_START.match(paras[0][0]):
        paras[0].pop(0)
        if not paras[0]:
            paras.pop(0)
    while paras and _BP_END.match(paras[-1][-1]):
        paras[-1].pop()
        if not paras[-1]:
            paras.pop()
    return paras


def _join(paras: list[list[str]]) -> str:
    return "\n\n".join("\n".join(p) for p in paras)


def clean_text(text: str | None, *, boilerplate: bool = True) -> str:
    """Normalise one text: NFC, invisible characters removed, runs of spaces collapsed, lines
    stripped, paragraphs separated by one blank line, site boilerplate (``BOILERPLATE``)
    removed from the start and end.

    >>> clean_text("  Kyiv\\u00a0was  shelled.\\r\\n\\r\\n\\r\\nRead more: why\\n")
    'Kyiv was shelled.'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    paras = _paragraphs(str(text))
    if boilerplate:
        paras = _strip_boilerplate(paras)
    return _join(paras)


def _clean_title(title: Any) -> tuple[str | None, str | None]:
    """Return (title without flag suffix, flag) — both None for an empty title."""
    if title is None or title is pd.NA or (isinstance(title, float) and np.isnan(title)):
        return None, None
    t = " ".join(ln for p in _paragraphs(str(title)) for ln in p)
    flag = None
    m = _TITLE_FLAG.search(t)
    if m:
        flag = m.group(1).lower()
        flag = {"videos": "video", "photo": "photos", "pictures": "photos", "update": "updated",
                "live updates": "live"}.get(flag, flag)
        t = t[: m.start()].rstrip()
    return (t or None), flag


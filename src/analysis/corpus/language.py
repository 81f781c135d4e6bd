"""Language tags: normalise a column's value, guess from the script when there is none.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------

_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[A-Za-z\u00c0-\u024f]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_BE_ONLY = re.compile(r"[ўЎ]")
_LANG_NAMES = {
    "english": "en", "eng": "en", "en-us": "en", "en-gb": "en", "en_us": "en", "en_gb": "en",
    "russian": "ru", "rus": "ru", "ru-ru": "ru", "ukrainian": "uk", "ukr": "uk", "ua": "uk",
    "uk-ua": "uk", "belarusian": "be", "polish": "pl", "pol": "pl", "german": "de", "deu": "de",
    "french": "fr", "fra": "fr", "spanish": "es", "spa": "es", "arabic": "ar", "ara": "ar",
    "italian": "it", "chinese": "zh",
}
_CYRILLIC_LANGS = {"ru", "uk", "be", "bg", "sr", "mk", "kk"}
_CYR_LETTER = re.compile(r"[\u0400-\u04ff]")
_LAT_LETTER = re.compile(r"[A-Za-z]")


def _normalise_lang(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    v = str(value).strip().lower()
    if not v or v in {"na", "nan", "none", "null", "unknown", "-"}:
        return None
    if v in _LANG_NAMES:
        return _LANG_NAMES[v]
    if re.fullmatch(r"[a-z]{2}([-_][a-z]{2})?", v):
        return v[:2]
    return v


def detect_lang(text: str) -> str | None:
    """ISO 639-1 language of ``text`` (None when it has no letters): delegates to
    :func:`analysis.lang.detect` (lingua + Russian/Ukrainian/Belarusian letter cues).

    >>> detect_lang("Putin said"), detect_lang("Путин заявил"), detect_lang("Україна зазнала")
    ('en', 'ru', 'uk')
    """
    from analysis.lang import detect_lang as _detect_lang

    return _detect_lang(text)


"""Language of an article and of its sentences: ``lingua`` plus letter cues.

``lingua-language-detector`` (Stahl, 2022-) carries its n-gram models inside the wheel, so nothing is
downloaded. The detector is restricted to the languages this corpus can plausibly contain
(:data:`LANGUAGES`) and built once per process, lazily; a language model is loaded the first time
it is needed (about 4 s for the Cyrillic set).

Russian and Ukrainian share most letters, and a statistical model alone is unsure on a headline.
Letters only one of them uses decide first (:func:`detect`):

* ``і ї є ґ`` and the apostrophe inside a word (``м'ясо``, ``п'ять``) → Ukrainian,
* ``ы э ъ ё`` → Russian, ``ў`` (with ``і`` and no ``и``/``щ``) → Belarusian,
* pre-reform Russian (``ѣ ѳ ѵ``, word-final ``ъ``) → Russian with ``note="pre_reform"``;

only when the cues are absent or conflict does ``lingua`` choose among the Cyrillic languages.
Latin-script text goes to ``lingua`` over the Latin languages; when that is not English and the
text reads as transliterated Russian or Ukrainian (``chto``, ``eto``, ``shcho``, ``tse`` ...)
the result is ``ru``/``uk`` with ``note="latin_transliteration"``.

Homoglyphs. Latin ``a c e i o p x y`` (and capitals ``A B C E H K M O P T X``) typed inside
Cyrillic words (and the reverse) are a known way to dodge keyword filters. :func:`normalise_homoglyphs`
maps them to the script of the word they sit in, one character for one character, so every offset
into the copy is an offset into the original; detection and entity matching read the copy, output
spans index the original. ``note`` says ``homoglyphs`` when any were found.

>>> detect("Зеленський заявив").lang, detect("Зеленский заявил").lang, detect("Putin said so").lang
('uk', 'ru', 'en')
>>> normalise_homoglyphs("Зeленский") == "Зеленский", len(normalise_homoglyphs("Зeленский"))
(True, 9)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LANGUAGES",
    "LangResult",
    "detect",
    "detect_lang",
    "normalise_homoglyphs",
    "normalise_for_matching",
    "is_pre_reform",
    "mixed_script_words",
    "input_conditions",
    "has_homoglyphs",
    "sentence_langs",
    "article_langs",
]

#: ISO 639-1 codes the detector may answer (beyond these it says the closest of them).
LANGUAGES = ("en", "ru", "uk", "be", "bg", "sr", "pl", "de", "fr", "es", "it", "cs")
_CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "sr")


@dataclass(frozen=True, slots=True)
class LangResult:
    """``lang``: ISO 639-1 code or None (no letters); ``confidence`` in [0, 1];
    ``note``: "" or ``;``-joined flags (latin_transliteration, pre_reform, homoglyphs,
    mixed_script, short, cue, model); ``script``: cyrillic, latin or none."""

    lang: str | None
    confidence: float
    note: str
    script: str


# --------------------------------------------------------------------------------------
# Homoglyphs
# --------------------------------------------------------------------------------------

_LAT_TO_CYR = dict(zip("aceopxyiABCEHKMOPTX", "асеорхуіАВСЕНКМОРТХ"))
_CYR_TO_LAT = {c: lat for lat, c in _LAT_TO_CYR.items()}
_CYR_TO_LAT.update({"і": "i", "І": "I", "ѕ": "s", "ј": "j"})
_LAT_TO_CYR_T = str.maketrans(_LAT_TO_CYR)
_CYR_TO_LAT_T = str.maketrans(_CYR_TO_LAT)
_MIXED_WORD = re.compile(r"(?=\w*[\u0400-\u04ff])(?=\w*[A-Za-z])\w+")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z]")


def _both_scripts(text: str) -> bool:
    return _LAT_RE.search(text) is not None and _CYR_RE.search(text) is not None


def has_homoglyphs(text: str) -> bool:
    """True when some word mixes Latin and Cyrillic letters."""
    return _both_scripts(text) and _MIXED_WORD.search(text) is not None


def normalise_homoglyphs(text: str) -> str:
    """A copy of ``text`` where each mixed-script word is written in its majority script.

    Only look-alike letters change, one for one: ``len(result) == len(text)`` and every offset
    stays valid. Words in one script are untouched.

    >>> normalise_homoglyphs("В Kиеве и в Kyiv")
    'В Киеве и в Kyiv'
    """
    if not _both_scripts(text) or not _MIXED_WORD.search(text):
        return text

    def fix(m: re.Match) -> str:
        w = m.group()
        cyr = len(_CYR_RE.findall(w))
        lat = len(_LAT_RE.findall(w))
        return w.translate(_LAT_TO_CYR_T) if cyr >= lat else w.translate(_CYR_TO_LAT_T)

    return _MIXED_WORD.sub(fix, text)


_PRE_REFORM_T = str.maketrans({"ѣ": "е", "Ѣ": "Е", "і": "и", "І": "И", "ѳ": "ф", "Ѳ": "Ф", "ѵ": "и", "Ѵ": "И"})
_FINAL_HARD = re.compile(r"(?<=[б-дж-зк-нп-тф-щБ-ДЖ-ЗК-НП-ТФ-Щ])[ъЪ](?![\w\u0400-\u04ff])")


def is_pre_reform(text: str) -> bool:
    """True when ``text`` shows pre-1918 Russian spelling (ѣ, ѳ, ѵ or a word-final ъ)."""
    return isinstance(text, str) and _PRE_REFORM.search(text) is not None


def normalise_for_matching(text: str, lang: str | None = None) -> str:
    """The copy of ``text`` that the Cyrillic lexicon and gazetteer matchers read, with every
    offset kept (``len(result) == len(text)``):

    * mixed-script words in their majority script (:func:`normalise_homoglyphs`);
    * for Russian text in pre-reform spelling (:func:`is_pre_reform`): ѣ -> е, і -> и, ѳ -> ф,
      ѵ -> и, and a word-final ъ becomes a space ("Въ Россіи" reads as "В  России").
      Ukrainian "і" is never touched: the mapping applies to ``lang`` "ru" (or None) only.

    >>> normalise_for_matching("Зеленcкий въ Россіи", "ru")
    'Зеленский в  России'
    >>> normalise_for_matching("у Києві", "uk")
    'у Києві'
    """
    if not isinstance(text, str):
        return ""
    out = normalise_homoglyphs(text)
    if lang in ("ru", None) and is_pre_reform(out):
        out = _FINAL_HARD.sub(" ", out.translate(_PRE_REFORM_T))
    return out


def mixed_script_words(text: str) -> int:
    """How many words of ``text`` mix Latin and Cyrillic letters (look-alike evasion)."""
    if not isinstance(text, str) or not _both_scripts(text):
        return 0
    return sum(1 for _ in _MIXED_WORD.finditer(text))


#: plain-language messages for the conditions :func:`detect` notes
_CONDITION = {
    "latin_transliteration": "transliterated {name} in Latin script: entities are matched with the English "
                             "gazetteer; Cyrillic tone, labels and quotes do not apply",
    "pre_reform": "pre-reform Russian spelling (ѣ, і, word-final ъ): read as modern spelling",
    "be": "Belarusian: sentences and tokens only (no lemmas, entities, tone or labels)",
}
_NAMES = {"ru": "Russian", "uk": "Ukrainian"}


def input_conditions(text: str) -> list[str]:
    """What unusual input :func:`detect` found in ``text``, as plain messages (empty for ordinary
    text): transliterated Russian/Ukrainian, mixed-script words normalised, pre-reform spelling,
    Belarusian. The corpus loader files them in its warnings table (field ``script``).

    >>> input_conditions("Putin zayavil, chto eto ne tak")
    ['transliterated Russian in Latin script: entities are matched with the English gazetteer; Cyrillic tone, labels and quotes do not apply']
    >>> input_conditions("Зeлeнcкий прибыл в Kиeв")
    ['mixed-script words normalised: 2']
    >>> input_conditions("Путин прибыл в Москву")
    []
    """
    if not isinstance(text, str):
        return []
    r = detect(text)
    out = []
    notes = set(r.note.split(";"))
    if "latin_transliteration" in notes:
        out.append(_CONDITION["latin_transliteration"].format(name=_NAMES.get(r.lang, r.lang)))
    n = mixed_script_words(text)
    if n:
        out.append(f"mixed-script words normalised: {n}")
    if "pre_reform" in notes:
        out.append(_CONDITION["pre_reform"])
    if r.lang == "be":
        out.append(_CONDITION["be"])
    return out


# --------------------------------------------------------------------------------------
# The detector
# --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


@lru_cache(maxsize=1)
def _lingua_languages() -> dict:
    from lingua import IsoCode639_1, Language

    return {c: Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES}


def _lingua(text: str, among: tuple[str, ...] | None = None) -> tuple[str | None, float]:
    """(code, confidence) of the best language (optionally among a subset)."""
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    if among is not None:
        values = [v for v in values if v.language.iso_code_639_1.name.lower() in among] or values
        total = sum(v.value for v in values) or 1.0
        best = max(values, key=lambda v: v.value)
        return best.language.iso_code_639_1.name.lower(), best.value / total
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


_UK_STRONG = re.compile(r"[їєґЇЄҐ]")
# lower-case letters on both sides: "м'ясо", "п'ять", "об'єкт" (not the Irish "О’Брайен" in Russian)
_APOSTROPHE = re.compile(r"(?<=[а-яіїєґ])['\u2019\u02bc](?=[а-яіїєґ])")
_UK_I = re.compile(r"[іІ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_BE_ONLY = re.compile(r"[ўЎ]")
_RU_UK_SHARED_NOT_BE = re.compile(r"[иИщЩ]")
# weaker cues: spellings and function words of one language only
_UK_WEAK = re.compile(r"[сцз]ьк|нн[яюі]\b|\b(?:що|це|як|його|або|та|від|вже|які|цей|тому|коли)\b", re.IGNORECASE)
_RU_WEAK = re.compile(r"[сцз]к(?:ий|ая|ое|ие|ого|ой|ом)\b|ние\b|\b(?:что|это|как|его|или|из|уже|когда|этот|тоже|если)\b",
                      re.IGNORECASE)
_PRE_REFORM = re.compile(r"[ѣѢѳѲѵѴ]|[б-дж-зк-нп-тф-щ]ъ\b")
# frequent words of Russian/Ukrainian written in Latin letters (common transliterations)
_TRANSLIT_RU = frozenset("""chto eto ne na v i s po kak ot dlya ego ona oni my vy tak uzhe byl bylo byli budet mozhno
nado takzhe rossii rossiya ukrainy ukraina zayavil zayavila skazal soobshchil kotoryy kotorye voyny voyna bolee
pri tolko yesli esli chtoby tozhe gde kogda posle ochen vsekh svoi svoikh seychas segodnya""".split())
_TRANSLIT_UK = frozenset("""shcho tse ne na v u i z po yak vid dlya yoho vona vony my vy tak vzhe buv bulo buly bude
mozhna treba takozh rosiyi rosiya ukrayiny ukrayina zayavyv zayavyla skazav povidomyv yakyy yaki viyny viyna
bilsh pry tilky yakshcho shchob tezh de koly pislya duzhe vsikh svoyi zaraz sohodni""".split())
_LATIN_WORD = re.compile(r"[A-Za-z']+")
# English function words: together about a third of the words of English news prose, and close to
# none of Polish, German, French, Spanish, Italian or transliterated Russian/Ukrainian prose
_EN_FUNCTION = frozenset("the of and to in that is was for on with as by said it are were has have from".split())


def _clearly_english(text: str, lowered: list[str] | None = None) -> bool:
    """True for a text of 20+ Latin words of which at least a fifth are English function words:
    the language model (about 5 ms per 3,000 characters) is not needed to call it English.
    ``lowered``: the text's Latin words in lower case, when the caller has them already."""
    words = [w.lower() for w in _LATIN_WORD.findall(text)] if lowered is None else lowered
    return len(words) >= 20 and sum(map(_EN_FUNCTION.__contains__, words)) >= 0.2 * len(words)


def _cue_counts(text: str) -> tuple[int, int, int, int]:
    """(strong Ukrainian, Ukrainian і, Russian-only, Belarusian ў) letter counts."""
    return (len(_UK_STRONG.findall(text)), len(_UK_I.findall(text)), len(_RU_ONLY.findall(text)),
            len(_BE_ONLY.findall(text)))


def _scripts(text: str) -> tuple[int, int]:
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cyr = int(((cps >= 0x400) & (cps <= 0x4FF)).sum())
    low = cps | 32
    lat = int((((low >= 97) & (low <= 122)) | ((cps >= 0xC0) & (cps <= 0x24F))).sum())
    return cyr, lat


_EN_LIKE = frozenset({"i", "my", "so", "v", "na", "ne", "s", "u", "de", "tak", "z"})


def _translit(text: str, lowered: list[str] | None = None) -> tuple[str | None, float]:
    words = [w.lower() for w in _LATIN_WORD.findall(text)] if lowered is None else lowered
    if len(words) < 3:
        return None, 0.0
    ru = sum(map(_TRANSLIT_RU.__contains__, words))
    uk = sum(map(_TRANSLIT_UK.__contains__, words))
    # words that are ordinary English function words too ("i", "on", "my") count only
    # when the distinctive ones are there
    en_like = sum(map(_EN_LIKE.__contains__, words))
    best, hits = ("uk", uk) if uk > ru else ("ru", ru)
    distinctive = hits - en_like
    if distinctive < 1 or hits / len(words) < 0.15:
        return None, 0.0
    return best, min(1.0, distinctive / len(words) * 2)


def _model_needed(notes: list[str], script: str) -> LangResult:
    """What :func:`detect` answers with ``model=False`` when only the model could decide."""
    return LangResult(None, 0.0, ";".join(notes + ["model_needed"]), script)


@lru_cache(maxsize=1 << 14)
def detect(text: str, *, max_chars: int = 3000, model: bool = True) -> LangResult:
    """The language of ``text`` (an article or a sentence). Never raises on a string.

    ``model=False``: letter and word cues only; where only the lingua model could decide, the
    result has ``lang`` None and ``note`` ending in ``model_needed`` (no model is loaded).

    >>> detect("Я пайшоў дадому і чытаў кнігу").lang
    'be'
    >>> r = detect("Putin zayavil, chto eto ne tak"); (r.lang, r.note)
    ('ru', 'latin_transliteration;model')
    >>> detect("Въ Россіи всѣ знаютъ").note
    'pre_reform;cue'
    >>> detect("12 345 !!!").lang is None
    True
    >>> detect("Сергей Иванов", model=False).note
    'short;model_needed'
    """
    if not isinstance(text, str):
        return LangResult(None, 0.0, "not_text", "none")
    sample = text[:max_chars]
    notes = []
    if has_homoglyphs(sample):
        notes.append("homoglyphs")
        sample = normalise_homoglyphs(sample)
    cyr, lat = _scripts(sample)
    if cyr == 0 and lat == 0:
        return LangResult(None, 0.0, ";".join(notes + ["no_letters"]), "none")
    if cyr and lat and min(cyr, lat) / (cyr + lat) > 0.2:
        notes.append("mixed_script")
    if len(sample.split()) < 4:
        notes.append("short")
    if cyr >= 0.3 * (cyr + lat):  # "Le Figaro (Франция)." is a Russian sentence
        script = "cyrillic"
        if _PRE_REFORM.search(sample) and len(re.findall(r"[ѣѢѳѲѵѴ]", sample)) + len(
                re.findall(r"[б-дж-зк-нп-тф-щ]ъ\b", sample)) >= 1:
            return LangResult("ru", 0.9, ";".join(notes + ["pre_reform", "cue"]), script)
        uk_strong, uk_i, ru, be = _cue_counts(sample)
        if be and not uk_strong and not ru and not _RU_UK_SHARED_NOT_BE.search(sample):
            return LangResult("be", 0.95, ";".join(notes + ["cue"]), script)
        uk = uk_strong * 2 + uk_i + len(_APOSTROPHE.findall(sample)) + len(_UK_WEAK.findall(sample))
        ru += len(_RU_WEAK.findall(sample))
        if uk and not ru and not be:
            return LangResult("uk", 0.97 if uk >= 2 else 0.9, ";".join(notes + ["cue"]), script)
        if ru and not uk and not be:
            return LangResult("ru", 0.97 if ru >= 2 else 0.9, ";".join(notes + ["cue"]), script)
        if ru and uk and not be and max(uk, ru) >= 4 * min(uk, ru) and max(uk, ru) >= 8:
            # long texts quote the other language: the dominant cue wins
            return LangResult("uk" if uk > ru else "ru", 0.9, ";".join(notes + ["cue"]), script)
        if not uk and not ru and not be:
            # No cue. Ukrainian puts і/ї/є in almost every clause (і is about one letter in
            # twenty), so a Ukrainian text of 40+ letters without any is unlikely: Russian. Shorter
            # texts go to the model, choosing between ru and uk only.
            if cyr >= 40:
                return LangResult("ru", 0.8, ";".join(notes + ["no_uk_letters"]), script)
            if not model:
                return _model_needed(notes, script)
            code, conf = _lingua(sample, ("ru", "uk"))
            return LangResult(code, conf, ";".join(notes + ["model"]), script)
        if not model:
            return _model_needed(notes, script)
        code, conf = _lingua(sample, _CYRILLIC_LANGS)
        return LangResult(code, conf, ";".join(notes + ["model"]), script)
    script = "latin"
    lowered = [w.lower() for w in _LATIN_WORD.findall(sample)]  # read by both cues below
    tl, tconf = _translit(sample, lowered)
    if tl is None and len(sample.split()) < 8 and sample.isascii():
        # a short ASCII-only line ("Moscow CNN —", "The Kerch Strait"): the models guess; in news
        # copy it is English (Polish, German, French ... would show their letters)
        return LangResult("en", 0.6, ";".join(notes + ["short_ascii"]), "latin")
    if tl is None and _clearly_english(sample, lowered):
        return LangResult("en", 0.95, ";".join(notes + ["cue"]), script)
    if not model:
        return _model_needed(notes, script)
    code, conf = _lingua(sample)
    if code == "en" and conf >= 0.5 and tconf < 0.5:
        return LangResult(code, conf, ";".join(notes + ["model"]), script)
    if tl is not None:
        return LangResult(tl, tconf, ";".join(notes + ["latin_transliteration", "model"]), script)
    if code in _CYRILLIC_LANGS:  # Cyrillic-only models cannot win on Latin text; be safe
        code = "en"
    return LangResult(code, conf, ";".join(notes + ["model"]), script)


def detect_lang(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (None when it has no letters): :func:`detect` ``.lang``.

    >>> detect_lang("Putin said"), detect_lang("Путин заявил"), detect_lang("Україна зазнала")
    ('en', 'ru', 'uk')
    """
    return detect(text).lang


_NOT_RU_LETTER = re.compile(r"[іїєґўІЇЄҐЎ]")
_UK_LETTER = re.compile(r"[іїєґІЇЄҐ]")
_NOT_UK_LETTER = re.compile(r"[ыэъёўЫЭЪЁЎ]")


def _mostly_cyrillic(text: str) -> bool:
    """More Cyrillic than Latin letters, and some ("Telegram-канал сообщил" is Cyrillic)."""
    cyr = len(_CYR_RE.findall(text))
    return cyr > 0 and cyr > len(_LAT_RE.findall(text))


def sentence_langs(texts, *, default: str | None = None) -> list[str | None]:
    """Language of each sentence. A sentence without letters, or too short to tell
    without a letter cue (fewer than 3 words), takes ``default`` (the article's language)
    when one is given.

    In a Russian article a mostly Cyrillic sentence with no Ukrainian/Belarusian letter
    (і ї є ґ ў) is Russian; in a Ukrainian article one with і/ї/є/ґ and no ы э ъ ё
    is Ukrainian: both keep the article's language without the model (the model was most
    of the time of a Russian text layer). A sentence of one or two words that only the model could
    decide takes ``default`` without asking it (its answer would not be kept).

    >>> sentence_langs(["Путин прибыл в Москву.", "Україна не здасться.", "The Kremlin declined."], default="ru")
    ['ru', 'uk', 'en']
    """
    out = []
    for t in texts:
        if not isinstance(t, str):
            out.append(default)
            continue
        if default in ("ru", "uk") and _mostly_cyrillic(t):
            if default == "ru" and not _NOT_RU_LETTER.search(t):
                out.append("ru")
                continue
            if default == "uk" and _UK_LETTER.search(t) and not _NOT_UK_LETTER.search(t):
                out.append("uk")
                continue
        # the model's answer on a sentence of one or two words is never kept when the article's
        # language is known (below): do not ask it (its models of seven Latin-script languages
        # take ~230 MB, which a corpus whose articles are told by their letters never loads)
        r = detect(t, model=default is None or len(t.split()) >= 3)
        if r.lang is None or default is not None and "model" in r.note and len(t.split()) < 3 or default is not None and r.lang != default and "model" in r.note and r.confidence < 0.6:
            out.append(default)
        else:
            out.append(r.lang)
    return out


def article_langs(articles) -> pd.DataFrame:
    """DataFrame[article_id, lang, lang_confidence, lang_note] for an articles frame
    (``article_id``, ``text``; ``title`` used when the text is empty)."""
    import pandas as pd

    rows = []
    titles = articles["title"].tolist() if "title" in articles.columns else [None] * len(articles)
    for aid, text, title in zip(articles["article_id"].tolist(), articles["text"].tolist(), titles):
        t = text if isinstance(text, str) and text.strip() else (title if isinstance(title, str) else "")
        r = detect(t)
        rows.append((aid, r.lang, round(float(r.confidence), 4), r.note))
    return pd.DataFrame(rows, columns=["article_id", "lang", "lang_confidence", "lang_note"])

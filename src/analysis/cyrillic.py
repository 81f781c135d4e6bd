"""Russian and Ukrainian text: sentence spans, word tokens, lemmas and stopwords.

Used by :mod:`analysis.text` for articles whose language is ``ru`` or ``uk`` (also ``be``, ``bg``,
``sr``: they get the same segmentation but lemmas only for ru/uk).

* **Sentences**: ``razdel.sentenize`` (Natasha project; rule-based, tuned on Russian news) inside
  each paragraph; a blank line always ends a sentence, as on the English path.
* **Tokens**: one compiled regular expression (:data:`TOKEN_RE`) that reproduces ``razdel.tokenize``
  on news text (letters and digits are separate atoms joined by inner hyphens and apostrophes:
  ``северо-западный``, ``Х-38``, ``м'ясо``; decimals ``1,5``; runs of ``.?!…`` together; any other
  symbol alone). It agrees with razdel on 99.7 % of the token spans of the shared Russian articles
  (the differences: razdel keeps a byte-order mark on the next word and splits ``Х-38М``), and is
  about 10x faster; ``tests/test_text_cyrillic.py`` checks the agreement (razdel for Russian,
  ``tokenize-uk`` for Ukrainian).
* **Lemmas** and **case**: ``pymorphy3`` through :mod:`analysis.morph`, memoised per lower-cased form.
* **Stopwords**: short hand-written lists (:data:`STOPWORDS`), negations kept out (``не``, ``нет``,
  ``ни``, ``без``, ``против``; ``ні``, ``немає``, ``проти``) as on the English path.

**One Cyrillic layer.** Every Russian/Ukrainian helper reads the same few functions:
:func:`fold` here (lower case, ё as е), :func:`analysis.morph.parses` (the one memo of pymorphy3
parses; ``lemma``, ``lemma_case``, ``all_lemmas`` and :mod:`analysis.framing._cyr`'s
``best_lemma``/``lemma_forms`` are views of it), :func:`analysis.lang.normalise_for_matching`
(homoglyphs and pre-reform spelling, offsets kept) and :func:`analysis.lang.detect` for the
language (``analysis.roles.detect_lang`` and ``analysis.corpus.detect_lang`` delegate to it).
"""

from __future__ import annotations

import re

__all__ = ["CYRILLIC_LANGS", "STOPWORDS", "NEGATIONS", "TOKEN_RE", "sentence_spans", "token_spans", "has_cyrillic",
           "fold"]

#: Languages segmented here (lemmas for ru and uk only).
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr"})

_ATOM = r"(?:[^\W\d_]+|\d+)"
_JOIN = r"[-\u2010\u2011'\u2019\u02bc\xad]"
TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)+(?![^\W\d_])"              # 1,5  2.000  (not 1.5м: razdel splits it)
    rf"|{_ATOM}(?:{_JOIN}{_ATOM})*"             # words, hyphenated words, Х-38, м'ясо
    r"|[.?!\u2026]+|-+|\*+|[\ufeff\u200b]+(?=\s|$)"  # ... ?! -- **
    r"|[^\s\ufeff\u200b]"                       # any other symbol alone
)
_CYR = re.compile(r"[\u0400-\u04ff]")


def fold(s: str) -> str:
    """Lower case with ё read as е: the comparison key of every Cyrillic lexicon and gazetteer look-up.

    >>> fold("Ещё Всё")
    'еще все'
    """
    return s.lower().replace("ё", "е")


def has_cyrillic(text: str) -> bool:
    return isinstance(text, str) and _CYR.search(text) is not None


_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a Russian/Ukrainian text (razdel within paragraphs).

    >>> t = "Путин заявил о переговорах\\n\\nПо словам т.е. Пескова, Кремль готов. В Киеве ответили."
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['Путин заявил о переговорах', 'По словам т.е. Пескова, Кремль готов.', 'В Киеве ответили.']
    """
    from razdel import sentenize

    spans = []
    for para in _PARAGRAPH_RE.finditer(text):
        chunk = para.group()
        if not chunk.strip():
            continue
        base = para.start()
        for s in sentenize(chunk):
            a, b = s.start, s.stop
            while a < b and chunk[a].isspace():
                a += 1
            while b > a and chunk[b - 1].isspace():
                b -= 1
            if b > a:
                spans.append((base + a, base + b))
    return spans


def token_spans(text: str) -> list[tuple[int, int]]:
    """Token spans of a Russian/Ukrainian text (razdel conventions).

    >>> s = "Северо-западнее Бахмута ВСУ потеряли 1,5 тыс. «Х-38» — м'ясо?!"
    >>> [s[a:b] for a, b in token_spans(s)]
    ['Северо-западнее', 'Бахмута', 'ВСУ', 'потеряли', '1,5', 'тыс', '.', '«', 'Х-38', '»', '—', "м'ясо", '?!']
    """
    return [m.span() for m in TOKEN_RE.finditer(text) if not m.group().startswith(("\ufeff", "\u200b"))]


#: Negations stay out of the stop lists (they carry stance).
NEGATIONS = {
    "ru": frozenset("не нет ни без против никогда ничего никто".split()),
    "uk": frozenset("не ні немає нема без проти ніколи нічого ніхто".split()),
}

# Hand-written: pronouns, prepositions, conjunctions, particles, auxiliaries and the commonest
# adverbs, in their lower-cased surface forms (the stop flag is looked up on the token, not the lemma).
_RU_STOP = """
а б бы был была были было быть в вам вами вас весь во вот все всё всего всей всех вы где да даже для до
его ее её ей ему если есть еще ещё же за здесь и из или им ими их к как какая какие какой кем когда кого
кое который которая которое которые которых которой котором которым ком кто ли либо мне многие мной мог
могут мож можно мои мой мы на над нам нами нас наш наша наше наши него нее неё ней нем нём нему нибудь
них но ну о об однако он она они оно от очень по под пока после потом потому почему при про с сам сама
сами само свое своё свои свой свою себе себя со так также такие такой там те тем теперь то тогда того
тоже той только том тот тут ты у уже хотя чего чей чем что чтобы чье чьё эта эти это этого этой этом этот
этим этих эту я ведь вдруг впрочем всегда зачем иногда между перед через около вместе который-то раз
""".split()
_UK_STOP = """
а або б би був була були було бути в вам вами вас весь від вона вони воно вся все всі всього всіх ви
де для до його її їй їм їх їхній з за зі і й із йому коли котрий котра котре котрі хто кого кому ким
який яка яке які якого якої яким якій яких як або але ж же на над нам нами нас наш наша наше наші них
ним ній нього неї о об однак він вона від по під поки після потім тому чому при про саме сам сама самі
свій своя своє свої себе собі так також такий така таке такі там те тим тепер то тоді того теж тієї тій
тільки тому той тут ти у уже вже хоча чого чий чим що щоб це цього цієї цим цих цю ця ці цей я між перед
через біля разом та ще чи хай нехай адже навіть лише тобто
""".split()

STOPWORDS = {
    "ru": frozenset(_RU_STOP) - NEGATIONS["ru"],
    "uk": frozenset(_UK_STOP) - NEGATIONS["uk"],
}

"""Discovery of names the gazetteer lacks: capitalised sequences typed by cue words (Mikheev,
Moens & Grover 1999); the hand-written discovery vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache

from analysis import vocabulary

# Discovery vocabulary (hand-written; titles: analysis.vocabulary).
_TITLES = vocabulary.TITLES_EN
_ORG_HEADS = frozenset("""
Ministry Department Council Agency Committee Commission Service Services Bank Party Union Organization Organisation
Office Corporation Company Group Institute University College School Fund Parliament Assembly Court Directorate
Administration Bureau Authority Association Foundation Center Centre Network News Times Post Inc Ltd Corp LLC Forum
Alliance Coalition Federation Staff Police Navy Cabinet Senate Congress Academy Church Embassy Mission
Secretariat Programme Program Tribunal Prosecutor's Board Trust Society Institution Agency's Chamber Club Media
Radio Television TV Channel Journal Herald Gazette Telegraph Review Pravda Express Inform Press Holding Holdings
Airlines Railways Energy Oil Gas Industries Industry Systems Technologies Solutions Movement Front Government
Consulate Observatory Foundation's Fellowship Project Watch Partners Capital Group's Monitor
""".split())
_UNIT_HEADS = frozenset("Brigade Battalion Regiment Division Corps Army Fleet Forces Force Squadron Legion Unit Detachment Flotilla Troops Command Guard Marines Guards".split())
#: Documents and laws (MISC in CoNLL terms): a name ending in one of these is not reported.
_DOC_HEADS = frozenset("Act Code Law Plan Declaration Strategy Charter Constitution Resolution Order Decree Report Policy Bill Statement Communique Memorandum Convention".split())
_LOC_HEADS = frozenset("River Sea Lake Mountains Island Islands Peninsula Strait Bay Gulf Ocean Valley Forest Spit Canal Reservoir Steppe Plain Ridge Coast".split())
_FAC_HEADS = frozenset("""Street Avenue Square Airport Station Plant Bridge Dam Port Hospital Theatre Theater Cathedral Base Airfield
Stadium Palace Hotel Mall Prison Cosmodrome Yar Park Cemetery Embankment Highway Colony Refinery Factory Works Terminal Depot Monastery Lavra Memorial Museum Tower Building Pipeline""".split())
_EVENT_HEADS = frozenset("Summit Conference War Wars Games Olympics Agreement Treaty Accords Accord Operation Offensive Protocol Revolution Massacre Festival Cup Championship Talks Open Day Initiative Partnership Partnerships".split())
_GPE_HEADS = frozenset("Oblast Region Raion District Province Krai Republic County State Governorate Municipality Hromada".split())
_GPE_CUES_AFTER = frozenset("region oblast district province city village town settlement raion hromada community municipality krai area direction sector front axis".split())
_GPE_CUES_BEFORE = frozenset("in near outside around towards toward from across into at to via outskirts".split())
_PLACE_OF = frozenset("village town city settlement region oblast district suburb hamlet outskirts capital port municipality".split())
_SPEECH = frozenset("said says told added noted stated wrote explained argued claimed stressed warned announced declared insisted asked urged reported tweeted posted confirmed according".split())
_CONNECTORS = frozenset("of the for de da von van der den al bin ibn la le du del y und on-the".split())
_MONTHS_DAYS = frozenset("""January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())
_DEMONYMS = frozenset("""
Russian Russians Ukrainian Ukrainians American Americans British Briton Britons European Europeans Western Westerners
Eastern Soviet Soviets Belarusian Belarusians Polish Pole Poles German Germans French Chinese Iranian Iranians Turkish
Turk Turks Chechen Chechens Crimean Crimeans Tatar Tatars Georgian Georgians Moldovan Moldovans Hungarian Hungarians
Slovak Slovaks Czech Czechs Romanian Romanians Bulgarian Bulgarians Lithuanian Lithuanians Latvian Latvians Estonian
Estonians Finnish Finn Finns Swedish Swede Swedes Norwegian Norwegians Danish Dane Danes Dutch Belgian Belgians
Austrian Austrians Swiss Greek Greeks Serbian Serbs Croatian Croats Italian Italians Spanish Spaniard Spaniards
Portuguese Irish Canadian Canadians Japanese Korean Koreans Indian Indians Israeli Israelis Palestinian Palestinians
Arab Arabs Syrian Syrians Armenian Armenians Azerbaijani Azerbaijanis Kazakh Kazakhs African Africans Asian Asians
Latin Nordic Baltic Slavic Slav Slavs Atlantic Transatlantic Euro-Atlantic Pacific Kyivan Muscovite Muscovites
Donbas Orthodox Catholic Christian Christians Muslim Muslims Jewish Jews Jew Nazi Nazis Neo-Nazi Neo-Nazis Bolshevik
Bolsheviks Communist Communists Democrat Democrats Republican Republicans Allied Allies NATO's European-made
Russian-backed Russian-installed Russian-occupied Russian-speaking Pro-Russian Anti-Russian Kremlin-backed
Ukrainian-controlled Ukraine-controlled Moscow-backed Kyiv-controlled Russian-controlled Russia-backed
""".split())
_WORD_RE = re.compile(r"[^\W_][\w]*(?:[-\u2010\u2011][\w]+|['\u2019](?![sS]\b)[\w]+)*\.?")
_PERSON_SUFFIX = re.compile(r"(?:enko|enka|chuk|czuk|iuk|yuk|ov|ova|ev|eva|yov|yova|skyi|skyy|sky|skiy|ska|skaya|ski|vich|vych|vna|ich|shvili|yan|ian)$")
_PLACE_SUFFIX = re.compile(r"(?:ivka|yivka|ovka|evka|ivske|ivsk|ske|ske|ove|ovo|evo|ino|yne|ene|ne|sk|ets|pil|pol|hrad|grad|burg|horod|gorod|ivtsi|tsi|ichi|ivka)$")


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (word.isupper() and len(word) >= 2 and word.isalpha())


_CONTRACTION = re.compile(r"'(?:t|ve|re|ll|d|m)$", re.I)


_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)$")


def _capword(word: str) -> bool:
    w = word.replace("\u2019", "'")
    return _is_cap(w) and w not in _MONTHS_DAYS and w not in _NOT_NAMES and not _CONTRACTION.search(w)


_capword_cached = lru_cache(maxsize=1 << 16)(_capword)


def _clean_words(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Strip a trailing full stop unless it is an initial/abbreviation ("Gen.", "J.")."""
    cleaned = []
    for s, e, w in words:
        if w.endswith(".") and not (w[:-1] in _TITLES or len(w) == 2 or w in _TITLES):
            w, e = w[:-1], e - 1
        cleaned.append((s, e, w))
    return cleaned


def _merge_units(words: list[tuple], gaz_spans, sent: str) -> list[tuple]:
    """Words (start, end, text, None) and gazetteer spans as one sequence of units (start, end,
    text, gaz) — a span swallows the words it overlaps; gaz is (entity_id, type) or None.

    >>> _merge_units([(0, 3, "New", None), (4, 8, "York", None), (9, 14, "Times", None)],
    ...              [(0, 8, "city:new_york", "GPE")], "New York Times")
    [(0, 8, 'New York', ('city:new_york', 'GPE')), (9, 14, 'Times', None)]
    """
    units: list[tuple] = []
    starts = [w[0] for w in words]
    ends = [w[1] for w in words]
    n = len(words)
    wi = 0
    for gs, ge, gid, gtype in sorted(gaz_spans):
        j = bisect_right(ends, gs, wi)  # the first word ending after the span opens
        units.extend(words[wi:j])
        wi = j
        if j == n:
            break
        if ge <= starts[j]:
            continue  # the span ended before that word: it overlaps none
        units.append((gs, ge, sent[gs:ge], (gid, gtype)))
        wi = bisect_left(starts, ge, j)
    units.extend(words[wi:])
    return units


def _discover_sentence(sent: str, offset: int, gaz_spans: list[tuple[int, int, str, str]],
                       lower_vocab: set[str]) -> list[tuple[int, int, str, str]]:
    """Discovered (start, end, surface, guessed type) in one sentence; offsets local.

    The reference implementation over every word; :func:`_discover_fast` gives
    the same result visiting only the words that can matter.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(sent)]
    if not words:
        return []
    words = _clean_words(words)
    # Title Case headlines ("Ukraine Says It Will Not Give Up") carry no capitalisation signal:
    # two capitalised function words after the first word, or every word capitalised.
    later = [w for _, _, w in words[1:]]
    n_cap_stop = sum(1 for w in later if w[:1].isupper() and len(w) > 1 and w.lower() in _stop())
    if n_cap_stop >= 2 or (len(words) >= 4 and all(w[:1].isupper() for _, _, w in words)):
        return []
    units = _merge_units([(s, e, w, None) for s, e, w in words], gaz_spans, sent)
    return _scan_units(units, sent, units[0][0] if units else 0, lower_vocab)


_CONNECTOR_ALT = "(?:" + "|".join(re.escape(c) for c in sorted(_CONNECTORS, key=len, reverse=True)) + \
    r")(?!\w|[-\u2010\u2011]\w|['\u2019](?![sS]\b)\w)"
#: Words that do not start with an ASCII lower-case letter, in the exact
#: segmentation of :data:`_WORD_RE`: lower-case words and non-word characters
#: are consumed silently (possessive, so in one pass; group 1 keeps the last
#: lower-case word), group 2 is the next other word, group 3 is set when
#: whitespace and a connector ("of", "the") follow it.
_REPORTED_WORD_RE = re.compile(
    r"(?:[\W_]++|([a-z]\w*+(?:[-\u2010\u2011]\w++|['\u2019](?![sS]\b)\w++)*+\.?))*+"
    r"(?:(" + _WORD_RE.pattern + r")(?:(?=\s+" + _CONNECTOR_ALT + r")(\s))?)?")
_CONNECTOR_AFTER = re.compile(r"\s+" + _CONNECTOR_ALT)
_SPACE_LOWER = re.compile(r"\s[a-z]")  # a word opening with a-z: not every word is capitalised


@lru_cache(maxsize=1 << 16)
def _is_stop_word(w: str) -> bool:
    """A capitalised function word ("The", "Of"): longer than one letter, a stop word."""
    return len(w) > 1 and w.lower() in _stop()


def _reported_words(texts: list[str]) -> list[tuple | None]:
    """For each text, what discovery needs of its words, in one scan of all texts.

    None when every word starts with a-z; else (units, first_in, n_cap_stop,
    all_cap, connector_ends): ``units`` are (start, end, word, None) for the
    :data:`_WORD_RE` words not starting with a-z, trailing full stops removed
    as in :func:`_clean_words`; ``first_in``: the first of them is the
    sentence's first word; ``n_cap_stop``: capitalised stop words after the
    first word; ``all_cap``: all of them are capitalised; ``connector_ends``:
    ends of those followed by whitespace and a connector.
    """
    out: list[tuple | None] = [None] * len(texts)
    if not texts:
        return out
    joined = "\n".join(texts)
    titles, cap_stop = _TITLES, _is_stop_word
    k, base = 0, 0
    nxt = len(texts[0]) + 1
    units: list = []
    first_in = all_cap = True
    n_cap_stop = 0
    conn: list = []
    for m in _REPORTED_WORD_RE.finditer(joined):
        ws, we = m.span(2)
        if ws < 0:
            continue
        if ws >= nxt:
            if units:
                out[k] = (units, first_in, n_cap_stop, all_cap, conn)
                units, all_cap, n_cap_stop, conn = [], True, 0, []
            while ws >= nxt:
                k += 1
                base = nxt
                nxt = base + len(texts[k]) + 1
        w = m.group(2)
        e = we - base
        dotted = w[-1] == "." and not (w[:-1] in titles or len(w) == 2 or w in titles)
        if dotted:
            w, e = w[:-1], e - 1
        if not units:
            first_in = m.start(1) < base  # no lower-case word before it in this text
            if w[0].isupper():
                if not first_in and cap_stop(w):
                    n_cap_stop += 1
            else:
                all_cap = False
        elif w[0].isupper():
            if cap_stop(w):
                n_cap_stop += 1
        else:
            all_cap = False
        if not dotted and m.start(3) >= 0:
            conn.append(e)
        units.append((ws - base, e, w, None))
    if units:
        out[k] = (units, first_in, n_cap_stop, all_cap, conn)
    return out


def _discover_fast(sent: str, reported: tuple | None, gaz_spans: list[tuple[int, int, str, str]],
                   lower_vocab) -> list[tuple[int, int, str, str]]:
    """:func:`_discover_sentence` from the words that can matter only
    (``reported``: this sentence's entry of :func:`_reported_words`).

    Lower-case words never open, continue or end a name except the connectors
    ("of", "the", "von") right after a name, which are read back from the text
    where they occur; everything else about them is that they are not
    capitalised, which the gaps between the reported words already show.
    Sentences whose gazetteer spans do not open at a reported word fall back
    to the reference implementation.
    """
    if reported is None:
        return _discover_sentence(sent, 0, gaz_spans, lower_vocab) if gaz_spans else []
    words, first_in, n_cap_stop, all_cap, conn = reported
    if n_cap_stop >= 2:
        return []
    if all_cap and len(words) >= 4 and not _SPACE_LOWER.search(sent):
        full = _WORD_RE.findall(sent)
        if len(full) >= 4 and all(w[:1].isupper() for w in full):
            return []
    if gaz_spans:
        for g in gaz_spans:
            at = bisect_left(words, (g[0],))
            if at == len(words) or words[at][0] != g[0]:
                return _discover_sentence(sent, 0, gaz_spans, lower_vocab)
        conn = conn + [g[1] for g in gaz_spans]
    # connectors right after a word or a gazetteer name: read the words that follow
    extra = {}
    for e in conn:
        if _CONNECTOR_AFTER.match(sent, e):
            for m in _WORD_RE.finditer(sent, e):
                if not "a" <= m.group()[0] <= "z" or m.start() in extra:
                    break  # a reported word (already there), or a chain already read
                ((s, e2, w),) = _clean_words([(m.start(), m.end(), m.group())])
                extra[s] = (s, e2, w, None)
                if w not in _CONNECTORS:
                    break
    if extra:
        words = sorted(words + list(extra.values()))
    units = _merge_units(words, gaz_spans, sent) if gaz_spans else words
    first = units[0][0] if first_in else _WORD_RE.search(sent).start()
    return _scan_units(units, sent, first, lower_vocab)


def _scan_units(units: list[tuple], sent: str, first_start: int, lower_vocab) -> list[tuple[int, int, str, str]]:
    """Capitalised sequences (connectors inside) of the units (start, end, text, gaz), typed."""
    out: list[tuple[int, int, str, str]] = []
    lead = sent[:first_start]
    # the start of the sentence's first word when nothing alphanumeric comes before it, else -1
    initial = -1 if lead and any(c.isalnum() for c in lead) else first_start
    capword = _capword_cached
    conns = _CONNECTORS
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if not (u[3] or capword(u[2])):
            i += 1
            continue
        # collect a capitalised sequence separated only by spaces, connectors inside
        seq = [u]
        last = u
        j = i + 1
        while j < n:
            v = units[j]
            gap = sent[last[1]:v[0]]
            if gap and not gap.isspace():
                break
            if v[3] or capword(v[2]) or (not last[3] and _ROMAN.match(v[2])):
                seq.append(v)
                last = v
                j += 1
                continue
            if v[2] in conns and j + 1 < n and not sent[v[1]:units[j + 1][0]].strip():
                # allow "of the": look ahead past connectors
                k = j
                while k < n and units[k][2] in conns and not sent[units[k][1]:units[k + 1][0] if k + 1 < n else units[k][1]].strip():
                    k += 1
                if k < n and (units[k][3] or _is_cap(units[k][2])) and k > j:
                    seq.extend(units[j:k])
                    last = seq[-1]
                    j = k
                    continue
            break
        i = j
        if len(seq) == 1:
            if u[3]:
                continue  # a gazetteer name alone: nothing to discover (what _type_sequence returns)
            w = u[2]
            if _single_word_rejected(w) or (u[0] == initial and _common_opening(w)):
                continue  # (what _type_plain returns for a common word opening the sentence)
        elif all(x[3] for x in seq):
            continue
        out.extend(_type_sequence(seq, sent, initial, lower_vocab))
    return out


@lru_cache(maxsize=1 << 16)
def _common_opening(w: str) -> bool:
    """A capitalised word that opens a sentence as a common word, whatever the article: a stop
    word, a demonym, a word Punkt saw in lower case, an adverb or a gerund.

    >>> _common_opening("However"), _common_opening("Russian"), _common_opening("Syrskyi")
    (True, True, False)
    """
    return w.lower() in _stop() or w in _DEMONYMS or _common(w) or w.endswith("ly") or w.endswith("ing")


@lru_cache(maxsize=1 << 16)
def _single_word_rejected(w: str) -> bool:
    """True when :func:`_type_sequence` rejects the one-word sequence ``w``
    whatever its context: connectors, articles, documents, shouted words,
    titles, demonyms, office words, non-names, months, head words, stop words,
    one-letter words, demonym-like endings (each a ``return []`` there)."""
    # _rejected_alone takes every head word: a document head ("Act") too, whatever its type
    return (_rejected_alone(w) or _is_title(w) or w in _CONNECTORS or w in _ARTICLES or w in _DOC_HEADS
            or (w.isupper() and len(w) > 5) or _not_name(w) or _DEMONYM_SUFFIX.search(w) is not None)


def _type_sequence(seq: list[tuple], sent: str, initial: int, lower_vocab) -> list[tuple[int, int, str, str]]:
    """Type one capitalised sequence of units (start, end, text, gaz); ``initial``: the start of
    the sentence's first word when it opens the sentence (else -1).

    >>> _type_sequence([(4, 8, "Oleg", None), (9, 18, "Synehubov", None)], "Gov Oleg Synehubov said", -1, set())
    [(4, 18, 'Oleg Synehubov', 'PERSON')]
    """
    articles = _ARTICLES
    conns = _CONNECTORS
    a = 0
    while a < len(seq) and not seq[a][3] and (seq[a][2] in articles or seq[a][2] in conns):
        a += 1
    if a:
        seq = seq[a:]
    if not seq:
        return []
    first, last = seq[0], seq[-1]
    has_gaz = False
    plain = False
    for u in seq:
        if u[3]:
            has_gaz = True
        else:
            plain = True
    if not has_gaz:
        return _type_plain(seq, sent, initial, lower_vocab)
    # a gazetteer place + an organisation head forms one name: "Kharkiv Regional Military Administration"
    if plain and last[3] and last[3][1] == "ORG" and " " not in last[2] \
            and _common(last[2]) and not first[3] and all(u[3] is None for u in seq[:-1]) \
            and not all(u[2] in _DEMONYMS or u[2] in conns for u in seq[:-1]):
        # a generic one-word alias inside a longer name: "Belarusian People's Congress"
        return [(first[0], last[1], sent[first[0]:last[1]], "MERGE:ORG")]
    mergeable = all(u[3] is None or u[3][1] in ("GPE", "LOC") for u in seq)
    last_plain_head = _HEAD_TYPES.get(last[2]) if not last[3] else None
    first_plain_head = _HEAD_TYPES.get(first[2]) if not first[3] else None
    if mergeable and plain and (last_plain_head in ("ORG", "MILITARY_UNIT", "FACILITY")
                                or (first_plain_head in ("ORG", "MILITARY_UNIT", "FACILITY")
                                    and any(u[2] in ("of", "for") for u in seq))):
        t = last_plain_head or first_plain_head
        return [(first[0], last[1], sent[first[0]:last[1]], "MERGE:" + t)]
    # otherwise gazetteer units split the sequence
    res = []
    cur: list[tuple] = []
    for u in seq:
        if u[3]:
            if cur:
                res.extend(_type_plain(cur, sent, initial, lower_vocab))
            cur = []
        else:
            cur.append(u)
    if cur:
        res.extend(_type_plain(cur, sent, initial, lower_vocab))
    return res


_ARTICLES = ("The", "the", "A", "An")


#: Head word -> the type it gives a name. A word in several lists takes the first type of this
#: order (the comprehension below reads it backwards, so the first one is written last).
_HEAD_ORDER = ((_UNIT_HEADS, "MILITARY_UNIT"), (_ORG_HEADS, "ORG"), (_FAC_HEADS, "FACILITY"), (_LOC_HEADS, "LOC"),
               (_EVENT_HEADS, "EVENT"), (_GPE_HEADS, "GPE"))
_HEAD_TYPES = {word: etype for heads, etype in reversed(_HEAD_ORDER) for word in heads}


def _head_type(word: str) -> str | None:
    """The type a head word gives a name ("Brigade" -> MILITARY_UNIT), else None.

    >>> _head_type("Brigade"), _head_type("Ministry"), _head_type("Kyiv")
    ('MILITARY_UNIT', 'ORG', None)
    """
    return _HEAD_TYPES.get(word)


@lru_cache(maxsize=1 << 16)
def _is_title(word: str) -> bool:
    """A title before a name ("Gen.", "Minister"), typographic apostrophes made ASCII."""
    normed = _norm(word)
    return normed in _TITLES or normed.rstrip(".") in _TITLES


_OFFICE_WORDS = frozenset("""State Affairs Staff Defence Defense Foreign Interior Justice Treasury Security Health
Finance Economy Economic Energy Education Culture Commerce Agriculture Homeland Infrastructure Transport Policy Policies
Reintegration Territories Republic Order Merit Courage Development Trade Industry Emergency Emergencies Situations
Digital Transformation Social Science Sciences Strategic Industries Environmental Protection Veterans Youth Sports
Sport Resources Natural Internal External Relations Cooperation Integration European Euro-Atlantic Office Council
Cabinet Board Federation Nation Nations Armed Forces Intelligence Chiefs Joint General Staff's Information Communications
Restoration Regional Military Civil Civilian Administration Legal Public Human Rights Parliamentary Commissioner Head
Federal Commander-in-Chief Advisor Adviser Presidency Prosecutor Attorney-General Secretary-General Chief-of-Staff
""".split())
#: Capitalised terms that are not PER/ORG/LOC names (weapons, titles of things, interjections):
#: discovery skips them. Hand-written; extend freely.
_NOT_NAMES = frozenset("""HIMARS ATACMS MLRS Patriot Patriots Leopard Leopards Abrams Bradley Bradleys Challenger Storm Shadow
SCALP Bayraktar Shahed Shaheds Geran Iskander Iskanders Kinzhal Kalibr Kh-101 Oniks Zircon Tsirkon Sarmat Lancet Javelin
Javelins Stinger Stingers NLAW Starlink Gripen Tomahawk Taurus Caesar Gepard Marder Stryker Strykers Hellfire Vampire
NASAMS IRIS-T Crotale SAMP SAMP-T Mirage Sukhoi MiG Tu-95 Tu-22 Su-25 Su-34 Su-35 Ka-52 Mi-8 F-16 F-16s T-72 T-90 S-300
S-400 BM-21 Grad Smerch Tornado Uragan Buk Tor Pantsir Orlan Krasnopol Excalibur Zala Oreshnik UAV UAVs NGO NGOs GDP LNG
AI TV CEO USD EUR UAH RUB PM AM UTC GMT EST CET OK Covid COVID COVID-19 Coronavirus Omicron Q A Thank Thanks Hello Yes
No Please Dear Colleagues Friends Ladies Gentlemen Sir Madam God Lord Internet Web Telegram Facebook Twitter X YouTube
Instagram TikTok WhatsApp Viber Google Christmas Easter Ramadan Advertisement Advertising Photo Video Image Getty
Reuters/AP AP/Reuters Read Watch Click Subscribe Share Comments Related Source Sources Update Updated Editor Editor's
Note Copyright Follow North South East West Northern Southern Eastern Western Central Upper Lower Greater New Old
Mr Mrs Ms Dr Miss I'm I've I'd I'll We're We've We'll You're They're It's That's Here's There's Let's Yeah Okay
Oh Hi Alright Laughter Applause Newsletters Privacy VPN FPV Olympic Olympics Paralympic English Tory Tories Indeed Also However Meanwhile Moreover Furthermore Nevertheless Therefore Thus Yesterday Today Tomorrow Tonight
""".split())
_LC, _MID_UC = 0x70, 0x04


@lru_cache(maxsize=1)
def _ortho() -> dict:
    """Punkt's orthographic context for English (Kiss & Strunk 2006): which
    words were seen lower-case — i.e. are common words, not names."""
    try:
        from punkt.data import english as punkt_english

        return dict(punkt_english.ORTHO_CONTEXT)
    except Exception:  # pragma: no cover - the package is a core dependency
        return {}


@lru_cache(maxsize=1 << 16)
def _common(word: str) -> bool:
    return bool(_ortho().get(word.lower(), 0) & _LC)


def _type_plain(seq: list[tuple], sent: str, initial: int, lower_vocab) -> list[tuple[int, int, str, str]]:
    """Type one capitalised sequence of plain units (start, end, text, None), or reject it ([]).

    The steps that read only the words are memoised (:func:`_plain_plan`: 17k distinct
    sequences among the bench's 48k); the sentence-initial common word and the cue words
    around the name are read here.

    >>> _type_plain([(4, 8, "Oleg", None), (9, 18, "Synehubov", None)], "Gov Oleg Synehubov said", -1, set())
    [(4, 18, 'Oleg Synehubov', 'PERSON')]
    """
    words = tuple([u[2] for u in seq])
    w = words[0]
    # the sentence's first word, a common one ("The", "But", "Unfortunately", a word the article
    # writes in lower case), is dropped; only seq[0] can start at ``initial`` (no unit starts
    # before it), and trimming the edges keeps it unless it is a connector or an article
    dropped = seq[0][0] == initial and w not in _CONNECTORS and w not in _ARTICLES \
        and (_common_opening(w) or w.lower() in lower_vocab)
    plan = _plain_plan(words, dropped)
    if plan is None:
        return []
    a, b, etype, cue = plan
    start, end = seq[a][0], seq[b - 1][1]
    if etype is None:
        etype = _cue_type(sent, start, end, *cue)
        if etype is None:
            return []
    return [(start, end, sent[start:end], etype)]


@lru_cache(maxsize=1 << 16)
def _plain_plan(words: tuple[str, ...], dropped: bool) -> tuple | None:
    """What :func:`_type_plain` makes of a sequence of ``words`` (``dropped``: its first word
    is a common word opening the sentence): None (no name), else (first, last + 1, type, cue)
    with the name's word indices, and its type, or None and the ``cue`` arguments of
    :func:`_cue_type` when the words around the name decide it.

    >>> _plain_plan(("Prime", "Minister"), False), _plain_plan(("Oleg", "Synehubov"), False)
    (None, (0, 2, None, (2, False, 'PERSON')))
    >>> _plain_plan(("Gen.", "Oleg", "Synehubov"), False), _plain_plan(("But", "Kharkiv", "Council"), True)
    ((1, 3, 'PERSON', None), (1, 3, 'ORG', None))
    """
    conns = _CONNECTORS
    # trim connectors at the edges, then leading articles
    a, b = 0, len(words)
    while a < b and words[a] in conns:
        a += 1
    while b > a and words[b - 1] in conns:
        b -= 1
    while a < b and words[a] in _ARTICLES:
        a += 1
    if a == b:
        return None
    heads = [_HEAD_TYPES.get(w) for w in words]
    if words[b - 1] in _DOC_HEADS and "ORG" not in heads[a:b] and "MILITARY_UNIT" not in heads[a:b]:
        return None
    # transcript speaker labels and shouted headlines: "TERRY MORAN:", "PRESIDENT"
    if words[a].isupper() and (b - a > 1 or len(words[a]) > 5) and all(w.isupper() for w in words[a:b]):
        return None
    # sentence-initial artefacts: "The", "But", "Unfortunately" ... (common words in Punkt's tables)
    if dropped:
        a += 1
        if a == b:
            return None
    n = b - a
    titled = False
    # titles and demonyms before a name: "Russian Deputy Foreign Minister Sergei Ryabkov"
    k = 0
    while k < n:
        text = words[a + k]
        if _is_title(text):
            titled = True
        elif not (text in _DEMONYMS or text in conns or text in _OFFICE_WORDS):
            break
        k += 1
    named = heads[a:b]
    if n > 1 and (named[-1] is not None or "ORG" in named or "MILITARY_UNIT" in named) and not (titled and k == n):
        pass  # a name with a head word keeps its demonym/title words: "Russian Ministry of Education"
    else:
        if titled and k == n:
            return None  # only titles: "Secretary of State", "Prime Minister"
        a += k
    while a < b and words[a] in conns:
        a += 1
    if a == b:
        return None
    n = b - a
    first, last = words[a], words[b - 1]
    if n <= 2 and (_not_name(first) or n == 2 and _not_name(last)):
        return None
    if n == 1 and (_rejected_alone(first) or not titled and _DEMONYM_SUFFIX.search(first)):
        return None
    # type by cues
    named = heads[a:b]
    if n > 1 and named[-1] is not None:  # every head type: MILITARY_UNIT, ORG, FACILITY, LOC, EVENT, GPE
        return a, b, named[-1], None
    if n > 1 and ("ORG" in named or "MILITARY_UNIT" in named):
        return a, b, next(h for h in named if h in ("ORG", "MILITARY_UNIT")), None
    if titled:
        return a, b, "PERSON", None
    alone_common = n == 1 and _common(first)
    if 2 <= n <= 3 and all(map(_mixed_case, words[a:b])) and not _common(last):
        fallback = "PERSON"
    elif n == 1:
        fallback = _word_type(first)
    else:
        fallback = "UNKNOWN"
    if fallback == "UNKNOWN" and alone_common:
        fallback = None  # a capitalised common noun ("Government", "Charter", "Glory") without a cue
    return a, b, None, (n, alone_common, fallback)


def _cue_type(sent: str, start: int, end: int, n: int, alone_common: bool, fallback: str | None) -> str | None:
    """The type the words around a name ``sent[start:end]`` of ``n`` words give it (a lower-case
    "region"/"village" after it or "in"/"near" before it -> GPE, a speech verb after two words ->
    PERSON), else ``fallback`` (None: no name); ``alone_common``: one common word, never a GPE
    by the word before it."""
    after = sent[end:].lstrip()
    next_word = _NEXT_WORD.match(after).group() if after else ""
    before = sent[:start].rstrip()
    prev2 = before.rsplit(None, 2)[-2:] if before else []
    if next_word.lower() in _GPE_CUES_AFTER and next_word.islower() \
            or len(prev2) == 2 and prev2[1] == "of" and prev2[0].lower() in _PLACE_OF:
        return "GPE"
    if next_word in _SPEECH and n >= 2:
        return "PERSON"
    if n <= 2 and (prev2[-1].lower() if prev2 else "") in _GPE_CUES_BEFORE and not alone_common:
        return "GPE"
    return fallback


_DEMONYM_SUFFIX = re.compile(r"(?:ian|ians|ean|eans|ese)$")


@lru_cache(maxsize=1 << 16)
def _not_name(word: str) -> bool:
    """A capitalised term that is no name ("HIMARS", "Telegram"), typographic apostrophes made ASCII."""
    return _norm(word) in _NOT_NAMES


@lru_cache(maxsize=1 << 16)
def _rejected_alone(w: str) -> bool:
    """A word that is no name on its own, after a title too: a demonym, a title, a month or day,
    an office or head word, a stop word or a single letter."""
    return w in _DEMONYMS or _norm(w) in _TITLES or w.rstrip(".") in _TITLES or w in _MONTHS_DAYS \
        or w in _OFFICE_WORDS or w in _HEAD_TYPES or len(w) < 2 or w.lower() in _stop()


@lru_cache(maxsize=1 << 16)
def _mixed_case(word: str) -> bool:
    """Capitalised with a lower-case letter in it ("Kovalenko", not "NATO"): a word of a person's name."""
    return word[:1].isupper() and any(c.islower() for c in word)


@lru_cache(maxsize=1 << 16)
def _word_type(w: str) -> str:
    """The type a one-word name takes from its own letters when no cue around it gives one:
    a place or a person by its ending, an organisation when it is a short acronym.

    >>> _word_type("Novomykhailivka"), _word_type("Kovalenko"), _word_type("OSCE"), _word_type("Glory")
    ('GPE', 'PERSON', 'ORG', 'UNKNOWN')
    """
    if _PLACE_SUFFIX.search(w) and not w.isupper() and not _common(w):
        return "GPE"
    if _PERSON_SUFFIX.search(w) and not _common(w) and not w.isupper():
        return "PERSON"
    if w.isupper() and len(w) <= 5:
        return "ORG"
    return "UNKNOWN"
_NEXT_WORD = re.compile(r"[\w'-]*")


def _norm(word: str) -> str:
    return word.replace("\u2019", "'")


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    from analysis.text import stopwords

    return stopwords() | frozenset({"according", "speaking", "meanwhile", "however", "also", "today", "yesterday",
                                    "earlier", "later", "now", "here", "there", "this", "that", "these", "those"})


@lru_cache(maxsize=1 << 16)
def _slug(text: str) -> str:
    # ASCII text (98% of the bench's discovered names) is its own NFKD form, without combining marks
    folded = text if text.isascii() else "".join(c for c in unicodedata.normalize("NFKD", text)
                                                 if not unicodedata.combining(c))
    return _NON_WORD_RUN.sub("_", folded.lower()).strip("_")


_NON_WORD_RUN = re.compile(r"[^\w]+")


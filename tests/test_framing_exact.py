"""Specification of the speed forms inside analysis.framing: each finds exactly what the plain form finds.

The RE2 cores only rule texts out (a text whose core does not match cannot hold a match), and the
rewritten Python regexes give the same spans as the readable patterns they replace.
"""

from __future__ import annotations

import importlib
import itertools
import re

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

#: sentences where names, appositives, noun phrases, pronouns and verbs meet in many ways
SPEECH = [
    "Vladimir Putin said that the West had provoked the war.",
    "Putin, the Russian leader, told reporters on Monday that talks were over.",
    "The U.S. State Department's spokesman Matthew Miller said Kyiv would decide.",
    "He also said: \"We will win.\"",
    "Officials say that the strikes continued, while the ministry of defence denied it.",
    "A senior official in the Ministry of Defence accused Kyiv of staging the attack.",
    "O'Brien-Smith repeatedly claimed the deal was dead, and Zelensky later warned of escalation.",
    "the mayor's office reported that three people were wounded",
    "Several witnesses in the town of Bucha said soldiers had been there.",
    "According to Ukrainian officials, 12 people died.",
    "They would say nothing; it was, they insisted, a provocation.",
    "Kremlin spokesman Dmitry Peskov , the president's press secretary, stressed that Moscow was ready.",
    "In Washington, U.S.A. officials A.B.C. D'Arcy and J.-P. Dupont-Aignan have said nothing since.",
    "Another two hundred people who fled the city said the shelling never stopped.",
    "Its forces said; his aides said, her lawyer said that she was innocent.",
    "ALL CAPS HEADLINE SAYS WAR",
    "Zelensky   said   that\tthe   counteroffensive had begun.",
    "",
]


def test_the_indirect_speech_regex_with_possessive_runs_finds_the_spans_of_the_plain_speaker_pattern():
    q = importlib.import_module("analysis.framing.quotes")
    fast = q._patterns()["indirect"]
    assert "{_SPEAKER_ATOMIC}" not in fast.pattern and "*+" in fast.pattern  # the speaker's runs are possessive
    plain = re.compile(fast.pattern.replace(q._SPEAKER_ATOMIC, q._SPEAKER, 1), fast.flags)
    assert plain.pattern != fast.pattern
    groups = ("speaker", "verb", "obj", "that")
    texts = SPEECH + [a + " " + b for a, b in zip(SPEECH, SPEECH[1:])]
    for text in texts:
        got = [[m.span(g) for g in groups] for m in fast.finditer(text)]
        want = [[m.span(g) for g in groups] for m in plain.finditer(text)]
        assert got == want, text
    assert any(fast.search(t) for t in texts)


def _re2_finds(pattern: str, texts: list[str]) -> list[bool]:
    return pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern).to_pylist()


def test_the_core_of_every_label_and_agency_pattern_is_inside_each_of_its_matches():
    from analysis.framing._prefilter import core

    labels = importlib.import_module("analysis.framing.labels")
    agency = importlib.import_module("analysis.framing.agency")
    label_rx = [rx for _c, _ctx, terms in labels._compiled_concepts(None) for term in terms for rx in term[5]
                if rx is not None]
    agency_rx = [rx for name, rx in agency._regexes().items() if isinstance(rx, re.Pattern)]
    # every label term written out as the lexicon spells it, in several cases and with a possessive
    terms = [term["term"] for term in labels.label_lexicon().to_dict("records") if term["lang"] == "en"]
    texts = SPEECH + [f"They spoke of {t}. {t.upper()}'s {t.lower()}-{t.title()} ({t})" for t in terms]
    texts += ["Russian forces shelled Kharkiv overnight.", "Kharkiv was shelled by Russian forces.",
              "A fire broke out at the plant.", "Moscow plans to attack again.", "Civilians killed in Bucha.",
              "Explosions were heard in Kyiv.", "Russia launched coordinated missile strikes."]
    checked = 0
    for rx in label_rx + agency_rx:
        found = core(rx)
        if found is None:
            continue
        matches = [m.group() for t in texts for m in rx.finditer(t) if m.end() > m.start()]
        if matches:
            assert all(_re2_finds(found, matches)), (rx.pattern[:80], found[:80])
            checked += 1
    assert checked >= 20


def test_group_masks_give_the_answers_of_one_group_at_a_time():
    from analysis.framing._prefilter import TextBatch

    groups = [[re.compile(r"(?<![\w\-])(?:sham[\s\-]+referend\w*|pseudo-?referend\w*)(?![\w])", re.IGNORECASE)],
              [re.compile(r"\bKiev\b"), re.compile(r"(?i)\bkyiv\b")],
              [re.compile(r"(?<![\w\-])(?:special military operation|SMO)(?![\w])")],
              [None, re.compile(r"\bwar\b", re.IGNORECASE)]]
    texts = ["A sham-referendum in Kherson", "KYIV and Kiev", "the special military operation", "SMO", "War.",
             "nothing to see", "", "pseudoreferendums", "Kievan Rus"]
    batch = TextBatch(texts)
    apart = [batch.mask(*group) for group in groups]
    # one RE2 pass per group, or every group in one RE2::Set scan per text; the cores' pass over every
    # text by pyarrow (dense) or one call of a kept automaton per text it matches in
    for one_scan, dense in itertools.product((False, True), (True, False)):
        together = batch.group_masks(groups, one_scan=one_scan, dense=dense)
        assert [m.tolist() for m in together] == [m.tolist() for m in apart]
        for group, mask in zip(groups, together):
            real = np.array([any(rx is not None and rx.search(t) for rx in group) for t in texts])
            assert not (real & ~mask).any()  # never rules out a real match


def test_a_text_the_re2_set_could_not_scan_may_hold_every_group():
    from analysis.framing._prefilter import TextBatch

    class OutOfMemory:  # google-re2 drops RE2::Set's error: the answer is an empty list
        @staticmethod
        def Match(data):
            return [] if data == b"too big" else [0, 2]

    masks = TextBatch(["too big", "fine", None])._set_masks(OutOfMemory, np.array([0, 1]), 2)
    assert [m.tolist() for m in masks] == [[True, False, False], [True, True, False]]


def test_counting_refuses_a_pattern_only_the_lazy_prefix_would_make_valid():
    pytest.importorskip("re2")
    from analysis.framing._re2count import _lazy_prefixed

    assert _lazy_prefixed("a)|(b") is None              # "(?s:.)*?(?:a)|(b)" would compile
    assert _lazy_prefixed("kyiv|kiev") is not None


def test_guarded_frame_regexes_count_what_the_look_behind_regexes_count():
    from analysis.framing._lexicon import guarded_dispatch, lowered_dispatch
    from analysis.framing.frames import MFC_FRAMES, _mfc_lexicon

    frames = _mfc_lexicon(None)["frames"]
    texts = [t.lower() for t in SPEECH] + [
        "the tax-cuts' costs, taxes's and taxpayers' money; tax tax tax", "pre-war costs-costs", "costs'costs",
        "labour  market, labor-market and labour\u2014market", "u.s. sanctions; the u.s.'s allies", "o'court courts'",
        "gdp_growth gdp2 2gdp", "\u00e9conomy economy\u00e9 economy", "rights' rights\u2019 rights-based",
    ]
    guarded = 0
    for frame in MFC_FRAMES:
        patterns = tuple(frames[frame]["patterns"])
        guard = guarded_dispatch(patterns)
        if guard is None:
            continue
        guarded += 1
        plain = lowered_dispatch(patterns)
        for text in texts:
            assert len(guard.findall("," + text)) == len(plain.findall(text)), (frame, text)
    assert guarded >= 10
    # an alternative starting with a non-word character ("\$\s?\d+") could start right after a match
    assert guarded_dispatch(tuple(frames["Economic"]["patterns"])) is None
    assert guarded_dispatch(("\\$\\d+", "costs?")) is None and guarded_dispatch(("costs?",)) is not None


# ----------------------------------------------------------------------------- RE2 counts
#: neighbours that meet the look-arounds: hyphens, possessives with and without s, dashes, no-break
#: spaces, non-ASCII letters glued to words, currency signs and % right after a match, digits
GLUE = [" ", "-", "\u2014", "\u2019", "'", "'s ", "\u2019s", "\u00e9", "\u0436", "_", "$5", "\u20ac 3", "\u00a33",
        "%", ".", ",", "", "\u00a0", "\n", "x", "2", "U.S.", " the ", "\u2019$5", "'%", " $ 4"]


def _lexicon_sets():
    from analysis.framing._lexicon import resolve
    from analysis.framing.frames import GENERIC_FRAMES, MFC_FRAMES, _mfc_lexicon

    frames = _mfc_lexicon(None)["frames"]
    generic = resolve(None, "generic_frames.yml")["frames"]
    return [tuple(frames[f]["patterns"]) for f in MFC_FRAMES] + [
        tuple(item["patterns"]) for frame in GENERIC_FRAMES for item in generic[frame]["items"]]


def _glued_texts(sets, n: int, seed: int = 0) -> list[str]:
    """Lexicon words written out and glued to each other and to GLUE, in random case."""
    rnd = np.random.default_rng(seed)
    words = sorted({re.sub(r"\\w[*+]|[()?|\\]", "", p).replace("s?", "s") for s in sets for p in s})
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(int(rnd.integers(1, 25))):
            word = words[int(rnd.integers(len(words)))]
            word = word.upper() if rnd.random() < 0.2 else word.title() if rnd.random() < 0.2 else word
            parts.append(word if rnd.random() < 0.6 else GLUE[int(rnd.integers(len(GLUE)))])
        texts.append("".join(parts))
    return texts


def test_re2_forms_count_every_frame_and_generic_item_as_python_does():
    from analysis.framing._lexicon import compile_patterns
    from analysis.framing._re2count import count_column, exact_form, subject

    sets = _lexicon_sets()
    texts = SPEECH + _glued_texts(sets, 600) + ["costs\u2019$5 and costs$5, costs'\u00a34", "50%% 'poll'%"]
    subjects = [subject(t) for t in texts]
    assert all(s is not None for s in subjects)
    regexes = [rx for s in sets for rx in compile_patterns(s) if rx is not None]
    forms = [exact_form(rx) for rx in regexes]
    assert all(f is not None for f in forms)  # every shipped pattern translates
    assert any(f.lead for f in forms)  # ... some with matches that may start with "$" or "%"
    compared = 0
    for rx, form, counts in zip(regexes, forms, count_column(subjects, forms)):
        for text, sub, got in zip(texts, subjects, counts):
            if not form.inexact(sub):
                assert got == sum(1 for m in rx.finditer(text) if m.end() > m.start()), (rx.pattern[:60], text)
                compared += 1
    assert compared > 0.95 * len(regexes) * len(texts)  # the texts left to Python are few


def test_patterns_compiled_once_count_each_text_as_re2_counts_it_alone():
    pytest.importorskip("re2")
    from analysis.framing._lexicon import compile_patterns
    from analysis.framing._prefilter import compiled_re2
    from analysis.framing._re2count import count_column, exact_form, subject

    # the texts are counted joined: a text ending in "$" or "costs" before one starting with "5"
    # holds a match of the joined buffer that belongs to neither text
    texts = ["costs $", "5 dollars, costs", "s 5%", "$5 $ 6", "%", "cost", "s", "x $5"] + SPEECH
    subjects = [subject(t) for t in texts]
    forms = [exact_form(compile_patterns((r"\$\s?\d+", "costs?", r"\d+\s?%", "dollars"))[0]),
             exact_form(compile_patterns(("US", "Kyiv"))[1])]
    assert all(f is not None and compiled_re2(f.pattern) is not None for f in forms)
    array = pa.array(subjects, type=pa.large_string())
    for any_match in (False, True):
        kernel = pc.match_substring_regex if any_match else pc.count_substring_regex
        for form, got in zip(forms, count_column(subjects, forms, any_match=any_match)):
            column = pc.ascii_lower(array) if form.lowered else array
            want = kernel(column, form.pattern).to_numpy(zero_copy_only=False).astype(np.int64)
            assert got.tolist() == want.tolist(), (form.pattern[:40], any_match)


def test_texts_searched_only_where_one_re2_set_scan_finds_a_form_count_as_every_text_searched():
    pytest.importorskip("re2")
    from analysis.framing._lexicon import compile_patterns
    from analysis.framing._re2count import _Buffer, _presence, count_column, exact_form, subject

    # texts counted joined, as above; the Set reads each text alone
    texts = ["costs $", "5 dollars, costs", "s 5%", "$5 $ 6", "%", "cost", "s", "x $5", "Kyiv", "US"] + SPEECH
    texts += _glued_texts(_lexicon_sets(), 200)
    subjects = [subject(t) for t in texts]
    regexes = [rx for s in _lexicon_sets() + [(r"\$\s?\d+", "costs?", r"\d+\s?%"), ("US", "Kyiv", "EU")]
               for rx in compile_patterns(s) if rx is not None]
    forms = [exact_form(rx) for rx in regexes]
    present = _presence(_Buffer(subjects), forms)
    assert all(p is not None for p in present)  # every form asked, lower-cased and case-sensitive ones
    assert any(not p.all() for p in present) and any(p.any() for p in present)
    for any_match in (False, True):
        each = count_column(subjects, forms, any_match=any_match, present=[None] * len(forms))
        for form, got, want, found in zip(forms, count_column(subjects, forms, any_match=any_match), each, present):
            assert got.tolist() == want.tolist(), (form.pattern[:40], any_match)
            assert found.tolist() == (want > 0).tolist()


def test_forms_the_re2_set_could_not_scan_are_searched_in_every_text(monkeypatch):
    from analysis.framing import _re2count
    from analysis.framing._lexicon import compile_patterns

    class OutOfMemory:  # google-re2 drops RE2::Set's error: the answer is an empty list
        @staticmethod
        def Match(data):
            return [] if b"big" in data else [0, 2]

    monkeypatch.setattr(_re2count, "compiled_set", lambda patterns: OutOfMemory)
    forms = [_re2count.exact_form(compile_patterns((w,))[0]) for w in ("big", "fine")]
    buffer = _re2count._Buffer([" fine", " big fine"])
    assert _re2count._presence(buffer, forms) == [None, None]
    assert [c.tolist() for c in _re2count.count_column(buffer, forms)] == [[0, 1], [1, 1]]


def test_prefilter_masks_from_patterns_compiled_once_answer_as_re2_on_each_text_alone():
    pytest.importorskip("re2")
    from analysis.framing._prefilter import TextBatch

    # the texts are searched joined at newlines: a match may start in the newline before a text,
    # run into the next text or to the end of every text; each text must still answer for itself
    texts = ["Kharkiv was shelled", "was here", "Nothing here.", "  was", "ab", "abc", "", "x ab", None, "ab"]
    patterns = [r"(?:^|[^\w])was(?s:.)*", r"\s+was", r"ab$", r"(?:^|[^a-z])ab(?:$|[^a-z])", r"h(?s:.)*N", r"e\.?"]
    batch = TextBatch(texts)
    array = pa.array([t if isinstance(t, str) else None for t in texts], type=pa.large_string())
    for pattern in patterns:
        want = pc.match_substring_regex(array, pattern).fill_null(False).to_pylist()
        assert batch.mask_for(pattern).tolist() == want, pattern


def test_texts_re2_cannot_read_as_python_does_are_left_to_python():
    from analysis.framing._re2count import subject

    # IGNORECASE equates the Kelvin sign with k, long s with s, dotless i with i; \d reads Arabic-Indic digits
    for text in ("\u212aremlin", "\u017fanctions", "\u0131stanbul", "\u0662\u0663 dollars", "\U0001d7d8 dollars"):
        assert subject(text) is None, text
    # other letters become "_" (a word character to both engines), everything else stays
    assert subject("Zelensky\u2019s caf\u00e9 \u0432 \U0001f600") == " Zelensky\u2019s caf_ _ \U0001f600"
    # every non-ASCII character Python's \w takes (few or many distinct ones, beyond the BMP too)
    word = re.compile(r"[^\W\x00-\x7f]")
    for text in ("e\u0301t\u00e9 \u00b2\u00bd \U0001d400x", "\u201cwar\u201d \u2014 " + "".join(map(chr, range(0x430, 0x470))),
                 "".join(map(chr, range(0x4e00, 0x4e40))) + " \u00e9\u2019"):
        assert subject(text) == " " + word.sub("_", text)


def test_count_matrix_counts_the_texts_re2_leaves_over_with_python():
    from analysis.framing._lexicon import count_matches, count_matrix

    sets = _lexicon_sets()[:14]
    texts = ["the costs\u2019$5 bill; costs$5", "\u212aremlin sanctions cost \u0131stanbul \u00a3 5",
             "polls' %", "", None] + _glued_texts(sets, 40, seed=1)
    expected = [[count_matches(t, p) if t else 0 for p in sets] for t in texts]
    assert count_matrix(texts, sets).tolist() == expected

#: indirect speech whose match runs past the last reporting verb (an object with a hyphen, a
#: "that" clause after a comma), a verb of several words, a verb at the very end, none at all
PAST_THE_VERB = [
    "He warned Ukraine-Russia talks would fail.",
    "Officials said, that it was over.",
    "Kyiv pointed out that the bridge was hit, and Moscow went on to deny it.",
    "They said",
    "Nothing happened here at all.",
    "Zelensky told reporters on Monday; the minister of defence then accused NATO-backed forces of lying.",
]


def test_indirect_matches_cut_at_the_last_reporting_verb_are_the_matches_of_the_whole_text():
    q = importlib.import_module("analysis.framing.quotes")
    pats = q._patterns()
    groups = ("speaker", "verb", "obj", "that")
    texts = SPEECH + PAST_THE_VERB + [a + " " + b for a, b in zip(SPEECH + PAST_THE_VERB, PAST_THE_VERB + SPEECH)]
    for text in texts:
        want = [[m.span(g) for g in groups] + [m.span()] for m in pats["indirect"].finditer(text)]
        got = [[m.span(g) for g in groups] + [m.span()] for m in q._indirect_matches(text, pats)]
        assert got == want, text
    assert sum(len(q._indirect_matches(t, pats)) for t in texts) >= 20


#: indirect speech whose speaker starts far before the verb or before an earlier verb, after
#: non-ASCII characters (the RE2 offsets are bytes), or in a text RE2 cannot read (a lone surrogate)
LEAD_BEFORE_THE_VERB = [
    "Ukraine’s foreign minister Dmytro Kuleba, the country’s top diplomat, said that talks had stalled.",
    "The officials who said nothing on Monday later told reporters that the élite unit had left.",
    "Café owner José Márquez 😀 said that the shelling stopped, André Dupont then also warned it would resume.",
    "Meanwhile, the Ministry of Defence of the Russian Federation reportedly claimed that Kyiv lied.",
    "A man said he knew, and the mayor of the city of Kharkiv, Ihor Terekhov, accused Russia of the strike.",
    "President Putin \ud800 said that the war would go on.",
    "Édouard Philippe  has repeatedly said that it was over, he — once — denied that.",
]


def test_indirect_matches_start_where_a_speaker_can_start_before_a_verb_as_the_whole_scan_does(monkeypatch):
    """The scan for indirect speech starts at the leftmost place RE2 says a speaker and adverbs can
    run up to a reporting verb; with or without RE2 the matches are those of the whole text."""
    q = importlib.import_module("analysis.framing.quotes")
    pats = q._patterns()
    groups = ("speaker", "verb", "obj", "that")
    texts = LEAD_BEFORE_THE_VERB + [a + " " + b for a, b in zip(LEAD_BEFORE_THE_VERB, SPEECH + PAST_THE_VERB)]

    def spans(found):
        return [[m.span(g) for g in groups] + [m.span()] for m in found]

    assert q._lead_finder() is not None
    for text in texts:
        assert spans(q._indirect_matches(text, pats)) == spans(pats["indirect"].finditer(text)), text
    assert q._lead_start(q._lead_finder(), "He said", 3) == 0
    assert q._lead_start(q._lead_finder(), "Élysée — the Guard said", 19) == 9  # in characters
    assert q._lead_start(q._lead_finder(), "!! said", 3) == len("!! said")  # nothing can start
    monkeypatch.setattr(q, "_lead_finder", lambda: None)
    for text in texts:
        assert spans(q._indirect_matches(text, pats)) == spans(pats["indirect"].finditer(text)), text
    assert sum(len(pats["indirect"].findall(t)) for t in texts) >= 15


def _names_one_sentence_at_a_time(q, sentences, starts):
    """The context's names read the plain way: the capitalised phrases of each sentence on its own,
    a lone stop word at a sentence's start skipped, a trailing full stop dropped."""
    stop = {"the", "a", "but", "and", "in", "on", "at", "it", "this", "he", "she", "they", "we", "i"}
    found = []
    for text, offset in zip(sentences, starts):
        for m in q._patterns()["proper"].finditer(text):
            name = q._strip_leading(m.group())
            words = name.split()
            if not words or (len(words) == 1 and m.start() == 0 and words[0].lower() in stop):
                continue
            name = name.rstrip(".")
            end = offset + m.start() + len(m.group().rstrip("."))
            found.append((q._name_info(name), end - len(name)))
    return found


def test_the_context_reads_sentences_joined_at_nul_as_it_reads_them_one_at_a_time():
    q = importlib.import_module("analysis.framing.quotes")
    sentences = SPEECH + PAST_THE_VERB + ["But Putin.", "The", "He", "Meanwhile, Zelensky arrived.", "U.S.",
                                         "Kyiv\x00Moscow talks", "Mr. Smith of the Ministry of Defence.", "I"]
    starts, pos = [], 0
    for text in sentences:
        starts.append(pos)
        pos += len(text) + 2
    seen = []

    class Recording(q._Context):
        def _see(self, info, s, speaker):
            seen.append((info, s))
            super()._see(info, s, speaker)

    ctx = Recording(np.zeros(pos + 1, dtype=bool), q._patterns()["proper"], stexts=sentences, starts=starts)
    ctx.read_upto(5)
    assert ctx.person is not None  # reading the first five sentences
    ctx.read_upto(len(sentences))
    ctx.group  # noqa: B018 - reading the rest
    assert seen == _names_one_sentence_at_a_time(q, sentences, starts)
    assert len(seen) >= 30


def test_a_google_re2_without_the_private_layer_falls_back_to_pyarrow_with_the_same_framing_tables(monkeypatch):
    """The RE2 speed path reads google-re2's private ``re2._re2``; a release that moves it must not
    break framing or change its tables: every count falls back to ``pyarrow.compute``."""
    import sys
    import types

    import pandas as pd

    from analysis import engine
    from analysis.framing import _prefilter

    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(6)],
                             "text": [" ".join(SPEECH[i::6]) + " Sanctions cost $5 billion; 40% said the invasion was "
                                      "a special military operation." for i in range(6)]})
    stages = ("sentences", "framing")
    with_binding = engine.run(articles, stages=stages)

    moved = types.ModuleType("re2")  # a release whose public API stays but whose private layer moved
    moved.Options = sys.modules["re2"].Options if "re2" in sys.modules else object
    monkeypatch.setitem(sys.modules, "re2", moved)
    _clear_re2_caches(_prefilter)
    try:
        assert _prefilter.compiled_re2("costs?") is None
        without = engine.run(articles, stages=stages)
    finally:
        monkeypatch.undo()
        _clear_re2_caches(_prefilter)
    assert set(without) == set(with_binding)
    for name, frame in with_binding.items():
        pd.testing.assert_frame_equal(without[name], frame, check_exact=True, obj=name)
    assert sum(len(with_binding[t]) for t in ("labels", "quotes", "frames")) > 0


def test_a_google_re2_without_a_usable_set_scans_once_per_label_term_with_the_same_framing_tables(monkeypatch):
    """The labels' one-scan RE2::Set comes from the same self-checked binding as every RE2 pattern;
    a release whose private layer has no ``Set`` keeps the RE2 counts and masks, and the labels
    fall back to one scan per term with the same tables."""
    import sys
    import types

    import pandas as pd

    from analysis import engine
    from analysis.framing import _prefilter

    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(6)],
                             "text": [" ".join(SPEECH[i::6]) + " The so-called referendum in occupied Donbas was a "
                                      "sham, said the Kyiv regime's critics." for i in range(6)]})
    stages = ("sentences", "framing")
    with_set = engine.run(articles, stages=stages)

    real = pytest.importorskip("re2")
    private = types.SimpleNamespace(RE2=real._re2.RE2)  # the same RE2 class, no Set
    monkeypatch.setitem(sys.modules, "re2", types.SimpleNamespace(Options=real.Options, _re2=private))
    _clear_re2_caches(_prefilter)
    try:
        assert _prefilter._re2_binding().set is None
        assert _prefilter.compiled_re2("costs?") is not None and _prefilter.compiled_set(("Ky",)) is None
        without = engine.run(articles, stages=stages)
    finally:
        monkeypatch.undo()
        _clear_re2_caches(_prefilter)
    assert _prefilter._re2_binding().set is not None
    for name, frame in with_set.items():
        pd.testing.assert_frame_equal(without[name], frame, check_exact=True, obj=name)
    assert len(with_set["labels"]) > 0


def _clear_re2_caches(prefilter) -> None:
    for name in ("_re2_binding", "compiled_re2", "compiled_set"):
        cached = getattr(prefilter, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def test_a_name_is_person_like_when_a_word_is_left_after_titles_places_and_possessives():
    q = importlib.import_module("analysis.framing.quotes")

    def plain(name):  # the rule as first written: a regex per word, the organisation words searched last
        words = [re.sub(r"['\u2019]s$", "", w.strip(".,'\u2019").lower()) for w in name.split()]
        content = [w for w in words if w not in q._NOT_PERSON and w not in q._TITLES]
        return bool(content) and not q._ORG_WORDS.search(name)

    names = ["Vladimir Putin", "President Putin's", "Russia's", "Kyiv\u2019s", "The Kremlin", "Ministry of Defence",
             "Mr. Smith,", "U.S.", "President", "Zelensky'S", "'s", "Putin\u2019s.", "Monday", "", "  ", "O'Brien's"]
    names += [m.group() for text in SPEECH for m in q._patterns()["proper"].finditer(text)]
    for name in names:
        assert q._person_like(name) == plain(name), name
        info = q._name_info(name)
        trimmed = name.rstrip(".,")
        assert info[1] == plain(trimmed), name
        assert info[5] == bool(q._ORG_WORDS.search(trimmed) or trimmed.lower().rstrip("'\u2019s") in q._NOT_PERSON)


def test_a_quote_takes_the_first_overlapping_mention_found_by_bisection_as_by_a_scan():
    quotes = importlib.import_module("analysis.framing.quotes")
    rng = np.random.default_rng(7)
    for _ in range(300):
        starts = np.sort(rng.integers(0, 60, rng.integers(1, 12)))
        ends = starts + rng.integers(1, 15, len(starts))      # nested and overlapping mentions too
        mentions = quotes._Mentions(starts, ends, np.arange(len(starts)).astype(object))
        for s in range(0, 70, 3):
            e = s + int(rng.integers(1, 10))
            hits = [i for i in range(len(starts)) if starts[i] < e and ends[i] > s]
            assert mentions.first_overlapping(s, e) == (hits[0] if hits else None)
    # out of start order or with missing offsets: every mention is looked at
    unordered = quotes._Mentions(np.array([10, 0]), np.array([20, 30]), np.array(["b", "a"], dtype=object))
    assert unordered.first_overlapping(12, 14) == 0 and unordered.first_overlapping(2, 3) == 1
    missing = quotes._Mentions(np.array([np.nan, 5.0]), np.array([np.nan, 9.0]), np.array(["a", "b"], dtype=object))
    assert missing.first_overlapping(6, 7) == 1 and missing.first_overlapping(0, 1) is None


def test_a_label_is_in_quote_when_any_quote_span_of_its_article_holds_its_start_found_by_bisection():
    import pandas as pd

    labels = importlib.import_module("analysis.framing.labels")
    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(0, 8))
        starts = rng.integers(0, 60, n)
        spans = pd.DataFrame({"article_id": rng.choice(["a", "b"], n), "start": starts,
                              "end": starts + rng.integers(-2, 25, n)})  # nested, overlapping, empty, inverted
        rows = [(aid, 0, int(pos)) for aid in ("a", "b", "c") for pos in range(0, 90, 3)]
        want = [any(s <= pos < e for a, s, e in spans.itertuples(index=False) if a == aid) for aid, _, pos in rows]
        assert labels._quoted_starts(None, rows, spans).tolist() == want


def test_label_terms_found_in_lower_cased_text_have_the_spans_of_the_case_insensitive_regexes():
    """label_matches reads each term's case-insensitive regex as its lower-cased twin in the
    lower-cased sentence (when the sentence is lowerable): the spans of find_all on the text."""
    from analysis.framing._lexicon import find_all, find_all_lowered, lowered_twin
    from analysis.framing._prefilter import lowerable

    labels = importlib.import_module("analysis.framing.labels")
    terms = [term for _c, _ctx, found in labels._compiled_concepts(None) for term in found]
    spelled = [term["term"] for term in labels.label_lexicon().to_dict("records") if term["lang"] == "en"]
    texts = SPEECH + [f"They spoke of {t}. {t.upper()}'s {t.lower()}-{t.title()} (“{t}”) café {t}’s" for t in spelled]
    texts += ["The \u212aiev regime", "KİEV and K\u0131ev", "the ſpecial military operation", "Kyiv\u2019s DPR, the SMO"]
    twins = [lowered_twin(term[3]) for term in terms]
    assert sum(twin is not None for twin in twins) >= 30
    assert not all(lowerable(t) for t in texts)
    hits = 0
    for text in texts:
        low = text.lower() if lowerable(text) else None
        for term, twin in zip(terms, twins):
            want = find_all(text, term[3])
            assert find_all_lowered(text, low, term[5], twin) == want, (term[0], text)
            hits += len(want)
    assert hits >= 100


def test_the_context_reads_sentences_queued_one_at_a_time_as_one_range_in_the_same_order():
    """Consecutive sentences queued one by one are read in one scan; a name seen in between
    keeps its place in the reading order."""
    q = importlib.import_module("analysis.framing.quotes")
    sentences = SPEECH + PAST_THE_VERB + ["Mr. Smith of the Ministry of Defence.", "Smith said so.", "He left."]
    starts, pos = [], 0
    for text in sentences:
        starts.append(pos)
        pos += len(text) + 1

    def reading(step_by_step: bool):
        seen = []

        class Recording(q._Context):
            def _see(self, info, s, speaker):
                seen.append((info, s, speaker))
                super()._see(info, s, speaker)

        ctx = Recording(bytes(pos + 1), q._patterns()["proper"], stexts=sentences, starts=starts)
        answers = []
        for k in range(1, len(sentences) + 1):
            ctx.read_upto(k)
            if k == 5:
                ctx.see("Vladimir Putin", 3, 17, speaker=True)
            if step_by_step or k % 7 == 0:
                answers.append((ctx.person, ctx.group))
            elif k < len(sentences):
                assert len(ctx._pending) <= 3  # consecutive ranges merged (range, name, range at most)
        answers.append((ctx.person, ctx.group))
        return seen, answers[-1], ctx.surnames

    assert reading(True) == reading(False)
    assert len(reading(False)[0]) >= 30


def test_labels_and_quotes_sharing_the_rebuilt_articles_give_the_tables_of_each_alone():
    from analysis.framing import RebuiltArticles, label_matches, quotes
    from analysis.text import sentences

    texts = [" ".join(SPEECH[i:i + 6]) + " The “special military operation” in Kiev, Putin said." for i in range(0, 18, 3)]
    texts.append("“Kyiv will win,” Zelensky said. The so-called “referendum” was a sham, officials said.")
    sents = sentences(pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts}))
    rebuilt = RebuiltArticles(sents)
    alone_labels, alone_quotes = label_matches(sents), quotes(sents, mentions=False)
    pd.testing.assert_frame_equal(label_matches(sents, rebuilt=rebuilt), alone_labels, check_exact=True)
    pd.testing.assert_frame_equal(quotes(sents, mentions=False, rebuilt=rebuilt), alone_quotes, check_exact=True)
    assert alone_labels["in_quote"].any() and not alone_labels["in_quote"].all() and len(alone_quotes) >= 10
    with pytest.raises(ValueError, match="another sentences table"):
        quotes(sents.copy(), mentions=False, rebuilt=rebuilt)


@pytest.mark.parametrize("ids", [["b", "a", "c", "a"], [3, 1, 2, 1]])
def test_the_labels_table_built_column_by_column_is_the_one_pandas_sorts_and_casts(ids):
    """Rows out of article, start and concept order (and ties kept in their order) give the table
    that one frame of all the rows, sorted stably and cast column by column, gives."""
    labels = importlib.import_module("analysis.framing.labels")
    rows = [(aid, k, start, start + 4, f"w{k}", concept, "term", "side", 0.5 * k, "en")
            for k, (aid, start, concept) in enumerate(zip(ids * 3, [9, 4, 4, 4, 0, 9] * 2, "bababcacbcab"))]
    in_quote = np.array([k % 3 == 0 for k in range(len(rows))])
    id_dtype = pd.Series(ids).dtype
    frame = pd.DataFrame(rows, columns=[c for c in labels.MATCH_COLUMNS if c != "in_quote"])
    frame["in_quote"] = in_quote
    frame = frame[labels.MATCH_COLUMNS].sort_values(["article_id", "start", "concept"], kind="stable")
    want = labels._schema(frame.reset_index(drop=True), id_dtype, labels.MATCH_COLUMNS, labels.MATCH_DTYPES)
    got = labels._match_table(rows, in_quote, id_dtype)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert not got["sentence_id"].is_monotonic_increasing
    sorted_rows = [rows[k] for k in frame.index]
    pd.testing.assert_frame_equal(labels._match_table(sorted_rows, in_quote[frame.index], id_dtype), want,
                                  check_exact=True)
    empty = labels._match_table([], np.zeros(0, dtype=bool), id_dtype)
    pd.testing.assert_frame_equal(empty, want.iloc[:0].reset_index(drop=True), check_exact=True)

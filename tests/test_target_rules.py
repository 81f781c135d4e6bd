"""Target-sentiment rules, third version: what the target does, and guarded fits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis import targeted as T
from analysis.evaluation.doc_sentiment import DEFAULT_THRESHOLDS, cross_validated, guarded_thresholds
from analysis.sentiment.target_rules import agent_predicate


def _frame(sentence, *targets):
    return pd.DataFrame({"text": [sentence] * len(targets), "from": [sentence.index(t) for t in targets],
                         "to": [sentence.index(t) + len(t) for t in targets]})


def _pol(sentence, target, params=T.DEFAULT_RULES):
    return int(T.target_sentiment(_frame(sentence, target), params=params)["polarity"].iloc[0])


NO_AGENT = dataclasses.replace(T.DEFAULT_RULES, agent=0.0)
NO_WARM = dataclasses.replace(T.DEFAULT_RULES, warm=2.0)


def test_the_targets_own_predicate_flips_a_misleading_lexicon_word():
    # "not guilty" and "apologized" read as positive words, but pleading and
    # apologising put the subject in the dock (connotation frames)
    assert _pol("Manafort pleaded not guilty on Friday.", "Manafort", NO_AGENT) == 1
    assert _pol("Manafort pleaded not guilty on Friday.", "Manafort") == -1
    assert _pol("The governor apologized to the families.", "governor", NO_AGENT) == 1
    assert _pol("The governor apologized to the families.", "governor") == -1


def test_agent_predicate_skips_auxiliaries_and_ignores_passives_and_negation():
    assert agent_predicate("cruz has repeatedly lied".split(), 1) == -1.0
    assert agent_predicate("walker won iowa".split(), 1) == 1.0
    assert agent_predicate("walker was defeated".split(), 1) == 0.0
    assert agent_predicate("walker did not lie".split(), 1) == 0.0
    assert agent_predicate("walker".split(), 1) == 0.0


def test_the_accuser_stays_neutral_by_default_and_can_be_evaluated_on_request():
    s = "Kyiv blamed Russia for starting the fire."
    assert _pol(s, "Kyiv") == 0 and _pol(s, "Russia") == -1
    assert _pol(s, "Kyiv", dataclasses.replace(T.DEFAULT_RULES, accuser=1.0)) == -1


def test_legacy_rules_switch_the_new_cues_off():
    assert T.LEGACY_RULES.agent == 0.0 and T.LEGACY_RULES.accuser == 0.0


def test_classifier_features_name_the_predicate_cues():
    f = T._features("Manafort pleaded guilty on Friday.", 0, 8)
    assert f.get("agent_pred:-1") == 1.0
    f = T._features("Kyiv blamed Russia for starting the fire.", 0, 4)
    assert f.get("accuser:-1") == 1.0


def test_few_mentions_shrink_the_document_score_toward_neutral():
    d = pd.DataFrame({"DOCUMENT": ["Anna Smith won the award."], "TARGET_ENTITY": ["Anna Smith"]})
    plain = T.document_sentiment(d, evidence=1)["score"].iloc[0]
    shrunk = T.document_sentiment(d)["score"].iloc[0]
    assert plain > 0 and np.isclose(shrunk, plain * np.sqrt(1 / 10))


def test_a_threshold_fit_that_does_not_help_falls_back_to_the_untrained_thresholds():
    rng = np.random.default_rng(0)
    gold = rng.integers(-1, 2, size=300)
    noise = rng.normal(size=300)  # scores unrelated to the labels: no fit can generalise
    th, info = guarded_thresholds(noise, gold, k=5)
    if info["used"] == "default":
        assert th == DEFAULT_THRESHOLDS
    assert info["cv_f1_fit"] <= info["cv_f1_default"] or info["used"] == "fit"


def test_a_threshold_fit_that_helps_is_used_and_cross_validation_is_out_of_fold():
    gold = np.array([1, 1, 1, 0, 0, 0, -1, -1, -1] * 10)
    # neutral documents score 0.1: above the default positive threshold (0.05)
    scores = np.where(gold == 1, 0.25, np.where(gold == -1, -0.25, 0.1))
    th, info = guarded_thresholds(scores, gold, k=5)
    assert info["used"] == "fit" and info["cv_f1_fit"] > info["cv_f1_default"]
    pred, chosen = cross_validated(scores, gold, k=5)
    assert len(chosen) == 5 and (pred == gold).mean() == 1.0


def test_what_a_speaker_reports_before_the_attribution_is_not_about_the_speaker():
    s = "The cuts were a disgrace and a failure, Miller said on Monday."
    assert _pol(s, "Miller") == 0
    assert _pol(s, "Miller", dataclasses.replace(T.DEFAULT_RULES, speaker_left=1.0)) == -1


def test_a_target_in_a_warm_sentence_with_no_cue_of_its_own_is_positive():
    s = "Zelenskyy praised the volunteers for their wonderful, generous help."
    assert _pol(s, "Zelenskyy") == 1, "the praiser of a warm sentence (NewsMTSC's convention)"
    assert _pol(s, "Zelenskyy", dataclasses.replace(T.DEFAULT_RULES, warm=2.0)) == 0, "warm > 1 switches it off"
    assert T.LEGACY_RULES.warm > 1.0


def test_the_warm_sentence_rule_has_no_negative_twin_and_spares_speakers():
    assert _pol("Kyiv blamed Russia for the horrible, deadly attack.", "Kyiv") == 0
    assert _pol("Zelenskyy said the volunteers gave wonderful, generous help.", "Zelenskyy") == 0


def test_the_classifier_sees_the_warm_sentence_cue_only_for_targets_no_cue_reached():
    s = "Zelenskyy praised the volunteers for their wonderful, generous help."
    a = s.index("volunteers")
    f = T._features(s, 0, len("Zelenskyy"))
    assert f["warm"] > 0.4 and f["grim"] == 0.0 and f["sent_comp"] == f["warm"]
    assert "warm" not in T._features(s, a, a + len("volunteers")), "the volunteers have cues of their own"
    said = "Zelenskyy said the volunteers gave wonderful, generous help."
    assert "warm" not in T._features(said, 0, len("Zelenskyy")), "not for the speaker"


def test_the_vectorised_threshold_grid_picks_the_same_cell_as_the_plain_loop():
    from analysis.evaluation.doc_sentiment import _fit_thresholds_loop, fit_thresholds

    rng = np.random.default_rng(1)
    for _ in range(15):
        n = int(rng.integers(5, 150))
        gold = rng.integers(-1, 2, n)
        # coarse scores make ties between grid cells common: the first best cell must win in both
        scores = np.round(rng.normal(0, 0.2, n) + 0.1 * gold, int(rng.integers(1, 4)))
        assert fit_thresholds(scores, gold) == _fit_thresholds_loop(scores, gold)


def test_repeated_cross_validation_reports_every_seed_and_seed_zero_is_the_single_run():
    from analysis.evaluation.doc_sentiment import repeated_cv
    from analysis.evaluation.target_sentiment import classification_report

    rng = np.random.default_rng(2)
    gold = rng.integers(-1, 2, 120)
    scores = rng.normal(0, 0.2, 120) + 0.15 * gold
    rep = repeated_cv(scores, gold, k=5, repeats=3)
    single = classification_report(gold, cross_validated(scores, gold, k=5)[0])["f1_macro"]
    assert rep["seeds"] == [0, 1, 2] and len(rep["f1_macro"]) == 3
    assert rep["f1_macro"][0] == single
    assert np.isclose(rep["f1_macro_mean"], np.mean(rep["f1_macro"]), atol=1e-4)


def test_a_speaker_after_a_quotation_that_began_in_an_earlier_sentence_is_still_the_speaker():
    # the sentence splitter leaves the opening mark in the previous sentence: the closing mark
    # must not open a new quotation around the speaker (which made the quote count toward them)
    for closing in ("\u201d", '"'):
        s = f"It was a disgrace and a failure,{closing} Conway said."
        assert _pol(s, "Conway") == 0
    assert _pol("\u201cIt was a disgrace and a failure,\u201d Conway said.", "Conway") == 0


def test_the_agent_of_an_attack_or_threat_is_evaluated_but_an_accuser_is_not():
    assert _pol("Trump attacked the judge on Twitter.", "Trump") == -1
    assert _pol("Russia threatened Ukraine with new strikes.", "Russia") == -1
    assert _pol("Kyiv blamed Russia for starting the fire.", "Kyiv") == 0
    assert _pol("Trump attacked the judge on Twitter.", "Trump", dataclasses.replace(T.DEFAULT_RULES, aggressor=0.0)) == 0
    assert T.LEGACY_RULES.aggressor == 0.0


def test_a_sentence_that_names_the_person_several_times_counts_once_in_the_document_score():
    doc = "Anna Smith said Smith would win. Critics said Smith lied."
    d = pd.DataFrame({"DOCUMENT": [doc], "TARGET_ENTITY": ["Anna Smith"]})
    spans = T.find_person_mentions(doc, "Anna Smith")
    first, second = doc.index("Critics") - 1, len(doc)
    frame = pd.DataFrame({"text": [doc[:first] if a < first else doc[first + 1:second] for a, _ in spans],
                          "from": [a if a < first else a - first - 1 for a, _ in spans],
                          "to": [b if a < first else b - first - 1 for a, b in spans]})
    mention = T.target_sentiment(frame, params=T.DOCUMENT_RULES)["score"].to_numpy()
    in_first = np.array([a < first for a, _ in spans])
    per_sentence = (mention[in_first].mean() + mention[~in_first].mean()) / 2
    shrink = np.sqrt(len(spans) / 10)
    assert np.isclose(T.document_sentiment(d)["score"].iloc[0], per_sentence * shrink)
    assert np.isclose(T.document_sentiment(d, per_sentence=False)["score"].iloc[0], mention.mean() * shrink)
    assert not np.isclose(per_sentence, mention.mean())


def test_a_negative_word_outweighs_an_equally_near_positive_one():
    # negativity bias ("bad is stronger than good"): good intentions that end in failure are no praise
    s = "The minister's good intentions ended in a costly failure."
    assert _pol(s, "minister") == -1
    assert _pol(s, "minister", dataclasses.replace(T.DEFAULT_RULES, neg_weight=1.0)) == 1
    assert _pol("Zelenskyy won praise for his courage.", "Zelenskyy") == 1, "a warm sentence stays warm"
    assert T.LEGACY_RULES.neg_weight == 1.0
    # a document's stance is scored without it (it cost PerSenT 2.7 points)
    assert T.DOCUMENT_RULES == dataclasses.replace(T.DEFAULT_RULES, neg_weight=1.0)


def test_a_name_before_a_colon_is_the_speaker_of_what_follows():
    # transcripts and headlines: "Kaine: ..." reports Kaine's words, which are not about Kaine
    assert _pol("Kaine: Pence is a disgrace and a liar.", "Kaine") == 0
    assert _pol("Michelle Obama: The country has improved wonderfully.", "Obama") == 0
    # ... but not the addressee of "X to Y:" nor a name inside the sentence
    assert _pol("Priebus to Trump: Stop the disgraceful lies.", "Trump") == -1
    assert _pol("Voters were told a lie about Trump: a disgrace.", "Trump") == -1


def test_capitalised_lexicon_words_inside_a_name_do_not_evaluate_it():
    # (the warm-sentence rule reads the whole sentence, names included, so it is off here)
    assert _pol("Hope Hicks boarded the plane.", "Hope Hicks", NO_WARM) == 0
    assert _pol("The memo was sent to Justice Kavanaugh on Monday.", "Justice Kavanaugh", NO_WARM) == 0
    # lower-case words inside the mention still do, and so do all-capital insults
    assert _pol("The corrupt senator boarded the plane.", "The corrupt senator") == -1
    assert _pol("They called him a LOSER on Monday.", "LOSER") == -1


def test_the_name_and_colon_rules_are_options_that_legacy_rules_switch_off():
    old = dataclasses.replace(T.DEFAULT_RULES, colon_speaker=False, name_words=1.0)
    assert _pol("Kaine: Pence is a disgrace and a liar.", "Kaine", old) == -1
    assert _pol("Hope Hicks boarded the plane.", "Hope Hicks", dataclasses.replace(old, warm=2.0)) == 1
    assert not T.LEGACY_RULES.colon_speaker and T.LEGACY_RULES.name_words == 1.0


def test_a_place_where_events_happen_is_not_evaluated_by_them():
    # "in X" names the setting: the shelling is not a verdict on Kharkiv, the festival no praise of the capital
    assert _pol("Russian shelling killed five people in Kharkiv.", "Kharkiv") == 0
    assert _pol("A wonderful, joyful festival was held in the capital.", "capital") == 0
    # ... but a possessor inside the phrase owns what is said ("in Epstein's crimes"), and other roles stay
    assert _pol("He took part in Epstein's horrible crimes.", "Epstein") == -1
    assert _pol("Voters lost all faith in him after the disgraceful scandal.", "him") == -1, "a pronoun is a person"
    assert _pol("Russian shelling killed five people in Kharkiv.", "Russian shelling") == -1


def test_the_place_rule_is_an_option_that_legacy_rules_switch_off():
    old = dataclasses.replace(T.DEFAULT_RULES, setting=1.0)
    assert _pol("Russian shelling killed five people in Kharkiv.", "Kharkiv", old) == -1
    assert _pol("A wonderful, joyful festival was held in the capital.", "capital", old) == 1
    assert T.LEGACY_RULES.setting == 1.0


PROGRESSIVE = dataclasses.replace(T.DEFAULT_RULES, progressive=True)


def test_with_the_progressive_option_the_subject_of_an_ing_verb_is_the_accuser_not_the_accused():
    # "Kyiv is blaming Russia" says what "Kyiv blamed Russia" says: Kyiv accuses, Russia is accused
    assert _pol("Kyiv is blaming Russia for starting the fire.", "Kyiv", PROGRESSIVE) == 0
    assert _pol("Kyiv is also blaming Russia for starting the fire.", "Kyiv", PROGRESSIVE) == 0
    assert _pol("Kyiv is blaming Russia for starting the fire.", "Russia", PROGRESSIVE) == -1
    assert _pol("Russia is attacking Ukraine with new strikes.", "Russia", PROGRESSIVE) == -1, "an aggressor stays one"
    # a real passive is still one, "being" included
    assert _pol("Russia is being blamed for starting the fire.", "Russia", PROGRESSIVE) == -1
    assert _pol("Russia was blamed for starting the fire.", "Russia", PROGRESSIVE) == -1


def test_the_progressive_reading_is_off_by_default_and_in_legacy_rules():
    # on by default it cost the trained model 0.7297 -> 0.7210 on NewsMTSC dev_rw (README-sentiment, round 15)
    assert not T.DEFAULT_RULES.progressive and not T.LEGACY_RULES.progressive

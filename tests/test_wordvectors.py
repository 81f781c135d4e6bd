"""English word vectors learned offline (analysis.wordvectors) and their use as dense blocks in the English
role model (analysis.roles, round 5 of issue 11)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import roles as R
from analysis.wordvectors import WordVectors, corpus_texts, load_word_vectors, train_word_vectors

TEXTS = ["Russian forces shelled the city overnight.", "Ukrainian forces shelled the town overnight.",
         "The president thanked the soldiers.", "The minister thanked the volunteers."] * 10
ARTICLES = pd.DataFrame({"article_id": ["a"], "lang": ["en"], "text": [
    "Russian forces shelled the city overnight. The president thanked the soldiers. Russian forces withdrew."]})
MENTIONS = pd.DataFrame({"article_id": ["a", "a"], "start": [0, 47], "end": [14, 56]})


@pytest.fixture(scope="module")
def small_vectors() -> WordVectors:
    return train_word_vectors(TEXTS, dim=6, min_count=5)


def test_the_same_texts_give_the_same_vectors_and_they_survive_a_round_trip(tmp_path, small_vectors):
    again = train_word_vectors(TEXTS, dim=6, min_count=5)
    assert again.words == small_vectors.words
    np.testing.assert_array_equal(again.matrix, small_vectors.matrix)
    loaded = WordVectors.load(small_vectors.save(tmp_path / "wordvec_en.npz"))  # np.load(allow_pickle=False)
    assert loaded.words == small_vectors.words and loaded.fingerprint == small_vectors.fingerprint
    np.testing.assert_array_equal(loaded.counts, small_vectors.counts)


def test_words_used_in_the_same_contexts_get_close_vectors(small_vectors):
    wv = small_vectors
    assert np.allclose(np.linalg.norm(wv.matrix, axis=1), 1.0, atol=1e-5)
    assert wv.vector("city") @ wv.vector("town") > 0.9
    assert wv.vector("city") @ wv.vector("thanked") < wv.vector("city") @ wv.vector("town")
    assert wv.vector("kharkiv") is None and wv.sif_mean(["kharkiv"]) is None


def test_frequent_words_weigh_less_in_a_mean(small_vectors):
    wv = small_vectors
    assert wv.sif_weights[wv.index["the"]] < wv.sif_weights[wv.index["city"]]
    assert np.isclose(np.linalg.norm(wv.sif_mean(["the", "city"])), 1.0, atol=1e-5)


def test_without_vectors_english_features_are_unchanged(monkeypatch, small_vectors):
    monkeypatch.setattr(R, "_en_vectors", lambda: None)
    plain, _, _ = R.featurize(MENTIONS, ARTICLES)
    monkeypatch.setattr(R, "_en_vectors", lambda: small_vectors)
    with_vectors, _, _ = R.featurize(MENTIONS, ARTICLES)
    for p, v in zip(plain, with_vectors):
        assert not any(k.startswith("ev") for k in p)
        assert {k: x for k, x in v.items() if k not in ("evw", "eve")} == p
        # the window's and the mention's other occurrences' mean vectors, unit length x EMBED_SCALE
        assert np.isclose(np.linalg.norm(v["evw"]), R.EMBED_SCALE) and np.isclose(np.linalg.norm(v["eve"]), R.EMBED_SCALE)


def test_russian_mentions_never_get_english_vectors(monkeypatch, small_vectors):
    monkeypatch.setattr(R, "_en_vectors", lambda: small_vectors)
    arts = pd.DataFrame({"article_id": ["r"], "lang": ["ru"], "text": ["Российские войска обстреляли город."]})
    feats, _, _ = R.featurize(pd.DataFrame({"article_id": ["r"], "start": [0], "end": [18]}), arts)
    assert not any(k.startswith("ev") for k in feats[0])


def test_an_english_model_uses_the_vectors_and_warns_when_loaded_without_them(monkeypatch, tmp_path, small_vectors):
    monkeypatch.setattr(R, "_en_vectors", lambda: small_vectors)
    mentions = pd.concat([MENTIONS] * 3, ignore_index=True)
    feats, _, _ = R.featurize(mentions, ARTICLES)
    model = R.train_role_model(feats, ["Antagonist", "Protagonist"] * 3, ["Instigator", "Guardian"] * 3, lang="en")
    assert "evw0" in model.main.vocab and "eve0" in model.main.vocab
    assert model.meta["word_vectors"] == small_vectors.fingerprint
    path = model.to_json(tmp_path / "roles_en.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        R.load_role_model(path)  # the same vectors: silent
    monkeypatch.setattr(R, "_en_vectors", lambda: None)
    with pytest.warns(UserWarning, match="word vectors"):
        R.load_role_model(path)


def test_the_train_command_writes_vectors_from_a_corpus_folder(tmp_path, root):
    articles = tmp_path / "corpus" / "news_gdelt" / "articles"
    articles.mkdir(parents=True)
    for i, text in enumerate(TEXTS):
        (articles / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    assert len(corpus_texts(tmp_path / "corpus")) == len(TEXTS)
    out = tmp_path / "wordvec_en.npz"
    run = subprocess.run([sys.executable, "-m", "analysis.train", "wordvectors", "--train", str(tmp_path / "corpus"),
                          "--out", str(out)], capture_output=True, text=True, check=True, cwd=root)
    info = json.loads(run.stdout.strip().splitlines()[-1])
    assert info["documents"] == len(TEXTS) and info["fingerprint"] == load_word_vectors(str(out)).fingerprint


def test_vectors_from_the_shared_news_articles_place_related_words_together(shared):
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "corpus" / "news_gdelt" / "articles").glob("*.txt"))]
    wv = train_word_vectors(texts, dim=100)

    def neighbours(word, k=10):
        sims = wv.matrix @ wv.vector(word)
        return [wv.words[i] for i in np.argsort(-sims)[1:k + 1]]

    assert {"injured", "wounded"} <= set(neighbours("killed"))
    assert "vladimir" in neighbours("putin")
    assert {"impose", "imposed"} & set(neighbours("sanctions"))


def test_the_roles_store_key_follows_the_word_vectors_file(tmp_path, monkeypatch, small_vectors):
    from analysis import pipeline

    monkeypatch.setenv("ANALYSIS_MODELS", str(tmp_path))
    (tmp_path / "roles_en.json").write_text("{}")
    before = pipeline.model_key(("roles",))
    small_vectors.save(tmp_path / "wordvec_en.npz")  # new vectors change the English role features
    assert pipeline.model_key(("roles",)) != before

"""Issue 13: notebooks 03-05 read stored tables part by part; the per-mention and per-sentence tables of a
large corpus are never held whole (their memory must not grow with the corpus)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import pipeline
from analysis import sentiment as S

#: Tables with one row per token, sentence or entity mention: millions of rows on a 100k-article corpus.
#: (Notebook 05 reads the actor mentions cast in roles, a third of the mentions, whole but as categories.)
LARGE_TABLES = ("tokens", "sentences", "sentence_sentiment", "mentions", "mention_sentiment")


@pytest.mark.parametrize("notebook", ["03_sentiment", "04_framing", "05_roles_narratives"])
def test_notebook_never_reads_a_per_mention_or_per_sentence_table_whole(root, notebook):
    cells = json.loads((root / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    whole = re.findall(r"run\.table\(\s*[\"'](\w+)[\"']", code)
    assert not set(whole) & set(LARGE_TABLES), f"{notebook} reads whole: {sorted(set(whole) & set(LARGE_TABLES))}"


@pytest.fixture(scope="module")
def paragraphs_run(seed_text, tmp_path_factory):
    texts = [p for p in seed_text.split("\n\n") if len(p.strip()) > 100][:10]
    arts = pd.DataFrame({"article_id": [f"p{i}" for i in range(len(texts))], "text": texts})
    return pipeline.analyse(arts, chunk_size=3, cache_dir=tmp_path_factory.mktemp("cache"))


KEYS = ["article_id", "sentence_id", "start", "end", "entity_id"]


def test_aggregate_tables_hands_func_the_same_articles_of_each_table(paragraphs_run):
    run = paragraphs_run
    seen = run.aggregate_tables({"mentions": ["article_id"], "sentences": ["article_id"]},
                                lambda m, s: pd.DataFrame({"same": [set(m["article_id"]) <= set(s["article_id"])],
                                                           "articles": [s["article_id"].nunique()]}))
    assert len(seen) > 1 and seen["same"].all()  # several parts, each one part of both tables
    assert seen["articles"].sum() == run.table("sentences")["article_id"].nunique()


def test_actor_mention_scores_part_by_part_equal_the_join_of_the_whole_tables(paragraphs_run):
    run = paragraphs_run
    whole = run.table("mention_sentiment", columns=[*KEYS, "polarity", "score"]).merge(
        run.table("mentions", columns=[*KEYS, "name", "type"]), on=KEYS)
    whole = whole[whole["type"].isin(S.ACTOR_TYPES)][S.ACTOR_SCORE_COLUMNS].reset_index(drop=True)
    parts = run.aggregate_tables({"mention_sentiment": [*KEYS, "polarity", "score"], "mentions": [*KEYS, "name", "type"]},
                                 S.actor_mention_scores)
    assert len(parts) and set(parts["type"]) <= set(S.ACTOR_TYPES)
    pd.testing.assert_frame_equal(parts, whole, check_exact=True)


def test_name_counts_summed_over_parts_rank_like_value_counts_of_the_whole():
    names = pd.Series(["Kyiv", "Putin", "NATO", "Putin", "Kyiv", "EU", "NATO", "EU"], dtype="string")
    parts = [S.name_counts(pd.DataFrame({"name": names[i:i + 3]}), sort=False) for i in range(0, len(names), 3)]
    ranked = S.name_counts(pd.concat(parts, ignore_index=True), count="count")
    expected = names.value_counts()  # ties (all 2) in order of first appearance
    assert ranked["name"].tolist() == expected.index.tolist() == ["Kyiv", "Putin", "NATO", "EU"]
    assert ranked["count"].tolist() == expected.tolist()


def test_as_objects_equals_astype_object_with_one_string_per_distinct_value():
    from analysis import report

    f = pd.DataFrame({"speaker": pd.Series(["Putin", None, "Putin"], dtype="string"), "n": [1, 2, 3]})
    out = report.as_objects(f, ["speaker", "not_a_column"])
    pd.testing.assert_frame_equal(out, f.astype({"speaker": object}), check_exact=True)
    assert out["speaker"].iloc[0] is out["speaker"].iloc[2]

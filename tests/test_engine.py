"""analysis.engine: the same results serially, on a process pool, streamed to parquet, and on Dask."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import engine


@pytest.fixture(scope="module")
def articles(seed_text):
    texts = [
        seed_text,
        "Russian forces shelled Kharkiv overnight. Two people were killed, the regional governor said.",
        "Zelenskyy thanked Western partners for air defence. \"We will liberate every village,\" he said.",
        "",
        "!!! ...",
        "Kiev regime provocations continue, Peskov claimed. The special military operation goes on.",
        "A fire broke out at the Zaporizhzhia Nuclear Power Plant. The IAEA called for restraint.",
    ]
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})


def assert_same_tables(left: dict, right: dict):
    assert sorted(left) == sorted(right)
    for name in left:
        pd.testing.assert_frame_equal(engine.comparable(left[name]), engine.comparable(right[name]), obj=name)


@pytest.fixture(scope="module")
def serial(articles):
    return engine.run(articles, chunk_size=1000)


def test_every_stage_writes_its_tables_and_a_summary_row_per_article(serial, articles):
    expected = {t for stage in engine.STAGES for t in engine.TABLES[stage]} | {"article_summary"}
    assert set(serial) == expected
    summary = serial["article_summary"]
    assert summary["article_id"].tolist() == articles["article_id"].tolist()
    assert summary.set_index("article_id").loc["a3", "n_sentences"] == 0


def test_chunking_does_not_change_results(serial, articles):
    assert_same_tables(serial, engine.run(articles, chunk_size=2))


def test_two_processes_give_identical_results(serial, articles):
    assert_same_tables(serial, engine.run(articles, chunk_size=2, n_jobs=2))


def test_streaming_to_parquet_gives_the_same_tables(serial, articles, tmp_path):
    parts = engine.run_to_parquet(articles, tmp_path, chunk_size=3, n_jobs=2)
    assert parts["articles"].sum() == len(articles)
    assert_same_tables(serial, {name: engine.read_table(tmp_path, name) for name in serial})


def test_workers_get_the_longest_chunks_first_and_the_parts_keep_the_input_order(serial, articles, tmp_path,
                                                                                  monkeypatch):
    # Issue 13: in input order the last chunk could be a long one, run alone while the other
    # worker idled. Longest first leaves the short chunks for the end.
    handed_out = []
    submit = engine._WorkerSlots.submit

    def record(slots, func, chunk, *args):
        handed_out.append(chunk["article_id"].tolist())
        submit(slots, func, chunk, *args)

    monkeypatch.setattr(engine._WorkerSlots, "submit", record)
    parts = engine.run_to_parquet(articles, tmp_path, chunk_size=2, n_jobs=2)
    lengths = [sum(len(t) for t in articles.set_index("article_id").loc[ids, "text"]) for ids in handed_out]
    assert lengths == sorted(lengths, reverse=True)
    assert handed_out[0] == ["a0", "a1"]  # the seed article: the longest chunk
    assert parts["part"].tolist() == [0, 1, 2, 3]
    assert_same_tables(serial, {name: engine.read_table(tmp_path, name) for name in serial})


def test_the_parent_counts_each_texts_characters_once_before_it_forks(articles, tmp_path, monkeypatch):
    # Issue 13: cutting the chunks (split_by_chars) and ordering them longest first each counted every text's
    # characters: on the bench corpus two reads of 12 MB of UTF-8 (~10 ms each) while no worker had started.
    from pandas.core.strings.accessor import StringMethods

    counted = []
    length = StringMethods.len

    def spy(self):
        lengths = length(self)
        counted.extend(label for label in lengths.index if str(label).startswith("row"))
        return lengths

    monkeypatch.setattr(StringMethods, "len", spy)
    rows = articles.set_axis([f"row{i}" for i in range(len(articles))])
    parts = engine.run_to_parquet(rows, tmp_path, stages=("sentences",), chunk_size=2, n_jobs=2, max_chunk_chars=100)
    assert sorted(counted) == sorted(rows.index)
    assert parts["articles"].sum() == len(rows)


def test_chunking_does_not_change_results_when_ids_are_not_sorted(articles):
    # some stages sort by article_id inside a chunk; every table still comes in input order
    backwards = articles.iloc[::-1].reset_index(drop=True)
    assert_same_tables(engine.run(backwards, chunk_size=1000), engine.run(backwards, chunk_size=3))


def test_workers_replaced_every_chunk_give_the_same_tables(serial, articles, tmp_path):
    parts = engine.run_to_parquet(articles, tmp_path, chunk_size=2, n_jobs=2, recycle_after=1)
    assert parts["part"].tolist() == [0, 1, 2, 3]
    assert_same_tables(serial, {name: engine.read_table(tmp_path, name) for name in serial})


def _sleep_then_pid(seconds: float) -> int:
    import os
    import time

    time.sleep(seconds)
    return os.getpid()


def test_a_worker_due_for_recycling_does_not_wait_for_the_other_workers_chunk():
    # Issue 13: recycling the whole pool drained it first, so one worker idled while the other
    # finished a long chunk, at every recycle. Each worker is now replaced on its own.
    import time

    slots = engine._WorkerSlots(2, recycle_after=1)
    try:
        slots.submit(_sleep_then_pid, 5.0)  # a long chunk on one worker
        slots.submit(_sleep_then_pid, 0.0)
        (first,) = slots.wait_one()  # the short one; its worker has done its one chunk
        started = time.perf_counter()
        assert slots.free(4)
        slots.submit(_sleep_then_pid, 0.0)  # goes to a fresh worker at once
        (second,) = slots.wait_one()
        first_pid, second_pid = first.result, second.result
        assert time.perf_counter() - started < 3.0
        assert second_pid != first_pid
        assert len(slots.running) == 1  # the long chunk is still running
        assert not slots.free(1)  # max_in_flight still caps the chunks out at once
    finally:
        slots.close()


def _pids_of_three_chunks(**slot_options) -> list[int]:
    """The worker process of each of three chunks handed one after the other to one slot."""
    slots = engine._WorkerSlots(1, **slot_options)
    try:
        seen = []
        for _ in range(3):
            slots.submit(_sleep_then_pid, 0.0)
            (report,) = slots.wait_one()
            seen.append(report.result)
        return seen
    finally:
        slots.close()


def test_a_worker_due_for_recycling_is_kept_when_its_replacement_would_serve_fewer_chunks_than_that():
    # Issue 13: a fresh worker's first chunk costs more CPU (it copies the shared pages it touches); at the
    # end of a run its replacement would serve only the last few chunks, so the worker is kept.
    def pids(chunks):
        return _pids_of_three_chunks(recycle_after=2, chunks=chunks)

    kept = pids(3)  # the third chunk is the last: a replacement would serve 1 < 2 chunks
    assert kept[0] == kept[1] == kept[2]
    for chunks in (4, None):  # one more chunk to come, or a stream of unknown length: replaced after 2
        replaced = pids(chunks)
        assert replaced[0] == replaced[1] != replaced[2]


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="private memory is read from Linux /proc")
def test_a_worker_holding_more_private_memory_than_recycle_above_is_replaced_after_its_chunk():
    # Issue 13: a worker's private memory after a chunk grows by 0-45 MiB a chunk (bench corpus), so some
    # workers held 147-174 MiB after their fifth chunk where most held 96-121 MiB and, with the 30-60 MiB
    # a chunk adds while it runs, set the peak of a streamed run. Such a worker is replaced at once.
    def pids(recycle_above):
        return _pids_of_three_chunks(recycle_after=None, recycle_above=recycle_above)

    assert len(set(pids(1))) == 3  # every worker holds more than 1 byte: a fresh one for every chunk
    assert len(set(pids(2**40))) == 1
    assert len(set(pids(None))) == 1


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="a forked worker inherits the test's stand-in for private_memory")
def test_a_worker_measures_its_own_private_memory_and_sends_it_with_its_chunks_result(monkeypatch):
    # Issue 13 review: the parent found a worker's pid in the executor's private process list and read
    # that worker's /proc. The worker now reads its own and reports it with its chunk's result.
    monkeypatch.setattr(engine, "private_memory", lambda pid: 2**40 if pid == os.getpid() else 0)
    assert len(set(_pids_of_three_chunks(recycle_after=None, recycle_above=1))) == 3

    slots = engine._WorkerSlots(1, recycle_after=None)
    try:
        slots.submit(_sleep_then_pid, 0.0)
        (report,) = slots.wait_one()
    finally:
        slots.close()
    assert report.private is None  # without a limit nothing is measured


def test_by_default_only_a_streamed_source_retires_workers_for_their_private_memory(articles, tmp_path, monkeypatch):
    # Issue 13: the memory limit is for streamed corpora. A DataFrame is in memory whole already, and on the
    # bench corpus the limit's extra forks (5-6 instead of 2) cost 2 processes 0.3-0.9 CPU s.
    forks = []
    fork = engine._WorkerSlots._fork
    monkeypatch.setattr(engine._WorkerSlots, "_fork", staticmethod(lambda: forks.append(1) or fork()))
    monkeypatch.setattr(engine, "private_memory", lambda pid: 2**40)  # every worker over any limit
    small = articles.iloc[1:]
    engine.run_to_parquet(small, tmp_path / "frame", stages=("sentences",), chunk_size=1, n_jobs=2,
                          recycle_after=None)
    assert len(forks) == 2
    small.to_parquet(tmp_path / "corpus.parquet")
    forks.clear()
    engine.run_to_parquet(tmp_path / "corpus.parquet", tmp_path / "stream", stages=("sentences",), chunk_size=1,
                          n_jobs=2, recycle_after=None)
    assert len(forks) > 2


def test_a_recycled_worker_exits_while_its_replacement_works_and_close_waits_for_every_exit(monkeypatch):
    # Issue 13: the slot waited for its old worker's exit (the teardown of a few hundred MB) before forking
    # the fresh one, idling at every recycle. The old worker now exits in the background; close() still
    # returns only once every worker, recycled or not, has exited.
    import time
    from concurrent.futures import ProcessPoolExecutor

    exits = []
    shutdown = ProcessPoolExecutor.shutdown

    def slow_exit(pool, wait=True, **options):
        shutdown(pool, wait=wait, **options)
        if wait:
            time.sleep(3.0)  # a worker that takes long to exit
            exits.append(pool)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", slow_exit)
    slots = engine._WorkerSlots(1, recycle_after=1)
    first = slots.pools[0]
    slots.submit(_sleep_then_pid, 0.0)
    (first_report,) = slots.wait_one()
    started = time.perf_counter()
    slots.submit(_sleep_then_pid, 0.0)  # the slot's worker is due for recycling
    (second_report,) = slots.wait_one()
    first_pid, second_pid = first_report.result, second_report.result
    assert time.perf_counter() - started < 2.5  # did not wait for the old worker to exit
    assert second_pid != first_pid and first not in exits
    slots.close()
    assert first in exits and slots.pools[0] in exits


def test_parquet_source_streams_in_batches(articles, tmp_path):
    source = tmp_path / "corpus.parquet"
    articles.to_parquet(source, index=False)
    parts = engine.run_to_parquet(source, tmp_path / "out", stages=("sentences",), chunk_size=2)
    assert parts["articles"].tolist() == [2, 2, 2, 1]
    pd.testing.assert_frame_equal(engine.comparable(engine.read_table(tmp_path / "out", "sentences")),
                                  engine.comparable(engine.run(articles, stages=("sentences",))["sentences"]))


def test_stored_tables_use_arrow_strings_and_categoricals():
    frame = engine.to_arrow_dtypes(pd.DataFrame({"surface": ["Kyiv"], "type": ["GPE"], "start": [0]}))
    assert str(frame["surface"].dtype) == "string" and str(frame["type"].dtype) == "category"


def test_unknown_stage_is_named():
    with pytest.raises(ValueError, match="sentimnet"):
        engine.run(pd.DataFrame({"article_id": ["a"], "text": ["x"]}), stages=("sentimnet",))


def test_stages_pull_in_what_they_need():
    out = engine.run(pd.DataFrame({"article_id": ["a"], "text": ["Kyiv said no."]}), stages=("tokens",))
    assert set(out) == {"sentences", "tokens", "article_summary"}


def test_dask_engine_on_a_local_cluster_equals_pandas(serial, articles, tmp_path):
    dd = pytest.importorskip("dask.dataframe", reason="dask extra not installed")
    distributed = pytest.importorskip("dask.distributed", reason="dask extra not installed")
    path = tmp_path / "corpus"
    dd.from_pandas(articles, npartitions=3).to_parquet(str(path))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = engine.run_dask(path, client=client)
    assert_same_tables(serial, result)


def test_repeated_article_ids_are_refused_with_the_ids_named():
    frame = pd.DataFrame({"article_id": ["x", "y", "x"], "text": ["a.", "b.", "c."]})
    with pytest.raises(ValueError, match=r"article_id must be unique.*'x'"):
        engine.run(frame)


# --------------------------------------------------------------------------- summary = library functions
SYNTHETIC = pd.DataFrame({"article_id": ["neg", "mixed", "quoted", "none"], "text": [
    "Russian missiles killed five civilians in Kharkiv. The attack destroyed homes. Rescuers searched the rubble.",
    "The Kiev regime shelled liberated Donbass. Kyiv condemned Russia's full-scale invasion and thanked partners.",
    'Peskov said the "special military operation" would go on. Kyiv welcomed new aid warmly.',
    "!!! ...",
]})


def _stored(arts: pd.DataFrame, out) -> tuple[pd.DataFrame, dict]:
    """Tables as the engine stores them (parquet)."""
    engine.run_to_parquet(arts, out, stages=("sentences", "sentiment", "framing"), chunk_size=2)
    return arts, {name: engine.read_table(out, name) for name in ("article_summary", "sentence_sentiment", "labels")}


@pytest.fixture(scope="module")
def stored_synthetic(tmp_path_factory):
    return _stored(SYNTHETIC, tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module", params=["seed", "synthetic"])
def stored(request, seed_text, stored_synthetic, tmp_path_factory):
    """The seed article and the synthetic ones, as stored."""
    if request.param == "synthetic":
        return stored_synthetic
    return _stored(pd.DataFrame({"article_id": ["seed"], "text": [seed_text]}), tmp_path_factory.mktemp("seed"))


def test_stored_tone_is_the_library_article_sentiment(stored):
    from analysis.sentiment import article_sentiment

    arts, tables = stored
    summary = tables["article_summary"].set_index("article_id")
    library = article_sentiment(tables["sentence_sentiment"]).set_index("article_id").reindex(summary.index)
    for column in ("mean_compound", "share_negative", "share_positive"):
        pd.testing.assert_series_equal(summary[column].astype(float), library[column].astype(float), obj=column)
    assert summary["share_negative"].notna().any(), "the fixture has scored sentences"


def test_stored_label_alignment_is_the_library_label_alignment(stored):
    from analysis import framing
    from analysis.text import sentences

    arts, tables = stored
    summary = tables["article_summary"].set_index("article_id")
    library = framing.label_alignment(sentences(arts)).set_index("article_id").reindex(summary.index)
    pd.testing.assert_series_equal(summary["label_alignment"].astype(float), library["alignment"].astype(float),
                                   check_names=False)


def test_synthetic_summary_values_are_the_specified_ones(stored_synthetic):
    arts, tables = stored_synthetic
    summary = tables["article_summary"].set_index("article_id")
    assert summary.loc["neg", "share_negative"] > 0.5 and summary.loc["neg", "mean_compound"] < 0
    assert summary.loc["mixed", "label_alignment"] == pytest.approx(
        _alignment(tables["labels"].query("article_id == 'mixed' and not in_quote")))
    assert summary.loc["quoted", "label_alignment"] == pytest.approx(1.0), "the quoted Kremlin term is left out"
    assert pd.isna(summary.loc["none", "label_alignment"]), "no labels is no evidence, not balance"
    assert summary.loc["none", ["mean_compound", "share_negative", "share_positive"]].tolist() == [0.0, 0.0, 0.0]


def _alignment(own_labels: pd.DataFrame) -> float:
    """(ua - ru) / (ua + ru) over weighted own-voice labels, written out by hand."""
    ua = own_labels.loc[own_labels["side"] == "ukraine_aligned", "weight"].sum()
    ru = own_labels.loc[own_labels["side"] == "russia_aligned", "weight"].sum()
    return (ua - ru) / (ua + ru)


def test_summary_stores_whole_text_tone_and_generic_frames_so_notebooks_need_no_texts(serial, articles):
    # notebook 03's GDELT tone and whole-text VADER, notebook 04's generic frames: one row per article,
    # equal to the library functions run on the texts
    from analysis import framing, sentiment

    summary = serial["article_summary"].set_index("article_id")
    gdelt = sentiment.gdelt_tone(articles).set_index("article_id")
    for column in ("tone", "positive", "negative", "polarity", "word_count"):
        pd.testing.assert_series_equal(summary[f"gdelt_{column}"], gdelt[column].astype(summary[f"gdelt_{column}"].dtype),
                                       check_names=False)
    whole = sentiment.scorer("war-news").score_many(articles["text"])[:, 3]
    assert summary["whole_compound"].to_numpy() == pytest.approx(whole, nan_ok=True)
    generic = framing.generic_frames(articles).set_index("article_id")
    for column in framing.GENERIC_FRAMES:
        assert summary[column].to_numpy() == pytest.approx(generic[column].to_numpy(float), nan_ok=True)


def test_summary_without_sentiment_or_framing_has_no_document_tone_columns(articles):
    summary = engine.run(articles, stages=("sentences", "tokens"))["article_summary"]
    assert not set(engine.DOCUMENT_TONE) & set(summary.columns)
    assert "conflict" not in summary.columns


def test_whole_document_measures_are_a_stage_of_their_own_outside_the_naive_notebooks_work(articles):
    # the bench's "same work" (sentences, tokens, sentence VADER) must not pay for whole-text tone and
    # generic frames, which the naive notebook never computes; the default pipeline stores them
    timings = {}
    same = engine.run(articles, stages=("sentences", "tokens", "sentiment"), timings=timings)["article_summary"]
    assert "document" not in timings and not set(engine.DOCUMENT_TONE) & set(same.columns)
    full = engine.run(articles, stages=("sentences", "document"))
    assert set(engine.DOCUMENT_TONE) <= set(full["article_summary"].columns)
    assert "_document" not in full and "document" in engine.STAGES


def test_the_parsed_sentence_memo_of_mention_sentiment_is_small():
    # each parsed sentence holds ~6 KB; mentions of one sentence come together, so a short memo keeps
    # the hit rate (400 news articles: 12,917 of 19,368 hits at 1,024 vs 12,929 at 20,000) while
    # 20,000 entries held ~120 MB in every worker
    try:
        from analysis.sentiment import targeted
    except ImportError:
        from analysis import targeted
    assert targeted._parse.cache_info().maxsize <= 2048


def test_streaming_caps_the_text_per_chunk_and_still_gives_the_same_tables(serial, articles, tmp_path):
    # long articles in one chunk set a worker's peak memory: chunks are cut by characters too
    parts = engine.run_to_parquet(articles, tmp_path, chunk_size=1000, max_chunk_chars=200)
    assert len(parts) > 1 and parts["articles"].sum() == len(articles)
    assert_same_tables(serial, {name: engine.read_table(tmp_path, name) for name in serial})


def test_role_features_hold_one_parsed_article_at_a_time(articles, monkeypatch):
    # notebook 05 casts every actor mention of the corpus: a parsed article per article kept
    # alive grew to ~3.6 GB at 10k articles; the features do not change
    import gc
    import weakref

    from analysis import entities, roles
    from analysis._linear import expand_blocks

    ments = entities.mentions(engine.run(articles, stages=("sentences",))["sentences"])
    acts = roles.actor_mentions(ments, articles)
    expected = roles.featurize(acts, articles)[0]
    alive, most = weakref.WeakSet(), [0]
    original = roles._Article

    class Counted(original):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            gc.collect()
            alive.add(self)
            most[0] = max(most[0], len(alive))

    monkeypatch.setattr(roles, "_Article", Counted)
    # dense blocks (word vectors, when trained) compared component by component
    assert [expand_blocks(f) for f in roles.featurize(acts, articles)[0]] == [expand_blocks(f) for f in expected]
    assert acts["article_id"].nunique() > 1 and most[0] == 1


@pytest.mark.parametrize("values", [[None] * 4, ["a", None, float("nan"), "b"], ["x", "y"], [], ["é", pd.NA]])
def test_text_columns_become_the_same_str_column_as_astype(values):
    series = pd.Series(values, dtype=object, name="c", index=range(10, 10 + len(values)))
    pd.testing.assert_series_equal(engine._as_str(series), series.astype("str"))


@pytest.mark.parametrize("ids, order", [
    (["a", "b", "b", "a", None, "c"], ["b", "a", "c"]),
    (["x", "y", "x"], ["y", "x"]),
    ([3, 1, 1, 2], [1, 2, 3]),
])
def test_in_article_order_groups_rows_by_the_given_order_like_a_per_row_lookup(ids, order):
    import numpy as np

    frame = pd.DataFrame({"article_id": pd.Series(ids, dtype="str" if isinstance(ids[0], str) else None),
                          "row": range(len(ids))})
    per_row = pd.Index(order).get_indexer(frame["article_id"])  # the definition: one look-up per row
    expected = frame.take(np.argsort(per_row, kind="stable")).reset_index(drop=True)
    pd.testing.assert_frame_equal(engine.in_article_order(frame, order), expected)


# --------------------------------------------------------------------------- memory per worker
def test_has_cyrillic_reads_the_letters_of_a_frame_or_a_parquet_corpus(tmp_path):
    english = pd.DataFrame({"article_id": ["a", "b"], "text": ["Putin said.", None]})
    assert not engine.has_cyrillic(english)
    russian = "Путин сказал, что Киев атаковал Курск."
    assert engine.has_cyrillic(english.assign(text=["Putin said.", russian]))
    assert not engine.has_cyrillic(english.assign(text=["They expected еру sanctions to work.", None]))  # a typo
    assert engine.has_cyrillic(english.assign(lang=["en", "uk"]))  # a declared language counts too
    assert not engine.has_cyrillic(english.iloc[:0])
    english.to_parquet(tmp_path / "en.parquet")
    assert not engine.has_cyrillic(tmp_path / "en.parquet")
    english.assign(text=["Putin said.", "Зеленський заявив, що Україна вистоїть."]).to_parquet(tmp_path / "mixed.parquet")
    assert engine.has_cyrillic(tmp_path / "mixed.parquet")
    assert engine.has_cyrillic(tmp_path)  # a folder: any part
    english.assign(lang=["en", "ru"]).to_parquet(tmp_path / "declared.parquet")
    assert engine.has_cyrillic(tmp_path / "declared.parquet")


def test_warm_up_loads_natasha_so_forked_workers_share_it():
    from analysis.entities import cyrillic

    cyrillic._natasha.cache_clear()
    engine.warm_up(stages=("sentences", "entities"))
    assert cyrillic._natasha.cache_info().currsize == 1


def test_a_process_warmed_up_for_every_language_forks_its_workers_without_scanning_or_warming_again(monkeypatch):
    # Issue 13: a warm parent (benchmarks/run.py, a notebook's second run) spent 0.11 CPU s before the first
    # fork on a language scan and warm-up articles that could load nothing new, every worker waiting.
    engine.warm_up(stages=("sentences", "entities"))
    read = []
    process, scan = engine.process_articles, engine.scan_languages
    monkeypatch.setattr(engine, "process_articles", lambda *a, **k: read.append("warm-up articles") or process(*a, **k))
    monkeypatch.setattr(engine, "scan_languages", lambda *a, **k: read.append("language scan") or scan(*a, **k))
    engine.warm_up(stages=("entities",))
    with engine.shared_lexicons(("entities",), corpus=pd.DataFrame({"article_id": ["a"], "text": ["Путин"]})):
        pass
    assert read == []


def test_a_process_warmed_up_for_stages_without_russian_morphology_is_warm_for_them():
    # a full warm-up of the sentences alone loads no pymorphy3 dictionary; a second one would load nothing
    # new either, but the check once asked for both dictionaries whatever the stages, so the parent scanned
    # and warmed up again before every fork
    from analysis import morph

    morph.analyzer.cache_clear()
    try:
        engine.warm_up(stages=("sentences",))
        assert morph.analyzer.cache_info().currsize == 0 and engine._fully_warm(("sentences",))
    finally:
        for code in morph.MORPH_LANGS:  # as the other tests found them
            morph.analyzer(code)


@pytest.mark.parametrize("module, name", [("analysis.morph", "analyzer"), ("analysis.lang", "_detector"),
                                          ("analysis.entities.cyrillic", "_natasha"),
                                          ("analysis.framing.labels", "_cyrillic_index")])
def test_a_process_is_no_longer_warm_once_a_model_its_warm_up_loaded_is_cleared(module, name):
    import importlib

    stages = ("sentences", "entities", "framing")
    engine.warm_up(stages=stages)
    assert engine._fully_warm(stages)
    loader = getattr(importlib.import_module(module), name)
    if not loader.cache_info().currsize:
        pytest.skip(f"the warm-up left {module}.{name} empty in this process (not installed, or memos answered)")
    loader.cache_clear()
    assert not engine._fully_warm(stages)
    engine.warm_up(stages=stages)
    assert engine._fully_warm(stages)


def test_a_cached_loader_no_list_names_is_checked_too(monkeypatch):
    # _fully_warm once checked a hand-written list of loaders (pymorphy3, lingua, natasha), which went stale
    # silently when a stage started caching another model: it now finds every cached loader of the project
    import functools
    import sys
    import types

    module = types.ModuleType("analysis._a_new_stage_model")

    @functools.lru_cache(maxsize=2)
    def load(lang):
        return object()

    load.__module__ = module.__name__
    module.load = load
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(engine, "_warmed_fully", {})  # what earlier warm-ups of this process found is forgotten
    stages = ("sentences",)
    load("ru")
    engine.warm_up(stages=stages)
    assert engine._fully_warm(stages)
    load.cache_clear()
    assert not engine._fully_warm(stages), "a warm-up would load it again: not warm"
    engine.warm_up(stages=stages)
    load("ru")
    assert engine._fully_warm(stages)


def test_only_small_caches_count_as_loaders_memos_of_the_text_do_not():
    import functools

    @functools.lru_cache(maxsize=engine.LOADER_MAXSIZE + 1)
    def memo(x):
        return x

    @functools.cache
    def model(lang):
        return lang

    import sys
    import types

    module = types.ModuleType("analysis._caches")
    for f in (memo, model):
        f.__module__ = module.__name__
        setattr(module, f.__name__, f)
    sys.modules[module.__name__] = module
    try:
        held = engine._models_held()
    finally:
        del sys.modules[module.__name__]
    assert ("analysis._caches", "model") in held and ("analysis._caches", "memo") not in held


def test_a_warm_up_loads_again_what_was_cleared_since_the_last_one():
    from analysis.entities import cyrillic

    engine.warm_up(stages=("sentences", "entities"))
    cyrillic._natasha.cache_clear()
    engine.warm_up(stages=("sentences", "entities"))
    assert cyrillic._natasha.cache_info().currsize == 1


def test_an_english_corpus_forks_its_workers_without_the_russian_layer():
    import subprocess
    import sys

    code = ("import pandas as pd; from analysis import engine, morph; from analysis.entities import cyrillic\n"
            "arts = pd.DataFrame({'article_id': ['a', 'b'], 'text': ['Putin said Kyiv attacked.', 'Zelenskyy spoke.']})\n"
            "engine.run(arts, chunk_size=1, n_jobs=2)\n"
            "print(morph.analyzer.cache_info().currsize, cyrillic._natasha.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["0", "0"]  # no pymorphy3 dictionary, no natasha in the parent


def _lingua_detectors_in_parent_after_run(setup: str = "") -> str:
    import subprocess
    import sys

    code = ("import pandas as pd; from analysis import engine, lang\n" + setup +
            "arts = pd.DataFrame({'article_id': ['a', 'b', 'c'], 'text': ['Putin said Kyiv attacked.', "
            "'Зеленський заявив, що Україна вистоїть. Мертва справа.', 'Путин заявил, что Киев атаковал.']})\n"
            "engine.run(arts, chunk_size=1, n_jobs=2)\n"
            "print(lang._detector.cache_info().currsize)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1]


def test_a_corpus_whose_languages_its_letters_decide_forks_its_workers_without_lingua_models():
    assert _lingua_detectors_in_parent_after_run() == "0"


def test_a_corpus_with_many_cyrillic_articles_loads_the_lingua_models_before_the_fork():
    assert _lingua_detectors_in_parent_after_run("engine.MANY_CYRILLIC = 2\n") == "1"


def test_the_language_sample_is_the_first_articles_with_cyrillic_text_or_a_cyrillic_lang(tmp_path):
    arts = pd.DataFrame({"article_id": list("abcdef"),
                         "text": ["Putin said", "Путин сказал", None, "Kyiv", "Київ", "Україна"],
                         "lang": [None, None, "ru", "uk", None, None]})
    arts.to_parquet(tmp_path / "arts.parquet")
    for source in (arts, tmp_path / "arts.parquet"):
        assert engine._language_sample(source)["article_id"].tolist() == ["b", "c", "d", "e", "f"]
        assert engine._language_sample(source, scan=4)["article_id"].tolist() == ["b", "c", "d"]
        assert engine._language_sample(source, limit=2)["article_id"].tolist() == ["b", "c"]


def test_two_processes_on_a_mixed_corpus_give_identical_results(articles):
    mixed = pd.concat([articles, pd.DataFrame({"article_id": ["ru", "uk"], "text": [
        "Сергей Шойгу прибыл в Курск. Министр обороны провёл совещание с генералом Ивановым.",
        "Зеленський заявив, що Україна вистоїть. Путін напав на Київ."]})], ignore_index=True)
    assert_same_tables(engine.run(mixed, chunk_size=1000), engine.run(mixed, chunk_size=3, n_jobs=2))


def test_the_heap_is_frozen_before_the_warm_up_so_its_collections_skip_what_the_caller_holds(monkeypatch):
    # Issue 13: after an earlier run unfroze its heap, a full collection during the warm-up walked all of
    # it (0.2 CPU s on the bench corpus) while no worker had started yet.
    import gc

    frozen_at_warm_up = []
    monkeypatch.setattr(engine, "warm_up", lambda *a, **k: frozen_at_warm_up.append(gc.get_freeze_count()))
    held = [[i] for i in range(1000)]  # noqa: F841 - objects the caller holds
    before = gc.get_freeze_count()
    with engine.shared_lexicons(("sentences",), cyrillic=False):
        pass
    if engine._mp_context().get_start_method() == "fork":
        assert frozen_at_warm_up and frozen_at_warm_up[0] >= before + 1000
    assert gc.get_freeze_count() == 0


def test_forked_workers_allocate_arrow_memory_through_the_c_library_and_the_caller_keeps_its_pool(tmp_path,
                                                                                                 monkeypatch):
    import pyarrow as pa

    if engine._mp_context().get_start_method() != "fork":
        pytest.skip("the workers inherit the parent's pool only when forked")
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    seen = tmp_path / "pools.txt"  # each process appends the pool it allocates from: the workers per chunk
    process_articles = engine.process_articles

    def recording(*args, **kwargs):
        with open(seen, "a") as fh:
            fh.write(f"{os.getpid()} {pa.default_memory_pool().backend_name}\n")
        return process_articles(*args, **kwargs)

    monkeypatch.setattr(engine, "process_articles", recording)
    before = pa.default_memory_pool().backend_name
    arts = pd.DataFrame({"article_id": list("abcd"), "text": ["Kyiv held.", "Moscow spoke.", "Kharkiv", "Odesa"]})
    engine.run_to_parquet(arts, tmp_path / "out", stages=("sentences",), chunk_size=1, n_jobs=2)
    in_workers = [line.split()[1] for line in seen.read_text().splitlines() if int(line.split()[0]) != os.getpid()]
    assert in_workers == ["system"] * 4  # (the parent's warm-up, before the fork, keeps the caller's)
    assert pa.default_memory_pool().backend_name == before


def test_one_language_scan_answers_has_cyrillic_and_the_language_sample(tmp_path):
    arts = pd.DataFrame({"article_id": list("abcd"),
                         "text": ["Putin said", "Путин сказал, что Киев атаковал Курск.", "еру", None],
                         "lang": [None, None, None, "uk"]})
    arts.to_parquet(tmp_path / "arts.parquet")
    for source in (arts, tmp_path / "arts.parquet", arts.drop(columns="lang").iloc[[0, 2]]):
        found = engine.scan_languages(source)
        assert found.cyrillic == engine.has_cyrillic(source)
        pd.testing.assert_frame_equal(found.sample, engine._language_sample(source))
    assert engine.scan_languages(arts).sample["article_id"].tolist() == ["b", "c", "d"]
    assert not engine.scan_languages(arts.drop(columns="lang").iloc[[0, 2]]).cyrillic  # three stray letters


def test_in_article_order_uses_an_index_it_is_given_instead_of_building_a_new_lookup_per_part():
    # Issue 13: Analysis reads a table part by part and orders each part by the corpus's article order. Rebuilding
    # that order's lookup for every part made a table read quadratic in the corpus (hundreds of parts x 100k ids).
    from unittest import mock

    order = pd.Index([f"id{i}" for i in range(1_000)])
    part = pd.DataFrame({"article_id": ["id7", "id3", "id7", "id999"], "start": [0, 0, 5, 1]})
    expected = engine.in_article_order(part, order.tolist())
    looked_up_in = []
    real = pd.Index.get_indexer

    def spy(self, *args, **kwargs):
        looked_up_in.append(self)
        return real(self, *args, **kwargs)

    with mock.patch.object(pd.Index, "get_indexer", spy):
        got = engine.in_article_order(part, order)
    assert looked_up_in and all(index is order for index in looked_up_in)
    pd.testing.assert_frame_equal(got, expected)
    assert got["article_id"].tolist() == ["id3", "id7", "id7", "id999"]


def test_tables_built_in_article_order_come_out_in_the_order_of_the_articles_not_of_their_ids(articles):
    from mixed_corpus import TEXTS

    cyrillic = [text.partition("\n")[2] for _name, _outlet, _lang, _country, _date, text in TEXTS[-2:]]
    arts = pd.concat([articles, pd.DataFrame({"article_id": ["z-uk", "0-uk"], "text": cyrillic})])
    arts = arts.iloc[[7, 2, 0, 8, 5, 1]].reset_index(drop=True)  # ids neither sorted nor grouped by language
    out = engine.process_articles(arts, stages=("sentences", "tokens", "sentiment"))
    assert set(engine._BUILT_IN_ARTICLE_ORDER) == set(out)
    for name, frame in out.items():
        pd.testing.assert_frame_equal(frame, engine.in_article_order(frame, arts["article_id"]), obj=name)
        assert list(dict.fromkeys(frame["article_id"].tolist())) == arts["article_id"].tolist(), name


def test_a_parquet_corpus_is_read_one_batch_at_a_time_not_a_row_group_or_a_file_ahead(tmp_path):
    # Issue 13: pyarrow.dataset's scanner decoded a whole row group (a file of the replicated 100k corpus: 5,000
    # articles, 22 MB of text) and read files ahead; the parent held 62-83 MB of it during the whole streamed run.
    import pyarrow as pa

    texts = [f"article {i} " + "Kyiv said the talks continue. " * 34 for i in range(10_000)]  # 10 MB, one row group
    pd.DataFrame({"article_id": [f"a{i}" for i in range(10_000)], "text": texts}).to_parquet(
        tmp_path / "corpus.parquet", index=False, row_group_size=10_000)
    held = []
    for _chunk in engine._iter_source(tmp_path / "corpus.parquet", 10):
        held.append(pa.total_allocated_bytes())
        if len(held) == 20:
            break
    assert max(held) < 5_000_000  # a parquet page (1,024 articles, 1 MB) and its batch; not the row group's 10 MB


def test_the_parquet_batches_are_the_scanners_batches(tmp_path):
    import pyarrow.dataset as ds

    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(23)], "text": [None if i == 4 else "x" * i for i in range(23)]})
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    arts.iloc[:10].to_parquet(tmp_path / "corpus" / "b.parquet", row_group_size=4)  # index kept in the metadata
    arts.iloc[10:].to_parquet(tmp_path / "corpus" / "sub" / "a.parquet", index=False, row_group_size=7)
    (tmp_path / "corpus" / "_SUCCESS").write_text("")
    scanner = ds.dataset(str(tmp_path / "corpus"), format="parquet").to_batches(columns=["article_id", "text"], batch_size=3)
    expected = [b.to_pandas() for b in scanner]
    got = [b.to_pandas() for b in engine.parquet_batches(tmp_path / "corpus", ["article_id", "text"], 3)]
    assert [len(b) for b in got] == [3, 1, 3, 1, 2, 3, 3, 1, 3, 3]
    assert len(got) == len(expected)
    for left, right in zip(got, expected):
        pd.testing.assert_frame_equal(left, right, check_exact=True)


def test_the_parent_hands_its_freed_heap_back_before_each_chunk_it_hands_a_worker(articles, tmp_path, monkeypatch):
    # the pages it frees (batches read, chunks sent) are otherwise shared by the next worker forked from it and copied
    # on write when the parent reuses them: the parent and the largest worker grew with the corpus (issue 13)
    calls = []
    release = engine.release_memory
    monkeypatch.setattr(engine, "release_memory", lambda: (calls.append(os.getpid()), release()))
    parts = engine.run_to_parquet(articles, tmp_path, stages=("sentences",), chunk_size=2, n_jobs=2)
    assert calls.count(os.getpid()) >= len(parts) + 1  # once before the fork, once per chunk

"""analysis.pipeline: cached intermediates keyed by content and code version."""

from __future__ import annotations

import multiprocessing
import shutil

import pandas as pd
import pytest

from analysis import engine, paths, pipeline


def test_second_run_on_an_unchanged_corpus_reads_the_cache(seed_articles, tmp_path):
    first = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    second = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    assert (first.attrs["cache"], second.attrs["cache"]) == ("miss", "hit")
    pd.testing.assert_frame_equal(first, second, check_dtype=False)
    assert len(list(tmp_path.glob("sentences-*.parquet"))) == 1


def test_changed_content_misses_the_cache(seed_articles, tmp_path):
    pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    changed = seed_articles.assign(text=seed_articles["text"] + " One more sentence.")
    assert pipeline.sentence_table(changed, cache_dir=tmp_path).attrs["cache"] == "miss"


def test_token_table_is_cached_too(seed_articles, tmp_path):
    sents = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    assert pipeline.token_table(sents, cache_dir=tmp_path).attrs["cache"] == "miss"
    assert pipeline.token_table(sents, cache_dir=tmp_path).attrs["cache"] == "hit"


def test_cache_can_be_switched_off(seed_articles, tmp_path):
    assert pipeline.sentence_table(seed_articles, cache=False, cache_dir=tmp_path).attrs["cache"] == "off"
    assert not list(tmp_path.iterdir())


def test_analyse_stores_every_table_once_and_reads_it_back(seed_articles, tmp_path):
    first = pipeline.analyse(seed_articles, stages=("sentences", "sentiment"), cache_dir=tmp_path)
    second = pipeline.analyse(seed_articles, stages=("sentences", "sentiment"), cache_dir=tmp_path)
    assert (first.cache, second.cache) == ("miss", "hit")
    assert {"sentences", "sentence_sentiment", "article_summary"} <= set(second.tables)
    summary = second.table("article_summary")
    assert summary["article_id"].tolist() == ["seed"] and summary["n_sentences"].iloc[0] > 10
    per_part = second.aggregate("sentence_sentiment", lambda p: p.groupby("article_id")["compound"].mean().reset_index())
    assert len(per_part) == 1


def test_corpus_label_is_short():
    assert pipeline.corpus_label("/a/b/data/raw") == "data/raw"


# --------------------------------------------------------------------------- what the key covers
def test_every_module_of_the_package_is_in_the_cache_key(root):
    hashed = {p.relative_to(root / "src" / "analysis").as_posix() for p in pipeline.package_files()}
    on_disk = {p.relative_to(root / "src" / "analysis").as_posix() for p in (root / "src" / "analysis").rglob("*.py")}
    assert hashed == on_disk
    # the modules the old nine-module key left out
    assert {"overview.py", "framing/_lexicon.py", "framing/_prefilter.py", "paths.py"} <= hashed


@pytest.fixture
def lexicon_copy(root, tmp_path, monkeypatch):
    """A private copy of data/lexicons that the pipeline reads instead of the real one."""
    copy = tmp_path / "lexicons"
    shutil.copytree(root / "data" / "lexicons", copy)
    monkeypatch.setattr(paths, "lexicon_dir", lambda: copy)
    return copy


@pytest.mark.parametrize("edited, second_run", [
    ("gazetteer.yml", "miss"),
    # the READMEs beside the lexicons document them and shape no output: a docs edit must not recompute a corpus
    ("README-roles.md", "hit"),
])
def test_editing_a_lexicon_file_misses_the_analysis_cache_and_editing_its_readme_does_not(
        seed_articles, tmp_path, lexicon_copy, edited, second_run):
    cache = tmp_path / "cache"
    first = pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=cache)
    path = lexicon_copy / edited
    path.write_text(path.read_text(encoding="utf-8") + "\n# a curator's edit\n", encoding="utf-8")
    second = pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=cache)
    assert (first.cache, second.cache) == ("miss", second_run)
    assert (first.folder != second.folder) == (second_run == "miss")


def test_editing_a_lexicon_file_misses_the_sentence_cache(seed_articles, tmp_path, lexicon_copy):
    cache = tmp_path / "cache"
    pipeline.sentence_table(seed_articles, cache_dir=cache)
    (lexicon_copy / "labels.yml").write_text("# emptied\n", encoding="utf-8")
    assert pipeline.sentence_table(seed_articles, cache_dir=cache).attrs["cache"] == "miss"


def test_other_stages_are_another_entry(seed_articles, tmp_path):
    pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=tmp_path)
    assert pipeline.analyse(seed_articles, stages=("sentences", "sentiment"), cache_dir=tmp_path).cache == "miss"


# --------------------------------------------------------------------------- concurrent runs
_STAGES = ("sentences", "sentiment")
_TABLES = ("sentences", "sentence_sentiment", "article_summary")


def _round_articles(i: int) -> pd.DataFrame:
    text = " ".join(f"Sentence {k} of round {i}: Kyiv said the attack failed." for k in range(40))
    return pd.DataFrame({"article_id": [f"r{i}-a", f"r{i}-b"], "text": [text, "Moscow denied it. " * 30]})


def _hammer(cache_dir: str, worker: int, rounds: int, barrier, results) -> None:
    out = []
    for i in range(rounds):
        barrier.wait(timeout=60)
        try:
            # worker 1 alternates cache=False, which the old code answered by deleting the shared entry
            run = pipeline.analyse(_round_articles(i), stages=_STAGES, cache_dir=cache_dir,
                                   cache=not (worker == 1 and i % 2))
            out.append((i, {name: run.table(name).to_dict("list") for name in _TABLES}))
        except Exception as exc:  # reported to the parent as a failure
            out.append((i, f"{type(exc).__name__}: {exc}"))
    results.put((worker, out))


def test_two_processes_on_one_cache_return_complete_identical_tables(tmp_path):
    rounds = 8
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path), w, rounds, barrier, results)) for w in (0, 1)]
    for w in workers:
        w.start()
    collected = dict(results.get(timeout=300) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    for i in range(rounds):
        expected = engine.run(_round_articles(i), stages=_STAGES)
        for worker in (0, 1):
            got = dict(collected[worker])[i]
            assert isinstance(got, dict), f"worker {worker}, round {i}: {got}"
            for name in _TABLES:
                pd.testing.assert_frame_equal(engine.comparable(pd.DataFrame(got[name])),
                                              engine.comparable(expected[name]), check_dtype=False,
                                              obj=f"worker {worker}, round {i}, {name}")
    assert not list(tmp_path.rglob(".*tmp-*")), "temporary folders are cleaned up"
    partitions = list(tmp_path.glob("store-*/part-*"))
    assert partitions and all((p / pipeline.COMPLETE_MARKER).is_file() for p in partitions)


# --------------------------------------------------------------------------- incremental reruns
@pytest.fixture(scope="module")
def paragraphs(seed_text) -> pd.DataFrame:
    """The seed article's paragraphs as ten small articles p0..p9 (entities, quotes, tone: all stages fire)."""
    texts = [p for p in seed_text.split("\n\n") if len(p.strip()) > 100][:10]
    return pd.DataFrame({"article_id": [f"p{i}" for i in range(len(texts))], "text": texts})


@pytest.fixture
def processed_ids(monkeypatch) -> list:
    """Every article id the engine runs the pipeline on (n_jobs=1 runs in this process)."""
    seen: list = []
    original = engine.process_articles

    def recording(articles, **kwargs):
        seen.extend(articles["article_id"].tolist())
        return original(articles, **kwargs)

    monkeypatch.setattr(engine, "process_articles", recording)
    return seen


def assert_same_tables(run: pipeline.Analysis, articles: pd.DataFrame, stages=engine.REPORT_STAGES) -> None:
    """Every table of ``run`` equals engine.run on ``articles``, row for row in input order."""
    expected = engine.run(articles, stages=stages)
    assert set(run.tables) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(engine.comparable(run.table(name)), engine.comparable(frame),
                                      check_dtype=False, obj=name)


def test_engine_tables_come_grouped_by_article_in_input_order(paragraphs):
    # what lets a view of several partitions restore engine.run's order with a stable sort by article
    tables = engine.run(paragraphs.iloc[::-1], chunk_size=3)
    order = {aid: i for i, aid in enumerate(paragraphs["article_id"].iloc[::-1])}
    for name, frame in tables.items():
        position = frame["article_id"].map(order)
        assert position.is_monotonic_increasing, name


def test_adding_articles_processes_only_the_new_ones(paragraphs, processed_ids, tmp_path):
    first = pipeline.analyse(paragraphs.head(7), chunk_size=3, cache_dir=tmp_path)
    assert (first.cache, first.processed, processed_ids) == ("miss", 7, [f"p{i}" for i in range(7)])
    processed_ids.clear()
    second = pipeline.analyse(paragraphs, chunk_size=3, cache_dir=tmp_path)
    assert (second.cache, second.processed, processed_ids) == ("partial", 3, ["p7", "p8", "p9"])
    assert_same_tables(second, paragraphs)


def test_an_unchanged_corpus_processes_nothing(paragraphs, processed_ids, tmp_path):
    pipeline.analyse(paragraphs, stages=("sentences",), cache_dir=tmp_path)
    processed_ids.clear()
    again = pipeline.analyse(paragraphs, stages=("sentences",), cache_dir=tmp_path)
    assert (again.cache, again.processed, processed_ids) == ("hit", 0, [])


def test_an_edited_article_is_recomputed_and_a_removed_one_disappears(paragraphs, processed_ids, tmp_path):
    pipeline.analyse(paragraphs, chunk_size=4, cache_dir=tmp_path)
    processed_ids.clear()
    edited = paragraphs.drop(index=[2, 5]).reset_index(drop=True)
    edited.loc[edited["article_id"] == "p3", "text"] = "Zelenskyy said Russia attacked Kharkiv. Moscow denied it."
    run = pipeline.analyse(edited, chunk_size=4, cache_dir=tmp_path)
    assert processed_ids == ["p3"] and run.processed == 1
    assert "p2" not in set(run.table("article_summary")["article_id"])
    assert set(run.table("sentences", filters=[("article_id", "=", "p3")])["text"]) == {
        "Zelenskyy said Russia attacked Kharkiv.", "Moscow denied it."}
    assert_same_tables(run, edited)


def test_tables_from_several_partitions_come_back_in_input_order(paragraphs, tmp_path):
    # three partitions (odd, even, then the rest), asked for in a shuffled order
    pipeline.analyse(paragraphs.iloc[1::2], chunk_size=2, cache_dir=tmp_path)
    pipeline.analyse(paragraphs.iloc[0:6:2], chunk_size=2, cache_dir=tmp_path)
    shuffled = paragraphs.sample(frac=1, random_state=3).reset_index(drop=True)
    run = pipeline.analyse(shuffled, chunk_size=2, cache_dir=tmp_path)
    assert run.processed == 2 and len(pipeline.stored_partitions(run.folder)) == 3
    assert_same_tables(run, shuffled)
    # aggregate: part by part (parts in the order of their first article), same totals as the whole table
    count = lambda part: part.groupby("article_id", sort=False).size().rename("n").reset_index()  # noqa: E731
    per_part = run.aggregate("sentences", count)
    assert per_part["article_id"].tolist()[0] == shuffled["article_id"].iloc[0]
    assert per_part.set_index("article_id")["n"].sort_index().equals(
        count(run.table("sentences")).set_index("article_id")["n"].sort_index())


def test_table_reads_only_the_columns_and_rows_asked_for(paragraphs, tmp_path):
    run = pipeline.analyse(paragraphs, stages=("sentences",), cache_dir=tmp_path)
    some = run.table("sentences", columns=["text"], filters=[("article_id", "in", ["p1", "p4"])])
    full = engine.run(paragraphs, stages=("sentences",))["sentences"]
    assert list(some.columns) == ["text"]
    assert some["text"].tolist() == full.loc[full["article_id"].isin(["p1", "p4"]), "text"].tolist()


def test_cache_false_runs_every_article_again(paragraphs, processed_ids, tmp_path):
    pipeline.analyse(paragraphs.head(3), stages=("sentences",), cache_dir=tmp_path)
    processed_ids.clear()
    run = pipeline.analyse(paragraphs.head(3), stages=("sentences",), cache_dir=tmp_path, cache=False)
    assert (run.cache, len(processed_ids)) == ("off", 3)
    assert_same_tables(run, paragraphs.head(3), stages=("sentences",))


# --------------------------------------------------------------------------- pruning stale stores
def _old_store(cache, key, *, days):
    import os
    import time

    folder = cache / f"store-{key}"
    (folder / "part-1" / "sentences").mkdir(parents=True)
    (folder / "part-1" / "sentences" / "part-000000.parquet").write_bytes(b"x")
    stamp = time.time() - days * 24 * 3600
    os.utime(folder, (stamp, stamp))
    return folder


def test_analyse_removes_stores_of_old_keys_unused_for_a_week_and_keeps_the_rest(seed_articles, tmp_path):
    stale = _old_store(tmp_path, "0" * 16, days=8)
    recent = _old_store(tmp_path, "1" * 16, days=1)  # another version used yesterday: kept
    other = tmp_path / "sentences-abc.parquet"
    other.write_bytes(b"not a store")
    run = pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=tmp_path)
    assert not stale.exists()
    assert recent.exists() and other.exists()
    assert run.table("sentences")["article_id"].nunique() == len(seed_articles)


def test_the_store_in_use_is_never_pruned_however_old(seed_articles, tmp_path):
    import os

    first = pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=tmp_path)
    os.utime(first.folder, (0, 0))
    assert pipeline.prune_stores(tmp_path, keep=[first.folder.name], max_age=0) == []
    assert pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=tmp_path).cache == "hit"


def test_pruning_never_touches_raw_data_or_folders_not_named_like_a_store(tmp_path, monkeypatch):
    corpus = _old_store(tmp_path, "2" * 16, days=30)  # a corpus folder that happens to look like a store
    monkeypatch.setenv("ANALYSIS_CORPUS", str(corpus))
    lookalike = tmp_path / "store-notes"
    lookalike.mkdir()
    stale = _old_store(tmp_path, "3" * 16, days=30)
    removed = pipeline.prune_stores(tmp_path, max_age=0)
    assert removed == [stale]
    assert corpus.exists() and lookalike.exists()


def test_pruning_can_be_switched_off(seed_articles, tmp_path):
    stale = _old_store(tmp_path, "4" * 16, days=8)
    pipeline.analyse(seed_articles, stages=("sentences",), cache_dir=tmp_path, prune=False)
    assert stale.exists()


# --------------------------------------------------------------------------- the cached corpus load
def test_loading_an_unchanged_corpus_again_reads_the_cache_with_its_rejects(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kyiv talks\n\nPutin ruled out talks as Ukraine advanced.")
    (corpus / "empty.txt").write_text("")
    first = pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")
    second = pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")
    assert (first.attrs["cache"], second.attrs["cache"]) == ("miss", "hit")
    pd.testing.assert_frame_equal(first, second)
    from analysis.corpus import load_corpus, rejects_of

    fresh = load_corpus(corpus)
    pd.testing.assert_frame_equal(engine.comparable(fresh), engine.comparable(second))
    assert rejects_of(second).equals(rejects_of(fresh)) and len(rejects_of(second)) == 1


def test_an_edited_added_or_removed_file_reloads_the_corpus(tmp_path):
    import os

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kyiv talks\n\nPutin ruled out talks.")
    cache = tmp_path / "cache"
    pipeline.load_articles(corpus, cache_dir=cache)
    (corpus / "a.txt").write_text("Kyiv talks\n\nZelenskyy ruled out talks.")
    os.utime(corpus / "a.txt", ns=(1, 1))  # even with an old time stamp: the size changed
    edited = pipeline.load_articles(corpus, cache_dir=cache)
    assert edited.attrs["cache"] == "miss" and "Zelenskyy" in edited["text"].iloc[0]
    (corpus / "b.txt").write_text("Moscow\n\nThe Kremlin said nothing.")
    assert len(pipeline.load_articles(corpus, cache_dir=cache)) == 2
    (corpus / "b.txt").unlink()
    assert len(pipeline.load_articles(corpus, cache_dir=cache)) == 1


def test_load_articles_can_return_metadata_only(tmp_path):
    corpus = tmp_path / "a.txt"
    corpus.write_text("Kyiv talks\n\nPutin ruled out talks.")
    meta = pipeline.load_articles(corpus, columns=["outlet", "published"], cache=False)
    assert list(meta.columns) == ["article_id", "outlet", "published"]
    assert "rejects" in meta.attrs and meta.attrs["cache"] == "off"
    with pytest.raises(KeyError, match="nope"):
        pipeline.load_articles(corpus, columns=["nope"], cache=False)


def test_a_folder_with_no_article_file_stops_with_one_sentence_naming_it(tmp_path):
    empty = tmp_path / "my_articles"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"^no article loaded from .*my_articles: it holds no article file "
                                         r"\(supported: \.csv, .*\.txt"):
        pipeline.load_articles(empty, cache_dir=tmp_path / "cache")


def test_a_corpus_whose_every_row_is_rejected_names_the_first_reject_with_file_and_row(tmp_path):
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "a.csv").write_text("title,text\nKyiv,\nMoscow,\n")
    with pytest.raises(ValueError, match=r"no article loaded from .*news: 2 rejects, the first a\.csv, row 1: "
                                         r"empty text in row 1 .*python -m analysis check .*news lists all 2"):
        pipeline.load_articles(corpus, cache=False)


def test_cached_corpus_loads_unused_for_a_week_are_pruned_too(tmp_path):
    import os
    import time

    corpus = tmp_path / "a.txt"
    corpus.write_text("Kyiv talks\n\nPutin ruled out talks.")
    pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")
    (loaded,) = (tmp_path / "cache").glob("articles-*.parquet")
    assert pipeline.prune_stores(tmp_path / "cache") == []  # used just now
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(loaded, (week_ago, week_ago))
    assert pipeline.prune_stores(tmp_path / "cache") == [loaded] and corpus.exists()


def test_a_pipeline_run_in_a_child_process_stores_the_same_tables(paragraphs, tmp_path):
    inside = pipeline.analyse(paragraphs, chunk_size=4, cache_dir=tmp_path / "inside", isolate=False)
    child = pipeline.analyse(paragraphs, chunk_size=4, cache_dir=tmp_path / "child", isolate=True)
    assert (child.cache, child.processed) == ("miss", len(paragraphs))
    assert child.tables == inside.tables
    for name in inside.tables:
        pd.testing.assert_frame_equal(child.table(name), inside.table(name), check_exact=True, obj=name)


def test_the_caller_of_an_isolated_run_never_loads_the_pipelines_language_resources():
    # issue 13: notebook 01 kept ~1 GB of lexicons and language models for all its later cells
    import subprocess
    import sys

    code = ("import tempfile, pandas as pd; from analysis import lang, morph, pipeline\n"
            "arts = pd.DataFrame({'article_id': ['a', 'b'], 'text': ['Putin said Kyiv attacked.', "
            "'Путин заявил, что Киев атаковал Курск. Мертвая тишина.']})\n"
            "def loaded(): return morph.analyzer.cache_info().currsize + lang._detector.cache_info().currsize\n"
            "pipeline.analyse(arts, stages=('sentences', 'tokens'), cache_dir=tempfile.mkdtemp(), isolate=True)\n"
            "print(loaded())\n"
            "pipeline.analyse(arts, stages=('sentences', 'tokens'), cache_dir=tempfile.mkdtemp(), isolate=False)\n"
            "print(loaded())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[-2] == "0"  # nothing loaded in the caller by the run in a child
    assert out[-1] != "0"  # the same run in the caller's process loads them (what the check detects)


def test_a_large_run_goes_to_a_child_process_by_default_and_a_small_one_does_not(paragraphs, tmp_path, monkeypatch):
    sizes = []
    original = pipeline._in_child

    def recording(func, *args, **kwargs):
        sizes.append(len(args[0]))  # the new articles
        return original(func, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_in_child", recording)
    monkeypatch.setattr(pipeline, "ISOLATE_FROM", 5)
    pipeline.analyse(paragraphs.head(4), stages=("sentences",), cache_dir=tmp_path)  # 4 new: in this process
    run = pipeline.analyse(paragraphs, stages=("sentences",), cache_dir=tmp_path)  # 6 new: in a child
    assert sizes == [6]
    assert (run.cache, run.processed) == ("partial", 6)
    assert_same_tables(run, paragraphs, stages=("sentences",))


def test_an_error_in_the_child_process_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="invalid literal") as raised:
        pipeline._in_child(int, "not a number")
    assert any("child process" in note for note in raised.value.__notes__)


def test_article_hashes_are_the_same_whatever_the_batch_of_texts_turned_into_strings(monkeypatch):
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d", "e"],
                         "text": pd.array(["Kyiv.", None, "Київ.", "Kyiv.", "Москва."], dtype="str")})
    one_by_one = [pipeline.article_hashes(arts.iloc[[i]], "k")[0] for i in range(len(arts))]
    monkeypatch.setattr(pipeline, "_HASH_BATCH", 2)
    assert pipeline.article_hashes(arts, "k") == one_by_one
    assert len(set(one_by_one)) == 5


# --------------------------------------------------------------------------- a live session (JupyterLab)
_ZAPZARAP = ("\nconcepts:\n  probe:\n    description: a curator's new concept\n    terms:\n"
             "      - term: zapzarap\n        side: neutral\n        patterns: ['zapzarap']\n")


def test_a_lexicon_edited_between_two_runs_in_one_process_is_read_again(root, tmp_path, monkeypatch):
    # the old code computed the new lexicon's store from the lexicon the process still held, and every
    # later run (a fresh process too) was then served the old lexicon's labels under the new key
    lexicons = tmp_path / "lexicons"
    shutil.copytree(root / "data" / "lexicons", lexicons)
    monkeypatch.setenv("ANALYSIS_LEXICONS", str(lexicons))
    arts = pd.DataFrame({"article_id": ["a"], "text": ["Officials in Kiev spoke of the zapzarap campaign."]})
    first = pipeline.analyse(arts, stages=("sentences", "framing"), cache_dir=tmp_path / "cache")
    assert first.table("labels")["term"].tolist() == ["Kiev"]
    labels = lexicons / "labels.yml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("\nconcepts:\n", _ZAPZARAP, 1), encoding="utf-8")
    second = pipeline.analyse(arts, stages=("sentences", "framing"), cache_dir=tmp_path / "cache")
    assert second.cache == "miss"
    assert second.table("labels")["term"].tolist() == ["Kiev", "zapzarap"]


def test_a_replaced_weight_file_empties_the_loaders_that_read_it(tmp_path, monkeypatch):
    from analysis.wordvectors import load_word_vectors, train_word_vectors

    monkeypatch.setenv("ANALYSIS_MODELS", str(tmp_path))
    texts = ["Russian forces shelled the city near Kyiv."] * 6
    train_word_vectors(texts, dim=2).save(tmp_path / "wordvec_en.npz")
    pipeline.inputs_key()
    before = load_word_vectors()
    pipeline.inputs_key()
    assert load_word_vectors() is before  # unchanged files: the loaders keep what they hold
    train_word_vectors(texts, dim=3).save(tmp_path / "wordvec_en.npz")
    pipeline.inputs_key()
    assert load_word_vectors().matrix.shape[1] == 3


def test_a_cache_inside_the_corpus_folder_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    # the old code wrote the cache into the corpus and read its parquet files back as articles:
    # 1 article, then 3, then 8 on the next runs (CORPUS=data holds data/processed)
    corpus = tmp_path / "data"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kyiv talks\n\nPutin ruled out talks as Ukraine advanced into Kursk.")
    with pytest.raises(ValueError, match="inside the corpus folder"):
        pipeline.load_articles(corpus, cache_dir=corpus / "processed")
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]
    assert len(pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")) == 1
    monkeypatch.setenv("ANALYSIS_CORPUS", str(corpus))  # the notebooks' corpus: no store is written into it
    arts = pd.DataFrame({"article_id": ["a"], "text": ["Kyiv said so."]})
    with pytest.raises(ValueError, match="ANALYSIS_CACHE"):
        pipeline.analyse(arts, stages=("sentences",), cache_dir=corpus / "processed")
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_an_edit_that_keeps_the_size_and_the_time_stamp_reloads_the_corpus(tmp_path):
    # the old key (path, size, mtime) served the cached text of an article edited to the same length
    # whose modification time was put back (cp -p, rsync -t, a tool restoring time stamps)
    import os
    import time

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "a.txt"
    article.write_text("Kyiv talks\n\nPutin ruled out talks.")
    stamp = article.stat()
    pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")
    time.sleep(0.05)  # past the file system's time stamp granularity
    article.write_text("Kyiv talks\n\nBiden ruled out talks.")
    os.utime(article, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    edited = pipeline.load_articles(corpus, cache_dir=tmp_path / "cache")
    assert edited.attrs["cache"] == "miss" and "Biden" in edited["text"].iloc[0]


@pytest.mark.parametrize("package", ["lingua-language-detector", "razdel", "natasha", "pymorphy3-dicts-ru",
                                     "trafilatura"])
def test_upgrading_a_package_that_ships_language_data_changes_the_cache_key(package, monkeypatch):
    # the old key named only nltk, its Punkt tables, VADER and pymorphy3: an upgraded language detector,
    # Russian splitter, NER model or dictionary was served the old version's stored tables
    from importlib import metadata

    before = pipeline.inputs_key(stages=("sentences",))
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "999.0" if name == package else real(name))
    assert pipeline.inputs_key(stages=("sentences",)) != before

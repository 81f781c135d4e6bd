"""Every part of a stored table has the same column types, whatever its rows: a reader of the whole folder
(``pyarrow.dataset``, ``pandas.read_parquet``) gets the labels as labels and loses no value."""

from __future__ import annotations

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from analysis import engine, pipeline

#: the first article has no quote, no agency and no label: its parts of those tables are empty
ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c"],
    "text": ["Weather was mild on Monday.",
             '"We will not give up Kiev," Zelensky said. Russian forces shelled Kharkiv, killing two civilians.',
             "The Kiev regime and NATO mercenaries retreat, the Kremlin said. Putin met Lukashenko."],
})
STAGES = ("sentences", "entities", "sentiment", "framing", "document")


def _types(files) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in files:
        for field in pq.read_schema(path):
            found.setdefault(field.name, set()).add(str(field.type))
    return found


def _check_folder(files, table: str) -> None:
    mixed = {name: types for name, types in _types(files).items() if len(types) > 1}
    assert not mixed, f"{table}: parts disagree on {mixed}"
    whole = ds.dataset([str(p) for p in files], format="parquet").to_table().to_pandas()
    one_by_one = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
    for column in engine._CATEGORICAL & set(whole.columns):
        assert isinstance(whole[column].dtype, pd.CategoricalDtype), f"{table}.{column}: {whole[column].dtype}"
        assert whole[column].astype(object).tolist() == one_by_one[column].astype(object).tolist(), \
            f"{table}.{column}: values lost"


def test_every_part_of_a_streamed_table_has_the_same_types_and_the_folder_reads_whole(tmp_path):
    engine.run_to_parquet(ARTICLES, tmp_path, stages=STAGES, chunk_size=1, progress=False)
    quotes = sorted((tmp_path / "quotes").glob("part-*.parquet"))
    assert len(quotes) == 3 and pq.read_metadata(quotes[0]).num_rows == 0, "an empty first part"
    assert len(pd.read_parquet(tmp_path / "quotes")) > 0
    for folder in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        _check_folder(sorted(folder.glob("part-*.parquet")), folder.name)
        frame = pd.read_parquet(folder)
        assert not [c for c in engine._CATEGORICAL & set(frame.columns) if frame[c].dtype == object], folder.name


@pytest.mark.parametrize("table", ["quotes", "labels", "mentions", "agency"])
def test_the_partitions_of_the_article_store_agree_on_their_types(tmp_path, table):
    # two analyses, two partitions of one store: the first with the article that has none of these rows
    pipeline.analyse(ARTICLES.iloc[:1], stages=STAGES, cache_dir=tmp_path, progress=False)
    pipeline.analyse(ARTICLES, stages=STAGES, cache_dir=tmp_path, progress=False)
    files = sorted(tmp_path.glob(f"store-*/part-*/{table}/part-*.parquet"))
    assert len({p.parent.parent for p in files}) == 2
    _check_folder(files, table)


def test_a_part_with_many_labels_and_one_with_few_store_the_same_index_type(tmp_path):
    # pandas picks int8 codes for up to 127 categories and int16 above: the parts' types differed
    many = pd.DataFrame({"article_id": ["a"] * 200, "term": [f"t{i}" for i in range(200)]})
    few = pd.DataFrame({"article_id": ["b"], "term": ["t0"]})
    engine._write_parts({"labels": many}, tmp_path, 0)
    engine._write_parts({"labels": few}, tmp_path, 1)
    files = sorted((tmp_path / "labels").glob("part-*.parquet"))
    _check_folder(files, "labels")
    assert len(ds.dataset([str(p) for p in files]).to_table()) == 201

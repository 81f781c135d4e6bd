"""Exact and near duplicates (word 5-gram MinHash, Jaccard threshold); flagged, never dropped.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_NUM_PERM, _BANDS = 64, 16
_RNG = np.random.default_rng(20240812)
_PERM_A = (_RNG.integers(1, 2**63 - 1, size=_NUM_PERM, dtype=np.uint64) | np.uint64(1))
_PERM_B = _RNG.integers(0, 2**63 - 1, size=_NUM_PERM, dtype=np.uint64)
_SHINGLE_MUL = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD], dtype=np.uint64)


def _shingle_hashes(ids: np.ndarray, k: int = 5) -> np.ndarray:
    """Hashes of the word k-grams of one text (repeats included), ``ids`` being its words'
    CRC-32s."""
    m = len(ids) - k + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for j in range(k):
            h = (h ^ (ids[j:j + m] * _SHINGLE_MUL[j])) * np.uint64(0x100000001B3)
    return h


def _minhash(sh: np.ndarray) -> np.ndarray:
    # min(x >> 16) == min(x) >> 16 (the shift is monotone), so shift the 64 minima only.
    sig = np.full(_NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    if not len(sh):
        return sig
    buf = np.empty((_NUM_PERM, min(len(sh), 20000)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(sh), 20000):
            block = sh[start:start + 20000]
            hv = buf[:, :len(block)]
            np.multiply(block[None, :], _PERM_A[:, None], out=hv)
            hv += _PERM_B[:, None]
            np.minimum(sig, hv.min(axis=1), out=sig)
    return sig >> np.uint64(16)


#: Texts :func:`find_duplicates` turns into Python strings at a time.
_TEXT_BLOCK = 5000


def find_duplicates(articles: pd.DataFrame, *, near: bool = True, threshold: float = 0.8,
                    min_words: int = 20) -> pd.DataFrame:
    """Flag exact and near-duplicate articles; nothing is dropped.

    Exact: the same text after lower-casing and keeping only word characters. Near: Jaccard
    similarity of word 5-gram shingle sets >= ``threshold`` (Broder 1997, "On the resemblance
    and containment of documents"), found with MinHash signatures (64 permutations) and LSH
    banding (16 bands of 4 rows; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
    ch. 3) and confirmed on the exact shingle sets — linear in the corpus size, not quadratic.
    Texts under ``min_words`` words take part in exact matching only. Each group's earliest
    copy (by ``published`` when present, then row order) is the original.

    Returns a frame aligned with ``articles``: ``duplicate_of`` (article_id of the original or
    <NA>) and ``duplicate_kind`` ("exact", "near" or <NA>).

    >>> t = "Russian forces shelled the city overnight, officials said, and many were hurt."
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [t, t.upper(), "Other."]})
    >>> find_duplicates(arts)["duplicate_of"].tolist()
    [nan, 'a', nan]
    """
    n = len(articles)
    ids = articles["article_id"].astype(str).tolist()
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first_raw: dict[bytes, int] = {}  # by a digest of the text: every text as a key held them all
    words_all: list[list[str]] = []
    # a block of texts as Python strings at a time (a corpus's every text at once: the largest
    # allocation of a load of 100,000 articles)
    for start in range(0, n, _TEXT_BLOCK):
        block = articles["text"].iloc[start:start + _TEXT_BLOCK].astype(str).tolist()
        for i, t in enumerate(block, start):  # identical raw texts share one tokenisation
            j = first_raw.setdefault(hashlib.sha1(t.encode("utf-8", "surrogatepass")).digest(), i)
            words_all.append(words_all[j] if j != i else _WORD.findall(t.lower()))
    keys = [hashlib.sha1(" ".join(w).encode("utf-8")).digest() for w in words_all]
    first_by_key: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        if not words_all[i]:
            continue
        if key in first_by_key:
            union(first_by_key[key], i)
        else:
            first_by_key[key] = i
    if near and n > 1:
        reps = [i for i in first_by_key.values() if len(words_all[i]) >= min_words]
        # Word ids for all texts at once: factorize in C, CRC-32 each distinct word once.
        flat: list[str] = []
        for i in reps:
            flat.extend(words_all[i])
        codes, uniques = pd.factorize(np.array(flat, dtype=object))
        crc = np.fromiter((zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in uniques),
                          dtype=np.uint64, count=len(uniques))
        word_ids = crc[codes]
        ends = np.cumsum([len(words_all[i]) for i in reps])
        shingles = {i: _shingle_hashes(word_ids[end - len(words_all[i]):end])
                    for i, end in zip(reps, ends.tolist())}
        # MinHash is the same over a multiset as over its set: sets (np.unique) are needed only
        # for the few candidate pairs that get an exact Jaccard check.
        sets: dict[int, np.ndarray] = {}

        def shingle_set(i: int) -> np.ndarray:
            if i not in sets:
                sets[i] = np.unique(shingles[i])
            return sets[i]

        buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
        rows = _NUM_PERM // _BANDS
        for i in reps:
            sig = _minhash(shingles[i])
            for b in range(_BANDS):
                buckets[(b, sig[b * rows:(b + 1) * rows].tobytes())].append(i)
        checked: set[tuple[int, int]] = set()
        for members in buckets.values():
            if len(members) < 2:
                continue
            pairs = ([(a, b) for x, a in enumerate(members) for b in members[x + 1:]]
                     if len(members) <= 30 else [(members[0], b) for b in members[1:]])
            for a, b in pairs:
                if (a, b) in checked or find(a) == find(b):
                    continue
                checked.add((a, b))
                sa, sb = shingle_set(a), shingle_set(b)
                inter = len(np.intersect1d(sa, sb, assume_unique=True))
                if inter / (len(sa) + len(sb) - inter) >= threshold:
                    union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    published = articles["published"] if "published" in articles else pd.Series(pd.NaT, index=articles.index)
    pub = pd.to_datetime(published, utc=True, errors="coerce").tolist()
    dup_of: list[Any] = [None] * n
    kind: list[Any] = [None] * n
    for members in groups.values():
        if len(members) < 2:
            continue
        # Earliest day wins; same-day copies (a date-only re-post) fall back to load order.
        original = min(members, key=lambda i: (pd.isna(pub[i]),
                                               pub[i].floor("D") if not pd.isna(pub[i]) else 0, i))
        for i in members:
            if i != original:
                dup_of[i] = ids[original]
                kind[i] = "exact" if keys[i] == keys[original] else "near"
    return pd.DataFrame({"duplicate_of": pd.array(dup_of, dtype="str"),
                         "duplicate_kind": pd.array(kind, dtype="str")}, index=articles.index)



# --------------------------------------------------------------------------------------------
# The user's own ids
# --------------------------------------------------------------------------------------------

#: Source columns read as the user's own article id (case and punctuation ignored; a source
#: ``article_id`` column is kept as ``src_article_id``). The first one present is checked.
ID_COLUMNS = ("id", "doc_id", "document_id", "src_article_id", "article_id", "story_id", "item_id",
              "guid", "uuid")


def _id_column(columns: Any) -> str | None:
    wanted = {re.sub(r"[^a-z0-9]", "", c): k for k, c in enumerate(ID_COLUMNS)}
    found = [(wanted[key], c) for c in columns
             if (key := re.sub(r"[^a-z0-9]", "", str(c).lower())) in wanted]
    return min(found)[1] if found else None


def duplicate_id_warnings(articles: pd.DataFrame) -> list[tuple]:
    """Warnings (``source_file, source_row, field, value, message``) for rows whose own id
    (the first of ``ID_COLUMNS`` the frame has) an earlier row already carries.

    The rule: every row is loaded, and the later row of each pair is named with the first one's
    file and row. Same text: an exact duplicate (``duplicate_of``), left out of the analyses like
    any other. Different text: the loader cannot tell a correction from an id a second export
    reused, so both stay, with distinct ``article_id`` values, and the analyst decides.

    >>> arts = pd.DataFrame({"id": ["7", "7", "8", "8"], "text": ["A.", "A.", "B.", "C."],
    ...                      "source_file": ["a.csv", "b.csv", "a.csv", "a.csv"],
    ...                      "source_row": [1, 4, 2, 3]})
    >>> [(w[0], w[1], w[3]) for w in duplicate_id_warnings(arts)]
    [('b.csv', 4, '7'), ('a.csv', 3, '8')]
    >>> print(duplicate_id_warnings(arts)[1][4])
    id '8' is also the id of a.csv, row 2, whose text differs: both loaded (distinct article_id)
    """
    column = _id_column(articles.columns)
    if column is None:
        return []
    ids = articles[column].astype(object)
    present = ids.notna() & ids.map(lambda v: str(v).strip() != "")
    keys = ids[present].map(lambda v: str(v).strip())
    repeated = keys[keys.duplicated(keep=False)]
    out: list[tuple] = []
    first: dict[str, int] = {}
    files, rows, texts = articles["source_file"], articles["source_row"], articles["text"]
    for i, key in repeated.items():
        if key not in first:
            first[key] = i
            continue
        j = first[key]
        where = f"{files[j]}, row {rows[j]}" if not pd.isna(rows[j]) else str(files[j])
        if texts[i] == texts[j]:
            what = "with the same text: an exact duplicate, one of the two left out of the analyses (duplicate_of)"
        else:
            what = "whose text differs: both loaded (distinct article_id)"
        row = None if pd.isna(rows[i]) else int(rows[i])
        out.append((files[i], row, column, key, f"{column} {key!r} is also the id of {where}, {what}"))
    return out

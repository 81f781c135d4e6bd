"""``evaluate target-sentiment PATH --cv K``: the classifier's honest tuning figure, folds grouped by article."""

import json

import pandas as pd
import pytest

from analysis.sentiment import target as T

_TEMPLATES = [("Critics slammed the corrupt and incompetent {}.", -1), ("Fans cheered the brilliant and honest {}.", 1),
              ("{} arrived in the city on Monday.", 0)]
_NAMES = ["Smith", "Jones", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark"]


def _articles(n_articles=6) -> pd.DataFrame:
    """Each article holds one negative, one positive and one neutral target (NewsMTSC-style ids)."""
    rows = []
    for art in range(n_articles):
        for k, (template, gold) in enumerate(_TEMPLATES):
            name = _NAMES[(art + k) % len(_NAMES)]
            s = template.format(name)
            a = s.index(name)
            rows.append({"text": s, "from": a, "to": a + len(name), "polarity": gold,
                         "id": f"allsides_{art}_{k}_1_{name}_{a}_{a + len(name)}"})
    return pd.DataFrame(rows)


def test_the_article_of_a_newsmtsc_row_is_the_first_two_fields_of_its_id():
    frame = pd.DataFrame({"id": ["allsides_1000_401_25_Reality Leigh Winner_0_6", "basil_7_2_3_X_0_1", None]})
    assert T.newsmtsc_articles(frame) == ["allsides_1000", "basil_7", "row2"]
    assert T.newsmtsc_articles(pd.DataFrame({"text": ["a", "b"]})) == ["row0", "row1"]


def test_grouped_cv_never_trains_on_an_article_it_scores(monkeypatch):
    from analysis.evaluation.target_sentiment import grouped_cv_report

    frame = _articles()
    real, seen = T.train_target_model, []

    def recording(train, **kw):
        seen.append(set(T.newsmtsc_articles(train)))
        return real(train, **kw)

    monkeypatch.setattr(T, "train_target_model", recording)
    result = grouped_cv_report(frame, k=3, C=10.0, min_count=1)
    assert len(seen) == 3 and result["cv"] == {"k": 3, "seed": 0, "grouped_by": "article", "articles": 6}
    every = set(T.newsmtsc_articles(frame))
    for trained_on in seen:
        assert len(trained_on) == 4, "3 folds of 6 articles: each model sees the 4 articles of the other folds"
        assert trained_on < every
    assert result["f1_macro"] == 1.0 and result["n"] == len(frame)


def test_evaluate_cv_prints_one_json_line_of_out_of_fold_scores(tmp_path, capsys):
    from analysis.evaluation import target_sentiment as E

    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps({"sentence": r.text, "from": int(r["from"]), "to": int(r.to), "id": r.id,
                                          "mention": r.text[r["from"]:r.to], "polarity": int(r.polarity)})
                              for _, r in _articles().iterrows()), encoding="utf-8")
    assert E.main([str(path), "--cv", "3", "--C", "10"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["method"] == "model" and out["cv"]["grouped_by"] == "article" and out["n"] == 18
    with pytest.raises(SystemExit):
        E.main([str(path), "--cv", "3", "--train", str(path)])

"""Events on the timeline: a sourced list, drawn on any time axis, and coverage before vs after."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import report
from analysis.events import AROUND_COLUMNS, EVENT_COLUMNS, around_event, load_events, plot_around_event


def test_the_list_has_at_least_40_dated_sourced_events_with_unique_ids():
    ev = load_events()
    assert list(ev.columns) == EVENT_COLUMNS and len(ev) >= 40
    assert ev["event_id"].is_unique and ev["date"].is_monotonic_increasing
    assert ev["source_url"].str.match(r"https://").all()
    assert ev["label"].str.len().max() <= 40, "labels must be short enough to sit on a chart"
    assert (ev["description"].str.len() > 20).all()


@pytest.mark.parametrize("event_id, day", [
    ("crimea_annexation", "2014-03-18"), ("full_scale_invasion", "2022-02-24"), ("bucha", "2022-04-03"),
    ("moskva_sinks", "2022-04-14"), ("kharkiv_counteroffensive", "2022-09-06"), ("kherson_liberated", "2022-11-11"),
    ("kakhovka_dam", "2023-06-06"), ("wagner_mutiny", "2023-06-24"), ("kursk_incursion", "2024-08-06"),
])
def test_key_events_are_on_their_day(event_id, day):
    ev = load_events().set_index("event_id")
    assert ev.loc[event_id, "date"] == pd.Timestamp(day, tz="UTC")


def test_filters_by_category_and_date_range():
    mil = load_events(categories="military", start="2022-01-01", end="2022-12-31")
    assert set(mil["category"]) == {"military"} and mil["date"].dt.year.eq(2022).all()
    with pytest.raises(ValueError, match="unknown categories"):
        load_events(categories=["sports"])


def test_add_events_draws_a_line_per_event_in_view_and_keeps_the_limits():
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(pd.to_datetime(["2022-01-01", "2022-12-31"]), [0, 1])
    ax.set_xlim(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31"))
    before = ax.get_xlim()
    drawn = report.add_events(ax)
    in_2022 = load_events(start="2022-01-01", end="2022-12-31")
    assert set(drawn["lines"]) == set(in_2022["event_id"])
    assert ax.get_xlim() == before
    assert set(drawn["labels"]) | set(drawn["unlabelled"]) == set(drawn["lines"])
    plt.close(fig)


def test_event_labels_do_not_overlap_once_drawn():
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(pd.to_datetime(["2022-02-01", "2022-12-31"]), [0, 1])
    report.add_events(ax, which=["military", "humanitarian"])
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts if str(t.get_gid()).startswith("event:")]
    assert len(boxes) >= 5
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    assert not overlaps
    plt.close(fig)


def test_which_accepts_event_ids_and_refuses_unknown_names():
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2014-01-01", "2025-01-31"]), [0, 1])
    assert report.add_events(ax, which=["mh17", "kursk_incursion"])["labels"] == ["mh17", "kursk_incursion"]
    with pytest.raises(ValueError):
        report.add_events(ax, which=["no_such_event"])
    plt.close(fig)


@pytest.fixture()
def around():
    arts = pd.DataFrame({
        "article_id": [f"a{i}" for i in range(6)],
        "outlet": ["RT", "RT", "RT", "BBC", "BBC", "BBC"],
        "published": pd.to_datetime(["2024-07-30", "2024-08-06", "2024-08-10", "2024-08-01", "2024-08-07",
                                     "2024-08-25"], utc=True),
        "text": ["A quiet day in the Kursk region.",
                 "The Kiev regime launched a terrorist attack on Kursk. Civilians were killed.",
                 "Kiev regime militants shelled Sudzha. Terrible losses.",
                 "Kyiv prepares for winter.",
                 "Ukraine's incursion into Kursk surprised Moscow. Kyiv hailed a great success.",
                 "Outside the window."],
    })
    return arts


def test_around_event_is_tidy_with_both_windows_for_every_outlet(around):
    r = around_event(around, None, "kursk_incursion", days=14)
    assert list(r.columns) == [c if c != "<by>" else "outlet" for c in AROUND_COLUMNS]
    counts = r[r["measure"] == "articles"].set_index(["outlet", "period"])["value"].to_dict()
    assert counts == {("BBC", "before"): 1, ("BBC", "after"): 1, ("RT", "before"): 1, ("RT", "after"): 2}
    assert {"tone", "share_negative_tone", "label:russia_aligned", "label:ukraine_aligned"} <= set(r["measure"])


def test_around_event_shows_the_shift_in_labels_and_tone(around):
    r = around_event(around, None, "kursk_incursion", days=14).set_index(["outlet", "period", "measure"])["value"]
    assert r[("RT", "before", "label:russia_aligned")] == 0
    assert r[("RT", "after", "label:russia_aligned")] > 0
    assert r[("RT", "after", "tone")] < r[("RT", "before", "tone")]


def test_around_event_adds_roles_when_given_and_takes_precomputed_tables(around):
    from analysis.text import sentences

    roles = pd.DataFrame({"article_id": ["a1", "a1", "a2", "a0"], "role": ["antagonist", "innocent", "antagonist",
                                                                         "protagonist"]})
    r = around_event(around, {"sentences": sentences(around), "roles": roles}, "kursk_incursion")
    v = r.set_index(["outlet", "period", "measure"])["value"]
    assert v[("RT", "after", "role:antagonist")] == pytest.approx(2 / 3)
    assert v[("RT", "before", "role:protagonist")] == 1.0


def test_unknown_event_suggests_close_ids(around):
    with pytest.raises(KeyError, match="kursk_incursion"):
        around_event(around, None, "kursk_incursions")


def test_plot_around_event_draws_a_dumbbell_per_outlet(around):
    r = around_event(around, None, "kursk_incursion")
    fig = plot_around_event(r, measure="articles")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["BBC  (n=1\u21921)", "RT  (n=1\u21922)"]
    plt.close(fig)


@pytest.mark.parametrize("legend", ["beside", "upper right", "upper left", "best"])
def test_event_labels_meet_neither_the_legend_nor_one_another_and_stay_inside_the_axes(legend):
    # a late event's label ran past the axes' right edge into the legend beside them (line_chart's), and an
    # early one under a legend inside the axes
    periods = pd.date_range("2022-01-01", "2024-10-01", freq="MS")
    data = pd.DataFrame({"period": list(periods) * 2, "outlet": ["Kyiv Independent", "Sputnik"] * len(periods),
                         "articles": range(2 * len(periods))})
    fig = report.line_chart(data, x="period", y="articles", hue="outlet", title="t", xlabel="x", ylabel="y")
    ax = fig.axes[0]
    if legend != "beside":
        ax.legend(loc=legend)
    drawn = report.add_events(ax, which=["military", "political", "diplomatic"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.texts if str(t.get_gid()).startswith("event:")]
    legend_box, frame = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert len(labels) == len(drawn["labels"]) >= 5
    assert set(drawn["labels"]) | set(drawn["unlabelled"]) == set(drawn["lines"])
    assert not [b for b in labels if b.overlaps(legend_box)], "a label on the legend"
    assert not [(i, j) for i in range(len(labels)) for j in range(i + 1, len(labels)) if labels[i].overlaps(labels[j])]
    assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 for b in labels), "a label past the axes"
    plt.close(fig)

"""analysis.report: one export path for every chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import report  # noqa: E402


@pytest.fixture
def figure():
    report.set_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_title("Something rises")
    yield fig
    plt.close(fig)


def test_save_figure_writes_png_svg_pdf_and_the_plotted_data(tmp_path, figure):
    data = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    paths = report.save_figure(figure, "rise", data=data, notebook="01_demo", output_dir=tmp_path)
    folder = tmp_path / "figures" / "01_demo"
    assert sorted(p.name for p in paths) == ["rise.csv", "rise.pdf", "rise.png", "rise.svg"]
    assert all((folder / p.name).stat().st_size > 0 for p in paths)
    pd.testing.assert_frame_equal(pd.read_csv(folder / "rise.csv"), data)


def test_png_is_300_dpi(tmp_path, figure):
    from PIL import Image

    report.save_figure(figure, "dpi", notebook="n", output_dir=tmp_path)
    with Image.open(tmp_path / "figures" / "n" / "dpi.png") as image:
        assert round(image.info["dpi"][0]) == 300


def test_exporter_adds_one_source_line(tmp_path, figure):
    export = report.Exporter("02_demo", output_dir=tmp_path, source="Source: test corpus")
    export.save_figure(figure, "with_source")
    export.save_figure(figure, "again")
    notes = [t.get_text() for t in figure.texts if t.get_gid() == "source-note"]
    assert notes == ["Source: test corpus"]
    assert (tmp_path / "figures" / "02_demo" / "again.svg").exists()


def test_unsafe_names_become_file_names(tmp_path, figure):
    paths = report.save_figure(figure, "Kyiv vs Kiev / share", notebook="n", output_dir=tmp_path, formats=("png",))
    assert paths[0].name == "Kyiv_vs_Kiev_share.png"
    with pytest.raises(ValueError):
        report.save_figure(figure, "", notebook="n", output_dir=tmp_path)


def test_palette_is_colour_blind_safe_okabe_ito():
    assert report.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]

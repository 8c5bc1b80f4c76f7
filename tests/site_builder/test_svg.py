"""The wiki's pictures (`site_builder._svg`): well-formed SVG, every text escaped, and
drawn from the workspace — so no page needs the network to show them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from site_builder._svg import Band, Series, funnel_svg, score_chart_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_the_funnel_has_a_box_per_stage_and_an_arrow_between_each() -> None:
    svg = funnel_svg(["Lead", "MQL", "SQL"], "Funnel")
    root = ET.fromstring(svg)
    assert root.find("s:title", NS) is not None and root.find("s:title", NS).text == "Funnel"  # type: ignore[union-attr]
    assert len(root.findall("s:rect", NS)) == 3
    assert len(root.findall("s:line", NS)) == 2
    assert _texts(svg) == ["Lead", "MQL", "SQL"]


def test_a_wide_funnel_continues_on_a_second_row() -> None:
    names = [f"A rather long stage name number {i}" for i in range(8)]
    root = ET.fromstring(funnel_svg(names, "Funnel"))
    rows = {rect.get("y") for rect in root.findall("s:rect", NS)}
    assert len(rows) >= 2
    assert len(root.findall("s:path", NS)) == len(rows) - 1  # the arrows down to a new row
    assert float(root.get("width", "0")) <= 1110


def test_text_from_yaml_is_escaped() -> None:
    hostile = '<script>alert(1)</script> & "x"'
    for svg in (
        funnel_svg([hostile], hostile),
        score_chart_svg(
            ["d"],
            [Series(hostile, [3])],
            [Band(0, 5, hostile)],
            y_max=5,
            y_label=hostile,
            title=hostile,
        ),  # fmt: skip
    ):
        assert "<script>" not in svg
        root = ET.fromstring(svg)  # well-formed
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
        assert hostile in _texts(svg)


def test_the_chart_names_bands_axes_and_every_line_in_its_legend() -> None:
    svg = score_chart_svg(
        ["2026-05-19", "2026-11-17"],
        [
            Series("Marketing", [40, 70]),
            Series("Sales", [None, 60]),
            Series("Combined", [40, 65], combined=True),
        ],  # fmt: skip
        [Band(20, 39, "Undefined"), Band(40, 59, "Defined"), Band(60, 100, "Aligned")],
        y_max=100,
        y_label="Score",
        title="Score per team over time",
    )
    texts = _texts(svg)
    for expected in ("Undefined", "Defined", "Aligned", "Score", "2026-05-19", "2026-11-17"):
        assert expected in texts
    assert [t for t in texts if t in ("Marketing", "Sales", "Combined")] == [
        "Marketing", "Sales", "Combined"
    ]  # fmt: skip
    assert {"0", "20", "40", "60", "80", "100"} <= set(texts)  # the y axis' values
    root = ET.fromstring(svg)
    # Sales has one value: a marker, no line; the others a line each
    assert len(root.findall("s:polyline", NS)) == 2
    assert len(root.findall("s:circle", NS)) == 5


def test_a_page_shows_no_image_but_its_own_pictures() -> None:
    from site_builder._sanitize import sanitize_html

    html = (
        '<img src="../assets/funnel.svg" alt="Funnel">'
        '<img src="http://tracker.example/p.png"><img src="//cdn.example/x.svg">'
        '<img src="javascript:alert(1)"><img src="assets/x.svg" onerror="alert(1)">'
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">'
    )
    assert sanitize_html(html) == (
        '<img src="../assets/funnel.svg" alt="Funnel"><img><img><img><img src="assets/x.svg"><img>'
    )

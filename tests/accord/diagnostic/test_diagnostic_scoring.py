"""Scoring by hand: team sums, the combined mean rounded half up, the bands; and the
validator's band and response checks with their positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from accord.diagnostic import (
    band_of,
    combined_total,
    next_stage,
    score_range,
    score_round,
    team_total,
)
from accord.domain import maturity
from accord.domain import model as m
from accord.domain.workspace import Workspace
from accord.loading import check_workspace

DEMO_MATURITY = Path(__file__).parents[3] / "agreements" / "maturity"


def _q(statements: int, bands: list[tuple[str, int, int]]) -> m.Questionnaire:
    return m.Questionnaire(
        kind="Questionnaire",
        id="q",
        statements=[m.Statement(id=f"s{i}", text=f"Statement {i}") for i in range(statements)],
        bands=[m.Band(stage=s, min=lo, max=hi) for s, lo, hi in bands],  # type: ignore[arg-type]
    )


FOUR = _q(4, [("undefined", 4, 7), ("defined", 8, 11), ("aligned", 12, 15), ("integrated", 16, 20)])


def test_the_base_round_by_hand(root: Path, load: Callable[[Path], Workspace]) -> None:
    ws = load(root)
    a = ws.assessments["relationship-2026-q1"]
    scores = score_round(ws.questionnaires[a.questionnaire], a)
    # marketing 3+2+4+3 = 12 → aligned (12–15); sales 2+2+3+3 = 10 → defined (8–11)
    # combined (12 + 10) / 2 = 11 → defined
    assert [(s.who, s.total, s.stage) for s in scores.teams] == [
        ("marketing", 12, "aligned"),
        ("sales", 10, "defined"),
    ]
    assert scores.combined is not None
    assert (scores.combined.total, scores.combined.stage) == (11, "defined")
    assert (scores.low, scores.high) == (4, 20)
    # the same numbers as the domain's maturity(), which the wiki uses
    assert maturity(ws, a) == {s.who: (s.total, s.stage) for s in (*scores.teams, scores.combined)}


@pytest.mark.parametrize(
    ("sums", "combined"),
    [
        ([10, 11], 11),  # 10.5 → 11 (half up)
        ([11, 12], 12),  # 11.5 → 12: the half lifts the relationship into the next band
        ([10, 10, 10, 11], 10),  # 10.25 → 10
        ([10, 10, 11, 11], 11),  # 10.5 → 11
        ([10, 11, 11, 11], 11),  # 10.75 → 11
        ([33, 27, 35], 32),  # 31.67 → 32
        ([7], 7),
    ],
)
def test_combined_is_the_mean_of_the_sums_rounded_half_up(sums: list[int], combined: int) -> None:
    assert combined_total(sums) == combined


def test_combined_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        combined_total([])


def test_a_half_crosses_a_band_boundary() -> None:
    a = m.Assessment(
        kind="Assessment",
        id="r",
        questionnaire="q",
        date="2026-11-18",  # type: ignore[arg-type]
        responses={"marketing": [3, 3, 3, 2], "sales": [3, 3, 3, 3]},
    )
    scores = score_round(FOUR, a)
    assert [(s.total, s.stage) for s in scores.teams] == [(11, "defined"), (12, "aligned")]
    assert scores.combined is not None
    assert (scores.combined.total, scores.combined.stage) == (12, "aligned")  # 11.5 → 12


@pytest.mark.parametrize(
    ("score", "stage"),
    [
        (3, None),
        (4, "undefined"),
        (7, "undefined"),
        (8, "defined"),
        (15, "aligned"),
        (16, "integrated"),
        (20, "integrated"),
        (21, None),
    ],
)
def test_band_edges_are_inclusive(score: int, stage: str | None) -> None:
    band = band_of(FOUR, score)
    assert (band.stage if band else None) == stage


def test_range_and_sum() -> None:
    assert score_range(FOUR) == (4, 20)
    assert score_range(_q(20, [])) == (20, 100)
    assert team_total([5, 4, 3, 2, 1]) == 15


def test_next_stage() -> None:
    assert next_stage(None) == "defined"
    assert next_stage("undefined") == "defined"
    assert next_stage("aligned") == "integrated"
    assert next_stage("integrated") is None


def test_the_demo_rounds_match_their_notes() -> None:
    yaml = YAML(typ="safe", pure=True)
    q = m.Questionnaire.model_validate(
        yaml.load((DEMO_MATURITY / "questionnaire.yaml").read_text())
    )
    rounds = [
        m.Assessment.model_validate(d)
        for d in yaml.load_all((DEMO_MATURITY / "assessments.yaml").read_text())
    ]
    got = {
        a.id: [(s.total, s.stage) for s in (*score_round(q, a).teams, score_round(q, a).combined)]
        for a in rounds
        if a is not None
    }
    # the sums written beside each line of the file, and the combined score of its notes
    assert got == {
        "maturity-2025-11": [
            (33, "undefined"),
            (27, "undefined"),
            (35, "undefined"),
            (32, "undefined"),
        ],
        "maturity-2026-05": [(57, "defined"), (51, "defined"), (53, "defined"), (54, "defined")],
        "maturity-2026-11": [(76, "aligned"), (71, "aligned"), (66, "aligned"), (71, "aligned")],
    }


# --- the validator's checks, hand-made cases ---------------------------------

THREE = """\
kind: Questionnaire
id: quick
statements:
  - {id: one, text: We share definitions.}
  - {id: two, text: We plan together.}
  - {id: three, text: We meet weekly.}
bands:
"""


def _problems(root: Path, text: str) -> list[str]:
    (root / "agreements" / "quick.yaml").write_text(text, encoding="utf-8")
    result = check_workspace(root)
    return [p.format() for p in result.problems if p.file == "agreements/quick.yaml"]


def test_bands_that_cover_3_to_15_exactly_pass(root: Path) -> None:
    bands = "  - {stage: undefined, min: 3, max: 6}\n  - {stage: defined, min: 7, max: 15}\n"
    assert _problems(root, THREE + bands) == []


def test_bands_must_start_at_the_lowest_possible_score(root: Path) -> None:
    bands = "  - {stage: undefined, min: 4, max: 6}\n  - {stage: defined, min: 7, max: 15}\n"
    assert _problems(root, THREE + bands) == [
        "agreements/quick.yaml:8:3: error: bands leave score 3 uncovered; with 3 statements "
        "scored 1–5 the bands must cover 3–15"
    ]


def test_bands_must_reach_the_highest_possible_score(root: Path) -> None:
    bands = "  - {stage: undefined, min: 3, max: 6}\n  - {stage: defined, min: 7, max: 13}\n"
    assert _problems(root, THREE + bands) == [
        "agreements/quick.yaml:8:3: error: bands leave scores 14–15 uncovered; with 3 "
        "statements scored 1–5 the bands must cover 3–15"
    ]


def test_overlapping_bands_are_refused_at_the_later_band(root: Path) -> None:
    bands = "  - {stage: undefined, min: 3, max: 7}\n  - {stage: defined, min: 7, max: 15}\n"
    assert _problems(root, THREE + bands) == [
        "agreements/quick.yaml:9:5: error: band 'defined' overlaps band 'undefined' at score 7; "
        "each score belongs to exactly one band"
    ]


RESPONSES = """\
kind: Assessment
id: quick-round
questionnaire: relationship-diagnostic
date: 2026-11-18
responses:
  marketing: [3, 2, 4]
  sales: [2, 2, 3, 3, 4]
---
kind: Assessment
id: quick-round-2
questionnaire: relationship-diagnostic
date: 2026-11-19
responses:
  marketing: [3, 2, 4, 6]
  sales: [2, 2, 3, 0]
"""


def test_responses_of_the_wrong_length_or_out_of_range_are_positioned(root: Path) -> None:
    assert _problems(root, RESPONSES) == [
        "agreements/quick.yaml:6:14: error: team 'marketing' gave 3 scores; questionnaire "
        "'relationship-diagnostic' has 4 statements (one score each, in order)",
        "agreements/quick.yaml:7:10: error: team 'sales' gave 5 scores; questionnaire "
        "'relationship-diagnostic' has 4 statements (one score each, in order)",
        "agreements/quick.yaml:14:24: error: responses.marketing[3]: 6 is too large; the most "
        "allowed is 5",
        "agreements/quick.yaml:15:20: error: responses.sales[3]: 0 is too small; the least "
        "allowed is 1",
    ]

"""The relationship-maturity diagnostic: scores, gaps, advice, and recording a round.

* `score_round`, `RoundScores`, `Score`, `band_of`, `score_range`, `team_total`,
  `combined_total`, `next_stage` — a team's score is the sum of its 1–5 scores, the
  combined score the mean of the teams' sums rounded half up, each mapped to its band.
* `gaps`, `Gap` — per statement, how far the teams' scores lie apart, largest first.
* `advise`, `Advice`, `Step`, `Check`, `Practice`, `CATALOGUE`, `seams` — the
  practices of each stage transition checked against the workspace: what is
  missing here.
* `parse_answers`, `check_answers`, `plan_round`, `record_answers`, `Round`,
  `Recorded`, `new_round_text`, `added_team_text` — a team's answers written as an
  Assessment with round-trip YAML (`accord assess`).
* `report_text`, `scores_text`, `score_line`, `gap_line` — a round as plain text.
* `DiagnosticError`, `BadAnswers` — what refuses a round.
"""

from accord.diagnostic._advice import Advice, Check, Step, advise
from accord.diagnostic._answers import check_answers, parse_answers
from accord.diagnostic._catalogue import CATALOGUE, Practice
from accord.diagnostic._errors import BadAnswers, DiagnosticError
from accord.diagnostic._facts import Seam, seams
from accord.diagnostic._gaps import Gap, gaps
from accord.diagnostic._record import (
    ASSESSMENTS_DIR,
    OPEN_DAYS,
    Recorded,
    Round,
    added_team_text,
    new_round_text,
    plan_round,
    record_answers,
)
from accord.diagnostic._report import gap_line, report_text, score_line, scores_text
from accord.diagnostic._scoring import (
    HIGHEST,
    LOWEST,
    RoundScores,
    Score,
    band_of,
    combined_total,
    next_stage,
    score_range,
    score_round,
    team_total,
)

__all__ = [
    "ASSESSMENTS_DIR",
    "Advice",
    "BadAnswers",
    "CATALOGUE",
    "Check",
    "DiagnosticError",
    "Gap",
    "HIGHEST",
    "LOWEST",
    "OPEN_DAYS",
    "Practice",
    "Recorded",
    "Round",
    "RoundScores",
    "Score",
    "Seam",
    "Step",
    "added_team_text",
    "advise",
    "band_of",
    "check_answers",
    "combined_total",
    "gap_line",
    "gaps",
    "new_round_text",
    "next_stage",
    "parse_answers",
    "plan_round",
    "record_answers",
    "report_text",
    "score_line",
    "score_range",
    "score_round",
    "scores_text",
    "seams",
    "team_total",
]

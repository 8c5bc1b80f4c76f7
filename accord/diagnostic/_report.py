"""A round in plain text for the terminal: the scores, where the teams disagree, the advice."""

from __future__ import annotations

from accord.diagnostic._advice import advise
from accord.diagnostic._gaps import Gap, gaps
from accord.diagnostic._scoring import RoundScores, Score, score_round
from accord.domain import model as m
from accord.domain.workspace import Workspace


def score_line(score: Score, high: int) -> str:
    """``71 of 100 → aligned (60–79)``; ``→ no band`` when no band holds the score."""
    if score.band is None:
        return f"{score.total} of {high} → no band"
    return f"{score.total} of {high} → {score.band.stage} ({score.band.min}–{score.band.max})"


def _team_name(ws: Workspace, team: str) -> str:
    found = ws.teams.get(team)
    return found.name if found is not None else team


def scores_text(ws: Workspace, scores: RoundScores) -> str:
    """One line per team and one for the combined score, names aligned."""
    rows = [(_team_name(ws, s.who), score_line(s, scores.high)) for s in scores.teams]
    if scores.combined is not None and len(scores.teams) > 1:
        rows.append(("Combined", score_line(scores.combined, scores.high)))
    width = max((len(name) for name, _ in rows), default=0)
    return "\n".join(f"  {name.ljust(width)}  {line}" for name, line in rows)


def gap_line(ws: Workspace, gap: Gap) -> str:
    """``3  complete-handoffs  Marketing 5 · Sales 2 — Leads handed to Sales carry …``."""
    scores = " · ".join(f"{_team_name(ws, t)} {s}" for t, s in gap.scores.items())
    return f"{gap.size}  {gap.statement.id}: {scores} — {gap.statement.text}"


def report_text(ws: Workspace, assessment: m.Assessment) -> str:
    """The round's scores, every statement the teams scored differently (largest gap
    first) and the advice for the combined stage, checked against `ws`."""
    q = ws.questionnaires[assessment.questionnaire]
    scores = score_round(q, assessment)
    title = f" — {q.title}" if q.title else ""
    lines = [
        f"Round {assessment.id} ({assessment.date}), questionnaire {q.id}{title}",
        "",
        scores_text(ws, scores),
    ]
    differences = [g for g in gaps(q, assessment) if g.size > 0]
    if len(scores.teams) > 1:
        lines += ["", "Where the teams disagree (gap = highest score − lowest, largest first):"]
        if differences:
            lines += [f"  {gap_line(ws, g)}" for g in differences]
        else:
            lines.append("  Nowhere: every statement got the same score from every team.")
    stage = scores.combined.stage if scores.combined is not None else None
    advice = advise(ws, stage, list(assessment.responses))
    lines += ["", "What to do next, checked against this workspace:", advice.text()]
    return "\n".join(lines)

"""Advice that fits this workspace: for each stage, what moves the relationship on.

A relationship matures undefined → defined → aligned → integrated. Each step
has its practices (docs/assess.md): written stage definitions, an SLA and a
hand-off make it *defined*; liaisons, joint meetings and planning, shared
training and job rotation make it *aligned*; one revenue owner, shared KPIs
and rewards and written funnel responsibilities make it *integrated*.

`advise` checks every practice against the workspace's documents, per
**seam** — a pair of teams where work passes from one to the other (by
default where the funnel's stage owner changes: Marketing → Sales at the SQL,
Sales → Customer Success at onboarding) — and says what exists here and what
is missing here, naming the documents. Everything is pure: the same workspace
gives the same advice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accord.diagnostic._catalogue import CATALOGUE, Practice
from accord.diagnostic._facts import Facts, Seam, seams
from accord.diagnostic._scoring import next_stage
from accord.domain.model import MATURITY_STAGES, MaturityStage
from accord.domain.workspace import Workspace


@dataclass(frozen=True)
class Check:
    """A practice checked against the workspace."""

    practice: Practice
    found: tuple[str, ...]
    """What this workspace has, one sentence each, naming the documents."""
    missing: tuple[str, ...]
    """What it lacks, one sentence each, saying what to add."""

    @property
    def met(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


@dataclass(frozen=True)
class Step:
    """One stage transition with its practices checked."""

    start: MaturityStage
    target: MaturityStage
    checks: tuple[Check, ...]

    @property
    def done(self) -> bool:
        """True when every practice of the step is in place."""
        return all(c.met for c in self.checks)


@dataclass(frozen=True)
class Advice:
    """Every practice of every step, checked against one workspace."""

    stage: MaturityStage | None
    """The relationship's stage now (None: not assessed, or no band for the score)."""
    seams: tuple[Seam, ...]
    """The pairs of teams the practices were checked for."""
    steps: tuple[Step, ...]
    """undefined → defined, defined → aligned, aligned → integrated."""

    @property
    def next_step(self) -> Step | None:
        """The step out of the current stage; None at integrated."""
        target = next_stage(self.stage)
        return next((s for s in self.steps if s.target == target), None)

    @property
    def earlier_steps(self) -> tuple[Step, ...]:
        """The steps into the current stage and before it."""
        reached = MATURITY_STAGES.index(self.stage) if self.stage is not None else 0
        return tuple(s for s in self.steps if MATURITY_STAGES.index(s.target) <= reached)

    def to_do(self) -> list[Check]:
        """The missing practices of the next step, then those of earlier steps."""
        steps = [s for s in (self.next_step,) if s is not None] + list(self.earlier_steps)
        return [c for s in steps for c in s.checks if not c.met]

    def text(self) -> str:
        """The advice in plain English: the next step's practices, each done (✔) or not
        (✖) with what is missing here, then what is still open from earlier steps."""
        lines: list[str] = []
        step = self.next_step
        if self.stage is None:
            lines.append("No stage yet. To become defined:")
        elif step is None:
            lines.append("The relationship is integrated, the last stage. To keep it there:")
        else:
            lines.append(f"The relationship is {self.stage}. To become {step.target}:")
        if not self.seams:
            lines.append(
                "  (No two teams to check between: write the Teams and the Stages each owns.)"
            )
        if step is not None:
            for check in step.checks:
                lines.extend(_check_lines(check))
        earlier = [c for s in self.earlier_steps for c in s.checks if not c.met]
        if earlier:
            if step is not None:
                lines.append("Still open from earlier stages:")
            for check in earlier:
                lines.extend(_check_lines(check, show_step=True))
        elif step is None:
            lines.append("  Every practice is in place here.")
        return "\n".join(lines)


def _check_lines(check: Check, *, show_step: bool = False) -> list[str]:
    p = check.practice
    where = f" ({p.start} → {p.target})" if show_step else ""
    if check.met:
        return [f"  ✔ {p.title}{where}", *(f"      {line}" for line in check.found)]
    return [f"  ✖ {p.title}{where} — {p.why}", *(f"      {line}" for line in check.missing)]


def advise(
    ws: Workspace,
    stage: MaturityStage | None,
    teams: Sequence[str] | None = None,
) -> Advice:
    """Every practice of every step checked against `ws`, for the relationship at `stage`.

    Args:
        ws: the workspace whose documents are checked.
        stage: the relationship's stage now (normally the combined band of the latest
            round); None when it has none.
        teams: the teams whose relationship is advised (normally those that answered
            the round); see `seams`.
    """
    facts = Facts(ws, seams(ws, teams))
    steps = []
    for start, target in zip(MATURITY_STAGES, MATURITY_STAGES[1:], strict=False):
        checks = []
        for practice, check in CATALOGUE:
            if practice.start == start:
                found, missing = check(facts)
                checks.append(Check(practice, tuple(found), tuple(missing)))
        steps.append(Step(start, target, tuple(checks)))
    return Advice(stage, facts.seams, tuple(steps))

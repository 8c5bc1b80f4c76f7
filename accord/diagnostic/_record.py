"""Recording a team's answers: which round they belong to, and the YAML write.

One Assessment document is one **round**. A round is *open* for 30 days from
its date: a team that answers within that time adds its scores to the round
(the latest open round of the questionnaire); otherwise a new round starts,
``<questionnaire id>-<YYYY-MM>``, in its own file
``agreements/assessments/<round id>.yaml``. ``--round ID`` names the round
instead. A round holds one answer per team.

Writes keep every existing byte: a new round is a new file (never
overwriting one); adding a team to a round inserts one line into the round's
file with ruamel.yaml's round-trip mode, and the write is refused unless the
new text is the old text plus that line (comments, spacing, quotes and the
other documents untouched) and reads back as the same data plus the team.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from accord.diagnostic._answers import check_answers
from accord.diagnostic._errors import BadAnswers, DiagnosticError
from accord.diagnostic._scoring import RoundScores, score_round
from accord.domain import model as m
from accord.domain.workspace import Workspace
from accord.loading import dump_all, find_doc, load_all

ASSESSMENTS_DIR = "agreements/assessments"
"""Where new rounds are written, one file per round."""

OPEN_DAYS = 30
"""A round takes answers for this many days from its date."""


@dataclass(frozen=True)
class Round:
    """The round a team's answers go to: an existing Assessment, or a new one."""

    id: str
    """The Assessment id."""
    questionnaire: m.Questionnaire
    date: dt.date
    """The round's date (an existing round keeps its own)."""
    file: str
    """The YAML file, relative to the workspace root."""
    existing: m.Assessment | None
    """The round's document when the round exists; None for a new round."""


@dataclass(frozen=True)
class Recorded:
    """What `record_answers` wrote."""

    round: Round
    team: str
    assessment: m.Assessment
    """The round with the team's answers."""
    scores: RoundScores
    path: Path
    """The file written."""
    created: bool
    """True when the file is new; False when a line was added to an existing round."""


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{hint} (known: {', '.join(choices) or 'none'})"


def _questionnaire(ws: Workspace, ident: str | None) -> m.Questionnaire:
    if ident is not None:
        found = ws.questionnaires.get(ident)
        if found is None:
            raise BadAnswers(
                f"unknown questionnaire '{ident}'{_suggest(ident, sorted(ws.questionnaires))}"
            )
        return found
    if not ws.questionnaires:
        raise BadAnswers(
            "the workspace has no Questionnaire: add one under agreements/ "
            "(docs/reference/kinds.md#questionnaire)"
        )
    if len(ws.questionnaires) > 1:
        raise BadAnswers(
            f"the workspace has {len(ws.questionnaires)} questionnaires "
            f"({', '.join(sorted(ws.questionnaires))}): choose one with --questionnaire ID"
        )
    return next(iter(ws.questionnaires.values()))


def _where(ws: Workspace, assessment: m.Assessment, *path: str) -> str:
    doc = ws.source("Assessment", assessment.id)
    if doc is None:
        return "the workspace"
    pos = doc.at(path)
    return f"{doc.file}:{pos.line}:{pos.col}"


def plan_round(
    ws: Workspace,
    team: str,
    *,
    date: dt.date,
    round_id: str | None = None,
    questionnaire: str | None = None,
    answers: Sequence[int] | None = None,
) -> Round:
    """The round `team`'s answers of `date` go to (see the module docstring).

    Given `answers`, they are checked against the round's questionnaire before the
    round is (so a mistyped ``--answers`` is the first thing said).

    Raises:
        BadAnswers: an unknown team or questionnaire, a bad round id, a round of
            another questionnaire, or answers that do not fit the questionnaire.
        DiagnosticError: the team already answered the round, or the new round's id
            or file is taken.
    """
    if team not in ws.teams:
        raise BadAnswers(f"unknown team '{team}'{_suggest(team, sorted(ws.teams))}")
    if round_id is not None and not re.fullmatch(m.ID_PATTERN, round_id):
        raise BadAnswers(
            f"--round '{round_id[:40]}' is not an id: lowercase letters, digits and '-', "
            "e.g. maturity-2026-11"
        )
    existing: m.Assessment | None = None
    if round_id is not None and round_id in ws.assessments:
        existing = ws.assessments[round_id]
        if questionnaire is not None and questionnaire != existing.questionnaire:
            raise BadAnswers(
                f"round '{round_id}' answers questionnaire '{existing.questionnaire}', "
                f"not '{questionnaire}'"
            )
        q = _questionnaire(ws, existing.questionnaire)
        if answers is not None:
            check_answers(q, answers)
    else:
        q = _questionnaire(ws, questionnaire)
        if answers is not None:
            check_answers(q, answers)
        if round_id is None:
            window = date - dt.timedelta(days=OPEN_DAYS)
            open_rounds = [
                a
                for a in ws.assessments.values()
                if a.questionnaire == q.id and window <= a.date <= date
            ]
            if open_rounds:
                existing = max(open_rounds, key=lambda a: (a.date, a.id))
            else:
                round_id = f"{q.id}-{date:%Y-%m}"
                if round_id in ws.assessments:
                    taken = ws.assessments[round_id]
                    raise DiagnosticError(
                        f"round '{round_id}' ({_where(ws, taken)}, {taken.date}) is not open "
                        f"on {date}: name the new round with --round ID"
                    )
    if existing is not None:
        if team in existing.responses:
            raise DiagnosticError(
                f"{ws.teams[team].name} already answered round '{existing.id}' "
                f"({_where(ws, existing, 'responses', team)}); a round holds one answer per "
                "team: correct that line in a pull request, or start a new round with --round ID"
            )
        doc = ws.source("Assessment", existing.id)
        assert doc is not None
        return Round(existing.id, q, existing.date, doc.file, existing)
    assert round_id is not None
    file = f"{ASSESSMENTS_DIR}/{round_id}.yaml"
    if (ws.root / file).exists():
        raise DiagnosticError(
            f"{file} exists but does not hold round '{round_id}': name the round with --round ID"
        )
    return Round(round_id, q, date, file, None)


def record_answers(ws: Workspace, plan: Round, team: str, scores: Sequence[int]) -> Recorded:
    """Write `team`'s `scores` into the round `plan` (from `plan_round`).

    Nothing is written when the scores do not fit the questionnaire or the file
    cannot be changed by adding one line.

    Raises:
        BadAnswers: the wrong number of scores, or a score outside 1–5.
        DiagnosticError: the round's file changed under us, or would change beyond the
            added line.
    """
    check_answers(plan.questionnaire, scores)
    answers = list(scores)
    path = ws.root / plan.file
    if plan.existing is None:
        text = new_round_text(plan, team, answers)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="") as out:
                out.write(text)
        except FileExistsError:
            raise DiagnosticError(
                f"{plan.file} appeared while recording; nothing written: run the command again"
            ) from None
        assessment = m.Assessment(
            kind="Assessment",
            id=plan.id,
            questionnaire=plan.questionnaire.id,
            date=plan.date,
            responses={team: answers},
        )
        created = True
    else:
        original = path.read_bytes().decode("utf-8")
        _replace(path, added_team_text(original, plan, team, answers))
        assessment = plan.existing.model_copy(
            update={"responses": {**plan.existing.responses, team: answers}}
        )
        created = False
    return Recorded(
        plan, team, assessment, score_round(plan.questionnaire, assessment), path, created
    )


def _flow(scores: Sequence[int]) -> CommentedSeq:
    seq = CommentedSeq(scores)
    seq.fa.set_flow_style()
    return seq


def new_round_text(plan: Round, team: str, scores: Sequence[int]) -> str:
    """The YAML of a new round holding one team's scores."""
    doc = CommentedMap()
    doc["kind"] = "Assessment"
    doc["id"] = plan.id
    doc["questionnaire"] = plan.questionnaire.id
    doc["date"] = plan.date
    responses = CommentedMap()
    responses[team] = _flow(scores)
    doc["responses"] = responses
    doc.yaml_set_start_comment(
        f"A round of the relationship diagnostic (questionnaire {plan.questionnaire.id}),\n"
        "written by `accord assess`. Each team adds its own line with\n"
        "`accord assess --team ID`: one score 1–5 per statement, in the questionnaire's\n"
        "order. Commit the file in a pull request; never edit an old round."
    )
    return dump_all([doc])


def added_team_text(original: str, plan: Round, team: str, scores: Sequence[int]) -> str:
    """`original` (the round's file) with one line added: ``team: [scores]``.

    Raises:
        DiagnosticError: the round is no longer in the file, already has the team, or
            the edit would change anything but that one line.
    """
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    crlf = "\r\n" in original and original.count("\r\n") == original.count("\n")
    text = original.removeprefix(bom).replace("\r\n", "\n") if crlf else original.removeprefix(bom)
    by_hand = (
        f"add this line under `responses:` of round '{plan.id}' by hand: "
        f"{team}: [{', '.join(map(str, scores))}]"
    )
    bare_end = not text.endswith("\n")  # a file without a final newline stays so
    if bare_end:
        text += "\n"
    docs = load_all(text)
    doc = find_doc(docs, "Assessment", plan.id)
    responses = doc.get("responses") if doc is not None else None
    if not isinstance(responses, dict):
        raise DiagnosticError(f"round '{plan.id}' is no longer in {plan.file}; nothing written")
    if team in responses:
        raise DiagnosticError(f"{plan.file} already holds {team}'s answers; nothing written")
    responses[team] = _flow(scores)
    new = dump_all(docs, text)
    if not _only_added(text, new) or not _same_plus(text, new, plan.id, team, scores):
        raise DiagnosticError(
            f"adding to {plan.file} would change more than one line; nothing written: {by_hand}"
        )
    if bare_end:
        new = new.removesuffix("\n")
    if crlf:
        new = new.replace("\n", "\r\n")
    return bom + new


def _only_added(old: str, new: str) -> bool:
    """True when `new` is `old` with lines inserted and none changed or removed."""
    matcher = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new.splitlines(keepends=True), autojunk=False
    )
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


def _plain(text: str) -> list[Any]:
    return list(YAML(typ="safe", pure=True).load_all(io.StringIO(text)))


def _same_plus(old: str, new: str, round_id: str, team: str, scores: Sequence[int]) -> bool:
    """True when `new` reads as `old` plus the team's scores in the round."""
    before, after = _plain(old), _plain(new)
    for doc in before:
        if isinstance(doc, dict) and doc.get("kind") == "Assessment" and doc.get("id") == round_id:
            doc["responses"] = {**doc["responses"], team: list(scores)}
    return before == after


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temporary file in the same folder, renamed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

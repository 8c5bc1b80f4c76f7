"""The advice checks each practice against the workspace and names what is missing here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from accord.diagnostic import CATALOGUE, Advice, Check, advise, seams
from accord.domain.workspace import Workspace

Load = Callable[[Path], Workspace]

LIAISON = """\
kind: Role
id: {team}-liaison
title: Liaison ({team} side)
team: {team}
holders: [{holder}]
liaison: true
responsibilities:
  - Sits in on the other team's stand-up twice a week
"""


def _check(advice: Advice, practice: str) -> Check:
    return next(c for s in advice.steps for c in s.checks if c.practice.id == practice)


def _add_liaison(root: Path, team: str, holder: str) -> None:
    path = root / "agreements" / f"liaison-{team}.yaml"
    path.write_text(LIAISON.format(team=team, holder=holder), encoding="utf-8")


def test_the_catalogue_has_the_practices_of_each_step() -> None:
    by_step: dict[tuple[str, str], list[str]] = {}
    for practice, _ in CATALOGUE:
        by_step.setdefault((practice.start, practice.target), []).append(practice.id)
    assert by_step == {
        ("undefined", "defined"): ["stage-definitions", "sla", "handoff"],
        ("defined", "aligned"): [
            "liaisons",
            "joint-meetings",
            "joint-planning",
            "shared-training",
            "job-rotation",
        ],
        ("aligned", "integrated"): ["revenue-owner", "shared-kpis", "funnel-responsibilities"],
    }


def test_seams_follow_the_funnel(root: Path, load: Load) -> None:
    ws = load(root)
    # mql (marketing) → sql (sales): one seam, upstream first
    assert seams(ws) == (("marketing", "sales"),)
    assert seams(ws, ["sales", "marketing"]) == (("marketing", "sales"),)
    # one team answered so far: its own seams
    assert seams(ws, ["sales"]) == (("marketing", "sales"),)
    # no stage at all: every pair of the teams given, else of the workspace
    (root / "agreements" / "funnel.yaml").unlink()
    (root / "agreements" / "sla.yaml").unlink()
    (root / "agreements" / "kpis.yaml").unlink()
    bare = load(root)
    assert seams(bare, ["sales", "marketing"]) == (("sales", "marketing"),)
    assert seams(bare) == (("marketing", "sales"),)
    assert seams(bare, ["sales"]) == ()
    assert "(No two teams to check between" in advise(bare, None, ["sales"]).text()


def test_each_practice_against_the_base_workspace(root: Path, load: Load) -> None:
    advice = advise(load(root), "defined", ["marketing", "sales"])
    met = {c.practice.id: c.met for s in advice.steps for c in s.checks}
    assert met == {
        "stage-definitions": True,  # 'sql' has hard and soft criteria
        "sla": True,  # commitments in both directions
        "handoff": True,  # required_fields
        "liaisons": False,  # no role has liaison: true
        "joint-meetings": True,  # weekly-pipeline: heads of both sides
        "joint-planning": False,  # its purpose says nothing of planning
        "shared-training": False,
        "job-rotation": False,
        "revenue-owner": False,  # only the two heads own the SLA
        "shared-kpis": True,  # joint-conversion, by both
        "funnel-responsibilities": False,  # 'customer' has no RACI
    }
    assert _check(advice, "sla").found == (
        "'marketing-sales-sla': 1 commitment of Marketing to Sales, 5 of Sales to Marketing.",
    )
    assert _check(advice, "funnel-responsibilities").missing == (
        "Stage 'customer' has no RACI: name the roles responsible and the one accountable.",
    )
    assert _check(advice, "revenue-owner").missing == (
        "No role above Marketing and Sales owns their agreements and the revenue: name one "
        "revenue owner (e.g. a CRO) as an owner of their agreement and of a revenue KPI.",
    )


def test_the_advice_changes_when_the_workspace_gains_a_liaison_role(root: Path, load: Load) -> None:
    before = advise(load(root), "defined")
    assert _check(before, "liaisons").missing == (
        "Marketing has no liaison: mark a Role of Marketing with `liaison: true` and name its "
        "holder, the first contact for the other side.",
        "Sales has no liaison: mark a Role of Sales with `liaison: true` and name its holder, "
        "the first contact for the other side.",
    )
    _add_liaison(root, "marketing", "tom")
    after = advise(load(root), "defined")
    liaisons = _check(after, "liaisons")
    assert liaisons.found == ("Marketing: 'marketing-liaison' (Tom Visser).",)
    assert liaisons.missing == (
        "Sales has no liaison: mark a Role of Sales with `liaison: true` and name its holder, "
        "the first contact for the other side.",
    )
    assert "Marketing has no liaison" in before.text()
    assert "Marketing has no liaison" not in after.text()
    # its responsibilities speak of sitting in with the other team: job rotation, too
    assert _check(before, "job-rotation").met is False
    assert _check(after, "job-rotation").found == (
        "'marketing-liaison': Sits in on the other team's stand-up twice a week",
    )
    _add_liaison(root, "sales", "sanne")
    done = advise(load(root), "defined")
    assert _check(done, "liaisons").met
    assert "✔ Liaisons on both sides" in done.text()


def test_a_vacant_liaison_role_is_missing_its_holder(root: Path, load: Load) -> None:
    path = root / "agreements" / "liaison.yaml"
    path.write_text(
        "kind: Role\nid: sales-liaison\ntitle: Liaison\nteam: sales\nliaison: true\n",
        encoding="utf-8",
    )
    check = _check(advise(load(root), "defined"), "liaisons")
    assert (
        "The liaison role 'sales-liaison' of Sales has no holder: name who does it."
        in check.missing
    )


def test_a_revenue_owner_above_both_teams(root: Path, load: Load) -> None:
    agreements = root / "agreements"
    teams = (agreements / "teams.yaml").read_text(encoding="utf-8")
    (agreements / "teams.yaml").write_text(
        teams
        + "---\nkind: Team\nid: leadership\nname: Leadership\nmembers:\n"
        + "  - {id: marieke, name: Marieke Jansen}\n",
        encoding="utf-8",
    )
    (agreements / "cro.yaml").write_text(
        "kind: Role\nid: cro\ntitle: Chief Revenue Officer\nteam: leadership\nholders: [marieke]\n",
        encoding="utf-8",
    )
    sla = (agreements / "sla.yaml").read_text(encoding="utf-8")
    (agreements / "sla.yaml").write_text(
        sla.replace(
            "owners: [head-of-marketing, head-of-sales]",
            "owners: [head-of-marketing, head-of-sales, cro]",
        ),
        encoding="utf-8",
    )
    check = _check(advise(load(root), "aligned", ["marketing", "sales"]), "revenue-owner")
    assert check.missing == (
        "'cro' co-owns the agreements of Marketing and Sales but no revenue KPI (a Kpi with unit "
        "money): make it the owner of the revenue number both teams work for.",
    )
    kpis = (agreements / "kpis.yaml").read_text(encoding="utf-8")
    (agreements / "kpis.yaml").write_text(
        kpis.replace("unit: money\nowner: head-of-sales", "unit: money\nowner: cro"),
        encoding="utf-8",
    )
    check = _check(advise(load(root), "aligned", ["marketing", "sales"]), "revenue-owner")
    assert check.found == (
        "Marketing and Sales: 'cro' (Chief Revenue Officer) owns 'marketing-sales-sla' and the "
        "revenue KPI 'revenue'.",
    )
    assert check.met


def test_the_text_leads_with_the_next_step(root: Path, load: Load) -> None:
    ws = load(root)
    text = advise(ws, "defined").text()
    assert text.splitlines()[0] == "The relationship is defined. To become aligned:"
    assert "  ✖ Liaisons on both sides — a named person in each team" in text
    assert "  ✔ Joint meetings on a rhythm" in text
    assert "Still open from earlier stages:" not in text  # undefined → defined is done
    assert "One revenue owner" not in text  # a later step

    text = advise(ws, "aligned").text()
    assert text.splitlines()[0] == "The relationship is aligned. To become integrated:"
    assert "Still open from earlier stages:" in text
    assert "  ✖ Liaisons on both sides (defined → aligned)" in text

    assert advise(ws, None).text().startswith("No stage yet. To become defined:\n")
    integrated = advise(ws, "integrated")
    assert integrated.next_step is None
    assert integrated.text().startswith(
        "The relationship is integrated, the last stage. To keep it there:\n"
    )
    assert [c.practice.id for c in integrated.to_do()] == [
        "liaisons",
        "joint-planning",
        "shared-training",
        "job-rotation",
        "revenue-owner",
        "funnel-responsibilities",
    ]


def test_an_empty_workspace_needs_everything(root: Path, load: Load) -> None:
    for name in ("funnel.yaml", "sla.yaml", "rituals.yaml", "kpis.yaml"):
        (root / "agreements" / name).unlink()
    advice = advise(load(root), "undefined", ["marketing", "sales"])
    step = advice.next_step
    assert step is not None and step.target == "defined"
    assert [c.missing for c in step.checks] == [
        (
            "No funnel stage is written down: add a Stage document for each step (lead, MQL, "
            "SQL, …) with its definition and the hard criteria a lead must meet.",
        ),
        (
            "No active agreement between Marketing and Sales: write down what each side "
            "delivers to the other, each promise with a KPI and a target.",
        ),
        (
            "No active agreement of Marketing and Sales says what is handed over: add "
            "`handoff: {required_fields: [...]}` (company, contact, pain, …) to it.",
        ),
    ]

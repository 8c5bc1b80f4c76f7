"""`accord diff` on real repositories: which revisions it compares, and the words it
prints for a branch (golden, in English and Dutch)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from changes_kit import BRANCH, Repo, branch_repo, files, run_diff
from testclock import fixed

from accord.changes import compare

EN = """\
Agreement changes
Compared: the merge base of HEAD with main ({sha}) → the working tree.
4 changed.

Agreement Marketing and Sales SLA
  Moved from agreements/sla.yaml to agreements/sales/sla.yaml
  - Review date moved to 2027-06-30 (was 2027-01-01)
  - SQL volume reworded: “Marketing delivers at least 120 sales-qualified leads a month.”
  - SQL volume target raised from 100 to 120 a month (+20%)
  - Commitment SQL weekly added: “Marketing delivers at least 25 sales-qualified leads every \
week.” (at least 25 a week)

KPI Hot leads contacted in time
  - Window tightened from 6 to 4 working hours

Stage SQL
  - Hard criterion added: “Asked for a price quote”

Role Head of Sales
  - Holder Jan de Boer → Sanne Bakker

Files moved (no change in content)
  - Term hot lead: agreements/glossary.yaml → agreements/glossary/terms.yaml
  - Term SQL: agreements/glossary.yaml → agreements/glossary/terms.yaml

Approvals needed
  - Marketing and Sales SLA (marketing-sales-sla; changed; owner role Head of Sales; KPI Hot \
leads contacted in time; stage SQL): Marketing: Eva Jansen (@ejansen, Head of Marketing) · Sales: \
Jan de Boer (@jdeboer, Head of Sales)
"""

NL = """\
Wijzigingen in de afspraken
Vergeleken: de samenvoegbasis van HEAD met main ({sha}) → de werkmap.
4 gewijzigd.

Afspraak Marketing and Sales SLA
  Verplaatst van agreements/sla.yaml naar agreements/sales/sla.yaml
  - Herzieningsdatum verschoven naar 2027-06-30 (was 2027-01-01)
  - SQL volume: tekst gewijzigd: “Marketing delivers at least 120 sales-qualified leads a month.”
  - SQL volume: doel verhoogd van 100 naar 120 per maand (+20%)
  - Toezegging SQL weekly toegevoegd: “Marketing delivers at least 25 sales-qualified leads \
every week.” (minstens 25 per week)

KPI Hot leads contacted in time
  - Termijn aangescherpt van 6 naar 4 werkuren

Fase SQL
  - Hard criterium toegevoegd: “Asked for a price quote”

Rol Head of Sales
  - Rolhouder Jan de Boer → Sanne Bakker

Verplaatste bestanden (inhoud ongewijzigd)
  - Begrip hot lead: agreements/glossary.yaml → agreements/glossary/terms.yaml
  - Begrip SQL: agreements/glossary.yaml → agreements/glossary/terms.yaml

Goedkeuring nodig
  - Marketing and Sales SLA (marketing-sales-sla; gewijzigd; eigenaarsrol Head of Sales; KPI Hot \
leads contacted in time; fase SQL): Marketing: Eva Jansen (@ejansen, Head of Marketing) · Sales: \
Jan de Boer (@jdeboer, Head of Sales)
"""


def _short(repo: Repo, *rev: str) -> str:
    return repo.git("rev-parse", "--short=7", *rev)


@pytest.mark.parametrize(("language", "golden"), [("en", EN), ("nl", NL)])
def test_a_branch_in_the_domains_words(tmp_path: Path, language: str, golden: str) -> None:
    repo = branch_repo(tmp_path / "ws", language=language)
    result = run_diff("-w", str(repo.root))
    assert result.exit_code == 0, result.output
    base = _short(repo, repo.git("merge-base", "main", "HEAD"))
    assert result.output == golden.format(sha=base)
    # the commit made on main after the branch point is not part of the branch's change
    assert "weekly" not in result.output.split("Approvals")[0].replace("SQL weekly", "")


def test_a_named_base_starts_from_the_merge_base(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    result = run_diff("main", "raise-targets", "-w", str(repo.root))
    assert result.exit_code == 0, result.output
    point, head = _short(repo, repo.git("merge-base", "main", "HEAD")), _short(repo, "HEAD")
    assert (
        f"Compared: the merge base of raise-targets with main ({point}) → raise-targets ({head})."
    ) in result.output
    # what the branch changes, as `git diff main...raise-targets`: main's later change to
    # the ritual is not part of it
    assert "Ritual" not in result.output
    assert "- SQL volume target raised from 100 to 120 a month (+20%)" in result.output


def test_a_named_base_the_branch_contains_is_itself(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    result = run_diff("HEAD~1", "HEAD", "-w", str(repo.root))
    first, last = _short(repo, "HEAD~1"), _short(repo, "HEAD")
    assert f"Compared: HEAD~1 ({first}) → HEAD ({last})." in result.output
    # from main's tip, backwards: the branch's change and main's own change undone
    result = run_diff("raise-targets", "main", "-w", str(repo.root))
    assert "the merge base of main with raise-targets" in result.output
    assert "Ritual Weekly pipeline meeting\n  - Now meets every two weeks (was weekly)" in (
        result.output
    )


def test_the_working_tree_is_the_default_head(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    repo.write(files(review_by="2027-03-31"))  # not committed
    result = run_diff("-w", str(repo.root))
    assert result.exit_code == 0, result.output
    assert f"Compared: the merge base of HEAD with main ({_short(repo, 'HEAD')})" in result.output
    assert "→ the working tree." in result.output
    assert "- Review date moved to 2027-03-31 (was 2027-01-01)" in result.output


def test_a_moved_file_without_changes_is_no_change(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    repo.git("checkout", "-q", "-b", "tidy")
    repo.replace(files(sla_path="agreements/sales/sla.yaml"))
    repo.commit("Move the SLA", "2026-01-06")
    report = compare(repo.root, now=fixed())
    assert report.entities == []
    assert [(m.key, m.file_before, m.file_after) for m in report.moves] == [
        (("Agreement", "marketing-sales-sla"), "agreements/sla.yaml", "agreements/sales/sla.yaml")
    ]
    assert report.approvals == []  # not one byte of the file changed
    text = run_diff("-w", str(repo.root)).output
    assert "No changes to the agreements." in text
    assert "The change touches no agreement: the usual review is enough." in text


def test_a_comment_in_an_agreement_file_still_needs_its_owners(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    sla = repo.root / "agreements/sla.yaml"
    sla.write_text("# reviewed in the March meeting\n" + sla.read_text(encoding="utf-8"))
    report = compare(repo.root, now=fixed())
    assert report.entities == []
    assert [(a.agreement, a.reasons) for a in report.approvals] == [
        ("marketing-sales-sla", ("file:agreements/sla.yaml",))
    ]


def test_default_branch_from_origin_head(tmp_path: Path) -> None:
    origin = Repo(tmp_path / "origin")
    origin.write(files())
    origin.commit("Start", "2026-01-05")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", str(origin.root), str(clone)], check=True, capture_output=True
    )
    work = Repo.__new__(Repo)
    work.root = clone
    work.git("checkout", "-q", "-b", "change")
    work.write(files(volume=90))
    result = run_diff("-w", str(clone))
    assert "the merge base of HEAD with origin/main" in result.output
    assert "- SQL volume target lowered from 100 to 90 a month (-10%)" in result.output


def test_master_when_there_is_no_main(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.git("branch", "-m", "master")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    result = run_diff("-w", str(repo.root))
    assert "the merge base of HEAD with master" in result.output


def test_no_default_branch_names_the_fix(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.git("branch", "-m", "trunk")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    result = run_diff("-w", str(repo.root))
    assert result.exit_code == 1
    assert "no default branch to compare with" in result.output
    assert "name the BASE revision" in result.output
    assert run_diff("trunk", "-w", str(repo.root)).exit_code == 0


def test_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    result = run_diff("no-such-branch", "-w", str(repo.root))
    assert result.exit_code == 2
    assert "unknown git revision 'no-such-branch'" in result.output


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "agreements").mkdir()
    result = run_diff("-w", str(tmp_path))
    assert result.exit_code == 1
    assert "is not in a git repository" in result.output and "Traceback" not in result.output


def test_workspace_must_be_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert run_diff("-w", str(tmp_path / "file")).exit_code == 2


def test_a_side_with_errors_is_still_compared(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    kpis = repo.root / "agreements/kpis.yaml"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace("unit: count", "unit: counts"))
    result = run_diff("-w", str(repo.root))
    assert result.exit_code == 0, result.output
    assert "KPI SQLs delivered\n  - Unit changed from count to counts" in result.output
    assert "the agreements in HEAD have errors; run `accord validate`" in result.output


def test_workspace_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write({f"team/{k}": v for k, v in files().items()})
    repo.commit("Start", "2026-01-05")
    same_files = {"sla_path": "agreements/sla.yaml", "glossary_path": "agreements/glossary.yaml"}
    repo.write({f"team/{k}": v for k, v in files(**{**BRANCH, **same_files}).items()})
    report = compare(repo.root / "team", now=fixed())
    assert [e.key for e in report.entities][:1] == [("Agreement", "marketing-sales-sla")]
    assert report.moves == []


def test_who_approves_is_read_from_the_target_branch_now(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    repo.git("checkout", "-q", "main")
    main = files(cadence="biweekly")
    main["agreements/teams.yaml"] = main["agreements/teams.yaml"].replace(
        "name: Eva Jansen, email: eva@acme.example, git: ejansen}",
        "name: Eva Jansen, email: eva@acme.example, git: ejansen}\n"
        "  - {id: mila, name: Mila Vos, git: mvos}",
    )
    main["agreements/roles.yaml"] = main["agreements/roles.yaml"].replace(
        "holders: [eva]", "holders: [mila]"
    )
    repo.replace(main)
    repo.commit("Mila heads Marketing now (#3)", "2026-02-12")
    repo.git("checkout", "-q", "raise-targets")
    report = compare(repo.root, now=fixed())
    (approval,) = report.approvals
    assert "role:head-of-marketing" not in approval.reasons  # not this branch's change
    marketing, sales = approval.sides
    assert [(a.name, a.git) for a in marketing.approvers] == [("Mila Vos", "mvos")]
    assert [(a.name, a.git) for a in sales.approvers] == [("Jan de Boer", "jdeboer")]

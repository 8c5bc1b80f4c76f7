"""`accord approvals` on recorded review payloads and real git repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from approvals_repo import FILES, commit, edit, make_repo
from gitrepo import GitRepo
from testclock import Cli

from accord._cli_approvals import approvals

DATA = Path(__file__).parent / "data"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The SLA's SQL target raised from 120 to 140 on branch ``change``."""
    repo = make_repo(tmp_path / "ws")
    edit(repo, "agreements/sla.yaml", "{min: 120}", "{min: 140}")
    edit(repo, "agreements/sla.yaml", "at least 120 SQLs", "at least 140 SQLs")
    commit(repo, "Raise the SQL target to 140 a month (#42)")
    return repo


def run(repo: GitRepo, payload: str, *extra: str, base: str = "main") -> tuple[int, str]:
    args = ["--changed-from", base, "--reviews", str(DATA / payload), *extra, str(repo.root)]
    result = Cli().invoke(approvals, args)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


def test_one_side_only_names_the_missing_side_and_who_can_approve(repo: GitRepo) -> None:
    code, out = run(repo, "github_one_side.json")
    assert code == 1
    assert out.splitlines() == [
        "1 agreement changed between main and HEAD:",
        "",
        "✖ sla — Marketing and Sales SLA",
        "  what changed: the agreement",
        "  Marketing  ✔ approved by @fvandijk (Femke van Dijk, Head of Marketing)",
        "  Sales      ✖ missing: an approval from @rvisser (Ruben Visser, Head of Sales)",
        "",
        "Not approved: sla waits for Sales.",
    ]


def test_an_approval_by_someone_who_holds_no_owner_role_does_not_count(repo: GitRepo) -> None:
    code, out = run(repo, "github_non_holder.json")
    assert code == 1
    assert "  Sales      ✖ missing: an approval from @rvisser" in out
    assert "  not counted: @sbakker approved but holds no owner role of this agreement" in out


def test_a_dismissed_approval_does_not_count(repo: GitRepo) -> None:
    code, out = run(repo, "github_dismissed.json")
    assert code == 1
    assert "  Sales      ✖ missing: an approval from @rvisser" in out
    assert "  not counted: @rvisser's review was dismissed" in out


def test_changes_requested_after_an_approval_withdraws_it(repo: GitRepo) -> None:
    code, out = run(repo, "github_changes_after_approve.json")
    assert code == 1
    assert "  Sales      ✖ changes requested by @rvisser (Ruben Visser, Head of Sales)" in out
    assert out.rstrip().endswith("Not approved: sla waits for Sales.")


def test_both_sides_approve(repo: GitRepo) -> None:
    # rvisser requested changes, then approved, then commented: the approval stands;
    # a deleted account, a bot's comment and a pending review change nothing.
    code, out = run(repo, "github_both_sides.json")
    assert code == 0, out
    assert "  Sales      ✔ approved by @rvisser (Ruben Visser, Head of Sales)" in out
    assert out.rstrip().endswith("Approved: every side of the changed agreement approved.")


def test_gh_api_paginate_output_is_read(repo: GitRepo) -> None:
    code, out = run(repo, "github_paginated.json")
    assert code == 0, out


def test_gitlab_both_sides(repo: GitRepo) -> None:
    code, out = run(repo, "gitlab_both_sides.json", "--format", "gitlab")
    assert code == 0, out
    code, out = run(repo, "gitlab_one_side.json", "--format", "gitlab")
    assert code == 1
    assert "Sales      ✖ missing" in out


def test_the_author_approves_for_their_own_side(repo: GitRepo) -> None:
    # Femke opened the pull request: GitHub does not let her approve it herself.
    code, out = run(repo, "github_paginated.json", "--author", "fvandijk")
    assert code == 0
    code, out = run(repo, "github_one_side.json", "--author", "RVISSER")
    assert code == 0
    assert "@rvisser (Ruben Visser, Head of Sales) — the author" in out


@pytest.mark.parametrize(
    ("payload", "forge", "message"),
    [
        (
            "malformed.json",
            "github",
            "malformed.json: not JSON (line 6, column 5: Expecting ',' delimiter)",
        ),
        (
            "gitlab_both_sides.json",
            "github",
            "gitlab_both_sides.json: expected GitHub's list of pull-request reviews (a JSON "
            "array) (this looks like GitLab's approvals object: use --format gitlab)",
        ),
        (
            "github_both_sides.json",
            "gitlab",
            "github_both_sides.json: expected GitLab's merge-request approvals object (with "
            "approved_by) (this looks like GitHub's list of reviews: use --format github)",
        ),
    ],
)
def test_unusable_reviews_exit_2_with_one_line(
    repo: GitRepo, payload: str, forge: str, message: str
) -> None:
    code, out = run(repo, payload, "--format", forge)
    assert code == 2
    assert out.splitlines() == [f"error: {DATA / message}"]


def test_unusable_base_or_workspace_exits_2(repo: GitRepo, tmp_path: Path) -> None:
    code, out = run(repo, "github_both_sides.json", base="origin/main")
    assert (code, out.splitlines()) == (
        2,
        [
            "error: 'origin/main' is not a commit in this repository; fetch it first "
            "(`git fetch origin main`)"
        ],
    )
    code, out = run(repo, "github_both_sides.json", base="--help")
    assert code == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    result = Cli().invoke(
        approvals,
        ["--changed-from", "main", "--reviews", str(DATA / "github_both_sides.json"), str(plain)],
    )
    assert (result.exit_code, result.output) == (2, f"error: {plain} is not in a git repository\n")
    missing = DATA / "no-such-file.json"
    code, out = run(repo, "no-such-file.json")
    assert (code, out) == (2, f"error: {missing}: no such file\n")


def test_agreements_with_errors_at_head_exit_2(repo: GitRepo) -> None:
    edit(repo, "agreements/sla.yaml", "kpi: sqls-delivered", "kpi: sqls-deliverd")
    commit(repo, "Typo")
    code, out = run(repo, "github_both_sides.json")
    assert code == 2
    assert out.startswith("error: the agreements at HEAD (")
    assert "unknown KPI 'sqls-deliverd'" in out
    assert len(out.splitlines()) == 1


def test_nothing_changed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    code, out = run(repo, "github_one_side.json")
    assert (code, out) == (0, "No agreement changed between main and HEAD: nothing to approve.\n")


def test_a_file_moved_unchanged_is_no_change_a_moved_and_edited_one_is(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    (repo.root / "agreements/agreements").mkdir()
    shutil.move(repo.root / "agreements/sla.yaml", repo.root / "agreements/agreements/sla.yaml")
    commit(repo, "Move the SLA into its own folder")
    code, out = run(repo, "github_one_side.json")
    assert (code, out) == (0, "No agreement changed between main and HEAD: nothing to approve.\n")
    edit(repo, "agreements/agreements/sla.yaml", "# The Marketing–Sales SLA", "# The SLA")
    commit(repo, "Shorter comment")
    code, out = run(repo, "github_one_side.json")
    assert code == 1
    assert "  what changed: its file agreements/agreements/sla.yaml (comments or layout)" in out


def test_a_kpi_change_needs_every_agreement_measured_by_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    edit(repo, "agreements/kpis.yaml", "  count: lead", "  count: {type: entered, stage: lead}")
    edit(repo, "agreements/funnel.yaml", "Anyone who left", "Anyone in our segment who left")
    commit(repo, "Count leads the long way")
    code, out = run(repo, "github_both_sides.json")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "1 agreement changed between main and HEAD:"
    assert "✖ pipeline — Pipeline review" in lines
    assert "  what changed: KPI leads-created, stage lead" in lines
    assert (
        "  Revenue leadership  ✖ missing: an approval from @mjansen (Marieke Jansen, Chief "
        "Revenue Officer)" in lines
    )


def test_who_approves_is_read_from_base_not_from_the_change(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    # The change hands Head of Sales to Sanne and gives Ruben's handle to someone else:
    # Ruben, as BASE knows him, still decides for Sales.
    edit(repo, "agreements/roles.yaml", "holders: [ruben]", "holders: [sanne]")
    edit(repo, "agreements/teams.yaml", "git: rvisser}", "git: mallory}")
    commit(repo, "Sanne becomes Head of Sales")
    code, out = run(repo, "github_non_holder.json")  # fvandijk and sbakker approve
    assert code == 1
    assert "  what changed: owner role head-of-sales, ruben's entry in Team members (an owner)" in (
        out
    )
    assert "  Sales      ✖ missing: an approval from @rvisser (Ruben Visser, Head of Sales)" in out
    code, out = run(repo, "github_both_sides.json")  # rvisser approves: the hand-over
    assert "✔ sla — Marketing and Sales SLA" in out.splitlines()
    assert out.splitlines()[-1] == (
        "Not approved: 1 of 2 changed agreements: pipeline waits for Revenue leadership."
    )


def test_a_new_agreement_is_approved_by_its_own_owners(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    repo.put(
        "agreements/content.yaml",
        """\
kind: Agreement
id: content
title: Content co-creation
parties: [marketing, sales]
owners: [head-of-marketing, sdr]
status: draft
commitments: []
""",
    )
    commit(repo, "Draft a content agreement")
    code, out = run(repo, "github_non_holder.json")  # fvandijk and sbakker (the SDR)
    assert code == 0, out
    assert (
        "  Sales      ✔ approved by @sbakker (Sanne Bakker, Sales Development Representative)"
        in out
    )


def test_a_role_added_by_the_change_cannot_approve_yet(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    repo.put(
        "agreements/extra.yaml",
        """\
kind: Role
id: sales-friend
title: Friend of Marketing in Sales
team: sales
holders: [thijs]
""",
    )
    edit(repo, "agreements/sla.yaml", "owners: [head-of-marketing, head-of-sales]",
         "owners: [head-of-marketing, sales-friend]")  # fmt: skip
    commit(repo, "A friendlier owner")
    code, out = run(repo, "github_both_sides.json")  # fvandijk and rvisser approve
    assert code == 0  # BASE's owners (Ruben) decide for Sales, not the new role
    code, out = run(repo, "github_one_side.json", "--author", "thendriks")
    assert code == 1
    assert "  what changed: the agreement, owner role sales-friend" in out


def test_uncommitted_changes_are_named_not_checked(repo: GitRepo) -> None:
    edit(repo, "agreements/sla.yaml", "{min: 140}", "{min: 160}")
    code, out = run(repo, "github_both_sides.json")
    assert code == 0
    assert out.splitlines()[-1] == ("note: not checked, because not committed: agreements/sla.yaml")


def test_changes_are_those_since_the_merge_base_approvers_those_of_base(repo: GitRepo) -> None:
    # After the branch was made, main handed Head of Sales to Sanne and changed the
    # pipeline agreement: that is not this pull request's change, but Sanne now decides.
    repo.git("checkout", "-q", "main")
    edit(repo, "agreements/roles.yaml", "holders: [ruben]", "holders: [sanne]")
    edit(repo, "agreements/pipeline.yaml", "{min: 1500}", "{min: 1600}")
    commit(repo, "Sanne is Head of Sales; more leads", when="2026-11-17T09:00:00+01:00")
    repo.git("checkout", "-q", "change")
    code, out = run(repo, "github_non_holder.json")  # fvandijk and sbakker approve
    assert code == 0, out
    assert out.splitlines()[:4] == [
        "1 agreement changed between main and HEAD:",
        "",
        "✔ sla — Marketing and Sales SLA",
        "  what changed: the agreement",
    ]
    assert "  Sales      ✔ approved by @sbakker (Sanne Bakker, Head of Sales)" in out


def test_a_side_without_an_owner_role_cannot_approve(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ws")
    repo.put(
        "agreements/draft.yaml",
        """\
kind: Agreement
id: draft
title: A one-sided draft
parties: [marketing, sales]
owners: [head-of-marketing]
status: draft
commitments: []
""",
    )
    commit(repo, "A draft")
    code, out = run(repo, "github_both_sides.json")
    assert code == 1
    assert out.splitlines()[4:7] == [
        "  Marketing  ✔ approved by @fvandijk (Femke van Dijk, Head of Marketing)",
        "  Sales      ✖ missing: nobody can approve",
        "             (the agreement names no owner role of Sales; add one to its owners)",
    ]


def test_an_author_that_is_not_a_user_handle_is_a_usage_error(repo: GitRepo) -> None:
    code, out = run(repo, "github_both_sides.json", "--author", "acme/sales")
    assert code == 2
    assert "'acme/sales' is not a forge user handle" in out


def test_a_workspace_in_a_folder_of_the_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write({f"sales-marketing/{rel}": text for rel, text in FILES.items()})
    repo.put("README.md", "Our agreements live in sales-marketing/.\n")
    commit(repo, "The agreements")
    repo.git("checkout", "-q", "-b", "change")
    edit(repo, "sales-marketing/agreements/sla.yaml", "{min: 120}", "{min: 140}")
    repo.put("README.md", "Changed too, but not an agreement.\n")
    commit(repo, "Raise the target")
    args = ["--changed-from", "main", "--reviews", str(DATA / "github_one_side.json")]
    result = Cli().invoke(approvals, [*args, str(repo.root / "sales-marketing")])
    assert result.exit_code == 1
    assert "  what changed: the agreement" in result.output
    assert "sla waits for Sales" in result.output

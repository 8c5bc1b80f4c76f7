"""Who approved a change, and what it is called: trailers, GitHub merge commits, titles."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

from accord.history import entity_history, parse_approvers, parse_title

WORKSPACE = "kind: Workspace\nname: Acme\ncalendar: {timezone: Europe/Amsterdam}\n"
TEAM = "kind: Team\nid: sales\nname: {name}\nmembers: []\n"
AUTHOR = ("Jan de Boer", "jan@acme.example")


def test_approvers_from_reviewed_by_and_approved_by_trailers() -> None:
    body = (
        "Longer explanation of the change.\n\n"
        "Reviewed-by: Femke van Dijk <femke@acme.example>\n"
        "approved-by:   Ruben Visser\n"
        "Reviewed-by: <hugo@acme.example>\n"
        "Reviewed-by: Femke van Dijk <femke@acme.example>\n"
        "Co-authored-by: Not An Approver <x@y>\n"
    )
    assert parse_approvers(body) == ("Femke van Dijk", "Ruben Visser", "hugo@acme.example")
    assert parse_approvers("") == ()
    assert parse_approvers("We reviewed-by hand: no trailer") == ()


def test_title_leaves_out_the_pull_request_shown_beside_it() -> None:
    assert parse_title("Raise the SQL target (#12)") == ("Raise the SQL target", False)
    assert parse_title("Fix a typo (!5)") == ("Fix a typo", False)
    assert parse_title("Plain subject") == ("Plain subject", False)
    # GitHub's merge commit: the pull request's title is the body's first line
    merged = parse_title("Merge pull request #12 from acme/raise", "Raise the target\n\nmore")
    assert merged == ("Raise the target", True)
    assert parse_title("Merge pull request #12 from acme/raise") == (
        "Merge pull request from acme/raise",
        True,
    )
    assert parse_title("Merge pull request #3 from a/b", "Reviewed-by: X") == (
        "Merge pull request from a/b",
        True,
    )


def test_history_reads_approvers_merger_and_title_in_its_one_pass(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "ws")
    repo.write(
        {"agreements/workspace.yaml": WORKSPACE, "agreements/team.yaml": TEAM.format(name="Sales")}
    )
    repo.git("add", "-A")
    message = (
        "Add the sales team (#4)\n\n"
        "Reviewed-by: Femke van Dijk <f@x>\nReviewed-by: Ruben Visser <r@x>"
    )
    repo.run_as(
        ["commit", "-q", "--no-gpg-sign", "-m", message], AUTHOR, "2026-03-01T10:00:00+01:00"
    )
    repo.put("agreements/team.yaml", TEAM.format(name="Sales team"))
    repo.git("add", "-A")
    merge = "Merge pull request #7 from acme/rename\n\nRename the sales team"
    who = ("Sanne Bakker", "sanne@acme.example")
    repo.run_as(["commit", "-q", "--no-gpg-sign", "-m", merge], who, "2026-03-02T10:00:00+01:00")

    history = entity_history(repo.root)
    newest, first = history.commits
    assert first.approvers == ("Femke van Dijk", "Ruben Visser")
    assert first.title == first.headline == "Add the sales team" and first.pr == "4"
    assert first.merged_by is None
    assert newest.approvers == () and newest.merged_by == "Sanne Bakker"
    assert newest.headline == "Rename the sales team" and newest.pr == "7"
    assert newest.subject == "Merge pull request #7 from acme/rename"  # verbatim still

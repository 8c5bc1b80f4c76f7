"""`accord init`: a starter that validates, builds its wiki, commits, and never overwrites."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from gitrepo import author_env
from ruamel.yaml import YAML
from testclock import NOW, Cli, fixed

from accord._cli_init import init
from accord.cli import main
from accord.loading import check_workspace

FULL = ["--marketing", "fvandijk", "--sales", "rvisser", "--timezone", "Europe/Amsterdam"]


@pytest.fixture(autouse=True)
def no_git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as on a fresh machine: no user.name, no user.email, no identity in the env."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for kind in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL", "DATE"):
            monkeypatch.delenv(f"GIT_{kind}_{part}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)


def run(*args: str) -> tuple[int, str]:
    result = Cli().invoke(init, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def made(tmp_path: Path) -> Path:
    root = tmp_path / "acme-agreements"
    code, out = run(str(root), *FULL)
    assert code == 0, out
    return root


def test_the_starter_validates_without_a_warning(made: Path) -> None:
    result = check_workspace(made, now=fixed(NOW))
    assert result.problems == []
    ws = result.workspace
    assert ws is not None
    assert ws.settings.name == "Acme agreements"
    assert ws.settings.calendar.timezone == "Europe/Amsterdam"
    sla = ws.agreements["marketing-sales-sla"]
    assert (str(sla.effective), str(sla.review_by)) == ("2026-11-18", "2027-11-18")
    assert ws.owner_handles("marketing-sales-sla") == ["fvandijk", "rvisser"]


def test_every_starter_file_explains_its_fields_in_comments(made: Path) -> None:
    files = sorted((made / "agreements").glob("*.yaml"))
    assert len(files) == 9
    for file in files:
        lines = file.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# ---"), file.name
        assert sum("#" in line for line in lines) >= 5, file.name
    sla = (made / "agreements/marketing-sales-sla.yaml").read_text(encoding="utf-8")
    for field in ("parties", "owners", "status", "effective", "review_by"):
        line = next(li for li in sla.splitlines() if li.startswith(f"{field}:"))
        assert "  # " in line, line
    for word in ("by", "to", "text", "kpi", "target", "warn", "per"):
        assert f"(`{word}`)" in sla or f"`{word}`" in sla, word


def test_the_output_lists_every_file_and_the_first_commit(tmp_path: Path) -> None:
    root = tmp_path / "acme"
    code, out = run(str(root), *FULL)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Accord workspace in {root}/:"
    written = [line.split()[1] for line in lines if line.startswith("  wrote")]
    assert written == [
        "agreements/workspace.yaml",
        "agreements/teams.yaml",
        "agreements/roles.yaml",
        "agreements/funnel.yaml",
        "agreements/kpis.yaml",
        "agreements/marketing-sales-sla.yaml",
        "agreements/glossary.yaml",
        "agreements/rituals.yaml",
        "agreements/maturity.yaml",
        "docs/index.md",
        "mkdocs.yml",
        ".gitignore",
        ".github/workflows/accord.yml",
        ".gitlab-ci.yml",
        "CODEOWNERS",
    ]
    sha = git(root, "rev-parse", "HEAD")
    assert f"git: first commit {sha[:10]} on main by Accord init <accord-init@localhost>" in lines


def test_the_first_commit_holds_everything_by_a_fixed_identity_at_the_clock(made: Path) -> None:
    assert git(made, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    log = git(made, "log", "--format=%an <%ae>|%cn <%ce>|%aI|%s")
    assert log.splitlines() == [
        "Accord init <accord-init@localhost>|Accord init <accord-init@localhost>|"
        "2026-11-18T10:00:00+00:00|Start the agreements with accord init"
    ]
    assert git(made, "status", "--porcelain", "--untracked-files=all") == ""
    assert "CODEOWNERS" in git(made, "ls-files").splitlines()


def test_the_author_comes_from_git_config_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Femke van Dijk\n\temail = femke@acme.example\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    code, _ = run(str(tmp_path / "ws"), *FULL)
    assert code == 0
    assert git(tmp_path / "ws", "log", "-1", "--format=%an <%ae>") == (
        "Femke van Dijk <femke@acme.example>"
    )


def test_codeowners_is_what_accord_codeowners_prints(made: Path) -> None:
    result = Cli().invoke(main, ["codeowners", str(made)])
    assert result.exit_code == 0
    assert (made / "CODEOWNERS").read_text(encoding="utf-8") == result.output
    assert "/agreements/marketing-sales-sla.yaml @fvandijk @rvisser" in result.output


def test_gitignore_and_mkdocs(made: Path) -> None:
    ignored = (made / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".accord/", "site/"} <= set(ignored)
    mkdocs = YAML(typ="safe", pure=True)
    mkdocs.constructor.add_constructor(  # MkDocs' own tag, for the Mermaid fence
        "tag:yaml.org,2002:python/name:pymdownx.superfences.fence_code_format",
        lambda loader, node: "fence_code_format",
    )
    config = mkdocs.load((made / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Acme agreements"
    assert config["plugins"] == ["search", "accord"]
    assert (made / "docs/index.md").read_text(encoding="utf-8").startswith("This wiki")


def test_the_wiki_builds_strict(made: Path) -> None:
    from site_builder.build import build_site

    site = build_site(made, strict=True, now=fixed(NOW))
    assert (site / "index.html").is_file()
    assert (site / "agreements/marketing-sales-sla/index.html").is_file()


def _load(path: Path) -> dict[str, object]:
    loaded = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))  # YAML 1.2
    assert isinstance(loaded, dict)
    return loaded


def _steps(job: object) -> list[dict[str, object]]:
    assert isinstance(job, dict)
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def test_the_github_workflow_has_the_named_steps(made: Path) -> None:
    flow = _load(made / ".github/workflows/accord.yml")
    on = flow["on"]
    assert isinstance(on, dict)
    assert set(on) == {"pull_request", "pull_request_review", "push"}
    assert on["push"] == {"branches": ["main"]}
    jobs = flow["jobs"]
    assert isinstance(jobs, dict)
    assert list(jobs) == ["check", "approvals", "wiki", "publish"]
    for name in ("check", "approvals"):  # after a review too: never "skipped" (= passed)
        job = jobs[name]
        assert isinstance(job, dict)
        assert job["if"] == "github.event_name != 'push'"
    for name in ("check", "approvals", "wiki"):
        checkout = _steps(jobs[name])[0]
        assert checkout["uses"] == "actions/checkout@v4"
        assert checkout["with"] == {"fetch-depth": 0}
    runs = {str(s.get("name")): str(s.get("run", "")) for s in _steps(jobs["check"])}
    assert runs["accord validate"] == "accord validate --format github"
    assert runs["accord diff"].startswith('accord diff "origin/$BASE" --format markdown')
    assert "gh pr comment" in runs["Post the diff as a comment"]
    assert "--edit-last" in runs["Post the diff as a comment"]
    runs = {str(s.get("name")): str(s.get("run", "")) for s in _steps(jobs["approvals"])}
    assert runs["Fetch the reviews"].startswith("gh api --paginate")
    assert runs["accord approvals"].startswith(
        'accord approvals --changed-from "origin/$BASE" --reviews reviews.json'
    )
    uses = [s.get("uses") for s in _steps(jobs["wiki"]) + _steps(jobs["publish"])]
    assert "actions/upload-pages-artifact@v3" in uses
    assert "actions/deploy-pages@v4" in uses
    publish = jobs["publish"]
    assert isinstance(publish, dict)
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    env = flow["env"]
    assert isinstance(env, dict)
    assert str(env["ACCORD_PACKAGE"]).startswith("accord==")


def test_the_gitlab_pipeline_is_the_equivalent(made: Path) -> None:
    ci = _load(made / ".gitlab-ci.yml")
    variables = ci["variables"]
    assert isinstance(variables, dict)
    assert variables["GIT_DEPTH"] == "0"
    scripts = {}
    for job in ("validate", "diff", "approvals", "pages"):
        spec = ci[job]
        assert isinstance(spec, dict)
        scripts[job] = "\n".join(spec["script"])
    assert "accord validate" in scripts["validate"]
    assert "accord diff" in scripts["diff"] and "/notes" in scripts["diff"]
    assert "/approvals" in scripts["approvals"]
    assert "accord approvals" in scripts["approvals"] and "--format gitlab" in scripts["approvals"]
    assert scripts["pages"] == "accord site build --out public"
    pages = ci["pages"]
    assert isinstance(pages, dict)
    assert pages["artifacts"] == {"paths": ["public"]}


def test_actionlint_accepts_the_workflow(made: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (https://github.com/rhysd/actionlint)")
    proc = subprocess.run(
        [actionlint, str(made / ".github/workflows/accord.yml")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("ours\n")
    code, out = run(str(tmp_path), *FULL)
    assert code == 1
    assert out == (
        f"error: {tmp_path} is not empty (notes.txt); use --force to add the missing files "
        "next to what is there (nothing is overwritten)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    (tmp_path / "notes.txt").unlink()
    (tmp_path / "file").write_text("")
    code, out = run(str(tmp_path / "file"))
    assert (code, out) == (1, f"error: {tmp_path / 'file'} is a file; give a directory that "
                              "is new or empty\n")  # fmt: skip


def test_force_keeps_every_existing_file_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n")
    (tmp_path / ".gitignore").write_text("node_modules/\nsite\n")
    code, out = run(str(tmp_path), *FULL, "--force")
    assert code == 0, out
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Ours\n"
    assert (tmp_path / ".gitignore").read_text() == (
        "node_modules/\nsite\n# added by accord init\n.accord/\n"
    )
    lines = out.splitlines()
    assert any(li.split()[:2] == ["kept", "mkdocs.yml"] and "not overwritten" in li for li in lines)
    assert any(
        li.split()[:2] == ["updated", ".gitignore"] and "added .accord/" in li for li in lines
    )
    committed = git(tmp_path, "ls-files").splitlines()
    assert "mkdocs.yml" not in committed  # yours: not committed by accord init
    assert ".gitignore" in committed


def test_force_with_your_own_agreements_adds_none_of_the_starter(made: Path) -> None:
    shutil.rmtree(made / ".git")
    (made / "CODEOWNERS").unlink()
    (made / "agreements/glossary.yaml").unlink()
    code, out = run(str(made), *FULL, "--force")
    assert code == 0, out
    assert not (made / "agreements/glossary.yaml").exists()
    assert "  kept     agreements/" in out and "no starter agreement added" in out
    assert any(li.split()[:2] == ["wrote", "CODEOWNERS"] for li in out.splitlines())


def test_an_existing_repository_gets_no_commit(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    code, out = run(str(tmp_path), *FULL, "--force")
    assert code == 0
    assert f"git: {tmp_path} is already a git repository: nothing was committed" in out
    assert git(tmp_path, "rev-list", "--all") == ""


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--marketing", "femke\n* @evil", "is not a user handle on GitHub or GitLab"),
        ("--sales", "acme/sales", "is not a user handle on GitHub or GitLab"),
        ("--name", "Acme\nkind: Workspace", "the name holds a line break"),
        ("--timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("--timezone", "../../etc/passwd", "is not a time zone"),
        ("--language", "english", "is not a language code"),
        ("--repo-url", "javascript:alert(1)", "is not a web address"),
        ("--package", 'accord" && curl evil', "is not a pip requirement"),
    ],
)
def test_values_written_into_files_are_checked(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    code, out = run(str(tmp_path / "ws"), option, value)
    assert code == 2
    assert message in out
    assert not (tmp_path / "ws").exists()


def test_names_and_urls_that_need_quoting_read_back_the_same(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    name = 'Acme: "Smarketing" #1'
    code, out = run(str(root), "--name", name, "--repo-url", "https://github.com/acme/deals",
                    "--language", "nl")  # fmt: skip
    assert code == 0, out
    result = check_workspace(root, now=fixed(NOW))
    assert result.workspace is not None, result.problems
    assert result.workspace.settings.name == name
    assert result.workspace.settings.repo_url == "https://github.com/acme/deals"
    assert result.workspace.settings.language == "nl"
    assert "Put your people in agreements/teams.yaml" in out  # placeholder handles


def test_the_name_defaults_to_the_directory(tmp_path: Path) -> None:
    code, _ = run(str(tmp_path / "north-star_agreements"))
    assert code == 0
    ws = check_workspace(tmp_path / "north-star_agreements", now=fixed(NOW)).workspace
    assert ws is not None and ws.settings.name == "North star agreements"


def test_a_pull_request_on_the_starter_needs_both_heads(made: Path, tmp_path: Path) -> None:
    from accord._cli_approvals import approvals

    git(made, "checkout", "-q", "-b", "raise-sql-target")
    sla = made / "agreements/marketing-sales-sla.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("{min: 100}", "{min: 120}"))
    subprocess.run(
        ["git", "-C", str(made), "commit", "-qam", "120 SQLs"],
        check=True,
        env={**os.environ, **author_env(("Femke", "f@x.example"), "2026-11-18T11:00:00Z")},
    )
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        '[{"user": {"login": "rvisser"}, "state": "APPROVED",'
        ' "submitted_at": "2026-11-18T09:00:00Z"}]'
    )
    args = ["--changed-from", "main", "--reviews", str(reviews), str(made)]
    result = Cli().invoke(approvals, args)
    assert result.exit_code == 1
    assert (
        "Marketing  ✖ missing: an approval from @fvandijk (Marketing Lead, Head of Marketing)"
        in result.output
    )
    result = Cli().invoke(approvals, [*args, "--author", "fvandijk"])
    assert result.exit_code == 0, result.output


def test_a_commit_git_refuses_is_reported_with_the_files_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\thooksPath = {hooks}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    code, out = run(str(tmp_path / "ws"), *FULL)
    assert code == 1
    assert (
        "git: the first commit failed (policy: no commits today); the files are written: "
        "commit them yourself"
    ) in out
    assert (tmp_path / "ws/agreements/marketing-sales-sla.yaml").is_file()

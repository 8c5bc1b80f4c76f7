"""`accord validate`, `accord schema`, `accord codeowners` and `accord review` through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testclock import Cli

from accord.cli import main

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A valid workspace made of the golden base files."""
    (tmp_path / "agreements").mkdir()
    for path in (GOLDEN / "_base").glob("*.yaml"):
        shutil.copy(path, tmp_path / "agreements" / path.name)
    return tmp_path


def add(ws: Path, case: str) -> None:
    shutil.copy(GOLDEN / f"{case}.yaml", ws / "agreements" / f"{case}.yaml")


def invoke(*args: str) -> tuple[int, str]:
    result = Cli().invoke(main, list(args))
    return result.exit_code, result.output


def test_valid_workspace_exits_0(workspace: Path) -> None:
    code, out = invoke("validate", str(workspace))
    assert (code, out) == (0, "valid: no problems\n")


def test_errors_exit_1_with_positions_relative_to_the_workspace(workspace: Path) -> None:
    add(workspace, "duplicate_id_across_files")
    add(workspace, "unknown_kind")
    code, out = invoke("validate", str(workspace))
    assert code == 1
    assert out.splitlines() == [
        "agreements/duplicate_id_across_files.yaml:2:5: error: duplicate Team id 'sales': also "
        "defined at agreements/teams.yaml:10:5; ids must be unique per kind",
        "agreements/teams.yaml:10:5: error: duplicate Team id 'sales': also defined at "
        "agreements/duplicate_id_across_files.yaml:2:5; ids must be unique per kind",
        "agreements/unknown_kind.yaml:1:7: error: unknown kind 'Agrement'; did you mean "
        "'Agreement'? (kinds: Workspace, Team, Role, Stage, Term, Kpi, Agreement, Ritual, "
        "Questionnaire, Assessment)",
        "3 errors, 0 warnings",
    ]


def test_warnings_pass_unless_strict(workspace: Path) -> None:
    add(workspace, "warn_owner_without_git")
    code, out = invoke("validate", str(workspace))
    assert code == 0
    assert out.endswith("0 errors, 1 warning\n")
    assert ": warning: no owner from marketing has a git handle" in out
    code, _ = invoke("validate", str(workspace), "--strict")
    assert code == 1


def test_json_format(workspace: Path) -> None:
    add(workspace, "warn_owner_without_git")
    add(workspace, "tab_indent")
    code, out = invoke("validate", str(workspace), "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "valid": False,
        "errors": 1,
        "warnings": 1,
        "problems": [
            {
                "file": "agreements/tab_indent.yaml",
                "line": 6,
                "column": 1,
                "severity": "error",
                "message": "YAML syntax error: tab character; indent YAML with spaces, not tabs",
            },
            {
                "file": "agreements/warn_owner_without_git.yaml",
                "line": 5,
                "column": 9,
                "severity": "warning",
                "message": "no owner from marketing has a git handle; add 'git:' to a holder of "
                "an owner role from marketing so CODEOWNERS asks them to approve",
            },
        ],
    }


def test_json_format_valid_and_strict(workspace: Path) -> None:
    code, out = invoke("validate", str(workspace), "--format", "json")
    assert code == 0
    assert json.loads(out) == {"valid": True, "errors": 0, "warnings": 0, "problems": []}
    add(workspace, "warn_owner_without_git")
    code, out = invoke("validate", str(workspace), "--format", "json", "--strict")
    assert code == 1
    assert json.loads(out)["valid"] is False


def test_github_format(workspace: Path) -> None:
    add(workspace, "warn_owner_without_git")
    add(workspace, "percentage_over_100")
    code, out = invoke("validate", str(workspace), "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=agreements/percentage_over_100.yaml,line=11,col=19::target.min: "
        "percentage 105%25 is over 100%25; a share is 0%25 to 100%25",
        "::warning file=agreements/warn_owner_without_git.yaml,line=5,col=9::no owner from "
        "marketing has a git handle; add 'git:' to a holder of an owner role from marketing so "
        "CODEOWNERS asks them to approve",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "xml"],
        ["validate", "--no-such-option"],
        ["validate", "a", "b"],
    ],
)
def test_usage_errors_exit_2(args: list[str], workspace: Path) -> None:
    code, out = invoke(*args)
    assert code == 2
    assert "Usage:" in out


def test_a_file_as_path_is_a_usage_error(workspace: Path) -> None:
    code, out = invoke("validate", str(workspace / "agreements" / "teams.yaml"))
    assert code == 2
    assert "is not a directory" in out or "is a file" in out


def test_missing_agreements_folder(tmp_path: Path) -> None:
    code, out = invoke("validate", str(tmp_path))
    assert code == 1
    assert out.startswith("agreements:1:1: error: no agreement files")


def test_subprocess_exit_codes_and_no_traceback(workspace: Path) -> None:
    add(workspace, "alias_bomb")
    proc = subprocess.run(
        [sys.executable, "-c", "from accord.cli import run; run()", "validate", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "agreements/alias_bomb.yaml:5:13: error: anchor '&a0' is not allowed" in proc.stdout


def test_schema_is_json_with_every_kind() -> None:
    code, out = invoke("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    kinds = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["oneOf"]}
    assert {"WorkspaceDoc", "Team", "Agreement", "Assessment"} <= kinds
    assert len(kinds) == 10


def test_codeowners_names_both_sides(workspace: Path) -> None:
    code, out = invoke("codeowners", str(workspace))
    assert code == 0
    assert "/agreements/sla.yaml @ejansen @jdeboer" in out.splitlines()


def test_codeowners_refuses_an_invalid_workspace(workspace: Path) -> None:
    add(workspace, "unknown_kind")
    result = Cli().invoke(main, ["codeowners", str(workspace)])
    assert result.exit_code == 1


def test_review_lists_overdue_agreements(workspace: Path) -> None:
    add(workspace, "warn_review_passed")
    code, out = invoke("review", str(workspace), "--within", "0")
    assert code == 0
    assert "2026-05-31  onboarding  (overdue by" in out
    assert "marketing-sales-sla" not in out

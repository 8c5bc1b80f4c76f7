"""Hostile input: the reading and validating part of the catalogue in docs/reliability.md.

Each case is something an agreement file, a file name, a link or a store URL can
hold to make Accord leak a secret, accept nonsense, crash, or let one side
approve alone. The messages are pinned by the golden cases named in
`CATALOGUE_GOLDEN` (tests/accord/golden/, see test_validate_golden.py); the
cases without a single message to pin are parametrised here.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml.error import MarkedYAMLError
from testclock import NOW, Cli, fixed

import accord.loading._yaml as yaml_reader
from accord.cli import main
from accord.domain import model as m
from accord.domain.errors import LoadError, clip, redact_url
from accord.loading._yaml import MAX_BYTES, _syntax_problem, parse_documents
from accord.loading.codeowners import codeowners, is_handle
from accord.loading.output import format_problems
from accord.loading.validate import check_workspace, load_workspace

GOLDEN = Path(__file__).parents[1] / "golden"
SECRET = "S3CRET-hunter2"

CATALOGUE_GOLDEN = [
    # semantics: numbers, durations, warn bounds, where filters
    "number_not_finite",
    "number_too_large",
    "duration_out_of_range",
    "negative_duration",
    "warn_wrong_side",
    "where_wrong_types",
    "on_yes_for_bool",
    "percentage_over_100",
    # approvals: handles, e-mail addresses, parties
    "git_handle_injection",
    "duplicate_party",
    "owned_by_one_side",
    # messages: one line, never more than the token
    "long_value_one_line",
    "env_file_as_yaml",
    "top_level_scalar",
]
"""Golden cases that belong to the catalogue (each pins its exact messages)."""

_LINE = re.compile(r"^agreements(/[^\s:]+)?:\d+:\d+: (error|warning): \S.*$")


def _workspace(root: Path) -> Path:
    """A valid workspace (the golden base files) at `root`."""
    (root / "agreements").mkdir(parents=True)
    for path in (GOLDEN / "_base").glob("*.yaml"):
        shutil.copy(path, root / "agreements" / path.name)
    return root


def _text(root: Path) -> str:
    return format_problems(check_workspace(root, now=fixed(NOW)).problems, "text")


# --- the golden cases of the catalogue -------------------------------------------------


@pytest.mark.parametrize("name", CATALOGUE_GOLDEN)
def test_catalogue_case_is_pinned_and_every_message_is_one_line(name: str) -> None:
    assert (GOLDEN / f"{name}.yaml").is_file(), name
    lines = (GOLDEN / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    *messages, summary = lines
    assert messages and re.fullmatch(r"\d+ errors?, \d+ warnings?", summary)
    for line in messages:
        assert _LINE.match(line), line
        assert len(line) < 400, line


# --- YAML: messages never quote the file ----------------------------------------------

SYNTAX_ERRORS = [
    f"password: {SECRET}: x\n",
    f"a: [{SECRET}, 2\n",
    f"a: '{SECRET}\n",
    f'a: "\\q {SECRET}"\n',
    f'a: "{SECRET}\\xZZ"\n',
    f"key {SECRET}\nother: 1\n",
    f"a: b\n{SECRET}\n",
    f"- a\n{SECRET}: 1\n",
    f"a: 'x' {SECRET}\n",
    f'a: "x" {SECRET}\n',
    f"{{a: {SECRET}}}}}\n",
    f"a: |\n  x\n {SECRET}\n",
    f"a: `{SECRET}\n",
    f"%{SECRET} bar\n---\na: 1\n",
    f"a:\n  - b\n  {SECRET}: d\n",
    f"a: x #c\n  {SECRET}: z\n",
]


@pytest.mark.parametrize("parser", ["c", "pure"])
@pytest.mark.parametrize("text", SYNTAX_ERRORS)
def test_syntax_errors_never_quote_the_line(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser == "pure":  # ruamel's own parser, used when the C parser is missing
        monkeypatch.setattr(yaml_reader, "HAVE_CLIB", False)
    try:
        parse_documents(text, "agreements/x.yaml")
    except LoadError as exc:
        problems = exc.problems
    else:  # the pure parser skips an unknown directive; nothing is said, nothing leaks
        assert parser == "pure" and text.startswith("%")
        return
    assert problems
    for problem in problems:
        assert SECRET not in problem.message
        assert "\n" not in problem.message


def test_parser_words_are_cut_to_the_token() -> None:
    """Should a parser ever quote a line, only its own words are kept."""
    exc = MarkedYAMLError(
        context="while scanning a plain scalar",
        problem=f"found '{SECRET} = the whole line' that cannot start any token\n  {SECRET}\n",
    )
    problem = _syntax_problem(exc, "agreements/x.yaml", f"{SECRET} = the whole line\n")
    assert SECRET not in problem.message
    assert problem.message == (
        "YAML syntax error: found '…' that cannot start any token (while scanning a plain scalar)"
    )


NOT_AGREEMENTS = {
    "env": f"API_KEY=sk-live-{SECRET}\nDB_PASSWORD={SECRET}\n",
    "private key": f"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl{SECRET}\n-----END OPENSSH\n",
    "token": f"ghp_{SECRET}\n",
    "number": "4111111111111111\n",
}


@pytest.mark.parametrize("text", NOT_AGREEMENTS.values(), ids=NOT_AGREEMENTS.keys())
def test_a_file_that_is_not_a_mapping_is_never_quoted(text: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse_documents(text, "agreements/x.yaml")
    (problem,) = caught.value.problems
    assert SECRET not in problem.message and "4111" not in problem.message
    assert problem.message.startswith("expected a mapping with 'kind:' at the top")


@pytest.mark.parametrize("digits", [401, 4301, 20000])
def test_huge_integers_are_refused_not_a_traceback(digits: int, tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "agreements" / "huge.yaml").write_text(
        f"kind: Stage\nid: huge\nname: Huge\nowner: sales\ndefinition: x\norder: {'9' * digits}\n",
        encoding="utf-8",
    )
    text = _text(root)
    assert text.splitlines()[0] == (
        f"agreements/huge.yaml:6:8: error: order: 99999999999999999999999… ({digits} digits) is "
        "too large; numbers in agreements are at most 1,000,000,000,000 (a trillion) in size"
    )
    assert "9" * 30 not in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("x" * 100, "x" * 59 + "…"),
        ("\u202e", "\\u202e"),
    ],
)
def test_clip_keeps_a_quote_to_one_short_line(value: str, shown: str) -> None:
    assert clip(value) == shown


# --- links and files: only the workspace is read ----------------------------------------


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(f"kind: Term\nid: leak\nterm: {SECRET}\ndefinition: {SECRET}\n")
    return secret


def _link_to_a_file_outside(tmp_path: Path, root: Path) -> str:
    (root / "agreements" / "link.yaml").symlink_to(_outside(tmp_path))
    return "agreements/link.yaml:1:1: error: this file is a link to a file outside the workspace"


def _link_with_yml_suffix(tmp_path: Path, root: Path) -> str:
    (root / "agreements" / "link.yml").symlink_to(_outside(tmp_path))
    return "agreements/link.yml:1:1: error: this file is a link to a file outside the workspace"


def _link_through_the_workspace(tmp_path: Path, root: Path) -> str:
    (root / "inside.yaml").symlink_to(_outside(tmp_path))
    (root / "agreements" / "chain.yaml").symlink_to(Path("..") / "inside.yaml")
    return "agreements/chain.yaml:1:1: error: this file is a link to a file outside the workspace"


def _relative_link_up_and_out(tmp_path: Path, root: Path) -> str:
    _outside(tmp_path)
    (root / "agreements" / "up.yaml").symlink_to(Path("../../outside/secret.yaml"))
    return "agreements/up.yaml:1:1: error: this file is a link to a file outside the workspace"


def _link_in_a_subfolder(tmp_path: Path, root: Path) -> str:
    (root / "agreements" / "deep" / "er").mkdir(parents=True)
    (root / "agreements" / "deep" / "er" / "x.yaml").symlink_to(_outside(tmp_path))
    return "agreements/deep/er/x.yaml:1:1: error: this file is a link to a file outside"


def _agreements_folder_is_a_link(tmp_path: Path, root: Path) -> str:
    outside = _outside(tmp_path).parent
    shutil.rmtree(root / "agreements")
    (root / "agreements").symlink_to(outside, target_is_directory=True)
    return "agreements:1:1: error: agreements/ is a link to a folder outside the workspace"


LINKS = {
    "file outside": _link_to_a_file_outside,
    ".yml link": _link_with_yml_suffix,
    "chain via the workspace": _link_through_the_workspace,
    "relative ../..": _relative_link_up_and_out,
    "in a subfolder": _link_in_a_subfolder,
    "agreements/ itself": _agreements_folder_is_a_link,
}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize("make", LINKS.values(), ids=LINKS.keys())
def test_links_out_of_the_workspace_are_refused_by_name(
    make: Callable[[Path, Path], str], tmp_path: Path
) -> None:
    root = _workspace(tmp_path / "ws")
    expected = make(tmp_path, root)
    code, out = _validate(root)
    assert code == 1
    assert SECRET not in out and "outside/secret" not in out
    assert any(line.startswith(expected) for line in out.splitlines()), out


def _validate(root: Path) -> tuple[int, str]:
    result = Cli().invoke(main, ["validate", str(root)])
    return result.exit_code, result.output


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_links_inside_the_workspace_are_read(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    (root / "shared").mkdir()
    (root / "shared" / "glossary.yaml").write_text(
        "kind: Term\nid: mql\nterm: MQL\ndefinition: A marketing-qualified lead.\n"
    )
    (root / "agreements" / "glossary.yaml").symlink_to(Path("../shared/glossary.yaml"))
    ws = load_workspace(root, now=fixed(NOW))
    assert "mql" in ws.terms


NOT_READ = {
    "broken link": lambda root, tmp: (root / "agreements/gone.yaml").symlink_to(tmp / "nothing"),
    "link to /dev/zero": lambda root, tmp: (root / "agreements/zero.yaml").symlink_to("/dev/zero"),
    "fifo": lambda root, tmp: os.mkfifo(root / "agreements/pipe.yaml"),
    "folder link outside": lambda root, tmp: (root / "agreements/more").symlink_to(
        _outside(tmp).parent, target_is_directory=True
    ),
    "link loop": lambda root, tmp: (root / "agreements/loop.yaml").symlink_to("loop.yaml"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and fifos")
@pytest.mark.parametrize("make", NOT_READ.values(), ids=NOT_READ.keys())
def test_what_is_not_a_regular_file_is_not_read(
    make: Callable[[Path, Path], object], tmp_path: Path
) -> None:
    root = _workspace(tmp_path / "ws")
    make(root, tmp_path)
    started = time.monotonic()
    result = check_workspace(root, now=fixed(NOW))
    assert time.monotonic() - started < 10
    # nothing read, nothing leaked, the rest still valid; a folder link is named (warning)
    assert [p.format() for p in result.problems if p.file != "agreements/more"] == []
    assert [p.format() for p in result.problems if p.file == "agreements/more"] == (
        [FOLDER_LINK_WARNING] if (root / "agreements/more").is_symlink() else []
    )


FOLDER_LINK_WARNING = (
    "agreements/more:1:1: warning: this is a link to a folder; Accord does not read folders "
    "through links, so the agreements in it are not checked, measured or published (move "
    "the folder here, or link each file)"
)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_folder_link_inside_the_workspace_is_named_not_followed(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    (root / "shared").mkdir()
    (root / "shared" / "glossary.yaml").write_text(
        "kind: Term\nid: mql\nterm: MQL\ndefinition: A marketing-qualified lead.\n"
    )
    (root / "agreements" / "more").symlink_to(Path("../shared"), target_is_directory=True)
    result = check_workspace(root, now=fixed(NOW))
    assert [p.format() for p in result.problems] == [FOLDER_LINK_WARNING]
    assert result.workspace is not None and "mql" not in result.workspace.terms
    code, out = _validate(root)
    assert code == 0 and FOLDER_LINK_WARNING in out


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    big = root / "agreements" / "big.yaml"
    with big.open("wb") as handle:  # sparse: 4 GiB on the books, nothing on disk
        handle.truncate(4 * 1024**3)
    started = time.monotonic()
    text = _text(root)
    assert time.monotonic() - started < 5
    assert text.splitlines()[0] == (
        f"agreements/big.yaml:1:1: error: file is {4 * 1024**3:,} bytes; agreement files may "
        f"be at most {MAX_BYTES:,} bytes (split it into several files)"
    )


BAD_NAMES = {
    "space": ("agreements/my sla.yaml", "agreements/my sla.yaml", "a space"),
    "line break": (
        "agreements/x\n* @evil.yaml",
        "agreements/x\\n* @evil.yaml",
        "the invisible character U+000A",
    ),
    "hash": ("agreements/#sla.yaml", "agreements/#sla.yaml", "the character '#'"),
    "star": ("agreements/*.yaml", "agreements/*.yaml", "the character '*'"),
    "bang": ("agreements/!sla.yaml", "agreements/!sla.yaml", "the character '!'"),
    "backslash": ("agreements/a\\b.yaml", "agreements/a\\b.yaml", "the character '\\'"),
}


@pytest.mark.parametrize(("name", "shown", "why"), BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_file_names_codeowners_cannot_hold_are_refused(name: str, shown: str, why: str) -> None:
    files = {f"agreements/{p.name}": p.read_bytes() for p in (GOLDEN / "_base").glob("*.yaml")}
    files[name] = b"kind: Term\nid: t\nterm: T\ndefinition: D\n"
    problems = check_workspace(Path("/nonexistent"), files=files, now=fixed(NOW)).problems
    assert [p.format() for p in problems] == [
        f"{shown}:1:1: error: the file's name holds {why}, which CODEOWNERS cannot match "
        "safely; rename it with letters, digits, '-', '_', '.' and '/'"
    ]


# --- approvals: handles and CODEOWNERS --------------------------------------------------

HANDLES = {
    "rvisser": True,
    "@rvisser": True,
    "r.visser_2-x": True,
    "acme/sales-leads": True,
    "@acme/sales-leads": True,
    "a" * 39: True,
    "rvisser\n* @evil": False,
    "rvisser @attacker": False,
    "rvisser\n": False,
    "@@rvisser": False,
    "-rvisser": False,
    "a" * 40: False,
    "acme/": False,
    "acme/sales/leads": False,
    "rvisser,evil": False,
    "*": False,
    "": False,
    "röb": False,
}


@pytest.mark.parametrize(("handle", "valid"), HANDLES.items(), ids=[repr(h) for h in HANDLES])
def test_git_handles_have_the_forge_syntax(handle: str, valid: bool) -> None:
    assert is_handle(handle) is valid
    try:
        person = m.Person(id="p", name="P", git=handle)
    except ValueError:
        assert not valid
    else:
        assert valid and person.git == handle.removeprefix("@")


EMAILS = {
    "ruben.visser@roosterwerk.example": True,
    "a+tag@b.co.uk": True,
    "not-an-address": False,
    "a@localhost": False,
    "a b@c.example": False,
    "Judy <judy@c.example>": False,
    "x@c.example\nBcc: y@c.example": False,
    "x@c.example,y@c.example": False,
    "x@-c.example": False,
}


@pytest.mark.parametrize(("email", "valid"), EMAILS.items(), ids=[repr(e) for e in EMAILS])
def test_emails_have_a_sane_form(email: str, valid: bool) -> None:
    try:
        m.Person(id="p", name="P", email=email)
    except ValueError:
        assert not valid
    else:
        assert valid


@pytest.mark.parametrize(
    "handle",
    ["rvisser\n* @evil", "rvisser @attacker", "x\n/agreements/ @evil", "@", "a" * 40],
    ids=repr,
)
def test_codeowners_never_writes_what_is_not_a_handle(handle: str, tmp_path: Path) -> None:
    """The second line of defence: a handle that slipped past validation is left out."""
    root = _workspace(tmp_path / "ws")
    ws = load_workspace(root, now=fixed(NOW))
    team = ws.teams["marketing"]
    eva = team.members[0]
    ws.teams["marketing"] = team.model_copy(
        update={"members": [eva.model_copy(update={"git": handle}), *team.members[1:]]}
    )
    ws.__dict__.pop("people", None)  # the cached person index, built while validating
    assert [h.person.git for h in ws.holders("head-of-marketing")] == [handle]
    lines = codeowners(ws)
    assert lines
    for line in lines:
        assert re.fullmatch(r"/\S+( @[A-Za-z0-9][A-Za-z0-9_./-]*)+", line), line
        assert "evil" not in line and "attacker" not in line
    assert all("@ejansen" not in line for line in lines)  # eva's handle is the bad one


def test_codeowners_skips_a_path_it_cannot_hold(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    ws = load_workspace(root, now=fixed(NOW))
    doc = ws.sources[("Agreement", "marketing-sales-sla")]
    doc.file = "agreements/sla.yaml\n* @evil"
    lines = codeowners(ws)
    assert lines and all("sla.yaml" not in line and "evil" not in line for line in lines)


def test_a_leading_at_is_dropped_not_doubled(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    teams = root / "agreements" / "teams.yaml"
    teams.write_text(teams.read_text().replace("git: ejansen", 'git: "@ejansen"'))
    lines = codeowners(load_workspace(root, now=fixed(NOW)))
    assert any(" @ejansen" in line for line in lines)
    assert not any("@@" in line for line in lines)


# --- secrets in store URLs --------------------------------------------------------------

URLS = {
    "postgresql://u:pw-S3CRET@db/x": "postgresql://u:***@db/x",
    "postgresql://u:p@S3CRET@db/x": "postgresql://u:***@db/x",
    "postgresql://u:p/S3CRET@db:5432/x": "postgresql://u:***@db:5432/x",
    "postgresql://u@db/x?password=S3CRET": "postgresql://u@db/x?password=***",
    "postgresql://db/x?sslmode=require&password=S3CRET&connect_timeout=5": (
        "postgresql://db/x?sslmode=require&password=***&connect_timeout=5"
    ),
    "postgresql://db/x?PASSWORD=S3CRET": "postgresql://db/x?PASSWORD=***",
    "postgresql://db/x?pwd=S3CRET": "postgresql://db/x?pwd=***",
    "postgresql://db/x?sslpassword=S3CRET": "postgresql://db/x?sslpassword=***",
    "postgresql://db/x?pass%77ord=S3CRET": "postgresql://db/x?pass%77ord=***",
    "postgresql://db/x?password=S3CRET#frag": "postgresql://db/x?password=***#frag",
    "mssql://db/x?access_token=S3CRET&api_key=S3CRET": "mssql://db/x?access_token=***&api_key=***",
    "snowflake://u@acct/db?private_key=S3CRET": "snowflake://u@acct/db?private_key=***",
    "x://h/y?client_secret=S3CRET;auth=S3CRET": "x://h/y?client_secret=***;auth=***",
    "cannot reach postgresql://u:S3CRET@db/x?password=S3CRET: timed out": (
        "cannot reach postgresql://u:***@db/x?password=*** timed out"
    ),
    "host=db user=u password=S3CRET dbname=x": "host=db user=u password=*** dbname=x",
    # nothing secret: unchanged
    "sqlite:///.accord/funnel.db": "sqlite:///.accord/funnel.db",
    "postgresql://u@db:5432/x?sslmode=require": "postgresql://u@db:5432/x?sslmode=require",
    "mongodb://db/x?authSource=admin": "mongodb://db/x?authSource=admin",
}


@pytest.mark.parametrize(("url", "shown"), URLS.items(), ids=list(URLS))
def test_store_urls_are_shown_without_secrets(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "S3CRET" not in redact_url(url)

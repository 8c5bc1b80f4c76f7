"""`accord diff --format markdown|json`: a pull-request comment that stays inert whatever
the YAML says, and a JSON object of a documented, stable shape."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import markdown
from changes_kit import BRANCH, Repo, branch_repo, files, run_diff

from accord.changes import md

TITLE = (
    "<script>alert(1)</script> [x](javascript:alert(2)) ![i](https://x.example/i.png) "
    "<img src=x onerror=alert(3)> @everyone **bold** `code` | a | $x$ ~~s~~ &amp; \\"
)
CRITERION = "# heading? <b onclick=alert(4)>b</b> [y]: javascript:alert(5) @acme/security"
NAME = "Mallory <i>[z](javascript:alert(6))</i>"


class Tags(HTMLParser):
    """Every element with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _hostile_repo(root: Path) -> Repo:
    repo = Repo(root)
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    repo.git("checkout", "-q", "-b", "hostile")
    changed = files(title=TITLE, criteria=f'"Company has 50 or more employees", "{CRITERION}"')
    changed["agreements/teams.yaml"] = changed["agreements/teams.yaml"].replace(
        "name: Eva Jansen", f"name: {json.dumps(NAME)}"
    )
    del changed["agreements/glossary.yaml"]
    changed["agreements/<b>`g`</b>.yaml"] = files()["agreements/glossary.yaml"]
    repo.replace(changed)
    return repo


def test_hostile_yaml_is_inert_in_the_comment(tmp_path: Path) -> None:
    repo = _hostile_repo(tmp_path / "ws")
    result = run_diff("-w", str(repo.root), "--format", "markdown")
    assert result.exit_code == 0, result.output
    comment = result.output
    assert "<script" not in comment and "<img" not in comment and "<b" not in comment
    assert "@everyone" not in comment and "@acme/security" not in comment  # no mentions
    assert "@\u2060everyone" in comment
    assert "@ejansen" in comment  # an approver's handle is a mention on purpose
    for line in comment.splitlines():
        assert not line.startswith("# "), line  # only the report's own headings
    html = markdown.markdown(comment)
    scan = Tags()
    scan.feed(html)
    allowed = {"h2", "h3", "p", "ul", "li", "em", "strong", "code"}
    assert {tag for tag, _ in scan.tags} <= allowed
    assert all(attrs == {} for _, attrs in scan.tags)  # no href, src or on…= anywhere
    visible = " ".join("".join(scan.text).split())
    assert "<script>alert(1)</script>" in visible
    assert "[x](javascript:alert(2))" in visible
    assert "<img src=x onerror=alert(3)>" in visible
    assert "<b onclick=alert(4)>b</b>" in visible
    assert "Mallory <i>" in visible
    assert "<b>`g`</b>.yaml" in visible


def test_md_escapes_markdown_and_html() -> None:
    assert md("a <b> & c") == "a &lt;b&gt; &amp; c"
    assert md("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert (
        md("*a* _b_ `c` |d| ~e~ $f$ !g \\")
        == "\\*a\\* \\_b\\_ \\`c\\` \\|d\\| \\~e\\~ \\$f\\$ \\!g \\\\"
    )
    assert md("# not a heading") == "\\# not a heading"
    assert md("1. not a list") == "1\\. not a list"
    assert md("- nor this") == "\\- nor this"
    assert md("two\nlines") == "two lines"
    assert md("mail @team") == "mail @\u2060team"


KEYS = {"schema", "language", "base", "head", "entities", "moved", "impact", "approvals", "notes"}


def test_json_schema(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    result = run_diff("-w", str(repo.root), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == KEYS
    assert data["schema"] == 1 and data["language"] == "en"
    assert data["base"] == {
        "rev": "main",
        "commit": repo.git("merge-base", "main", "HEAD"),
        "merge_base": True,
        "tip": repo.git("rev-parse", "main"),
        "working_tree": False,
        "label": data["base"]["label"],
        "valid": True,
    }
    assert data["base"]["label"].startswith("the merge base of HEAD with main (")
    assert data["head"] == {
        "rev": None,
        "commit": None,
        "merge_base": False,
        "tip": None,
        "working_tree": True,
        "label": "the working tree",
        "valid": True,
    }
    assert data["impact"] is None and data["notes"] == []
    kinds = [(e["kind"], e["id"], e["change"]) for e in data["entities"]]
    assert kinds == [
        ("Agreement", "marketing-sales-sla", "changed"),
        ("Kpi", "hot-lead-response", "changed"),
        ("Stage", "sql", "changed"),
        ("Role", "head-of-sales", "changed"),
    ]
    sla = data["entities"][0]
    assert set(sla) == {"kind", "id", "name", "change", "file", "lines", "fields"}
    assert sla["file"] == {"before": "agreements/sla.yaml", "after": BRANCH["sla_path"]}
    target = next(f for f in sla["fields"] if f["path"] == "commitments[sql-volume].target.min")
    assert target == {
        "path": "commitments[sql-volume].target.min",
        "op": "changed",
        "old": 100,
        "new": 120,
        "text": "SQL volume target raised from 100 to 120 a month (+20%)",
    }
    added = next(f for f in sla["fields"] if f["path"] == "commitments[sql-weekly]")
    assert added["op"] == "added" and added["old"] is None and added["new"]["target"] == {"min": 25}
    assert data["moved"] == [
        {
            "kind": "Term",
            "id": "hot-lead",
            "name": "hot lead",
            "file": {"before": "agreements/glossary.yaml", "after": BRANCH["glossary_path"]},
        },
        {
            "kind": "Term",
            "id": "sql",
            "name": "SQL",
            "file": {"before": "agreements/glossary.yaml", "after": BRANCH["glossary_path"]},
        },
    ]
    (approval,) = data["approvals"]
    assert approval["agreement"] == "marketing-sales-sla"
    assert approval["reasons"] == [
        "changed", "role:head-of-sales", "kpi:hot-lead-response", "stage:sql"
    ]  # fmt: skip
    assert approval["sides"] == [
        {
            "team": "marketing",
            "name": "Marketing",
            "approvers": [
                {
                    "id": "eva",
                    "name": "Eva Jansen",
                    "git": "ejansen",
                    "roles": ["Head of Marketing"],
                }
            ],
            "note": None,
        },
        {  # who may approve is read from BASE: Jan, not Sanne who takes the role over
            "team": "sales",
            "name": "Sales",
            "approvers": [
                {"id": "jan", "name": "Jan de Boer", "git": "jdeboer", "roles": ["Head of Sales"]}
            ],
            "note": None,
        },
    ]


def test_json_never_shows_a_store_password(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    ws = repo.root / "agreements/workspace.yaml"
    ws.write_text(
        ws.read_text(encoding="utf-8").replace(
            "store: sqlite:///.accord/funnel.db", "store: postgresql://acme:s3cret@db/funnel"
        ),
        encoding="utf-8",
    )
    for fmt in ("json", "markdown", "text"):
        output = run_diff("-w", str(repo.root), "--format", fmt).output
        assert "s3cret" not in output and "acme:" in output, fmt

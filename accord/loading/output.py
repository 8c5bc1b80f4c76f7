"""Formatting validation problems as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json

from accord.domain.errors import Problem


def _escape_github(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_problems(problems: list[Problem], fmt: str, *, strict: bool = False) -> str:
    """The problems as `fmt` (text, json or github); warnings count as errors under strict."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if fmt == "json":
        return json.dumps(
            {
                "valid": errors == 0 and not (strict and warnings),
                "errors": errors,
                "warnings": warnings,
                "problems": [p.to_dict() for p in problems],
            },
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "github":
        lines = [
            f"::{p.severity} file={_escape_github(p.file, prop=True)},line={p.line},"
            f"col={p.col}::{_escape_github(p.message)}"
            for p in problems
        ]
        return "\n".join(lines)
    lines = [p.format() for p in problems]
    lines.append(summary(errors, warnings))
    return "\n".join(lines)


def summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not errors and not warnings:
        return "valid: no problems"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"

"""Rich styles from the current theme's variables (so themes and NO_COLOR work)."""

from __future__ import annotations

from rich.style import Style
from textual.app import App
from textual.color import Color, ColorParseError

from tui.logic import STATUS_STYLE

_cache: dict[tuple[int, str], dict[str, str]] = {}


def _variables(app: App[object]) -> dict[str, str]:
    """The theme's CSS variables, computed once per app and theme."""
    key = (id(app), app.theme)
    if key not in _cache:
        _cache.clear()
        _cache[key] = app.get_css_variables()
    return _cache[key]


def theme_style(app: App[object], variable: str, *, bold: bool = False) -> Style:
    """The colour of the theme variable `variable` (e.g. ``"error"``) as a Rich style.

    Translucent colours are blended onto the theme's background.
    """
    variables = _variables(app)
    try:
        colour = Color.parse(variables[variable])
        if colour.a < 1:
            colour = Color.parse(variables.get("background", "#000000")) + colour
    except (KeyError, ColorParseError):
        return Style(bold=bold)
    return Style(color=colour.rich_color, bold=bold)


def status_style(app: App[object], status: str) -> Style:
    """The style of a status word: `$error` for breached, `$success` for met, …"""
    return theme_style(app, STATUS_STYLE.get(status, "foreground"), bold=status == "breached")

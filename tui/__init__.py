"""The Accord live dashboard (`accord dash`), built with Textual.

`tui.app.make_app` builds the app; `tui.data` is the one seam to the store and
metric engine; `tui.logic` holds the pure formatting and time functions.
"""

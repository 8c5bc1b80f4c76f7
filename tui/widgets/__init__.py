"""The dashboard's panels: one widget per file."""

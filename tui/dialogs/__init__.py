"""Small modal dialogs: time travel and filter."""

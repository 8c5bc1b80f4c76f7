"""The dashboard's screens: main, commitment detail, help."""

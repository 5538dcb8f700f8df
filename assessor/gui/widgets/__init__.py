"""Widgets, style, fonts and dialogs shared by every screen."""

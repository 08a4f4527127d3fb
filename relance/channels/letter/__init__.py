"""Postal letters: A4 PDF reminders, rendered for a whole run in one pass."""

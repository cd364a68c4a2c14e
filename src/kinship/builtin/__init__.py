"""Builtin plugins: vCard, iCalendar and JSON backup formats, and the default strategies."""

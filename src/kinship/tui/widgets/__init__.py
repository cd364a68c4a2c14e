"""Widgets: the Line-API contact list and the two detail panes."""

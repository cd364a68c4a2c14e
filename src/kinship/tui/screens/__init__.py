"""Screens: main (three panes), Today, help, brief, forms, import."""

"""Screens: main (three panes), Today, help, brief, import (forms are in ``tui/dialogs``)."""

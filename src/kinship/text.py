"""Untrusted text made safe to show: control characters never reach the terminal raw."""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, C1 controls, and bidi overrides that can disguise text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ALL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, single_line: bool = True) -> str:
    """Show control characters as ``\\x1b`` escapes (for the CLI's plain output)."""
    return (_CONTROL_ALL if single_line else _CONTROL).sub(_visible, text)


def strip_controls(text: str, *, single_line: bool = True) -> str:
    """Remove control characters (for the TUI); newlines become spaces on one line."""
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return (_CONTROL_ALL if single_line else _CONTROL).sub("", text)

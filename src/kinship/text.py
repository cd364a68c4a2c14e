"""Untrusted text made safe to show: nothing that moves the cursor, recolours the terminal,
reorders or hides text reaches a terminal raw.

One rule for both faces of kinship. The characters it covers are:

- controls (Unicode ``Cc``: C0 but tab/newline in multi-line text, DEL, C1), which terminals
  obey as commands (``ESC [ 2 J`` clears the screen, ``ESC ] 8`` makes a link, BEL rings);
- format characters (``Cf``): zero-width space/joiners, the word joiner, the BOM, the soft
  hyphen, bidi marks (U+200E, U+200F, U+061C) and bidi controls (U+202A–U+202E,
  U+2066–U+2069), invisible tags (U+E0000 block). They are invisible, or reorder what follows,
  and terminals disagree on their width, which shifts the app's borders;
- the line and paragraph separators U+2028/U+2029 (``Zl``/``Zp``), which some terminals break
  lines on.

The CLI shows each of them as a visible escape (:func:`visible`: ``\\x1b``, ``\\u200b``,
``\\U000e0041``), so a name that *looks* like another still reads differently and grep finds
it. The app removes them (:func:`strip_controls`; separators and newlines become a space on
one line, a newline in multi-line text), so every cell it draws is one the terminal draws.
JSON output is exact data: hidden characters are written with JSON's own ``\\u`` escapes
(:func:`json_safe`), so a parser gets them back and a terminal never sees them raw.
Right-to-left text, combining marks, emoji and wide CJK characters are ordinary text and pass
unchanged.
"""

from __future__ import annotations

import re

# Unicode Cf (format) ranges, then Zl/Zp. ``tests/test_text.py`` checks this list against
# ``unicodedata`` so a Python with a newer Unicode cannot leave one out unnoticed.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_SEPARATORS = "\u2028\u2029"

#: Everything but tab and newline (multi-line text keeps those).
_HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}{_SEPARATORS}]")
#: Everything, tab and newline included (one line).
_HIDDEN_ALL = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}{_SEPARATORS}]")
#: What :func:`strip_controls` removes; line breaks are handled before.
_REMOVE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str, *, single_line: bool = True) -> str:
    """Show hidden characters as escapes (``\\x1b``, ``\\u200b``) for the CLI's plain output.

    With ``single_line`` False, newlines and tabs are kept as they are.
    """
    return (_HIDDEN_ALL if single_line else _HIDDEN).sub(_visible, text)


def strip_controls(text: str, *, single_line: bool = True) -> str:
    """Remove hidden characters (for the app's cells).

    On one line, line breaks (``\\r\\n``, ``\\n``, U+2028, U+2029) and tabs become a space;
    in multi-line text, U+2028/U+2029 become a newline and tabs stay.
    """
    if single_line:
        for brk in ("\r\n", "\n", "\t", "\u2028", "\u2029"):
            if brk in text:
                text = text.replace(brk, " ")
    else:
        for brk in ("\u2028", "\u2029"):
            if brk in text:
                text = text.replace(brk, "\n")
    return _REMOVE.sub("", text)


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with hidden characters inside its strings written as
    JSON's own ``\\uXXXX`` escapes: the data parses back exactly, and none reaches a
    terminal raw (``json.dumps`` escapes only U+0000–U+001F; a C1 CSI or a bidi override
    would pass). Structural newlines of indented JSON are kept."""
    return _HIDDEN.sub(_json_escape, dumped)


def has_hidden(text: str) -> bool:
    """True when :func:`visible` would change ``text`` (on one line)."""
    return _HIDDEN_ALL.search(text) is not None


# --------------------------------------------------------------------------- presenter mode

#: What a masked value looks like (the same width whatever it hides).
MASK = "•••"
MASK_PLAIN = "***"

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: an optional +, then digits with the usual separators. Only runs with a +
# and 7+ digits, or 9+ digits, count: dates (8 digits), years and counts are left alone.
_PHONE = re.compile(r"(?<![\w+])(\+?\(?\d[\d ().\-/]{5,}\d)(?!\w)")


def mask_contact_details(text: str, *, mask: str = MASK) -> str:
    """``text`` with email addresses and phone numbers in it replaced by ``mask``.

    For free text shown in presenter mode (names, summaries, reasons): what looks like an
    email or a phone number is hidden, everything else stays readable.
    """
    if "@" in text:
        text = _EMAIL.sub(mask, text)

    def phone(m: re.Match[str]) -> str:
        run = m.group(1)
        digits = sum(ch.isdigit() for ch in run)
        if digits >= 9 or (run.startswith("+") and digits >= 7):
            return mask
        return run

    return _PHONE.sub(phone, text) if any(ch.isdigit() for ch in text) else text


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 person``, ``3 people``; ``many`` defaults to ``word + "s"``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"

"""The cyclic garbage collector while the app starts.

Importing Textual and building the first screen allocate enough that a full collection ran
just before the first frame: 30 ms of every start, walking every module, class and
function just loaded (the bare Textual app's comes after its first frame). From the
launch (:func:`pause_gc`) the collector waits until the app's first frame is drawn
(:func:`resume_gc`); what the start allocated is then frozen, so no later collection walks
it again either (a keystroke's frame met a 50 ms one).
"""

from __future__ import annotations

import gc

#: Paused by :func:`pause_gc` and not resumed yet.
_paused = False


def pause_gc() -> None:
    """Hold the collector until :func:`resume_gc` (if it runs at all)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """After the app's first frame: what was allocated so far is kept out of every later
    collection (``gc.freeze``), and the collector runs again. Once; nothing to do unless
    :func:`pause_gc` paused it (tests and embedders build the app themselves)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()

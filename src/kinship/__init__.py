"""kinship: a keyboard-first terminal app for keeping strong relationships.

Plugin authors need only ``from kinship import hookimpl`` and :mod:`kinship.records`.
"""

from __future__ import annotations

import pluggy

__all__ = ["__version__", "hookimpl"]

__version__ = "0.1.0"

#: Marks plugin hook implementations: ``@hookimpl`` over ``def kinship_register_importers(...)``.
hookimpl = pluggy.HookimplMarker("kinship")

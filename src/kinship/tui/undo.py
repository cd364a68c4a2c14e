"""One step the main screen can undo (``u``): what it was, and how to put it back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Undo"]


@dataclass
class Undo:
    description: str
    run: Callable[[], Any]

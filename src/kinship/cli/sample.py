"""The sample store of ``--demo``, written to a file: for ``kinship --demo COMMAND`` (a
throwaway one) and ``kinship db demo FILE``. Apart from :mod:`kinship.cli` itself, which
uses it, so the two do not import each other."""

from __future__ import annotations

import os
from typing import Any


def write_demo(target: str | os.PathLike[str], *, settings: Any = None) -> Any:
    """Fill the store at ``target`` (created) with the sample people of ``kinship --demo``,
    with the builtin follow-up strategies, as the app's demo does; closed after."""
    from datetime import date

    from kinship.sample import demo
    from kinship.wiring import Wiring

    wiring = Wiring(target, settings=settings)
    try:
        wiring.store  # noqa: B018 - opens (creates) the database and binds the services
        return demo.generate(today=wiring.today or date.today())
    finally:
        wiring.close()

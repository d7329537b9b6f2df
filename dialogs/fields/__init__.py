"""The one registry of field parsers: one small module per type, all reached through :func:`parse`.

The engine, ``answers import`` and ``reportbot parse`` all go through :func:`parse`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date

from dialogs.fields.base import Choice, ParseResult, ParserInfo, ParseSpec

__all__ = ["REGISTRY", "Choice", "ParseResult", "ParseSpec", "ParserInfo", "parse", "register", "types"]

REGISTRY: dict[str, ParserInfo] = {}
# Bound now: importing the submodule ``dialogs.fields.date`` rebinds the package attribute ``date``.
_EPOCH = date(1970, 1, 1)


def register(
    type_name: str, example: str, description: str = ""
) -> Callable[[Callable[[str, ParseSpec, date], ParseResult]], Callable[[str, ParseSpec, date], ParseResult]]:
    """Decorator: register ``func`` as the parser of ``type_name``."""

    def wrap(
        func: Callable[[str, ParseSpec, date], ParseResult],
    ) -> Callable[[str, ParseSpec, date], ParseResult]:
        REGISTRY[type_name] = ParserInfo(type_name, func, example, description or (func.__doc__ or "").split("\n")[0])
        return func

    return wrap


def types() -> list[str]:
    """Names of every registered type."""
    _load()
    return sorted(REGISTRY)


def parse(type_name: str, text: str, spec: ParseSpec | None = None, today: date | None = None) -> ParseResult:
    """Parse ``text`` as ``type_name``; ``today`` anchors relative dates ("hôm nay").

    Unknown types raise ``KeyError`` (a programming error, not a user's).
    """
    _load()
    info = REGISTRY[type_name]
    return info.func(text, spec or ParseSpec(), today or _EPOCH)


def _load() -> None:
    """Import every parser module so that each registers itself."""
    if REGISTRY:
        return
    # import_module, not "from dialogs.fields import date": the package already has a ``date``
    # attribute (datetime.date), which that form would return instead of importing the submodule.
    for name in ("choice", "date", "docref", "file", "money", "number", "percent", "text", "yesno"):
        importlib.import_module(f"dialogs.fields.{name}")

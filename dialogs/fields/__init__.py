"""Field parsers: one small module per type, all reached through :func:`parse` (see :mod:`.registry`).

The engine, ``answers import`` and ``reportbot parse`` all go through :func:`parse`; the number and date
grammar the parsers share is in :mod:`dialogs.fields.grammar`.
"""

from __future__ import annotations

from dialogs.fields.base import Choice, ParseResult, ParserInfo, ParseSpec
from dialogs.fields.registry import REGISTRY, parse, types

__all__ = ["REGISTRY", "Choice", "ParseResult", "ParseSpec", "ParserInfo", "parse", "types"]

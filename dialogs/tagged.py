"""Values tagged with a ``kind`` that round-trip through JSON: the shared base of events and effects.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Hello(Tagged):
...     kind: ClassVar[str] = "hello"
...     name: str
>>> decode({"kind": "hello", "name": "An"}, {"hello": Hello}, "greeting")
Hello(name='An')
>>> Hello("An").to_json()
{'kind': 'hello', 'name': 'An'}
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, ClassVar

from dialogs.errors import StateError


class Tagged:
    """A frozen dataclass with a ``kind``; ``to_json`` gives ``{"kind": …, **fields}``."""

    kind: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with the value's ``kind``."""
        return {"kind": self.kind, **asdict(self)}  # type: ignore[call-overload]


def decode(data: dict[str, Any], kinds: dict[str, type[Any]], what: str) -> Any:
    """Rebuild the value ``data`` describes; an unknown kind raises :class:`StateError` naming ``what``."""
    cls = kinds.get(str(data.get("kind")))
    if cls is None:
        raise StateError(f"unknown {what} kind {data.get('kind')!r}")
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})

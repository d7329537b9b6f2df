"""How big a template may be, and the counts that measure its YAML before it is composed and read.

The bounds keep ``template check`` and ``campaign create`` linear in the size of the file and far under a
second, whatever the file holds: a 1 KB "billion laughs" of YAML aliases, 50 MB of text, 20,000 fields.
Each one passed is a located issue (T111, T112, T113, T208, T316), never a hang.

>>> import yaml
>>> text = "a: &a [x, x, x]\\nb: &b [*a, *a, *a]\\nc: [*b, *b, *b]\\n"
>>> count_values(text, yaml.SafeLoader, budget=100)
Values(count=16, alias_line=2, alias_name='a')
>>> size = measure(yaml.compose(text), budget=20)
>>> size.nodes > 20, size.alias.start_mark.line
(True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["MAX_BYTES", "MAX_DEADLINE_DAYS", "MAX_DIGITS", "MAX_FIELDS", "MAX_ISSUES", "MAX_LEVELS", "MAX_NODES",
           "MAX_SECTIONS", "Size", "Values", "count_values", "measure"]

#: The largest template file, in bytes of UTF-8 (the shipped one has 24 KB).
MAX_BYTES = 2 * 1024 * 1024
#: The most YAML values (scalars, lists, mappings) a template may hold once its aliases are expanded.
MAX_NODES = 200_000
#: The most sections and sub-sections of a template.
MAX_SECTIONS = 1_000
#: The most fields of a template, group columns included (the shipped one has 28).
MAX_FIELDS = 2_000
#: The most issues listed for one file; the rest are counted in one last issue (T113).
MAX_ISSUES = 500
#: Section levels read below the top (deeper ones are an issue, T205, and their content is not read).
MAX_LEVELS = 6
#: The most digits of a number: in an expression, or a bound (``min``, ``max``).
MAX_DIGITS = 15
#: The longest ``deadline_days`` (ten years).
MAX_DEADLINE_DAYS = 3_650


@dataclass(frozen=True)
class Values:
    """The values of a YAML text as written (an alias counts once; up to just past the budget), and where its
    first alias is (line 0 and name "" when it has none)."""

    count: int
    alias_line: int = 0
    alias_name: str = ""


def count_values(text: str, loader: type[Any], budget: int = MAX_NODES) -> Values:
    """Count the values of ``text`` from its parse events, stopping once past ``budget``.

    Parsing is five times quicker than composing (which resolves each value's tag in Python), so a
    2 MB file of a million tiny values is refused in a tenth of a second rather than composed for four.
    Raises what :func:`yaml.parse` raises on a text that is not YAML.
    """
    count, line, name = 0, 0, ""
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)):
            count += 1
            if count > budget:
                break
        if isinstance(event, yaml.AliasEvent) and not line:
            line, name = (event.start_mark.line + 1 if event.start_mark else 1), str(event.anchor)
    return Values(count, line, name)


@dataclass(frozen=True)
class Size:
    """The values of a composed YAML tree, counted with aliases expanded (up to just past the budget),
    and the first value reached twice — the target of an alias — if any."""

    nodes: int
    alias: yaml.Node | None


def measure(root: yaml.Node | None, budget: int = MAX_NODES) -> Size:
    """Count the values under ``root`` as a reader walking it would meet them; stop once past ``budget``.

    Composing YAML shares an anchored node with every alias to it, so the count is cheap even for an alias
    bomb (it stops at ``budget + 1``), and a node met twice is exactly an alias.
    """
    if root is None:
        return Size(0, None)
    seen: set[int] = set()
    alias: yaml.Node | None = None
    count = 0
    stack: list[yaml.Node] = [root]
    while stack and count <= budget:
        node = stack.pop()
        count += 1
        if id(node) in seen:
            alias = alias or node
        elif alias is None:
            seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return Size(count, alias)

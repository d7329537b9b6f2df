"""A small safe expression language for a field's ``check`` and ``when``, and ``{…}`` render placeholders.

Expressions hold literals (``75``, ``2.5``, ``"khác"``, ``true``, ``false``, ``null``), field ids,
comparisons (``== != < <= > >=``), ``and``/``or``/``not``, ``+ - * /``, parentheses and ``in`` with a
list literal (``x in ["a", "b"]``) — nothing else: no attributes, calls or subscripts. A hand-written
tokenizer and recursive-descent parser keep it that way and report the character position of a mistake.

Logic is three-valued: a missing name or a ``None`` value makes comparisons and arithmetic ``None``
("unknown"), and ``and``/``or``/``not`` follow Kleene's rules; only ``x == null`` / ``x != null`` ask
whether ``x`` has a value and are always decided. The engine asks a field only if its ``when`` is
``True`` and refuses an answer only if its ``check`` is ``False``.

Numbers are bounded: a literal has at most :data:`~dialogs.template.limits.MAX_DIGITS` digits, and
arithmetic that overflows, divides by zero or leaves ±10^30 is unknown too — :meth:`Expr.evaluate` never
raises, whatever the answers.

>>> e = compile_expr("so_ca_nhan >= so_tap_the")
>>> sorted(e.names)
['so_ca_nhan', 'so_tap_the']
>>> e.evaluate({"so_ca_nhan": 650, "so_tap_the": 75})
True
>>> e.evaluate({"so_tap_the": 75}) is None
True
>>> compile_expr("false and so_tap_the > 0").evaluate({})
False
>>> compile_expr("so_tap_the != null").evaluate({"so_tap_the": None})
False
>>> compile_expr("doi_tuong in ['hoc_sinh', 'giao_vien']").evaluate({"doi_tuong": "giao_vien"})
True
>>> [compile_expr(src).evaluate({"x": 10 ** 400}) for src in ("x / 1 > 5", "x * 0 == 0", "5 / (x - x) > 1")]
[None, None, None]
>>> compile_expr("x < 1" + "0" * 20)
Traceback (most recent call last):
...
dialogs.template.expr.ExprError: số "100000000000000000000" dài quá 15 chữ số (ký tự 5)
>>> compile_expr("so_tap_the = 75")
Traceback (most recent call last):
...
dialogs.template.expr.ExprError: dùng "==" để so sánh bằng, không dùng "=" (ký tự 12)
>>> render_names("Khen thưởng cho {so_tap_the} tập thể, {value}.")
['so_tap_the', 'value']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.errors import ReportbotError
from dialogs.messages import t
from dialogs.template.limits import MAX_DIGITS

__all__ = ["KEYWORDS", "Expr", "ExprError", "compile_expr", "fill", "render_names"]

#: Words that are not field names.
KEYWORDS: frozenset[str] = frozenset({"and", "or", "not", "in", "true", "false", "null"})

_MAX_LENGTH = 500
_MAX_DEPTH = 40
# Operands and results beyond this are unknown: far past any figure of a report, and within a float.
_MAX_MAGNITUDE = 10**30
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<num>\d+(?:_\d+)*(?:\.\d+)?)
      | (?P<str>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
      | (?P<bad>&&|\|\||!|=|.)""",
    re.VERBOSE,
)
_PLACEHOLDER = re.compile(r"[a-z][a-z0-9_]*")
#: Characters people carry over from other languages → the message that says what to write instead.
_BAD_HINTS = {
    "=": "template.expr.use_eq",
    "&&": "template.expr.use_and",
    "||": "template.expr.use_or",
    "!": "template.expr.use_not",
    '"': "template.expr.open_string",
    "'": "template.expr.open_string",
}


class ExprError(ReportbotError):
    """An expression could not be read: why (message ``reason_id`` with ``reason_params``), and ``position``,
    the 0-based index of the mistake in ``source``."""

    def __init__(self, reason_id: str, position: int, source: str = "", **reason_params: Any) -> None:
        reason = t(reason_id, **reason_params)
        super().__init__(msg="template.expr.at", reason=reason, position=position + 1)
        self.reason_id = reason_id
        self.reason_params = reason_params
        #: Why, as a sentence (what a template issue quotes).
        self.reason = reason
        self.position = position
        self.source = source


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, str, name, op, end
    text: str
    pos: int


# The syntax tree is nested tuples: ("lit", v) ("name", n) ("neg", x) ("not", x) ("list", [x…])
# ("and"|"or", a, b) ("cmp", op, a, b) ("arith", op, a, b) ("in", negated, a, b).
_Node = tuple[Any, ...]


@dataclass(frozen=True)
class Expr:
    """A compiled expression: its source, the field ids it reads, and :meth:`evaluate`."""

    src: str
    names: frozenset[str]
    _tree: _Node = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The value of the expression given field values; ``None`` when it cannot be known yet."""
        return _eval(self._tree, values)

    def __str__(self) -> str:
        return self.src


def compile_expr(src: str) -> Expr:
    """Parse ``src`` into an :class:`Expr`; raise :class:`ExprError` with the position of a mistake."""
    if len(src) > _MAX_LENGTH:
        raise ExprError("template.expr.too_long", _MAX_LENGTH, src, max=_MAX_LENGTH)
    parser = _Parser(src, _tokenize(src))
    tree = parser.parse()
    return Expr(src, frozenset(parser.names), tree)


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup or "bad"
        text = m.group()
        if kind == "space":
            continue
        if kind == "bad":
            raise ExprError(_BAD_HINTS.get(text, "template.expr.bad_char"), m.start(), src, char=text)
        toks.append(_Tok(kind, text, m.start()))
    toks.append(_Tok("end", "", len(src)))
    return toks


class _Parser:
    """Recursive descent: or → and → not → comparison → sum → product → unary → atom."""

    def __init__(self, src: str, toks: list[_Tok]) -> None:
        self.src, self.toks, self.i, self.depth = src, toks, 0, 0
        self.names: set[str] = set()

    def parse(self) -> _Node:
        if self.peek().kind == "end":
            raise ExprError("template.expr.empty", 0, self.src)
        tree = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExprError("template.expr.extra", tok.pos, self.src, token=tok.text)
        return tree

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok.kind in ("op", "name") and tok.text in texts

    def or_(self) -> _Node:
        left = self.and_()
        while self.at("or"):
            self.take()
            left = ("or", left, self.and_())
        return left

    def and_(self) -> _Node:
        left = self.not_()
        while self.at("and"):
            self.take()
            left = ("and", left, self.not_())
        return left

    def not_(self) -> _Node:
        if self.at("not"):
            self.take()
            return ("not", self.nested(self.not_))
        return self.comparison()

    def comparison(self) -> _Node:
        left = self.sum()
        if self.at("==", "!=", "<", "<=", ">", ">="):
            op = self.take().text
            return ("cmp", op, left, self.sum())
        if self.at("in"):
            self.take()
            return ("in", False, left, self.sum())
        if self.at("not") and self.toks[self.i + 1].text == "in":
            self.i += 2
            return ("in", True, left, self.sum())
        return left

    def sum(self) -> _Node:
        left = self.product()
        while self.at("+", "-"):
            op = self.take().text
            left = ("arith", op, left, self.product())
        return left

    def product(self) -> _Node:
        left = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> _Node:
        if self.at("-"):
            self.take()
            return ("neg", self.nested(self.unary))
        return self.atom()

    def nested(self, rule: Callable[[], _Node]) -> _Node:
        # Bound the recursion so that "((((…" is a clear error rather than a RecursionError.
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExprError("template.expr.too_deep", self.peek().pos, self.src)
        try:
            return rule()
        finally:
            self.depth -= 1

    def atom(self) -> _Node:
        tok = self.take()
        if tok.kind == "num":
            text = tok.text.replace("_", "")
            whole, _, fraction = text.partition(".")
            # Zeros that only place the point do not count: 0.000001 has one digit, 1000000 has seven.
            digits = (whole.lstrip("0") + fraction.rstrip("0")) if whole.lstrip("0") else fraction.strip("0")
            if len(digits) > MAX_DIGITS:
                shown = text if len(text) <= 40 else text[:39] + "…"
                raise ExprError("template.expr.too_many_digits", tok.pos, self.src, number=shown, max=MAX_DIGITS)
            return ("lit", float(text) if "." in text else int(text))
        if tok.kind == "str":
            return ("lit", _unquote(tok.text))
        if tok.kind == "name":
            if tok.text in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[tok.text])
            if tok.text in KEYWORDS:
                raise ExprError("template.expr.missing_value", tok.pos, self.src, token=tok.text)
            self.names.add(tok.text)
            return ("name", tok.text)
        if tok.text == "(":
            inner = self.nested(self.or_)
            self.expect(")", tok)
            return inner
        if tok.text == "[":
            return self.list_(tok)
        if tok.kind == "end":
            raise ExprError("template.expr.unfinished", tok.pos, self.src)
        raise ExprError("template.expr.missing_value", tok.pos, self.src, token=tok.text)

    def list_(self, opening: _Tok) -> _Node:
        items: list[_Node] = []
        if not self.at("]"):
            items.append(self.nested(self.or_))
            while self.at(","):
                self.take()
                items.append(self.nested(self.or_))
        self.expect("]", opening)
        return ("list", tuple(items))

    def expect(self, text: str, opening: _Tok) -> None:
        tok = self.peek()
        if tok.text != text or tok.kind not in ("op",):
            raise ExprError("template.expr.unclosed", tok.pos, self.src, closing=text, opening=opening.text,
                            opened_at=opening.pos + 1)
        self.take()


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bounded(v: Any) -> bool:
    """A number an expression computes with: finite and within ±10^30 (else it is unknown)."""
    if not _is_number(v):
        return False
    if isinstance(v, float) and not math.isfinite(v):
        return False
    return bool(-_MAX_MAGNITUDE <= v <= _MAX_MAGNITUDE)


def _truth(v: Any) -> bool | None:
    return None if v is None else bool(v)


_NULL: _Node = ("lit", None)


def _eval(node: _Node, values: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "name":
        return values.get(node[1])
    if kind == "list":
        return [_eval(item, values) for item in node[1]]
    if kind == "not":
        v = _truth(_eval(node[1], values))
        return None if v is None else not v
    if kind in ("and", "or"):
        return _kleene(kind, _truth(_eval(node[1], values)), lambda: _truth(_eval(node[2], values)))
    if kind == "neg":
        v = _eval(node[1], values)
        return -v if _bounded(v) else None
    if kind == "cmp":
        a, b = _eval(node[2], values), _eval(node[3], values)
        if node[1] in ("==", "!=") and _NULL in (node[2], node[3]):
            # "x == null" asks whether x has a value, so it is always decidable.
            return (a is None and b is None) == (node[1] == "==")
        return _compare(node[1], a, b)
    if kind == "arith":
        return _arith(node[1], _eval(node[2], values), _eval(node[3], values))
    if kind == "in":
        found = _contains(_eval(node[2], values), _eval(node[3], values))
        return None if found is None else found != node[1]
    raise AssertionError(kind)


def _kleene(op: str, left: bool | None, right: Callable[[], bool | None]) -> bool | None:
    decisive = op == "or"  # True decides "or", False decides "and"
    if left is decisive:
        return decisive
    r = right()
    if r is decisive:
        return decisive
    if left is None or r is None:
        return None
    return not decisive


def _compare(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if op in ("==", "!="):
        # Yes/no answers are not numbers: ``true == 1`` is false.
        equal = isinstance(a, bool) == isinstance(b, bool) and a == b
        return equal if op == "==" else not equal
    if not ((_bounded(a) and _bounded(b)) or (isinstance(a, str) and isinstance(b, str))):
        return None
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _arith(op: str, a: Any, b: Any) -> Any:
    if not (_bounded(a) and _bounded(b)):
        return None
    if op == "/" and b == 0:
        return None
    try:
        result = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
    except ArithmeticError:  # e.g. an int quotient too large for a float
        return None
    return result if _bounded(result) else None


def _contains(item: Any, container: Any) -> bool | None:
    if item is None or container is None:
        return None
    if isinstance(container, (list, tuple)):
        return item in container
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return None


def render_names(text: str) -> list[str]:
    """The placeholder names of a render sentence, in order; :class:`ExprError` if it is malformed.

    ``{{`` and ``}}`` stand for literal braces.

    >>> render_names("{{không}} {a} và {b}")
    ['a', 'b']
    >>> render_names("thiếu {ngoặc")
    Traceback (most recent call last):
    ...
    dialogs.template.expr.ExprError: dấu "{" chưa có "}" đóng (ký tự 7)
    """
    names: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("{{", i) or text.startswith("}}", i):
            i += 2
            continue
        if text[i] == "}":
            raise ExprError("template.expr.stray_close", i, text)
        if text[i] != "{":
            i += 1
            continue
        close = text.find("}", i)
        if close < 0:
            raise ExprError("template.expr.open_brace", i, text)
        name = text[i + 1 : close]
        if not _PLACEHOLDER.fullmatch(name):
            raise ExprError("template.expr.bad_placeholder", i, text, name=name)
        names.append(name)
        i = close + 1
    return names


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill a render sentence with already formatted values.

    >>> fill("Khen thưởng cho {so_tap_the} tập thể.", {"so_tap_the": "trên 75"})
    'Khen thưởng cho trên 75 tập thể.'
    """
    return text.format_map({name: values[name] for name in render_names(text)})

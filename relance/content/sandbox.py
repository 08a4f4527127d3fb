"""Jinja2's sandbox for the templates supervisors edit, and the check run when they save one.

Two layers keep a template inside its whitelist: the context holds nothing but plain data
(``relance.content.context``), and the immutable sandbox refuses underscores, unsafe methods
and mutation. On top of that, ranges, repeated strings and the output are bounded so that a
template cannot make a run burn CPU or memory. The save-time check is for people: it names
the line and the variable that is wrong, before a run meets it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from relance.content.context import LISTS, SCHEMA

MAX_RANGE = 1_000
MAX_STRING = 100_000  # characters a single expression may build
MAX_OUTPUT = 200_000  # characters a rendered template may produce

# Fields the ledger holds but templates must never see: named so the error says "internal"
# rather than "unknown" when someone tries them.
INTERNAL = frozenset(
    {
        "notes",
        "note",
        "dispute_reason",
        "disputed",
        "disputes",
        "promises",
        "collector",
        "marker",
        "scenario_code",
        "blocked_reason",
        "objection_email",
        "objection_sms",
        "objection_letter",
        "objection_phone",
        "company",
        "customers",
        "password",
        "objects",
        "pk",
        "id",
    }
)


class RenderError(Exception):
    """A template failed while rendering: the run records it on the action."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range longer than {MAX_RANGE}")
    return numbers


class DictKeysFirst(Environment):
    """``invoice.number`` read as the key of a plain dict first. Jinja tries the attribute
    first and reads the key after an AttributeError: an exception for every field of every
    row. No key of the context names a dict method (SCHEMA), so the key first gives the same
    value; anything else takes the environment's own path (the sandbox's checked one)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class Sandbox(DictKeysFirst, ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int) and abs(right) > 100:
                raise SecurityError("exponent too large")
            return operator.pow(left, right)
        if isinstance(left, int) and isinstance(right, str | list):
            left, right = right, left
        if (
            isinstance(left, str | list)
            and isinstance(right, int)
            and len(left) * right > MAX_STRING
        ):
            raise SecurityError("repeated text too long")
        return operator.mul(left, right)


def _environment(autoescape: bool) -> Sandbox:
    env = Sandbox(
        autoescape=autoescape,
        undefined=StrictUndefined,
        # Jinja's defaults for whitespace: templates are prose with inline {% if %}, and
        # trimming would glue the line after a tag to the one before it.
        keep_trailing_newline=False,
    )
    env.globals.clear()
    env.globals["range"] = _bounded_range
    return env


TEXT = _environment(autoescape=False)
HTML = _environment(autoescape=True)


@lru_cache(maxsize=1024)
def compile_template(source: str, html: bool) -> JinjaTemplate:
    return (HTML if html else TEXT).from_string(source)


def render(source: str, context: Mapping[str, Any], *, html: bool = False) -> str:
    """Render a user template; any failure becomes a ``RenderError`` naming the line."""
    if not source:
        return ""  # most levels have no legal mention: no context to build for nothing
    try:
        output = compile_template(source, html).render(context)
    except TemplateSyntaxError as exc:
        raise RenderError(str(Problem(exc.lineno, exc.message or ""))) from exc
    except (SecurityError, UndefinedError, TemplateError, ArithmeticError, TypeError) as exc:
        raise RenderError(_("the template failed: %(error)s") % {"error": exc}) from exc
    if len(output) > MAX_OUTPUT:
        message = _("the template produced more than %(max)d characters")
        raise RenderError(message % {"max": MAX_OUTPUT})
    return output


def validate(source: str) -> list[Problem]:
    """What is wrong with ``source``, line by line: syntax, unknown or internal variables and
    fields. An empty list means it may be saved."""
    try:
        tree = TEXT.parse(source)
    except TemplateSyntaxError as exc:
        return [Problem(exc.lineno, exc.message or _("syntax error"))]
    return sorted(set(_check(tree, {})), key=lambda problem: problem.line)


def _check(node: nodes.Node, scope: dict[str, frozenset[str] | None]) -> Iterator[Problem]:
    if isinstance(node, nodes.For):
        yield from _check(node.iter, scope)
        inner = dict(scope)
        item = _item_fields(node.iter)
        for target in _names(node.target):
            inner[target.name] = item
        inner["loop"] = frozenset({"index", "index0", "first", "last", "length"})
        for child in (*node.body, *node.else_):
            yield from _check(child, inner)
        if node.test is not None:
            yield from _check(node.test, inner)
        return
    if isinstance(node, nodes.Assign | nodes.AssignBlock):
        # ``{% set %}`` names are the template's own: later uses are not checked further.
        for target in _names(node.target):
            scope[target.name] = None
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        base, field = node.node, _field_name(node)
        if isinstance(base, nodes.Name) and field is not None:
            yield from _check_name(base, scope)
            fields = scope.get(base.name, SCHEMA.get(base.name))
            known = base.name in scope or base.name in SCHEMA
            if known and fields is not None and field not in fields:
                yield _field_problem(node.lineno, base.name, field)
            elif known and fields is None and base.name not in scope:
                yield Problem(node.lineno, _("“%(name)s” has no fields") % {"name": base.name})
            return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        yield from _check_name(node, scope)
        return
    for child in node.iter_child_nodes():
        yield from _check(child, scope)


def _names(target: nodes.Node) -> list[nodes.Name]:
    if isinstance(target, nodes.Name):
        return [target]
    return list(target.find_all(nodes.Name))


def _check_name(node: nodes.Name, scope: dict[str, frozenset[str] | None]) -> Iterator[Problem]:
    name = node.name
    if name in scope or name in SCHEMA or name in {"range", "true", "false", "none"}:
        return
    if name in INTERNAL or name.startswith("_"):
        yield Problem(node.lineno, _("“%(name)s” is internal and not available") % {"name": name})
    else:
        yield Problem(node.lineno, _("unknown variable “%(name)s”") % {"name": name})


def _field_problem(line: int, name: str, field: str) -> Problem:
    if field in INTERNAL or field.startswith("_"):
        message = _("“%(name)s.%(field)s” is internal and not available")
    else:
        message = _("“%(name)s” has no field “%(field)s”")
    return Problem(line, message % {"name": name, "field": field})


def _field_name(node: nodes.Getattr | nodes.Getitem) -> str | None:
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None


def _item_fields(iterable: nodes.Node) -> frozenset[str] | None:
    if isinstance(iterable, nodes.Name) and iterable.name in LISTS:
        return SCHEMA[iterable.name]
    return None

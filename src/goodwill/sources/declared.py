"""What a source declares about itself, read from its module's text without importing it.

Listing sources (``goodwill sources``, the web's import form) needs each one's name,
description, options and whether it reads a file; importing every source module for that
costs seconds (the Bluesky API source pulls in the whole atproto SDK). A source states
those as literal class attributes (``description: ClassVar[str] = "..."``), so they can be
read from the module's syntax tree: string and dict literals, module-level constants they
name, f-strings of those, and ``+`` between strings. Anything else (an inherited or computed attribute, a base
class from another module) makes :func:`declared` answer ``None``, and the registry imports
that one module instead: the answer is never a guess.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Declared", "declared"]

_FILE_BASE, _SYNC_BASE = "Source", "SyncSource"


@dataclass(frozen=True, slots=True)
class Declared:
    """A source's class attributes, as its module states them."""

    name: str
    description: str
    options: Mapping[str, str]
    reads_files: bool  # False for a SyncSource, which reads an API


class _Unknown(Exception):
    """The module does not state this as a literal: import it instead."""


def declared(target: str) -> Declared | None:
    """The attributes of the class an entry point names (``module:Class``), or ``None``
    when they cannot be read without running the module."""
    module, _, qualified = target.partition(":")
    try:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        return _read_class(tree, qualified)
    except (_Unknown, OSError, SyntaxError, ValueError, ImportError):
        return None


def _read_class(tree: ast.Module, name: str) -> Declared:
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    constants = _module_constants(tree)
    node = classes.get(name)
    if node is None:
        raise _Unknown(name)
    attributes = _class_attributes(node, constants)
    base = node.bases[0] if len(node.bases) == 1 else None
    if "options" not in attributes and not (isinstance(base, ast.Name) and base.id == _FILE_BASE):
        raise _Unknown("options inherited from a class other than Source")
    try:
        found = Declared(
            name=_text(attributes["name"]),
            description=_text(attributes["description"]),
            options=_options(attributes.get("options", {})),
            reads_files=_reads_files(node, classes),
        )
    except KeyError as exc:
        raise _Unknown(str(exc)) from exc
    return found


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            found[node.target.id] = node.value
    return found


def _class_attributes(node: ast.ClassDef, constants: dict[str, ast.expr]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value:
            name, value = item.target.id, item.value
        elif (
            isinstance(item, ast.Assign)
            and len(item.targets) == 1
            and isinstance(item.targets[0], ast.Name)
        ):
            name, value = item.targets[0].id, item.value
        else:
            continue
        if name in ("name", "description", "options"):
            found[name] = _evaluate(value, constants, depth=0)
    return found


def _evaluate(node: ast.expr, constants: dict[str, ast.expr], depth: int) -> Any:
    if depth > 8:
        raise _Unknown("constants refer to each other too deeply")
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return _evaluate(constants[node.id], constants, depth + 1)
    if isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        return {
            _evaluate(k, constants, depth + 1): _evaluate(v, constants, depth + 1)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, ast.JoinedStr):  # an f-string of plain constants
        return "".join(_formatted(v, constants, depth + 1) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _evaluate(node.left, constants, depth + 1)
        right = _evaluate(node.right, constants, depth + 1)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    raise _Unknown(ast.dump(node)[:80])


def _formatted(node: ast.expr, constants: dict[str, ast.expr], depth: int) -> str:
    if isinstance(node, ast.FormattedValue):
        if node.format_spec is not None or node.conversion not in (-1, ord("s")):
            raise _Unknown("a formatted value with a spec or conversion")
        node = node.value
    value = _evaluate(node, constants, depth)
    if not isinstance(value, str | int):
        raise _Unknown("a formatted value that is not a string or a number")
    return str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Unknown("not a string")
    return value


def _options(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _Unknown("options are not a dict of strings")
    return dict(value)


def _reads_files(node: ast.ClassDef, classes: dict[str, ast.ClassDef], depth: int = 0) -> bool:
    """Whether the class derives from ``Source`` rather than ``SyncSource``, following bases
    defined in the same module."""
    if depth > 8 or len(node.bases) != 1 or not isinstance(node.bases[0], ast.Name):
        raise _Unknown("bases")
    base = node.bases[0].id
    if base == _FILE_BASE:
        return True
    if base == _SYNC_BASE:
        return False
    if base in classes:
        return _reads_files(classes[base], classes, depth + 1)
    raise _Unknown(f"base {base}")

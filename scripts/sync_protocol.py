"""Write client-vscode/src/protocol.ts from the server's typed messages (devfocus/lsp/messages.py).

python scripts/sync_protocol.py          # rewrite protocol.ts
python scripts/sync_protocol.py --check  # exit 1 if it is out of date (the tests do this)

The names of DevFocus's notifications and commands, what each command takes and answers, and the
status object: the extension imports them from protocol.ts, so a change on the server that the
client does not follow fails the tests instead of a user's command. The JSON that the server sends
is made from the same classes (devfocus/lsp/wire.py): camelCase keys, tuples as arrays, a field
with ``OMITTED`` metadata left out while None (``key?: T``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import operator
import re
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path

from devfocus.lsp import messages, taskmessages
from devfocus.lsp.wire import CHOICES, OMITTED_WHEN_NONE, camel

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL_TS = ROOT / "client-vscode" / "src" / "protocol.ts"
HEADER = """\
// DevFocus's own part of the language server protocol: notification and command names, what each
// command takes and answers, the status object. Written by scripts/sync_protocol.py from the
// server's devfocus/lsp/messages.py: do not edit by hand (a test fails while they differ).
"""


class _JsonValue:
    """Stands for ``JsonValue`` while the aliases are read."""


class _JsonObject:
    """Stands for ``JsonObject`` while the aliases are read."""


# The modules whose classes are the protocol: messages, and the part it re-exports.
PROTOCOL_MODULES = (messages.__name__, taskmessages.__name__)
NAMESPACE = {**vars(messages), "JsonValue": _JsonValue, "JsonObject": _JsonObject}


def resolve(annotation: object) -> object:
    """A type from an annotation that may be a string (a type alias of the messages module)."""
    if isinstance(annotation, str):
        return eval(annotation, dict(NAMESPACE))  # the module's own annotations, nothing else
    return annotation


def ts_type(hint: object, choices: Callable[[], tuple[str, ...]] | None = None) -> str:
    """The TypeScript for a Python type as the wire sends it."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(ts_type(a, choices) for a in args)
    if hint is type(None) or hint is None:
        return "null"
    if choices is not None and hint is str:
        return " | ".join(f"'{c}'" for c in choices())
    if hint is str:
        return "string"
    if hint in (int, float):
        return "number"
    if hint is bool:
        return "boolean"
    if hint is _JsonValue:
        return "unknown"
    if hint is _JsonObject:
        return "{ [key: string]: unknown }"
    if origin is typing.Literal:
        return " | ".join(f"'{a}'" for a in args)
    if origin in (tuple, list):
        item = ts_type(args[0])
        return f"({item})[]" if " " in item else f"{item}[]"
    if origin is dict:
        return f"Record<string, {ts_type(args[1])}>"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint.__name__
    raise TypeError(f"no TypeScript for {hint!r}")


def doc_comment(text: str | None, indent: str = "") -> list[str]:
    """A docstring as a JSDoc comment (reST's double backquotes become Markdown's single)."""
    if not text:
        return []
    lines = [" ".join(line.split()) for line in text.strip().replace("``", "`").split("\n\n")]
    body = " ".join(lines)
    if len(indent) + len(body) + 7 <= 100:
        return [f"{indent}/** {body} */"]
    out = [f"{indent}/**"]
    words = body.split()
    line = ""
    for word in words:
        if line and len(indent) + 3 + len(line) + 1 + len(word) > 100:
            out.append(f"{indent} * {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(f"{indent} * {line}")
    out.append(f"{indent} */")
    return out


_FIELD = re.compile(r"^    (\w+): [^#]*?(?:  # (.*))?$")
_COMMENT = re.compile(r"^    # (.*)$")


def field_comments(cls: type) -> dict[str, str]:
    """The comments of a class's fields in its source: the lines above a field, or the end of
    its line."""
    found: dict[str, str] = {}
    above: list[str] = []
    for line in inspect.getsource(cls).splitlines():
        comment = _COMMENT.match(line)
        if comment:
            above.append(comment.group(1))
            continue
        field = _FIELD.match(line)
        if field:
            text = " ".join([*above, field.group(2) or ""]).strip()
            if text:
                found[field.group(1)] = text[:1].upper() + text[1:]
        above = []
    return found


def interface(cls: type, *, arguments: bool) -> list[str]:
    """``cls`` as a TypeScript interface. Fields of arguments that have a default may be left
    out; fields of results with ``OMITTED`` metadata are left out while None."""
    hints = typing.get_type_hints(cls, globalns=dict(NAMESPACE))
    comments = field_comments(cls)
    doc = cls.__doc__ if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}(") else None
    lines = [*doc_comment(doc), f"export interface {cls.__name__} {{"]
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        choices = field.metadata.get(CHOICES)
        optional = arguments and field.default is not dataclasses.MISSING
        if field.metadata.get(OMITTED_WHEN_NONE):
            present = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = functools.reduce(operator.or_, present)
            optional = True
        lines += doc_comment(comments.get(field.name), "  ")
        mark = "?" if optional else ""
        line = f"  {camel(field.name)}{mark}: {ts_type(hint, choices)};"
        if len(line) > 100:  # as prettier breaks it: the type on a line of its own
            line = f"  {camel(field.name)}{mark}:\n    {ts_type(hint, choices)};"
        lines.append(line)
    lines.append("}")
    return lines


def constant_names() -> dict[str, str]:
    """The messages module's constants by value: ``"devfocus.report"`` → ``"REPORT"``."""
    return {
        value: name
        for name, value in vars(messages).items()
        if name.isupper() and isinstance(value, str) and value.startswith("devfocus")
    }


def render() -> str:
    names = constant_names()
    out = [HEADER]
    out.append("// -- notifications")
    for method, params in messages.NOTIFICATIONS:
        out += doc_comment(f"`{method}`: {params.__name__}.")
        out.append(f"export const {names[method]} = '{method}';")
    out.append("")
    out.append("// -- commands (workspace/executeCommand)")
    for command in messages.COMMANDS:
        out.append(f"export const {names[command.name]} = '{command.name}';")
    out.append("")
    classes = [
        value
        for value in vars(messages).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ in PROTOCOL_MODULES
        and value is not messages.Command
    ]
    taken = {c.arguments for c in messages.COMMANDS}
    for cls in classes:
        out += interface(cls, arguments=cls in taken)
        out.append("")
    aliases = sorted({c.result for c in messages.COMMANDS} - {c.__name__ for c in classes})
    for alias in aliases:
        hint = resolve(vars(messages)[alias])
        out.append(f"export type {alias} = {ts_type(hint)};")
        out.append("")
    out.append("/** What each command answers. */")
    out.append("export interface CommandResults {")
    for command in messages.COMMANDS:
        out.append(f"  '{command.name}': {command.result};")
    out.append("}")
    out.append("")
    out.append("/** What each command takes: one object (commands not listed take nothing). */")
    out.append("export interface CommandArguments {")
    for command in messages.COMMANDS:
        if command.arguments is not None:
            out.append(f"  '{command.name}': {command.arguments.__name__};")
    out.append("}")
    out.append("")
    out.append("/** The params of each notification. */")
    out.append("export interface NotificationParams {")
    for method, params in messages.NOTIFICATIONS:
        out.append(f"  '{method}': {params.__name__};")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    wanted = render()
    if "--check" in argv:
        current = PROTOCOL_TS.read_text(encoding="utf-8") if PROTOCOL_TS.exists() else ""
        if current != wanted:
            print(
                f"{PROTOCOL_TS.relative_to(ROOT)} is out of date: "
                "run `python scripts/sync_protocol.py`"
            )
            return 1
        return 0
    PROTOCOL_TS.write_text(wanted, encoding="utf-8")
    print(f"wrote {PROTOCOL_TS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

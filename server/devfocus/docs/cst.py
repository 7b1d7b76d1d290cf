"""The docstring insertion itself, made with libcst so that comments and layout stay exactly as
written.

This runs only in the parser process (:mod:`devfocus.docs.worker`), never in the language server
or the CLI's own process: libcst's native parser crashes or exhausts memory on some input that
Python's own parser accepts. It sees one definition's header, never its body: the statements a
docstring insertion leaves alone arrive as a placeholder name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from devfocus.docs.worker import Refusal


class CstRefused(Refusal):
    """libcst could not read the definition: the reason is for the user."""


@dataclass(frozen=True)
class InsertRequest:
    source: str  # the definition's header and placeholder, "\n" line breaks, maybe in `if 1:`
    wrapped: bool  # the definition sits inside an ``if 1:`` block (it is indented in the file)
    docstring: str  # the literal to insert, "\n" line breaks
    kind: Literal["class", "function"]
    indent_unit: str


def insert_docstring(request: InsertRequest) -> str:
    """``request.source`` with the docstring inserted as the body's first statement: without
    blank lines before the code that follows (comments stay), a blank line after a class's
    docstring (PEP 257), and a one-line body turned into an indented block."""
    import libcst as cst

    try:
        module = cst.parse_module(request.source)
    except cst.ParserSyntaxError as exc:
        raise CstRefused(f"libcst cannot parse it: {exc.message}") from exc
    target: cst.CSTNode = module.body[0]
    if request.wrapped and isinstance(target, cst.If):
        target = target.body.body[0]
    elif request.wrapped:
        raise CstRefused("it is not where the index put it")
    if not isinstance(target, (cst.FunctionDef, cst.ClassDef)):
        raise CstRefused("it is not where the index put it")
    docstring = cst.SimpleStatementLine(body=[cst.Expr(cst.SimpleString(request.docstring))])
    body = target.body
    new_body: cst.BaseSuite
    if isinstance(body, cst.IndentedBlock):
        statement = body.body[0]
        # the only two kinds of statement, and both carry their leading lines
        assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        leading = list(statement.leading_lines)
        while leading and leading[0].comment is None:
            leading.pop(0)  # no blank line between a docstring and the code it documents
        if request.kind == "class":  # PEP 257: a blank line after a class docstring
            leading.insert(0, cst.EmptyLine(indent=False))
        new_body = body.with_changes(
            body=[docstring, statement.with_changes(leading_lines=leading), *body.body[1:]]
        )
    else:  # one-line body: ``def f(): return 1``
        assert isinstance(body, cst.SimpleStatementSuite)  # the only other kind of suite
        blank = [cst.EmptyLine(indent=False)] if request.kind == "class" else []
        new_body = cst.IndentedBlock(
            header=body.trailing_whitespace,
            indent=request.indent_unit,
            body=[docstring, cst.SimpleStatementLine(body=body.body, leading_lines=blank)],
        )
    new_module = module.deep_replace(target, target.with_changes(body=new_body))
    assert isinstance(new_module, cst.Module)  # replacing a statement keeps the module a module
    return new_module.code

"""Docstring debt over time: how many public definitions of a project have no docstring, counted
once a day and kept (table ``docstring_debt``), so reports can tell when it grows (they read it
with :func:`devfocus.app.baselines.read_debt`).

Counting parses each Python file with ``ast`` (the docstring engine's facts, no libcst), off the
event loop; a project's first :data:`MAX_FILES` files are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devfocus.app.docstrings import iter_python_files, read_source
from devfocus.docs.facts import analyze

MAX_FILES = 5000


@dataclass(frozen=True)
class DebtCount:
    undocumented: int  # public definitions without a docstring
    definitions: int  # public definitions
    files: int  # Python files read


def count_debt(root: Path, max_files: int = MAX_FILES) -> DebtCount:
    """The undocumented public definitions (modules, classes, functions, methods) of the Python
    files under ``root``; files that cannot be read or parsed count nothing."""
    undocumented = definitions = files = 0
    for path in iter_python_files([str(root)]):
        if files >= max_files:
            break
        files += 1
        try:
            source, _ = read_source(path)
        except (OSError, ValueError):
            continue
        for definition in analyze(source).definitions:
            if not definition.public or definition.skipped or definition.in_function:
                continue
            definitions += 1
            if definition.docstring is None:
                undocumented += 1
    return DebtCount(undocumented, definitions, files)

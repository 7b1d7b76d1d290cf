"""One analysed version of one Python document: its definitions and findings, and which ones a
cursor position can act on. Built in the background; looked up on every cursor move."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from devfocus.app.docstrings import DocsConfig, DocumentAnalysis, analyse_document
from devfocus.docs.checks import Finding
from devfocus.docs.content import Options
from devfocus.docs.facts import Definition, ModuleFacts
from devfocus.docs.infer import ReturnInference

# How a document is analysed: in this process, or in the parser process (the server's choice).
Analyse = Callable[[str, str | None, DocsConfig], DocumentAnalysis]

INFERENCE_WAIT_SECONDS = 0.0


@dataclass(frozen=True)
class Target:
    """A definition a docstring action applies to."""

    definition: Definition
    fix: str  # "generate" or "update"
    findings: tuple[Finding, ...]


@dataclass
class DocumentIndex:
    uri: str
    version: int | None
    path: str | None
    facts: ModuleFacts
    findings: list[Finding]
    inference: ReturnInference | None = None  # jedi state for this version, made on demand
    style: str | None = None  # the style and line length the analysis found apply here
    width: int | None = None
    _options: tuple[DocsConfig, Options] | None = None
    _targets: dict[str, Target] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)  # header start lines, sorted
    _headers: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, qualname)

    @classmethod
    def build(
        cls,
        uri: str,
        version: int | None,
        path: str | None,
        source: str,
        config: DocsConfig,
        analyse: Analyse = analyse_document,
    ) -> DocumentIndex:
        analysis = analyse(source, path, config)
        facts = analysis.facts
        index = cls(uri, version, path, facts, [], style=analysis.style, width=analysis.width)
        if facts.syntax_error is not None:
            return index
        # Editor requests never wait for jedi; its answers come in the background.
        index.inference = ReturnInference(
            source, path, budget_seconds=math.inf, wait_seconds=INFERENCE_WAIT_SECONDS
        )
        index.options(config)
        index.findings = analysis.findings
        grouped: dict[str, list[Finding]] = {}
        for finding in index.findings:
            grouped.setdefault(finding.qualname, []).append(finding)
        for definition in facts.definitions:
            found = grouped.get(definition.qualname)
            if not found:
                continue
            fix = "generate" if definition.docstring is None else "update"
            index._targets[definition.qualname] = Target(definition, fix, tuple(found))
            index._headers.append((*header_lines(definition), definition.qualname))
        index._headers.sort()
        index._starts = [start for start, _, _ in index._headers]
        return index

    def needs_inference(self) -> list[Definition]:
        """Definitions whose fix may want a return type only jedi can tell."""
        return [
            t.definition
            for t in self._targets.values()
            if t.definition.kind == "function"
            and t.definition.returns is None
            and t.definition.returns_value
        ]

    def options(self, config: DocsConfig) -> Options:
        """Options for fixes here (style and line length are worked out once per version)."""
        if self._options is None or self._options[0] != config:
            found = (self.style, self.width) if self._options is None else (None, None)
            options = config.options(
                self.facts, self.path, self.inference, style=found[0], width=found[1]
            )
            self._options = (config, options)
        return self._options[1]

    def target(self, qualname: str) -> Target | None:
        return self._targets.get(qualname)

    @property
    def targets(self) -> list[Target]:
        return list(self._targets.values())

    def targets_at(self, line: int) -> list[Target]:
        """Definitions whose header (decorators to docstring) holds ``line``: innermost first."""
        found: list[Target] = []
        end = bisect.bisect_right(self._starts, line)
        for start, last, qualname in reversed(self._headers[:end]):
            if start <= line <= last:
                found.append(self._targets[qualname])
        return found


def header_lines(definition: Definition) -> tuple[int, int]:
    """First and last line of a definition's header: from its first decorator through the
    docstring, or through the line before its body when it has none."""
    if definition.docstring is not None:
        return definition.start_line, definition.docstring.span.end.line
    if definition.kind == "module":
        return 0, max(definition.first_statement[0] - 1, 0)
    body = definition.first_statement[0]
    last = body - 1 if definition.body_indent is not None else body
    return definition.start_line, max(last, definition.name_span.start.line)

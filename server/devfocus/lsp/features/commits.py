"""Commit messages in the editor: diagnostics (``devfocus-commit``) and quick fixes for the message
git opened (COMMIT_EDITMSG), checked against the staged diff and the repository's habits.

The work is done on a background thread 300 ms after typing stops; the staged diff and the habits
are cached per git directory and read again when the index or HEAD changes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from devfocus.lsp.analysis import SEVERITY, AnalysisFeature, Work
from devfocus.lsp.documents import server_position

if TYPE_CHECKING:
    from devfocus.git.coach import Coaching, Finding, Fix, Habits
    from devfocus.git.model import FileChange
    from devfocus.lsp.documents import LineDocument
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

SOURCE = "devfocus-commit"
SCORE_CODE = "commit-score"
# VS Code and Helix say git-commit; Neovim sends its filetype, gitcommit.
LANGUAGES = ("git-commit", "gitcommit")
# Files git opens for a commit's message. TAG_EDITMSG is a tag's: no commit rules apply to it.
MESSAGE_FILES = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG")
NOT_COMMITS = ("TAG_EDITMSG",)
# Modification times of files in a git directory: a cached read is good while they stand.
Stamps = tuple[int | None, ...]


def is_commit_message(uri: str, language_id: str | None = None) -> bool:
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    if name in NOT_COMMITS:
        return False
    return language_id in LANGUAGES or name in MESSAGE_FILES


@dataclass(frozen=True, slots=True)
class _Context:
    """What a message is checked against."""

    files: tuple[FileChange, ...]
    habits: Habits
    comment_char: str | None
    branch: str | None


@dataclass(frozen=True, slots=True)
class _Result:
    uri: str
    version: int | None
    lines: tuple[str, ...]
    coaching: Coaching


class CommitCoachingFeature(AnalysisFeature[_Result]):
    code_action_kinds = (types.CodeActionKind.QuickFix.value,)

    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(
            server,
            thread_name="devfocus-commit",
            failure="could not coach the commit message %s",
        )
        self.results: dict[str, _Result] = {}
        # Touched on the worker thread only.
        self._repos: dict[str, Path | None] = {}
        self._staged: dict[str, tuple[Stamps, tuple[FileChange, ...]]] = {}
        self._habits: dict[str, tuple[Stamps, Habits, str | None]] = {}
        self._git_missing = False

    @property
    def enabled(self) -> bool:
        return bool(self.server.settings.git.coach)

    # -- documents ---------------------------------------------------------------------------
    def analyses(self, uri: str, language_id: str) -> bool:
        return is_commit_message(uri, language_id)

    def forget(self, uri: str) -> None:
        self.results.pop(uri, None)
        self.publish(uri, None, [])

    def prepare(self, uri: str, document: LineDocument) -> Work[_Result] | None:
        if not self.enabled:
            self.results.pop(uri, None)
            self.publish(uri, document.version, [])
            return None
        version = document.version
        return version, partial(self._analyse, uri, version, document.source)

    def accept(self, uri: str, result: _Result) -> None:
        """Keep and publish the coaching of the document's current version."""
        self.results[uri] = result
        if self.enabled:
            self.publish(uri, result.version, self._diagnostics(result))

    async def result_of(self, uri: str) -> _Result | None:
        """The coaching of the document's current version, computed now if typing has not
        settled."""
        return await self.analysis.latest(uri, self.results.get(uri))

    # -- diagnostics -------------------------------------------------------------------------
    def _diagnostics(self, result: _Result) -> list[types.Diagnostic]:
        diagnostics = [self._diagnostic(result, f) for f in result.coaching.findings]
        score = self._score(result)
        if score is not None:
            diagnostics.append(score)
        return diagnostics

    def _diagnostic(self, result: _Result, finding: Finding) -> types.Diagnostic:
        return types.Diagnostic(
            range=self._range(result.lines, finding.line, finding.start, finding.line, finding.end),
            message=finding.message,
            severity=SEVERITY.get(finding.severity),
            code=finding.rule,
            source=SOURCE,
        )

    def _score(self, result: _Result) -> types.Diagnostic | None:
        """The score as a hint on the subject line: visible on hover, out of the problem list."""
        coaching = result.coaching
        line = coaching.subject_line
        if line is None or coaching.kind not in ("commit", "revert"):
            return None
        text = result.lines[line]
        return types.Diagnostic(
            range=self._range(result.lines, line, 0, line, len(text)),
            message=coaching.summary(),
            severity=types.DiagnosticSeverity.Hint,
            code=SCORE_CODE,
            source=SOURCE,
        )

    def _range(
        self, lines: tuple[str, ...], line: int, start: int, end_line: int, end: int
    ) -> types.Range:
        return self.client_range(list(lines), line, start, end_line, end)

    # -- code actions ------------------------------------------------------------------------
    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        only = params.context.only
        if not self.enabled or (only and not any(_covers(k, "quickfix") for k in only)):
            return None
        result = await self.result_of(uri)
        if result is None:
            return None
        codec = self.server.workspace.position_codec
        lines = list(result.lines)
        first, _ = server_position(lines, params.range.start, codec.encoding)
        last, _ = server_position(lines, params.range.end, codec.encoding)
        sent = [
            d for d in params.context.diagnostics if d.source == SOURCE and d.code != SCORE_CODE
        ]
        actions: dict[tuple[str, int, int, int, int], types.CodeAction] = {}
        for finding in result.coaching.findings:
            fix = finding.fix
            if fix is None:
                continue
            related = [
                d for d in sent if d.code == finding.rule and d.range.start.line == finding.line
            ]
            if not related and not first <= finding.line <= last:
                continue
            key = (fix.title, fix.line, fix.start, fix.last_line, fix.end)
            action = actions.get(key)
            if action is None:
                actions[key] = self._action(result, fix, related)
            elif related:
                action.diagnostics = [*(action.diagnostics or []), *related]
        return list(actions.values())

    def _action(
        self, result: _Result, fix: Fix, related: list[types.Diagnostic]
    ) -> types.CodeAction:
        edit = types.TextEdit(
            range=self._range(result.lines, fix.line, fix.start, fix.last_line, fix.end),
            new_text=fix.new_text,
        )
        if self.server.client_supports("workspace.workspace_edit.document_changes"):
            workspace_edit = types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=result.uri, version=result.version
                        ),
                        edits=[edit],
                    )
                ]
            )
        else:
            workspace_edit = types.WorkspaceEdit(changes={result.uri: [edit]})
        return types.CodeAction(
            title=fix.title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=related or None,
            is_preferred=True if related else None,
            edit=workspace_edit,
        )

    # -- work on the coaching thread ---------------------------------------------------------
    def _analyse(self, uri: str, version: int | None, text: str) -> _Result:
        # Deferred: the coaching engine loads on the coaching thread, with the first commit message.
        from devfocus.git.coach import coach, split_lines

        path = to_fs_path(uri) if uri.startswith("file:") else None
        context = self._context(path, text)
        coaching = coach(
            text,
            context.files,
            context.habits,
            comment_char=context.comment_char,
            branch=context.branch,
        )
        return _Result(uri, version, tuple(split_lines(text)), coaching)

    def _context(self, path: str | None, text: str) -> _Context:
        # Deferred: as above: on the coaching thread.
        from devfocus.git.coach import Habits, comment_char_of
        from devfocus.git.commits import (
            branch_of_message_file,
            comment_char,
            recent_habits,
            repository_of_message_file,
            staged_changes,
        )
        from devfocus.git.runner import GitError, GitMissing

        message_only = _Context((), Habits(), comment_char_of(text, "#"), None)
        if path is None or self._git_missing:
            return message_only
        git_dir = os.path.dirname(os.path.abspath(path))
        # Nothing of a repository the trust gate refuses is read, and no git runs in it: not to
        # find its work tree, nor for the staged diff, its habits or its branch.
        trust = self.server.trust
        if not trust.git_dir_verdict(Path(git_dir)).allowed:
            return message_only
        try:
            if git_dir not in self._repos:
                self._repos[git_dir] = repository_of_message_file(path)
            repo = self._repos[git_dir]
            if repo is None or not trust.allows(repo):
                return message_only
            head_key = _stamps(git_dir, "HEAD", os.path.join("logs", "HEAD"), "config")
            cached = self._habits.get(git_dir)
            if cached is None or cached[0] != head_key:
                cached = (head_key, recent_habits(repo), comment_char(repo))
                self._habits[git_dir] = cached
            index_key = _stamps(git_dir, "index", "index.lock", "HEAD")
            staged = self._staged.get(git_dir)
            if staged is None or staged[0] != index_key:
                staged = (index_key, tuple(staged_changes(repo)))
                self._staged[git_dir] = staged
        except GitMissing as exc:
            self._git_missing = True
            log.warning("commit coaching checks messages only: %s", exc.message)
            return message_only
        except GitError as exc:
            log.info("commit coaching without the staged diff of %s: %s", git_dir, exc.message)
            return message_only
        return _Context(
            staged[1],
            cached[1],
            comment_char_of(text, cached[2]),
            branch_of_message_file(path),
        )


def _stamps(directory: str, *names: str) -> Stamps:
    """Modification times (ns) of files in ``directory``; None for a missing one."""
    out: list[int | None] = []
    for name in names:
        try:
            out.append(os.stat(os.path.join(directory, name)).st_mtime_ns)
        except OSError:
            out.append(None)
    return tuple(out)


def _covers(entry: object, wanted: str) -> bool:
    """Whether a client's ``only`` entry asks for ``wanted`` (kinds are dot hierarchies)."""
    kind = str(getattr(entry, "value", entry))
    return wanted == kind or wanted.startswith(f"{kind}.")

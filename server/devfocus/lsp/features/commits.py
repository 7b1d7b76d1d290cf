"""Commit messages in the editor: diagnostics (``devfocus-commit``) and quick fixes for the message
git opened (COMMIT_EDITMSG), checked against the staged diff and the repository's habits.

The work is done on a background thread 300 ms after typing stops; the staged diff and the habits
are cached per git directory and read again when the index or HEAD changes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from devfocus.lsp.analysis import SEVERITY, AnalysisFeature, Work
from devfocus.lsp.documents import server_position
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import WRITE_COMMIT_WITH_AI
from devfocus.lsp.progress import WorkDoneProgress, current_request
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.ai.commitprompt import CommitFacts
    from devfocus.app.aicommit import Suggestion
    from devfocus.git.coach import Coaching, Finding, Fix, Habits
    from devfocus.git.model import FileChange
    from devfocus.lsp.documents import LineDocument
    from devfocus.lsp.messages import CommitDraftResult
    from devfocus.lsp.server import DevFocusServer

T = TypeVar("T")

log = logging.getLogger(__name__)

SOURCE = "devfocus-commit"
SCORE_CODE = "commit-score"
# VS Code and Helix say git-commit; Neovim sends its filetype, gitcommit.
LANGUAGES = ("git-commit", "gitcommit")
# Files git opens for a commit's message. TAG_EDITMSG is a tag's: no commit rules apply to it.
MESSAGE_FILES = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG")
NOT_COMMITS = ("TAG_EDITMSG",)
AI_TITLE = "Write commit message with AI"
# A rewrite of the message: in the light bulb, and under "Refactor…" where an editor has one.
AI_KIND = "refactor.rewrite.commitMessage.devfocus"
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
    repo: Path | None = None
    why_not: str | None = None  # why no repository was read, in words for the user
    subjects: tuple[str, ...] = ()  # of HEAD's recent commits, newest first


@dataclass(frozen=True, slots=True)
class _Result:
    uri: str
    version: int | None
    lines: tuple[str, ...]
    coaching: Coaching


class CommitCoachingFeature(AnalysisFeature[_Result]):
    code_action_kinds = (types.CodeActionKind.QuickFix.value, AI_KIND)

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
        self._habits: dict[str, tuple[Stamps, Habits, tuple[str, ...], str | None]] = {}
        self._git_missing = False
        server.command(WRITE_COMMIT_WITH_AI)(handler(self.write_with_ai))

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
        drafting = self._draft_action(uri, only)
        fixes = await self._fixes(params)
        actions = [*(fixes or []), *([drafting] if drafting is not None else [])]
        return actions if actions or fixes is not None else None

    def _draft_action(
        self, uri: str, only: Sequence[types.CodeActionKind | str] | None
    ) -> types.CodeAction | None:
        """ "Write commit message with AI", offered at once when a provider is configured: the
        model is asked only when the user chooses it (the command does the work)."""
        if self.server.settings.ai.provider == "none" or uri not in self.languages:
            return None
        if only and not any(_covers(k, AI_KIND) for k in only):
            return None
        document = self.server.open_document(uri)
        version = document.version if document is not None else None
        return types.CodeAction(
            title=AI_TITLE,
            kind=AI_KIND,
            command=types.Command(
                title=AI_TITLE,
                command=WRITE_COMMIT_WITH_AI,
                arguments=[{"uri": uri, "version": version}],
            ),
        )

    async def _fixes(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
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
            repository_of_message_file,
            staged_changes,
        )
        from devfocus.git.runner import GitError, GitMissing

        def message_only(why: str) -> _Context:
            return _Context((), Habits(), comment_char_of(text, "#"), None, why_not=why)

        if path is None:
            return message_only("the commit message is not a file on this machine")
        if self._git_missing:
            return message_only("git is not installed")
        git_dir = os.path.dirname(os.path.abspath(path))
        # Nothing of a repository the trust gate refuses is read, and no git runs in it: not to
        # find its work tree, nor for the staged diff, its habits or its branch.
        trust = self.server.trust
        verdict = trust.git_dir_verdict(Path(git_dir))
        if not verdict.allowed:
            return message_only(f"the repository is not read: {verdict.reason}")
        try:
            if git_dir not in self._repos:
                self._repos[git_dir] = repository_of_message_file(path)
            repo = self._repos[git_dir]
            if repo is None:
                return message_only("the commit message is not in a git repository")
            if not trust.allows(repo):
                return message_only(f"the repository is not read: {trust.verdict(repo).reason}")
            head_key = _stamps(git_dir, "HEAD", os.path.join("logs", "HEAD"), "config")
            cached = self._habits.get(git_dir)
            if cached is None or cached[0] != head_key:
                cached = (head_key, *_recent_history(repo), comment_char(repo))
                self._habits[git_dir] = cached
            index_key = _stamps(git_dir, "index", "index.lock", "HEAD")
            staged = self._staged.get(git_dir)
            if staged is None or staged[0] != index_key:
                staged = (index_key, tuple(staged_changes(repo)))
                self._staged[git_dir] = staged
        except GitMissing as exc:
            self._git_missing = True
            log.warning("commit coaching checks messages only: %s", exc.message)
            return message_only("git is not installed")
        except GitError as exc:
            log.info("commit coaching without the staged diff of %s: %s", git_dir, exc.message)
            return message_only(f"git could not read the staged change: {exc.message}")
        return _Context(
            staged[1],
            cached[1],
            comment_char_of(text, cached[3]),
            branch_of_message_file(path),
            repo,
            subjects=cached[2],
        )

    # -- writing the message with AI ----------------------------------------------------------
    async def write_with_ai(self, *args: object) -> JsonValue:
        """``devfocus.commit.writeWithAI``: draft the message of the staged change, score it,
        and put it in place of the document's message (git's comments stay)."""
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import WriteCommitArguments

        request = current_request(self.server)  # before any await (see current_request)
        try:
            arguments = WriteCommitArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        uri = arguments.uri
        if uri not in self.languages or self.server.open_document(uri) is None:
            raise JsonRpcInvalidParams(
                f"{WRITE_COMMIT_WITH_AI}: {uri} is not an open commit message"
            )
        if not self.server.ai.configured:
            self._not_written("no AI provider is configured (devfocus.ai.provider)")
            return None
        self.server.ai.prepare()  # the SDK loads while the staged change is read
        supported = bool(self.server.client_supports("window.work_done_progress"))
        progress = WorkDoneProgress(
            self.server, "Writing the commit message with AI", supported, "devfocus-commit"
        )
        async with progress:
            try:
                drafted = await progress.run(self._draft(uri, progress), request)
            except _NotDrafted as exc:
                self._not_written(exc.message)
                return None
        if drafted is None:
            log.info("%s cancelled", WRITE_COMMIT_WITH_AI)
            return None
        suggestion, comment_char = drafted
        return to_json(await self._apply_draft(uri, suggestion, comment_char))

    async def _draft(self, uri: str, progress: WorkDoneProgress) -> tuple[Suggestion, str | None]:
        # Deferred: the AI layer loads with the first draft.
        from devfocus.ai.exchange import AIUnavailable
        from devfocus.app.aicommit import suggest_message

        document = self.server.open_document(uri)
        text = document.source if document is not None else ""
        progress.report("Reading the staged change", 10)
        loop = asyncio.get_running_loop()
        facts, comment_char = await loop.run_in_executor(
            self.analysis.pool(), self._facts, uri, text
        )
        progress.report(f"Asking {self.server.ai.model or self.server.ai.provider}", 30)
        try:
            suggestion = await suggest_message(self.server.ai, facts)
        except AIUnavailable as exc:
            raise _NotDrafted(exc.message) from exc
        for note in suggestion.draft.notes:
            log.info("AI commit message: %s", note)
        return suggestion, comment_char

    def _facts(self, uri: str, text: str) -> tuple[CommitFacts, str | None]:
        """On the coaching thread: the coach's staged diff, habits and branch (read once for
        both), and what else the model may know of the staged change."""
        # Deferred: on the coaching thread, with the first draft.
        from devfocus.app.aicommit import RecentHistory, commit_facts
        from devfocus.git.runner import GitError

        path = to_fs_path(uri) if uri.startswith("file:") else None
        context = self._context(path, text)
        if context.repo is None:
            raise _NotDrafted(context.why_not or "the commit message is not in a git repository")
        if not context.files:
            raise _NotDrafted("nothing is staged: stage the changes to describe first")
        try:
            facts = commit_facts(
                context.repo,
                self.server.settings,
                files=context.files,
                history=RecentHistory(context.habits, context.subjects),
                branch=context.branch,
            )
        except GitError as exc:
            raise _NotDrafted(f"git could not read the staged change: {exc.message}") from exc
        return facts, context.comment_char

    async def _apply_draft(
        self, uri: str, suggestion: Suggestion, comment_char: str | None
    ) -> CommitDraftResult | None:
        # Deferred, for start-up time: as above.
        from devfocus.git.coach import split_lines
        from devfocus.lsp.messages import CommitDraftResult, CommitFinding

        document = self.server.open_document(uri)
        if document is None:
            self._not_written("the commit message was closed")
            return None
        draft, coaching = suggestion.draft, suggestion.coaching
        text = document.source
        lines = split_lines(text)
        new_text = with_message(text, draft.message, comment_char)
        edit = types.TextEdit(
            range=self._range(tuple(lines), 0, 0, len(lines) - 1, len(lines[-1])),
            new_text=new_text,
        )
        score = f"score {coaching.score:g}/10"
        result = await self.server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=self._workspace_edit(uri, document.version, edit),
                label=f"{AI_TITLE} ({score})",
            )
        )
        if result.applied:
            advice = coaching.improvements[0] if coaching.improvements else "nothing to improve"
            self._tell(f"AI draft: {score} — {advice}", types.MessageType.Info)
        else:
            why = result.failure_reason or "the editor did not apply the edit"
            self._tell(f"the AI draft ({score}) was not applied: {why}", types.MessageType.Warning)
        return CommitDraftResult(
            subject=draft.subject,
            body=draft.body,
            score=coaching.score,
            findings=tuple(
                CommitFinding(f.rule, f.severity, f.line + 1, f.message) for f in coaching.findings
            ),
            applied=bool(result.applied),
        )

    def _workspace_edit(
        self, uri: str, version: int | None, edit: types.TextEdit
    ) -> types.WorkspaceEdit:
        if self.server.client_supports("workspace.workspace_edit.document_changes"):
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=version
                        ),
                        edits=[edit],
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: [edit]})

    def _not_written(self, why: str) -> None:
        log.info("commit message not written with AI: %s", why)
        self._tell(f"Could not write the commit message with AI: {why}", types.MessageType.Warning)

    def _tell(self, message: str, kind: types.MessageType) -> None:
        self.server.window_show_message(
            types.ShowMessageParams(type=kind, message=f"DevFocus: {message}")
        )


class _NotDrafted(Exception):
    """Why no draft was made, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def with_message(text: str, message: str, comment_char: str | None) -> str:
    """``text`` (a commit message file) with ``message`` in place of the message it holds; git's
    comment lines, and everything from the scissors line of ``git commit -v`` on, stay."""
    # Deferred: the coaching engine loads on first use.
    from devfocus.git.coach.message import read_message, split_lines

    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_lines(text)
    read = read_message(text, comment_char)
    comments = set(read.comment_lines)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in comments:
            kept.append(line)
        elif comment_char and line.startswith(comment_char):
            kept += lines[index:]  # the scissors line: the diff below is git's
            break
    while kept and not kept[-1]:
        kept.pop()
    out = message.replace("\n", newline)
    if kept:
        out += newline + newline + newline.join(kept)
    return out + newline if text.endswith(("\n", "\r")) else out


def _recent_history(repo: Path) -> tuple[Habits, tuple[str, ...]]:
    """The habits and subjects of HEAD's recent commits, from one ``git log`` (for the coach,
    and for a draft's tone); none for an unborn branch."""
    # Deferred: on the coaching thread, as above.
    from devfocus.git.coach import HABIT_SAMPLE, Habits, habits_of
    from devfocus.git.logstream import read_commits
    from devfocus.git.runner import GitError, GitMissing

    try:
        commits = list(read_commits(repo, ["-n", str(HABIT_SAMPLE), "HEAD"]))
    except GitMissing:
        raise
    except GitError:
        return Habits(), ()  # no commit yet
    return habits_of(commits), tuple(c.subject for c in commits if not c.merge)


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

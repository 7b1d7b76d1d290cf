"""Docstrings in the editor: diagnostics (``devfocus-docs``), quick fixes and a source action on a
per-(uri, version) index built in the background, edits computed on ``codeAction/resolve``, and
the ``devfocus.docs.generateFile`` / ``generateWorkspace`` commands.

With an AI provider configured, each quick fix has a twin "with AI" that runs
``devfocus.docs.generateWithAI``: listing it asks no model; the command does the work under a
cancellable progress bar, and ``generateFile`` / ``generateWorkspace`` take ``{ai: true}``. Only
the questions to the model are awaited on the event loop; planning and edits are made on the
docstring thread, as every other docstring edit is (see :mod:`devfocus.app.aidocs`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.uris import from_fs_path, to_fs_path

from devfocus.lsp.analysis import SEVERITY, AnalysisFeature, Work
from devfocus.lsp.documents import is_python, server_position
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import GENERATE_FILE, GENERATE_WITH_AI, GENERATE_WORKSPACE
from devfocus.lsp.progress import Cancellable, WorkDoneProgress, current_request
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.app.aidocs import AIEdits, Outcome, Plan, Reply, Request
    from devfocus.app.docindex import DocumentIndex, Target
    from devfocus.app.docstrings import DocsConfig
    from devfocus.docs.checks import Finding
    from devfocus.docs.edits import TextEdit
    from devfocus.docs.facts import ModuleFacts, Span
    from devfocus.lsp.documents import LineDocument
    from devfocus.lsp.messages import DocsResult
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = "devfocus-docs"
GENERATE_KIND = "source.generateDocstrings.devfocus"
WORKSPACE_BATCH = 50  # files per workspace/applyEdit
# Past this a module is not analysed in the editor: the facts of every definition would live in
# the server (a megabyte of one-line functions is 27,000 definitions, about 100 MB), and no
# hand-written module comes near it. `devfocus docs check` checks a file of any size.
MAX_ANALYSED_CHARS = 1024 * 1024
# Diagnostics published per document, the first ones: each is built and sent on the event loop.
MAX_DIAGNOSTICS = 1000
# Return types asked of jedi ahead of any request, the first ones: jedi is pure Python in this
# process, and thousands of questions would keep a core busy for many seconds. The rest are
# asked when their fix is (within the request's bounded wait).
PREFETCH_INFERENCE = 200


class DocsFeature(AnalysisFeature["DocumentIndex"]):
    code_action_kinds = (types.CodeActionKind.QuickFix.value, GENERATE_KIND)

    def __init__(self, server: DevFocusServer) -> None:
        # Edits and generated files are made on the analyses' thread too, so they never race.
        super().__init__(
            server,
            thread_name="devfocus-docs",
            failure="could not analyse %s for docstrings",
            warm_up=_warm_up,
        )
        self.indexes: dict[str, DocumentIndex] = {}
        self._not_analysed_said: set[str] = set()  # documents the editor does not analyse
        server.command(GENERATE_FILE)(handler(self.generate_file))
        server.command(GENERATE_WORKSPACE)(handler(self.generate_workspace))
        server.command(GENERATE_WITH_AI)(handler(self.generate_with_ai))

    # -- documents ---------------------------------------------------------------------------
    def analyses(self, uri: str, language_id: str) -> bool:
        return is_python(uri, language_id)

    def document_closed(self, params: types.DidCloseTextDocumentParams) -> None:
        self._not_analysed_said.discard(params.text_document.uri)
        super().document_closed(params)

    def forget(self, uri: str) -> None:
        index = self.indexes.pop(uri, None)
        if index is not None and index.inference is not None:
            index.inference.close()
        self.publish(uri, None, [])

    def module_facts(self, uri: str, version: int | None) -> ModuleFacts | None:
        index = self.indexes.get(uri)
        return index.facts if index is not None and index.version == version else None

    def prepare(self, uri: str, document: LineDocument) -> Work[DocumentIndex] | None:
        if document.char_count > MAX_ANALYSED_CHARS:
            mib = MAX_ANALYSED_CHARS // (1024 * 1024)
            why = f"it is larger than {mib} MiB (`devfocus docs check` checks it)"
            self._not_analysed(uri, why)
            return None
        version, config = document.version, self._config()
        # Keyed by the settings too: a settings change is never answered with the old index.
        build = partial(_build_index, uri, version, _path(uri), document.source, config)
        return (version, config), build

    def _not_analysed(self, uri: str, why: str) -> None:
        """Drop what was known of a document the editor does not analyse (too big, too many
        definitions); said once until it is analysed again."""
        if uri in self._not_analysed_said:
            return
        self._not_analysed_said.add(uri)
        log.info("no docstring checks for %s: %s", uri, why)
        index = self.indexes.pop(uri, None)
        if index is not None:
            if index.inference is not None:
                index.inference.close()
            self.publish(uri, None, [])

    def accept(self, uri: str, index: DocumentIndex) -> None:
        """Keep and publish the index of the document's current version."""
        from devfocus.docs.facts import ParseFailure, TooManyDefinitions  # loaded by the index

        if isinstance(index.facts.syntax_error, TooManyDefinitions):
            self._not_analysed(uri, str(index.facts.syntax_error.msg))
            return
        self._not_analysed_said.discard(uri)
        previous = self.indexes.get(uri)
        if previous is not None and previous.inference is not None:
            previous.inference.close()
        self.indexes[uri] = index
        if index.facts.syntax_error is not None:
            if isinstance(index.facts.syntax_error, ParseFailure):
                # Maybe valid Python, but nothing can be said about it: say why.
                log.info("no docstring checks for %s: %s", uri, index.facts.parse_problem)
            return  # mid-edit: the last diagnostics stand until the file parses again
        self._publish(index)
        if index.inference is not None and self._infer_types():
            index.inference.prefetch(index.needs_inference()[:PREFETCH_INFERENCE])

    def _publish(self, index: DocumentIndex) -> None:
        severity = SEVERITY.get(self.server.settings.docs.severity)
        findings = index.findings
        if len(findings) > MAX_DIAGNOSTICS:
            log.info(
                "%s: %d docstring findings, the first %d shown (`devfocus docs check` lists all)",
                index.uri,
                len(findings),
                MAX_DIAGNOSTICS,
            )
            findings = findings[:MAX_DIAGNOSTICS]
        diagnostics = [self._diagnostic(index, f, severity) for f in findings]
        self.publish(index.uri, index.version, diagnostics)

    def _diagnostic(
        self, index: DocumentIndex, finding: Finding, severity: types.DiagnosticSeverity | None
    ) -> types.Diagnostic:
        return types.Diagnostic(
            range=self._range(index.facts.lines, finding.span),
            message=finding.message,
            severity=severity,
            code=finding.code,
            source=SOURCE,
            data={"qualname": finding.qualname, "fix": finding.fix},
        )

    def _range(self, lines: list[str], span: Span) -> types.Range:
        start, end = span.start, span.end
        return self.client_range(lines, start.line, start.character, end.line, end.character)

    async def index_of(self, uri: str) -> DocumentIndex | None:
        """The index of the document's current version, built now if edits have not settled."""
        return await self.analysis.latest(uri, self.indexes.get(uri))

    # -- code actions ------------------------------------------------------------------------
    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        if uri not in self.languages:
            return None
        only = params.context.only
        want_fixes = _wanted(types.CodeActionKind.QuickFix.value, only)
        want_source = _wanted(GENERATE_KIND, only)
        if not (want_fixes or want_source):
            return None
        index = await self.index_of(uri)
        if index is None:
            return None
        actions: list[types.CodeAction] = []
        if want_fixes:
            targets = self._targets_for(index, params)
            actions += [self._quick_fix(index, t, params.context.diagnostics) for t in targets]
        if want_source and index.targets:
            actions.append(self._source_action(index))
        if not self._resolve_supported():
            actions = await self._with_edits(actions)
        if want_fixes and self._ai_configured():
            # Beside each template fix; carried by a command, so listing asks no model.
            actions += [self._ai_action(index, t) for t in targets]
        return actions

    def _targets_for(self, index: DocumentIndex, params: types.CodeActionParams) -> list[Target]:
        targets: dict[str, Target] = {}
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data
            if diagnostic.source != SOURCE or not isinstance(data, Mapping):
                continue
            target = index.target(str(data.get("qualname")))
            if target is not None:
                targets[target.definition.qualname] = target
        lines = index.facts.lines
        encoding = self.server.workspace.position_encoding
        start_line, _ = server_position(lines, params.range.start, encoding)
        for target in index.targets_at(start_line):
            targets.setdefault(target.definition.qualname, target)
        return list(targets.values())

    def _quick_fix(
        self, index: DocumentIndex, target: Target, diagnostics: Sequence[types.Diagnostic]
    ) -> types.CodeAction:
        definition = target.definition
        name = f"`{definition.name}`" if definition.kind != "module" else "the module"
        verb = "Generate docstring for" if target.fix == "generate" else "Update docstring of"
        codes = {f.code for f in target.findings}
        related = [
            d
            for d in diagnostics
            if d.source == SOURCE
            and d.code in codes
            and isinstance(d.data, Mapping)
            and d.data.get("qualname") == definition.qualname
        ]
        return types.CodeAction(
            title=f"{verb} {name}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=related or None,
            is_preferred=True if related else None,
            data={"uri": index.uri, "version": index.version, "qualname": definition.qualname},
        )

    def _ai_action(self, index: DocumentIndex, target: Target) -> types.CodeAction:
        definition = target.definition
        name = f"`{definition.name}`" if definition.kind != "module" else "the module"
        verb = "Generate docstring" if target.fix == "generate" else "Update docstring"
        title = f"{verb} with AI for {name}"
        arguments = {"uri": index.uri, "version": index.version, "qualname": definition.qualname}
        return types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            command=types.Command(title=title, command=GENERATE_WITH_AI, arguments=[arguments]),
            data={**arguments, "ai": True},
        )

    def _source_action(self, index: DocumentIndex) -> types.CodeAction:
        return types.CodeAction(
            title="Generate missing docstrings in file",
            kind=GENERATE_KIND,
            data={"uri": index.uri, "version": index.version, "file": True},
        )

    async def resolve_code_action(self, action: types.CodeAction) -> types.CodeAction | None:
        data = action.data
        if not isinstance(data, Mapping) or not isinstance(data.get("uri"), str):
            return None  # not one of this feature's
        if data.get("ai") is True:
            return action  # its command does the work: resolving asks no model
        uri = data["uri"]
        index = await self.index_of(uri)
        if index is None:
            raise JsonRpcInvalidParams(f"codeAction/resolve: {uri} is not an open Python file")
        qualnames = None if data.get("file") else {str(data.get("qualname"))}
        edits, refused = await self._edits(index, qualnames)
        if not edits and refused:
            raise JsonRpcInternalError(f"DevFocus made no edit: {refused[0]}")
        fix = _FileFix(uri, index.version, index.facts.lines, edits, [])
        action.edit = self._workspace_edit([fix])
        return action

    async def _with_edits(self, actions: list[types.CodeAction]) -> list[types.CodeAction]:
        """For clients without codeAction/resolve: every action carries its edit, and one with
        no safe edit is not offered at all."""
        ready = []
        for action in actions:
            try:
                resolved = await self.resolve_code_action(action)
            except (JsonRpcInternalError, JsonRpcInvalidParams) as exc:
                log.info("not offering %r: %s", action.title, exc)
                continue
            if resolved is not None and resolved.edit is not None:
                ready.append(resolved)
        return ready

    async def _edits(
        self, index: DocumentIndex, qualnames: set[str] | None
    ) -> tuple[list[TextEdit], list[str]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.analysis.pool(), _edits_for, index, self._config(), qualnames
        )

    # -- commands ------------------------------------------------------------------------------
    async def generate_file(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import GenerateFileArguments

        request = current_request(self.server)  # before any await (see current_request)
        try:
            arguments = GenerateFileArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        uri = arguments.uri
        refusal = None
        if uri in self.server.protocol.ignored:
            refusal = f"{uri} is too large or binary for DevFocus to edit"
        elif not is_python(uri, self.languages.get(uri)) or (
            self.server.protocol.is_open(uri) and uri not in self.languages
        ):
            refusal = f"{uri} is not a Python file"
        if refusal is not None:
            log.info("%s: %s", GENERATE_FILE, refusal)
            return to_json(await self._apply([], cancelled=False, refused=[refusal]))
        if arguments.ai:
            title = "Generating docstrings with AI"
            return to_json(await self._generate_with_ai([uri], title, request))
        async with self._progress("Generating docstrings") as progress:
            progress.report(Path(_path(uri) or uri).name, 0)
            files = await self._fix_files([uri], progress)
        return to_json(await self._apply(files, progress.cancelled))

    async def generate_workspace(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import GenerateWorkspaceArguments

        request = current_request(self.server)  # before any await (see current_request)
        try:
            ai = GenerateWorkspaceArguments.parse(args).ai
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        roots = self.server.roots
        if ai:
            loop = asyncio.get_running_loop()
            paths = await loop.run_in_executor(self.analysis.pool(), _python_files, roots)
            uris = [u for u in (from_fs_path(str(p)) for p in paths) if u]
            title = "Generating docstrings in the workspace with AI"
            return to_json(await self._generate_with_ai(uris, title, request))
        async with self._progress("Generating docstrings in the workspace") as progress:
            loop = asyncio.get_running_loop()
            paths = await loop.run_in_executor(self.analysis.pool(), _python_files, roots)
            uris = [from_fs_path(str(p)) or "" for p in paths]
            files = await self._fix_files([u for u in uris if u], progress)
        return to_json(await self._apply(files, progress.cancelled))

    # -- with AI -------------------------------------------------------------------------------
    async def generate_with_ai(self, *args: object) -> JsonValue:
        """``devfocus.docs.generateWithAI``: one definition's docstring with the model's prose."""
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import GenerateWithAIArguments

        request = current_request(self.server)  # before any await (see current_request)
        try:
            arguments = GenerateWithAIArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        uri, qualname = arguments.uri, arguments.qualname
        if not self._ai_configured():
            return to_json(await self._ai_refused(NOT_CONFIGURED))
        if uri not in self.languages:
            raise JsonRpcInvalidParams(f"{GENERATE_WITH_AI}: {uri} is not an open Python file")
        index = await self.index_of(uri)
        target = index.target(qualname) if index is not None else None
        if index is None or target is None:
            why = f"`{qualname or 'the module'}` has no missing or stale docstring now"
            return to_json(await self._ai_refused(why, types.MessageType.Info))
        name = _shown(target.definition.name, target.definition.kind)
        plan, made = await self._ai_plan(index, qualname)
        done: tuple[DocumentIndex, AIEdits] | None = (index, made) if made is not None else None
        if done is None:  # the model is asked: the user sees it work, and may cancel
            async with self._progress(f"Writing the docstring of {name} with AI") as progress:
                progress.report(f"asking {self.server.ai.provider}", 0)
                done = await progress.run(self._ai_edits(index, qualname, plan), request)
        if done is None:
            return to_json(await self._apply([], cancelled=True, outcomes=[]))
        index, result = done
        if result.excluded is not None:
            return to_json(await self._ai_refused(result.excluded))
        refused = [f"{d.qualname or 'module'}: {why}" for d, why in result.refused]
        fix = _FileFix(uri, index.version, index.facts.lines, result.edits, refused)
        answer = await self._apply([fix], cancelled=False, outcomes=result.outcomes)
        for message in [*result.fallbacks, *(f"No docstring written: {r}" for r in refused)]:
            self._tell(message, types.MessageType.Warning)
        return to_json(answer)

    def _planner(self, qualname: str) -> Callable[[DocumentIndex], Plan]:
        """The question for ``qualname`` in one version of a document (docs thread work)."""
        # Deferred: the AI layer loads with the first request for it.
        from devfocus.app import aidocs

        config, service = self._config(), self.server.ai

        def planned(version: DocumentIndex) -> Plan:
            options = version.options(config)
            settings, path = service.settings, version.path
            return aidocs.plan(
                version.facts, options, {qualname}, settings, path, service.provider, service.model
            )

        return planned

    async def _ai_plan(self, index: DocumentIndex, qualname: str) -> tuple[Plan, AIEdits | None]:
        """The plan for ``qualname``, and its edits too when no model need be asked (every
        answer is in memory, or none is wanted): one trip to the docs thread."""
        # Deferred: the AI layer loads with the first request for it.
        from devfocus.app import aidocs

        service, planned = self.server.ai, self._planner(qualname)
        service.prepare()  # the SDK loads while the question is planned

        def at_once(version: DocumentIndex) -> tuple[Plan, AIEdits | None]:
            plan = planned(version)
            replies = aidocs.recalled(service, plan.requests) if plan.excluded is None else {}
            return plan, (aidocs.edits(plan, replies) if replies is not None else None)

        return await self._runner()(partial(at_once, index))

    async def _ai_edits(
        self, index: DocumentIndex, qualname: str, plan: Plan
    ) -> tuple[DocumentIndex, AIEdits]:
        """The edit for one definition with the model's prose, made on the document's newest
        version (the user may type while the model writes)."""
        # Deferred: the AI layer loads with the first request for it.
        from devfocus.app import aidocs

        run, service, planned = self._runner(), self.server.ai, self._planner(qualname)
        replies = await aidocs.ask(service, plan.requests)
        latest = await self.index_of(index.uri)
        if latest is not None and latest.version != index.version:
            if latest.target(qualname) is None:
                return latest, aidocs.AIEdits([], [], [])  # fixed, or gone, meanwhile
            index, plan = latest, await run(partial(planned, latest))
        return index, await run(partial(aidocs.edits, plan, replies))

    async def _generate_with_ai(
        self, uris: list[str], title: str, request: Cancellable | None
    ) -> DocsResult:
        """``generateFile`` / ``generateWorkspace`` with ``{ai: true}``."""
        if not self._ai_configured():
            return await self._ai_refused(NOT_CONFIGURED)
        async with self._progress(title) as progress:
            done = await progress.run(self._fix_files_ai(uris, progress), request)
        if done is None:
            return await self._apply([], cancelled=True, outcomes=[])
        fixes, outcomes = done
        answer = await self._apply(fixes, cancelled=False, outcomes=outcomes)
        fallbacks = answer.fallbacks or ()
        for message in fallbacks[:20]:
            log.info("docstring with the template's words: %s", message)
        if fallbacks:
            more = f" ({len(fallbacks) - 1} more in the output)" if len(fallbacks) > 1 else ""
            self._tell(f"{fallbacks[0]}{more}", types.MessageType.Warning)
        return answer

    async def _fix_files_ai(
        self, uris: list[str], progress: WorkDoneProgress
    ) -> tuple[list[_FileFix], list[Outcome]]:
        """Each file's edits with the model's words; files are worked on a few at a time (as
        many as requests may run at once), so that a workspace of small files keeps the model
        busy, while the limiter still holds every request within the limits."""
        service = self.server.ai
        service.prepare()  # the SDK loads while the first files are planned
        shown = _AIProgress(len(uris), progress)
        files = asyncio.Semaphore(max(int(service.settings.max_concurrent), 1))

        async def one(uri: str) -> tuple[_FileFix | None, list[Outcome]]:
            async with files:
                done = await self._fix_file_ai(uri, shown)
            shown.file_done()
            return done

        results = await asyncio.gather(*(one(uri) for uri in uris))
        fixes = [fix for fix, _ in results if fix is not None]
        return fixes, [outcome for _, outcomes in results for outcome in outcomes]

    async def _fix_file_ai(
        self, uri: str, shown: _AIProgress
    ) -> tuple[_FileFix | None, list[Outcome]]:
        # Deferred: the AI layer loads with the first request for it.
        from devfocus.app import aidocs
        from devfocus.text import split_lines

        if uri in self.server.protocol.ignored:
            return None, []  # open, but too large or binary: its disk copy is not the editor's
        run, config, service = self._runner(), self._config(), self.server.ai
        document = self.server.open_document(uri)
        source = document.source if document is not None else None
        version = document.version if document is not None else None
        path = _path(uri)
        if source is None:
            if path is None:
                return None, []
            try:
                source = await run(partial(_read, path))
            except (OSError, ValueError) as exc:
                return _FileFix(uri, None, [], [], [f"{path}: {exc}"]), []
        name = Path(path or uri).name
        result = await aidocs.fix_with_ai(
            service,
            config,
            source,
            path,
            isolated=True,
            run=run,
            on_planned=partial(shown.planned, name),
            on_reply=partial(shown.replied, name),
        )
        where = path or uri
        refused = [
            f"{where}: {q}: {why}" if q else f"{where}: {why}" for q, why in result.fixed.refused
        ]
        lines = await run(partial(split_lines, source))
        return _FileFix(uri, version, lines, result.fixed.edits, refused), result.outcomes

    async def _ai_refused(
        self, why: str, kind: types.MessageType = types.MessageType.Warning
    ) -> DocsResult:
        """Nothing asked of a model, and why (shown, and in the result)."""
        self._tell(why, kind)
        return await self._apply([], cancelled=False, refused=[why], outcomes=[])

    def _tell(self, message: str, kind: types.MessageType) -> None:
        self.server.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def _runner(self) -> Callable[[Callable[[], Any]], Awaitable[Any]]:
        """Plain work on the docstring thread, where every other docstring edit is made."""
        loop, pool = asyncio.get_running_loop(), self.analysis.pool()

        def run(work: Callable[[], Any]) -> Awaitable[Any]:
            return loop.run_in_executor(pool, work)

        return run

    async def _fix_files(self, uris: list[str], progress: WorkDoneProgress) -> list[_FileFix]:
        loop = asyncio.get_running_loop()
        config = self._config()
        fixes: list[_FileFix] = []
        for done, uri in enumerate(uris):
            if progress.cancelled:
                break
            if uri in self.server.protocol.ignored:
                continue  # open, but too large or binary: its disk copy is not what the editor has
            document = self.server.open_document(uri)
            source = document.source if document is not None else None
            version = document.version if document is not None else None
            fix = await loop.run_in_executor(
                self.analysis.pool(), _fix_file, uri, source, version, config
            )
            if fix is not None:
                fixes.append(fix)
            progress.report(Path(_path(uri) or uri).name, (done + 1) * 100 // max(len(uris), 1))
        return fixes

    async def _apply(
        self,
        fixes: list[_FileFix],
        cancelled: bool,
        refused: list[str] | None = None,
        outcomes: list[Outcome] | None = None,
    ) -> DocsResult:
        """Apply ``fixes`` (batched); ``outcomes``: an AI run's, counted in the result."""
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import DocsResult

        applied = files = 0
        failures: list[str] = []
        for start in range(0, len(fixes), WORKSPACE_BATCH):
            batch = [f for f in fixes[start : start + WORKSPACE_BATCH] if f.edits]
            if not batch:
                continue
            edit = self._workspace_edit(batch)
            result = await self.server.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label="Generate docstrings")
            )
            if result.applied:
                applied += sum(len(f.edits) for f in batch)
                files += len(batch)
            else:
                failures.append(result.failure_reason or "the editor did not apply the edit")
        refused = [*(refused or []), *(reason for f in fixes for reason in f.refused)]
        for reason in refused[:20]:
            log.info("docstring not written: %s", reason)
        if outcomes is None:
            return DocsResult(applied, files, tuple(refused), cancelled, tuple(failures))
        origins = Counter(o.origin for o in outcomes)
        fallbacks = tuple(o.why for o in outcomes if o.origin == "template" and o.why is not None)
        return DocsResult(
            applied,
            files,
            tuple(refused),
            cancelled,
            tuple(failures),
            from_model=origins["model"],
            from_cache=origins["cache"],
            from_template=origins["template"],
            fallbacks=fallbacks,
        )

    def _progress(self, title: str) -> WorkDoneProgress:
        supported = bool(self.server.client_supports("window.work_done_progress"))
        return WorkDoneProgress(self.server, title, supported, "devfocus-docs")

    # -- helpers -------------------------------------------------------------------------------
    def _workspace_edit(self, fixes: list[_FileFix]) -> types.WorkspaceEdit:
        changes = {
            fix.uri: [
                types.TextEdit(range=self._range(fix.lines, e.span), new_text=e.new_text)
                for e in fix.edits
            ]
            for fix in fixes
        }
        if self.server.client_supports("workspace.workspace_edit.document_changes"):
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=fix.uri, version=fix.version
                        ),
                        edits=list(changes[fix.uri]),
                    )
                    for fix in fixes
                ]
            )
        return types.WorkspaceEdit(changes=changes)

    def _resolve_supported(self) -> bool:
        properties = self.server.client_supports(
            "text_document.code_action.resolve_support.properties"
        )
        return isinstance(properties, (list, tuple)) and "edit" in properties

    def _ai_configured(self) -> bool:
        return self.server.settings.ai.provider != "none"

    def _infer_types(self) -> bool:
        return self.server.settings.docs.infer_types

    def _config(self) -> DocsConfig:
        # Deferred: the docstring engine loads when a Python document first needs it.
        from devfocus.app.docstrings import DocsConfig

        return DocsConfig(self.server.settings.docs)


@dataclass
class _FileFix:
    """One file's edits, against the text (and editor version, if open) they were made on."""

    uri: str
    version: int | None
    lines: list[str]
    edits: list[TextEdit]
    refused: list[str]


NOT_CONFIGURED = (
    "No AI provider is configured: set devfocus.ai.provider (and its key in the environment) "
    "to write docstrings with AI"
)


class _AIProgress:
    """Progress of an AI run: files done, and each reply as it comes."""

    def __init__(self, files: int, progress: WorkDoneProgress) -> None:
        self.files = max(files, 1)
        self.progress = progress
        self.finished = self.asked = self.answered = 0

    def planned(self, name: str, plan: Plan) -> None:
        self.asked += len(plan.requests)
        if plan.requests:
            self.progress.report(f"{name}: {len(plan.requests)} to write", self._percentage())

    def replied(self, name: str, request: Request, reply: Reply) -> None:
        self.answered += 1
        message = f"{name}: {request.definition.name} ({self.answered}/{self.asked})"
        self.progress.report(message, self._percentage())

    def file_done(self) -> None:
        self.finished += 1
        self.progress.report(f"{self.finished}/{self.files} files", self._percentage())

    def _percentage(self) -> int:
        if self.files == 1:  # one file: its replies are the progress
            return self.answered * 100 // max(self.asked, 1)
        return self.finished * 100 // self.files


def _shown(name: str, kind: str) -> str:
    return f"`{name}`" if kind != "module" else "the module"


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``only`` (a client's filter) asks for ``kind``: kinds are dot-separated
    hierarchies, so ``source`` covers ``source.generateDocstrings.devfocus``."""
    if not only:
        return True
    return any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


# -- work done on the docs thread ------------------------------------------------------------
def _warm_up() -> None:
    """Start the parser process (it loads libcst while idle) before the first analysis or edit
    needs it. libcst itself never loads here: see :mod:`devfocus.docs.worker`."""
    # Deferred: on the docs thread: the parser process starts while the editor is idle.
    from devfocus.docs.worker import shared

    shared().start()


def _build_index(
    uri: str, version: int | None, path: str | None, source: str, config: DocsConfig
) -> DocumentIndex:
    # Deferred: on the docs thread, with the first Python document.
    from devfocus.app.docindex import DocumentIndex
    from devfocus.app.docstrings import EDITOR_MAX_DEFINITIONS, analyse_isolated

    analyse = partial(analyse_isolated, max_definitions=EDITOR_MAX_DEFINITIONS)
    return DocumentIndex.build(uri, version, path, source, config, analyse)


def _edits_for(
    index: DocumentIndex, config: DocsConfig, qualnames: set[str] | None
) -> tuple[list[TextEdit], list[str]]:
    # Deferred: on the docs thread, with the first edit.
    from devfocus.docs.edits import module_edits

    facts = index.facts
    wanted = {t.definition.qualname for t in index.targets}
    if qualnames is not None:
        wanted &= qualnames
    edits, refused = module_edits(facts, index.options(config), wanted)
    return edits, [f"{d.qualname or 'module'}: {why}" for d, why in refused]


def _fix_file(
    uri: str, source: str | None, version: int | None, config: DocsConfig
) -> _FileFix | None:
    # Deferred: on the docs thread, with the first generated file.
    from devfocus.app.docstrings import fix_source, read_source
    from devfocus.text import split_lines

    path = _path(uri)
    if source is None:
        if path is None:
            return None
        try:
            source, _ = read_source(Path(path))
        except (OSError, ValueError) as exc:
            return _FileFix(uri, None, [], [], [f"{path}: {exc}"])
    result = fix_source(config, source, path, isolated=True)
    refused = [f"{path or uri}: {q or 'module'}: {why}" for q, why in result.refused]
    return _FileFix(uri, version, split_lines(source), result.edits, refused)


def _read(path: str) -> str:
    # Deferred: on the docs thread, with the first file written with AI.
    from devfocus.app.docstrings import read_source

    return read_source(Path(path))[0]


def _python_files(roots: list[str]) -> list[Path]:
    # Deferred: on the docs thread, with the first workspace generation.
    from devfocus.app.docstrings import iter_python_files

    return list(iter_python_files(roots))

"""The DevFocus language server: a thin pygls server that owns the services (tracking, git), their
one start-up and one ending, and hands every event to every feature (devfocus.lsp.features)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from devfocus import __version__
from devfocus.app.tracking import TrackingService
from devfocus.config import Settings
from devfocus.lsp.documents import LineDocument
from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import capability, handler
from devfocus.lsp.protocol import SYNC_KIND, DevFocusProtocol
from devfocus.lsp.transport import PIECE_BYTES, AsyncReader, read_messages

if TYPE_CHECKING:
    from devfocus.ai.exchange import Prompt
    from devfocus.app.aiservice import AIService
    from devfocus.app.editorinsights import EditorInsights
    from devfocus.docs.facts import ModuleFacts
    from devfocus.store.errors import StoreError

log = logging.getLogger(__name__)


class DevFocusServer(LanguageServer):
    protocol: DevFocusProtocol

    def __init__(self) -> None:
        super().__init__(
            "devfocus",
            __version__,
            text_document_sync_kind=SYNC_KIND,
            protocol_cls=DevFocusProtocol,
        )
        self.settings = Settings()
        self.log_level = logging.INFO
        self.roots: list[str] = []  # the workspace folders' paths
        # Deferred: needed once a server is made, not when serve() is only imported.
        from devfocus.app.trustgate import TrustGate

        self.trust = TrustGate()  # which repositories any feature may read
        self.tracking = TrackingService(
            self.settings,
            on_problem=self._database_problem,
            on_recovered=self._database_back,
            trust=self.trust,
        )
        # Deferred: as above.
        from devfocus.app.gitwatch import GitService

        self.git = GitService(self.settings, trust=self.trust)
        self._ai: AIService | None = None  # made with the first use
        self._editor_insights: EditorInsights | None = None  # made with the first use
        # The team's share of today's focus in deep work, from the last push (None: no team).
        self.team_deep_share_today: float | None = None
        # uri → group → the diagnostics it last published there (see publish_diagnostics_of).
        self._diagnostics: dict[str, dict[str, list[types.Diagnostic]]] = {}
        self._closed = False
        # Deferred: as above; every feature module loads here.
        from devfocus.lsp.features import FEATURES

        self.features: list[LanguageFeature] = [feature(self) for feature in FEATURES]
        self._register()

    # -- what the server hands to features -------------------------------------------------------
    def _register(self) -> None:
        self.feature(types.INITIALIZE)(handler(self._initialize))
        self.feature(types.INITIALIZED)(handler(self._initialized))
        self.feature(types.SHUTDOWN)(handler(self._shutdown))
        self.feature(types.EXIT)(handler(self._exit))
        # Looked up once: a didChange comes with every keystroke.
        opened = self._overriding("document_opened")
        changed = self._overriding("document_changed")
        saved = self._overriding("document_saved")
        closed = self._overriding("document_closed")
        self.feature(types.TEXT_DOCUMENT_DID_OPEN)(_each(opened, "document_opened"))
        self.feature(types.TEXT_DOCUMENT_DID_CHANGE)(_each(changed, "document_changed"))
        save_options = types.SaveOptions(include_text=False)
        self.feature(types.TEXT_DOCUMENT_DID_SAVE, save_options)(_each(saved, "document_saved"))
        self.feature(types.TEXT_DOCUMENT_DID_CLOSE)(_each(closed, "document_closed"))
        # pygls takes one handler per method: this one asks every feature.
        kinds = list(dict.fromkeys(k for f in self.features for k in f.code_action_kinds))
        if kinds:
            resolving = bool(self._overriding("resolve_code_action"))
            options = types.CodeActionOptions(code_action_kinds=kinds, resolve_provider=resolving)
            self.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)(handler(self._code_actions))
            if resolving:
                self.feature(types.CODE_ACTION_RESOLVE)(handler(self._resolve_code_action))

    def _overriding(self, hook: str) -> list[LanguageFeature]:
        """The features that fill ``hook`` in (the others would be called for nothing)."""
        empty = getattr(LanguageFeature, hook)
        return [f for f in self.features if getattr(type(f), hook) is not empty]

    def _each_feature(self, hook: str) -> None:
        """Call ``hook`` (no arguments) on every feature that has it."""
        for feature in self._overriding(hook):
            try:
                getattr(feature, hook)()
            except Exception:
                log.exception("%s failed in %s", hook, type(feature).__name__)

    @property
    def ai(self) -> AIService:
        """The AI layer for the current settings (made on first use, after start-up)."""
        if self._ai is None:
            # Deferred: not on the start-up path; the client and SDKs load with the first question.
            from devfocus.app.aiservice import AIService, TrackingCache

            self._ai = AIService(self.settings, TrackingCache(self.tracking))
            self._ai.trace = self._trace_prompt
            self._ai.on_change = self.state_changed
        return self._ai

    def settings_changed(self) -> None:
        """The settings or the workspace's trust changed (the services have them already)."""
        if self._ai is not None:
            self._ai.configure(self.settings)
        self._each_feature("settings_changed")

    def state_changed(self) -> None:
        """Something the live status shows may have changed."""
        self._each_feature("state_changed")

    def data_erased(self) -> None:
        """The user's data was erased."""
        if self._ai is not None:
            self._ai.forget_answers()
        self._each_feature("data_erased")

    def open_document(self, uri: str) -> LineDocument | None:
        """The open document at ``uri``; None when it is not open, or too big or binary for
        features (see :mod:`devfocus.lsp.protocol`)."""
        if not self.protocol.is_open(uri) or uri in self.protocol.ignored:
            return None
        document = self.workspace.get_text_document(uri)
        return document if isinstance(document, LineDocument) else None

    def module_facts(self, uri: str) -> ModuleFacts | None:
        """A feature's parse of the open Python document at its current version, if any has one."""
        document = self.open_document(uri)
        if document is None:
            return None
        for feature in self._overriding("module_facts"):
            facts = feature.module_facts(uri, document.version)
            if facts is not None:
                return facts
        return None

    # -- diagnostics of several features on one document ----------------------------------------
    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        """A client keeps one list of a server's diagnostics per document, replaced by each
        publish: what a feature publishes goes out with what the others last published for the
        same document (docstrings and insights on one Python file), as they were until those
        features publish again."""
        self.publish_diagnostics_of("", params)

    def publish_diagnostics_of(self, group: str, params: types.PublishDiagnosticsParams) -> None:
        """Publish ``params`` as ``group``'s diagnostics of the document, with the other groups'
        last ones (a feature that publishes on documents others publish on names a group)."""
        groups = self._diagnostics.setdefault(params.uri, {})
        if params.diagnostics:
            groups[group] = list(params.diagnostics)
        else:
            groups.pop(group, None)
        if not groups:
            del self._diagnostics[params.uri]
        merged = [d for listed in groups.values() for d in listed]
        super().text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=params.uri, version=params.version, diagnostics=merged
            )
        )

    def editor_insights(self) -> EditorInsights:
        """The definitions' history, the week's ranking of files and the hotspots that the
        hover and the insight diagnostics share (one git log per file for both)."""
        if self._editor_insights is None:
            # Deferred: git's history code loads with the first hover or Python file opened.
            from devfocus.app.editorinsights import EditorInsights

            self._editor_insights = EditorInsights(
                self.tracking.files_focus, may_read=self.trust.allows
            )
        return self._editor_insights

    def client_supports(self, dotted: str) -> object:
        """A client capability by its dotted path (``"workspace.configuration"``), or None."""
        return capability(self.client_capabilities, dotted)

    # -- life cycle ------------------------------------------------------------------------------
    def _initialize(self, params: types.InitializeParams) -> None:
        # Deferred: logging to the client starts once a client says hello.
        from devfocus.lsp.log import attach_to_client

        # Logging to the client is allowed from here on, and notifications may follow at once.
        attach_to_client(self, self.log_level)
        if params.client_info is not None:
            self.tracking.editor = params.client_info.name[:64]
        for feature in self.features:
            try:
                feature.initialize(params)
            except Exception:
                log.exception("initialize failed in %s", type(feature).__name__)
        self.tracking.prime(self.settings, self.roots)
        if params.trace is not None:  # pygls takes it from $/setTrace only
            self.protocol.trace = params.trace
        # Run from the VS Code bundle: its first start unpacks the libraries used later once
        # the imports that answer are done (run alongside them, it slowed the answer a fifth).
        bundled = sys.modules.get("devfocus.bundled")
        if bundled is not None and (bundle := bundled.active()) is not None:
            bundled.start_background(bundle)

    async def _initialized(self, params: types.InitializedParams) -> None:
        """The one start-up: the services start once the client is ready, then every feature."""
        loop = asyncio.get_running_loop()

        # Refusals are found on worker threads; the status says them.
        def trust_changed() -> None:
            loop.call_soon_threadsafe(self.state_changed)

        self.trust.on_change = trust_changed
        if not self.trust.trusted:
            log.info("the workspace is not trusted: git features wait for trust")
        self.tracking.start()
        self.git.start(self.settings, self.roots)
        for feature in self._overriding("initialized"):
            try:
                await feature.initialized()
            except Exception:
                log.exception("initialized failed in %s", type(feature).__name__)
        log.info("DevFocus %s ready; %d workspace folder(s)", self.version, len(self.roots))

    def _trace_prompt(self, prompt: Prompt) -> None:
        """While the editor traces verbosely (VS Code: ``devfocus.trace.server``), what is sent
        to a model goes to its trace, exactly: the user sees what leaves the machine."""
        if self.protocol.trace != types.TraceValue.Verbose:
            return
        # Deferred: only while tracing.
        from devfocus.ai.preview import describe_prompt

        self.log_trace(
            types.LogTraceParams(
                message=f"AI {prompt.purpose} request to {self.ai.provider} ({self.ai.model})",
                verbose=describe_prompt(prompt),
            )
        )

    def _shutdown(self, params: None) -> None:
        self._each_feature("shutdown")

    def _exit(self, params: None) -> None:
        self.close()  # pygls ends the process next

    def close(self) -> None:
        """The one ending, whatever the transport and however the server is asked to stop:
        the last activity is written, then every thread and file is let go. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self.tracking.close()  # first: the activity is written whatever else goes wrong
        finally:
            self._each_feature("close")  # each feature's failure is logged, not raised
            try:
                self.git.close()
            finally:
                self.protocol.close()

    # -- requests every feature answers ----------------------------------------------------------
    async def _code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        found: list[types.CodeAction] | None = None
        for feature in self._overriding("code_actions"):
            try:
                actions = await feature.code_actions(params)
            except Exception:
                log.exception("code actions failed in %s", type(feature).__name__)
                continue
            if actions is not None:
                found = [*(found or []), *actions]
        return found

    async def _resolve_code_action(self, action: types.CodeAction) -> types.CodeAction:
        if action.edit is not None:
            return action  # complete already (a quick fix that carries its edit)
        for feature in self._overriding("resolve_code_action"):
            try:
                resolved = await feature.resolve_code_action(action)
            except JsonRpcException:
                raise  # the feature's answer: this action cannot be completed, and why
            except Exception:
                log.exception("codeAction/resolve failed in %s", type(feature).__name__)
                continue
            if resolved is not None:
                return resolved
        raise JsonRpcInvalidParams("codeAction/resolve: this action is not from DevFocus")

    # -- errors ------------------------------------------------------------------------------------
    # Errors from malformed client messages are the client's, not the user's: log them instead of
    # pygls's default pop-up.
    def report_server_error(
        self, error: Exception, source: type[Exception] | type[JsonRpcException]
    ) -> None:
        log.error("ignored a message the server could not handle: %s", error)

    def _database_problem(self, error: StoreError) -> None:
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=(
                    f"DevFocus can't save activity: {error.message}. Activity is kept in memory "
                    "and saving is retried; every other feature keeps working. "
                    "`devfocus doctor` checks the database."
                ),
            )
        )

    def _database_back(self, written: int) -> None:
        log.info("activity database is available again (%d buffered events written)", written)

    # -- transport ---------------------------------------------------------------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve on stdio. Reads through an asyncio pipe (pygls's reader hands every line to a
        thread) with :func:`read_messages`, and writes the last activity however the process is
        asked to stop."""
        self._serve(self._serve_io(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer))

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client on a TCP socket, with the same reader and the same ending as stdio
        (pygls's own TCP loop parses every body on the event loop)."""
        self._serve(self._serve_tcp(host, port))

    def _serve(self, serving: Coroutine[object, object, None]) -> None:
        try:
            asyncio.run(serving)
        except (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
            pass
        finally:
            self.close()
            self.shutdown()

    @staticmethod
    def _stop_on_signals() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None and task is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, task.cancel)

    async def _serve_tcp(self, host: str, port: int) -> None:
        self._stop_on_signals()
        finished = asyncio.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)
            try:
                await read_messages(reader, self.protocol, self.report_server_error)
            finally:
                finished.set()  # the client went away: the server ends, as on stdio

        self._stop_event = threading.Event()
        listening = await asyncio.start_server(connection, host, port, limit=PIECE_BYTES)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in listening.sockets))
        async with listening:
            await finished.wait()

    async def _serve_io(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        loop = asyncio.get_running_loop()
        self._stop_on_signals()
        # The limit bounds a header line and how far the pipe is read ahead of the messages.
        stream = asyncio.StreamReader(limit=PIECE_BYTES)
        reader: AsyncReader = stream
        try:
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), stdin)
        except (OSError, ValueError, NotImplementedError):
            # Not a pipe or socket (a regular file, or a loop without pipe support).
            from pygls.io_ import StdinAsyncReader

            reader = StdinAsyncReader(stdin, self.thread_pool)
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout))
        await read_messages(reader, self.protocol, self.report_server_error)


def serve(tcp: str | None = None, log_level: int = logging.INFO) -> None:
    # Deferred: the serving process only.
    from devfocus.lsp.log import configure_stderr

    configure_stderr(log_level)
    # Worker threads (big messages, docstring analyses) hand the interpreter back to the event
    # loop within a millisecond of its asking, not Python's default five.
    sys.setswitchinterval(0.001)
    server = DevFocusServer()
    server.log_level = log_level
    if tcp is None:
        server.start_io()
        return
    host, _, port = tcp.rpartition(":")
    server.start_tcp(host or "127.0.0.1", int(port))


def _each(features: list[LanguageFeature], hook: str) -> Callable[..., object]:
    """The handler of a document notification: ``hook`` of each of ``features`` with its params,
    one feature's error logged without keeping the next from its call."""
    calls = [(type(feature).__name__, getattr(feature, hook)) for feature in features]

    def each(params: object) -> None:
        for name, call in calls:
            try:
                call(params)
            except Exception:
                log.exception("%s failed in %s", hook, name)

    return handler(each)

"""Settings from initializationOptions, then workspace/configuration (re-read on change), and the
workspace folders that make projects.

Also the workspace's trust: ``trusted`` in initializationOptions, then the
``devfocus/workspaceTrust`` notification. It is never read from workspace/configuration, which a
workspace's own settings can answer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from devfocus.config import SECTION, SettingProblem, layer, load_settings, section_of
from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import brief, handler
from devfocus.lsp.names import WORKSPACE_TRUST
from devfocus.lsp.wire import JsonValue, plain

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


def trusted_of(options: JsonValue) -> bool:
    """``trusted`` of the initialization options (at their top or in their ``devfocus``
    section): only ``true`` or no value at all trusts the workspace."""
    if not isinstance(options, dict):
        return True
    value = options.get("trusted")
    section = options.get(SECTION)
    if value is None and isinstance(section, dict):
        value = section.get("trusted")
    if value is not None and not isinstance(value, bool):
        log.warning("initializationOptions.trusted is %.60r, not a boolean: not trusted", value)
    return value is None or value is True


class SettingsFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        self._initial: JsonValue = (
            None  # initializationOptions: what the editor's settings layer on
        )
        self._problems: tuple[SettingProblem, ...] = ()
        self._queued: list[SettingProblem] = []
        server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(
            handler(self.did_change_configuration)
        )
        server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(
            handler(self.did_change_folders)
        )
        server.feature(WORKSPACE_TRUST)(handler(self.workspace_trust))

    # -- life cycle ----------------------------------------------------------------------------
    def initialize(self, params: types.InitializeParams) -> None:
        self.server.roots = self._workspace_roots()
        options = plain(params.initialization_options)
        self.server.trust.configure(trusted=trusted_of(options))
        self._initial = section_of(options)
        self._take(self._initial, show=False)

    async def initialized(self) -> None:
        for problem in self._queued:
            self._warn(problem)
        self._queued.clear()
        if self._pull_supported():
            await self._pull()
            if self.server.client_supports(
                "workspace.did_change_configuration.dynamic_registration"
            ):
                await self._register_for_changes()

    # -- settings ----------------------------------------------------------------------------
    async def did_change_configuration(self, params: types.DidChangeConfigurationParams) -> None:
        if self._pull_supported():
            await self._pull()
            return
        await self._apply(section_of(plain(params.settings)))

    async def _pull(self) -> None:
        try:
            result = await self.server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as exc:  # the client could not answer: keep what we have
            log.warning("could not read the %s settings from the editor: %s", SECTION, exc)
            return
        await self._apply(plain(result[0]) if result else None)

    async def _apply(self, raw: JsonValue) -> None:
        before = self.server.settings
        self._take(layer(self._initial, raw), show=True)
        if self.server.settings != before:
            await self.server.tracking.configure(self.server.settings, self.server.roots)
            self.server.git.configure(self.server.settings, self.server.roots)
            self.server.settings_changed()
            log.info("settings applied")

    def _take(self, raw: JsonValue, *, show: bool) -> None:
        settings, problems = load_settings(raw)
        self.server.settings = settings
        self.server.trust.configure(policy=settings.git.trust)
        new = [p for p in problems if p not in self._problems]
        self._problems = tuple(problems)
        for problem in new:
            if show:
                self._warn(problem)
            else:
                self._queued.append(problem)

    def _warn(self, problem: SettingProblem) -> None:
        log.warning("setting %s", problem)
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"DevFocus: {problem}")
        )

    async def _register_for_changes(self) -> None:
        registration = types.Registration(
            id="devfocus-configuration", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION
        )
        try:
            await self.server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as exc:
            log.info("the editor did not take the configuration registration: %s", exc)

    # -- the workspace's trust ---------------------------------------------------------------
    async def workspace_trust(self, params: object) -> None:
        """``devfocus/workspaceTrust {trusted: boolean}``: the editor's trust in the workspace
        changed (VS Code: trust was granted). Git features follow at once, without a restart."""
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import WorkspaceTrustParams

        try:
            trusted = WorkspaceTrustParams.parse(params).trusted
        except ValueError as expected:
            log.warning(
                "ignored %s with params %s: expected %s", WORKSPACE_TRUST, brief(params), expected
            )
            return
        if not self.server.trust.configure(trusted=trusted):
            return
        log.info("the workspace is %s", "trusted: git features on" if trusted else "not trusted")
        self.server.git.configure(self.server.settings, self.server.roots)
        self.server.settings_changed()  # commit coaching reads the staged diff now

    # -- workspace folders -------------------------------------------------------------------
    async def did_change_folders(self, params: types.DidChangeWorkspaceFoldersParams) -> None:
        self.server.roots = self._workspace_roots()
        await self.server.tracking.configure(self.server.settings, self.server.roots)
        self.server.git.configure(self.server.settings, self.server.roots)

    def _workspace_roots(self) -> list[str]:
        """Local paths of the workspace folders, else of the root (pygls's workspace holds both,
        rootPath already turned into rootUri)."""
        workspace = self.server.workspace
        uris = [f.uri for f in workspace.folders.values()] or [workspace.root_uri or ""]
        return [p for p in (to_fs_path(u) for u in uris if u.startswith("file:")) if p]

    # -- client capabilities ------------------------------------------------------------------
    def _pull_supported(self) -> bool:
        return bool(self.server.client_supports("workspace.configuration"))

"""``devfocus.report``: the same report as the CLI, as Markdown or JSON; the standup notes; and
with ``open``, the report written to a private file that the editor is asked to show."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import REPORT
from devfocus.lsp.progress import Cancellable, WorkDoneProgress, current_request
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.insights.focusreport import Report
    from devfocus.insights.standupnotes import Standup
    from devfocus.lsp.messages import ReportArguments
    from devfocus.lsp.server import DevFocusServer
    from devfocus.trackers.analytics import IssueReport

log = logging.getLogger(__name__)


class ReportFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(REPORT)(handler(self.report_command))

    def data_erased(self) -> None:
        """The user's data was erased: so are the report files written from it."""
        import asyncio  # deferred: only an erase needs it here

        from devfocus.app.reportfiles import remove_report_files

        asyncio.get_running_loop().run_in_executor(None, remove_report_files)

    async def report_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import ReportArguments

        request = current_request(self.server)  # before any await (see current_request)
        try:
            options = ReportArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        # Deferred: the report engine loads with the first report, not at start-up.
        from devfocus.insights.periods import STANDUP, requested_period

        if options.narrate:
            self.server.ai.prepare()  # the SDK loads while the report is made
        if options.period == STANDUP:
            return await self.standup(options, request)
        if options.issues:
            return await self.issue_report(options)
        if options.team:
            return await self.team_report(options)
        # Deferred, as above.
        from devfocus.insights.render import render
        from devfocus.insights.render_json import report_json
        from devfocus.store.errors import StoreError

        try:
            period = requested_period(
                options.period, options.from_date, options.to_date, self.server.tracking.clock()
            )
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        try:
            report, previous = await self.server.tracking.report(
                period, project=options.project, compare=options.compare, redact=options.redact
            )
        except StoreError as error:  # the database cannot be read: say so, not a traceback
            raise JsonRpcInternalError(f"{REPORT}: {error.message}") from error
        if options.narrate:
            report = await self.narrated(report, options.renarrate, request)
        if options.open:
            return await self.open_report(options, report, previous)
        if options.format == "json":
            return report_json(report, None, previous)
        # Text, Markdown, HTML or CSV; drawing the charts is tens of milliseconds on a long
        # period: off the event loop.
        import asyncio  # deferred, with the first report

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, render, report, options.format, None, previous)

    # -- issue analytics ---------------------------------------------------------------------------
    async def issue_report(self, options: ReportArguments) -> JsonValue:
        """Issue analytics (devfocus.issues) of the period, in the report's format, or written
        to a file and shown."""
        # Deferred, with the first issue report.
        import asyncio

        from devfocus.app.datastore import open_database
        from devfocus.app.reporting import make_issue_report
        from devfocus.insights.issuereport import render_issue_report
        from devfocus.insights.issuereport_data import issues_json
        from devfocus.insights.periods import requested_period
        from devfocus.store.errors import StoreError

        now = self.server.tracking.clock()
        try:
            period = requested_period(options.period, options.from_date, options.to_date, now)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        settings = self.server.settings
        project = self.server.tracking.project_of(options.project) if options.project else None

        def made() -> IssueReport:
            database = open_database(settings)
            try:
                return make_issue_report(database, period, now=now, project=project)
            finally:
                database.close()

        loop = asyncio.get_running_loop()
        try:
            report = await loop.run_in_executor(None, made)
        except StoreError as error:
            raise JsonRpcInternalError(f"{REPORT}: {error.message}") from error
        if options.format == "json" and not options.open:
            return issues_json(report)
        if options.open and options.format not in ("html", "markdown"):
            raise JsonRpcInvalidParams(
                f"{REPORT}: open writes html or markdown, not {options.format}"
            )
        body = await loop.run_in_executor(None, render_issue_report, report, options.format)
        if options.open:
            suffix = "html" if options.format == "html" else "md"
            return await self.show_file(f"issues-{period.name}", suffix, body)
        return body

    # -- the team's report --------------------------------------------------------------------
    async def team_report(self, options: ReportArguments) -> JsonValue:
        """The team's report (devfocus.team.databaseUrl) of the period, in the report's format,
        or written to a file and shown."""
        # Deferred, with the first team report.
        import asyncio

        from devfocus.app.teamshare import make_team_report, team_url
        from devfocus.insights.periods import requested_period
        from devfocus.store.errors import StoreError
        from devfocus.team.teamreport import render_team_report
        from devfocus.team.teamreport_data import team_json

        url = team_url(self.server.settings)
        if url is None:
            raise JsonRpcInvalidParams(
                f"{REPORT}: no team database: set devfocus.team.databaseUrl (VS Code: DevFocus: "
                "Connect Team Database)"
            )
        now = self.server.tracking.clock()
        try:
            period = requested_period(options.period, options.from_date, options.to_date, now)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        if options.open and options.format not in ("html", "markdown"):
            raise JsonRpcInvalidParams(
                f"{REPORT}: open writes html or markdown, not {options.format}"
            )
        loop = asyncio.get_running_loop()
        try:
            report = await loop.run_in_executor(
                None, lambda: make_team_report(url, period, now=now)
            )
        except StoreError as error:  # the team database's problems, in one line
            raise JsonRpcInternalError(f"{REPORT}: {error}") from error
        if options.format == "json" and not options.open:
            return team_json(report)
        body = await loop.run_in_executor(None, render_team_report, report, options.format)
        if options.open:
            suffix = "html" if options.format == "html" else "md"
            return await self.show_file(f"team-{period.name}", suffix, body)
        return body

    # -- standup notes ----------------------------------------------------------------------------
    async def standup(
        self, options: ReportArguments, request: Cancellable | None = None
    ) -> JsonValue:
        """The standup notes (the last working day, today, likely blockers) as text, Markdown or
        JSON, or written to a Markdown file and shown."""
        # Deferred, with the first standup.
        from devfocus.ai.narrative import standup_narrative
        from devfocus.insights.periods import Period
        from devfocus.insights.render_json import narrative_texts_json
        from devfocus.insights.standupnotes import (
            STANDUP_RENDERERS,
            build_standup,
            day_periods,
            recent_period,
            render_standup_markdown,
        )
        from devfocus.store.errors import StoreError

        tracking = self.server.tracking
        settings = tracking.settings
        now = tracking.clock()

        async def report_of(period: Period) -> Report:
            report, _ = await tracking.report(
                period, project=options.project, redact=options.redact
            )
            return report

        try:
            recent = await report_of(recent_period(now))
            last_day, today = day_periods(recent, settings.reports.work_week, now)
            notes = build_standup(
                await report_of(last_day),
                await report_of(today),
                recent,
                long_session_seconds=settings.insights.long_stretch_minutes * 60,
                work_week=settings.reports.work_week,
                now=now,
            )
        except StoreError as error:
            raise JsonRpcInternalError(f"{REPORT}: {error.message}") from error
        if options.format not in STANDUP_RENDERERS and not options.open:
            formats = ", ".join(STANDUP_RENDERERS)
            raise JsonRpcInvalidParams(f"{REPORT}: the standup comes as {formats}")
        told = None
        if options.narrate:
            # The recent days' report: the summary tells them, the notes tell the two days.
            told = (await self.narrated(recent, options.renarrate, request, notes)).narrative
        if options.open:  # Markdown, which every editor shows
            body = render_standup_markdown(notes) + standup_narrative(told, "markdown")
            return await self.show_file("standup", "md", body)
        rendered: JsonValue = STANDUP_RENDERERS[options.format](notes, None)
        if told is None:
            return rendered
        if isinstance(rendered, dict):
            return {**rendered, "narrative": narrative_texts_json(told)}
        return f"{rendered}{standup_narrative(told, options.format)}"

    # -- narratives -------------------------------------------------------------------------------
    async def narrated(
        self,
        report: Report,
        refresh: bool,
        request: Cancellable | None,
        standup: Standup | None = None,
    ) -> Report:
        """``report`` with its narrative (see devfocus.app.ainarrative), with work-done progress
        while the model writes; cancelling it (the progress bar or ``$/cancelRequest`` of
        ``request``) gives the engine's own text."""
        # Deferred: the AI layer loads with the first narrative.
        from devfocus.ai.narrative import programmatic_narrative
        from devfocus.app.ainarrative import narrate

        ai = self.server.ai
        if not ai.configured:  # nothing to wait for: no progress bar
            return await narrate(report, ai, refresh=refresh, standup=standup)
        supported = bool(self.server.client_supports("window.work_done_progress"))
        title = "Narrating the report" if standup is None else "Narrating the standup notes"
        async with WorkDoneProgress(self.server, title, supported) as progress:
            progress.report(f"{ai.provider} ({ai.model}) is writing", 0)
            work = narrate(report, ai, refresh=refresh, standup=standup)
            narrated = await progress.run(work, request)
        if narrated is None:
            note = "the narrative was cancelled"
            return replace(report, narrative=programmatic_narrative(report, note, standup))
        return narrated

    # -- reports written to a file and shown ------------------------------------------------------
    async def open_report(
        self, options: ReportArguments, report: Report, previous: Report | None
    ) -> JsonValue:
        """Writes the report as HTML (format html) or Markdown to a private file and asks the
        editor to show it."""
        # Deferred, with the first report opened.
        import asyncio

        from devfocus.insights.render import renderer

        suffix = {"html": "html", "markdown": "md"}.get(options.format)
        if suffix is None:
            raise JsonRpcInvalidParams(
                f"{REPORT}: open writes html or markdown, not {options.format}"
            )
        # Drawing the charts takes tens of milliseconds on a long period: off the event loop.
        loop = asyncio.get_running_loop()
        body = await loop.run_in_executor(None, renderer(options.format), report, None, previous)
        return await self.show_file(report.period.name, suffix, body)

    async def show_file(self, name: str, suffix: str, body: str) -> JsonValue:
        """``body`` in a new private report file, shown with window/showDocument when the
        client can: HTML in a browser (VS Code's extension shows it in its own webview),
        Markdown in the editor."""
        import asyncio  # deferred, with the first report opened

        from lsprotocol import types
        from pygls.uris import from_fs_path

        from devfocus.app.reportfiles import write_report_file
        from devfocus.lsp.messages import ReportFile

        loop = asyncio.get_running_loop()
        try:
            path = await loop.run_in_executor(None, write_report_file, name, suffix, body)
        except OSError as error:
            raise JsonRpcInternalError(f"{REPORT}: cannot write the report: {error}") from error
        uri = from_fs_path(str(path)) or path.as_uri()
        shown = False
        if self.server.client_supports("window.show_document.support"):
            params = types.ShowDocumentParams(uri=uri, external=suffix == "html", take_focus=True)
            try:
                answer = await self.server.window_show_document_async(params)
            except Exception as error:  # the client failed to show it: the file is still there
                log.warning("the editor did not show %s: %s", path, error)
            else:
                # A client may answer null for "not shown".
                shown = bool(getattr(answer, "success", False))
        return to_json(ReportFile(str(path), uri, shown))

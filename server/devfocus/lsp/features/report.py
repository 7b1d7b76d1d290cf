"""``devfocus.report``: the same report as the CLI, as Markdown or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import REPORT
from devfocus.lsp.wire import JsonValue

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer


class ReportFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(REPORT)(handler(self.report_command))

    async def report_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import ReportArguments

        try:
            options = ReportArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        # Deferred: the report engine loads with the first report, not at start-up.
        from devfocus.insights.periods import Period, custom_period
        from devfocus.insights.render import render_markdown, report_json
        from devfocus.store.errors import StoreError

        period: str | Period = options.period
        if options.from_date is not None:
            from datetime import date  # deferred, as above

            last = date.fromisoformat(options.to_date) if options.to_date else date.max
            try:
                first = date.fromisoformat(options.from_date)
                period = custom_period(first, last, self.server.tracking.clock())
            except ValueError as exc:
                raise JsonRpcInvalidParams(f"{REPORT}: {exc}") from exc
        try:
            report, previous = await self.server.tracking.report(
                period, project=options.project, compare=options.compare, redact=options.redact
            )
        except StoreError as error:  # the database cannot be read: say so, not a traceback
            raise JsonRpcInternalError(f"{REPORT}: {error.message}") from error
        if options.format == "markdown":
            return render_markdown(report, None, previous)
        return report_json(report, None, previous)

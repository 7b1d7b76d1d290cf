"""``devfocus.report``: the same report as the CLI, as Markdown or JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.uris import to_fs_path

from devfocus.lsp.handlers import handler, plain

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

FORMATS = ("markdown", "json")


PERIODS = ("today", "week", "30d", "90d", "year")


def parse_options(args: tuple[Any, ...]) -> tuple[str, str, str | None]:
    """``[{period, format, project}]`` or ``["week", "json"]`` → (period, format, project)."""
    first = plain(args[0]) if args else None
    if isinstance(first, Mapping):
        options = dict(first)
    else:
        positional = [a for a in args if a is not None]
        if not all(isinstance(a, str) for a in positional) or len(positional) > 2:
            raise ValueError("expected one object {period, format, project}")
        options = dict(zip(("period", "format"), positional, strict=False))
    period = options.get("period") or "today"
    fmt = options.get("format") or "markdown"
    project = options.get("project")
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if project is not None and not isinstance(project, str):
        raise ValueError("project must be a path or a file URI")
    if isinstance(project, str) and project.startswith("file:"):
        project = to_fs_path(project)
    return period, fmt, project


class ReportFeature:
    def __init__(self, server: DevFocusServer) -> None:
        self.server = server
        server.command("devfocus.report")(handler(self.report_command))

    async def report_command(self, *args: Any) -> Any:
        try:
            period, fmt, project = parse_options(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"devfocus.report: {exc}") from exc
        from devfocus.insights.render import render_markdown, report_json
        from devfocus.store.errors import StoreError

        try:
            report = await self.server.tracking.report(period, project=project)
        except StoreError as error:  # the database cannot be read: say so, not a traceback
            raise JsonRpcInternalError(f"devfocus.report: {error.message}") from error
        return render_markdown(report) if fmt == "markdown" else report_json(report)

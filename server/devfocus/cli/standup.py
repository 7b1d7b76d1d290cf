"""``devfocus standup [PATH]``: notes for the daily standup, from the same reports as
``devfocus report``: the last working day, today, and the likely blockers."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from devfocus.cli import output
from devfocus.cli.options import add_history_options, add_session_options, settings_from
from devfocus.cli.process import collector_paused
from devfocus.cli.reading import open_for_reading
from devfocus.cli.report import add_narrate_options

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands
    from devfocus.config import Settings

FORMATS = ("text", "markdown", "json")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "standup",
        help="print standup notes: the last working day, today and likely blockers",
        arguments=_arguments,
    )


def _arguments(standup: argparse.ArgumentParser) -> None:
    standup.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    standup.add_argument(
        "--work-week",
        metavar="DAYS",
        help="your working days, comma-separated (mon,tue,wed,thu,fri by default; the setting "
        "devfocus.reports.workWeek)",
    )
    standup.add_argument(
        "--redact",
        action="store_true",
        help="hide project, branch and task names, commit messages and ids behind stable "
        "aliases, to share the notes",
    )
    standup.add_argument("--format", choices=FORMATS, default="text")
    add_narrate_options(standup, "the notes")
    add_session_options(standup)
    add_history_options(standup)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command builds standup notes.
    import json
    import time

    from devfocus.ai.narrative import standup_narrative
    from devfocus.app.reporting import make_reports
    from devfocus.cli.report import narrated
    from devfocus.insights.focusreport import Report
    from devfocus.insights.periods import Period
    from devfocus.insights.render_json import narrative_texts_json
    from devfocus.insights.standupnotes import (
        STANDUP_RENDERERS,
        build_standup,
        day_periods,
        recent_period,
    )

    now = time.time()
    settings = settings_from(args)
    if args.work_week is not None:
        week = _with_work_week(settings, args.work_week)
        if week is None:
            return 2
        settings = week
    database, project = open_for_reading(settings, args)

    def report_of(period: Period) -> Report:
        report, _ = make_reports(
            database, period, settings, now=now, project=project, redact=args.redact
        )
        return report

    work_week = settings.reports.work_week
    with output.working(f"Reading activity from {database.display}"), collector_paused():
        recent = report_of(recent_period(now))
        last_day, today = day_periods(recent, work_week, now)
        notes = build_standup(
            report_of(last_day),
            report_of(today),
            recent,
            long_session_seconds=settings.insights.long_stretch_minutes * 60,
            work_week=work_week,
            now=now,
        )
    told = None
    if args.narrate or args.renarrate:
        # The recent days' report: its summary tells them, the notes tell the two days.
        told = narrated(recent, settings, args.renarrate, notes).narrative
    rendered = STANDUP_RENDERERS[args.format](notes, None)
    if args.format == "json":
        if told is not None:
            rendered["narrative"] = narrative_texts_json(told)
        rendered = json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    else:
        rendered += standup_narrative(told, args.format)
    sys.stdout.write(rendered)
    return 0


def _with_work_week(settings: Settings, days: str) -> Settings | None:
    """``settings`` with the work week of ``--work-week``, checked as the setting is; None (and a
    message) when it is wrong."""
    from dataclasses import replace  # for start-up time, as above

    from devfocus.config import load_settings

    names = [day.strip().lower() for day in days.split(",") if day.strip()]
    checked, problems = load_settings({"reports": {"workWeek": names}})
    if problems:
        output.error(f"--work-week: {problems[0].message}")
        return None
    return replace(settings, reports=checked.reports)

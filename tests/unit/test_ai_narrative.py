"""Narratives: the prompt made from a report's facts, and the model's reply checked slot by slot.

The week used below (UTC), Monday 30 November to Sunday 6 December 2026: on the branch
``feature/ABC-12-login`` of ``/src/shop``, Monday 09:00–10:40 in ``app.py`` with two commits
(one of them with a GitHub token pasted in its subject), Tuesday 14:00–14:30 in ``.env`` (a file
``devfocus.ai.exclude`` names by default), and Wednesday 10:00–10:45 in ``/src/tools`` on main.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.tasks import task_from_branch
from devfocus.ai.narrative import (
    MAX_SESSIONS,
    SESSION_CHARS,
    NarrativeRequest,
    narrative_from_reply,
    narrative_request,
    programmatic_narrative,
    prose,
    standup_narrative,
)
from devfocus.config import DEFAULT_AI_EXCLUDES
from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import Narrative, Report, build_report
from devfocus.insights.periods import custom_period
from devfocus.insights.redact import Aliases, redact
from devfocus.insights.render import render
from devfocus.insights.render_json import report_json
from tests.unit.test_render_formats import validate
from tests.unit.test_standup import standup_of

UTC = timezone.utc
BRANCH = "feature/ABC-12-login"
SHOP = Context("/src/shop", BRANCH)
TOOLS = Context("/src/tools", "main")
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SUBJECT = "Check the password (ABC-12)"


def at(day: int, clock: str) -> float:
    hour, minute = map(int, clock.split(":"))
    month = 11 if day == 30 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=UTC).timestamp()


def edit(day: int, start: str, end: str, context: Context, path: str) -> Activity:
    return Activity(at(day, start), at(day, end), Kind.EDIT, context, "python", path, "vscode")


def commit(day: int, clock: str, subject: str, sha: str) -> CommitFact:
    return CommitFact(
        at(day, clock),
        SHOP.project,
        BRANCH,
        sha,
        subject,
        "dev@example.com",
        2,
        10,
        1,
        merge=False,
        reachable=True,
        task=task_from_branch(BRANCH),
    )


def week_report() -> Report:
    period = custom_period(
        datetime(2026, 11, 30).date(), datetime(2026, 12, 6).date(), at(7, "12:00"), UTC
    )
    return build_report(
        [
            edit(30, "09:00", "10:40", SHOP, "app.py"),
            edit(1, "14:00", "14:30", SHOP, ".env"),
            edit(2, "10:00", "10:45", TOOLS, "cli.py"),
        ],
        period,
        idle_timeout=900,
        deep_work=1500,
        now=at(7, "12:00"),
        tz=UTC,
        commits=[
            commit(30, "09:50", SUBJECT, "a" * 40),
            commit(30, "10:35", f"Use the API token {TOKEN} for now", "b" * 40),
        ],
    )


def request_of(report: Report) -> NarrativeRequest:
    return narrative_request(report, DEFAULT_AI_EXCLUDES, tz=UTC)


# -- the prompt ----------------------------------------------------------------------------------
def test_the_prompt_holds_subjects_and_paths_never_code_nor_a_secret() -> None:
    report = week_report()
    prompt = request_of(report).prompt
    assert prompt.purpose == "narrative"
    facts = json.loads(prompt.user.split("\n", 1)[1])
    assert [c["subject"] for c in facts["commits"]] == [
        SUBJECT,
        "Use the API token «redacted:github-token» for now",
    ]
    assert TOKEN not in prompt.user and TOKEN[4:] not in prompt.user
    assert facts["filesWorkedOn"] == ["shop/app.py", "tools/cli.py"]  # .env is excluded
    assert ".env" not in prompt.user
    # Three sessions, each with its id, time, focus and where it was.
    assert [(s["id"], s["when"], s["focus"]) for s in facts["sessions"]] == [
        ("s1", "Mon 30 Nov 09:00–10:40", "1h 40m"),
        ("s2", "Tue 01 Dec 14:00–14:30", "30m"),
        ("s3", "Wed 02 Dec 10:00–10:45", "45m"),
    ]
    assert facts["sessions"][0]["task"] == "ABC-12 login"
    assert facts["commits"][0]["session"] == "s1"
    assert prompt.schema["required"] == ["sessions", "summary"]
    assert prompt.schema["additionalProperties"] is False


def test_a_redacted_report_sends_its_aliases() -> None:
    aliases = Aliases(b"k" * 32)
    report = redact(week_report(), aliases)
    prompt = request_of(report).prompt
    for name in ("shop", "tools", "ABC-12", "login", "password", "app.py"):
        assert name not in prompt.user, name
    assert aliases.project_name("shop") in prompt.user
    assert aliases.of("commit", SUBJECT) in prompt.user


@pytest.mark.parametrize("glob", ["tools", "/src/tools", "/src/tools/**", "/src/tools/"])
def test_an_excluded_project_is_left_out(glob: str) -> None:
    prompt = narrative_request(week_report(), (glob,), tz=UTC).prompt
    facts = json.loads(prompt.user.split("\n", 1)[1])
    assert "tools" not in prompt.user
    assert [s["id"] for s in facts["sessions"]] == ["s1", "s2"]
    assert facts["filesWorkedOn"] == ["shop/app.py", "shop/.env"]  # no default globs here


def test_an_excluded_projects_tasks_are_left_out_too() -> None:
    secret = Context("/src/acme", "feature/XYZ-9-export")
    period = custom_period(
        datetime(2026, 12, 1).date(), datetime(2026, 12, 1).date(), at(7, "12:00"), UTC
    )
    report = build_report(
        [edit(1, "09:00", "09:40", secret, "x.py"), edit(1, "11:00", "11:30", SHOP, "app.py")],
        period,
        idle_timeout=900,
        deep_work=1500,
        now=at(7, "12:00"),
        tz=UTC,
    )
    assert [s.label for s in report.by_task] == ["XYZ-9 export", "ABC-12 login"]
    prompt = narrative_request(report, ("/src/acme",), tz=UTC).prompt
    assert "XYZ-9" not in prompt.user and "acme" not in prompt.user
    assert "ABC-12 login" in prompt.user


def test_a_relative_glob_never_excludes_the_folders_above_a_project() -> None:
    prompt = narrative_request(week_report(), ("src",), tz=UTC).prompt
    assert "tools @ main" in prompt.user and "shop @ " in prompt.user


def test_the_longest_sessions_are_told_when_there_are_many() -> None:
    activities = [
        edit(1 + i % 6, f"{8 + i // 6:02d}:00", f"{8 + i // 6:02d}:{10 + i % 40:02d}", SHOP, "a.py")
        for i in range(MAX_SESSIONS + 12)
    ]
    period = custom_period(
        datetime(2026, 12, 1).date(), datetime(2026, 12, 6).date(), at(7, "12:00"), UTC
    )
    report = build_report(
        activities, period, idle_timeout=300, deep_work=1500, now=at(7, "12:00"), tz=UTC
    )
    request = request_of(report)
    assert len(report.sessions) > MAX_SESSIONS
    assert len(request.session_ids) == MAX_SESSIONS
    shortest_told = min(report.sessions[i].focus_seconds for i in request.session_ids.values())
    untold = set(range(len(report.sessions))) - set(request.session_ids.values())
    assert all(report.sessions[i].focus_seconds <= shortest_told for i in untold)


def test_the_standup_prompt_tells_the_notes_instead_of_the_sessions() -> None:
    from tests.unit.test_standup import COMMITS, WEEK

    notes = standup_of(WEEK, COMMITS)
    report = week_report()
    request = narrative_request(report, DEFAULT_AI_EXCLUDES, standup=notes, tz=UTC)
    facts = json.loads(request.prompt.user.split("\n", 1)[1])
    assert "sessions" not in facts and request.session_ids == {}
    assert facts["standup"]["lastWorkingDay"]["day"].startswith("Friday")
    assert facts["standup"]["today"]["commits"] == [SUBJECT]
    assert "without a commit" in facts["standup"]["likelyBlockers"][0]
    assert request.prompt.schema["required"] == ["summary", "standup"]


# -- the reply -----------------------------------------------------------------------------------
def narrate(reply: dict[str, object], report: Report | None = None) -> Narrative:
    report = report or week_report()
    return narrative_from_reply(
        reply, request_of(report), report, source="model", provider="anthropic", model="m"
    )


def test_a_good_reply_fills_every_slot() -> None:
    told = narrate(
        {
            "sessions": [
                {"id": "s1", "text": "You built the login form's password check."},
                {"id": "s2", "text": "You tidied the settings."},
                {"id": "s3", "text": "You worked on the command line of tools."},
            ],
            "summary": "A week on the login, with 2 commits.",
        }
    )
    assert told.source == "model" and told.note is None
    assert told.sessions[0] == "You built the login form's password check."
    assert told.summary == "A week on the login, with 2 commits."
    assert told.provenance() == "Written by the model (anthropic, m)."


def test_unknown_ids_are_dropped_and_missing_sessions_keep_the_engines_text() -> None:
    report = week_report()
    told = narrate(
        {
            "sessions": [
                {"id": "s9", "text": "A session that never was."},
                {"id": "s1", "text": "You checked the password."},
            ],
            "summary": "A week on the login.",
        },
        report,
    )
    engine = programmatic_narrative(report, None)
    assert told.sessions == ("You checked the password.", *engine.sessions[1:])
    assert "A session that never was." not in told.sessions
    assert told.note == "2 texts the model did not write: the engine's own text stands in."


@pytest.mark.parametrize(
    "text",
    [
        "```python\nprint('hi')\n```",
        "You ran `rm -rf` today.",
        "You wrote <script>alert(1)</script> all day.",
        "See [the docs](https://example.com).",
        "def handler(event): return 1",
        "You spent 7 hours on it.",  # 7 is no figure of the report
        "# Summary",
        42,
        None,
    ],
)
def test_code_markup_and_invented_figures_are_set_aside(text: object) -> None:
    report = week_report()
    told = narrate({"sessions": [{"id": "s1", "text": text}], "summary": "Fine."}, report)
    assert told.sessions[0] == programmatic_narrative(report, None).sessions[0]
    assert told.note is not None and "stands in" in told.note


def test_figures_of_the_report_may_be_stated_and_long_texts_are_cut() -> None:
    numbers = frozenset({1, 40, 2})
    assert prose("You spent 1h 40m on 2 commits.", 400, numbers) == (
        "You spent 1h 40m on 2 commits."
    )
    long = "You worked on the login. " * 40
    cut = prose(long, SESSION_CHARS, numbers)
    assert cut is not None and len(cut) <= SESSION_CHARS and cut.endswith("login.")
    assert prose("  two\n\n lines  ", 400, numbers) == "two lines"


def test_the_engines_text_says_why() -> None:
    report = week_report()
    told = programmatic_narrative(report, "no AI provider is configured")
    assert told.source == "programmatic"
    assert told.provenance() == "The engine's own text: no AI provider is configured."
    assert told.sessions[0] == (
        "1h 40m of focus on shop @ feature/ABC-12-login, on ABC-12 login, 2 commits."
    )
    assert told.summary.startswith("Focus: 2h 55m in 3 sessions")


# -- what the reports show -----------------------------------------------------------------------
def test_every_format_shows_the_narrative_beside_the_figures() -> None:
    report = week_report()
    narrative = replace(
        narrate({"sessions": [{"id": "s1", "text": "You <b>checked</b> it."}], "summary": "S."}),
        sessions=("You & the <b>password</b>.", "Two.", "Three."),
    )
    told = replace(report, narrative=narrative)
    text = render(told, "text", UTC)
    assert "Narrative\n  Written by the model (anthropic, m)." in text
    assert "  Focus: 2h 55m in 3 sessions" not in text.split("Narrative")[1].split("Sessions")[0]
    assert "You & the <b>password</b>." in text
    markdown = render(told, "markdown", UTC)
    assert "## Narrative" in markdown and "You &amp; the &lt;b&gt;password&lt;/b&gt;." in markdown
    html = render(told, "html", UTC)
    assert "<h2>Narrative</h2>" in html and "&lt;b&gt;password&lt;/b&gt;" in html
    data = report_json(told, UTC)
    validate(data)
    assert data["narrative"]["source"] == "model"
    assert data["narrative"]["sessions"][0]["text"] == "You & the <b>password</b>."
    assert data["narrative"]["sessions"][0]["start"] == "2026-11-30T09:00:00+00:00"
    # Without --narrate, nothing changes.
    assert "narrative" not in report_json(report, UTC)
    assert "Narrative" not in render(report, "text", UTC)


def test_the_standups_narrative_follows_its_notes() -> None:
    from tests.unit.test_standup import COMMITS, WEEK

    notes = standup_of(WEEK, COMMITS)
    told = programmatic_narrative(week_report(), "the model did not answer: timeout", notes)
    assert told.standup is not None
    assert "without a commit" in told.standup.blockers
    text = standup_narrative(told, "text")
    assert "The engine's own text: the model did not answer: timeout." in text
    assert "  Today: " in text
    markdown = standup_narrative(told, "markdown")
    assert "## Narrative" in markdown and "- **Blockers**: " in markdown

"""Redacted reports: no project, branch or task name, commit message or id is left, and each
alias is the same in every report made with the same key."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.tasks import Task
from devfocus.app.redaction import KEY_BYTES, KEY_FILE, aliases
from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import build_report
from devfocus.insights.periods import resolve_period
from devfocus.insights.redact import Aliases, redact
from devfocus.insights.render_json import report_json
from devfocus.insights.render_markdown import render_markdown
from devfocus.insights.render_text import render_text

UTC = timezone.utc
DAY = datetime(2026, 3, 4, tzinfo=UTC).timestamp()
SECRET_NAMES = ("acme-payments", "feature/refund-flow", "Refund the widgets", "PAY-1234")
ROOT = "/home/me/src/acme-payments"


def secret_report():  # type: ignore[no-untyped-def]
    here = Context(ROOT, "feature/refund-flow")
    other = Context("/home/me/src/site", "main")
    acts = [
        Activity(DAY + 9 * 3600, DAY + 9.5 * 3600, Kind.EDIT, here, "python", "refund.py"),
        Activity(DAY + 9.5 * 3600, DAY + 10 * 3600, Kind.EDIT, other, "html", "index.html"),
    ]
    commit = CommitFact(
        at=DAY + 9.4 * 3600,
        root=ROOT,
        branch="feature/refund-flow",
        sha="0123456789abcdef0123456789abcdef01234567",
        subject="PAY-1234 Refund the widgets twice",
        author="Me",
        files=2,
        additions=10,
        deletions=1,
        merge=False,
        reachable=True,
        task=Task("Refund the widgets", "feature", "PAY-1234", "commit"),
        score=7.5,
    )
    period = resolve_period("today", DAY + 12 * 3600, UTC)
    return build_report(
        acts,
        period,
        idle_timeout=900,
        deep_work=1500,
        now=DAY + 12 * 3600,
        tz=UTC,
        commits=[commit],
    )


def test_no_name_is_left_in_any_format() -> None:
    keyed = Aliases(b"k" * 32)
    report = redact(secret_report(), keyed)
    for rendered in (
        render_text(report, UTC),
        render_markdown(report, UTC),
        json.dumps(report_json(report, UTC)),
    ):
        for secret in (*SECRET_NAMES, "site", "0123456", "twice"):
            assert secret not in rendered
        assert keyed.project_name("acme-payments") in rendered
    # What is not a name stays: the time, the languages, the counts.
    original = secret_report()
    assert report.focus_seconds == original.focus_seconds
    assert {s.label for s in report.by_language} == {"python", "html"}
    assert len(report.switches) == 1


def test_aliases_are_stable_for_one_key_and_differ_between_keys() -> None:
    one, same, other = Aliases(b"a" * 32), Aliases(b"a" * 32), Aliases(b"b" * 32)
    assert one.label("acme @ main") == same.label("acme @ main")
    assert one.label("acme @ main") != other.label("acme @ main")
    assert one.label("acme @ main").startswith("project-")
    assert " @ branch-" in one.label("acme @ main")
    assert one.label("(no project)") == "(no project)"
    assert len(one.commit_id("0123456789abcdef" * 2 + "01234567")) == 40
    with pytest.raises(ValueError):
        Aliases(b"short")


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    first = aliases(tmp_path / "data")
    key_file = tmp_path / "data" / KEY_FILE
    assert len(key_file.read_bytes()) == KEY_BYTES
    if os.name != "nt":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert aliases(tmp_path / "data").label("acme") == first.label("acme")
    key_file.write_bytes(b"damaged")
    replaced = aliases(tmp_path / "data")
    assert len(key_file.read_bytes()) == KEY_BYTES
    assert replaced.label("acme") == aliases(tmp_path / "data").label("acme")

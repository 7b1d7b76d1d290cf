"""Low focus (deep work well below the person's own baseline) and fragmented days (short
sessions) (pure)."""

from __future__ import annotations

from datetime import date
from statistics import median

from devfocus.insights.baseline import today_hour
from devfocus.insights.detectors.inputs import InsightRules, PeriodFacts, hours
from devfocus.insights.insight import Evidence, Insight
from devfocus.timeutil import day_bounds

MIN_EXPECTED_SECONDS = 30 * 60  # a baseline with less deep work than this expects nothing
MIN_SESSIONS = 3  # a day of one or two sessions is not fragmented, only short


def low_focus(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    report, baseline = facts.report, facts.baseline
    if not baseline.days:
        return []
    expected = 0.0
    end_day, end_hour = today_hour(facts.end, facts.tz)
    for day in facts.days:
        _, day_end = day_bounds(day.day, facts.tz)
        before = end_hour if day.day == end_day and facts.end < day_end else 24.0
        usual = baseline.deep_work_for(day.work_day, before)
        expected += usual or 0.0
    if expected < MIN_EXPECTED_SECONDS:
        return []
    actual = report.deep_work_seconds
    if actual >= rules.low_focus_share * expected:
        return []
    share = actual / expected
    return [
        Insight(
            id=f"low-focus:{facts.period_id()}",
            kind="low-focus",
            severity="warning" if share < rules.low_focus_share / 2 else "information",
            start=facts.start,
            end=facts.end,
            message=(
                f"Deep work came to {hours(actual)}, {share:.0%} of your usual {hours(expected)} "
                "for this time; blocking out an uninterrupted stretch (a focus block) may help."
            ),
            evidence=Evidence(
                {
                    "deepWorkSeconds": round(actual),
                    "baselineSeconds": round(expected),
                    "share": round(share, 3),
                    "threshold": rules.low_focus_share,
                },
                tuple((b.start, b.end) for b in report.deep_work),
            ),
        )
    ]


def fragmented_days(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    limit = rules.fragmented_session_minutes * 60
    usual = facts.baseline.median_session_seconds
    out = []
    for day in facts.days:
        lengths = day.session_seconds
        if len(lengths) < MIN_SESSIONS:
            continue
        middle = median(lengths)
        if middle >= limit:
            continue
        lo, hi = day_bounds(day.day, facts.tz)
        sessions = tuple((s.start, s.end) for s in facts.report.sessions if lo <= s.start < hi)
        numbers = {
            "medianSessionSeconds": round(middle),
            "sessions": len(lengths),
            "thresholdSeconds": round(limit),
        }
        if usual is not None:
            numbers["baselineSeconds"] = round(usual)
        out.append(
            Insight(
                id=f"fragmented-day:{day.day.isoformat()}",
                kind="fragmented-day",
                severity="information",
                start=max(lo, facts.start),
                end=min(hi, facts.end),
                message=(
                    f"{_day_name(day.day)} was fragmented: {len(lengths)} sessions with a median "
                    f"of {hours(middle)}; fewer interruptions (notifications off, meetings "
                    "grouped) may give longer sessions."
                ),
                evidence=Evidence(numbers, sessions),
            )
        )
    return out


def _day_name(day: date) -> str:
    return f"{day:%a %d %b}"

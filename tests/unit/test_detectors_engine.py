"""The engine: every detector over one period, other finders' insights merged in, warnings
first, then by time, one insight per id; and insights behind aliases in a redacted report."""

from __future__ import annotations

from dataclasses import replace

from devfocus.insights.detection import find_insights, ordered
from devfocus.insights.detectors.inputs import InsightRules
from devfocus.insights.insight import Evidence, Insight
from devfocus.insights.insightjson import insights_json
from devfocus.insights.redact import Aliases, redact, redact_insight
from tests.unit.detectorfacts import UTC, at, facts, period, report, session

DAY = period(0)


def hotspot(
    start: float, severity: str = "hint", id_: str = "hotspot:/src/alpha/cart.py"
) -> Insight:
    return Insight(
        id=id_,
        kind="hotspot",
        severity=severity,  # type: ignore[arg-type]
        start=start,
        end=start + 60,
        message="cart.py: Cart.total changed in 4 commits (a1b2c3d) with 2 h of focus.",
        evidence=Evidence({"commits": 4}, files=("/src/alpha/cart.py",), commits=("a1b2c3d4e5",)),
        path="/src/alpha/cart.py",
        definition="Cart.total",
    )


def test_warnings_first_then_by_time_and_one_per_id() -> None:
    a = hotspot(at(0, 12), "information", "a")
    b = hotspot(at(0, 9), "hint", "b")
    c = hotspot(at(0, 10), "warning", "c")
    d = hotspot(at(0, 8), "information", "d")
    again = replace(a, message="the same finding, found twice")
    assert [i.id for i in ordered([a, b, c, d, again])] == ["c", "d", "a", "b"]
    assert ordered([a, again])[0].message == a.message


def test_every_detector_runs_and_other_finders_plug_in() -> None:
    busy = session(at(0, 9), at(0, 11))
    of = report(DAY, [busy], switches=30)  # 15 per focused hour
    found = find_insights(facts(of), InsightRules(), more=[[hotspot(at(0, 9))]])
    assert [i.kind for i in found] == ["context-switching", "hotspot"]
    assert found[0].severity == "warning"


def test_the_json_shape() -> None:
    of = replace(
        report(DAY, [session(at(0, 9), at(0, 11))], switches=30), insights=[hotspot(at(0, 9))]
    )
    data = insights_json(of, UTC)
    assert data["period"] == {
        "name": "custom",
        "start": "2026-01-05T00:00:00+00:00",
        "end": "2026-01-06T00:00:00+00:00",
    }
    [item] = data["insights"]
    assert item == {
        "id": "hotspot:/src/alpha/cart.py",
        "kind": "hotspot",
        "severity": "hint",
        "start": "2026-01-05T09:00:00+00:00",
        "end": "2026-01-05T09:01:00+00:00",
        "message": "cart.py: Cart.total changed in 4 commits (a1b2c3d) with 2 h of focus.",
        "path": "/src/alpha/cart.py",
        "definition": "Cart.total",
        "evidence": {
            "numbers": {"commits": 4},
            "sessions": [],
            "files": ["/src/alpha/cart.py"],
            "commits": ["a1b2c3d4e5"],
        },
    }


def test_redaction_hides_every_name_an_insight_carries() -> None:
    aliases = Aliases(b"k" * 32)
    hidden = redact_insight(hotspot(at(0, 9)), aliases)
    text = repr(hidden)
    for name in ("alpha", "cart", "Cart.total", "total", "a1b2c3d"):
        assert name not in text, name
    assert hidden.path is not None and hidden.path.startswith("/redacted/file-")
    assert hidden.path.endswith(".py")
    assert hidden.evidence.files == (hidden.path,)
    assert hidden.definition is not None and hidden.definition.startswith("definition-")
    assert hidden.definition in hidden.message
    assert hidden.evidence.numbers == {"commits": 4}
    # Stable: the same key gives the same aliases.
    assert redact_insight(hotspot(at(0, 9)), aliases) == hidden
    # A redacted report redacts its insights.
    of = replace(report(DAY), insights=[hotspot(at(0, 9))])
    assert redact(of, aliases).insights == [hidden]


def test_the_json_is_what_the_protocol_types_say() -> None:
    """insights_json builds the answer; lsp/messages.py types it for the VS Code client."""
    import dataclasses

    from devfocus.lsp.messages import (
        InsightsResult,
        WireEvidence,
        WireInsight,
        WirePeriod,
        WireSpan,
    )
    from devfocus.lsp.wire import camel

    def keys(cls: type) -> set[str]:
        return {camel(f.name) for f in dataclasses.fields(cls)}

    insight = replace(hotspot(at(0, 9)), evidence=Evidence({"n": 1}, ((at(0, 9), at(0, 10)),)))
    data = insights_json(replace(report(DAY), insights=[insight]), UTC)
    assert set(data) == keys(InsightsResult)
    assert set(data["period"]) == keys(WirePeriod)
    [item] = data["insights"]
    assert set(item) == keys(WireInsight)
    assert set(item["evidence"]) == keys(WireEvidence)
    assert set(item["evidence"]["sessions"][0]) == keys(WireSpan)

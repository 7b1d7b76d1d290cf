"""Imported issues as tasks: kinds, priorities, and references resolved to them (pure)."""

from __future__ import annotations

import pytest

from devfocus.activity.records import Context, TaskMark
from devfocus.activity.tasks import Task, task_from_branch, task_from_message
from devfocus.insights.commitfacts import current_task
from devfocus.trackers.imported import (
    TaskCatalog,
    TrackerIssue,
    kind_of,
    priority_of_labels,
    priority_of_name,
    task_of_issue,
)

SHOP = "/work/shop"


def issue(key: str = "#123", **fields: object) -> TrackerIssue:
    values: dict[str, object] = {
        "tracker": "github",
        "scope": "acme/shop",
        "key": key,
        "title": "Crash when saving",
        "url": f"https://github.com/acme/shop/issues/{key[1:]}",
        "kind": "bug",
        "priority": "high",
        "state": "open",
        "assigned_to_me": True,
        "labels": ("bug", "priority: high"),
        "created": 1_700_000_000.0,
        "updated": 1_700_100_000.0,
        "closed": None,
        "project": SHOP,
    }
    values.update(fields)
    return TrackerIssue(**values)  # type: ignore[arg-type]


def jira(key: str = "ABC-42", site: str = "acme.atlassian.net", **fields: object) -> TrackerIssue:
    return issue(
        key,
        tracker="jira",
        scope=site,
        url=f"https://{site}/browse/{key}",
        title="Export to CSV",
        kind="feature",
        priority="medium",
        project=None,
        **fields,
    )


def test_a_branch_naming_an_imported_issue_reports_its_title_kind_and_priority() -> None:
    catalog = TaskCatalog([issue()])
    task = catalog.resolve(task_from_branch("fix/123-crash"), SHOP)
    assert task is not None
    assert task.label == "#123 Crash when saving (bug, high)"
    assert task.url == "https://github.com/acme/shop/issues/123"
    assert task.source == "branch"


def test_a_commit_naming_a_jira_key_links_to_it_on_any_project() -> None:
    catalog = TaskCatalog([jira()])
    task = catalog.resolve(task_from_message("ABC-42 add export"), "/elsewhere")
    assert task is not None
    assert (task.ref, task.title, task.kind, task.tracker) == (
        "ABC-42",
        "Export to CSV",
        "feature",
        "jira",
    )
    assert task.label == "ABC-42 Export to CSV (feature, medium)"


def test_a_github_number_means_the_issue_of_the_repository_the_work_is_in() -> None:
    other = issue(scope="acme/other", title="Other repository's 123", project="/work/other")
    catalog = TaskCatalog([issue(), other])
    assert catalog.find("#123", SHOP) == issue()
    assert catalog.find("#123", "/work/other") == other
    assert catalog.find("#123", "/work/unknown") is None  # no guessing across repositories
    assert catalog.find("acme/other#123", None) == other


def test_remotes_name_the_repositories_of_a_project_the_issues_do_not() -> None:
    catalog = TaskCatalog([issue(project=None)], {SHOP: ["acme/shop"]})
    assert catalog.find("#123", SHOP) is not None


def test_an_unknown_ref_and_a_task_without_one_stay_as_they_are() -> None:
    catalog = TaskCatalog([issue()])
    plain = Task("tidy up", "chore", None, "manual")
    assert catalog.resolve(plain, SHOP) is plain
    unknown = Task("", "bug", "#999", "branch")
    assert catalog.resolve(unknown, SHOP) is unknown
    assert unknown.label == "#999"
    assert catalog.resolve(None, SHOP) is None


def test_the_newer_of_one_key_on_two_jira_sites_wins() -> None:
    old = jira(site="old.atlassian.net", updated=1.0)
    new = jira(site="new.atlassian.net", updated=2.0)
    assert TaskCatalog([old, new]).find("ABC-42", None) == new
    assert TaskCatalog([new, old]).find("ABC-42", None) == new


def test_a_task_set_by_hand_with_a_ref_is_the_issue_until_the_branch_changes() -> None:
    catalog = TaskCatalog([jira()])
    marks = [TaskMark(10.0, SHOP, "main", "Export to CSV", None, "ABC-42")]
    task = current_task(Context(SHOP, "main"), marks, catalog)
    assert task is not None and task.label == "ABC-42 Export to CSV (feature, medium)"
    assert task.source == "manual"
    assert current_task(Context(SHOP, "fix/123-crash"), marks, TaskCatalog([issue()])) == (
        task_of_issue(issue(), task_from_branch("fix/123-crash"))
    )


@pytest.mark.parametrize(
    ("names", "mapping", "kind"),
    [
        (["bug"], None, "bug"),
        (["Type: Bug"], None, "bug"),
        (["good first issue", "enhancement"], None, "feature"),
        (["Story"], None, "feature"),
        (["Task"], None, "chore"),
        (["documentation"], None, "docs"),
        (["tech debt"], None, "refactor"),
        (["help wanted"], None, None),
        (["spike"], {"Spike": "feature"}, "feature"),
        (["bug"], {"bug": "chore"}, "chore"),  # the user's mapping wins
        (["spike"], {"spike": "nonsense"}, None),  # not a kind: ignored
    ],
)
def test_kinds_come_from_labels_and_issue_types(
    names: list[str], mapping: dict[str, str] | None, kind: str | None
) -> None:
    assert kind_of(names, mapping) == kind


@pytest.mark.parametrize(
    ("labels", "priority"),
    [
        (["priority: high"], "high"),
        (["Priority/Low"], "low"),
        (["P0"], "highest"),
        (["p2"], "medium"),
        (["critical"], "highest"),
        (["sev: 1"], "high"),
        (["bug", "help wanted"], None),
        (["priority: someday"], None),
    ],
)
def test_priorities_come_from_labels(labels: list[str], priority: str | None) -> None:
    assert priority_of_labels(labels) == priority


def test_a_tracker_priority_name_is_kept_lower_case_when_unknown() -> None:
    assert priority_of_name("Highest") == "highest"
    assert priority_of_name("Blocker") == "highest"
    assert priority_of_name("Minor") == "low"
    assert priority_of_name("Whenever") == "whenever"
    assert priority_of_name("") is None
    assert priority_of_name(None) is None


def test_an_issue_refuses_an_unknown_tracker_state_or_kind() -> None:
    with pytest.raises(ValueError, match="tracker"):
        issue(tracker="gitlab")
    with pytest.raises(ValueError, match="state"):
        issue(state="pending")
    with pytest.raises(ValueError, match="kind"):
        issue(kind="epic")

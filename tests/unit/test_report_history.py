"""Git history in reports: whose commits count, history filling the time outside the editor,
tasks per stretch of focus (hand-set, branch, commits), commits per session and their scores.

Idle timeout 15 minutes, deep work 25, history gap 30 and credit 30 minutes, all in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from devfocus.activity.records import Activity, Context, Kind, TaskMark
from devfocus.git.model import Checkout, Commit, RepoCheckout, RepoCommit
from devfocus.insights.commitfacts import (
    GitHistory,
    HistoryRules,
    current_task,
    facts,
    is_mine,
    my_commits,
    with_history,
)
from devfocus.insights.focusreport import WeekScore, build_report
from devfocus.insights.periods import resolve_period
from devfocus.insights.render_json import report_json
from devfocus.insights.render_markdown import render_markdown
from devfocus.insights.render_text import render_text

ROOT = "/src/app"
ME = "me@example.com"
RULES = HistoryRules(gap=1800.0, credit=1800.0)
IDLE, DEEP = 900.0, 1500.0


def at(hour: int, minute: int = 0, day: int = 7) -> float:
    return datetime(2026, 1, day, hour, minute, tzinfo=timezone.utc).timestamp()


def commit(
    when: float,
    subject: str,
    *,
    email: str = ME,
    branch: str | None = "main",
    reachable: bool = True,
    sha: str | None = None,
) -> RepoCommit:
    c = Commit(
        sha=sha or f"{int(when):040x}",
        parents=("0" * 40,),
        author_name=email.split("@")[0],
        author_email=email,
        authored_at=when,
        author_offset=0,
        committer_name="x",
        committer_email=email,
        committed_at=when,
        committer_offset=0,
        message=subject,
    )
    return RepoCommit(ROOT, branch, reachable, c)


def edit(start: float, end: float, branch: str = "main") -> Activity:
    return Activity(start, end, Kind.EDIT, Context(ROOT, branch), "python", "a.py", "vscode")


def report(activities, commits=(), checkouts=(), marks=(), scores=None, period="today"):
    mine = my_commits(GitHistory(commits=commits, emails={ROOT: ME}), RULES)
    acts = with_history(activities, mine, checkouts, RULES, idle_timeout=IDLE, deep_work=DEEP)
    return build_report(
        acts,
        resolve_period(period, at(18), timezone.utc),
        idle_timeout=IDLE,
        deep_work=DEEP,
        now=at(18),
        tz=timezone.utc,
        commits=facts(mine, scores),
        marks=marks,
    )


def test_commits_are_mine_by_the_repository_email_or_the_configured_authors() -> None:
    mine, theirs = commit(at(9), "a"), commit(at(9), "b", email="other@example.com")
    emails = {ROOT: ME}
    assert is_mine(mine, RULES, emails) and not is_mine(theirs, RULES, emails)
    by_name = HistoryRules(authors=("OTHER",))  # names and emails, case-insensitive
    assert is_mine(theirs, by_name, emails) and not is_mine(mine, by_name, emails)
    # A fresh clone without user.email and no setting: every author's commits count.
    assert is_mine(theirs, RULES, {ROOT: None})


def test_a_rebased_commit_is_listed_once_as_the_one_on_a_branch() -> None:
    old = commit(at(9), "Add export", reachable=False, sha="a" * 40)
    new = commit(at(9), "Add export", sha="b" * 40)
    got = my_commits(GitHistory(commits=[old, new], emails={ROOT: ME}), RULES)
    assert [c.commit.sha for c in got] == ["b" * 40]


def test_history_alone_makes_a_session_with_its_commits_and_no_deep_work() -> None:
    r = report([], [commit(at(9), "feat: add export"), commit(at(9, 25), "fix: export #12")])
    assert r.focus_seconds == 55 * 60  # 30 minutes of credit, then 25 minutes to the last commit
    assert [(s.start, s.end, s.commits, s.from_history) for s in r.sessions] == [
        (at(8, 30), at(9, 25), 2, True)
    ]
    assert r.deep_work_seconds == 0
    assert [s.label for s in r.by_editor] == ["(git history)"]
    assert [c.task.kind for c in r.commits if c.task] == ["feature", "bug"]


def test_editor_activity_is_the_authority_where_it_exists() -> None:
    # Editing 08:30–09:20; commits at 09:10 and 11:00 (two history sessions). The first, with
    # its credit (08:40–09:10), lies inside the editor's session and adds nothing; the second
    # adds 10:30–11:00.
    r = report([edit(at(8, 30), at(9, 20))], [commit(at(9, 10), "a"), commit(at(11), "b")])
    assert r.focus_seconds == 50 * 60 + 30 * 60
    assert [(s.start, s.end, s.commits, s.from_history) for s in r.sessions] == [
        (at(8, 30), at(9, 20), 1, False),
        (at(10, 30), at(11), 1, True),
    ]


def test_history_fills_the_time_before_an_editor_session_it_overlaps() -> None:
    # The commit at 09:10 claims 08:40 onwards; the editor saw 09:00–09:20 only. History keeps
    # 08:40–09:00, the editor the rest: one session of 40 minutes.
    r = report([edit(at(9), at(9, 20))], [commit(at(9, 10), "a")])
    assert r.focus_seconds == 40 * 60
    assert [(s.start, s.end, s.from_history) for s in r.sessions] == [(at(8, 40), at(9, 20), False)]


def test_a_checkout_inside_a_history_session_is_a_switch() -> None:
    moved = RepoCheckout(ROOT, Checkout(at(9, 10), "main", "feature/ABC-7-export"))
    r = report(
        [],
        [commit(at(9), "a"), commit(at(9, 20), "b", branch="feature/ABC-7-export")],
        [moved],
    )
    assert [(s.at, s.before.branch, s.after.branch) for s in r.switches] == [
        (at(9, 10), "main", "feature/ABC-7-export")
    ]
    assert {s.label: s.seconds for s in r.by_task} == {"(no task)": 40 * 60, "ABC-7 export": 600}


def test_tasks_come_from_hand_then_branch_then_commits() -> None:
    acts = [edit(at(9), at(9, 10)), edit(at(9, 10), at(9, 20), "fix/456-crash")]
    acts.append(edit(at(11), at(11, 10)))
    commits = [commit(at(11, 5), "feat(api): paginate results ABC-9")]
    marks = [TaskMark(at(8), ROOT, "main", "Plan the sprint", "chore")]
    r = report(acts, commits, marks=marks)
    # 09:00–09:10 on main: the hand-set task. The branch change ends it: 09:10–09:20 is the
    # branch's task, and 11:00 back on main has no hand-set task any more, so the session's
    # commits name it: 11:00–11:10 edited, and the commit's credit from 10:35 before that.
    assert {s.label: s.seconds for s in r.by_task} == {
        "Plan the sprint": 600,
        "#456 crash": 600,
        "ABC-9 paginate results": 600 + 25 * 60,
    }
    assert [s.task for s in r.sessions] == ["Plan the sprint", "ABC-9 paginate results"]


def test_a_plain_commit_subject_is_not_a_task() -> None:
    r = report([edit(at(9), at(9, 10))], [commit(at(9, 5), "more")])
    assert [s.label for s in r.by_task] == []
    assert r.sessions[0].task is None


def test_the_current_task_holds_until_the_branch_changes() -> None:
    marks = [TaskMark(at(8), ROOT, "main", "Plan the sprint", "chore")]
    assert current_task(Context(ROOT, "main"), marks).label == "Plan the sprint"
    assert current_task(Context(ROOT, "feature/ABC-1-x"), marks).label == "ABC-1 x"
    cleared = [*marks, TaskMark(at(9), ROOT, "main", "")]
    assert current_task(Context(ROOT, "main"), cleared) is None
    assert current_task(None, marks) is None


def test_scores_give_the_weekly_trend_and_the_renderings_show_commits() -> None:
    commits = [commit(at(9, day=5), "feat: a"), commit(at(9), "fix: b"), commit(at(10), "c")]
    scores = {c.commit.sha: s for c, s in zip(commits, (9.0, 7.0, 5.0), strict=True)}
    r = report([], commits, scores=scores, period="week")
    assert r.commit_score == 7.0
    assert r.coaching == [WeekScore(date(2026, 1, 5), 7.0, 3)]  # Mon 5 Jan: one week
    data = report_json(r, timezone.utc)
    assert data["commitCount"] == 3 and data["commitScore"] == 7.0
    assert [c["score"] for c in data["commits"]] == [9.0, 7.0, 5.0]
    assert data["commits"][0]["task"] == {"title": "a", "kind": "feature", "ref": None}
    text = render_text(r, timezone.utc)
    assert "Commits    3 (+0 −0), message score 7.0/10" in text
    markdown = render_markdown(r, timezone.utc)
    assert "## Commits" in markdown
    assert f"| `{commits[2].commit.sha[:7]}` | 5.0 | c |" in markdown

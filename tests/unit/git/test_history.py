"""A definition's history from one file's log: hunk parsing and line-range tracking on
hand-made ``git log -p -U0`` output, plus the HEAD and rendering pieces on real repositories.

Blobs are named b1, b2, … (each diff says which blob it turns into which); lines are 1-based,
as in git's hunk headers.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devfocus.app.focustimes import FocusTimes
from devfocus.docs.facts import analyze
from devfocus.git.head import head_commit
from devfocus.git.linehistory import (
    Change,
    ChangeRef,
    DefinitionHistory,
    LineSpan,
    Walk,
    definition_spans,
    map_span,
    parse_hunk_header,
    parse_log,
    read_file_history,
    relative_time,
    shifted,
    summarize,
    touches,
    track,
)
from devfocus.insights.historyhover import Found, header_name_at, render_hover
from tests.repos import git, init_repo

DAY = 86400.0
NOW = 1_767_600_000.0  # 2026-01-05 08:00 UTC


# -- making logs by hand ------------------------------------------------------------------------
def commit(sha: str, subject: str, *, parents: str = "p", author: str = "Ada", at: float = 0):
    fields = [sha, parents, author, f"{author.lower()}@example.com", f"{at:.0f}", subject]
    return "\x00" + "\x1f".join(fields) + "\n\n"


def hunk(a: int, b: int, c: int, d: int, removed: Sequence[str] = (), added: int | None = None):
    added_lines = [f"+new {i}" for i in range(d if added is None else added)]
    return (
        f"@@ -{a},{b} +{c},{d} @@\n"
        + "".join(f"-{r}\n" for r in removed)
        + ("\n".join(added_lines) + "\n" if added_lines else "")
    )


def diff(old: str | None, new: str, *hunks: str, path: str = "app.py", header: str = "") -> str:
    old_id = old or "0000000"
    created = "new file mode 100644\n" if old is None else ""
    return (
        f"diff --git a/{path} b/{path}\n{created}{header}index {old_id}..{new} 100644\n"
        f"--- {'/dev/null' if old is None else 'a/' + path}\n+++ b/{path}\n" + "".join(hunks)
    )


def span(start: int, end: int, header: int | None = None, name: str = "f", indent: int = 0):
    return LineSpan(start, end, start if header is None else header, name, indent)


def subjects(found: Walk | Sequence[ChangeRef]) -> list[str]:
    return [c.subject for c in (found.commits if isinstance(found, Walk) else found)]


# Version b1 (created by c1):        version b2 (c2 inserts two lines at the top):
#   1 import os                         1 import sys
#   2                                   2 import re
#   3 def f():                          3 import os
#   4     return 1                      4
#                                       5 def f():
#                                       6     return 1
CREATE = commit("c1", "create") + diff(
    None, "b1", hunk(0, 0, 1, 4, added=0) + "+import os\n+\n+def f():\n+    return 1\n"
)


# -- parsing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("@@ -9 +9 @@ def b():", (9, 1, 9, 1)),
        ("@@ -0,0 +1,3 @@", (0, 0, 1, 3)),
        ("@@ -12,4 +11,0 @@ class A:", (12, 4, 11, 0)),
        ("@@@ -1,2 -1,2 +1,3 @@@", None),  # a combined diff: not ours
        ("diff --git a/x b/x", None),
    ],
)
def test_hunk_header(line: str, expected: tuple[int, int, int, int] | None) -> None:
    assert parse_hunk_header(line) == expected


def test_a_log_becomes_commits_with_their_changes() -> None:
    text = (
        commit("c2", "Read ports", parents="c1", author="Linus", at=NOW)
        + diff(
            "b1",
            "b2",
            "@@ -2 +2,2 @@ def f():\n-    return 1\n+    x = 2\n+    return x\n",
            # "-- note" removed reads "--- note": still a removed line, not a file header.
            "@@ -7,2 +8,0 @@\n--- note\n-def g():\n",
            "@@ -10 +9 @@\n-a\n\\ No newline at end of file\n+a\n",
        )
        + CREATE
    )
    second, first = parse_log(text)
    assert second.commit == ChangeRef(
        "c2", ("c1",), "Linus", "linus@example.com", NOW, "Read ports"
    )
    assert (second.old_blob, second.new_blob, second.created) == ("b1", "b2", False)
    assert [(c.old_start, c.old_count, c.new_start, c.new_count) for c in second.changes] == [
        (2, 1, 2, 2),
        (7, 2, 8, 0),
        (10, 1, 9, 1),
    ]
    assert second.changes[1].removed_definitions == ((8, "g"),)
    assert second.changes[1].removed_indent == 0
    assert (first.old_blob, first.new_blob, first.created) == (None, "b1", True)
    assert first.changes == (Change(0, 0, 1, 4),)


def test_hunks_with_context_lines_split_into_changes() -> None:
    """A user's diff settings may merge nearby hunks: the context between them is no change."""
    text = commit("c2", "two edits") + diff("b1", "b2", "@@ -3,3 +3,3 @@\n-a\n+A\n b\n-c\n+C\n")
    (only,) = parse_log(text)
    assert [(c.old_start, c.old_count, c.new_start, c.new_count) for c in only.changes] == [
        (3, 1, 3, 1),
        (5, 1, 5, 1),
    ]


def test_a_rename_names_both_paths_and_no_blobs_when_nothing_changed() -> None:
    text = commit("c2", "move") + (
        "diff --git a/old.py b/new.py\nsimilarity index 100%\n"
        "rename from old.py\nrename to new.py\n"
    )
    (moved,) = parse_log(text)
    assert (moved.old_path, moved.path, moved.old_blob, moved.new_blob) == (
        "old.py",
        "new.py",
        None,
        None,
    )


# -- touching and mapping -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Change(4, 1, 4, 1), True),  # a line inside changed
        (Change(3, 0, 4, 2), True),  # lines inserted inside
        (Change(1, 0, 2, 1), False),  # a line inserted above
        (Change(9, 1, 9, 1), False),  # a line below changed
        (Change(5, 2, 4, 0), True),  # lines deleted between two of its lines
        (Change(7, 2, 6, 0, removed_indent=4), True),  # its last lines deleted
        (Change(7, 2, 6, 0, removed_indent=0), False),  # the next definition deleted
        (Change(7, 2, 6, 0), False),  # blank lines deleted after it
        (Change(3, 1, 2, 0, removed_indent=0, removed_decorators=True), True),  # a decorator
        (Change(3, 1, 2, 0, removed_indent=0), False),  # some other line above
    ],
)
def test_touches(change: Change, expected: bool) -> None:
    assert touches(change, span(3, 6)) is expected


def test_insertions_and_deletions_above_shift_the_span() -> None:
    changes = [Change(0, 0, 1, 2), Change(5, 3, 6, 0)]  # 2 lines in at the top, 3 out further
    assert map_span(changes, span(10, 12)) == span(11, 13)


def test_lines_changed_inside_map_to_their_old_lines() -> None:
    # The body's line 4 became lines 4-6: the old span ends two lines earlier.
    assert map_span([Change(4, 1, 4, 3)], span(3, 8)) == span(3, 6)


def test_a_header_added_without_the_same_name_removed_means_created() -> None:
    assert map_span([Change(2, 0, 3, 4)], span(3, 6)) is None
    # Replacing other lines is creating too.
    replaced = Change(3, 2, 3, 4, removed_definitions=((3, "g"),), removed_indent=0)
    assert map_span([replaced], span(3, 6)) is None


def test_a_changed_header_line_is_followed_to_its_old_line() -> None:
    edited = Change(3, 1, 3, 1, removed_definitions=((3, "f"),), removed_indent=0)
    assert map_span([edited], span(3, 6)) == span(3, 6)


@st.composite
def changes_and_span(draw: st.DrawFn) -> tuple[list[Change], LineSpan]:
    """Sorted, separated changes of a file, and a definition's span in the new version."""
    changes: list[Change] = []
    old = new = 0  # the last line of each side so far
    for _ in range(draw(st.integers(0, 4))):
        gap = draw(st.integers(1, 6))
        removed, added = draw(st.integers(0, 3)), draw(st.integers(0, 3))
        if not removed and not added:
            continue
        old_start = old + gap if removed else old + gap - 1
        new_start = new + gap if added else new + gap - 1
        indent = draw(st.sampled_from([None, 0, 4]))
        changes.append(
            Change(old_start, removed, new_start, added, (), indent if removed else None)
        )
        old, new = old + gap - 1 + removed, new + gap - 1 + added
    start = draw(st.integers(1, new + 8))
    end = draw(st.integers(start, start + 6))
    return changes, span(start, end, draw(st.integers(start, end)), indent=4)


@given(changes_and_span())
def test_the_quick_path_agrees_with_the_full_mapping(case: tuple[list[Change], LineSpan]) -> None:
    changes, at = case
    quick = shifted(changes, at)
    if quick is not None:
        assert not any(touches(c, at) for c in changes)
        assert quick == map_span(changes, at)


# -- tracking through a log -----------------------------------------------------------------------
def test_an_insertion_above_shifts_the_range_and_does_not_count() -> None:
    log = parse_log(commit("c2", "imports", at=NOW) + diff("b1", "b2", hunk(0, 0, 1, 2)) + CREATE)
    assert subjects(track(log, "b2", span(5, 6, name="f"))) == ["create"]


def test_a_change_inside_counts_and_one_below_does_not() -> None:
    # b2: f at 3-4, g at 6-7.
    text = (
        commit("c4", "edit g")
        + diff("b3", "b4", hunk(7, 1, 7, 1, ["    return 2"]))
        + commit("c3", "edit f")
        + diff("b2", "b3", hunk(4, 1, 4, 1, ["    return 1"]))
        + commit("c2", "add g")
        + diff("b1", "b2", hunk(4, 0, 5, 3, added=0) + "+\n+def g():\n+    return 2\n")
        + CREATE
    )
    log = parse_log(text)
    assert subjects(track(log, "b4", span(3, 4, name="f"))) == ["edit f", "create"]
    assert subjects(track(log, "b4", span(6, 7, name="g"))) == ["edit g", "add g"]


def test_the_walk_stops_where_the_definition_was_created() -> None:
    # c3 replaces lines 3-4 (f) of b2 with h; c2 had changed f. h's history starts at c3.
    text = (
        commit("c3", "replace f with h")
        + diff(
            "b2",
            "b3",
            "@@ -3,2 +3,2 @@\n-def f():\n-    return 2\n+def h():\n+    return 3\n",
        )
        + commit("c2", "edit f")
        + diff("b1", "b2", hunk(4, 1, 4, 1, ["    return 1"]))
        + CREATE
    )
    log = parse_log(text)
    walk = track(log, "b3", span(3, 4, name="h"))
    assert subjects(walk) == ["replace f with h"]
    assert walk.created
    # A log cut short (no creating commit in it) says so.
    edit_only = track(parse_log(text)[1:2], "b2", span(3, 4, name="f"))
    assert subjects(edit_only) == ["edit f"]
    assert not edit_only.created


def test_a_renamed_file_is_followed() -> None:
    """``--follow``: a rename with no change names no blobs; one with changes maps as usual."""
    text = (
        commit("c4", "edit f again")
        + diff("b3", "b4", hunk(5, 1, 5, 1, ["    return 2"]), path="new.py")
        + commit("c3", "move and edit")
        + (
            "diff --git a/mid.py b/new.py\nsimilarity index 80%\nrename from mid.py\n"
            "rename to new.py\nindex b2..b3 100644\n--- a/mid.py\n+++ b/new.py\n" + hunk(0, 0, 1, 1)
        )
        + commit("c2", "move")
        + "diff --git a/app.py b/mid.py\nsimilarity index 100%\nrename from app.py\n"
        "rename to mid.py\n"
        + commit("c1b", "edit f in app.py")
        + diff("b1", "b2", hunk(4, 1, 4, 1, ["    return 0"]))
        + CREATE
    )
    log = parse_log(text)
    assert subjects(track(log, "b4", span(4, 5, name="f"))) == [
        "edit f again",
        "edit f in app.py",
        "create",
    ]


def test_merges_pass_the_range_to_each_parent_and_do_not_count() -> None:
    """main changed f; a side branch inserted a line above; the merge is diffed against each."""
    text = (
        commit("m", "Merge side", parents="c2 c3")
        + diff("b2", "b4", hunk(0, 0, 1, 1))  # against main: side's insertion
        + commit("m", "Merge side", parents="c2 c3")
        + diff("b3", "b4", hunk(5, 1, 5, 1, ["    return 1"]))  # against side: main's change
        + commit("c3", "side: insert above", parents="c1")
        + diff("b1", "b3", hunk(0, 0, 1, 1))
        + commit("c2", "main: change f", parents="c1")
        + diff("b1", "b2", hunk(4, 1, 4, 1, ["    return 1"]))
        + CREATE
    )
    log = parse_log(text)
    assert subjects(track(log, "b4", span(4, 5, name="f"))) == ["main: change f", "create"]


def test_a_parent_listed_before_its_child_is_still_tracked() -> None:
    """Clock skew: the log is by date, so a child can come after its parent."""
    text = (
        commit("c1", "create")
        + diff(None, "b1", hunk(0, 0, 1, 2, added=0) + "+def f():\n+    return 1\n")
        + commit("c2", "edit f")
        + diff("b1", "b2", hunk(2, 1, 2, 1, ["    return 1"]))
    )
    assert subjects(track(parse_log(text), "b2", span(1, 2))) == ["edit f", "create"]


def test_the_commits_of_the_window_and_their_authors() -> None:
    def ref(sha: str, author: str, days: float) -> ChangeRef:
        return ChangeRef(sha, ("p",), author, f"{author}@x", NOW - days * DAY, sha)

    commits = (ref("d", "Ada", 3), ref("c", "Linus", 10), ref("b", "Ada", 20), ref("a", "Bo", 40))
    history = summarize(Walk(commits, True), NOW)
    assert [c.sha for c in history.commits_in_window] == ["d", "c", "b"]
    assert history.authors == ("Ada", "Linus")
    assert history.last_change == commits[0]
    assert history.older_than is None
    assert summarize(Walk(commits[-1:], True), NOW).commits_in_window == ()
    # A log cut short before the definition's creation: its last change is older than the log.
    cut = summarize(Walk((), False), NOW, log_starts=NOW - 90 * DAY)
    assert (cut.last_change, cut.older_than) == (None, NOW - 90 * DAY)
    assert summarize(Walk((), True), NOW, log_starts=NOW - 90 * DAY).older_than is None


# -- definitions at HEAD --------------------------------------------------------------------------
def test_definition_spans_by_qualified_name() -> None:
    source = (
        "class C:\n"
        "    @property\n"
        "    def x(self):\n"
        "        return 1\n"
        "\n"
        "    @x.setter\n"
        "    def x(self, value):\n"
        "        pass\n"
        "\n"
        "def f():\n"
        "    def inner():\n"
        "        pass\n"
    )
    spans = definition_spans(analyze(source))
    assert spans[("C", 0)] == LineSpan(1, 8, 1, "C", 0)
    assert spans[("C.x", 0)] == LineSpan(2, 4, 3, "x", 4)
    assert spans[("C.x", 1)] == LineSpan(6, 8, 7, "x", 4)
    assert spans[("f.<locals>.inner", 0)] == LineSpan(11, 12, 11, "inner", 4)
    assert definition_spans(analyze("def broken(:\n")) == {}


@pytest.mark.parametrize(
    ("line", "character", "expected"),
    [
        ("def parse_config(path):", 4, (4, 16)),
        ("def parse_config(path):", 15, (4, 16)),
        ("def parse_config(path):", 16, None),  # the parenthesis
        ("def parse_config(path):", 1, None),  # the keyword
        ("    async def run(self):", 14, (14, 17)),
        ("class Server(Base):", 6, (6, 12)),
        ("    return parse_config(x)", 12, None),
        ("x = 1  # def f", 13, None),
    ],
)
def test_header_name_at(line: str, character: int, expected: tuple[int, int] | None) -> None:
    assert header_name_at(line, character) == expected


# -- presentation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (-30, "just now"),
        (10, "just now"),
        (70, "a minute ago"),
        (5 * 60, "5 minutes ago"),
        (60 * 60, "an hour ago"),
        (3 * 3600, "3 hours ago"),
        (30 * 3600, "yesterday"),
        (3 * DAY, "3 days ago"),
        (8 * DAY, "a week ago"),
        (21 * DAY, "3 weeks ago"),
        (35 * DAY, "a month ago"),
        (100 * DAY, "3 months ago"),
        (400 * DAY, "a year ago"),
        (3 * 365 * DAY, "3 years ago"),
    ],
)
def test_relative_time(ago: float, text: str) -> None:
    assert relative_time(NOW - ago, NOW) == text


def test_the_hover_text() -> None:
    last = ChangeRef("1a2b3c4d5e", ("p",), "Ada", "ada@x", NOW - 3 * DAY, "Read *ports*")
    older = ChangeRef("99", ("p",), "Linus", "l@x", NOW - 9 * DAY, "Start")
    history = DefinitionHistory((last, older, older, older), ("Ada", "Linus"), last)
    found = Found("parse_config", 3, 4, 16, "config.py", history)
    assert render_hover(found, 85 * 60, NOW).split("\n\n") == [
        "**`parse_config`** · 4 commits in the last 30 days · 2 authors (Ada, Linus)",
        'Last change: `1a2b3c4` by Ada, 3 days ago — "Read \\*ports\\*"',
        "Your focus time in `config.py` this week: 1h 25m",
    ]
    quiet = Found("f", 0, 4, 5, "a.py", DefinitionHistory((), (), older))
    assert render_hover(quiet, 0, NOW, markdown=False).splitlines() == [
        "f · no commits in the last 30 days",
        'Last change: 99 by Linus, a week ago — "Start"',
        "Your focus time in a.py this week: none yet",
    ]
    ancient = DefinitionHistory((), (), None, older_than=NOW - 100 * DAY)
    assert render_hover(Found("f", 0, 4, 5, "a.py", ancient), None, NOW).split("\n\n") == [
        "**`f`** · no commits in the last 30 days",
        "Last change: more than 3 months ago",
    ]
    new = Found("g", 0, 4, 5, "a.py", DefinitionHistory((), (), None, uncommitted=True))
    assert render_hover(new, None, NOW) == "**`g`** · not committed yet"


# -- with git -------------------------------------------------------------------------------------
def test_a_real_log_with_a_rename_and_a_merge(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r", files={"old.py": "import os\n\n\ndef a():\n    return 1\n"})
    (repo / "old.py").write_text("import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    pass\n")
    git(repo, "commit", "-qam", "Add b", date="2026-01-05T10:00:00+00:00")
    git(repo, "mv", "old.py", "new.py")
    git(repo, "commit", "-qm", "Rename", date="2026-01-05T11:00:00+00:00")
    git(repo, "checkout", "-qb", "side")
    (repo / "new.py").write_text("import re\n" + (repo / "new.py").read_text())
    git(repo, "commit", "-qam", "Side: import re", date="2026-01-05T12:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    text = (repo / "new.py").read_text().replace("return 1", "return 2")
    (repo / "new.py").write_text(text)
    git(repo, "commit", "-qam", "Change a", date="2026-01-05T13:00:00+00:00")
    git(repo, "merge", "-q", "--no-edit", "side", date="2026-01-05T14:00:00+00:00")

    head = git(repo, "rev-parse", "HEAD").strip()
    history = read_file_history(repo, "new.py", head)
    assert history.blob is not None and history.data is not None
    spans = definition_spans(analyze(history.data.decode()))
    assert subjects(track(history.diffs, history.blob, spans[("a", 0)])) == ["Change a", "Start"]
    assert subjects(track(history.diffs, history.blob, spans[("b", 0)])) == ["Add b"]
    assert read_file_history(repo, "missing.py", head).blob is None


def test_head_is_read_from_loose_and_packed_refs_and_worktrees(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert head_commit(repo / ".git") == sha
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert head_commit(repo / ".git") == sha
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    git(tmp_path / "wt", "commit", "-q", "--allow-empty", "-m", "Other")
    other = git(tmp_path / "wt", "rev-parse", "HEAD").strip()
    worktree_git_dir = Path(git(tmp_path / "wt", "rev-parse", "--git-dir").strip())
    assert head_commit(worktree_git_dir) == other
    git(repo, "checkout", "-q", "--detach")
    assert head_commit(repo / ".git") == sha
    empty = tmp_path / "empty"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    assert head_commit(empty / ".git") is None  # no commit yet


# -- focus time, kept briefly ---------------------------------------------------------------------
async def test_focus_time_is_asked_once_per_file_until_it_is_old() -> None:
    asked: list[str] = []
    now = [NOW]

    async def fetch(path: str, since: float) -> float:
        asked.append(path)
        return 60.0 * len(asked)

    times = FocusTimes(fetch, ttl=30, clock=lambda: now[0])
    assert await times.get("/p/a.py", wait=5) == 60
    now[0] += 10
    assert await times.get("/p/a.py", wait=5) == 60  # fresh: not asked again
    assert asked == ["/p/a.py"]
    now[0] += 30
    # Past its time: the old value at once, a new one fetched for the next hover.
    assert await times.get("/p/a.py", wait=5) == 60
    await asyncio.sleep(0)  # one turn of the loop for the refresh (it never suspends)
    assert await times.get("/p/a.py", wait=5) == 120
    assert asked == ["/p/a.py", "/p/a.py"]
    now[0] += 3600
    assert await times.get("/p/a.py", wait=5) == 180  # long gone: waited for


async def test_focus_time_that_does_not_come_in_time_is_left_out() -> None:
    release = asyncio.Event()

    async def slow(path: str, since: float) -> float:
        await release.wait()
        return 5.0

    times = FocusTimes(slow, clock=lambda: NOW)
    assert await times.get("/p/a.py", wait=0.01) is None
    release.set()
    assert await times.get("/p/a.py", wait=5) == 5.0

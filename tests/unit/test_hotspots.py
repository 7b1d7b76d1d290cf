"""Hotspots (insights/hotspots.py) at and around their thresholds, with hand-computed figures."""

from __future__ import annotations

import asyncio

from devfocus.activity.records import Context
from devfocus.activity.timeline import Segment
from devfocus.app.focustimes import WEEK, FocusTimes
from devfocus.git.linehistory import ChangeRef, DefinitionHistory
from devfocus.git.model import Commit, FileChange, RepoCommit
from devfocus.insights.historyhover import Churn, Found, render_hover
from devfocus.insights.hotspots import (
    TOP_FILES,
    DefinitionChurn,
    authored_by,
    commits_by_file,
    find_hotspots,
    focus_by_file,
    hotspot_line,
    rank_files,
)

START, END = 1_000_000.0, 1_000_000.0 + 7 * 86400
ROOT = "/home/dev/shop"
CART = f"{ROOT}/cart.py"


def focus(*seconds: float) -> dict[str, float]:
    """Files f1.py, f2.py, ... with these focus seconds; the first is cart.py."""
    names = [CART, *(f"{ROOT}/f{n}.py" for n in range(2, len(seconds) + 1))]
    return dict(zip(names, seconds, strict=True))


def shas(count: int) -> list[str]:
    return [f"{n:040x}" for n in range(1, count + 1)]


def hotspots(
    seconds: dict[str, float], commits: int, *, definition: int = 0, min_commits: float = 3
) -> list:
    churn = [DefinitionChurn(CART, "Cart.total", shas(definition))] if definition else []
    return find_hotspots(
        rank_files(seconds),
        {CART: shas(commits)},
        min_commits=min_commits,
        start=START,
        end=END,
        definitions=churn,
        during="this week",
    )


def test_files_rank_by_focus_time_the_most_first_and_equal_times_by_path() -> None:
    ranking = rank_files({"/b.py": 60.0, "/a.py": 60.0, "/c.py": 600.0, "/idle.py": 0.0})
    assert [
        (r.path, r.rank, r.ranked) for r in sorted(ranking.files.values(), key=lambda r: r.rank)
    ] == [
        ("/c.py", 1, 3),
        ("/a.py", 2, 3),
        ("/b.py", 3, 3),
    ]
    assert ranking.of("/idle.py") is None  # no focus time: not ranked
    assert ranking.seconds("/idle.py") == 0.0
    assert ranking.seconds("/c.py") == 600.0


def test_a_file_needs_the_commits_threshold() -> None:
    assert hotspots(focus(3600.0), commits=2) == []  # just below
    found = hotspots(focus(3600.0), commits=3)  # at
    assert [i.id for i in found] == [f"hotspot:{CART}"]
    insight = found[0]
    assert insight.kind == "hotspot"
    assert insight.path == CART and insight.definition is None
    assert insight.evidence.numbers == {
        "commits": 3,
        "focusSeconds": 3600.0,
        "rank": 1,
        "rankedFiles": 1,
        "minCommits": 3,
    }
    assert insight.evidence.commits == tuple(shas(3))
    assert insight.evidence.files == (CART,)
    assert (insight.start, insight.end) == (START, END)
    assert insight.message.startswith(
        "cart.py is a hotspot: 3 of your commits this week and 1h 00m of your focus "
        "(your #1 file by focus time)"
    )


def test_the_same_commit_twice_counts_once() -> None:
    found = find_hotspots(
        rank_files(focus(60.0)),
        {CART: ["a" * 40, "a" * 40, "b" * 40]},
        min_commits=3,
        start=START,
        end=END,
    )
    assert found == []


def test_a_file_must_be_among_the_files_with_the_most_focus_time() -> None:
    # cart.py is the TOP_FILES-th file: in. One more file with more focus: out.
    at_edge = focus(100.0, *([200.0] * (TOP_FILES - 1)))
    assert rank_files(at_edge).files[CART].rank == TOP_FILES
    assert [i.path for i in hotspots(at_edge, commits=5)] == [CART]
    past_edge = focus(100.0, *([200.0] * TOP_FILES))
    assert rank_files(past_edge).files[CART].rank == TOP_FILES + 1
    assert hotspots(past_edge, commits=5) == []
    # No focus time at all in the file: never a hotspot, however many commits.
    assert hotspots({CART: 0.0}, commits=50) == []


def test_a_definition_needs_its_own_commits_and_its_file_ranked() -> None:
    seconds = focus(7200.0, 60.0)
    found = hotspots(seconds, commits=5, definition=2)  # just below for the definition
    assert [i.id for i in found] == [f"hotspot:{CART}"]
    found = hotspots(seconds, commits=5, definition=3)  # at
    assert [i.id for i in found] == [f"hotspot:{CART}", f"hotspot:{CART}::Cart.total"]
    definition = found[1]
    assert definition.definition == "Cart.total" and definition.path == CART
    assert definition.evidence.numbers["commits"] == 3
    assert definition.evidence.numbers["focusSeconds"] == 7200.0
    assert definition.message.startswith(
        "Cart.total is a hotspot: 3 of your commits changed it this week, and cart.py had "
        "2h 00m of your focus (your #1 file by focus time)"
    )
    assert hotspot_line(definition) == "Hotspot: 3 commits and 2h 00m of focus this week"
    # Its file out of the top files: neither is a hotspot.
    crowded = focus(1.0, *([60.0] * TOP_FILES))
    assert hotspots(crowded, commits=5, definition=5) == []


def test_the_threshold_is_the_setting() -> None:
    assert hotspots(focus(60.0), commits=4, definition=4, min_commits=5) == []
    assert len(hotspots(focus(60.0), commits=5, definition=4, min_commits=4)) == 2
    assert len(hotspots(focus(60.0), commits=1, definition=1, min_commits=1)) == 2


def test_focus_per_file_joins_project_and_path_and_clips_to_the_period() -> None:
    shop = Context(ROOT, "main")
    segments = [
        Segment(START - 100, START + 50, shop, "python", "cart.py", "vscode", 0, False),
        Segment(START + 50, START + 80, shop, "python", "cart.py", "vscode", 0, True),
        Segment(START + 80, START + 90, None, "python", "/tmp/loose.py", "vscode", 0, False),
        Segment(START + 90, START + 95, shop, None, None, None, 0, False),  # no file
        Segment(END - 10, END + 100, shop, "python", "f2.py", "vscode", 1, False),
    ]
    assert focus_by_file(segments, START, END) == {
        CART: 80.0,
        "/tmp/loose.py": 10.0,
        f"{ROOT}/f2.py": 10.0,
    }


def commit(sha: str, *paths: str, parents: tuple[str, ...] = ("p",)) -> RepoCommit:
    files = tuple(FileChange(p, 1, 0) for p in paths)
    made = Commit(sha, parents, "Ada", "ada@x", START, 0, "Ada", "ada@x", START, 0, "msg", files)
    return RepoCommit(ROOT + "/", "main", True, made)


def test_commits_per_file_leave_merges_out() -> None:
    found = commits_by_file(
        [
            commit("a", "cart.py", "f2.py"),
            commit("b", "cart.py"),
            commit("m", "cart.py", parents=("a", "b")),
        ]
    )
    assert found == {CART: ["a", "b"], f"{ROOT}/f2.py": ["a"]}


def test_whose_commits_count() -> None:
    assert authored_by("Ada", "ADA@example.com", ["ada@example.com"])
    assert authored_by("Ada Lovelace", "a@x", ["ada lovelace"])
    assert not authored_by("Linus", "linus@x", ["ada@example.com"])
    assert authored_by("Linus", "linus@x", [None])  # no user.email: everyone's
    assert authored_by("Linus", "linus@x", [])


def test_the_hover_adds_rank_churn_and_the_hotspot() -> None:
    now = END
    last = ChangeRef("1a2b3c4d5e", ("p",), "Ada", "ada@x", now - 86400, "Tune the total")
    history = DefinitionHistory((last,) * 4, ("Ada",), last)
    churn = Churn(definition=tuple(shas(4)), file=tuple(shas(5)))
    found = Found("Cart.total", 3, 4, 9, "cart.py", history, churn)
    ranking = rank_files(focus(7800.0, 60.0, 30.0))
    [_, hotspot] = hotspots(focus(7800.0, 60.0, 30.0), commits=5, definition=4)
    shown = render_hover(found, 7800.0, now, rank=ranking.of(CART), hotspot=hotspot)
    assert shown.split("\n\n")[2:] == [
        "Your focus time in `cart.py` this week: 2h 10m · #1 of 3 files",
        "Your commits this week: 4 changed `Cart.total` (5 in `cart.py`)",
        "Hotspot: 4 commits and 2h 10m of focus this week",
    ]
    # Plain text; no focus yet (no rank shown); none of the commits changed the definition.
    quiet = Found("helper", 3, 4, 10, "cart.py", history, Churn((), tuple(shas(2))))
    assert render_hover(quiet, 0.4, now, markdown=False, rank=ranking.of(CART)).splitlines()[
        2:
    ] == [
        "Your focus time in cart.py this week: none yet",
        "Your commits this week: none changed helper (2 in cart.py)",
    ]
    idle = Found("helper", 3, 4, 10, "cart.py", history, Churn((), ()))
    assert render_hover(idle, None, now).endswith("Your commits this week: none in `cart.py`")


async def test_a_ranking_asked_for_while_it_is_cleared_is_asked_again() -> None:
    """Settings change while a hover waits for the ranking: the hover gets the new one, not
    nothing."""
    release = asyncio.Event()
    asked: list[float] = []

    async def fetch(key: str, since: float) -> dict[str, float]:
        asked.append(since)
        if len(asked) == 1:
            await release.wait()
        return {CART: float(len(asked))}

    ranking: FocusTimes[dict[str, float]] = FocusTimes(fetch, clock=lambda: END)
    waiting = asyncio.ensure_future(ranking.get(WEEK, wait=5))
    for _ in range(10):  # turns of the loop until the first fetch has started (it suspends)
        if asked:
            break
        await asyncio.sleep(0)
    assert asked
    ranking.clear()
    release.set()
    assert await waiting == {CART: 2.0}
    assert len(asked) == 2

"""Team mode through the real server: the push on start, the status's team deep-work share,
``devfocus.team.push``, ``devfocus.team.preview`` and ``devfocus.report {team: true}``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from pygls.exceptions import JsonRpcException

from devfocus.store import teamdb
from tests.lsp.conftest import Session, end_session, expose_client, server_env, start_session
from tests.team.test_team_policies import Team, new_team
from tests.team.test_team_sharing import seed, yesterday_at

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(postgres_server) -> Team:
    """A team of four: three have pushed today's first hours (half of it deep work)."""
    made = new_team(postgres_server)
    import time

    from devfocus.team.figures import HourRow

    hour = time.time() // 3600 * 3600
    today = hour - hour % 86400
    for person in ("bob", "cyd", "dee"):
        with teamdb.connect(made.add(person)) as conn:
            teamdb.upsert_hours(
                conn, [HourRow(today, "", "", 3000, 1500, 2, 1)], share="totals", by_name=False
            )
    return made


@pytest_asyncio.fixture
async def member(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, team: Team
) -> AsyncIterator[Session]:
    data_dir.mkdir(parents=True, exist_ok=True)
    seed(data_dir, "acme", yesterday_at(9), 60)
    url = team.add("ann")
    env = server_env(data_dir, DEVFOCUS_TEAM_URL=url)
    s = await start_session(
        repo, data_dir, "visual-studio-code", configuration={}, initialization_options={}, env=env
    )
    expose_client(request, s.client)
    yield s
    await end_session(s)


async def test_nothing_goes_before_the_member_pushes_once_and_the_status_shows_the_team(
    member: Session, team: Team
) -> None:
    # The team's figures are read at once (reading shares nothing) ...
    status = await member.statuses.wait_for(lambda s: getattr(s, "teamDeepShareToday", None))
    assert status.teamDeepShareToday == 0.5
    await member.wait_for_log("nothing is shared with this team until you push once yourself")
    assert own_focus(team) is None  # ... but nothing of Ann's went
    pushed = await member.command("devfocus.team.push")
    assert pushed["pushed"] == 1 and pushed["pending"] == 0 and pushed["error"] is None
    assert own_focus(team) == 59 * 60 + 50


def own_focus(team: Team) -> int | None:
    with teamdb.connect(team.url) as conn:
        found = conn.execute(
            "SELECT sum(focus_seconds) FROM devfocus_team.hourly WHERE member = %s",
            (team.role("ann"),),
        ).fetchone()
    return found[0] if found else None


async def test_push_preview_and_the_team_report_as_commands(member: Session) -> None:
    pushed = await member.command("devfocus.team.push")
    assert pushed["error"] is None and pushed["pending"] == 0
    preview = await member.command("devfocus.team.preview")
    assert preview["share"] == "totals" and "/home/someone" not in preview["text"]
    assert sum(d["focusSeconds"] for d in preview["days"]) == 59 * 60 + 50
    report = await member.command("devfocus.report", {"period": "week", "team": True})
    assert report.startswith("# Team report")
    data = await member.command(
        "devfocus.report", {"period": "week", "team": True, "format": "json"}
    )
    # Today: the three others; yesterday only Ann pushed, and one member is too few to show.
    assert data["totals"]["focusSeconds"] == 3 * 3000


async def test_team_with_issues_is_refused(member: Session) -> None:
    with pytest.raises(JsonRpcException, match="team takes none of"):
        await member.command("devfocus.report", {"team": True, "issues": True})

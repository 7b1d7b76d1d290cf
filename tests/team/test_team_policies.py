"""The team database's privacy, as PostgreSQL enforces it: each test connects as each role with
its real password (tests/postgres.py makes every role but postgres sign in with one) and tries
what that role may and may not do."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import psycopg
import pytest

from devfocus.store import teamdb
from devfocus.store.teamdb import TeamError
from devfocus.team.figures import HourRow

pytestmark = pytest.mark.postgres

DAY = 1_767_225_600.0  # 2026-01-01 00:00 UTC
HOUR = 3600.0


@dataclass
class Team:
    """A team database set up as its administrator (postgres), and people added to it."""

    url: str
    name: str
    connections: list[psycopg.Connection]

    def role(self, person: str) -> str:
        return f"{self.name}_{person}"  # login roles are server-wide: unique per test

    def add(self, person: str, role: str = "member") -> str:
        """The URL handed to ``person``, added with ``role``."""
        login = self.role(person)
        password = teamdb.add_member(self.url, login, role, display_name=person.title())
        assert password is not None
        return teamdb.member_url(self.url, login, password)

    def connect(self, url: str) -> psycopg.Connection:
        conn = teamdb.connect(url)
        self.connections.append(conn)
        return conn

    def person(self, name: str, role: str = "member") -> tuple[str, psycopg.Connection]:
        url = self.add(name, role)
        return url, self.connect(url)

    def admin(self) -> psycopg.Connection:
        return self.connect(self.url)


def new_team(postgres_server, url: str | None = None, **options) -> Team:
    url = url or postgres_server.create_database()
    name = "t" + uuid.uuid4().hex[:10]
    teamdb.init_team(url, team=name, **options)
    return Team(url, name, [])


@pytest.fixture
def team(postgres_server) -> Iterator[Team]:
    made = new_team(postgres_server)
    yield made
    for conn in made.connections:
        conn.close()


@pytest.fixture
def make_team(postgres_server) -> Iterator[Callable[..., Team]]:
    made: list[Team] = []

    def make(**options) -> Team:
        made.append(new_team(postgres_server, **options))
        return made[-1]

    yield make
    for one in made:
        for conn in one.connections:
            conn.close()


def day_rows(
    day: float = DAY, hours: int = 8, focus: int = 1800, deep: int = 900, labels=()
) -> list[HourRow]:
    """A working day: ``hours`` hours from 09:00 UTC, with the same part on each label."""
    rows = []
    for i in range(hours):
        start = day + (9 + i) * HOUR
        rows.append(HourRow(start, "", "", focus, deep, 4, 1))
        for kind, label in labels:
            rows.append(HourRow(start, kind, label, focus // 2, deep // 2, 0, 0))
    return rows


def push(conn: psycopg.Connection, rows: list[HourRow], share: str = "totals", by_name=False):
    return teamdb.upsert_hours(conn, rows, share=share, by_name=by_name)


def all_of(conn: psycopg.Connection, query: str, params=()) -> list[tuple]:
    return conn.execute(query, params).fetchall()


def refused(conn: psycopg.Connection, statement: str, params=()) -> str:
    """The error PostgreSQL answers ``statement`` with (it must refuse it)."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    return str(caught.value)


# -- a member -----------------------------------------------------------------------------------
def test_a_member_reads_and_writes_only_their_own_rows(team: Team) -> None:
    _, alice = team.person("alice")
    _, bob = team.person("bob")
    assert push(alice, day_rows(focus=1000)) == 8
    assert push(bob, day_rows(focus=2000)) == 8

    assert {r[0] for r in all_of(alice, "SELECT member FROM devfocus_team.hourly")} == {
        team.role("alice")
    }
    assert all_of(alice, "SELECT member FROM devfocus_team.members") == [(team.role("alice"),)]
    # nothing of bob's can be changed or deleted: his rows are not there for alice
    assert (
        alice.execute(
            "UPDATE devfocus_team.hourly SET focus_seconds = 0 WHERE member = %s",
            (team.role("bob"),),
        ).rowcount
        == 0
    )
    assert (
        alice.execute(
            "DELETE FROM devfocus_team.hourly WHERE member = %s", (team.role("bob"),)
        ).rowcount
        == 0
    )
    assert (
        alice.execute(
            "UPDATE devfocus_team.members SET by_name = true WHERE member = %s", (team.role("bob"),)
        ).rowcount
        == 0
    )
    # nor written as bob, by insert or by moving her own rows to him (WITH CHECK)
    insert = (
        "INSERT INTO devfocus_team.hourly (member, hour, focus_seconds, deep_seconds, switches, "
        "sessions) VALUES (%s, '2026-01-03 10:00+00', 60, 0, 0, 0)"
    )
    assert "row-level security" in refused(alice, insert, (team.role("bob"),))
    assert "row-level security" in refused(
        alice, "UPDATE devfocus_team.hourly SET member = %s", (team.role("bob"),)
    )
    # her own row: what she shares is hers to choose, her name and role are the admin's
    alice.execute("UPDATE devfocus_team.members SET by_name = true")
    assert "permission denied" in refused(alice, "UPDATE devfocus_team.members SET role = 'admin'")
    assert "permission denied" in refused(
        alice, "UPDATE devfocus_team.members SET display_name = 'X'"
    )
    assert "permission denied" in refused(
        alice,
        "INSERT INTO devfocus_team.members (member, display_name, role) "
        "VALUES ('zed', 'Zed', 'member')",
    )
    with team.admin() as admin:
        totals = all_of(
            admin,
            "SELECT member, sum(focus_seconds) FROM devfocus_team.hourly "
            "GROUP BY member ORDER BY member",
        )
    assert totals == [(team.role("alice"), 8000), (team.role("bob"), 16000)]


def test_no_member_or_admin_may_change_the_schema_or_its_policies(team: Team) -> None:
    _, alice = team.person("alice")
    _, bob = team.person("bob", "admin")
    attempts = [
        "CREATE OR REPLACE VIEW devfocus_team.team_daily AS "
        "SELECT day, members, focus_seconds, deep_seconds, switches, sessions "
        "FROM devfocus_team.team_daily",
        "CREATE OR REPLACE VIEW devfocus_team.team_named_daily AS SELECT * FROM "
        "devfocus_team.hourly",
        "ALTER POLICY own_rows ON devfocus_team.hourly USING (true)",
        "DROP POLICY own_rows ON devfocus_team.hourly",
        "CREATE POLICY everything ON devfocus_team.hourly USING (true)",
        "ALTER TABLE devfocus_team.hourly DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE devfocus_team.hourly NO FORCE ROW LEVEL SECURITY",
        "CREATE TABLE devfocus_team.mine (x int)",
        "CREATE VIEW devfocus_team.everything AS SELECT * FROM devfocus_team.hourly",
        "CREATE FUNCTION devfocus_team.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "ALTER FUNCTION devfocus_team.my_place(timestamptz, timestamptz) SECURITY INVOKER",
        "UPDATE devfocus_team.settings SET value = '1' WHERE key = 'min_group_size'",
        "INSERT INTO devfocus_team.settings VALUES ('x', 'y')",
        "SELECT devfocus_team.ensure_partitions(now(), now())",
        f"SET ROLE devfocus_{team.name}_owner",
        f"GRANT devfocus_{team.name}_owner TO CURRENT_USER",
        "DROP TABLE devfocus_team.hourly",
        "TRUNCATE devfocus_team.hourly",
    ]
    for conn in (alice, bob):
        for statement in attempts:
            with pytest.raises(psycopg.Error) as caught:
                conn.execute(statement)
            assert caught.value.sqlstate == "42501", (statement, str(caught.value))
    with team.admin() as admin:  # all still there, as the owner made it
        assert admin.execute(
            "SELECT count(*) FROM pg_policies WHERE schemaname = 'devfocus_team'"
        ).fetchone() == (5,)
        assert admin.execute(
            "SELECT value FROM devfocus_team.settings WHERE key = 'min_group_size'"
        ).fetchone() == ("3",)


def test_public_gets_nothing_and_definer_functions_pin_their_search_path(team: Team) -> None:
    with team.admin() as admin:
        granted = all_of(
            admin,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'devfocus_team' AND c.relkind IN ('r', 'p', 'v') "
            "AND has_table_privilege('public', c.oid, 'SELECT,INSERT,UPDATE,DELETE')",
        )
        functions = all_of(
            admin,
            "SELECT p.proname, p.prosecdef, p.proconfig, "
            "has_function_privilege('public', p.oid, 'EXECUTE') "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'devfocus_team' ORDER BY p.proname",
        )
        schema = admin.execute(
            "SELECT has_schema_privilege('public', 'devfocus_team', 'USAGE,CREATE')"
        ).fetchone()
    assert granted == []
    assert schema == (False,)
    assert {name for name, definer, _, _ in functions if definer} == {
        "drop_member",
        "ensure_partitions",
        "ensure_push_partitions",
        "leave",
        "my_place",
    }
    for name, _, config, public in functions:
        assert config == ["search_path=pg_catalog, devfocus_team"], name
        assert not public, name


# -- the minimum group size ---------------------------------------------------------------------
def test_views_hide_days_hours_and_labels_of_fewer_than_the_minimum(team: Team) -> None:
    people = [team.person(name)[1] for name in ("ann", "ben", "cid")]
    _, viewer = team.person("vic", "viewer")
    labels = [("project", "shop"), ("task", "ABC-1")]
    push(people[0], day_rows(labels=labels), share="totals+projects+tasks")
    push(people[1], day_rows(labels=labels[:1]), share="totals+projects+tasks")

    def daily():
        return all_of(viewer, "SELECT day, members, focus_seconds FROM devfocus_team.team_daily")

    def labelled():
        return all_of(
            viewer, "SELECT label_kind, label, members FROM devfocus_team.team_labels_daily"
        )

    assert daily() == []  # two members: hidden
    assert all_of(viewer, "SELECT * FROM devfocus_team.team_hourly") == []
    assert labelled() == []
    push(people[2], day_rows(labels=labels[:1]), share="totals+projects+tasks")
    assert daily() == [(date(2026, 1, 1), 3, 3 * 8 * 1800)]
    assert len(all_of(viewer, "SELECT * FROM devfocus_team.team_hourly")) == 8
    # the project is shared by three, the task by one: only the project shows
    assert labelled() == [("project", "shop", 3)]
    # a larger minimum takes effect at once
    teamdb.init_team(team.url, min_group_size=4)
    assert daily() == []


def test_read_team_gives_the_views_and_my_place_only_above_the_minimum(team: Team) -> None:
    urls, conns = zip(*(team.person(name) for name in ("ann", "ben", "cid")), strict=True)
    push(conns[0], day_rows(focus=600, deep=0))
    push(conns[1], day_rows(focus=1200, deep=600), by_name=True)
    week = (DAY, DAY + 7 * 86400)
    alone = teamdb.read_team(urls[0], *week)
    assert (alone.days, alone.hours, alone.place, alone.min_group_size) == ((), (), None, 3)
    assert [(n.name, n.focus_seconds) for n in alone.named] == [("Ben", 8 * 1200)]

    push(conns[2], day_rows(focus=1800, deep=1800))
    figures = teamdb.read_team(urls[1], *week)
    assert [(d.day, d.members, d.focus_seconds) for d in figures.days] == [
        (date(2026, 1, 1), 3, 8 * 3600)
    ]
    assert len(figures.hours) == 8 and figures.hours[0].hour == DAY + 9 * HOUR
    place = figures.place
    assert place is not None
    assert (place.my_focus_seconds, place.my_deep_seconds, place.members) == (9600, 4800, 3)
    assert (place.focus_p25, place.focus_p50, place.focus_p75) == (7200, 9600, 12000)
    assert place.deep_share_p50 == pytest.approx(0.5)
    assert place.focus_rank_percent == pytest.approx(100 / 3)
    # another period: nobody there, no place
    assert teamdb.read_team(urls[1], DAY + 86400, DAY + 2 * 86400).place is None


# -- viewer, admin ------------------------------------------------------------------------------
def test_a_viewer_reads_the_team_views_only(team: Team) -> None:
    viewer_url, viewer = team.person("vic", "viewer")
    for table in ("hourly", "members"):
        assert "permission denied" in refused(viewer, f"SELECT * FROM devfocus_team.{table}")
    assert "permission denied" in refused(
        viewer, "SELECT * FROM devfocus_team.my_place(now(), now())"
    )
    assert "permission denied" in refused(viewer, "SELECT devfocus_team.leave()")
    for view in ("team_daily", "team_hourly", "team_labels_daily", "team_named_daily"):
        assert all_of(viewer, f"SELECT * FROM devfocus_team.{view}") == []
    assert teamdb.read_team(viewer_url, DAY, DAY + 86400).place is None
    with pytest.raises(TeamError, match="your role may not do that"):
        push(viewer, day_rows())


def test_an_admin_manages_members_and_reads_only_rows_shared_by_name(team: Team) -> None:
    admin_url, admin = team.person("ada", "admin")
    _, alice = team.person("alice")
    _, bob = team.person("bob")
    push(alice, day_rows(focus=100))
    push(bob, day_rows(focus=200), by_name=True)
    push(admin, day_rows(focus=300))  # an admin is a member too

    visible = {r[0] for r in all_of(admin, "SELECT member FROM devfocus_team.hourly")}
    assert visible == {team.role("ada"), team.role("bob")}
    assert len(all_of(admin, "SELECT * FROM devfocus_team.members")) == 3
    # an admin cannot make someone share by name, nor give them the choice already made
    for statement in (
        "UPDATE devfocus_team.members SET by_name = true WHERE member = %s",
        "UPDATE devfocus_team.members SET share = 'totals+tasks' WHERE member = %s",
    ):
        assert "only" in refused(admin, statement, (team.role("alice"),))
    admin.execute(
        "UPDATE devfocus_team.members SET display_name = 'Alice A' WHERE member = %s",
        (team.role("alice"),),
    )
    assert "only" in refused(
        admin,
        "INSERT INTO devfocus_team.members (member, display_name, role, by_name) "
        "VALUES ('zed', 'Zed', 'member', true)",
    )
    status = {m.member: m for m in teamdb.team_status(admin_url)}
    assert status[team.role("alice")].display_name == "Alice A"
    assert (status[team.role("alice")].hours, status[team.role("bob")].hours) == (0, 8)
    assert status[team.role("bob")].by_name and status[team.role("bob")].last_push

    # without CREATEROLE an admin lets an existing role in and takes people out
    with team.admin() as owner:
        owner.execute(f"CREATE ROLE \"{team.role('eve')}\" LOGIN PASSWORD 'eve-secret-1'")
    assert teamdb.add_member(admin_url, "Eve", "viewer", existing_role=team.role("eve")) is None
    with pytest.raises(TeamError, match="permission denied"):
        teamdb.add_member(admin_url, team.role("fred"), "member")
    assert teamdb.remove_member(admin_url, team.role("alice")) == 8
    assert teamdb.role_exists(admin_url, team.role("alice"))  # dropping needs CREATEROLE
    assert "permission denied" in refused(alice, "SELECT * FROM devfocus_team.hourly")
    with team.admin() as owner:
        owner.execute(f'ALTER ROLE "{team.role("ada")}" CREATEROLE')
    assert teamdb.add_member(admin_url, team.role("fred"), "member")
    assert teamdb.remove_member(admin_url, team.role("fred")) == 0
    assert not teamdb.role_exists(admin_url, team.role("fred"))
    assert teamdb.remove_member(admin_url, team.role("eve")) == 0
    assert teamdb.role_exists(admin_url, team.role("eve"))  # not made by devfocus: kept
    members = {m.member for m in teamdb.team_status(team.url)}
    assert members == {team.role("ada"), team.role("bob")}


# -- pushing and leaving -----------------------------------------------------------------------
def test_pushes_are_idempotent_and_follow_the_share(team: Team) -> None:
    _, alice = team.person("alice")
    rows = day_rows(labels=[("project", "shop"), ("task", "ABC-1")])
    assert push(alice, rows, share="totals+projects+tasks") == 24
    assert push(alice, rows, share="totals+projects+tasks") == 0  # same rows: nothing changes
    changed = [HourRow(r.hour, r.label_kind, r.label, 60, 0, 1, 1) for r in rows[:3]]
    assert push(alice, rows[3:] + changed, share="totals+projects+tasks") == 3

    def kinds():
        return all_of(
            alice,
            "SELECT label_kind, count(*) FROM devfocus_team.hourly "
            "GROUP BY label_kind ORDER BY label_kind",
        )

    assert kinds() == [("", 8), ("project", 8), ("task", 8)]
    push(alice, rows, share="totals+projects")  # tasks no longer shared: gone
    assert kinds() == [("", 8), ("project", 8)]
    push(alice, rows, share="totals")
    assert kinds() == [("", 8)]
    assert teamdb.delete_hours(alice, [(DAY + 9 * HOUR, "", ""), (DAY, "", "")]) == 1
    assert kinds() == [("", 7)]
    assert all_of(
        alice, "SELECT share, by_name, last_push IS NOT NULL FROM devfocus_team.members"
    ) == [("totals", False, True)]


def test_a_whole_day_with_labels_is_pushed_and_pushed_again_unchanged(team: Team) -> None:
    """A day of every hour with three projects and three tasks (how fast: benchmarks)."""
    _, alice = team.person("alice")
    labels = [("project", f"p{i}") for i in range(3)] + [("task", f"T-{i}") for i in range(3)]
    rows = day_rows(hours=24, labels=labels, focus=3000, deep=1200)
    rows = [HourRow(r.hour - 9 * HOUR, *r.key[1:], *_figures(r)) for r in rows]
    assert len(rows) == 24 * 7
    assert push(alice, rows, share="totals+projects+tasks") == len(rows)
    assert push(alice, rows, share="totals+projects+tasks") == 0  # nothing changed
    changed = [
        HourRow(r.hour, r.label_kind, r.label, r.focus_seconds - 1, *_figures(r)[1:])
        for r in rows[:5]
    ]
    assert push(alice, changed, share="totals+projects+tasks") == 5


def _figures(row: HourRow) -> tuple[int, int, int, int]:
    return (row.focus_seconds, row.deep_seconds, row.switches, row.sessions)


def test_leaving_deletes_only_ones_own_rows(team: Team) -> None:
    alice_url, alice = team.person("alice")
    _, bob = team.person("bob")
    push(alice, day_rows())
    push(bob, day_rows())
    assert teamdb.leave_team(alice_url) == 8
    with team.admin() as admin:
        assert all_of(admin, "SELECT DISTINCT member FROM devfocus_team.hourly") == [
            (team.role("bob"),)
        ]
        assert [r[0] for r in all_of(admin, "SELECT member FROM devfocus_team.members")] == [
            team.role("bob")
        ]
    with pytest.raises(TeamError, match="not a member"):  # no member row: nothing to push to
        push(alice, day_rows())


def test_partitioned_hourly_makes_a_new_month_when_a_member_pushes_it(make_team) -> None:
    team = make_team(partitioned=True)
    _, alice = team.person("alice")
    long_ago = DAY - 5 * 365 * 86400  # years before the partitions made ahead
    push(alice, day_rows(day=long_ago) + day_rows())
    assert len(all_of(alice, "SELECT * FROM devfocus_team.hourly")) == 16
    assert "permission denied" in refused(
        alice, "SELECT devfocus_team.ensure_partitions(now(), now() + interval '50 years')"
    )
    assert "out of the range" in refused(
        alice, "SELECT devfocus_team.ensure_push_partitions(now(), now() + interval '9 years')"
    )
    with team.admin() as admin:
        parts = admin.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'devfocus_team.hourly'::regclass"
        ).fetchone()
        assert parts is not None and parts[0] >= 16


# -- connecting, and several teams --------------------------------------------------------------
def test_a_wrong_password_is_one_clear_line_without_the_password(team: Team) -> None:
    url = team.add("alice")
    wrong = teamdb.member_url(team.url, team.role("alice"), "not-the-Secret-42")
    with pytest.raises(TeamError) as caught:
        teamdb.connect(wrong)
    message = caught.value.message
    assert message.startswith(f"the password of {team.role('alice')} was refused")
    assert "not-the-Secret-42" not in message and "\n" not in message
    password = url.split(":")[2].split("@")[0]
    assert password not in str(caught.value)
    with pytest.raises(TeamError, match="cannot reach") as unreachable:
        teamdb.connect(url.replace(url.split("@")[1].split("/")[0], "127.0.0.1:1"))
    assert password not in unreachable.value.message


def test_a_database_without_the_schema_says_so(postgres_url: str) -> None:
    with pytest.raises(TeamError, match="not a team database"):
        teamdb.team_status(postgres_url)


def test_two_teams_share_a_server_without_colliding(postgres_server, make_team) -> None:
    first, second = make_team(), make_team()
    a_url, a = first.person("alice")
    _, b = second.person("bob")
    push(a, day_rows())
    push(b, day_rows())
    # alice may sign in to the other team's database, and read nothing there
    other = a_url.rsplit("/", 1)[0] + "/" + second.url.rsplit("/", 1)[1]
    with teamdb.connect(other) as stray:
        assert "permission denied" in refused(stray, "SELECT * FROM devfocus_team.team_daily")
    # a team name is the server's: another database may not take it
    with pytest.raises(TeamError, match="taken on this server"):
        teamdb.init_team(postgres_server.create_database(), team=first.name)
    assert teamdb.init_team(first.url) == 1  # again on its own database: up to date
    assert teamdb.team_name(second.url) == second.name

"""The team database: setting it up (:func:`init_team`), managing who belongs to it, a member's
push of their hourly aggregates, and the team's figures as the reports read them.

PostgreSQL enforces the privacy (store/teamschema.py): this module connects as whoever runs it
and asks; what their role may not see or do fails or comes back empty. Every error is a
:class:`TeamError` of one line, without a password. psycopg is imported inside the functions:
``devfocus --version`` does not pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from devfocus.store.errors import ProblemKind, StoreError
from devfocus.store.teamschema import (
    DEFAULT_MIN_GROUP_SIZE,
    GROUPS,
    LOCK_KEY,
    LOWEST_MIN_GROUP_SIZE,
    TEAM_NAME,
    TeamRoles,
    current_version,
    head,
    migrate,
)
from devfocus.team.figures import (
    SHARE_LEVELS,
    HourRow,
    MyPlace,
    NamedDay,
    TeamDay,
    TeamFigures,
    TeamHour,
    TeamLabelDay,
    label_kinds,
)

if TYPE_CHECKING:
    import psycopg

ROLES = ("admin", "member", "viewer")
# A role this module creates: plain lowercase names, which need no quoting in a URL or a shell.
NEW_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
ROLE_COMMENT = "DevFocus team {team}: {database}"  # marks the roles `devfocus team add` made
_URL_SECRETS = {"user", "password", "passfile"}


class TeamError(StoreError):
    """What went wrong with the team database, in one line that never holds a password."""

    def __init__(self, message: str, kind: ProblemKind = "other") -> None:
        super().__init__(kind, message)


@dataclass(frozen=True)
class Member:
    member: str  # the login role
    display_name: str
    role: str  # admin | member | viewer
    share: str
    by_name: bool
    added_at: float  # epoch seconds
    last_push: float | None
    hours: int  # hours with totals the reader may see: all for the owner, else own or by name


# -- connecting ---------------------------------------------------------------------------------
def plain_url(url: str) -> str:
    """``url`` as libpq reads it: SQLAlchemy's ``postgresql+psycopg://`` becomes ``postgresql://``."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.startswith(("postgresql+", "postgres+")):
        return f"postgresql://{rest}"
    return url


def shown(url: str) -> str:
    """The URL for a message: no password, whatever it holds."""
    parts = urlsplit(plain_url(url))
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in _URL_SECRETS])
    where = f"{user}@{host}" if user else host
    return f"{parts.scheme}://{where}{parts.path}" + (f"?{query}" if query else "")


def connect(url: str, *, timeout: float = 5) -> psycopg.Connection:
    """A connection in autocommit mode (each function opens its own transaction), or a
    :class:`TeamError` saying why there is none."""
    try:
        import psycopg
    except ModuleNotFoundError as error:  # pip install 'devfocus[postgres]' adds it
        raise TeamError(
            "the team database needs psycopg: pip install 'devfocus[postgres]'"
        ) from error
    except ImportError as error:  # psycopg without its binary build, and no libpq here
        raise TeamError(
            "the team database needs PostgreSQL's client library, libpq, which was not found: "
            "install it (Debian, Ubuntu: apt install libpq5; Fedora: dnf install libpq; macOS: "
            "brew install libpq; Windows: PostgreSQL's installer) and restart DevFocus"
        ) from error
    try:
        return psycopg.connect(
            plain_url(url),
            autocommit=True,
            connect_timeout=max(2, round(timeout)),
            application_name="devfocus-team",
        )
    except psycopg.Error as error:
        raise _error(error, url) from None
    except ValueError as error:  # psycopg's own check of the URL
        raise TeamError(f"{shown(url)} is not a PostgreSQL URL ({_first_line(error)})") from None


@contextmanager
def _session(url: str) -> Iterator[psycopg.Connection]:
    """A connection whose errors come out as :class:`TeamError`."""
    import psycopg

    conn = connect(url)
    try:
        with conn:
            yield conn
    except psycopg.Error as error:
        raise _error(error, url) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _error(error: Exception, url: str) -> TeamError:
    """One line a person can act on; libpq's messages name users and hosts, never passwords."""
    state = getattr(error, "sqlstate", None) or ""
    text = _first_line(error)
    lowered = text.lower()
    where = shown(url)
    user = urlsplit(plain_url(url)).username or "your role"
    if state == "28P01" or "password authentication failed" in lowered:
        return TeamError(f"the password of {user} was refused by {where}", "other")
    if "no password supplied" in lowered:
        return TeamError(f"{where} asks for a password and the URL has none", "other")
    if state == "3F000" or (state in ("42P01", "42883") and "devfocus_team" in lowered):
        return TeamError(
            f"{where} is not a team database (no devfocus_team schema): "
            "run devfocus team init there",
            "schema",
        )
    if state == "23503" and "hourly_member_fkey" in lowered:  # a push with no member row
        return TeamError(f"{user} is not a member of this team (devfocus team add)", "readonly")
    if state == "42501" or "permission denied" in lowered or state == "28000":
        return TeamError(f"your role may not do that: {text}", "readonly")
    if state == "3D000":
        return TeamError(f"{where}: {text}", "unreachable")
    if state.startswith("08") or not state:
        detail = text.removeprefix("connection failed: ")
        return TeamError(f"cannot reach {where} ({detail})", "unreachable")
    return TeamError(f"{where}: {text}")


def _check_version(conn: psycopg.Connection, url: str) -> int:
    found = current_version(conn)
    if found == 0:
        raise TeamError(
            f"{shown(url)} is not a team database (no devfocus_team schema): "
            "run devfocus team init there",
            "schema",
        )
    if found > head():
        raise TeamError(
            f"{shown(url)} has team schema version {found}, written by a newer DevFocus; this "
            f"version knows up to {head()}. Upgrade DevFocus to use it.",
            "schema",
        )
    return found


def _roles(conn: psycopg.Connection) -> TeamRoles:
    row = conn.execute("SELECT value FROM devfocus_team.settings WHERE key = 'team'").fetchone()
    if row is None:
        raise TeamError("the team database has no team name in devfocus_team.settings", "schema")
    return TeamRoles(row[0])


def _settings(conn: psycopg.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM devfocus_team.settings").fetchall())


# -- administration -----------------------------------------------------------------------------
def init_team(
    url: str,
    *,
    team: str | None = None,
    min_group_size: int | None = None,
    partitioned: bool = False,
) -> int:
    """Create (or bring up to date) the team schema, its group roles and policies in the
    database of ``url``, whose user becomes a member of the owner role. ``min_group_size``
    defaults to 3 on creation and, when given, replaces the setting of an existing team.
    Returns the schema version after."""
    from psycopg import sql

    if min_group_size is not None and min_group_size < LOWEST_MIN_GROUP_SIZE:
        raise TeamError(
            f"the minimum group size is at least {LOWEST_MIN_GROUP_SIZE}: in a smaller group "
            "each member's figures follow from the total and one's own"
        )
    with _session(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        found = current_version(conn)
        if found > head():
            _check_version(conn, url)
        database = _scalar(conn, "SELECT current_database()")
        existing = _roles(conn).team if found else None
        name = team or existing or database
        if existing is not None and name != existing:
            raise TeamError(f"{shown(url)} already holds team {existing}, not {name}")
        if not TEAM_NAME.fullmatch(name):
            raise TeamError(
                f"{name!r} is not a team name: pass --team NAME, 1 to 20 of a-z, 0-9 and _"
            )
        roles = TeamRoles(name)
        _create_groups(conn, roles, database)
        if not found:
            conn.execute(
                sql.SQL("CREATE SCHEMA devfocus_team AUTHORIZATION {}").format(
                    sql.Identifier(roles.owner)
                )
            )
        version = migrate(conn, roles, partitioned=partitioned)
        settings: dict[str, str] = {}
        if not found:
            settings = {
                "team": name,
                "partitioned": "true" if partitioned else "false",
                "min_group_size": str(min_group_size or DEFAULT_MIN_GROUP_SIZE),
            }
        elif min_group_size is not None:
            settings = {"min_group_size": str(min_group_size)}
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(roles.owner)))
        for key, value in settings.items():
            conn.execute(
                "INSERT INTO devfocus_team.settings (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )
        conn.execute("RESET ROLE")
        return version


def _create_groups(conn: psycopg.Connection, roles: TeamRoles, database: str) -> None:
    """The team's group roles, made once; a team name another database already uses is
    refused, since roles belong to the whole server."""
    from psycopg import sql

    mark = ROLE_COMMENT.format(team=roles.team, database=database)
    row = conn.execute(
        "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s",
        (roles.owner,),
    ).fetchone()
    if row is not None and row[0] != mark:
        raise TeamError(
            f"the team name {roles.team} is taken on this server "
            f"({row[0] or 'a role of that name exists'}): pass another --team NAME"
        )
    import psycopg

    me = _scalar(conn, "SELECT current_user")
    ids = {kind: sql.Identifier(roles.group(kind)) for kind in GROUPS}
    if row is None:
        for kind in GROUPS:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(ids[kind]))
            conn.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(ids[kind], sql.Literal(mark)))
        # An admin is a member too (pushes their own figures) and may let others in and out
        # of the member and viewer groups; what it reads is up to the policies.
        conn.execute(sql.SQL("GRANT {member} TO {admin} WITH ADMIN OPTION").format(**ids))
        conn.execute(sql.SQL("GRANT {viewer} TO {admin} WITH ADMIN OPTION").format(**ids))
    conn.execute(sql.SQL("GRANT {} TO {}").format(ids["owner"], sql.Identifier(me)))
    for kind in GROUPS:
        # PUBLIC may connect by default; a database that says otherwise needs these. Only the
        # database's owner may grant them: without that right the default has to do.
        try:
            with conn.transaction():
                conn.execute(
                    sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                        sql.Identifier(database), ids[kind]
                    )
                )
        except psycopg.errors.InsufficientPrivilege:
            pass


def _scalar(conn: psycopg.Connection, query: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def add_member(
    url: str,
    name: str,
    role: str,
    *,
    existing_role: str | None = None,
    display_name: str | None = None,
) -> str | None:
    """Let ``name`` into the team as ``role``: a new login role with a generated password,
    which is returned (to be handed out once, see :func:`member_url`), or with
    ``existing_role``, that role, which keeps its own password (None is returned) and under
    which the person is listed; ``name`` is then their display name."""
    import secrets

    from psycopg import sql

    if role not in ROLES:
        raise TeamError(f"{role!r} is not a team role: one of {', '.join(ROLES)}")
    login = existing_role if existing_role is not None else name
    _check_role_name(login, new=existing_role is None)
    shown_name = (display_name or name).strip()
    if not shown_name or len(shown_name) > 200:
        raise TeamError("a display name has 1 to 200 characters")
    with _session(url) as conn, conn.transaction():
        _check_version(conn, url)
        roles = _roles(conn)
        if _scalar(conn, "SELECT 1 FROM devfocus_team.members WHERE member = %s", (login,)):
            raise TeamError(f"{login} is already in team {roles.team} (devfocus team status)")
        exists = _scalar(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        password: str | None = None
        if existing_role is None:
            if exists:
                raise TeamError(
                    f"a role {login} already exists on this server: add it with "
                    f"--existing-role {login}, or pick another name"
                )
            password = secrets.token_urlsafe(24)
            # The server only ever sees the SCRAM verifier: the password is in no statement,
            # so in no server log either.
            verifier = conn.pgconn.encrypt_password(
                password.encode(), login.encode(), b"scram-sha-256"
            )
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(login), sql.Literal(verifier.decode())
                )
            )
            database = _scalar(conn, "SELECT current_database()")
            mark = ROLE_COMMENT.format(team=roles.team, database=database)
            conn.execute(
                sql.SQL("COMMENT ON ROLE {} IS {}").format(sql.Identifier(login), sql.Literal(mark))
            )
        elif not exists:
            raise TeamError(f"there is no role {login} on this server")
        conn.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(roles.of_role(role)), sql.Identifier(login)
            )
        )
        conn.execute(
            "INSERT INTO devfocus_team.members (member, display_name, role) VALUES (%s, %s, %s)",
            (login, shown_name, role),
        )
        return password


def _check_role_name(login: str, *, new: bool) -> None:
    if new and not NEW_ROLE_NAME.fullmatch(login):
        raise TeamError(
            f"{login!r} is not a name for a new role: up to 63 of a-z, 0-9 and _, "
            "not starting with a digit"
        )
    if not login or len(login.encode()) > 63 or "\x00" in login:
        raise TeamError(f"{login!r} is not a role name")
    if login.startswith(("pg_", "devfocus_")):
        raise TeamError(f"{login} is a name PostgreSQL or DevFocus keeps for itself")


def member_url(admin_url: str, name: str, password: str | None) -> str:
    """The URL to hand to ``name``: the server and database of ``admin_url`` (and its options,
    such as ``sslmode``), signed in as ``name`` with ``password``."""
    parts = urlsplit(plain_url(admin_url))
    host = parts.netloc.rpartition("@")[2]
    user = quote(name, safe="")
    if password:
        user += ":" + quote(password, safe="")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in _URL_SECRETS])
    return f"postgresql://{user}@{host}{parts.path}" + (f"?{query}" if query else "")


def remove_member(url: str, name: str, *, drop_role: bool = True) -> int:
    """Take ``name`` out of the team with every row they pushed; returns the hourly rows
    deleted. Their login role is dropped too when ``devfocus team add`` made it for this team,
    it belongs to nothing else, and the caller may drop roles (CREATEROLE); else it stays,
    in no team group."""
    from psycopg import sql

    with _session(url) as conn, conn.transaction():
        _check_version(conn, url)
        roles = _roles(conn)
        groups = [roles.of_role(kind) for kind in ROLES]
        held = [
            row[0]
            for row in conn.execute(
                "SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles u ON u.oid = a.member WHERE u.rolname = %s",
                (name,),
            ).fetchall()
        ]
        listed = _scalar(conn, "SELECT 1 FROM devfocus_team.members WHERE member = %s", (name,))
        if not listed and not set(held) & set(groups):
            raise TeamError(f"{name} is not in team {roles.team} (devfocus team status)")
        deleted = int(_scalar(conn, "SELECT devfocus_team.drop_member(%s)", (name,)))
        for group in groups:
            if group in held:
                conn.execute(
                    sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(name))
                )
        if drop_role and _droppable(conn, roles, name, [g for g in held if g not in groups]):
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
        return deleted


def _droppable(conn: psycopg.Connection, roles: TeamRoles, name: str, others: list[str]) -> bool:
    database = _scalar(conn, "SELECT current_database()")
    mark = ROLE_COMMENT.format(team=roles.team, database=database)
    row = conn.execute(
        "SELECT shobj_description(u.oid, 'pg_authid') = %s AND NOT u.rolsuper, "
        "(SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) "
        "FROM pg_roles u WHERE u.rolname = %s",
        (mark, name),
    ).fetchone()
    return row is not None and bool(row[0]) and bool(row[1]) and not others


def role_exists(url: str, name: str) -> bool:
    """Whether the server has a role ``name`` (after :func:`remove_member`: whether it stayed)."""
    with _session(url) as conn:
        return bool(_scalar(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)))


def team_status(url: str) -> list[Member]:
    """The members the caller may see (an admin: all; a member: themselves), with what each
    shares and their last push."""
    with _session(url) as conn:
        _check_version(conn, url)
        rows = conn.execute(
            "SELECT m.member, m.display_name, m.role, m.share, m.by_name, "
            "extract(epoch FROM m.added_at)::float8, extract(epoch FROM m.last_push)::float8, "
            "(SELECT count(*) FROM devfocus_team.hourly h "
            " WHERE h.member = m.member AND h.label_kind = '')::integer "
            "FROM devfocus_team.members m ORDER BY m.member"
        ).fetchall()
    return [
        Member(
            member=row[0],
            display_name=row[1],
            role=row[2],
            share=row[3],
            by_name=row[4],
            added_at=row[5],
            last_push=row[6],
            hours=row[7],
        )
        for row in rows
    ]


def team_name(url: str) -> str:
    """The name the team was set up with."""
    with _session(url) as conn:
        _check_version(conn, url)
        return _roles(conn).team


# -- a member's push ----------------------------------------------------------------------------
def _epoch(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, timezone.utc)


def _conn_url(conn: psycopg.Connection) -> str:
    info = conn.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"


# One statement, so one round trip and one transaction: the rows of label kinds the share no
# longer sends go, the rows sent are written where they changed, and the member's own row
# records the choice. Kinds never overlap between the delete and the upsert. The delete runs
# only when the share level changed: otherwise it would read every row the member ever pushed,
# on every push (a tenth of a second at ten years of history).
_UPSERT = """
WITH dropped AS (
    DELETE FROM devfocus_team.hourly
    WHERE member = current_user AND NOT (label_kind = ANY(%(kinds)s::text[]))
        AND EXISTS (
            SELECT 1 FROM devfocus_team.members m
            WHERE m.member = current_user AND m.share IS DISTINCT FROM %(share)s
        )
    RETURNING 1
), written AS (
    INSERT INTO devfocus_team.hourly AS h
        (hour, label_kind, label, focus_seconds, deep_seconds, switches, sessions)
    SELECT * FROM unnest(%(hours)s::timestamptz[], %(label_kinds)s::text[], %(labels)s::text[],
                         %(focus)s::integer[], %(deep)s::integer[], %(switches)s::integer[],
                         %(sessions)s::integer[])
    ON CONFLICT (member, hour, label_kind, label) DO UPDATE SET
        focus_seconds = EXCLUDED.focus_seconds, deep_seconds = EXCLUDED.deep_seconds,
        switches = EXCLUDED.switches, sessions = EXCLUDED.sessions, pushed_at = now()
    WHERE (h.focus_seconds, h.deep_seconds, h.switches, h.sessions)
        IS DISTINCT FROM (EXCLUDED.focus_seconds, EXCLUDED.deep_seconds,
                          EXCLUDED.switches, EXCLUDED.sessions)
    RETURNING 1
), chosen AS (
    UPDATE devfocus_team.members
    SET share = %(share)s, by_name = %(by_name)s, last_push = now()
    WHERE member = current_user
    RETURNING 1
)
SELECT (SELECT count(*) FROM written), (SELECT count(*) FROM chosen)
"""


def upsert_hours(
    conn: psycopg.Connection, rows: Sequence[HourRow], *, share: str, by_name: bool
) -> int:
    """Write the caller's ``rows`` of the label kinds ``share`` sends (insert, or update where
    the figures changed: pushing the same rows again changes nothing), delete their rows of the
    other kinds, and record ``share``, ``by_name`` and the push time on their member row.
    Returns the rows inserted or changed. ``conn`` in autocommit mode, from :func:`connect`."""
    import psycopg

    if share not in SHARE_LEVELS:
        raise TeamError(f"{share!r} is not a share level: one of {', '.join(SHARE_LEVELS)}")
    kinds = label_kinds(share)
    latest = {row.key: row for row in rows if row.label_kind in kinds}  # the last of a key wins
    sent = list(latest.values())
    try:
        if sent:  # a partitioned table gets the months of these hours first (else nothing)
            first = min(row.hour for row in sent)
            last = max(row.hour for row in sent)
            conn.execute(
                "SELECT devfocus_team.ensure_push_partitions(%s, %s)",
                (_epoch(first), _epoch(last)),
            )
        found = conn.execute(
            _UPSERT,
            {
                "kinds": list(kinds),
                "hours": [_epoch(row.hour) for row in sent],
                "label_kinds": [row.label_kind for row in sent],
                "labels": [row.label for row in sent],
                "focus": [row.focus_seconds for row in sent],
                "deep": [row.deep_seconds for row in sent],
                "switches": [row.switches for row in sent],
                "sessions": [row.sessions for row in sent],
                "share": share,
                "by_name": by_name,
            },
        ).fetchone()
    except psycopg.Error as error:
        raise _error(error, _conn_url(conn)) from None
    if found is None or not found[1]:
        raise TeamError(
            f"{conn.info.user} is not a member of this team (devfocus team add)", "readonly"
        )
    return int(found[0])


def delete_hours(conn: psycopg.Connection, hours: Sequence[tuple[float, str, str]]) -> int:
    """Delete the caller's rows of these (hour, label kind, label) keys: hours no longer
    present locally. Returns the rows deleted."""
    import psycopg

    if not hours:
        return 0
    try:
        cursor = conn.execute(
            "DELETE FROM devfocus_team.hourly h "
            "USING unnest(%s::timestamptz[], %s::text[], %s::text[]) AS d(hour, kind, label) "
            "WHERE h.member = current_user AND h.hour = d.hour "
            "AND h.label_kind = d.kind AND h.label = d.label",
            (
                [_epoch(hour) for hour, _, _ in hours],
                [kind for _, kind, _ in hours],
                [label for _, _, label in hours],
            ),
        )
    except psycopg.Error as error:
        raise _error(error, _conn_url(conn)) from None
    return max(0, cursor.rowcount)


def leave_team(url: str) -> int:
    """Delete the caller's rows and member row; returns the hourly rows deleted."""
    with _session(url) as conn:
        _check_version(conn, url)
        return int(_scalar(conn, "SELECT devfocus_team.leave()"))


# -- the team's figures -------------------------------------------------------------------------
def _days(start: float, end: float) -> tuple[date, date]:
    """The UTC days ``[start, end)`` touches."""
    first = _epoch(start).date()
    last = (_epoch(end) - timedelta(microseconds=1)).date()
    return first, max(first, last)


def read_team(url: str, start: float, end: float) -> TeamFigures:
    """What the team report needs of ``[start, end)``: the views (groups of at least the
    minimum size only; named rows of those who opted in) and, for a member, their own place."""
    with _session(url) as conn:
        _check_version(conn, url)
        minimum = int(_settings(conn).get("min_group_size", DEFAULT_MIN_GROUP_SIZE))
        first, last = _days(start, end)
        days = conn.execute(
            "SELECT day, members, focus_seconds, deep_seconds, switches, sessions "
            "FROM devfocus_team.team_daily WHERE day >= %s AND day <= %s ORDER BY day",
            (first, last),
        ).fetchall()
        hours = conn.execute(
            "SELECT extract(epoch FROM hour)::float8, members, focus_seconds, deep_seconds, "
            "switches FROM devfocus_team.team_hourly WHERE hour >= %s AND hour < %s "
            "ORDER BY hour",
            (_epoch(start), _epoch(end)),
        ).fetchall()
        labels = conn.execute(
            "SELECT day, label_kind, label, members, focus_seconds, deep_seconds "
            "FROM devfocus_team.team_labels_daily WHERE day >= %s AND day <= %s "
            "ORDER BY day, label_kind, label",
            (first, last),
        ).fetchall()
        named = conn.execute(
            "SELECT day, display_name, focus_seconds, deep_seconds, switches, sessions "
            "FROM devfocus_team.team_named_daily WHERE day >= %s AND day <= %s "
            "ORDER BY day, display_name",
            (first, last),
        ).fetchall()
        place = None
        if _scalar(
            conn,
            "SELECT has_function_privilege("
            "'devfocus_team.my_place(timestamptz, timestamptz)', 'EXECUTE')",
        ):
            row = conn.execute(
                "SELECT * FROM devfocus_team.my_place(%s, %s)", (_epoch(start), _epoch(end))
            ).fetchone()
            if row is not None:
                place = MyPlace(
                    my_focus_seconds=int(row[0]),
                    my_deep_seconds=int(row[1]),
                    members=int(row[2]),
                    focus_p25=int(row[3]),
                    focus_p50=int(row[4]),
                    focus_p75=int(row[5]),
                    deep_share_p50=float(row[6]),
                    focus_rank_percent=float(row[7]),
                )
    return TeamFigures(
        start=start,
        end=end,
        min_group_size=minimum,
        days=tuple(TeamDay(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in days),
        hours=tuple(TeamHour(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in hours),
        labels=tuple(TeamLabelDay(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in labels),
        named=tuple(
            NamedDay(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in named
        ),
        place=place,
    )

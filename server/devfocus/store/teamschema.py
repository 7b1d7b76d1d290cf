"""The team database's schema, as versioned migrations: schema ``devfocus_team``, the team's
group roles, the tables, the row-level security that keeps each member's rows their own, the
views that show only aggregates of groups of at least ``min_group_size`` members, and the
``SECURITY DEFINER`` functions a member calls (their place in the team, leaving it).

Every object belongs to the team's owner role, so only the owner (and whoever may become it)
changes policies or the schema; the views run as their owner, which is how they aggregate across
members while no member can read another's rows. Migrations run in one transaction under an
advisory lock and are never edited once shipped, as the local ones (store/migrations.py).

Role names come from the team name, validated here; every identifier reaches SQL through
``psycopg.sql.Identifier`` and every value as a parameter or ``sql.Literal``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

SCHEMA = "devfocus_team"
LOCK_KEY = 0x6465_7674_6561  # "devtea": one team migration at a time
PARTITION_LOCK_KEY = 0x6465_7670_6172  # "devpar": one partition created at a time
DEFAULT_MIN_GROUP_SIZE = 3
LOWEST_MIN_GROUP_SIZE = 3  # below three, one member's figures follow from the total and one's own
TEAM_NAME = re.compile(r"[a-z0-9_]{1,20}")
GROUPS = ("owner", "admin", "member", "viewer")


@dataclass(frozen=True)
class TeamRoles:
    """The group roles of one team: cluster-wide names, so prefixed by the team's."""

    team: str

    def __post_init__(self) -> None:
        if not TEAM_NAME.fullmatch(self.team):
            raise ValueError(
                f"{self.team!r} is not a team name: use 1 to 20 of a-z, 0-9 and _ (--team NAME)"
            )

    def group(self, kind: str) -> str:
        """``devfocus_<team>_<kind>`` for ``kind`` in :data:`GROUPS`."""
        return f"devfocus_{self.team}_{kind}"

    @property
    def owner(self) -> str:
        return self.group("owner")

    @property
    def admin(self) -> str:
        return self.group("admin")

    @property
    def member(self) -> str:
        return self.group("member")

    @property
    def viewer(self) -> str:
        return self.group("viewer")

    def of_role(self, role: str) -> str:
        """The group a person of ``role`` (admin, member, viewer) joins."""
        return self.group(role)


@dataclass(frozen=True)
class TeamMigration:
    version: int
    description: str
    apply: Callable[[psycopg.Connection, TeamRoles, bool], None]  # (conn, roles, partitioned)


# -- version 1 ---------------------------------------------------------------------------------
# Written with {owner}, {admin}, {member}, {viewer} for the quoted role names and {hourly_layout}
# for the table's partitioning; literal braces are doubled.
_V1_TABLES = """
CREATE TABLE devfocus_team.schema_version (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE devfocus_team.settings (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE devfocus_team.members (
    member name PRIMARY KEY,  -- the login role's name
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    share text NOT NULL DEFAULT 'totals'
        CHECK (share IN ('totals', 'totals+projects', 'totals+tasks', 'totals+projects+tasks')),
    by_name boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    last_push timestamptz
);
CREATE TABLE devfocus_team.hourly (
    member name NOT NULL DEFAULT current_user
        REFERENCES devfocus_team.members (member) ON DELETE CASCADE,
    hour timestamptz NOT NULL CHECK (extract(epoch FROM hour) % 3600 = 0),  -- a UTC hour's start
    label_kind text NOT NULL DEFAULT '' CHECK (label_kind IN ('', 'project', 'task')),
    label text NOT NULL DEFAULT ''
        CHECK ((label_kind = '') = (label = '') AND length(label) <= 200),
    focus_seconds integer NOT NULL CHECK (focus_seconds BETWEEN 0 AND 3600),
    deep_seconds integer NOT NULL CHECK (deep_seconds BETWEEN 0 AND 3600),
    switches integer NOT NULL CHECK (switches >= 0),
    sessions integer NOT NULL CHECK (sessions >= 0),
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member, hour, label_kind, label)
) {hourly_layout};
-- The views and reports read a period of every member: by day (UTC) and by hour.
CREATE INDEX hourly_day ON devfocus_team.hourly (((hour AT TIME ZONE 'UTC')::date), label_kind);
CREATE INDEX hourly_hour ON devfocus_team.hourly (hour, label_kind);
"""

_V1_GUARD = """
-- What a member shares is theirs to choose: no one else (an admin included, whose policy lets
-- them update any row's display name and role) may set share, by_name or last_push of another
-- member, or add someone as sharing by name; else an admin could flip by_name and read the rows.
CREATE FUNCTION devfocus_team.guard_member_choices() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, devfocus_team AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.member <> current_user
           AND (NEW.by_name OR NEW.share <> 'totals' OR NEW.last_push IS NOT NULL) THEN
            RAISE EXCEPTION 'only % may choose what % shares', NEW.member, NEW.member
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        IF NEW.member <> OLD.member THEN
            RAISE EXCEPTION 'a member cannot be renamed' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.member <> current_user AND (NEW.share, NEW.by_name, NEW.last_push)
           IS DISTINCT FROM (OLD.share, OLD.by_name, OLD.last_push) THEN
            RAISE EXCEPTION 'only % may choose what % shares', OLD.member, OLD.member
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER guard_member_choices BEFORE INSERT OR UPDATE ON devfocus_team.members
    FOR EACH ROW EXECUTE FUNCTION devfocus_team.guard_member_choices();
"""

_V1_POLICIES = """
ALTER TABLE devfocus_team.members ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON devfocus_team.members FOR SELECT TO {member}
    USING (member = current_user);
CREATE POLICY own_choices ON devfocus_team.members FOR UPDATE TO {member}
    USING (member = current_user) WITH CHECK (member = current_user);
CREATE POLICY manage ON devfocus_team.members FOR ALL TO {admin}
    USING (true) WITH CHECK (role IN ('admin', 'member', 'viewer'));

ALTER TABLE devfocus_team.hourly ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON devfocus_team.hourly FOR ALL TO {member}
    USING (member = current_user) WITH CHECK (member = current_user);
CREATE POLICY shared_by_name ON devfocus_team.hourly FOR SELECT TO {admin}
    USING (member IN (SELECT m.member FROM devfocus_team.members m WHERE m.by_name));
"""

# A group (row) of fewer than the minimum members is left out; the setting is read by the view,
# as its owner, so changing it takes effect at once. A missing setting means the default.
_MIN_SIZE = (
    "(SELECT coalesce(max(s.value::integer), 3) FROM devfocus_team.settings s "
    "WHERE s.key = 'min_group_size')"
)

_V1_VIEWS = f"""
CREATE VIEW devfocus_team.team_daily WITH (security_barrier) AS
SELECT (h.hour AT TIME ZONE 'UTC')::date AS day,
       count(DISTINCT h.member)::integer AS members,
       sum(h.focus_seconds)::bigint AS focus_seconds,
       sum(h.deep_seconds)::bigint AS deep_seconds,
       sum(h.switches)::bigint AS switches,
       sum(h.sessions)::bigint AS sessions
FROM devfocus_team.hourly h
WHERE h.label_kind = ''
GROUP BY 1
HAVING count(DISTINCT h.member) >= {_MIN_SIZE};

CREATE VIEW devfocus_team.team_hourly WITH (security_barrier) AS
SELECT h.hour,
       count(DISTINCT h.member)::integer AS members,
       sum(h.focus_seconds)::bigint AS focus_seconds,
       sum(h.deep_seconds)::bigint AS deep_seconds,
       sum(h.switches)::bigint AS switches,
       sum(h.sessions)::bigint AS sessions
FROM devfocus_team.hourly h
WHERE h.label_kind = ''
GROUP BY h.hour
HAVING count(DISTINCT h.member) >= {_MIN_SIZE};

CREATE VIEW devfocus_team.team_labels_daily WITH (security_barrier) AS
SELECT (h.hour AT TIME ZONE 'UTC')::date AS day,
       h.label_kind,
       h.label,
       count(DISTINCT h.member)::integer AS members,
       sum(h.focus_seconds)::bigint AS focus_seconds,
       sum(h.deep_seconds)::bigint AS deep_seconds
FROM devfocus_team.hourly h
WHERE h.label_kind <> ''
GROUP BY 1, h.label_kind, h.label
HAVING count(DISTINCT h.member) >= {_MIN_SIZE};

-- Opt-in only: the members who share by name, each under the name they were added with.
CREATE VIEW devfocus_team.team_named_daily WITH (security_barrier) AS
SELECT (h.hour AT TIME ZONE 'UTC')::date AS day,
       m.display_name,
       sum(h.focus_seconds)::bigint AS focus_seconds,
       sum(h.deep_seconds)::bigint AS deep_seconds,
       sum(h.switches)::bigint AS switches,
       sum(h.sessions)::bigint AS sessions
FROM devfocus_team.hourly h
JOIN devfocus_team.members m ON m.member = h.member AND m.by_name
WHERE h.label_kind = ''
GROUP BY 1, m.member, m.display_name;
"""

# SECURITY DEFINER functions run as the owner: each pins search_path (else a caller's objects
# earlier on the path would run with the owner's rights) and names the member as session_user,
# the role that signed in, which a caller cannot change (inside the function current_user is
# the owner).
_V1_FUNCTIONS = f"""
CREATE FUNCTION devfocus_team.my_place(start timestamptz, stop timestamptz)
RETURNS TABLE (my_focus_seconds bigint, my_deep_seconds bigint, members integer,
               focus_p25 bigint, focus_p50 bigint, focus_p75 bigint,
               deep_share_p50 double precision, focus_rank_percent double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, devfocus_team AS $$
WITH per_member AS (
    SELECT h.member, sum(h.focus_seconds)::bigint AS focus, sum(h.deep_seconds)::bigint AS deep
    FROM devfocus_team.hourly h
    WHERE h.label_kind = '' AND h.hour >= $1 AND h.hour < $2
    GROUP BY h.member
), me AS (
    SELECT coalesce((SELECT p.focus FROM per_member p WHERE p.member = session_user), 0) AS focus,
           coalesce((SELECT p.deep FROM per_member p WHERE p.member = session_user), 0) AS deep
)
SELECT me.focus, me.deep, count(*)::integer,
       round(percentile_cont(0.25) WITHIN GROUP (ORDER BY p.focus))::bigint,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY p.focus))::bigint,
       round(percentile_cont(0.75) WITHIN GROUP (ORDER BY p.focus))::bigint,
       coalesce(percentile_cont(0.5) WITHIN GROUP (
           ORDER BY p.deep::double precision / nullif(p.focus, 0)), 0),
       100.0 * count(*) FILTER (WHERE p.focus < me.focus) / count(*)
FROM per_member p CROSS JOIN me
GROUP BY me.focus, me.deep
HAVING count(*) >= {_MIN_SIZE}
$$;

-- An admin removes a member with their data, which the admin may not read.
CREATE FUNCTION devfocus_team.drop_member(who name) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, devfocus_team AS $$
DECLARE
    deleted bigint;
BEGIN
    DELETE FROM devfocus_team.hourly WHERE member = who;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    DELETE FROM devfocus_team.members WHERE member = who;
    RETURN deleted;
END
$$;

-- A member leaves with their data, as an admin would remove them (run as the owner, who may).
CREATE FUNCTION devfocus_team.leave() RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, devfocus_team AS $$
SELECT devfocus_team.drop_member(session_user)
$$;

-- The monthly partitions of a partitioned hourly table covering [first, last]; nothing when
-- the table is not partitioned. The owner's alone: members go through ensure_push_partitions.
CREATE FUNCTION devfocus_team.ensure_partitions(first timestamptz, last timestamptz)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, devfocus_team AS $$
DECLARE
    month timestamp;  -- UTC
    part text;
    made integer := 0;
    locked boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table p
                   WHERE p.partrelid = 'devfocus_team.hourly'::regclass) THEN
        RETURN 0;
    END IF;
    IF last - first > interval '100 years' THEN
        RAISE EXCEPTION 'too many months of partitions at once' USING ERRCODE = 'data_exception';
    END IF;
    month := date_trunc('month', first AT TIME ZONE 'UTC');
    WHILE month <= last AT TIME ZONE 'UTC' LOOP
        part := 'hourly_' || to_char(month, 'YYYY_MM');
        IF to_regclass('devfocus_team.' || quote_ident(part)) IS NULL THEN
            IF NOT locked THEN  -- two members pushing a new month at once: one creates it
                PERFORM pg_advisory_xact_lock({PARTITION_LOCK_KEY});
                locked := true;
            END IF;
            IF to_regclass('devfocus_team.' || quote_ident(part)) IS NULL THEN
                EXECUTE format(
                    'CREATE TABLE devfocus_team.%I PARTITION OF devfocus_team.hourly '
                    'FOR VALUES FROM (%L) TO (%L)',
                    part, month AT TIME ZONE 'UTC',
                    (month + interval '1 month') AT TIME ZONE 'UTC');
                made := made + 1;
            END IF;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN made;
END
$$;

-- What a member's push may ask for: the months of the hours it sends, bounded so that no one
-- fills the schema with partitions.
CREATE FUNCTION devfocus_team.ensure_push_partitions(first timestamptz, last timestamptz)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, devfocus_team AS $$
BEGIN
    IF first < now() - interval '30 years' OR last > now() + interval '2 days'
       OR last - first > interval '15 years' THEN
        RAISE EXCEPTION 'hours out of the range a push may send' USING ERRCODE = 'data_exception';
    END IF;
    RETURN devfocus_team.ensure_partitions(first, last);
END
$$;
"""

_V1_GRANTS = """
REVOKE ALL ON SCHEMA devfocus_team FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA devfocus_team FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA devfocus_team FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT USAGE ON SCHEMA devfocus_team TO {member}, {viewer};
GRANT SELECT ON devfocus_team.settings, devfocus_team.schema_version TO {member}, {viewer};
GRANT SELECT, INSERT, UPDATE, DELETE ON devfocus_team.hourly TO {member};
GRANT SELECT ON devfocus_team.members TO {member};
GRANT UPDATE (share, by_name, last_push) ON devfocus_team.members TO {member};
GRANT INSERT, DELETE ON devfocus_team.members TO {admin};
GRANT UPDATE (display_name, role) ON devfocus_team.members TO {admin};
GRANT SELECT ON devfocus_team.team_daily, devfocus_team.team_hourly,
    devfocus_team.team_labels_daily, devfocus_team.team_named_daily TO {member}, {viewer};
GRANT EXECUTE ON FUNCTION devfocus_team.my_place(timestamptz, timestamptz),
    devfocus_team.leave(), devfocus_team.ensure_push_partitions(timestamptz, timestamptz)
    TO {member};
GRANT EXECUTE ON FUNCTION devfocus_team.drop_member(name) TO {admin};
"""


def _v1(conn: psycopg.Connection, roles: TeamRoles, partitioned: bool) -> None:
    from psycopg import sql

    names = {kind: sql.Identifier(roles.group(kind)) for kind in GROUPS}
    layout = sql.SQL("PARTITION BY RANGE (hour)" if partitioned else "")
    conn.execute(sql.SQL(_V1_TABLES).format(hourly_layout=layout))
    conn.execute(_V1_GUARD.encode())
    conn.execute(sql.SQL(_V1_POLICIES).format(**names))
    conn.execute(_V1_VIEWS.encode())
    conn.execute(_V1_FUNCTIONS.encode())
    conn.execute(sql.SQL(_V1_GRANTS).format(**names))
    if partitioned:  # the past year and the coming months; a push makes older ones it needs
        conn.execute(
            "SELECT devfocus_team.ensure_partitions("
            "now() - interval '12 months', now() + interval '3 months')"
        )


MIGRATIONS: tuple[TeamMigration, ...] = (
    TeamMigration(1, "team schema: settings, members, hourly, policies, views, functions", _v1),
)


def head() -> int:
    """The newest version this DevFocus knows."""
    return MIGRATIONS[-1].version


def current_version(conn: psycopg.Connection) -> int:
    """The version of the team schema in the database, 0 when there is none."""
    row = conn.execute("SELECT to_regclass('devfocus_team.schema_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT coalesce(max(version), 0) FROM devfocus_team.schema_version")
    version = found.fetchone()
    return int(version[0]) if version else 0


def migrate(conn: psycopg.Connection, roles: TeamRoles, *, partitioned: bool) -> int:
    """Apply the steps after the database's version, as the owner role, inside the caller's
    transaction (which holds :data:`LOCK_KEY`). Returns the version after."""
    from psycopg import sql

    version = current_version(conn)
    steps = [m for m in MIGRATIONS if m.version > version]
    if not steps:
        return version
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(roles.owner)))
    for step in steps:
        step.apply(conn, roles, partitioned)
        conn.execute(
            "INSERT INTO devfocus_team.schema_version (version, description) VALUES (%s, %s)",
            (step.version, step.description),
        )
    conn.execute("RESET ROLE")
    return steps[-1].version

"""The outbox of a member's hourly aggregates for the team database, and sharing's state.

Computed rows are staged here first: a row whose figures changed becomes ``pending``; a row of
the recomputed hours that is no longer there becomes ``gone``. A push sends pending rows (an
upsert there) and gone rows (a delete), and only then marks them here: pushed, or removed. A
crash between the two sends the same figures again, which the upsert makes harmless; an outage
leaves them pending until the next push.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, delete, select, update

from devfocus.store.engine import writing
from devfocus.store.tables import TEAM_OUTBOX, TEAM_STATE
from devfocus.team.figures import HourRow

PENDING, PUSHED, GONE = "pending", "pushed", "gone"


@dataclass(frozen=True, slots=True)
class Queued:
    """A row waiting for the team database: to upsert (``pending``) or to delete (``gone``)."""

    row: HourRow
    state: str


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _row(r: dict[str, object]) -> HourRow:
    return HourRow(
        hour=int(r["hour_ms"]) / 1000,  # type: ignore[call-overload]
        label_kind=str(r["label_kind"]),
        label=str(r["label"]),
        focus_seconds=int(r["focus_s"]),  # type: ignore[call-overload]
        deep_seconds=int(r["deep_s"]),  # type: ignore[call-overload]
        switches=int(r["switches"]),  # type: ignore[call-overload]
        sessions=int(r["sessions"]),  # type: ignore[call-overload]
    )


def _figures(row: HourRow) -> tuple[int, int, int, int]:
    return (row.focus_seconds, row.deep_seconds, row.switches, row.sessions)


def stage(engine: Engine, rows: Sequence[HourRow], start: float, end: float, *, now: float) -> int:
    """Stage the rows computed for ``[start, end)``: new or changed ones become pending, the
    window's rows not among them become gone. Returns how many rows changed state."""
    lo, hi = _ms(start), _ms(end)
    computed = {(_ms(r.hour), r.label_kind, r.label): r for r in rows}
    changed = 0
    stamp = _ms(now)
    with writing(engine) as conn:
        found = conn.execute(
            select(TEAM_OUTBOX).where(TEAM_OUTBOX.c.hour_ms >= lo, TEAM_OUTBOX.c.hour_ms < hi)
        ).mappings()
        known = {(r["hour_ms"], r["label_kind"], r["label"]): r for r in found}
        inserts = []
        for key, row in computed.items():
            old = known.get(key)
            if old is None:
                inserts.append(_values(key, row, PENDING, stamp))
                continue
            same = _figures(_row(dict(old))) == _figures(row)
            if same and old["state"] != GONE:
                continue
            conn.execute(
                update(TEAM_OUTBOX).where(*_match(key)).values(_values(key, row, PENDING, stamp))
            )
            changed += 1
        if inserts:
            conn.execute(TEAM_OUTBOX.insert(), inserts)
            changed += len(inserts)
        for key, old in known.items():
            if key in computed or old["state"] == GONE:
                continue
            conn.execute(
                update(TEAM_OUTBOX).where(*_match(key)).values(state=GONE, changed_ms=stamp)
            )
            changed += 1
    return changed


def _match(key: tuple[int, str, str]) -> tuple[ColumnElement[bool], ...]:
    return (
        TEAM_OUTBOX.c.hour_ms == key[0],
        TEAM_OUTBOX.c.label_kind == key[1],
        TEAM_OUTBOX.c.label == key[2],
    )


def _values(key: tuple[int, str, str], row: HourRow, state: str, stamp: int) -> dict[str, object]:
    return {
        "hour_ms": key[0],
        "label_kind": key[1],
        "label": key[2],
        "focus_s": row.focus_seconds,
        "deep_s": row.deep_seconds,
        "switches": row.switches,
        "sessions": row.sessions,
        "state": state,
        "changed_ms": stamp,
    }


def queued(engine: Engine, limit: int) -> list[Queued]:
    """Up to ``limit`` rows waiting to be pushed, oldest hours first."""
    with engine.connect() as conn:
        found = conn.execute(
            select(TEAM_OUTBOX)
            .where(TEAM_OUTBOX.c.state != PUSHED)
            .order_by(TEAM_OUTBOX.c.hour_ms, TEAM_OUTBOX.c.label_kind, TEAM_OUTBOX.c.label)
            .limit(limit)
        ).mappings()
        return [Queued(_row(dict(r)), str(r["state"])) for r in found]


def count_queued(engine: Engine) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        found = conn.execute(
            select(func.count()).select_from(TEAM_OUTBOX).where(TEAM_OUTBOX.c.state != PUSHED)
        ).scalar()
        return int(found or 0)


def mark_pushed(engine: Engine, sent: Sequence[Queued]) -> None:
    """The team database has ``sent``: pushed rows are marked so, gone ones removed. A row whose
    figures changed since it was read stays pending (the push sent the older figures)."""
    with writing(engine) as conn:
        for item in sent:
            row = item.row
            key = (_ms(row.hour), row.label_kind, row.label)
            if item.state == GONE:
                conn.execute(delete(TEAM_OUTBOX).where(*_match(key), TEAM_OUTBOX.c.state == GONE))
                continue
            conn.execute(
                update(TEAM_OUTBOX)
                .where(
                    *_match(key),
                    and_(
                        TEAM_OUTBOX.c.state == PENDING,
                        TEAM_OUTBOX.c.focus_s == row.focus_seconds,
                        TEAM_OUTBOX.c.deep_s == row.deep_seconds,
                        TEAM_OUTBOX.c.switches == row.switches,
                        TEAM_OUTBOX.c.sessions == row.sessions,
                    ),
                )
                .values(state=PUSHED)
            )


def requeue_all(engine: Engine) -> None:
    """Everything goes again (another team database): pushed rows become pending and rows only
    waiting to be deleted are dropped, since the new database never had them."""
    with writing(engine) as conn:
        conn.execute(delete(TEAM_OUTBOX).where(TEAM_OUTBOX.c.state == GONE))
        conn.execute(update(TEAM_OUTBOX).values(state=PENDING))


def drop_kinds(engine: Engine, kinds: Sequence[str]) -> int:
    """Forget the rows of label kinds no longer shared (the team database drops them itself on
    the next push)."""
    with writing(engine) as conn:
        return int(
            conn.execute(delete(TEAM_OUTBOX).where(TEAM_OUTBOX.c.label_kind.in_(kinds))).rowcount
            or 0
        )


def clear(engine: Engine) -> int:
    """Forget everything about sharing (after leaving the team)."""
    with writing(engine) as conn:
        rows = int(conn.execute(delete(TEAM_OUTBOX)).rowcount or 0)
        conn.execute(delete(TEAM_STATE))
        return rows


def read_state(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            str(k): str(v) for k, v in conn.execute(select(TEAM_STATE.c.key, TEAM_STATE.c.value))
        }


def write_state(engine: Engine, values: dict[str, str | None]) -> None:
    """Set (or with None remove) state keys."""
    with writing(engine) as conn:
        for key, value in values.items():
            conn.execute(delete(TEAM_STATE).where(TEAM_STATE.c.key == key))
            if value is not None:
                conn.execute(TEAM_STATE.insert().values(key=key, value=value))

"""Focus blocks and nudge memory in the database, shared by every window (server process).

Several processes use one database: every decision one window makes for all of them (ending a
block, announcing its end, showing a nudge) is a conditional UPDATE whose row count says whether
this process won, inside a write transaction (:func:`~devfocus.store.engine.writing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from devfocus.activity.focusblock import FocusBlock
from devfocus.activity.nudges import NudgeKind, NudgeMemory
from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

if TYPE_CHECKING:
    from sqlalchemy import Engine

_COLUMNS = "id, start_ms, end_ms, stopped, switches, notified_ms"


def _block(row: Sequence[Any]) -> FocusBlock:
    block_id, start_ms, end_ms, stopped, switches, notified_ms = row
    return FocusBlock(
        int(block_id),
        start_ms / 1000,
        end_ms / 1000,
        bool(stopped),
        int(switches),
        notified_ms is not None,
    )


def start_block(engine: Engine, start: float, end: float, source: str) -> FocusBlock:
    """A new block from ``start`` to ``end``; one still running (in any window) stops at
    ``start``, so there is one block at a time."""
    from sqlalchemy import insert, text

    from devfocus.store.tables import METADATA

    blocks = METADATA.tables["focus_blocks"]
    with writing(engine) as conn:
        conn.execute(
            text(
                "UPDATE focus_blocks SET end_ms = :now, stopped = :yes "
                "WHERE stopped = :no AND end_ms > :now"
            ),
            {"now": epoch_ms(start), "yes": True, "no": False},
        )
        result = conn.execute(
            insert(blocks).values(
                start_ms=epoch_ms(start),
                end_ms=epoch_ms(end),
                stopped=False,
                switches=0,
                source=source,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return FocusBlock(int(key[0]), start, end, False, 0)


def stop_block(engine: Engine, now: float) -> FocusBlock | None:
    """Stops the running block (in whichever window it started); None when none runs."""
    from sqlalchemy import text

    with writing(engine) as conn:
        row = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM focus_blocks WHERE stopped = :no AND end_ms > :now "
                "ORDER BY start_ms DESC LIMIT 1"
            ),
            {"now": epoch_ms(now), "no": False},
        ).first()
        if row is None:
            return None
        conn.execute(
            text("UPDATE focus_blocks SET end_ms = :now, stopped = :yes WHERE id = :id"),
            {"now": epoch_ms(now), "yes": True, "id": row[0]},
        )
    block = _block(tuple(row))
    return FocusBlock(block.id, block.start, now, True, block.switches, block.notified)


def recent_blocks(source: Source, now: float, since: float) -> list[FocusBlock]:
    """Blocks that end (or ended) after ``since``, newest first: the running one and the ones
    whose end may still be announced."""
    with reading(source) as query:
        rows = query(
            f"SELECT {_COLUMNS} FROM focus_blocks WHERE end_ms > :since AND start_ms <= :until "
            "ORDER BY start_ms DESC LIMIT 4",
            {"since": epoch_ms(since), "until": epoch_ms(now) + 60_000},
        )
    return [_block(row) for row in rows]


def load_blocks(source: Source, start: float, end: float) -> list[FocusBlock]:
    """Blocks that overlap [start, end), oldest first (for reports and exports)."""
    with reading(source) as query:
        rows = query(
            f"SELECT {_COLUMNS} FROM focus_blocks WHERE end_ms > :start AND start_ms < :end "
            "ORDER BY start_ms",
            {"start": epoch_ms(start), "end": epoch_ms(end)},
        )
    return [_block(row) for row in rows]


def record_switches(engine: Engine, block_id: int, switches: int) -> None:
    """The block's switch count, raised to ``switches`` (never lowered: another window may have
    seen more of the activity)."""
    from sqlalchemy import text

    with writing(engine) as conn:
        conn.execute(
            text("UPDATE focus_blocks SET switches = :n WHERE id = :id AND switches < :n"),
            {"n": switches, "id": block_id},
        )


def claim_end_notice(engine: Engine, block_id: int, now: float) -> bool:
    """Whether this process is the one to announce the end of the block (no other has)."""
    from sqlalchemy import text

    with writing(engine) as conn:
        claimed = conn.execute(
            text(
                "UPDATE focus_blocks SET notified_ms = :now WHERE id = :id "
                "AND notified_ms IS NULL AND stopped = :no AND end_ms <= :now"
            ),
            {"now": epoch_ms(now), "id": block_id, "no": False},
        )
        return claimed.rowcount == 1


def nudge_memory(source: Source) -> dict[NudgeKind, NudgeMemory]:
    with reading(source) as query:
        rows = query("SELECT kind, shown_ms, silenced_until_ms FROM nudges", {})
    return {
        kind: NudgeMemory(
            None if shown is None else shown / 1000, None if until is None else until / 1000
        )
        for kind, shown, until in rows
    }


def claim_nudge(engine: Engine, kind: NudgeKind, now: float, every: float, source: str) -> bool:
    """Whether this process may show a nudge of ``kind`` now: none was shown in the last
    ``every`` seconds and it is not silenced. Claiming it starts the next wait for every window."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    values = {
        "kind": kind,
        "now": epoch_ms(now),
        "since": epoch_ms(now - every),
        "source": source,
    }
    try:
        with writing(engine) as conn:
            claimed = conn.execute(
                text(
                    "UPDATE nudges SET shown_ms = :now, source = :source WHERE kind = :kind "
                    "AND (shown_ms IS NULL OR shown_ms <= :since) "
                    "AND (silenced_until_ms IS NULL OR silenced_until_ms <= :now)"
                ),
                values,
            )
            if claimed.rowcount == 1:
                return True
            exists = conn.execute(
                text("SELECT 1 FROM nudges WHERE kind = :kind"), {"kind": kind}
            ).first()
            if exists is not None:
                return False
            conn.execute(
                text("INSERT INTO nudges (kind, shown_ms, source) VALUES (:kind, :now, :source)"),
                values,
            )
            return True
    except IntegrityError:  # another process inserted the row first (PostgreSQL)
        return False


def silence_nudge(engine: Engine, kind: NudgeKind, until: float) -> None:
    """No nudge of ``kind`` in any window before ``until``."""
    from sqlalchemy import text

    with writing(engine) as conn:
        changed = conn.execute(
            text("UPDATE nudges SET silenced_until_ms = :until WHERE kind = :kind"),
            {"kind": kind, "until": epoch_ms(until)},
        )
        if changed.rowcount == 0:
            conn.execute(
                text("INSERT INTO nudges (kind, silenced_until_ms) VALUES (:kind, :until)"),
                {"kind": kind, "until": epoch_ms(until)},
            )

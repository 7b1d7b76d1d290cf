"""Answers of AI models, kept by a key of what they depend on (see ``devfocus.ai.cache``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Kept at most; past it the oldest go (a whole-workspace run over a big repository writes
# thousands, and old definitions' prose is rarely asked for again).
MAX_ANSWERS = 20_000


def load_answer(source: Source, key: str) -> dict[str, Any] | None:
    """The answer kept under ``key``, if any (a row that no longer parses counts as none)."""
    with reading(source) as query:
        rows = query("SELECT answer FROM ai_cache WHERE key = :key", {"key": key})
    if not rows:
        return None
    try:
        answer = json.loads(rows[0][0])
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def save_answer(
    engine: Engine,
    key: str,
    kind: str,
    answer: dict[str, Any],
    provider: str,
    model: str,
    now: float,
) -> None:
    """Keep ``answer`` under ``key`` (replacing what was there), and the newest answers only."""
    from sqlalchemy import delete, insert, select

    from devfocus.store.tables import AI_CACHE

    row = {
        "key": key,
        "kind": kind,
        "answer": json.dumps(answer, ensure_ascii=False, separators=(",", ":")),
        "provider": provider,
        "model": model,
        "made_ms": epoch_ms(now),
    }
    with writing(engine) as conn:
        conn.execute(delete(AI_CACHE).where(AI_CACHE.c.key == key))
        conn.execute(insert(AI_CACHE), [row])
        oldest_kept = (
            select(AI_CACHE.c.made_ms)
            .order_by(AI_CACHE.c.made_ms.desc())
            .offset(MAX_ANSWERS)
            .limit(1)
            .scalar_subquery()
        )
        conn.execute(delete(AI_CACHE).where(AI_CACHE.c.made_ms <= oldest_kept))


def erase_answers(engine: Engine, kind: str | None = None) -> int:
    """Erase the kept answers (of one ``kind``, or all); returns how many."""
    from sqlalchemy import delete

    from devfocus.store.tables import AI_CACHE

    statement = delete(AI_CACHE)
    if kind is not None:
        statement = statement.where(AI_CACHE.c.kind == kind)
    with writing(engine) as conn:
        return int(conn.execute(statement).rowcount or 0)

"""The same import into a real PostgreSQL database (a team's shared store)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from devfocus.app.gitsync import Ingester
from devfocus.app.reporting import load_history
from devfocus.git.repository import open_repository
from devfocus.store.database import Database
from tests.repos import git, init_repo


def test_history_imports_into_postgresql_and_reads_back(tmp_path: Path, postgres_url: str) -> None:
    repo_path = init_repo(tmp_path / "repo", files={"a.py": "x = 1\n"})
    git(repo_path, "checkout", "-q", "-b", "feature/ABC-3-pg")
    (repo_path / "b.bin").write_bytes(b"\x00\x01\x02")
    (repo_path / "a.py").write_text("x = 2\ny = 3\n")
    git(repo_path, "add", "-A")
    git(
        repo_path, "commit", "-q", "-m", "feat: tabs\tand ünïcode", date="2026-01-05T10:00:00+02:00"
    )
    repo = open_repository(repo_path)
    assert repo is not None

    database = Database(postgres_url)
    try:
        first = Ingester(database).ingest(repo)
        assert (first.problem, first.new_commits, first.checkouts) == (None, 2, 1)
        again = Ingester(database).ingest(repo)
        assert (again.problem, again.new_commits) == (None, 0)

        with database.engine().connect() as conn:
            rows = conn.execute(
                text("SELECT message, branch, files, additions, deletions, reachable FROM commits")
            ).all()
            files = conn.execute(
                text("SELECT path, added, deleted FROM commit_files ORDER BY path")
            ).all()
        assert sorted(tuple(r) for r in rows) == [
            ("Start", "main", 1, 1, 0, True),
            ("feat: tabs\tand ünïcode", "feature/ABC-3-pg", 2, 2, 1, True),
        ]
        assert [tuple(f) for f in files] == [("a.py", 1, 0), ("a.py", 2, 1), ("b.bin", None, None)]

        history = load_history(database, 0, 2e9)
        assert sorted(c.commit.subject for c in history.commits) == [
            "Start",
            "feat: tabs\tand ünïcode",
        ]
        assert [c.checkout.to_ref for c in history.checkouts] == ["feature/ABC-3-pg"]
    finally:
        database.close()

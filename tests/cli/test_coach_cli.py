"""`devfocus coach` as a user runs it: a real process on real repositories with dated commits."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import devfocus
from tests.repos import git, init_repo


def commit(repo: Path, subject: str, files: dict[str, str], day: int) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", subject, date=f"2026-01-{day:02}T10:00:00+00:00")
    return git(repo, "rev-parse", "HEAD").strip()


def conventional_repo(path: Path) -> Path:
    """main: four Conventional commits; feature: two plain ones on top."""
    repo = init_repo(path, files={"README.md": "# App\n"})
    commit(repo, "feat: add tokens", {"src/app/tokens.py": "x = 1\n"}, 6)
    commit(repo, "fix: close the file", {"src/app/files.py": "y = 2\n"}, 7)
    commit(repo, "feat(api): page results", {"src/api/pages.py": "z = 3\n"}, 8)
    commit(repo, "docs: explain setup", {"docs/setup.md": "Run it.\n"}, 9)
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "Added the parser.", {"src/app/parser.py": "p = 1\n" * 10}, 12)
    commit(repo, "feat: add parser tests", {"tests/test_parser.py": "t = 1\n" * 4}, 13)
    return repo


def test_coach_head_by_default(tmp_path: Path) -> None:
    repo = conventional_repo(tmp_path / "app")
    result = devfocus(tmp_path / "data", "coach", cwd=repo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    head = git(repo, "rev-parse", "--short=10", "HEAD").strip()
    assert lines[0] == f"{head}  feat: add parser tests  10/10"
    assert lines[1] == "  message 10, files 10, size 10, context 10"
    assert "  + Follows the repository's Conventional Commits habit (`feat:`)" in lines
    assert not any(line.startswith("  - ") for line in lines)


def test_coach_a_range_against_the_history_before_it(tmp_path: Path) -> None:
    repo = conventional_repo(tmp_path / "app")
    result = devfocus(tmp_path / "data", "coach", "main..feature", "--repo", str(repo))
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert [b.splitlines()[0].split("  ")[1] for b in blocks] == [
        "feat: add parser tests",
        "Added the parser.",
    ]
    plain = blocks[1].splitlines()
    # message 1 - 0.2 (imperative) - 0.1 (period) = 0.7; context 1 - 0.4 (no type) - 0.3
    # (capitalised; the history writes lowercase) = 0.3. 10 × (0.28 + 0.3 + 0.2 + 0.03) = 8.1
    assert plain[0].endswith("  8.1/10")
    assert plain[1] == "  message 7, files 10, size 10, context 3"
    assert any(line.startswith("  - 80% of recent commits here start with a") for line in plain)
    assert "  → Write “Add” instead of “Added”" in plain
    assert "  → Remove the trailing period" in plain
    assert "  → Start the subject with `feat:`" in plain


def test_coach_json(tmp_path: Path) -> None:
    repo = conventional_repo(tmp_path / "app")
    result = devfocus(
        tmp_path / "data", "coach", "feature~1", "--repo", str(repo), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["sha"] == git(repo, "rev-parse", "feature~1").strip()
    assert row["subject"] == "Added the parser."
    assert (row["kind"], row["score"]) == ("commit", 8.1)
    assert row["parts"] == {"message": 0.7, "files": 1.0, "size": 1.0, "context": 0.3}
    assert {f["rule"] for f in row["findings"]} == {
        "imperative",
        "subject-period",
        "conventional-type",
        "subject-case",
    }
    assert all(f["line"] == 1 for f in row["findings"])
    assert row["strengths"] == [
        "Subject fits in 50 characters (17)",
        "Focused: 1 file in one area",
        "Small enough to review: 10 lines changed",
    ]


def test_a_merge_is_coached_on_its_message_only(tmp_path: Path) -> None:
    repo = conventional_repo(tmp_path / "app")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "feature", date="2026-01-14T10:00:00+00:00")
    result = devfocus(tmp_path / "data", "coach", "--repo", str(repo))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("  Merge branch 'feature'  10/10")
    assert "  merge commit: only the message is coached" in lines


def test_an_unknown_revision_is_reported(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "app")
    result = devfocus(tmp_path / "data", "coach", "nope", "--repo", str(repo))
    assert result.returncode == 1
    assert result.stderr.startswith("devfocus: ")
    assert result.stdout == ""
    outside = devfocus(tmp_path / "data", "coach", "--repo", str(tmp_path))
    assert outside.returncode == 1
    assert "not a git repository" in outside.stderr

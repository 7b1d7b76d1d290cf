"""`devfocus docs check|fix` as CI and pre-commit run them: real processes on real files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.cli.test_cli import devfocus

STALE = '''"""Shop."""


def total(items: list[int], factor: float = 1.0) -> float:
    """Add the items up.

    Args:
        items (list[int]): What to add; my own words.
        discount: Gone from the signature.

    Returns:
        float: The sum.
    """
    return sum(items) * factor
'''

FIXED = '''"""Shop."""


def total(items: list[int], factor: float = 1.0) -> float:
    """Add the items up.

    Args:
        items (list[int]): What to add; my own words.
        factor (float): The factor. Defaults to 1.0.

    Returns:
        float: The sum.
    """
    return sum(items) * factor
'''


def test_check_prints_findings_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(STALE)
    result = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    shop = tmp_path / "shop.py"
    assert f"{shop}:9:9: DF201 Parameter `discount` is documented but not in the signature" in lines
    assert f"{shop}:4:29: DF202 Parameter `factor` is not documented" in lines
    assert len(lines) == 2


def test_check_json_and_a_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(STALE)
    result = devfocus(tmp_path / "data", "docs", "check", "--format", "json", str(tmp_path))
    rows = json.loads(result.stdout)
    assert {(r["code"], r["line"], r["definition"]) for r in rows} == {
        ("DF201", 9, "total"),
        ("DF202", 4, "total"),
    }
    assert rows[0].keys() >= {"path", "line", "column", "endLine", "endColumn", "message"}
    (tmp_path / "shop.py").write_text(FIXED)
    clean = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert (clean.returncode, clean.stdout) == (0, "")


def test_fix_updates_in_place_keeping_the_users_words_and_is_idempotent(tmp_path: Path) -> None:
    shop = tmp_path / "shop.py"
    shop.write_text(STALE)
    shop.chmod(0o640)
    result = devfocus(tmp_path / "data", "docs", "fix", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert shop.read_text() == FIXED
    assert stat.S_IMODE(shop.stat().st_mode) == 0o640
    again = devfocus(tmp_path / "data", "docs", "fix", "--diff", str(tmp_path))
    assert (again.returncode, again.stdout) == (0, "")


def test_fix_diff_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    shop = tmp_path / "shop.py"
    shop.write_text(STALE)
    result = devfocus(tmp_path / "data", "docs", "fix", "--diff", str(shop))
    assert result.returncode == 1
    assert "-        discount: Gone from the signature." in result.stdout
    assert "+        factor (float): The factor. Defaults to 1.0." in result.stdout
    assert shop.read_text() == STALE


def test_fix_keeps_crlf_and_the_files_encoding(tmp_path: Path) -> None:
    latin = tmp_path / "latin.py"
    source = "# -*- coding: latin-1 -*-\r\ndef prix(montant: int) -> int:\r\n    return montant\r\n"
    latin.write_bytes(source.encode("latin-1"))
    result = devfocus(tmp_path / "data", "docs", "fix", "--style", "pep257", str(latin))
    assert result.returncode == 0, result.stderr
    data = latin.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("latin-1") == (
        "# -*- coding: latin-1 -*-\r\n"
        '"""Latin."""\r\n'
        "\r\n"
        "\r\n"
        "def prix(montant: int) -> int:\r\n"
        '    """Return the prix."""\r\n'
        "    return montant\r\n"
    )


def test_broken_and_binary_files_are_reported_and_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n    pass\n")
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"x = 1\x00\x01")
    check = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert check.returncode == 1
    assert f"{broken}:1:7: DF000 cannot parse" in check.stdout
    assert f"{binary}: skipped: binary" in check.stderr
    fix = devfocus(tmp_path / "data", "docs", "fix", str(tmp_path))
    assert fix.returncode == 0
    assert "syntax error" in fix.stderr
    assert broken.read_text() == "def f(:\n    pass\n"


def test_directories_skip_virtualenvs_and_hidden_folders(tmp_path: Path) -> None:
    for folder in (".venv/lib", "node_modules/x", ".hidden"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text("def f():\n    pass\n")
    result = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert (result.returncode, result.stdout) == (0, "")
    assert os.listdir(tmp_path / ".venv" / "lib") == ["m.py"]

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
    assert result.stderr.splitlines()[-1] == "Found 2 findings."  # as ruff counts


def test_a_reader_that_stops_early_ends_the_check_quietly(tmp_path: Path) -> None:
    """`devfocus docs check . | head -1`: the closed pipe is no error and prints no traceback."""
    import subprocess
    import sys

    many = "".join(f"def f{i}(a, b):\n    return a\n\n\n" for i in range(2000))
    (tmp_path / "many.py").write_text(f'"""Many."""\n\n\n{many}')
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "devfocus", "docs", "check", "--missing", "all", str(tmp_path)]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert "many.py" in process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


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
    assert fix.returncode == 1  # the files it could not fix are for the user to look at
    assert f"{broken}: not fixed: syntax error" in fix.stderr
    assert f"{binary}: skipped: binary" in fix.stderr
    assert broken.read_text() == "def f(:\n    pass\n"


def test_directories_skip_virtualenvs_and_hidden_folders(tmp_path: Path) -> None:
    for folder in (".venv/lib", "node_modules/x", ".hidden"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text("def f():\n    pass\n")
    result = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert (result.returncode, result.stdout) == (0, "")
    assert os.listdir(tmp_path / ".venv" / "lib") == ["m.py"]


CHAIN = " and ".join(["a"] * 10_000)  # ast reads it; libcst's native parser overflows on it


def test_a_poisoned_file_costs_a_run_only_itself(tmp_path: Path) -> None:
    """libcst crashed the whole run (exit 139), Python's parser giving up stopped it with a
    traceback, and a FIFO named like a Python file made it wait forever: each is now one
    file's message, and every other file is fixed."""
    (tmp_path / "a_shop.py").write_text(STALE)
    chain = tmp_path / "b_chain.py"
    chain.write_text(f'"""Checks."""\n\n\ndef monster(a): return {CHAIN}\n')
    header = tmp_path / "c_header.py"
    header.write_text(f'"""Checks."""\n\n\ndef deep(a=({CHAIN})):\n    return a\n')
    nested = tmp_path / "d_nested.py"
    nested.write_text('"""Chains."""\n\nx = a' + ".b" * 10_000 + "\n")
    os.mkfifo(tmp_path / "e_fifo.py")
    (tmp_path / "f_zero.py").symlink_to("/dev/zero")
    (tmp_path / "z_shop.py").write_text(STALE)

    fix = devfocus(tmp_path / "data", "docs", "fix", "--no-infer", str(tmp_path))

    assert fix.returncode == 1, fix.stderr  # some files could not be fixed: the user should know
    assert "Traceback" not in fix.stderr
    assert (tmp_path / "a_shop.py").read_text() == FIXED
    assert (tmp_path / "z_shop.py").read_text() == FIXED
    assert chain.read_text() == (
        f'"""Checks."""\n\n\ndef monster(a):\n    """Return the monster.\n\n    Args:\n'
        f'        a: The a.\n\n    Returns:\n        The monster.\n    """\n    return {CHAIN}\n'
    )
    errors = fix.stderr.splitlines()
    assert (
        f"devfocus: {header}: `deep` not fixed: the header of `deep` is nested 10004 levels "
        "deep, more than the 100 DevFocus edits" in errors
    )
    assert (
        f"devfocus: {nested}: not fixed: cannot parse: nested or chained too deeply for "
        "Python's parser" in errors
    )
    assert f"devfocus: {tmp_path / 'e_fifo.py'}: skipped: not a regular file" in errors
    assert f"devfocus: {tmp_path / 'f_zero.py'}: skipped: not a regular file" in errors
    assert errors[-1] == (
        "3 docstrings changed in 3 files; 1 left alone (see above); "
        "3 files could not be fixed (see above)."
    )

    check = devfocus(tmp_path / "data", "docs", "check", str(tmp_path))
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    assert (
        f"{nested}:1:1: DF000 cannot parse: nested or chained too deeply for Python's parser"
        in check.stdout.splitlines()
    )
    assert f"{header}:4:5: DF103 Function `deep` has no docstring" in check.stdout.splitlines()
    assert f"devfocus: {tmp_path / 'e_fifo.py'}: skipped: not a regular file" in check.stderr

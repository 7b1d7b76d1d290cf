"""Docstring debt counting: bad files (syntax errors, binary, nested too deep) count nothing."""

from __future__ import annotations

from pathlib import Path

from devfocus.app.docdebt import count_debt


def test_bad_files_count_nothing_and_the_others_are_counted(tmp_path: Path) -> None:
    good = '"""A module."""\n\n\ndef f():\n    pass\n\n\nclass C:\n    pass\n'
    (tmp_path / "good.py").write_text(good)
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01def g(): pass\n")
    # Nested past what Python's parser takes: a SyntaxError, not a crash.
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    count = count_debt(tmp_path)
    assert (count.undocumented, count.definitions, count.files) == (2, 3, 4)

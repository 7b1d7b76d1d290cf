"""Reading reflogs: past checkouts, the branch each commit was made on, reading on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devfocus.git.model import Checkout
from devfocus.git.reflog import (
    Entry,
    checkouts,
    commits_made_on_branches,
    parse_reflog,
    read_from,
)

ZERO = "0" * 40
A = "a" * 40
B = "b" * 40
C = "c" * 40
D = "d" * 40


def line(old: str, new: str, at: int, message: str | bytes, *, who: bytes = b"Dev") -> bytes:
    """One reflog line as git writes it: ``OLD NEW NAME <EMAIL> SECONDS ZONE\\tMESSAGE``."""
    text = message.encode() if isinstance(message, str) else message
    ident = b"%s <dev@example.com> %d +0100" % (who, at)
    return b"%s %s %s\t%s\n" % (old.encode(), new.encode(), ident, text)


# -- parse_reflog ------------------------------------------------------------------------------


def test_entries_oldest_first() -> None:
    data = (
        line(ZERO, A, 1000, "commit (initial): Start")
        + line(A, A, 1060, "checkout: moving from main to feature")
        + line(A, B, 1120, "commit: Add parser")
    )
    assert list(parse_reflog(data)) == [
        Entry(ZERO, A, 1000.0, "commit (initial): Start"),
        Entry(A, A, 1060.0, "checkout: moving from main to feature"),
        Entry(A, B, 1120.0, "commit: Add parser"),
    ]


def test_damaged_lines_are_skipped() -> None:
    good = line(A, B, 1000, "checkout: moving from main to topic")
    data = b"".join(
        [
            b"\n",
            b"garbage\n",
            line(A, B, 1000, "commit: x")[:50] + b"\n",  # cut off mid-line
            b"%s %s Dev <d@x> 1000 +0100 no tab\n" % (A.encode(), B.encode()),
            b"%s %s Dev <d@x> soon +0100\tcommit: x\n" % (A.encode(), B.encode()),
            b"XYZ" + good[3:],  # not a commit id
            b"\x00\xff\xfe\n",
            good,
        ]
    )
    assert list(parse_reflog(data)) == [Entry(A, B, 1000.0, "checkout: moving from main to topic")]


def test_odd_names_and_messages_still_parse() -> None:
    data = (
        line(A, B, 1000, b"commit: caf\xe9 \xff", who=b"Jos\xe9 <not> the > name")
        + line(A, B, 1001, "")  # an empty message
        + line(A, B, 1002, "commit: tabs\tinside")
    )
    entries = list(parse_reflog(data))
    assert [e.message for e in entries] == ["commit: caf\ufffd \ufffd", "", "commit: tabs\tinside"]
    assert [e.at for e in entries] == [1000.0, 1001.0, 1002.0]


def test_sha256_and_windows_line_endings() -> None:
    old, new = "1" * 64, "2" * 64
    data = line(old, new, 5, "checkout: moving from a to b").replace(b"\n", b"\r\n")
    assert list(parse_reflog(data)) == [Entry(old, new, 5.0, "checkout: moving from a to b")]


# -- checkouts ---------------------------------------------------------------------------------


def test_checkouts_are_switches_between_different_refs() -> None:
    data = (
        line(ZERO, A, 1000, "commit (initial): Start")
        + line(A, A, 1100, "checkout: moving from main to feature/login")
        + line(A, B, 1200, "commit: Login form")
        + line(B, B, 1300, "checkout: moving from feature/login to feature/login")  # no switch
        + line(B, A, 1400, "checkout: moving from feature/login to main")
        + line(A, C, 1500, f"checkout: moving from main to {C}")  # detached HEAD
        + line(C, C, 1600, "reset: moving to HEAD")
        + line(C, D, 1700, "rebase (finish): returning to refs/heads/main")
    )
    assert checkouts(list(parse_reflog(data))) == [
        Checkout(1100.0, "main", "feature/login", A),
        Checkout(1400.0, "feature/login", "main", A),
        Checkout(1500.0, "main", C, C),
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("checkout: moving from to to from", ("to", "from")),
        ("checkout: moving from a to to", ("a", "to")),
        ("checkout: moving from fix/to-do to main", ("fix/to-do", "main")),
        ("checkout: moving from caf\ufffd to main", ("caf\ufffd", "main")),
    ],
)
def test_checkout_names_that_look_like_the_message(message: str, expected: tuple[str, str]) -> None:
    [found] = checkouts([Entry(A, B, 1.0, message)])
    assert (found.from_ref, found.to_ref) == expected


def test_no_checkouts_in_an_empty_or_unrelated_reflog() -> None:
    assert checkouts([]) == []
    assert checkouts(list(parse_reflog(line(A, B, 1, "pull: Fast-forward")))) == []


# -- commits_made_on_branches ------------------------------------------------------------------


def write_branch_log(common: Path, branch: str | bytes, data: bytes) -> None:
    heads = os.fsencode(common / "logs" / "refs" / "heads")
    name = branch if isinstance(branch, bytes) else branch.encode()
    path = os.path.join(heads, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def test_commits_are_named_after_the_branch_they_were_made_on(tmp_path: Path) -> None:
    write_branch_log(
        tmp_path,
        "main",
        line(ZERO, A, 1, "commit (initial): Start")
        + line(A, D, 9, "merge feature/login: Merge made by the 'ort' strategy.")
        + line(D, C, 10, "merge feature/login: Fast-forward"),
    )
    write_branch_log(
        tmp_path,
        "feature/login",
        line(ZERO, A, 2, "branch: Created from main")
        + line(A, B, 3, "commit: Login form")
        + line(B, C, 4, "commit (amend): Login form")
        + line(C, D, 5, "reset: moving to HEAD~1"),
    )
    write_branch_log(
        tmp_path,
        "hotfix",
        line(A, "e" * 40, 6, "cherry-pick: Fix") + line(A, "f" * 40, 7, "revert: X"),
    )
    assert commits_made_on_branches(tmp_path) == {
        A: "main",
        B: "feature/login",
        C: "feature/login",
        "e" * 40: "hotfix",
        "f" * 40: "hotfix",
    }


def test_a_branch_whose_name_is_not_utf8_is_named_as_git_lists_it(tmp_path: Path) -> None:
    # read_refs decodes `git for-each-ref` with replacement: the reflog's name must match it.
    write_branch_log(tmp_path, b"caf\xe9", line(ZERO, A, 1, "commit (initial): Start"))
    assert commits_made_on_branches(tmp_path) == {A: "caf\ufffd"}


def test_no_branch_reflogs(tmp_path: Path) -> None:
    assert commits_made_on_branches(tmp_path) == {}
    (tmp_path / "logs" / "refs" / "heads").mkdir(parents=True)
    assert commits_made_on_branches(tmp_path) == {}


def test_a_damaged_branch_reflog_names_what_it_can(tmp_path: Path) -> None:
    write_branch_log(tmp_path, "main", b"\xff\x00garbage\n" + line(ZERO, A, 1, "commit: ok"))
    assert commits_made_on_branches(tmp_path) == {A: "main"}


# -- read_from ---------------------------------------------------------------------------------


def test_read_from_returns_complete_lines_and_reads_on(tmp_path: Path) -> None:
    log = tmp_path / "HEAD"
    first = line(ZERO, A, 1, "commit (initial): Start")
    log.write_bytes(first)
    data, offset = read_from(log, 0)
    assert (data, offset) == (first, len(first))
    assert read_from(log, offset) == (b"", offset)

    # A line still being written is left for the next read.
    second = line(A, A, 2, "checkout: moving from main to topic")
    with log.open("ab") as handle:
        handle.write(second[:30])
    assert read_from(log, offset) == (b"", offset)
    with log.open("ab") as handle:
        handle.write(second[30:])
    assert read_from(log, offset) == (second, offset + len(second))


def test_read_from_a_rewritten_reflog_starts_again(tmp_path: Path) -> None:
    log = tmp_path / "HEAD"
    short = line(ZERO, A, 1, "commit: x")
    log.write_bytes(short)
    assert read_from(log, 10_000) == (short, len(short))


def test_read_from_a_missing_file(tmp_path: Path) -> None:
    assert read_from(tmp_path / "missing", 42) == (b"", 42)

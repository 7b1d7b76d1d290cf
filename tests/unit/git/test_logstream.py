"""Parsing ``git log -z --numstat`` output, from bytes made by hand the way git writes them."""

from __future__ import annotations

import logging

import pytest

from devfocus.git.logstream import (
    LOG_FORMAT,
    MARKER,
    log_arguments,
    parse_log,
    parse_numstat,
    parse_raw_date,
    parse_record,
)
from devfocus.git.model import Commit, FileChange

SHA_A = "a" * 40
SHA_B = "b" * 40
SHA_C = "c" * 40


def record(
    sha: str = SHA_A,
    parents: str = "",
    *,
    author: bytes = b"Ann Author",
    author_email: bytes = b"ann@example.com",
    authored: bytes = b"1767600000 +0530",
    committer: bytes = b"Carl Committer",
    committer_email: bytes = b"carl@example.com",
    committed: bytes = b"1767700000 -0800",
    message: bytes = b"Subject\n",
    numstat: bytes = b"",
) -> bytes:
    """One commit as ``git log`` prints it with :func:`log_arguments`: the marker, one header
    field per line, the message (``%B`` ends with a newline), NUL, then for a commit with files
    a newline and the NUL-terminated numstat entries."""
    header = b"\n".join(
        [
            sha.encode(),
            parents.encode(),
            author,
            author_email,
            authored,
            committer,
            committer_email,
            committed,
            message,
        ]
    )
    out = MARKER + header + b"\x00"
    if numstat:
        out += b"\n" + numstat
    return out


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


THREE = (
    record(SHA_C, SHA_B, message=b"Third\n", numstat=b"1\t1\tREADME.md\x00")
    + record(SHA_B, SHA_A, message=b"", numstat=b"-\t-\tlogo.png\x000\t0\t\x00a.txt\x00b.txt\x00")
    + record(SHA_A, message=b"First\n\nwith a body\n")
)


# -- log_arguments -----------------------------------------------------------------------------


def test_log_arguments_stream_every_field_in_one_process() -> None:
    args = log_arguments(["--branches", "HEAD"])
    assert args[0] == "log"
    assert "-z" in args and "--numstat" in args and "--find-renames" in args
    assert "--use-mailmap" in args and "--date=raw" in args
    # The user's log.showSignature and log.showRoot must not change the output.
    assert "--no-show-signature" in args and "--root" in args
    assert f"--format={LOG_FORMAT}" in args
    # Revisions come before "--", so a branch named like a file is still a revision.
    assert args[-3:] == ["--branches", "HEAD", "--"]


def test_log_arguments_without_numstat() -> None:
    args = log_arguments(["main"], numstat=False)
    assert "--numstat" not in args and "--find-renames" not in args
    assert args[-2:] == ["main", "--"]


# -- parse_record ------------------------------------------------------------------------------


def test_every_field_of_a_commit() -> None:
    data = record(
        SHA_C,
        f"{SHA_A} {SHA_B}",
        message=b"Merge branch 'feature'\n\nBody line\n\tindented\n",
        numstat=b"3\t1\tsrc/app.py\x00",
    )
    [commit] = parse_log([data])
    assert commit == Commit(
        sha=SHA_C,
        parents=(SHA_A, SHA_B),
        author_name="Ann Author",
        author_email="ann@example.com",
        authored_at=1767600000.0,
        author_offset=330,
        committer_name="Carl Committer",
        committer_email="carl@example.com",
        committed_at=1767700000.0,
        committer_offset=-480,
        message="Merge branch 'feature'\n\nBody line\n\tindented",
        files=(FileChange("src/app.py", 3, 1),),
    )
    assert commit.merge
    assert commit.subject == "Merge branch 'feature'"
    assert (commit.additions, commit.deletions) == (3, 1)


def test_a_root_commit_has_no_parents_and_is_no_merge() -> None:
    [commit] = parse_log([record(SHA_A, "")])
    assert commit.parents == ()
    assert not commit.merge


def test_an_empty_message_is_stored_empty() -> None:
    [commit] = parse_log([record(message=b"")])
    assert commit.message == ""
    assert commit.subject == ""


def test_a_message_keeps_tabs_and_control_characters_even_the_marker() -> None:
    message = b"Tabs\there\n\nUS \x1f RS \x1e and the marker " + MARKER + b" inside\n"
    stream = record(SHA_B, SHA_A, message=message) + record(SHA_A)
    commits = list(parse_log([stream]))
    assert [c.sha for c in commits] == [SHA_B, SHA_A]
    assert commits[0].message == message.decode().rstrip("\n")


def test_names_and_emails_may_hold_control_characters() -> None:
    [commit] = parse_log(
        [record(author=b"Ann \x1f Author", author_email=b"ann\x1e@x", committer=MARKER + b"C")]
    )
    assert commit.author_name == "Ann \x1f Author"
    assert commit.author_email == "ann\x1e@x"
    assert commit.committer_name == MARKER.decode() + "C"
    assert commit.committer_email == "carl@example.com"


def test_a_message_that_is_not_utf8_is_replaced_not_dropped() -> None:
    [commit] = parse_log([record(author=b"Jos\xe9", message=b"caf\xe9 \xff\xfe\n")])
    assert commit.author_name == "Jos\ufffd"
    assert commit.message == "caf\ufffd \ufffd\ufffd"


def test_extreme_dates_and_offsets() -> None:
    [commit] = parse_log(
        [record(authored=b"0 +0000", committed=b"4102444800 +1400", message=b"Edges\n")]
    )
    assert (commit.authored_at, commit.author_offset) == (0.0, 0)
    assert (commit.committed_at, commit.committer_offset) == (4102444800.0, 840)


def test_an_unreadable_date_skips_the_commit_with_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # git prints an empty raw date for a date it cannot read.
    stream = record(SHA_B, authored=b"") + record(SHA_A)
    with caplog.at_level(logging.WARNING, logger="devfocus.git.logstream"):
        commits = list(parse_log([stream]))
    assert [c.sha for c in commits] == [SHA_A]
    assert len(caplog.records) == 1
    assert "unreadable date" in caplog.records[0].getMessage()


def test_a_record_with_too_few_fields_is_skipped_with_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="devfocus.git.logstream"):
        assert parse_record(b"deadbeef\x1fonly two") is None
    assert len(caplog.records) == 1


# -- parse_raw_date ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"1767600000 +0000", (1767600000.0, 0)),
        (b"1767600000 +0530", (1767600000.0, 330)),
        (b"1767600000 -0930", (1767600000.0, -570)),
        (b"0 +0000", (0.0, 0)),
        (b"4102444800 -1200", (4102444800.0, -720)),
        (b" 12 +0100\n", (12.0, 60)),
        (b"12", (12.0, 0)),  # no zone
        (b"12 +1", (12.0, 0)),  # a damaged zone is UTC, not a failure
    ],
)
def test_parse_raw_date(raw: bytes, expected: tuple[float, int]) -> None:
    assert parse_raw_date(raw) == expected


@pytest.mark.parametrize("raw", [b"", b"notadate +0000", b"12.5 +0000"])
def test_parse_raw_date_rejects_what_is_not_a_date(raw: bytes) -> None:
    with pytest.raises(ValueError):
        parse_raw_date(raw)


# -- parse_numstat -----------------------------------------------------------------------------


def test_numstat_counts_binary_files_and_renames() -> None:
    stats = (
        b"\n12\t3\tsrc/app.py\x00"
        b"-\t-\tassets/logo.png\x00"
        b"4\t1\t\x00old/name.py\x00new/name.py\x00"
        b"-\t-\t\x00old.bin\x00new.bin\x00"
        b"0\t7\tgone.txt\x00"
    )
    assert list(parse_numstat(stats)) == [
        FileChange("src/app.py", 12, 3),
        FileChange("assets/logo.png", None, None),
        FileChange("new/name.py", 4, 1, old_path="old/name.py"),
        FileChange("new.bin", None, None, old_path="old.bin"),
        FileChange("gone.txt", 0, 7),
    ]
    assert FileChange("x", None, None).binary
    assert not FileChange("x", 0, 0).binary


def test_numstat_paths_may_hold_tabs_newlines_and_bytes_that_are_not_utf8() -> None:
    stats = (
        b"1\t0\twith\ttab.txt\x00"
        b"2\t0\twith\nnewline.txt\x00"
        b"3\t0\t\nleading-newline.txt\x00"
        b"4\t0\tcaf\xe9.txt\x00"
        b"5\t0\t\x00old\tname\x00new\nname\x00"
        b"6\t0\tna\xefve/\xc3\xa9t\xc3\xa9.md\x00"
    )
    files = list(parse_numstat(stats))
    assert [(f.path, f.added) for f in files] == [
        ("with\ttab.txt", 1),
        ("with\nnewline.txt", 2),
        ("\nleading-newline.txt", 3),
        ("caf\\xe9.txt", 4),  # escaped, so two different byte names stay different
        ("new\nname", 5),
        ("na\\xefve/été.md", 6),
    ]
    assert files[4].old_path == "old\tname"


def test_numstat_of_a_commit_without_files_is_empty() -> None:
    assert list(parse_numstat(b"")) == []
    assert list(parse_numstat(b"\n")) == []


def test_a_rename_cut_short_is_dropped_not_misread() -> None:
    assert list(parse_numstat(b"1\t0\ta.txt\x002\t0\t\x00old-only")) == [FileChange("a.txt", 1, 0)]


def test_a_damaged_numstat_entry_is_skipped() -> None:
    assert list(parse_numstat(b"garbage\x001\t2\tok.txt\x00")) == [FileChange("ok.txt", 1, 2)]


# -- parse_log: streaming ----------------------------------------------------------------------


def test_three_commits_in_one_chunk() -> None:
    commits = list(parse_log([THREE]))
    assert [c.sha for c in commits] == [SHA_C, SHA_B, SHA_A]
    assert commits[0].files == (FileChange("README.md", 1, 1),)
    assert commits[1].message == ""
    assert commits[1].files == (
        FileChange("logo.png", None, None),
        FileChange("b.txt", 0, 0, old_path="a.txt"),
    )
    assert commits[2].message == "First\n\nwith a body"
    assert commits[2].files == ()


def test_records_split_across_two_chunks_at_every_offset() -> None:
    expected = list(parse_log([THREE]))
    for cut in range(len(THREE) + 1):
        assert list(parse_log([THREE[:cut], THREE[cut:]])) == expected, f"cut at {cut}"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, len(MARKER) - 1, len(MARKER), len(MARKER) + 1, 64])
def test_records_in_chunks_smaller_than_the_marker(size: int) -> None:
    assert list(parse_log(chunked(THREE, size))) == list(parse_log([THREE]))


def test_a_message_quoting_the_marker_split_at_every_offset() -> None:
    stream = record(SHA_B, SHA_A, message=b"x" + MARKER + b"y\x1fz\n") + record(SHA_A)
    for cut in range(len(stream) + 1):
        commits = list(parse_log([stream[:cut], stream[cut:]]))
        assert [c.message for c in commits] == ["x" + MARKER.decode() + "y\x1fz", "Subject"]


def test_an_empty_log_has_no_commits(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert list(parse_log([])) == []
        assert list(parse_log([b""])) == []
        assert list(parse_log([b"", b""])) == []
    assert caplog.records == []  # nothing to complain about


def test_a_commit_touching_100000_files_streams_whole() -> None:
    entries = b"".join(b"1\t0\td%03d/f%06d.txt\x00" % (i // 1000, i) for i in range(100_000))
    stream = record(SHA_B, SHA_A, message=b"Huge\n", numstat=entries) + record(SHA_A)
    commits = list(parse_log(chunked(stream, 1 << 16)))
    assert [c.sha for c in commits] == [SHA_B, SHA_A]
    assert len(commits[0].files) == 100_000
    assert commits[0].files[-1] == FileChange("d099/f099999.txt", 1, 0)
    assert commits[0].additions == 100_000


def test_output_cut_off_mid_record_keeps_the_commits_before(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """git dying mid-stream (a corrupt object) leaves a partial record: it is skipped."""
    cut = THREE[: THREE.index(MARKER + SHA_A.encode()) + 30]
    with caplog.at_level(logging.WARNING, logger="devfocus.git.logstream"):
        commits = list(parse_log([cut]))
    assert [c.sha for c in commits] == [SHA_C, SHA_B]
    assert len(caplog.records) == 1

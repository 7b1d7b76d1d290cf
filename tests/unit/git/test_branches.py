"""Naming the branch each commit was made on, from the commit graph and merge messages."""

from __future__ import annotations

import pytest

from devfocus.git.branches import Node, label_commits, main_branch, merged_branch
from devfocus.git.model import Commit


def sha(name: str) -> str:
    """A readable stand-in for a commit id: ``m1`` → ``m1`` padded with zeros."""
    return name.ljust(40, "0")


def graph(*nodes: tuple[str, str, str | None]) -> dict[str, Node]:
    """Newest first, as git log lists them: (commit, space-separated parents, merged branch)."""
    return {
        sha(name): Node(tuple(sha(p) for p in parents.split()), merged)
        for name, parents, merged in nodes
    }


def named(labels: dict[str, str]) -> dict[str, str]:
    return {key.rstrip("0"): branch for key, branch in labels.items()}


# -- main_branch -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("branches", "current", "expected"),
    [
        (["feature", "main"], "feature", "main"),
        (["master", "feature"], None, "master"),
        (["main", "master"], None, "main"),  # the first conventional name wins
        (["develop", "feature"], "feature", "develop"),
        (["feature", "topic"], "topic", "topic"),  # no conventional name: the current branch
        (["feature", "topic"], "(detached)", "feature"),
        (["feature", "topic"], None, "feature"),
        ([], None, None),
        ([], "main", None),
    ],
)
def test_main_branch(branches: list[str], current: str | None, expected: str | None) -> None:
    assert main_branch(branches, current) == expected


# -- merged_branch -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Merge branch 'feature/login'", "feature/login"),
        ("Merge branch 'feature/login' into main", "feature/login"),
        ("Merge branch 'fix-42' of github.com:org/repo", "fix-42"),
        ("Merge remote-tracking branch 'origin/fix'", "fix"),
        ("Merge branch 'origin/fix' into main\n\nConflicts:\n\tapp.py", "fix"),
        ("Merge pull request #512 from jane/feature-x\n\nAdd the x", "feature-x"),
        ("Merge pull request #5 from jane/team/feature-y", "team/feature-y"),
        ('Merge branch "quoted"', "quoted"),
        ("Merge tag 'v1.0'", None),
        ("Merge commit '1a2b3c'", None),
        ("Add merge branch 'x' support", None),
        ("", None),
    ],
)
def test_merged_branch(message: str, expected: str | None) -> None:
    assert merged_branch(message) == expected


def commit(name: str, parents: str, message: str) -> Commit:
    return Commit(
        sha(name),
        tuple(sha(p) for p in parents.split()),
        "A",
        "a@example.com",
        0.0,
        0,
        "A",
        "a@example.com",
        0.0,
        0,
        message,
    )


def test_only_a_merge_names_the_branch_it_merged() -> None:
    merge = commit("m", "a b", "Merge branch 'topic'")
    assert Node.of(merge) == Node((sha("a"), sha("b")), "topic")
    # A commit whose message merely looks like a merge merges nothing.
    assert Node.of(commit("c", "a", "Merge branch 'topic'")) == Node((sha("a"),), None)
    assert Node.of(commit("m", "a b", "Merge the rest")).merged is None


# -- label_commits -----------------------------------------------------------------------------


def test_a_linear_history_belongs_to_main() -> None:
    g = graph(("m3", "m2", None), ("m2", "m1", None), ("m1", "", None))
    assert named(label_commits(g, {"main": sha("m3")}, main="main")) == {
        "m3": "main",
        "m2": "main",
        "m1": "main",
    }


def test_a_fast_forward_merge_is_main_unless_a_reflog_says_otherwise() -> None:
    # feature (f1, f2) was fast-forwarded into main and deleted: the graph cannot tell.
    g = graph(("f2", "f1", None), ("f1", "m1", None), ("m1", "", None))
    tips = {"main": sha("f2")}
    assert set(named(label_commits(g, tips, main="main")).values()) == {"main"}
    known = {sha("f1"): "feature", sha("f2"): "feature"}
    assert named(label_commits(g, tips, main="main", known=known)) == {
        "f2": "feature",
        "f1": "feature",
        "m1": "main",
    }


def test_a_no_ff_merge_names_the_merged_branch_after_it_is_deleted() -> None:
    #   m1 - m2 ------ M  (main)
    #     \          /
    #      f1 - f2 -'     (feature/login, deleted)
    g = graph(
        ("M", "m2 f2", "feature/login"),
        ("f2", "f1", None),
        ("m2", "m1", None),
        ("f1", "m1", None),
        ("m1", "", None),
    )
    assert named(label_commits(g, {"main": sha("M")}, main="main")) == {
        "M": "main",
        "m2": "main",
        "m1": "main",
        "f2": "feature/login",
        "f1": "feature/login",
    }


def test_a_branch_that_still_exists_names_its_commits_down_to_main() -> None:
    g = graph(("f2", "f1", None), ("m2", "m1", None), ("f1", "m1", None), ("m1", "", None))
    labels = named(label_commits(g, {"topic": sha("f2"), "main": sha("m2")}, main="main"))
    assert labels == {"f2": "topic", "f1": "topic", "m2": "main", "m1": "main"}


def test_main_is_walked_first_whatever_the_names_sort_as() -> None:
    # "a-branch" sorts before "main" but was merged into it with a fast-forward: main wins.
    g = graph(("x2", "x1", None), ("x1", "", None))
    tips = {"a-branch": sha("x2"), "main": sha("x2")}
    assert set(named(label_commits(g, tips, main="main")).values()) == {"main"}


def test_nested_merges_name_each_branch() -> None:
    #   m1 ---------------- M1 (main, merged feature)
    #     \                /
    #      a1 ---- M2 ---'     (feature, merged sub)
    #        \    /
    #         s1 -             (sub)
    g = graph(
        ("M1", "m1 M2", "feature"),
        ("M2", "a1 s1", "sub"),
        ("s1", "a1", None),
        ("a1", "m1", None),
        ("m1", "", None),
    )
    assert named(label_commits(g, {"main": sha("M1")}, main="main")) == {
        "M1": "main",
        "m1": "main",
        "M2": "feature",
        "a1": "feature",
        "s1": "sub",
    }


def test_merging_main_into_a_branch_does_not_rename_main() -> None:
    #   m1 - m2            (main)
    #     \    \
    #      f1 - F          (feature: "Merge branch 'main' into feature")
    g = graph(("F", "f1 m2", "main"), ("m2", "m1", None), ("f1", "m1", None), ("m1", "", None))
    labels = named(label_commits(g, {"feature": sha("F"), "main": sha("m2")}, main="main"))
    assert labels == {"F": "feature", "f1": "feature", "m2": "main", "m1": "main"}


def test_an_octopus_merge_names_every_merged_chain() -> None:
    g = graph(("M", "m1 a1 b1", "topic"), ("b1", "m1", None), ("a1", "m1", None), ("m1", "", None))
    labels = named(label_commits(g, {"main": sha("M")}, main="main"))
    assert labels["a1"] == labels["b1"] == "topic"
    assert labels["M"] == labels["m1"] == "main"


def test_known_labels_win_and_only_for_commits_in_the_graph() -> None:
    g = graph(("m2", "m1", None), ("m1", "", None))
    known = {sha("m2"): "hotfix", sha("zz"): "elsewhere"}
    assert named(label_commits(g, {"main": sha("m2")}, main="main", known=known)) == {
        "m2": "hotfix",
        "m1": "main",
    }


def test_stored_commits_stop_a_chain() -> None:
    # Incremental: m2 is stored already, so the chain ends there and m1 is not relabelled.
    g = graph(("m3", "m2", None), ("m2", "m1", None), ("m1", "", None))
    labels = named(label_commits(g, {"main": sha("m3")}, main="main", stop={sha("m2")}))
    assert labels == {"m3": "main"}


def test_an_incremental_graph_names_only_its_commits() -> None:
    # Only the new commits are in the graph; their parents are not.
    g = graph(("f3", "f2", None))
    assert named(label_commits(g, {"topic": sha("f3")}, main="main")) == {"f3": "topic"}


def test_a_shallow_or_empty_graph() -> None:
    assert label_commits({}, {}, main=None) == {}
    assert label_commits({}, {"main": sha("m1")}, main="main") == {}
    # A detached HEAD is no branch: commits only it reaches stay unnamed.
    g = graph(("h1", "m1", None), ("m1", "", None))
    assert named(label_commits(g, {"main": sha("m1")}, main="main")) == {"m1": "main"}

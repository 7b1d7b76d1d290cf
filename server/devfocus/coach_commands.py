"""``devfocus coach [REV...]``: the commit coaching of the editor, for commits already made.

Each commit is scored against the habits of the history before the coached commits, so coaching
a branch (``main..feature``) never compares its commits with themselves.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devfocus.git.coach import Coaching
    from devfocus.git.model import Commit


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("coach", help="score commit messages and changes, with advice")
    parser.add_argument(
        "revisions",
        nargs="*",
        metavar="REV",
        help="commits (HEAD, a sha, a branch) or ranges (main..feature); default: HEAD",
    )
    parser.add_argument(
        "--repo", metavar="PATH", default=".", help="the repository (default: the current one)"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from devfocus.git.coach import coach
    from devfocus.git.commits import habits_before
    from devfocus.git.runner import GitError

    try:
        commits = coached_commits(Path(args.repo), args.revisions or ["HEAD"])
        habits = habits_before(Path(args.repo), commits)
    except GitError as exc:
        print(f"devfocus: {exc.message}", file=sys.stderr)
        return 1
    results = [
        (commit, coach(commit.message, commit.files, habits, merge=commit.merge))
        for commit in commits
    ]
    try:
        if args.format == "json":
            json.dump([_row(c, r) for c, r in results], sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_text(results))
    except BrokenPipeError:
        pass
    return 0


def coached_commits(repo: Path, revisions: list[str]) -> list[Commit]:
    """The commits ``revisions`` name, newest first: a single revision is that commit alone (as
    ``git show`` reads it), a range (``A..B``, ``A...B``, ``^A B``) every commit in it."""
    from devfocus.git.logstream import read_commits
    from devfocus.git.runner import run_git

    shas: list[str] = []
    singles = [r for r in revisions if ".." not in r and not r.startswith("^")]
    ranges = [r for r in revisions if r not in singles]
    for revision in singles:
        out = run_git(repo, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
        shas.append(out.decode().strip())
    if ranges:
        out = run_git(repo, "rev-list", "--end-of-options", *ranges, "--")  # ranges, not options
        shas += out.decode().split()
    unique = list(dict.fromkeys(shas))
    if not unique:
        return []
    return list(read_commits(repo, ["--no-walk=sorted", *unique]))


def render_text(results: list[tuple[Commit, Coaching]]) -> str:
    if not results:
        return "No commits to coach.\n"
    blocks = []
    for commit, coaching in results:
        lines = [f"{commit.sha[:10]}  {_clip(commit.subject, 60)}  {coaching.score:g}/10"]
        parts = ", ".join(f"{n} {round(v * 10, 1):g}" for n, v in coaching.parts.items())
        lines.append(f"  {parts}")
        if coaching.kind == "merge":
            lines.append("  merge commit: only the message is coached")
        lines += [f"  + {s}" for s in coaching.strengths]
        lines += [f"  - {i}" for i in coaching.improvements]
        lines += [f"  → {r}" for r in coaching.recommendations]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(commit: Commit, coaching: Coaching) -> dict[str, Any]:
    return {
        "sha": commit.sha,
        "subject": commit.subject,
        "kind": coaching.kind,
        "score": coaching.score,
        "parts": coaching.parts,
        "strengths": list(coaching.strengths),
        "improvements": list(coaching.improvements),
        "recommendations": list(coaching.recommendations),
        "findings": [
            {"rule": f.rule, "severity": f.severity, "line": f.line + 1, "message": f.message}
            for f in coaching.findings
        ],
    }

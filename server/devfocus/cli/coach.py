"""``devfocus coach [REV...]``: the commit coaching of the editor, for commits already made.

Each commit is scored against the habits of the history before the coached commits, so coaching
a branch (``main..feature``) never compares its commits with themselves.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.text import clip

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands
    from devfocus.git.coach import Coaching
    from devfocus.git.model import Commit

FORMATS = ("text", "json")
SUBJECT_WIDTH = 60  # characters of a subject shown before it is clipped


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "coach", help="score commit messages and changes, with advice", arguments=_arguments
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "revisions",
        nargs="*",
        metavar="REV",
        help="commits (HEAD, a sha, a branch) or ranges (main..feature); default: HEAD",
    )
    parser.add_argument(
        "--repo", metavar="PATH", default=".", help="the repository (default: the current one)"
    )
    parser.add_argument("--format", choices=FORMATS, default="text")


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command coaches.
    import json
    from pathlib import Path

    from devfocus.git.coach import coach
    from devfocus.git.commits import commits_named, habits_before
    from devfocus.git.runner import GitError

    try:
        commits = commits_named(Path(args.repo), args.revisions or ["HEAD"])
        habits = habits_before(Path(args.repo), commits)
    except GitError as exc:
        output.error(exc.message)
        return 1
    results = [
        (commit, coach(commit.message, commit.files, habits, merge=commit.merge))
        for commit in commits
    ]
    if args.format == "json":
        json.dump([_row(c, r) for c, r in results], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(results))
    return 0


def render_text(results: list[tuple[Commit, Coaching]]) -> str:
    if not results:
        return "No commits to coach.\n"
    blocks = []
    for commit, coaching in results:
        subject = clip(commit.subject, SUBJECT_WIDTH)
        lines = [f"{commit.sha[:10]}  {subject}  {coaching.score:g}/10"]
        parts = ", ".join(f"{n} {round(v * 10, 1):g}" for n, v in coaching.parts.items())
        lines.append(f"  {parts}")
        if coaching.kind == "merge":
            lines.append("  merge commit: only the message is coached")
        lines += [f"  + {s}" for s in coaching.strengths]
        lines += [f"  - {i}" for i in coaching.improvements]
        lines += [f"  → {r}" for r in coaching.recommendations]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


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

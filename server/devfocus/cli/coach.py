"""``devfocus coach [REV...]``: the commit coaching of the editor, for commits already made.

Each commit is scored against the habits of the history before the coached commits, so coaching
a branch (``main..feature``) never compares its commits with themselves.

``devfocus coach --suggest``: a message for the staged change, drafted by the configured model
and scored by the coach (exit code 1 when there is no provider, nothing staged, or no draft).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.text import clip

if TYPE_CHECKING:
    from devfocus.app.aicommit import Suggestion
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
    parser.add_argument(
        "--suggest",
        action="store_true",
        help="draft a message for the staged change with the configured model, and score it",
    )
    parser.add_argument(
        "--send-code",
        action="store_true",
        help="with --suggest: send the staged diff's hunks too (devfocus.ai.sendCode; default: "
        "file names and line counts only)",
    )
    # Deferred, for start-up time: the AI options are built only for this command.
    from devfocus.cli.options import add_ai_options

    add_ai_options(parser)


def run(args: argparse.Namespace) -> int:
    if args.suggest:
        if args.revisions:
            output.error("--suggest drafts the staged change: it takes no revisions")
            return 2
        return suggest(args)
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


# -- coach --suggest ------------------------------------------------------------------------------
def suggest(args: argparse.Namespace) -> int:
    """Draft, score and print a message for the staged change of ``--repo``."""
    # Imported here, for start-up time: only --suggest asks a model.
    import asyncio
    import dataclasses
    import json

    from devfocus.ai.exchange import AIUnavailable
    from devfocus.app.aicommit import commit_facts, suggest_message, top_level
    from devfocus.cli.aiopen import ai_service
    from devfocus.cli.options import settings_from
    from devfocus.git.runner import GitError

    settings = settings_from(args)
    if args.send_code:
        settings = dataclasses.replace(
            settings, ai=dataclasses.replace(settings.ai, send_code=True)
        )
    if settings.ai.provider == "none":
        output.error(
            "no AI provider is configured: pass --ai-provider (or set DEVFOCUS_AI_PROVIDER)"
        )
        return 1
    try:
        facts = commit_facts(top_level(args.repo), settings)
    except GitError as exc:
        output.error(exc.message)
        return 1
    if not facts.files:
        output.error("nothing is staged: stage the changes to describe first (git add)")
        return 1
    service = ai_service(settings)

    async def ask() -> Suggestion:
        try:
            return await suggest_message(service, facts)
        finally:
            await service.aclose()

    try:
        suggestion = asyncio.run(ask())
    except AIUnavailable as exc:
        output.error(f"could not write the commit message with AI: {exc.message}")
        return 1
    if args.format == "json":
        json.dump(_suggestion_row(suggestion), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_suggestion(suggestion))
    return 0


def render_suggestion(suggestion: Suggestion) -> str:
    """The message as git takes it, then the score and advice as comment lines (``git commit
    -e -F FILE`` drops them)."""
    coaching, answer = suggestion.coaching, suggestion.answer
    lines = [suggestion.draft.message, ""]
    lines.append(f"# {coaching.summary()}")
    lines += [f"# - {i}" for i in coaching.improvements]
    lines.append(f"# Drafted by {answer.provider} ({answer.model}) from the staged change.")
    return "\n".join(lines) + "\n"


def _suggestion_row(suggestion: Suggestion) -> dict[str, Any]:
    draft, coaching, answer = suggestion.draft, suggestion.coaching, suggestion.answer
    return {
        "subject": draft.subject,
        "body": draft.body,
        "message": draft.message,
        "score": coaching.score,
        "parts": coaching.parts,
        "strengths": list(coaching.strengths),
        "improvements": list(coaching.improvements),
        "findings": [
            {"rule": f.rule, "severity": f.severity, "line": f.line + 1, "message": f.message}
            for f in coaching.findings
        ],
        "provider": answer.provider,
        "model": answer.model,
    }

"""``devfocus issues sync [PATH]`` and ``devfocus tasks``: issues from GitHub and Jira into the
store, and the tasks they and the developer's work make, on the terminal.

On the command line the trackers are the flags' (each else its ``DEVFOCUS_*`` variable): GitHub
is synced for PATH's repository when one of its remotes is on the host of ``--github-api-url``
(``--no-github`` skips it), Jira when ``--jira-url`` names a site. Tokens only ever come from
the environment: ``GITHUB_TOKEN`` (or ``GH_TOKEN``) and ``DEVFOCUS_JIRA_TOKEN``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.cli.options import add_database_option, add_session_options, settings_from
from devfocus.cli.process import collector_paused

if TYPE_CHECKING:
    from devfocus.app.taskbook import TaskEntry
    from devfocus.cli.subcommands import Subcommands
    from devfocus.config import Settings

# flag → (devfocus.issues key path, environment variable)
TRACKER_OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "--github-api-url": (("github", "apiUrl"), "DEVFOCUS_GITHUB_API_URL"),
    "--github-query": (("github", "query"), "DEVFOCUS_GITHUB_QUERY"),
    "--jira-url": (("jira", "url"), "DEVFOCUS_JIRA_URL"),
    "--jira-email": (("jira", "email"), "DEVFOCUS_JIRA_EMAIL"),
    "--jira-jql": (("jira", "jql"), "DEVFOCUS_JIRA_JQL"),
}
TASK_FORMATS = ("text", "json")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "issues",
        help="import issues from GitHub and Jira as tasks",
        arguments=_issues_arguments,
    )
    subparsers.add_parser(
        "tasks",
        help="list tasks: imported issues and the work done on them",
        arguments=_tasks_arguments,
    )


def _issues_arguments(issues: argparse.ArgumentParser) -> None:
    issues.add_argument("action", choices=("sync",), help="sync: import new and changed issues")
    issues.add_argument(
        "path", nargs="?", default=".", help="the repository whose issues to import (default: .)"
    )
    issues.add_argument(
        "--full",
        action="store_true",
        help="walk every page again (conditional requests: unchanged pages cost nothing) "
        "instead of asking only for what changed since the last sync",
    )
    add_tracker_options(issues)
    add_database_option(issues)


def add_tracker_options(parser: argparse.ArgumentParser) -> None:
    helps = {
        "--github-api-url": "GitHub's API: https://api.github.com (the default) or GitHub "
        "Enterprise's https://HOST/api/v3",
        "--github-query": "also import the issues this GitHub search finds "
        "('assignee:@me is:open')",
        "--jira-url": "your Jira Cloud site (https://acme.atlassian.net)",
        "--jira-email": "the email of your Atlassian account",
        "--jira-jql": "which Jira issues, in JQL (default: yours, open or updated lately)",
    }
    for flag, (_, variable) in TRACKER_OPTIONS.items():
        metavar = "URL" if flag.endswith("url") else "EMAIL" if "email" in flag else "TEXT"
        parser.add_argument(flag, metavar=metavar, help=f"{helps[flag]}; else ${variable}")
    parser.add_argument(
        "--github-repo",
        action="append",
        metavar="OWNER/NAME",
        help="a GitHub repository to import besides PATH's (repeat for more)",
    )
    parser.add_argument("--no-github", action="store_true", help="do not sync GitHub")


def _tasks_arguments(tasks: argparse.ArgumentParser) -> None:
    tasks.add_argument(
        "--search", metavar="TEXT", help="only tasks whose key, title or labels hold these words"
    )
    tasks.add_argument("--kind", choices=("feature", "bug", "refactor", "docs", "test", "chore"))
    tasks.add_argument("--state", choices=("open", "closed"))
    tasks.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    tasks.add_argument("--format", choices=TASK_FORMATS, default="text")
    add_session_options(tasks)


def run(args: argparse.Namespace) -> int:
    return tasks(args) if args.command == "tasks" else sync(args)


def tracker_settings(args: argparse.Namespace, base: Settings) -> Settings:
    """``base`` with the trackers the flags and variables name."""
    # Imported here, for start-up time: only the tracker commands read these options.
    from dataclasses import replace

    from devfocus.config import load_settings

    raw: dict[str, Any] = {"github": {"enabled": not args.no_github}}
    for flag, (path, variable) in TRACKER_OPTIONS.items():
        value = getattr(args, flag[2:].replace("-", "_"), None) or os.environ.get(variable)
        if value:
            raw.setdefault(path[0], {})[path[1]] = value
    if args.github_repo:
        raw["github"]["repositories"] = list(args.github_repo)
    loaded, problems = load_settings({"issues": raw})
    for problem in problems:
        output.error(str(problem))
    return replace(base, issues=loaded.issues)


# -- issues sync -----------------------------------------------------------------------------
def sync(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command reaches the trackers.
    from pathlib import Path

    from devfocus.app.datastore import open_database
    from devfocus.app.issuesync import IssueSync, plan
    from devfocus.git.repository import open_repository, remote_urls
    from devfocus.git.runner import GitError

    settings = tracker_settings(args, settings_from(args))
    remotes: dict[str, list[str]] = {}
    repo = open_repository(Path(args.path))
    if repo is not None:
        try:
            remotes[repo.root.as_posix()] = remote_urls(repo)
        except GitError as error:
            output.error(f"the remotes of {repo.key} could not be read: {error}")
    elif settings.issues.github.enabled and not args.github_repo:
        output.error(f"{args.path} is not in a git repository: no GitHub repository to sync")
    targets, reason = plan(settings.issues, remotes)
    if not targets:
        output.error(reason or "nothing to sync")
        return 1
    database = open_database(settings)
    with output.progress_bar("%", total=100, label="Syncing issues") as bar, collector_paused():

        def progress(message: str, percentage: int | None) -> None:
            if percentage is not None:
                bar.update(percentage - bar.n)

        outcome = IssueSync(database, settings.issues, os.environ).run(
            targets, full=args.full, progress=progress
        )
    for result in outcome.syncs:
        line = (
            f"{result.tracker} {result.scope}: {output.plural(result.issues, 'issue')} new or "
            f"changed, {output.plural(result.pulls, 'pull request')}; "
            f"{output.plural(result.requests, 'request')} ({result.not_modified} unchanged) in "
            f"{result.seconds:.1f} s"
        )
        if result.rate_remaining is not None:
            line += f", rate limit: {result.rate_remaining} left"
        print(line)
    for problem in outcome.problems:
        output.error(f"{problem} (what was synced before is kept)")
    return 1 if outcome.problems else 0


# -- tasks ---------------------------------------------------------------------------------------
def tasks(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command reads tasks.
    import json
    import time

    from devfocus.app.datastore import open_database
    from devfocus.app.taskbook import list_tasks, with_links

    settings = settings_from(args)
    database = open_database(settings)
    with output.working(f"Reading tasks from {database.display}"), collector_paused():
        entries = list_tasks(
            database,
            settings,
            now=time.time(),
            query=args.search,
            kind=args.kind,
            state=args.state,
        )
        shown = with_links(database, entries[: max(1, args.limit)])
    if args.format == "json":
        json.dump(
            {"tasks": [task_json(e) for e in shown], "total": len(entries)},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    if not shown:
        output.summary("No tasks: nothing imported (devfocus issues sync) and no work on one.")
        return 0
    for entry in shown:
        print(task_line(entry))
    if len(entries) > len(shown):
        output.summary(f"{len(shown)} of {output.plural(len(entries), 'task')} shown (--limit).")
    return 0


def task_json(entry: TaskEntry) -> Any:
    """A task as ``devfocus tasks --format json`` and ``devfocus.tasks.list`` give it."""
    # Imported here: only the JSON of tasks needs the protocol's shape of them.
    from devfocus.lsp.taskmessages import WireTask
    from devfocus.lsp.wire import to_json

    return to_json(WireTask.of(entry))


def task_line(entry: TaskEntry) -> str:
    # Imported here: only the text of tasks needs it.
    from devfocus.insights.charts.svg import duration

    marks = [entry.state or "set by hand"]
    if entry.assigned_to_me:
        marks.append("mine")
    spent = duration(entry.seconds) if entry.seconds >= 60 else "-"
    line = f"{spent:>7}  {entry.task.label}  [{', '.join(marks)}]"
    if entry.task.url:
        line += f"  {entry.task.url}"
    return line

"""The CLI commands other than ``serve``: report, export, doctor, delete."""

from __future__ import annotations

import argparse
import json
import os
import platform
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from devfocus import __version__
from devfocus.config import Settings, data_dir, database_url, load_settings
from devfocus.store.errors import StoreError

GIT_HOURS_MINUTES = 120.0  # git-hours' max-commit-diff and first-commit-add defaults


def run(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "report": report,
        "export": export,
        "import": import_history,
        "doctor": doctor,
        "delete": delete,
    }
    try:
        return commands[args.command](args)
    except StoreError as error:
        print(f"devfocus: {error.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `devfocus export ... | head`
        return 0


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the command line, validated like the editor's."""
    raw: dict[str, Any] = {}
    if getattr(args, "idle_timeout_minutes", None) is not None:
        raw.setdefault("sessions", {})["idleTimeoutMinutes"] = args.idle_timeout_minutes
    if getattr(args, "deep_work_minutes", None) is not None:
        raw.setdefault("sessions", {})["deepWorkMinutes"] = args.deep_work_minutes
    git: dict[str, Any] = {}
    if getattr(args, "git_hours", False):
        git["sessionGapMinutes"] = git["firstCommitMinutes"] = GIT_HOURS_MINUTES
    if getattr(args, "session_gap_minutes", None) is not None:
        git["sessionGapMinutes"] = args.session_gap_minutes
    if getattr(args, "first_commit_minutes", None) is not None:
        git["firstCommitMinutes"] = args.first_commit_minutes
    if getattr(args, "author", None):
        git["authors"] = list(args.author)
    if git:
        raw["git"] = git
    if getattr(args, "database_url", None):
        raw.setdefault("database", {})["url"] = args.database_url
    settings, problems = load_settings(raw)
    for problem in problems:
        print(f"devfocus: {problem}", file=sys.stderr)
    return settings


@contextmanager
def _working(message: str) -> Iterator[None]:
    """A transient line on a terminal while something slow runs."""
    show = sys.stderr.isatty()
    if show:
        sys.stderr.write(f"{message}…\r")
        sys.stderr.flush()
    try:
        yield
    finally:
        if show:
            sys.stderr.write(" " * (len(message) + 1) + "\r")
            sys.stderr.flush()


# -- report ------------------------------------------------------------------------------------
def report(args: argparse.Namespace) -> int:
    from devfocus.app.locate import Locator
    from devfocus.app.reporting import make_report
    from devfocus.insights.render import RENDERERS
    from devfocus.store.database import Database

    settings = _settings(args)
    project = Locator().project_root(args.path) if args.path else None
    database = Database(database_url(settings))
    if args.path and settings.git.enabled and not args.no_import:
        _import_quietly(database, args.path)
    with _working(f"Reading activity from {database.display}"):
        result = make_report(database, args.period, settings, now=time.time(), project=project)
    rendered = RENDERERS[args.format](result, None)
    if args.format == "json":
        rendered = json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(rendered)
    return 0


# -- import ------------------------------------------------------------------------------------
def import_history(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import find_repositories
    from devfocus.git.runner import git_executable
    from devfocus.store.database import Database

    if git_executable() is None:
        print("devfocus: git is not installed (no `git` on PATH)", file=sys.stderr)
        return 1
    settings = _settings(args)
    repos = find_repositories([Path(p) for p in args.path])
    if not repos:
        print(f"devfocus: no git repository at {', '.join(args.path)}", file=sys.stderr)
        return 1
    database = Database(database_url(settings))
    ingester = Ingester(database)
    failed = 0
    for repo in repos:
        bar = tqdm(unit=" commits", disable=None, file=sys.stderr, leave=False, desc=repo.root.name)

        def progress(done: int, total: int | None, bar: Any = bar) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        with bar:
            # Counting commits for the bar walks the history once more: only for a visible bar.
            result = ingester.ingest(repo, progress if not bar.disable else None)
        if result.problem is not None:
            failed += 1
            print(f"{repo.key}: {result.problem}", file=sys.stderr)
            continue
        extra = f", {result.unreachable} no longer on a branch" if result.unreachable else ""
        print(
            f"{repo.key}: {result.new_commits} new commits, {result.checkouts} checkouts"
            f"{extra} ({result.seconds:.2f} s)"
        )
    database.close()
    return 1 if failed else 0


def _import_quietly(database: Any, path: str) -> None:
    """Bring the history of the repository at ``path`` up to date before a report of it."""
    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository
    from devfocus.git.runner import git_executable

    repo = open_repository(Path(path))
    if repo is None:
        return
    if git_executable() is None:
        print("devfocus: git is not installed: the report has no git history", file=sys.stderr)
        return
    with _working(f"Reading the git history of {repo.root.name}"):
        result = Ingester(database).ingest(repo)
    if result.problem is not None:
        print(f"devfocus: git history of {repo.key} not read: {result.problem}", file=sys.stderr)


# -- export ------------------------------------------------------------------------------------
def export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from devfocus.app.userdata import ExportRefused, check_target, count_events, write_export
    from devfocus.store.database import Database

    settings = _settings(args)
    database = Database(database_url(settings))
    try:
        target = check_target(database, args.output) if args.output else None
        total = count_events(database)
        progress = tqdm(total=total, unit=" events", disable=None, file=sys.stderr, leave=False)
        recheck = (lambda: check_target(database, args.output)) if args.output else None
        with _output(target, recheck) as out, progress:
            write_export(database, args.format, out, progress.update)
    except ExportRefused as refused:
        print(f"devfocus: {refused}", file=sys.stderr)
        return 1
    except OSError as error:
        if args.output is None:
            raise  # stdout: BrokenPipeError is handled by run()
        reason = error.strerror or str(error)
        print(
            f"devfocus: cannot write {args.output}: {reason}; nothing was written", file=sys.stderr
        )
        return 1
    if args.output:
        print(f"exported {total} events to {args.output}", file=sys.stderr)
    return 0


@contextmanager
def _output(
    path: Path | None, before_replacing: Callable[[], Any] | None = None
) -> Iterator[IO[str]]:
    """stdout, or a file readable by its owner only (see ``private_file``)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from devfocus.app.userdata import private_file

    with private_file(path, before_replacing) as out:
        yield out


# -- doctor ------------------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"devfocus": __version__, "python": platform.python_version()}
    for name in ("pygls", "lsprotocol", "cattrs", "SQLAlchemy", "platformdirs", "pathspec"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def _check_database(url: str) -> dict[str, Any]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from devfocus.app.userdata import iso_ms
    from devfocus.store.engine import create, display_url, sqlite_file
    from devfocus.store.errors import classify
    from devfocus.store.events import count_events, event_range
    from devfocus.store.migrations import current_version, head
    from devfocus.store.sqlitefile import describe, holds, journal, others_may_access

    info: dict[str, Any] = {"url": display_url(url), "ok": False}
    path = sqlite_file(make_url(url))
    private: list[str] = []  # problems of who may read the file
    if path is not None:
        info["file"] = str(path)
        if not path.exists():
            info["ok"] = True
            info["note"] = "not created yet: it is created when an editor connects"
            return info
        info["size"] = path.stat().st_size
        info["mode"] = _mode(path)
        for part in (path, journal(path, "-wal"), journal(path, "-shm")):
            if os.name != "nt" and part.exists() and others_may_access(part.stat().st_mode):
                private.append(f"{part} is readable by others ({_mode(part)}); chmod 600 it")
        kind, tables = holds(path)
        if kind == "foreign":  # opening it would switch its journal mode: not ours to change
            info["problems"] = [
                f"{path} is {describe(kind, tables)}, not a DevFocus database; DevFocus does "
                "not write to it",
                *private,
            ]
            return info
    engine = None
    try:
        engine = create(url)
        with engine.connect() as conn:
            info["schema"] = current_version(conn)
            info["schemaKnown"] = head()
            if engine.dialect.name == "sqlite":
                info["integrity"] = conn.execute(text("PRAGMA quick_check")).scalar()
                info["journal"] = conn.execute(text("PRAGMA journal_mode")).scalar()
        if info["schema"]:
            info["events"] = count_events(engine)
            span = event_range(engine)
            if span is not None:
                info["first"], info["last"] = (iso_ms(int(t * 1000)) for t in span)
        problems = []
        if info.get("integrity", "ok") != "ok":
            problems.append(f"integrity check failed: {info['integrity']}")
        if info["schema"] > info["schemaKnown"]:
            problems.append("written by a newer DevFocus: upgrade to use it")
        problems += private
        info["problems"] = problems
        info["ok"] = not problems
    except Exception as exc:
        info["problems"] = [classify(exc, info["url"]).message]
    finally:
        if engine is not None:
            engine.dispose()
    return info


def _check_git() -> dict[str, Any]:
    from devfocus.git.runner import GitError, GitMissing, git_executable, git_version

    git = git_executable()
    try:
        return {"ok": True, "path": git, "version": git_version()}
    except GitMissing:
        return {"ok": False, "problems": ["git is not on PATH: git history features are off"]}
    except GitError as error:
        return {"ok": False, "path": git, "problems": [f"git does not run: {error.message}"]}


def _check_repositories(path: Path) -> list[dict[str, Any]]:
    """The repositories at or below ``path`` and whether DevFocus reads them (git's ownership
    rule, ``safe.directory``); why not, with the command that trusts one."""
    from devfocus.app.trustgate import decide_for
    from devfocus.git.repository import find_repositories

    found = []
    for repo in find_repositories([path]):
        verdict = decide_for(repo.key, repo.git_dir)
        found.append({"root": repo.key, "read": verdict.allowed, "reason": verdict.reason})
    return found


def _check_data_directory(directory: Path) -> dict[str, Any]:
    from devfocus.store.sqlitefile import others_may_access

    exists = directory.is_dir()
    info: dict[str, Any] = {
        "path": str(directory),
        "from": "DEVFOCUS_DATA_DIR" if os.environ.get("DEVFOCUS_DATA_DIR") else "platform",
        "exists": exists,
        "mode": _mode(directory) if exists else None,
        "problems": [],
    }
    if exists and os.name != "nt" and others_may_access(directory.stat().st_mode):
        info["problems"].append(
            f"the data directory is open to others ({info['mode']}): DevFocus makes it 0700 "
            f"when it next opens its database, or run chmod 700 {directory}"
        )
    return info


def doctor(args: argparse.Namespace) -> int:
    settings = _settings(args)
    directory = data_dir()
    url = database_url(settings)
    with _working("Checking the database"):
        database = _check_database(url)
    folder = _check_data_directory(directory)
    result = {
        "versions": _versions(),
        "dataDirectory": folder,
        "database": database,
        "git": {**_check_git(), "repositories": _check_repositories(Path(args.path or "."))},
    }
    # git is optional: its absence is reported, not a failure
    healthy = database["ok"] and not folder["problems"]
    result["healthy"] = healthy
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(_doctor_text(result))
    return 0 if healthy else 1


def _doctor_text(r: dict[str, Any]) -> str:
    v = r["versions"]
    libs = ", ".join(f"{k} {v[k]}" for k in v if k not in ("devfocus", "python"))
    d, db, git = r["dataDirectory"], r["database"], r["git"]
    lines = [
        f"DevFocus {v['devfocus']} on Python {v['python']} ({sys.executable})",
        f"  {libs}",
        "",
        f"Data directory  {d['path']}  (from {d['from']}"
        + (f", mode {d['mode']})" if d["exists"] else ", not created yet)"),
        *(f"  ✗ {p}" for p in d["problems"]),
        f"Database        {db['url']}",
    ]
    if "size" in db:
        lines.append(f"                {db['size'] / 1048576:.1f} MiB, mode {db['mode']}")
    if db.get("note"):
        lines.append(f"                {db['note']}")
    if "schema" in db:
        lines.append(
            f"                schema {db['schema']} (this version knows {db['schemaKnown']})"
            + (
                f", integrity {db['integrity']}, journal {db['journal']}"
                if "integrity" in db
                else ""
            )
        )
    if "events" in db:
        span = f", {db['first']} … {db['last']}" if "first" in db else ""
        lines.append(f"                {db['events']} events{span}")
    lines += [f"  ✗ {p}" for p in db.get("problems", [])]
    lines.append(f"Git             {git.get('version') or 'not available'}")
    lines += [f"  ✗ {p}" for p in git.get("problems", [])]
    for repo in git["repositories"]:  # not read is a choice git makes too, not a failure
        lines.append(f"  {repo['root']}: " + ("read" if repo["read"] else repo["reason"]))
    lines += ["", "healthy" if r["healthy"] else "problems found (see ✗ above)"]
    return "\n".join(lines)


# -- delete ------------------------------------------------------------------------------------
def delete(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from devfocus.store.database import Database
    from devfocus.store.engine import sqlite_file
    from devfocus.store.events import count_events

    settings = _settings(args)
    url = database_url(settings)
    path = sqlite_file(make_url(url))
    if path is not None and not path.exists():
        print(f"nothing to delete: {path} does not exist")
        return 0
    database = Database(url)
    count = database.run(count_events)
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "devfocus: refusing to delete without --yes (no terminal to ask)", file=sys.stderr
            )
            return 2
        answer = input(f"Erase all {count} events in {database.display}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    if path is not None and not settings.database.url:
        database.close()  # the default file is ours alone: remove it with its journal files
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"deleted {path} ({count} events)")
    else:
        from devfocus.app.userdata import delete_all

        erased = delete_all(database)
        database.close()
        print(
            f"deleted {erased.events} events and {erased.commits} commits from {database.display}"
        )
    return 0

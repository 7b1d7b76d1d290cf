"""What ``devfocus doctor`` checks, for any front end: versions, the data directory, the
database (schema, integrity, who may read its files), git (whether it runs, which
repositories DevFocus reads) and the AI provider (configured, key, reachable). Each check
answers a JSON-ready dict with a ``problems`` list."""

from __future__ import annotations

import os
import platform
import stat
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from devfocus import __version__
from devfocus.config import DATA_DIR_ENV

if TYPE_CHECKING:
    from devfocus.config import Settings

LIBRARIES = ("pygls", "lsprotocol", "cattrs", "SQLAlchemy", "platformdirs", "pathspec")


class DatabaseCheck(TypedDict, total=False):
    url: str
    ok: bool
    file: str
    note: str
    size: int
    mode: str
    schema: int
    schemaKnown: int
    integrity: str
    journal: str
    events: int
    first: str
    last: str
    problems: list[str]


class GitCheck(TypedDict, total=False):
    ok: bool
    path: str | None
    version: str
    problems: list[str]


class RepositoryCheck(TypedDict):
    root: str
    read: bool
    reason: str | None


# Functional form: "from" is a keyword.
DataDirectoryCheck = TypedDict(
    "DataDirectoryCheck",
    {"path": str, "from": str, "exists": bool, "mode": str | None, "problems": list[str]},
)


def versions() -> dict[str, str]:
    """DevFocus, Python and each library DevFocus needs ("missing" when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"devfocus": __version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def check_database(url: str) -> DatabaseCheck:
    """The database at ``url``: its file and who may read it, its schema against this version's,
    SQLite's quick integrity check, and how many events it holds over which span."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from devfocus.app.userdata import iso_ms
    from devfocus.store.engine import create, display_url, sqlite_file
    from devfocus.store.errors import classify
    from devfocus.store.events import count_events, event_range
    from devfocus.store.migrations import current_version, head
    from devfocus.store.sqlitefile import describe, holds, journal, others_may_access

    info: DatabaseCheck = {"url": display_url(url), "ok": False}
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
            schema = info["schema"] = current_version(conn)
            info["schemaKnown"] = head()
            if engine.dialect.name == "sqlite":
                info["integrity"] = str(conn.execute(text("PRAGMA quick_check")).scalar())
                info["journal"] = str(conn.execute(text("PRAGMA journal_mode")).scalar())
        if schema:
            info["events"] = count_events(engine)
            span = event_range(engine)
            if span is not None:
                info["first"], info["last"] = (iso_ms(int(t * 1000)) for t in span)
        problems = []
        if info.get("integrity", "ok") != "ok":
            problems.append(f"integrity check failed: {info['integrity']}")
        if schema > info["schemaKnown"]:
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


def check_git() -> GitCheck:
    """Whether git runs, where it is and its version (git is optional: not a failure)."""
    from devfocus.git.runner import GitError, GitMissing, git_executable, git_version

    git = git_executable()
    try:
        return {"ok": True, "path": git, "version": git_version()}
    except GitMissing:
        return {"ok": False, "problems": ["git is not on PATH: git history features are off"]}
    except GitError as error:
        return {"ok": False, "path": git, "problems": [f"git does not run: {error.message}"]}


def check_repositories(path: Path) -> list[RepositoryCheck]:
    """The repositories at or below ``path`` and whether DevFocus reads them (git's ownership
    rule, ``safe.directory``); why not, with the command that trusts one."""
    from devfocus.app.trustgate import decide_for
    from devfocus.git.repository import find_repositories

    found: list[RepositoryCheck] = []
    for repo in find_repositories([path]):
        verdict = decide_for(repo.key, repo.git_dir)
        found.append({"root": repo.key, "read": verdict.allowed, "reason": verdict.reason})
    return found


def check_data_directory(directory: Path) -> DataDirectoryCheck:
    """Where DevFocus keeps its data, what chose it, and whether others may read it."""
    from devfocus.store.sqlitefile import others_may_access

    exists = directory.is_dir()
    info: DataDirectoryCheck = {
        "path": str(directory),
        "from": DATA_DIR_ENV if os.environ.get(DATA_DIR_ENV) else "platform",
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


class AICheck(TypedDict, total=False):
    provider: str  # "none" when off
    model: str
    baseUrl: str  # "" for the provider's own API
    key: str  # where the key is looked for, and whether it is there: never the key itself
    sdk: str  # the SDK and its version, or "missing"
    state: str  # off, ready, degraded, unconfigured
    reachable: bool
    lastError: str | None
    problems: list[str]


AI_SDKS = {"anthropic": "anthropic", "openai": "openai", "openai-compatible": "openai"}


def check_ai(settings: Settings) -> AICheck:
    """The AI provider: configured or not, where its key is looked for (and whether it is
    there), its SDK, and whether it answers a cheap request (only when one is configured: doctor
    makes no network call otherwise)."""
    from importlib.metadata import PackageNotFoundError, version

    ai = settings.ai
    if ai.provider == "none":
        return {"provider": "none", "state": "off", "problems": []}
    import asyncio

    from devfocus.ai.keys import api_key, key_variable
    from devfocus.app.aiservice import AIService

    sdk = AI_SDKS[ai.provider]
    try:
        sdk_found = f"{sdk} {version(sdk)}"
    except PackageNotFoundError:
        sdk_found = "missing"
    variable = key_variable(ai)
    has_key = api_key(ai, os.environ) is not None
    service = AIService(settings)

    async def probe() -> tuple[str, str | None, str | None]:
        try:
            health = await service.probe()
            return health.state, health.reason, health.last_error
        finally:
            await service.aclose()

    state, reason, last_error = asyncio.run(probe())
    problems = [last_error or reason or state] if state != "ready" else []
    return {
        "provider": ai.provider,
        "model": service.model,
        "baseUrl": ai.base_url,
        "key": f"${variable} " + ("is set" if has_key else "is not set")
        if variable
        else "none needed",
        "sdk": sdk_found,
        "state": state,
        "reachable": state == "ready",
        "lastError": last_error,
        "problems": problems,
    }

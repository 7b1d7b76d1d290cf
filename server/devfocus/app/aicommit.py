"""Commit messages with AI: the staged change read as data, the draft asked of the model, and the
coach's score of it, for the editor's code action and ``devfocus coach --suggest``.

Git runs only through :mod:`devfocus.git.runner` (``diff --cached``: the index, never the work
tree, with no diff driver). Of an excluded file (``devfocus.ai.exclude``, and every
``.env``-style file) nothing is read beyond the count of files; hunks are read only when
``devfocus.ai.sendCode`` allows code, only for the files that may be sent, and only for changes
small enough to fit the prompt's budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from devfocus.ai.commitprompt import (
    HUNK_BUDGET,
    CommitFacts,
    Draft,
    StagedChange,
    StagedFile,
    commit_prompt_of,
    draft_of,
)
from devfocus.ai.exclude import is_env_file, is_excluded
from devfocus.git.coach import HABIT_SAMPLE, Coaching, Habits, coach, habits_of
from devfocus.git.commits import staged_changes
from devfocus.git.head import checked_out, find_git_dir
from devfocus.git.logstream import read_commits
from devfocus.git.model import FileChange
from devfocus.git.runner import GitError, GitMissing, run_git

if TYPE_CHECKING:
    from devfocus.ai.exchange import Answer, Prompt
    from devfocus.app.aiservice import AIService
    from devfocus.config import Settings

# Changes of more lines than this are described by their counts: their hunks would not fit.
MAX_HUNK_LINES = 1_500
# Of the files that fit, hunks are read for this many at most (the smallest changes first).
MAX_HUNK_FILES = 60
_NAME_STATUS = ("diff", "--cached", "-z", "--name-status", "--find-renames", "--no-color")
_PATCH = ("diff", "--cached", "--no-color", "--find-renames", "--unified=3", "--no-prefix")


@dataclass(frozen=True)
class RecentHistory:
    """What the repository's recent commits say about how it writes messages."""

    habits: Habits
    subjects: tuple[str, ...]  # newest first


@dataclass(frozen=True)
class Suggestion:
    """A drafted message and the coach's score of it."""

    draft: Draft
    coaching: Coaching
    answer: Answer


def recent_history(repo: Path | str, count: int = HABIT_SAMPLE) -> RecentHistory:
    """The habits and subjects of the last ``count`` commits of HEAD, from one ``git log``
    (none for an unborn branch)."""
    try:
        commits = list(read_commits(repo, ["-n", str(count), "HEAD"]))
    except GitMissing:
        raise
    except GitError:
        return RecentHistory(Habits(), ())
    subjects = tuple(c.subject for c in commits if not c.merge)
    return RecentHistory(habits_of(commits), subjects)


def branch_of(repo: Path | str) -> str | None:
    git_dir = find_git_dir(Path(repo))
    if git_dir is None:
        return None
    branch, _ = checked_out(git_dir)
    return branch


def top_level(repo: Path | str) -> Path:
    """The work tree's top directory (``repo`` may be inside it)."""
    out = run_git(repo, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
    return Path(out) if out else Path(repo)


def excluded_from_ai(path: str, root: str, globs: Sequence[str]) -> bool:
    """Whether nothing of ``path`` may reach a model: excluded by the settings, or a
    ``.env``-style file."""
    # .env-style files hold secrets by design: never described, whatever the globs say.
    return is_env_file(path) or is_excluded(path, root, globs)


def read_staged(
    repo: Path | str,
    files: Sequence[FileChange],
    settings: Settings,
) -> StagedChange:
    """The staged change as a model may know it: the status of each staged file ``files`` names
    (its numstat, already read), excluded files counted only, and the hunks of the others when
    ``devfocus.ai.sendCode`` is on."""
    root = str(repo)
    globs = settings.ai.exclude
    statuses = _statuses(repo)
    shown: list[FileChange] = []
    excluded = 0
    for change in files:
        if excluded_from_ai(change.path, root, globs) or (
            change.old_path is not None and excluded_from_ai(change.old_path, root, globs)
        ):
            excluded += 1
        else:
            shown.append(change)
    hunks: dict[str, str] = {}
    if settings.ai.send_code:
        hunks = _hunks(repo, shown)
    staged = tuple(
        StagedFile(
            path=f.path,
            status=statuses.get(f.path, "M"),
            added=f.added,
            deleted=f.deleted,
            old_path=f.old_path,
            hunks=hunks.get(f.path),
        )
        for f in shown
    )
    return StagedChange(staged, excluded, hunks_read=settings.ai.send_code)


def commit_facts(
    repo: Path | str,
    settings: Settings,
    *,
    files: Sequence[FileChange] | None = None,
    history: RecentHistory | None = None,
    branch: str | None = None,
) -> CommitFacts:
    """Everything a draft of ``repo``'s next commit message is made from (git runs here: call it
    off the event loop). What the caller already read (the coach's staged diff, habits, branch)
    is not read again."""
    if files is None:
        files = staged_changes(repo)
    if history is None:
        history = recent_history(repo)
    if branch is None:
        branch = branch_of(repo)
    return CommitFacts(
        staged=read_staged(repo, files, settings),
        files=tuple(files),
        habits=history.habits,
        branch=branch,
        subjects=history.subjects,
    )


def commit_prompt(repo: str, settings: Settings) -> Prompt:
    """What would be sent to draft the message of ``repo``'s staged change (``devfocus ai
    preview commit``)."""
    top = top_level(repo)
    return commit_prompt_of(commit_facts(top, settings))


async def suggest_message(service: AIService, facts: CommitFacts) -> Suggestion:
    """A draft of the message from the model (never cached: the staged change moves), made to
    fit the repository and scored by the coach. Raises
    :class:`~devfocus.ai.exchange.AIUnavailable`."""
    answer = await service.answer(commit_prompt_of(facts), None)
    draft = draft_of(answer.data, facts)
    return Suggestion(draft, score_draft(draft, facts), answer)


def score_draft(draft: Draft, facts: CommitFacts) -> Coaching:
    """The coach's score of ``draft`` against every staged file and the repository's habits."""
    return coach(draft.message, facts.files, facts.habits, branch=facts.branch)


# -- git ----------------------------------------------------------------------------------------
def _diff(repo: Path | str, *args: str) -> bytes:
    """``git diff --cached ...`` of the index a commit in progress records (``index.lock`` while
    ``git commit`` waits for its editor, as :func:`staged_changes` reads it)."""
    git_dir = find_git_dir(Path(repo))
    lock = git_dir / "index.lock" if git_dir is not None else None
    if lock is not None and lock.is_file():
        try:
            return run_git(repo, *args, index_file=lock)
        except GitMissing:
            raise
        except GitError:
            pass  # a lock being written by another command: the index itself will do
    return run_git(repo, *args)


def _statuses(repo: Path | str) -> dict[str, str]:
    """Staged path → git's status letter (``R`` for a rename, under its new path)."""
    fields = _diff(repo, *_NAME_STATUS).split(b"\x00")
    out: dict[str, str] = {}
    i = 0
    while i < len(fields):
        status = fields[i].decode("ascii", "replace").strip()
        i += 1
        if not status:
            continue
        letter = status[:1]
        if letter in ("R", "C"):
            if i + 1 >= len(fields):
                break
            path = fields[i + 1]
            i += 2
        else:
            if i >= len(fields):
                break
            path = fields[i]
            i += 1
        out[path.decode("utf-8", "backslashreplace")] = letter
    return out


def _hunks(repo: Path | str, files: Sequence[FileChange]) -> dict[str, str]:
    """The hunks of the text files among ``files`` small enough for the budget, from one
    ``git diff --cached`` limited to them, by path."""
    candidates = sorted(
        (
            f
            for f in files
            if not f.binary and 0 < (f.added or 0) + (f.deleted or 0) <= MAX_HUNK_LINES
        ),
        key=lambda f: (f.added or 0) + (f.deleted or 0),
    )
    chosen: list[FileChange] = []
    lines = 0
    for change in candidates[:MAX_HUNK_FILES]:
        size = (change.added or 0) + (change.deleted or 0)
        if chosen and lines + size > 2 * HUNK_BUDGET // 20:  # ~20 characters a line, twice over
            break
        chosen.append(change)
        lines += size
    if not chosen:
        return {}
    specs: list[str] = []
    for change in chosen:
        specs.append(f":(top,literal){change.path}")
        if change.old_path is not None:
            specs.append(f":(top,literal){change.old_path}")
    patch = _diff(repo, *_PATCH, "--", *specs).decode("utf-8", "replace")
    return _split_patch(patch, [c.path for c in chosen])


def _split_patch(patch: str, paths: Sequence[str]) -> dict[str, str]:
    """Each file's hunks (from its first ``@@`` on) in a patch of ``paths``, by path."""
    out: dict[str, str] = {}
    sections = patch.split("\ndiff --git ")
    for section in sections:
        header, _, rest = section.partition("\n")
        path = _section_path(header.removeprefix("diff --git "), paths)
        at = rest.find("@@")
        if path is None or at < 0 or (at > 0 and rest[at - 1] != "\n"):
            continue
        out[path] = rest[at:]
    return out


def _section_path(header: str, paths: Sequence[str]) -> str | None:
    """Which of ``paths`` a ``diff --git OLD NEW`` header (``--no-prefix``) is about."""
    for path in sorted(paths, key=len, reverse=True):  # "a b" before "b"
        if header.endswith((f" {path}", f" {_quoted(path)}")):
            return path
    return None


def _quoted(path: str) -> str:
    """``path`` as git quotes a name holding a quote, a backslash or a control character."""
    escapes = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
    parts = []
    for ch in path:
        if ch in escapes:
            parts.append(escapes[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            parts.append(f"\\{ord(ch):03o}")
        else:
            parts.append(ch)
    return f'"{"".join(parts)}"'

"""Which files a change touches, and the unrelated areas they fall in (what an area is: see
the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable

from devfocus.git.coach.words import words_of
from devfocus.git.model import FileChange

LOCK_FILES = frozenset(
    words_of(
        "package-lock.json yarn.lock pnpm-lock.yaml poetry.lock uv.lock Cargo.lock go.sum "
        "Gemfile.lock composer.lock Pipfile.lock flake.lock bun.lockb npm-shrinkwrap.json"
    )
)
_CONTAINERS = frozenset(
    words_of(
        "src lib libs source sources packages pkg pkgs internal cmd apps crates modules projects "
        "services components plugins server"
    )
)
_TEST_DIRS = frozenset(words_of("tests test __tests__ spec specs testing unit integration e2e"))
_DOC_DIRS = frozenset(words_of("docs doc documentation"))
_DOC_SUFFIXES = frozenset(words_of(".md .rst .txt .adoc"))
CI_PREFIXES = (".github/", ".gitlab-ci", ".circleci/", ".azure-pipelines", ".travis.yml")


# Paths as git prints them (relative, "/"-separated) are split with str methods: a report scores
# thousands of commits, and a PurePosixPath per file was most of the cost.
def path_parts(path: str) -> tuple[str, ...]:
    """``PurePosixPath(path).parts`` of a relative path."""
    return tuple(part for part in path.split("/") if part and part != ".")


def suffix_of(name: str) -> str:
    """``PurePosixPath(name).suffix``: from the last dot, unless it starts or ends the name."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _counted(change: FileChange) -> bool:
    name = change.path.rpartition("/")[2]
    return name not in LOCK_FILES and ".min." not in name


def lines_changed(files: Iterable[FileChange]) -> int:
    """Lines added plus deleted, lock files and minified files not counted."""
    return sum((f.added or 0) + (f.deleted or 0) for f in files if _counted(f))


def is_test(parts: tuple[str, ...]) -> bool:
    """Whether the path (split in parts) is a test file."""
    name = parts[-1]
    stem = name.split(".")[0]
    return (
        any(p in _TEST_DIRS for p in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith(("_test", "_spec"))
        or ".test." in name
        or ".spec." in name
    )


def is_doc(parts: tuple[str, ...]) -> bool:
    """Whether the path (split in parts) is documentation."""
    name = parts[-1]
    return (
        parts[0].lower() in _DOC_DIRS
        or suffix_of(name).lower() in _DOC_SUFFIXES
        or name.split(".")[0].upper() in ("README", "CHANGELOG", "CHANGES", "LICENSE", "NEWS")
    )


def _code_area(parts: tuple[str, ...]) -> str:
    dirs = list(parts[:-1])
    while len(dirs) > 1 and dirs[0] in _CONTAINERS:
        dirs.pop(0)
    return "/".join(dirs[:2]) if len(dirs) >= 2 else dirs[0]


def _test_names(parts: tuple[str, ...]) -> set[str]:
    stem = parts[-1].split(".")[0]
    stem = stem.removeprefix("test_").removesuffix("_test").removesuffix("_spec")
    return {p for p in parts[:-1] if p not in _TEST_DIRS} | {stem}


def areas_of(files: Iterable[FileChange]) -> list[str]:
    """The unrelated areas a change touches (see the package docstring), sorted."""
    code: dict[str, set[str]] = {}  # area -> names that tie a test to it
    tests: list[tuple[str, ...]] = []
    other: set[str] = set()
    for change in files:
        parts = path_parts(change.path)
        if not parts:
            continue
        if is_test(parts):
            tests.append(parts)
        elif is_doc(parts):
            other.add("docs")
        elif len(parts) == 1:
            other.add("(root)")
        else:
            area = _code_area(parts)
            names = code.setdefault(area, set())
            names.update(area.split("/"))
            names.add(parts[-1].split(".")[0])
    # A package's own files (its __init__, its CLI) tie its subpackages together, not apart.
    areas = {a for a in code if not any(other.startswith(a + "/") for other in code)}
    for parts in tests:
        names = _test_names(parts)
        if not any(names & tied for tied in code.values()):
            areas.add("tests")
    if not areas:
        areas = other
    return sorted(areas)

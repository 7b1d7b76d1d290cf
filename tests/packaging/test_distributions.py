"""What ``python -m build`` makes, read as pip, the package index and a user see it: the wheel's
tags, files and metadata, the sdist's files, the README as the index renders it, and the
version and links shared with package.json."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from readme_renderer.markdown import render

from tests.artifacts import ROOT
from tests.packaging.dists import (
    OPTIONAL_SDKS,
    PACKAGE_JSON,
    PYPROJECT,
    VERSION,
    Dists,
    git_files,
)

DIST_INFO = f"devfocus-{VERSION}.dist-info"
# The one set of links (repository, issues, documentation, changelog) used everywhere.
URLS = {
    "Repository": "https://github.com/devfocus/devfocus",
    "Issues": "https://github.com/devfocus/devfocus/issues",
    "Documentation": "https://github.com/devfocus/devfocus#readme",
    "Changelog": "https://github.com/devfocus/devfocus/blob/main/CHANGELOG.md",
}
BLOB = "https://github.com/devfocus/devfocus/blob/main/"
RAW = "https://raw.githubusercontent.com/devfocus/devfocus/main/"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def _metadata(text: str) -> Message:
    return Parser().parsestr(text)


@pytest.fixture(scope="module")
def wheel_names(dists: Dists) -> list[str]:
    with zipfile.ZipFile(dists.wheel) as wheel:
        return wheel.namelist()


@pytest.fixture(scope="module")
def metadata(dists: Dists) -> Message:
    with zipfile.ZipFile(dists.wheel) as wheel:
        return _metadata(wheel.read(f"{DIST_INFO}/METADATA").decode())


@pytest.fixture(scope="module")
def sdist_names(dists: Dists) -> list[str]:
    with tarfile.open(dists.sdist) as sdist:
        names = [member.name for member in sdist.getmembers() if member.isfile()]
    top = f"devfocus-{VERSION}/"
    assert all(name.startswith(top) for name in names), names
    return [name.removeprefix(top) for name in names]


def _requirements(metadata: Message, extra: str | None) -> dict[str, Requirement]:
    """What installing devfocus (with ``extra``) pulls in on this platform, by package name."""
    found: dict[str, Requirement] = {}
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or marker.evaluate({"extra": extra or ""}):
            found[canonicalize_name(requirement.name)] = requirement
    return found


def test_the_wheel_is_pure_python(dists: Dists) -> None:
    name, version, _build, tags = parse_wheel_filename(dists.wheel.name)
    assert (name, str(version)) == ("devfocus", VERSION)
    assert {str(tag) for tag in tags} == {"py3-none-any"}
    with zipfile.ZipFile(dists.wheel) as wheel:
        info = _metadata(wheel.read(f"{DIST_INFO}/WHEEL").decode())
    assert info["Root-Is-Purelib"] == "true"
    assert info.get_all("Tag") == ["py3-none-any"]


def test_the_wheel_holds_the_package_and_nothing_else(wheel_names: list[str]) -> None:
    # Every file of server/devfocus, Python or not (whatever the server reads at run time lives
    # in the package), and no bytecode, tests, docs or editor files.
    package = {
        "devfocus/" + name.removeprefix("server/devfocus/") for name in git_files("server/devfocus")
    }
    in_wheel = {name for name in wheel_names if not name.startswith(DIST_INFO + "/")}
    assert in_wheel - package == set(), "stray files in the wheel"
    assert package - in_wheel == set(), "files of the package missing from the wheel"
    dist_info = {name.removeprefix(DIST_INFO + "/") for name in wheel_names} - in_wheel
    assert dist_info == {"METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE"}


def test_the_wheel_marks_the_package_as_typed(wheel_names: list[str], metadata: Message) -> None:
    # The "Typing :: Typed" classifier promises PEP 561's marker to type checkers.
    assert "Typing :: Typed" in (metadata.get_all("Classifier") or [])
    marked = "devfocus/py.typed" in wheel_names
    assert marked, "the wheel has no devfocus/py.typed: server/devfocus/py.typed is missing"


def test_the_wheel_installs_the_devfocus_command(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        entry_points = wheel.read(f"{DIST_INFO}/entry_points.txt").decode()
    assert entry_points.split() == ["[console_scripts]", "devfocus", "=", "devfocus.cli:main"]


def test_the_metadata_says_what_the_package_index_shows(metadata: Message) -> None:
    assert metadata["Name"] == "devfocus"
    assert metadata["Version"] == VERSION
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Summary"] and metadata["Author"] and metadata["Keywords"]
    urls = dict(line.split(", ", 1) for line in metadata.get_all("Project-URL") or [])
    assert urls == URLS
    classifiers = metadata.get_all("Classifier") or []
    for python in PYTHONS:
        assert f"Programming Language :: Python :: {python}" in classifiers
    assert "Operating System :: OS Independent" in classifiers
    assert "Environment :: Console" in classifiers
    assert any(c.startswith("Topic :: ") for c in classifiers)
    # PEP 639: the license expression replaces the deprecated license classifiers.
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_the_optional_extras_stay_optional(metadata: Message) -> None:
    assert {"ai", "postgres"} <= set(metadata.get_all("Provides-Extra") or [])
    base = _requirements(metadata, None)
    assert {"pygls", "libcst", "sqlalchemy"} <= set(base)
    assert not OPTIONAL_SDKS & set(base), "the base install pulls an optional SDK"
    ai = set(_requirements(metadata, "ai")) - set(base)
    assert ai == {"anthropic", "openai"}
    postgres = _requirements(metadata, "postgres")
    assert set(postgres) - set(base) == {"psycopg"}
    assert postgres["psycopg"].extras == {"binary"}
    markers = {
        canonicalize_name(r.name): str(r.marker)
        for r in map(Requirement, metadata.get_all("Requires-Dist") or [])
        if r.marker is not None and "extra" in str(r.marker) and "test" not in str(r.marker)
    }
    assert markers == {
        "anthropic": 'extra == "ai"',
        "openai": 'extra == "ai"',
        "psycopg": 'extra == "postgres"',
    }


def test_the_readme_renders_as_the_package_index_page(metadata: Message) -> None:
    assert metadata["Description-Content-Type"] == "text/markdown"
    readme = (ROOT / "README.md").read_text()
    description = metadata.get_payload()
    assert isinstance(description, str)
    headings = [line for line in readme.splitlines() if line.startswith("#")]
    assert headings and [line for line in description.splitlines() if line.startswith("#")] == (
        headings
    )
    html = render(description)  # what the package index runs (GitHub-flavoured Markdown)
    assert html is not None
    assert re.search(r"<h2[^>]*>Quick start", html), html[:500]
    # Relative links would resolve against the package index's site: each one points at the
    # repository instead, at a file that exists.
    targets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert len(targets) > 10
    for target in targets:
        if target.startswith("#"):
            continue
        assert target.startswith("https://"), f"a relative link on the package index: {target}"
        if target.startswith((BLOB, RAW)):
            path = target.removeprefix(BLOB).removeprefix(RAW).split("#")[0]
            assert (ROOT / path).exists(), f"the README links to a missing file: {path}"


def test_twine_accepts_both_files(dists: Dists) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", dists.sdist, dists.wheel],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout


def test_the_sdist_holds_the_sources_docs_and_nothing_machine_local(
    sdist_names: list[str],
) -> None:
    expected = {
        *git_files("server/devfocus"),
        *git_files("docs"),
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "pyproject.toml",
        "PKG-INFO",
        ".gitignore",  # hatch ships it so that a build from the sdist ignores the same files
    }
    names = set(sdist_names)
    local = (".venv/", "node_modules/", "bundled/", ".e2e/", ".test-artifacts/", "tests/")
    assert not [name for name in names if name.startswith(local) or name.endswith(".vsix")]
    assert names - expected == set(), "stray files in the sdist"
    assert expected - names == set(), "files missing from the sdist"


def test_the_sdist_and_the_wheel_carry_the_same_metadata(dists: Dists, metadata: Message) -> None:
    with tarfile.open(dists.sdist) as sdist:
        member = sdist.extractfile(f"devfocus-{VERSION}/PKG-INFO")
        assert member is not None
        pkg_info = _metadata(member.read().decode())
    for field in ("Name", "Version", "Requires-Python", "License-Expression"):
        assert pkg_info[field] == metadata[field], field
    for field in ("Project-URL", "Requires-Dist", "Provides-Extra", "Classifier"):
        assert pkg_info.get_all(field) == metadata.get_all(field), field


def test_the_versions_agree() -> None:
    command = subprocess.run(
        [sys.executable, "-m", "devfocus", "--version"], capture_output=True, text=True, check=True
    )
    assert PACKAGE_JSON["version"] == VERSION
    assert command.stdout == f"devfocus {VERSION}\n"


def test_the_links_agree_with_package_json() -> None:
    urls = PYPROJECT["project"]["urls"]
    repository = PACKAGE_JSON.get("repository")
    bugs = PACKAGE_JSON.get("bugs")
    assert repository, "package.json has no repository field"
    assert bugs, "package.json has no bugs field"
    assert "homepage" in PACKAGE_JSON, "package.json has no homepage field"
    repository_url = repository["url"] if isinstance(repository, dict) else repository
    bugs_url = bugs["url"] if isinstance(bugs, dict) else bugs
    assert repository_url.removeprefix("git+").removesuffix(".git") == urls["Repository"]
    assert bugs_url == urls["Issues"]
    assert PACKAGE_JSON["homepage"] == urls["Documentation"]
    assert PACKAGE_JSON.get("license") == PYPROJECT["project"]["license"]


def test_the_links_are_the_shared_ones() -> None:
    assert PYPROJECT["project"]["urls"] == URLS

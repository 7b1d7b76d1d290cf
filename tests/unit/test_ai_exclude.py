"""Files never sent to a model: devfocus.ai.exclude's globs, matched like tracking.exclude's."""

from __future__ import annotations

import os

import pytest

from devfocus.ai.exclude import is_env_file, is_excluded, project_path
from devfocus.config import DEFAULT_AI_EXCLUDES

ROOT = "/home/me/src/shop"


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "deploy/prod.env",
        ".envrc",
        ".netrc",
        ".npmrc",
        ".pypirc",
        ".git-credentials",
        "certs/site.pem",
        "certs/site.key",
        "certs/client.p12",
        "certs/client.pfx",
        "keys/id_rsa",
        "keys/id_rsa.pub",
        "home/id_ed25519",
        "config/secrets/db.yaml",
        "secrets/api.json",
        "app/.secrets/token",
        "config/client_secret.json",
        "gcp-credentials.json",
        "Credentials.json",  # case does not save a secret
        "CONFIG/SECRETS/DB.YAML",
        ".ENV",
    ],
)
def test_the_default_globs_exclude_secret_files(path: str) -> None:
    assert is_excluded(f"{ROOT}/{path}", ROOT, DEFAULT_AI_EXCLUDES)
    assert is_excluded(path, ROOT, DEFAULT_AI_EXCLUDES)  # relative to the root, too


@pytest.mark.parametrize(
    "path",
    [
        "src/shop/cart.py",
        "README.md",
        "src/environment.py",
        "docs/keys.md",
        "tests/test_env.py",
        "office/secretary.py",  # a name with "secret" in it is not a secret file
        "forms/credentials_form.py",
    ],
)
def test_ordinary_files_are_not_excluded(path: str) -> None:
    assert not is_excluded(f"{ROOT}/{path}", ROOT, DEFAULT_AI_EXCLUDES)


def test_patterns_are_relative_to_the_project_root() -> None:
    globs = ["/generated/", "vendor/**", "*.min.js"]
    assert is_excluded(f"{ROOT}/vendor/lib/a.py", ROOT, globs)
    assert is_excluded(f"{ROOT}/web/app.min.js", ROOT, globs)
    assert not is_excluded(f"{ROOT}/src/vendor_tools.py", ROOT, globs)
    # A leading "/" is an absolute path, as in devfocus.tracking.exclude: not the project's.
    assert not is_excluded(f"{ROOT}/generated/x.py", ROOT, globs)
    assert is_excluded("/generated/x.py", None, globs)


def test_a_directory_pattern_excludes_everything_under_it() -> None:
    assert is_excluded(f"{ROOT}/build/out/a.py", ROOT, ["build/"])
    assert not is_excluded(f"{ROOT}/src/build.py", ROOT, ["build/"])


def test_negation_reincludes_as_in_gitignore() -> None:
    globs = ["*.env", "!example.env"]
    assert is_excluded(f"{ROOT}/prod.env", ROOT, globs)
    assert not is_excluded(f"{ROOT}/example.env", ROOT, globs)


def test_absolute_and_home_patterns_match_absolute_paths() -> None:
    home = os.path.expanduser("~")
    assert is_excluded(f"{home}/.aws/config", ROOT, ["~/.aws/**"])
    assert is_excluded("/etc/ssl/private/site.key", ROOT, ["/etc/ssl/**"])
    assert not is_excluded(f"{ROOT}/etc/ssl/x", ROOT, ["/etc/ssl/**"])


def test_a_file_outside_any_project_is_matched_by_its_path() -> None:
    assert is_excluded("/tmp/scratch/server.pem", None, DEFAULT_AI_EXCLUDES)
    assert is_excluded("/srv/other/.env", ROOT, DEFAULT_AI_EXCLUDES)
    assert not is_excluded("/tmp/scratch/notes.py", None, DEFAULT_AI_EXCLUDES)


def test_no_globs_exclude_nothing_and_blank_or_comment_lines_are_ignored() -> None:
    assert not is_excluded(f"{ROOT}/.env", ROOT, [])
    assert not is_excluded(f"{ROOT}/a.py", ROOT, ["", "  ", "# *.py"])


def test_project_path() -> None:
    assert project_path(f"{ROOT}/src/a.py", ROOT) == "src/a.py"
    assert project_path("src/a.py", ROOT) == "src/a.py"
    assert project_path(f"{ROOT}/../other/a.py", ROOT) == "/home/me/src/other/a.py"
    assert project_path("/x/a.py", None) == "/x/a.py"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".env", True),
        ("/p/.env.local", True),
        ("deploy/prod.env", True),
        (".envrc", True),
        (".flaskenv", True),
        ("env.list", True),
        ("/p/.ENV", True),
        ("environment.py", False),
        ("settings.toml", False),
        ("/p/.envoy/config.yaml", False),
    ],
)
def test_env_files_are_known_by_their_names(path: str, expected: bool) -> None:
    assert is_env_file(path) is expected

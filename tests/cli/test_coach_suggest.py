"""``devfocus coach --suggest`` as a user runs it: a real process on a repository with a staged
change, against a local server that speaks OpenAI's Chat Completions API through the real SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.aiservers import OpenAIServer
from tests.repos import git

KEY = "sk-openai-test-commit"
CODE = "def tokenize(text):\n    return text.split()\n"
REPLY = {"subject": "Added the tokenizer.", "body": "It splits a text into words."}


@pytest.fixture
def model() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture
def staged(make_repo: Callable[..., Path]) -> Path:
    repo = make_repo("shop")
    (repo / "lexer").mkdir()
    (repo / "lexer" / "tokens.py").write_text(CODE)
    git(repo, "add", "lexer/tokens.py")
    return repo


def devfocus(
    data_dir: Path, *args: str, cwd: Path, url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEVFOCUS_AI_", "OPENAI_"))}
    env |= {"DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC", "OPENAI_API_KEY": KEY}
    if url is not None:
        args = (*args, "--ai-provider", "openai", "--ai-base-url", url)
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_suggest_prints_the_draft_and_its_score(
    staged: Path, tmp_path: Path, model: OpenAIServer
) -> None:
    model.reply(REPLY)
    # from a subdirectory: the repository is found, and its paths stay the repository's
    done = devfocus(tmp_path / "data", "coach", "--suggest", cwd=staged / "lexer", url=model.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Add the tokenizer\n"
        "\n"
        "It splits a text into words.\n"
        "\n"
        "# Commit score 10/10 — message 10/10, files 10/10, size 10/10, context 10/10\n"
        "# Drafted by openai (gpt-5-mini) from the staged change.\n"
    )
    [request] = model.requests
    assert "lexer/tokens.py (added, +2 −0)" in request.user
    assert "tokenize" not in request.user  # names and counts only by default

    model.reply(REPLY)
    done = devfocus(
        tmp_path / "data",
        "coach",
        "--suggest",
        "--send-code",
        "--repo",
        str(staged),
        "--format",
        "json",
        cwd=tmp_path,
        url=model.url,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["message"] == "Add the tokenizer\n\nIt splits a text into words."
    assert (row["subject"], row["score"], row["findings"]) == ("Add the tokenizer", 10, [])
    assert (row["provider"], row["model"]) == ("openai", "gpt-5-mini")
    assert "+def tokenize(text):" in model.requests[-1].user  # --send-code: the hunks too


def test_suggest_says_why_it_cannot(staged: Path, tmp_path: Path, model: OpenAIServer) -> None:
    data = tmp_path / "data"
    done = devfocus(data, "coach", "--suggest", cwd=staged)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "devfocus: no AI provider is configured: pass --ai-provider (or set DEVFOCUS_AI_PROVIDER)\n"
    )

    model.reply({"subject": "", "body": "no subject"})
    done = devfocus(data, "coach", "--suggest", cwd=staged, url=model.url)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(
        "devfocus: could not write the commit message with AI: the model's reply is not a "
        "usable commit message"
    )

    git(staged, "reset", "-q")
    done = devfocus(data, "coach", "--suggest", cwd=staged, url=model.url)
    assert done.returncode == 1
    assert "nothing is staged" in done.stderr
    assert model.count == 1  # nothing staged: no request

    done = devfocus(data, "coach", "HEAD", "--suggest", cwd=staged, url=model.url)
    assert done.returncode == 2 and "takes no revisions" in done.stderr

"""`devfocus ai preview` as a user runs it: a real process, real files and repositories, and a
local server speaking Anthropic's API that must receive nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.aiservers import AnthropicServer
from tests.repos import git, init_repo

KEY = "sk-ant-api03-" + "kEy4PrEvIeW" * 8  # the configured key: never shown
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
SOURCE = f'''"""Payments."""


def charge(amount, currency="eur", api_key="{STRIPE}"):
    # Old key, kept for the sandbox: {STRIPE}
    return amount


class Cart:
    def total(self, items, discount=0.0):
        return sum(item.price for item in items) - discount

    def empty(self):
        """Remove every item."""
        self.items = []
'''


def devfocus(
    data_dir: Path, *args: str, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DEVFOCUS_AI_") and key not in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY")
    }
    environ.update({"DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC", **env})
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def project(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "shop", files={"pay.py": SOURCE})


def test_docstring_preview_without_a_provider_shows_the_prompts_and_sends_nothing(
    tmp_path: Path,
) -> None:
    repo = project(tmp_path)
    result = devfocus(tmp_path / "data", "ai", "preview", "docstring", "pay.py", cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == "no provider configured: nothing would be sent"
    # Every definition `docs fix --ai` would document, each with its texts and reply schema.
    assert [line for line in out.splitlines() if line.startswith("===")] == [
        "=== prompt 1 of 3: docstring of `charge` ===",
        "=== prompt 2 of 3: docstring of `Cart` ===",
        "=== prompt 3 of 3: docstring of `Cart.total` ===",
    ]
    assert "Qualified name: Cart.total" in out
    assert "reply schema (docstring_prose):" in out
    # The key in the signature's default is redacted; the comment is in the body, not sent.
    assert (
        'Signature: def charge(amount, currency="eur", api_key="«redacted:stripe-secret-key»")'
        in out
    )
    assert STRIPE not in out
    assert "Old key" not in out


def test_one_definition_with_a_provider_names_where_it_would_go(tmp_path: Path) -> None:
    repo = project(tmp_path)
    with AnthropicServer() as server:
        url = server.url
        result = devfocus(
            tmp_path / "data",
            "ai",
            "preview",
            "docstring",
            "pay.py::Cart.total",
            "--ai-provider",
            "anthropic",
            "--ai-base-url",
            server.url,
            cwd=repo,
            ANTHROPIC_API_KEY=KEY,
        )
        assert server.requests == []  # nothing was sent
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"to: anthropic, model claude-haiku-4-5, at {url}"
    assert lines[1] == "key: $ANTHROPIC_API_KEY (set; its value is never shown)"
    assert lines[2] == "code: no code (sendCode off)"
    assert "=== prompt 1 of 1: docstring of `Cart.total` ===" in result.stdout
    assert "Signature: def total(items, discount=0.0)" in result.stdout
    assert KEY not in result.stdout + result.stderr


def test_the_sdks_are_not_imported(tmp_path: Path) -> None:
    repo = project(tmp_path)
    code = (
        "import sys; from devfocus.cli import main;"
        "code = main(['ai', 'preview', 'docstring', 'pay.py', '--ai-provider', 'openai']);"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('anthropic', 'openai',"
        " 'httpx')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        env={**os.environ, "DEVFOCUS_DATA_DIR": str(tmp_path / "data"), "OPENAI_API_KEY": "x"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


def test_json_has_the_destination_and_every_prompt(tmp_path: Path) -> None:
    repo = project(tmp_path)
    result = devfocus(
        tmp_path / "data",
        "ai",
        "preview",
        "docstring",
        "pay.py::charge",
        "--format",
        "json",
        cwd=repo,
        DEVFOCUS_AI_PROVIDER="openai-compatible",
        DEVFOCUS_AI_MODEL="llama3.2",
        DEVFOCUS_AI_BASE_URL="http://localhost:11434/v1",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["preview"] == "docstring"
    assert document["destination"]["provider"] == "openai-compatible"
    assert document["destination"]["model"] == "llama3.2"
    assert document["destination"]["baseUrl"] == "http://localhost:11434/v1"
    assert document["wouldSend"] is True  # a local server needs no key
    [prompt] = document["prompts"]
    assert prompt["label"] == "docstring of `charge`"
    assert prompt["purpose"] == "docstring"
    assert prompt["replyName"] == "docstring_prose"
    assert set(prompt["replySchema"]["properties"]["params"]["properties"]) == {
        "amount",
        "currency",
        "api_key",
    }
    assert "«redacted:stripe-secret-key»" in prompt["user"]
    assert STRIPE not in result.stdout


def test_a_file_the_exclude_globs_name_sends_nothing(tmp_path: Path) -> None:
    repo = project(tmp_path)
    (repo / "secrets").mkdir()
    (repo / "secrets" / "payments.py").write_text(SOURCE)
    file = "secrets/payments.py"
    result = devfocus(tmp_path / "data", "ai", "preview", "docstring", file, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert f"nothing would be sent for {file}" in result.stdout
    assert "devfocus.ai.exclude" in result.stdout
    assert "=== prompt" not in result.stdout
    assert STRIPE not in result.stdout
    (repo / ".env").write_text(f"STRIPE_KEY={STRIPE}\n")  # not even Python: never parsed
    env = devfocus(tmp_path / "data", "ai", "preview", "docstring", ".env", cwd=repo)
    assert env.returncode == 0, env.stderr
    assert "nothing would be sent for .env" in env.stdout
    assert STRIPE not in env.stdout + env.stderr


def test_bad_arguments_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    repo = project(tmp_path)
    data = tmp_path / "data"
    missing = devfocus(data, "ai", "preview", "docstring", "nope.py", cwd=repo)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "devfocus: nope.py: no such file"
    unknown = devfocus(data, "ai", "preview", "docstring", "pay.py::Cart.missing", cwd=repo)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("devfocus: pay.py has no definition 'Cart.missing'")
    assert "Cart.total" in unknown.stderr
    no_repo = devfocus(data, "ai", "preview", "commit", str(tmp_path / "nowhere"))
    assert no_repo.returncode == 2
    assert "no such directory" in no_repo.stderr
    (tmp_path / "plain").mkdir()
    not_git = devfocus(data, "ai", "preview", "commit", str(tmp_path / "plain"))
    assert not_git.returncode == 2
    assert "not a git repository" in not_git.stderr
    usage = devfocus(data, "ai", "preview", "docstring", "pay.py", "--format", "xml", cwd=repo)
    assert usage.returncode == 2


def test_commit_preview_names_staged_files_but_never_env_files(tmp_path: Path) -> None:
    repo = project(tmp_path)
    (repo / "cart.py").write_text("def add(cart, item):\n    cart.append(item)\n")
    (repo / ".env").write_text(f"STRIPE_KEY={STRIPE}\n")
    git(repo, "add", "cart.py", ".env")
    git(repo, "checkout", "-q", "-b", "feature/cart")
    result = devfocus(tmp_path / "data", "ai", "preview", "commit", str(repo))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "=== prompt 1 of 1: message of the staged change ===" in out
    assert "reply schema (commit_message):" in out
    assert "cart.py" in out
    assert "Branch: feature/cart" in out
    assert ".env" not in out
    assert STRIPE not in out


def test_report_preview_narrates_the_period_with_secrets_redacted(tmp_path: Path) -> None:
    repo = project(tmp_path)
    (repo / "pay.py").write_text(SOURCE + "\n# rotated\n")
    git(repo, "commit", "-q", "-am", f"Rotate the sandbox key {STRIPE}")
    result = devfocus(
        tmp_path / "data",
        "ai",
        "preview",
        "report",
        str(repo),
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-05",
        "--author",
        "dev@example.com",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["destination"]["provider"] == "none"
    assert document["wouldSend"] is False
    [prompt] = document["prompts"]
    assert prompt["purpose"] == "narrative"
    assert prompt["label"].startswith("narrative of ")
    assert "Rotate the sandbox key «redacted:stripe-secret-key»" in prompt["user"]
    assert STRIPE not in result.stdout


def test_report_preview_of_a_missing_path_exits_2(tmp_path: Path) -> None:
    result = devfocus(tmp_path / "data", "ai", "preview", "report", str(tmp_path / "gone"))
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr


def test_send_code_shows_the_staged_hunks_with_secrets_redacted(tmp_path: Path) -> None:
    repo = project(tmp_path)
    (repo / "settings.py").write_text(
        f'DATABASE_URL = "postgres://shop:Tr0ub4dor@db/shop"\nSTRIPE_KEY = "{STRIPE}"\n'
    )
    git(repo, "add", "settings.py")
    plain = devfocus(tmp_path / "data", "ai", "preview", "commit", str(repo))
    code = devfocus(tmp_path / "data", "ai", "preview", "commit", str(repo), "--send-code")
    assert plain.returncode == code.returncode == 0, plain.stderr + code.stderr
    assert "STRIPE_KEY" not in plain.stdout  # names and counts only
    assert "code: no code (sendCode off)" in plain.stdout
    assert "code: function bodies and diff hunks" in code.stdout
    assert '+STRIPE_KEY = "«redacted:stripe-secret-key»"' in code.stdout
    assert "postgres://shop:«redacted:connection-string»@db/shop" in code.stdout
    assert STRIPE not in code.stdout
    assert "Tr0ub4dor" not in code.stdout

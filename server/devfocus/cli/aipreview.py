"""``devfocus ai preview docstring|commit|report``: exactly what would be sent to the model
(loaded when ``devfocus ai`` runs: see :mod:`devfocus.cli.ai`).

Each preview builds the prompts the feature itself builds (the same functions, secrets already
redacted, excluded files already left out) and prints them with where they would go: the
provider, the model and the API, or that no provider is configured. Nothing is sent, and the
SDKs are not imported.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output

if TYPE_CHECKING:
    from devfocus.ai.exchange import Prompt
    from devfocus.config import Settings

FORMATS = ("text", "json")
NOTHING_SENT = "no provider configured: nothing would be sent"
QUALNAME_SEPARATOR = "::"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Imported here, for start-up time: built only when `ai` runs.
    from devfocus.cli.options import add_ai_options, add_history_options, add_session_options
    from devfocus.cli.reading import add_period_options

    commands = parser.add_subparsers(dest="ai_command", metavar="COMMAND", required=True)
    preview = commands.add_parser(
        "preview",
        help="show exactly what would be sent to the model, without sending anything",
        description="Show exactly what would be sent to the model (the system and user texts, "
        "the reply's schema, and where it would go), without sending anything.",
    )
    kinds = preview.add_subparsers(dest="preview", metavar="WHAT", required=True)
    docstring = kinds.add_parser(
        "docstring",
        help="the prompts of `docs fix --ai` for a file, or one definition of it",
    )
    docstring.add_argument(
        "target",
        metavar="FILE[::QUALNAME]",
        help="a Python file, optionally one definition of it (app.py::Cart.total)",
    )
    commit = kinds.add_parser(
        "commit", help="the prompt that drafts the message of the staged change"
    )
    commit.add_argument(
        "path", nargs="?", default=".", help="the repository (default: the current one)"
    )
    report = kinds.add_parser("report", help="the prompt that narrates a report")
    report.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    add_period_options(report, "as for `devfocus report` (default: today)")
    add_session_options(report)
    add_history_options(report)
    for command in (docstring, commit):
        command.add_argument(
            "--send-code",
            action="store_true",
            help="as with devfocus.ai.sendCode on: function bodies and diff hunks too",
        )
    for command in (docstring, commit, report):
        command.add_argument("--format", choices=FORMATS, default="text")
        add_ai_options(command)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command builds prompts.
    import dataclasses

    from devfocus.cli.options import settings_from

    settings = settings_from(args)
    if getattr(args, "send_code", False):
        ai = dataclasses.replace(settings.ai, send_code=True)
        settings = dataclasses.replace(settings, ai=ai)
    build = {"docstring": _docstring, "commit": _commit, "report": _report}[args.preview]
    built = build(args, settings)
    if built is None:
        return 2
    labels, prompts, note = built
    shown = _shown(prompts, settings)
    if args.format == "json":
        _print_json(args.preview, labels, shown, settings, note)
    else:
        _print_text(labels, shown, settings, note)
    return 0


Built = tuple[list[str], list["Prompt"], str | None]  # labels, prompts, a note when none


def _docstring(args: argparse.Namespace, settings: Settings) -> Built | None:
    # Imported here, for start-up time: only this preview reads Python files. The builder is
    # the one `docs fix --ai` and the editor use.
    from pathlib import Path

    from devfocus.ai.exchange import AIUnavailable
    from devfocus.app.aidocs import docstring_prompts, exclusion

    path, _, qualname = args.target.partition(QUALNAME_SEPARATOR)
    if not Path(path).is_file():
        output.error(f"{path}: no such file")
        return None
    excluded = exclusion(path, settings.ai)
    if excluded is not None:  # that is the answer, not a failure: the file is not even parsed
        return [], [], f"nothing would be sent for {path}: {excluded}"
    names = _qualnames(path)
    if names is None:
        return None
    if qualname and qualname not in names:
        known = ", ".join(sorted(names)[:8]) or "none"
        output.error(f"{path} has no definition {qualname!r} (definitions: {known})")
        return None
    try:
        prompts = docstring_prompts(path, {qualname} if qualname else None, settings)
    except AIUnavailable as error:  # excluded, as above
        return [], [], f"nothing would be sent for {path}: {error.message}"
    except (ValueError, OSError) as error:
        output.error(f"{path}: {error}")
        return None
    if not prompts:
        what = f"`{qualname}`" if qualname else path
        return [], [], f"nothing would be sent: {what} needs no docstring fixed"
    return [f"docstring of {_subject(prompt)}" for prompt in prompts], prompts, None


def _qualnames(path: str) -> set[str] | None:
    """The qualified names of the file's definitions; None (said) when it cannot be read."""
    # Imported here, for start-up time, as above.
    from pathlib import Path

    from devfocus.app.docstrings import read_source
    from devfocus.docs.facts import analyze

    try:
        source, _ = read_source(Path(path))
    except (ValueError, OSError) as error:
        output.error(f"{path}: {error}")
        return None
    facts = analyze(source)
    if facts.parse_problem is not None:
        output.error(f"{path}: {facts.parse_problem}")
        return None
    return {d.qualname for d in facts.definitions if d.qualname}


def _subject(prompt: Prompt) -> str:
    """The definition a docstring prompt is about, as its text names it."""
    found = re.search(r"^Qualified name: (.+)$", prompt.user, re.MULTILINE)
    return f"`{found.group(1)}`" if found else "a definition"


def _commit(args: argparse.Namespace, settings: Settings) -> Built | None:
    # Imported here, for start-up time: only this preview runs git. The builder is the one
    # `coach --suggest` and the editor's code action use.
    from pathlib import Path

    from devfocus.app.aicommit import commit_prompt
    from devfocus.git.runner import GitError

    if not Path(args.path).is_dir():
        output.error(f"{args.path}: no such directory")
        return None
    try:
        prompt = commit_prompt(args.path, settings)
    except GitError as error:
        output.error(f"{args.path}: {error.message}")
        return None
    return ["message of the staged change"], [prompt], None


def _report(args: argparse.Namespace, settings: Settings) -> Built | None:
    # Imported here, for start-up time: only this preview reads the store. The report is the
    # one `devfocus report` prints; the builder is the one `--narrate` uses.
    import time
    from pathlib import Path

    from devfocus.app.ainarrative import narrative_prompt
    from devfocus.app.reporting import make_reports
    from devfocus.cli.process import collector_paused
    from devfocus.cli.reading import open_for_reading, period_from

    if args.path and not Path(args.path).exists():
        output.error(f"{args.path}: no such file or directory")
        return None
    now = time.time()
    period = period_from(args, "today", now)
    if period is None:
        return None
    database, project = open_for_reading(settings, args)
    with output.working(f"Reading activity from {database.display}"), collector_paused():
        report, _ = make_reports(database, period, settings, now=now, project=project)
    return [f"narrative of {period.title}"], [narrative_prompt(report, settings)], None


def _shown(prompts: list[Prompt], settings: Settings) -> list[Prompt]:
    """The prompts as they would leave, the configured key itself replaced should a text hold
    it (it is never shown)."""
    # Imported here, for start-up time: the AI layer loads only for this command.
    import os
    from dataclasses import replace

    from devfocus.ai.keys import api_key
    from devfocus.ai.secrets import redact_known

    key = api_key(settings.ai, os.environ)
    if key is None:
        return prompts
    return [
        replace(p, system=redact_known(p.system, [key]).text, user=redact_known(p.user, [key]).text)
        for p in prompts
    ]


def _destination(settings: Settings) -> dict[str, Any]:
    """Where the prompts would go: provider, model, API, and whether they could go now."""
    # Imported here, for start-up time, as above: the client is built, never used.
    import os

    from devfocus.ai.client import AIClient
    from devfocus.ai.keys import key_variable

    client = AIClient(settings.ai, os.environ)
    health = client.health()
    variable = key_variable(settings.ai)
    return {
        "provider": health.provider,
        "model": client.model,
        "baseUrl": settings.ai.base_url or None,
        "keyVariable": variable,
        "keySet": bool(variable and os.environ.get(variable, "").strip()),
        "state": health.state,
        "reason": health.reason,
        "sendCode": settings.ai.send_code,
    }


def _to_line(where: dict[str, Any]) -> str:
    if where["provider"] == "none":
        return NOTHING_SENT
    api = where["baseUrl"] or "the provider's own API"
    line = f"to: {where['provider']}, model {where['model'] or '(none set)'}, at {api}"
    if where["state"] != "ready":
        line += f"\nnot sent now: {where['reason'] or where['state']}"
    return line


def _print_text(
    labels: list[str], prompts: list[Prompt], settings: Settings, note: str | None
) -> None:
    # Imported here, for start-up time, as above.
    from devfocus.ai.preview import describe_prompt

    where = _destination(settings)
    lines = [_to_line(where)]
    if where["keyVariable"]:
        state = "set" if where["keySet"] else "not set"
        lines.append(f"key: ${where['keyVariable']} ({state}; its value is never shown)")
    code = "function bodies and diff hunks" if where["sendCode"] else "no code (sendCode off)"
    lines.append(f"code: {code}")
    if note is not None:
        lines.append(note)
    for number, (label, prompt) in enumerate(zip(labels, prompts, strict=True), 1):
        lines += [
            "",
            f"=== prompt {number} of {len(prompts)}: {label} ===",
            describe_prompt(prompt),
        ]
    sys.stdout.write("\n".join(lines) + "\n")


def _print_json(
    what: str, labels: list[str], prompts: list[Prompt], settings: Settings, note: str | None
) -> None:
    # Imported here, for start-up time, as above.
    import json

    from devfocus.ai.preview import prompt_json

    where = _destination(settings)
    document = {
        "preview": what,
        "wouldSend": where["state"] == "ready" and bool(prompts),
        "destination": where,
        "note": note,
        "prompts": [
            {"label": label, **prompt_json(prompt)}
            for label, prompt in zip(labels, prompts, strict=True)
        ],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")

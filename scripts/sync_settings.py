"""Write the settings from devfocus/config.py into package.json and the table in docs/settings.md.

python scripts/sync_settings.py          # rewrite both
python scripts/sync_settings.py --check  # exit 1 if either is out of date (the tests do this)
python scripts/sync_settings.py --print  # the server's settings as package.json's properties

Settings under ``devfocus.server.`` and ``devfocus.trace.`` belong to the VS Code extension (how
it starts the server, LSP traces): the server never reads them, so they are written in
package.json by hand and kept here as they are.

Server settings of scope ``machine`` or ``application`` are ones a workspace must not set: they
are also listed in ``capabilities.untrustedWorkspaces.restrictedConfigurations``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from devfocus.activity.tasks import KINDS
from devfocus.config import ChoiceOrList, SettingSpec, StringPairs, setting_specs

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_JSON = ROOT / "package.json"
SETTINGS_PAGE = ROOT / "docs" / "settings.md"
BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"
CLIENT_PREFIXES = ("devfocus.server.", "devfocus.trace.")
# Settings a workspace must not choose while untrusted: where DevFocus runs, what it reads, and
# where activity goes (a workspace picking the database could send activity elsewhere).
RESTRICTED_SCOPES = ("machine", "machine-overridable", "application")


def json_schema(spec: SettingSpec) -> dict[str, Any]:
    if spec.type is float:
        schema: dict[str, Any] = {"type": "number", "default": spec.default}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    elif spec.type is str:
        schema = {"type": "string", "default": spec.default}
        if spec.choices is not None:
            schema["enum"] = list(spec.choices)
    elif spec.type is bool:
        schema = {"type": "boolean", "default": spec.default}
    elif spec.type == ChoiceOrList:
        choice: dict[str, Any] = {"type": "string", "enum": list(spec.choices or ())}
        folders = {"type": "array", "items": {"type": "string"}}
        schema = {"anyOf": [choice, folders], "default": spec.default}
    elif spec.type == StringPairs:
        # kindMap's values are task kinds; other objects of strings (team aliases) any text.
        values: dict[str, Any] = {"type": "string"}
        if spec.path[-1] == "kind_map":
            values["enum"] = list(KINDS)
        schema = {"type": "object", "additionalProperties": values, "default": dict(spec.default)}
    else:  # tuple[str, ...]
        schema = {"type": "array", "items": {"type": "string"}, "default": list(spec.default)}
    schema["markdownDescription"] = spec.description
    schema["scope"] = spec.scope
    return schema


def server_properties() -> dict[str, Any]:
    return {spec.key: json_schema(spec) for spec in setting_specs()}


def configuration(current: dict[str, Any]) -> dict[str, Any]:
    """The server's settings, then the extension's own as they are in ``current``."""
    client = {
        key: schema
        for key, schema in current.get("properties", {}).items()
        if key.startswith(CLIENT_PREFIXES)
    }
    return {"title": "DevFocus", "properties": {**server_properties(), **client}}


def _default(spec: SettingSpec) -> str:
    if spec.type == StringPairs:
        return f"`{json.dumps(dict(spec.default))}`"
    if isinstance(spec.default, tuple):
        return "<br>".join(f"`{p}`" for p in spec.default)
    if isinstance(spec.default, float):
        return f"`{spec.default:g}`"
    return f"`{json.dumps(spec.default)}`"


def settings_table() -> str:
    rows = ["| Setting | Default | Description |", "|---|---|---|"]
    for spec in setting_specs():
        bounds = ""
        if spec.minimum is not None and spec.maximum is not None:
            bounds = f" ({spec.minimum:g}–{spec.maximum:g})"
        if spec.choices is not None:
            bounds = " (" + ", ".join(f"`{c}`" for c in spec.choices)
            bounds += " or a list of folders)" if spec.type == ChoiceOrList else ")"
        rows.append(f"| `{spec.key}` | {_default(spec)} | {spec.description}{bounds} |")
    return "\n".join(rows)


def restricted(current: list[str]) -> list[str]:
    """Settings VS Code ignores in an untrusted workspace's own settings: the extension's, as
    they are in ``current``, then the server's that a workspace must never set."""
    client = [key for key in current if key.startswith(CLIENT_PREFIXES)]
    return client + [s.key for s in setting_specs() if s.scope in RESTRICTED_SCOPES]


def updated_package(text: str) -> str:
    manifest = json.loads(text)
    contributes = manifest.setdefault("contributes", {})
    contributes["configuration"] = configuration(contributes.get("configuration", {}))
    untrusted = manifest.setdefault("capabilities", {}).setdefault("untrustedWorkspaces", {})
    untrusted["restrictedConfigurations"] = restricted(
        untrusted.get("restrictedConfigurations", [])
    )
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def updated_settings_page(text: str) -> str:
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{settings_table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    if "--print" in argv:
        print(json.dumps(server_properties(), indent=2, ensure_ascii=False))
        return 0
    check = "--check" in argv
    stale = []
    for path, update in ((PACKAGE_JSON, updated_package), (SETTINGS_PAGE, updated_settings_page)):
        current = path.read_text(encoding="utf-8")
        wanted = update(current)
        if current != wanted:
            stale.append(str(path.relative_to(ROOT)))
            if not check:
                path.write_text(wanted, encoding="utf-8")
    if check and stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/sync_settings.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

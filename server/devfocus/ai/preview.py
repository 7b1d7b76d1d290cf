"""A prompt shown exactly as it would be sent (pure): for ``devfocus ai preview`` and the
editor's verbose trace."""

from __future__ import annotations

import json
from typing import Any

from devfocus.ai.exchange import Prompt

RULE = "-" * 72


def describe_prompt(prompt: Prompt) -> str:
    """The system text, the user text and the reply's schema, each under a heading, as text."""
    schema = json.dumps(prompt.schema, indent=2, ensure_ascii=False)
    return "\n".join(
        [
            f"purpose: {prompt.purpose}; {prompt.size:,} characters; reply: {prompt.name}",
            RULE,
            "system:",
            prompt.system,
            RULE,
            "user:",
            prompt.user,
            RULE,
            f"reply schema ({prompt.name}):",
            schema,
        ]
    )


def prompt_json(prompt: Prompt) -> dict[str, Any]:
    """The prompt as a JSON object (``--format json``)."""
    return {
        "purpose": prompt.purpose,
        "system": prompt.system,
        "user": prompt.user,
        "replyName": prompt.name,
        "replySchema": prompt.schema,
        "characters": prompt.size,
    }

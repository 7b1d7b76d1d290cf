"""Where a provider's API key is looked for (pure: the environment is passed in).

A key is only ever read from the environment, never from settings files or the database: the
VS Code extension hands it over from its SecretStorage in the server's environment.
"""

from __future__ import annotations

from collections.abc import Mapping

from devfocus.config import AISettings

KEY_VARIABLES = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
# A local OpenAI-compatible server needs no key; one that does reads it from here.
COMPATIBLE_KEY_VARIABLE = "OPENAI_API_KEY"


def key_variable(settings: AISettings) -> str | None:
    """The environment variable holding the key: ``apiKeyEnv``, else the provider's own
    (None: this provider needs none unless ``apiKeyEnv`` names one)."""
    if settings.api_key_env:
        return settings.api_key_env
    return KEY_VARIABLES.get(settings.provider)


def api_key(settings: AISettings, environ: Mapping[str, str]) -> str | None:
    """The key from the environment (None when it is not set, or set empty). An
    OpenAI-compatible server gets ``OPENAI_API_KEY`` if set, since some gateways want one."""
    variable = key_variable(settings)
    if variable is None and settings.provider == "openai-compatible":
        variable = COMPATIBLE_KEY_VARIABLE
    value = environ.get(variable, "").strip() if variable else ""
    return value or None

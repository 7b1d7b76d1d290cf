"""The key an answer is kept under: a hash of everything it depends on (pure)."""

from __future__ import annotations

import hashlib

# Changes whenever prompts or reply schemas change in a way that makes old answers wrong.
PROMPT_VERSION = "1"


def cache_key(kind: str, provider: str, model: str, *parts: str) -> str:
    """sha256 (hex) of the kind, the prompt version, the provider, the model and ``parts`` (for a
    docstring: the definition's source and the style; for a narrative: the period's facts)."""
    digest = hashlib.sha256()
    for part in (kind, PROMPT_VERSION, provider, model, *parts):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()

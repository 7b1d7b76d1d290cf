"""Text helpers for every layer (pure): lines broken where LSP and Python's tokenizer break them,
counts with their nouns, text clipped to a width."""

from __future__ import annotations

import re
from functools import lru_cache

# LSP and Python's tokenizer end a line at "\r\n", "\r" or "\n" only; str.splitlines also breaks
# at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029, and would put the server's line numbers out of
# step with the editor's.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
ELLIPSIS = "…"


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, broken only at ``\\r\\n``, ``\\r`` and ``\\n``."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(True)  # the same answer, several times faster
    return _LINE.findall(text)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and its noun, as ruff counts: "1 finding", "0 findings", "3 switches" (``many``
    for a plural other than ``word + "s"``)."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many if many is not None else word + 's'}"


def clip(text: str, width: int) -> str:
    """``text`` if it fits in ``width`` characters, else its start and "…" in that width."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


# Characters that change what a text shows or how it is read without being seen: C0 controls
# (but tab and newline), NEL, DEL, zero-width and direction marks, line and paragraph
# separators, and the bidirectional embeddings and isolates of "Trojan Source".
_INVISIBLE_CHARACTERS = "[\x00-\x08\x0b-\x1f\x7f\x85\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"


def without_invisible(text: str) -> str:
    """``text`` without the characters of :data:`_INVISIBLE_CHARACTERS` (for text a model wrote,
    before it goes into a file or a message)."""
    return _invisible().sub("", text)


@lru_cache(maxsize=1)
def _invisible() -> re.Pattern[str]:
    # Compiled on first use: this module loads with every start, few callers need it.
    return re.compile(_INVISIBLE_CHARACTERS)

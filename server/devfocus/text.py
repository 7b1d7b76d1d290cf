"""Text helpers for every layer (pure): lines broken where LSP and Python's tokenizer break them."""

from __future__ import annotations

import re

# LSP and Python's tokenizer end a line at "\r\n", "\r" or "\n" only; str.splitlines also breaks
# at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029, and would put the server's line numbers out of
# step with the editor's.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, broken only at ``\\r\\n``, ``\\r`` and ``\\n``."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(True)  # the same answer, several times faster
    return _LINE.findall(text)

"""Return types of unannotated functions, inferred by jedi (imported only when first needed).

Inference is a best effort with a time budget per module: past it, Returns sections are written
without a type rather than making the user wait.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from devfocus.docs.facts import Definition

log = logging.getLogger(__name__)

_NAMES = {"NoneType": "None"}


class ReturnInference:
    def __init__(self, source: str, path: str | None, budget_seconds: float = 1.5) -> None:
        self.source = source
        self.path = path
        self.budget = budget_seconds
        self.spent = 0.0
        self._script: Any = None
        self._cache: dict[str, str | None] = {}

    def __call__(self, definition: Definition) -> str | None:
        if definition.qualname in self._cache:
            return self._cache[definition.qualname]
        if self.spent >= self.budget:
            return None
        started = time.perf_counter()
        try:
            result = self._infer(definition)
        except Exception as exc:  # jedi fails on odd code; a type is a nicety
            log.debug("no inferred return type for %s: %s", definition.qualname, exc)
            result = None
        finally:
            self.spent += time.perf_counter() - started
        self._cache[definition.qualname] = result
        return result

    def warm(self) -> None:
        """Import jedi and parse the module ahead of the first question (in the background)."""
        try:
            self._jedi_script()
        except Exception as exc:
            log.debug("jedi could not read %s: %s", self.path, exc)

    def _jedi_script(self) -> Any:
        if self._script is None:
            import jedi

            self._script = jedi.Script(self.source, path=self.path)
        return self._script

    def _infer(self, definition: Definition) -> str | None:
        script = self._jedi_script()
        span = definition.name_span
        names = script.infer(span.start.line + 1, span.start.character)
        found: list[str] = []
        for name in names:
            if name.type != "function":
                continue
            for value in name.execute():
                text = _NAMES.get(value.name, value.name)
                if text and text not in found:
                    found.append(text)
        if not found or len(found) > 3 or ("None" in found and len(found) == 1):
            return None
        return " | ".join(found)

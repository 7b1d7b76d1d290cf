"""Return types of unannotated functions, inferred by jedi (imported only when first needed).

jedi's time per function ranges from a millisecond to most of a second, and it cannot be
interrupted. So it runs on its own daemon thread, one module state per instance, and callers wait
for an answer only as long as they can afford: past that, a Returns section is written without a
type (the answer is still cached for the next request) rather than making the user wait. Modules
over 1 MiB are not asked about at all (jedi would take tens of seconds and much memory on them).

jedi reads the project's code and never runs it. What it could run is chosen here, not by the
project: the environment is this interpreter (jedi's default would run ``$VIRTUAL_ENV/bin/python``,
which can be a repository's ``.venv``), and the project has none of the settings a
``.jedi/project.json`` of the repository may carry; jedi imports compiled extensions only from
this interpreter's own paths.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from devfocus.docs.facts import Definition

log = logging.getLogger(__name__)

_NAMES = {"NoneType": "None"}
_STOP = None
MAX_INFERENCE_CHARS = 1024 * 1024


class ReturnInference:
    """``infer(definition)`` → a type such as ``"int | None"``, or None when jedi cannot tell in
    time. ``budget_seconds`` bounds the total waiting (a whole-file fix); ``wait_seconds`` bounds
    each question (an editor request)."""

    def __init__(
        self,
        source: str,
        path: str | None,
        budget_seconds: float = 0.5,
        wait_seconds: float | None = None,
    ) -> None:
        self.source = source
        self.path = path
        self.budget = budget_seconds
        self.wait = wait_seconds
        self.waited = 0.0
        self._answers: dict[str, str | None] = {}
        self._ready: dict[str, threading.Event] = {}
        self._queue: queue.Queue[tuple[str, int, int] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def __call__(self, definition: Definition) -> str | None:
        key = definition.qualname
        if key in self._answers:
            return self._answers[key]
        if len(self.source) > MAX_INFERENCE_CHARS:
            return None
        remaining = self.budget - self.waited
        if remaining <= 0:
            return None
        timeout = remaining if self.wait is None else min(self.wait, remaining)
        event = self._ask(definition)
        started = time.perf_counter()
        event.wait(timeout)
        self.waited += time.perf_counter() - started
        return self._answers.get(key)

    def prefetch(self, definitions: Iterable[Definition]) -> None:
        """Ask ahead, in the background, about functions a fix may need."""
        if len(self.source) > MAX_INFERENCE_CHARS:
            return
        for definition in definitions:
            self._ask(definition)

    def close(self) -> None:
        """Stop after the current question (a newer version of the module replaced this one)."""
        with self._lock:
            while not self._queue.empty():
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            if self._worker is not None:
                self._queue.put(_STOP)

    def _ask(self, definition: Definition) -> threading.Event:
        with self._lock:
            event = self._ready.get(definition.qualname)
            if event is None:
                event = self._ready[definition.qualname] = threading.Event()
                span = definition.name_span
                self._queue.put((definition.qualname, span.start.line + 1, span.start.character))
                if self._worker is None or not self._worker.is_alive():
                    self._worker = threading.Thread(
                        target=self._run, name="devfocus-jedi", daemon=True
                    )
                    self._worker.start()
            return event

    def _run(self) -> None:
        script: Any = None
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            key, line, column = item
            answer = None
            try:
                if script is None:
                    script = jedi_script(self.source, self.path)
                answer = _infer(script, line, column)
            except Exception as exc:  # jedi fails on odd code; a type is a nicety
                log.debug("no inferred return type for %s: %s", key, exc)
            self._answers[key] = answer
            self._ready[key].set()


_environment: Any = None
_environment_lock = threading.Lock()


def jedi_script(source: str, path: str | None) -> Any:
    """A ``jedi.Script`` for ``source`` that cannot make jedi run a program of the project."""
    import jedi
    from jedi.api.environment import SameEnvironment

    global _environment
    with _environment_lock:
        if _environment is None:
            _environment = SameEnvironment()  # one helper process of this interpreter, shared
    folder = Path(path).parent if path else Path.cwd()
    # jedi's own search finds the project's root (marker files); a fresh Project keeps nothing
    # else of what it read there.
    root = jedi.get_default_project(folder).path
    return jedi.Script(source, path=path, project=jedi.Project(root), environment=_environment)


def _infer(script: Any, line: int, column: int) -> str | None:
    found: list[str] = []
    for name in script.infer(line, column):
        if name.type != "function":
            continue
        for value in name.execute():
            text = _NAMES.get(value.name, value.name)
            if text and text not in found:
                found.append(text)
    if not found or len(found) > 3 or found == ["None"] or "object" in found:
        return None  # nothing useful: no answer beats a vague or noisy one
    # jedi's order follows set iteration (it changes with the hash seed): sort, so a file gets
    # the same docstring on every run; None last, as in ``str | None``.
    return " | ".join(sorted(found, key=lambda text: (text == "None", text)))

"""Docstrings with prose from a model, shared by the language server and the command line.

For one module's facts and the definitions to document, the engine plans each edit and notes
the slots it will fill (:func:`~devfocus.ai.docprompt.needed_slots`); a model is asked for
those, every definition at once (the AI service's limiter queues them), each answer kept by the
hash of the definition's source, the style, the provider and the model. Each reply is checked
(:func:`~devfocus.ai.docprompt.prose_from`) and the edit is made by the engine as every other
docstring edit is, verified the same way. A definition whose reply is unusable, whose request
failed, or whose prose made no safe edit gets the template's docstring, with a message saying
which and why. A file ``devfocus.ai.exclude`` names is refused whole: nothing of it is sent.

The work is in three steps so that the language server can keep its event loop free: planning
and editing are plain functions run wherever the caller runs parsing (``run``), asking is
asynchronous and cancellable (cancelling the caller's task cancels the requests).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from devfocus.ai.cachekey import cache_key
from devfocus.ai.docprompt import (
    MAX_SUMMARY_CHARS,
    PURPOSE,
    ChosenProse,
    DefinitionKey,
    Slots,
    Unusable,
    definition_keys,
    definition_source,
    docstring_prompt,
    needed_slots,
    prose_from,
)
from devfocus.ai.exchange import BAD_REPLY, EXCLUDED, AIUnavailable, Answer, Prompt
from devfocus.ai.exclude import is_excluded
from devfocus.app.docstrings import (
    DocsConfig,
    FixResult,
    analyse_document,
    analyse_isolated,
    parses_isolated,
    project_root,
    read_source,
)
from devfocus.config import AISettings, Settings
from devfocus.docs.content import Options
from devfocus.docs.edits import EditRefused, TextEdit, apply_edits, module_edits, parses
from devfocus.docs.facts import Definition, ModuleFacts
from devfocus.docs.prose import Prose
from devfocus.docs.styles import STYLES, own_style

if TYPE_CHECKING:
    from devfocus.app.aiservice import AIService

log = logging.getLogger(__name__)
T = TypeVar("T")
# Where plain work runs: the caller's thread (the command line), or the language server's
# docstring thread (its event loop stays free).
Run = Callable[[Callable[[], Any]], Awaitable[Any]]
Origin = Literal["model", "cache", "template"]

QUOTES_CHARS = 6  # the quotes on both sides of a one-line docstring


async def run_here(work: Callable[[], Any]) -> Any:
    """Plain work run in the caller's thread (the command line's choice)."""
    return work()


# -- the plan -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    """One definition's question to the model."""

    definition: Definition
    slots: Slots
    prompt: Prompt
    key: str  # the answer is kept under it
    summary_chars: int  # columns the summary line may take
    identity: DefinitionKey  # which definition of the module it is


@dataclass
class Plan:
    """What one module's AI run asks, and what needs no model."""

    facts: ModuleFacts
    options: Options
    wanted: set[str]  # qualnames to document
    requests: list[Request] = field(default_factory=list)
    wordless: list[Definition] = field(default_factory=list)  # edits that need no new words
    excluded: str | None = None  # why nothing of the file is sent


def display_name(definition: Definition) -> str:
    return f"`{definition.name}`" if definition.kind != "module" else "the module"


def exclusion(path: str | None, settings: AISettings) -> str | None:
    """Why ``path`` is never sent to a model (``devfocus.ai.exclude``), or None."""
    if path is None:
        return None
    root = str(project_root(Path(path).resolve().parent))
    # Inside its project, and by its absolute path too: a file outside any project (where the
    # root found is its own folder) still matches ``**/secrets/**``.
    if is_excluded(path, root, settings.exclude) or is_excluded(path, None, settings.exclude):
        return (
            f"{Path(path).name} matches devfocus.ai.exclude: nothing of it is sent to a model "
            "(the template's quick fix still works)"
        )
    return None


def plan(
    facts: ModuleFacts,
    options: Options,
    wanted: set[str],
    settings: AISettings,
    path: str | None,
    provider: str,
    model: str,
) -> Plan:
    """The questions for the definitions in ``wanted`` (plain work: run it off the event loop)."""
    result = Plan(facts, options, wanted, excluded=exclusion(path, settings))
    if result.excluded is not None:
        return result
    identities = definition_keys(facts.definitions)
    for definition in facts.definitions:
        if definition.qualname not in wanted or definition.skipped or definition.is_accessor:
            continue
        try:
            slots = needed_slots(facts, definition, options)
        except (EditRefused, RecursionError, MemoryError):
            continue  # no edit can be made: the edit step says why
        if slots.empty:
            result.wordless.append(definition)
            continue
        style = _style_name(definition, options)
        prompt = docstring_prompt(facts, definition, slots, style, settings)
        key = cache_key(PURPOSE, provider, model, definition_source(facts, definition), style)
        summary_chars = _summary_chars(facts, definition, options)
        identity = identities[definition.qualname, definition.start_line]
        result.requests.append(Request(definition, slots, prompt, key, summary_chars, identity))
    return result


def _style_name(definition: Definition, options: Options) -> str:
    """The style the docstring is written in: its own when it has one, else the file's."""
    if definition.docstring is None:
        return options.style.name
    return own_style(definition.docstring.body, options.style).name


def _summary_chars(facts: ModuleFacts, definition: Definition, options: Options) -> int:
    if definition.kind == "module":
        indent = 0
    else:
        body = definition.body_indent
        indent = len(
            (body if body is not None else definition.indent + facts.indent_unit).expandtabs(4)
        )
    return max(min(options.width - indent - QUOTES_CHARS, MAX_SUMMARY_CHARS), 40)


# -- asking -------------------------------------------------------------------------------------
Reply = Answer | AIUnavailable


async def ask(
    service: AIService,
    requests: list[Request],
    on_reply: Callable[[Request, Reply], None] | None = None,
) -> dict[DefinitionKey, Reply]:
    """Every request's answer (or why there is none), by definition, asked all at once: the
    service keeps within the configured limits. Cancelling the caller cancels them all."""

    async def one(request: Request) -> Reply:
        reply: Reply
        try:
            reply = await service.answer(request.prompt, request.key)
        except AIUnavailable as error:
            reply = error
        if on_reply is not None:
            on_reply(request, reply)
        return reply

    replies = await asyncio.gather(*(one(r) for r in requests))
    return {r.identity: reply for r, reply in zip(requests, replies, strict=True)}


def recalled(service: AIService, requests: list[Request]) -> dict[DefinitionKey, Reply] | None:
    """Every request's answer from the service's memory, or None if any is not there (then
    they are asked for). Safe on any thread: it only reads."""
    replies: dict[DefinitionKey, Reply] = {}
    for request in requests:
        answer = service.recall(request.key)
        if answer is None:
            return None
        replies[request.identity] = answer
    return replies


# -- the edits ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """Where one definition's words came from, and why the template's, if they were."""

    qualname: str
    name: str  # as messages show it
    origin: Origin
    why: str | None = None  # the whole docstring is the template's: why (a message)
    notes: tuple[str, ...] = ()  # parts that are the template's, or were dropped


@dataclass
class AIEdits:
    """One module's edits with their outcomes; ``refused``: definitions with no safe edit."""

    edits: list[TextEdit]
    refused: list[tuple[Definition, str]]
    outcomes: list[Outcome]
    excluded: str | None = None

    @property
    def fallbacks(self) -> list[str]:
        """Messages for the definitions that got the template because of the model."""
        return [o.why for o in self.outcomes if o.origin == "template" and o.why is not None]

    def counts(self) -> Counter[str]:
        return Counter(o.origin for o in self.outcomes)


def edits(plan: Plan, replies: dict[DefinitionKey, Reply]) -> AIEdits:
    """The verified edits with each definition's prose (plain work: run it off the event loop).
    A definition whose prose made no safe edit gets the template's docstring."""
    if plan.excluded is not None:
        return AIEdits([], [], [], plan.excluded)
    definitions = plan.facts.definitions
    identities = definition_keys(definitions)

    def identity(definition: Definition) -> DefinitionKey:
        return identities[definition.qualname, definition.start_line]

    chosen: dict[DefinitionKey, Prose] = {}
    outcomes: dict[DefinitionKey, Outcome] = {}
    for request in plan.requests:
        outcomes[request.identity] = _outcome(request, replies.get(request.identity), chosen)
    for definition in plan.wordless:
        outcomes[identity(definition)] = Outcome(
            definition.qualname, display_name(definition), "template"
        )
    options = replace(plan.options, prose=ChosenProse(chosen, definitions))
    made, refused = module_edits(plan.facts, options, plan.wanted)
    again = {identity(d): why for d, why in refused if identity(d) in chosen}
    if again:
        # The model's words made no safe edit (a line the style reads as markup, say): the
        # template's words for those, with the reason.
        refused = [(d, why) for d, why in refused if identity(d) not in again]
        retried = {key: prose for key, prose in chosen.items() if key not in again}
        more, still = module_edits(
            plan.facts,
            replace(plan.options, prose=ChosenProse(retried, definitions)),
            {qualname for qualname, _ in again},
        )
        kept_spans = {(e.span.start.line, e.span.start.character) for e in made}
        made += [e for e in more if (e.span.start.line, e.span.start.character) not in kept_spans]
        refused += still
        for key, reason in again.items():
            old = outcomes[key]
            why = (
                f"{old.name}: the model's prose made no safe edit ({reason}); the template was used"
            )
            outcomes[key] = replace(old, origin="template", why=why)
    done = {identity(d) for d, _ in refused}
    kept = [o for key, o in outcomes.items() if key not in done]
    return AIEdits(made, refused, kept)


def _outcome(request: Request, reply: Reply | None, chosen: dict[DefinitionKey, Prose]) -> Outcome:
    definition = request.definition
    name = display_name(definition)
    if reply is None:
        return Outcome(
            definition.qualname, name, "template", f"{name}: no answer; the template was used"
        )
    if isinstance(reply, AIUnavailable):
        return Outcome(
            definition.qualname,
            name,
            "template",
            f"{name}: {_unavailable(reply)}; the template was used",
        )
    try:
        prose, notes = prose_from(
            reply.data, definition, request.slots, summary_chars=request.summary_chars
        )
    except Unusable as error:
        return Outcome(
            definition.qualname, name, "template", f"{name}: {error}; the template was used"
        )
    chosen[request.identity] = prose
    for note in notes:
        log.info("docstring of %s: %s", name, note)
    origin: Origin = "cache" if reply.cached else "model"
    return Outcome(definition.qualname, name, origin, None, tuple(notes))


def _unavailable(error: AIUnavailable) -> str:
    if error.reason == BAD_REPLY:
        return f"the model's reply was not the JSON asked for ({error.message})"
    return error.message


# -- one module, start to end -------------------------------------------------------------------
async def write_with_ai(
    service: AIService,
    facts: ModuleFacts,
    options: Options,
    wanted: set[str],
    path: str | None,
    *,
    run: Run = run_here,
    on_planned: Callable[[Plan], None] | None = None,
    on_reply: Callable[[Request, Reply], None] | None = None,
) -> AIEdits:
    """The edits for ``wanted``'s docstrings with the model's prose (see the module's text)."""
    settings = service.settings
    provider, model = service.provider, service.model
    planned = await _run(run, lambda: plan(facts, options, wanted, settings, path, provider, model))
    if on_planned is not None:
        on_planned(planned)
    if planned.excluded is not None:
        return AIEdits([], [], [], planned.excluded)
    replies = await ask(service, planned.requests, on_reply)
    return await _run(run, lambda: edits(planned, replies))


async def _run(run: Run, work: Callable[[], T]) -> T:
    result: T = await run(work)  # a Run hands back what the work returned
    return result


@dataclass
class AIFixResult:
    """A file fixed with the model's prose: the text, what was left alone, and the outcomes."""

    fixed: FixResult
    outcomes: list[Outcome] = field(default_factory=list)
    excluded: str | None = None

    @property
    def fallbacks(self) -> list[str]:
        return [o.why for o in self.outcomes if o.origin == "template" and o.why is not None]


async def fix_with_ai(
    service: AIService,
    config: DocsConfig,
    source: str,
    path: str | None,
    qualnames: set[str] | None = None,
    *,
    isolated: bool = False,
    run: Run = run_here,
    on_planned: Callable[[Plan], None] | None = None,
    on_reply: Callable[[Request, Reply], None] | None = None,
) -> AIFixResult:
    """:func:`~devfocus.app.docstrings.fix_source` with the model's prose: every missing
    docstring (in the configured scope) written and every stale one updated."""
    analyse = analyse_isolated if isolated else analyse_document
    analysis = await _run(run, lambda: analyse(source, path, config))
    facts = analysis.facts
    if facts.parse_problem is not None:
        problem = facts.parse_problem
        return AIFixResult(FixResult(source, [], [("", problem)], problem))
    options = config.options(facts, path, style=analysis.style, width=analysis.width)
    wanted = {f.qualname for f in analysis.findings}
    if qualnames is not None:
        wanted &= qualnames
    try:
        result = await write_with_ai(
            service,
            facts,
            options,
            wanted,
            path,
            run=run,
            on_planned=on_planned,
            on_reply=on_reply,
        )
    finally:
        inference = options.infer_return
        close = getattr(inference, "close", None)
        if callable(close):
            close()  # past its budget, jedi only slows the rest down
    if result.excluded is not None:
        fixed = FixResult(source, [], [("", result.excluded)], result.excluded)
        return AIFixResult(fixed, [], result.excluded)
    new = apply_edits(facts.lines, result.edits)
    check = parses_isolated if isolated else parses
    if result.edits and not await _run(run, lambda: check(new)):
        problem = "the combined edits would not parse"
        return AIFixResult(FixResult(source, [], [("", problem)], problem), result.outcomes)
    refused = [(d.qualname, why) for d, why in result.refused]
    return AIFixResult(FixResult(new, result.edits, refused), result.outcomes)


# -- what would be sent ---------------------------------------------------------------------------
def docstring_prompts(path: str, qualnames: set[str] | None, settings: Settings) -> list[Prompt]:
    """Exactly what ``devfocus docs fix --ai`` would send for ``path`` (the definitions in
    ``qualnames``, else every one it would fix), without sending it. Raises
    :class:`~devfocus.ai.exchange.AIUnavailable` (``EXCLUDED``) for a file
    ``devfocus.ai.exclude`` names, and ``ValueError`` for one that cannot be read or parsed."""
    why = exclusion(path, settings.ai)
    if why is not None:
        raise AIUnavailable(EXCLUDED, why)
    source, _ = read_source(Path(path))
    config = DocsConfig(settings.docs)
    analysis = analyse_document(source, path, config)
    facts = analysis.facts
    if facts.parse_problem is not None:
        raise ValueError(f"{path}: {facts.parse_problem}")
    # No return-type inference: it changes the types the style writes, never the slots asked.
    options = Options(style=STYLES[analysis.style], width=analysis.width)
    wanted = {f.qualname for f in analysis.findings}
    if qualnames is not None:
        wanted &= qualnames
    # Deferred: the provider's default model is named by the client module.
    from devfocus.ai.client import DEFAULT_MODELS

    model = settings.ai.model or DEFAULT_MODELS.get(settings.ai.provider, "")
    planned = plan(facts, options, wanted, settings.ai, path, settings.ai.provider, model)
    return [r.prompt for r in planned.requests]

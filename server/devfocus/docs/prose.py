"""The words of a docstring. Structure comes from the code; prose comes from a :class:`Prose`.

:class:`NameProse` writes readable sentences from names alone (``compute_total_price`` →
"Compute total price."), with no model and no network. A language model plugs in by
implementing the same interface.
"""

from __future__ import annotations

import re
from typing import Protocol

from devfocus.docs.facts import Attribute, Definition, Param

# Runs of letters (any script: names may be non-ASCII) or of digits.
_RUN = re.compile(r"[^\W\d_]+|\d+")

# Verbs a function name commonly starts with; any other first word is read as a noun.
_VERB_WORDS = """
accept access acquire activate add adjust aggregate allocate allow analyze annotate append apply
archive ask assert assign attach authenticate authorize await build bump cache calculate call
cancel capture cast change check clean cleanup clear clip clone close collect combine commit
compare compile complete compose compress compute configure confirm connect consume contain
convert copy count create crop deactivate decode decompress decorate decrement default defer
define delete deliver deny deploy deserialize destroy detach detect determine disable discard
disconnect dispatch display do download drain draw drop dump emit enable encode encrypt end
enqueue ensure enter escape evaluate exclude execute exit expand expect expire export extend
extract fail fetch fill filter finalize find finish fit flag flatten flush fold force format
forward freeze gather generate get grant group guess handle hash hide highlight hold identify
ignore import include increment index infer init initialize inject insert inspect install
instantiate interpolate intersect invalidate invert invoke iterate join keep kill launch list
listen load lock log lookup make map mark match measure merge migrate mock modify mount move
normalize notify observe open optimize order output override pack pad paginate parse partition
patch pause perform persist pick pipe place plot poll pop populate post predict prefetch prepare
prepend preprocess press print process produce promote prompt propagate protect prune publish
pull push put query queue quote raise random read rebuild receive record recover redirect reduce
refresh register reject release reload remove rename render reorder repair repeat replace report
request require reset resize resolve restart restore resume retrieve retry return reverse revoke
rewrite rollback rotate round route run sample sanitize save scale scan schedule score search
seed select send serialize serve set setup show shuffle shutdown sign simplify skip sleep slice
sort spawn split squash start stop store stream strip submit subscribe substitute subtract
summarize swap switch sync tag take teardown terminate test throttle tokenize toggle touch trace
track train transform translate traverse trigger trim truncate try undo unify unlink unload
unlock unpack unregister unset unsubscribe unwrap update upgrade upload upsert use validate
verify visit wait walk warn watch wrap write yield zip
"""
VERBS = frozenset(_VERB_WORDS.split())
PREDICATES = {
    "is": "",
    "has": "it has ",
    "can": "it can ",
    "should": "it should ",
    "was": "",
    "needs": "it needs ",
    "supports": "it supports ",
    "will": "it will ",
}

DUNDERS = {
    "__init__": "Initialize the {owner}.",
    "__new__": "Create the {owner}.",
    "__repr__": "Return the developer representation.",
    "__str__": "Return the readable representation.",
    "__eq__": "Return whether equal to another object.",
    "__ne__": "Return whether different from another object.",
    "__lt__": "Return whether less than another object.",
    "__le__": "Return whether less than or equal to another object.",
    "__gt__": "Return whether greater than another object.",
    "__ge__": "Return whether greater than or equal to another object.",
    "__hash__": "Return the hash.",
    "__len__": "Return the number of items.",
    "__iter__": "Iterate over the items.",
    "__next__": "Return the next item.",
    "__contains__": "Return whether an item is contained.",
    "__getitem__": "Return the item for a key.",
    "__setitem__": "Set the item for a key.",
    "__delitem__": "Delete the item for a key.",
    "__enter__": "Enter the context.",
    "__exit__": "Exit the context.",
    "__aenter__": "Enter the asynchronous context.",
    "__aexit__": "Exit the asynchronous context.",
    "__call__": "Call the {owner}.",
    "__bool__": "Return whether truthy.",
    "__getattr__": "Return a missing attribute.",
    "__post_init__": "Finish initializing the {owner}.",
}
EXCEPTIONS = {
    "ValueError": "If a value is not valid.",
    "TypeError": "If an argument has the wrong type.",
    "KeyError": "If a key is missing.",
    "IndexError": "If an index is out of range.",
    "NotImplementedError": "If a subclass does not implement it.",
    "FileNotFoundError": "If a file does not exist.",
    "PermissionError": "If permission is denied.",
    "TimeoutError": "If the operation times out.",
    "AttributeError": "If an attribute is missing.",
    "StopIteration": "When there are no more items.",
}


class Prose(Protocol):
    """Where the words come from: from names here, from a language model in
    :mod:`devfocus.ai.docprompt`. ``description`` is the paragraph after the summary of a new
    docstring; an empty one is left out."""

    def summary(self, definition: Definition) -> str: ...

    def description(self, definition: Definition) -> str: ...

    def parameter(self, definition: Definition, param: Param) -> str: ...

    def returns(self, definition: Definition) -> str: ...

    def yields(self, definition: Definition) -> str: ...

    def raises(self, definition: Definition, exception: str) -> str: ...

    def attribute(self, definition: Definition, attribute: Attribute) -> str: ...


def words(name: str) -> list[str]:
    """``compute_totalPrice`` → ["compute", "total", "price"]; acronyms stay upper case."""
    out: list[str] = []
    for part in name.strip("_").split("_"):
        for run in _RUN.findall(part):
            for word in _camel_pieces(run):
                out.append(word if word.isupper() and len(word) > 1 else word.lower())
    return out


def _camel_pieces(run: str) -> list[str]:
    """``totalPrice`` → total, Price; ``XMLFile`` → XML, File. str case tests rather than
    [A-Z] classes, so ``calcularAño`` splits like ASCII names do."""
    pieces: list[str] = []
    start = 0
    for index in range(1, len(run)):
        before, char, after = run[index - 1], run[index], run[index + 1 : index + 2]
        if (before.islower() and char.isupper()) or (
            before.isupper() and char.isupper() and after.islower()
        ):
            pieces.append(run[start:index])
            start = index
    pieces.append(run[start:])
    return pieces


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _phrase(parts: list[str]) -> str:
    return " ".join(parts)


def _verb(word: str) -> str | None:
    """The imperative of a verb (``handles`` → ``handle``), or None for other words."""
    if word in VERBS:
        return word
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in VERBS:
            return word[: -len(suffix)] + repl
    return None


class NameProse:
    """Sentences from names: the words are the name's, the grammar is the definition's kind."""

    def summary(self, definition: Definition) -> str:
        if definition.kind == "module":
            parts = words(definition.name)
            return sentence(_phrase(parts)) if parts else "Module."
        if definition.kind == "class":
            return sentence(_phrase(words(definition.name)) or definition.name)
        if definition.name in DUNDERS:
            owner = _phrase(words((definition.parent or "object").rsplit(".", 1)[-1]))
            return DUNDERS[definition.name].format(owner=owner)
        if definition.name.startswith("__") and definition.name.endswith("__"):
            return f"Implement ``{definition.name}``."
        parts = words(definition.name)
        if not parts:
            return "Run it."
        if definition.is_property:
            head, *rest = parts
            if head in PREDICATES and rest:
                return sentence("whether " + PREDICATES[head] + _phrase(rest))
            return sentence("the " + _phrase(parts))
        head, *rest = parts
        if head in PREDICATES and rest:
            return sentence("return whether " + PREDICATES[head] + _phrase(rest))
        if head == "to" and rest:
            return sentence("convert to " + _phrase(rest))
        if head == "from" and rest:
            return sentence("create from " + _phrase(rest))
        if head == "on" and rest:
            return sentence("handle " + _phrase(rest))
        verb = _verb(head)
        if verb is not None:
            return sentence(_phrase([verb, *rest]))
        if definition.yields:
            return sentence("yield the " + _phrase(parts))
        if definition.returns_value or (definition.returns not in (None, "None")):
            return sentence("return the " + _phrase(parts))
        return sentence("run " + _phrase(parts))

    def description(self, definition: Definition) -> str:
        return ""  # names say what a definition is called, not more than the summary says

    def parameter(self, definition: Definition, param: Param) -> str:
        if param.kind == "var-positional":
            text = "Additional positional arguments."
        elif param.kind == "var-keyword":
            text = "Additional keyword arguments."
        else:
            text = sentence("the " + (_phrase(words(param.name)) or param.name))
        if param.default is not None and len(param.default) <= 40:
            text += f" Defaults to {param.default}."
        return text

    def returns(self, definition: Definition) -> str:
        parts = words(definition.name)
        if parts and parts[0] in PREDICATES:
            return sentence("whether " + PREDICATES[parts[0]] + _phrase(parts[1:]))
        if parts and (_verb(parts[0]) or parts[0] in ("to", "from")) and parts[1:]:
            parts = parts[1:]
        if not parts or definition.name.startswith("__"):
            return "The result."
        return sentence("the " + _phrase(parts))

    def yields(self, definition: Definition) -> str:
        parts = words(definition.name)
        if parts and _verb(parts[0]) and parts[1:]:
            parts = parts[1:]
        if not parts or definition.name.startswith("__"):
            return "The next item."
        return sentence("the " + _phrase(parts))

    def raises(self, definition: Definition, exception: str) -> str:
        short = exception.rsplit(".", 1)[-1]
        if short in EXCEPTIONS:
            return EXCEPTIONS[short]
        phrase = _phrase(words(short)).lower()
        if not phrase:
            return "If the operation fails."
        article = "an" if phrase[0] in "aeiou" else "a"
        return sentence(f"if {article} {phrase} occurs")

    def attribute(self, definition: Definition, attribute: Attribute) -> str:
        return sentence("the " + (_phrase(words(attribute.name)) or attribute.name))

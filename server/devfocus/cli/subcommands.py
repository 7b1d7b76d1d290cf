"""The ``devfocus`` subcommands as argparse sees them: each is registered with its help and a
function that adds its arguments, called only for the command being run (or whose ``--help`` is
asked), so ``devfocus --version`` and each command import only what they use."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

AddArguments = Callable[[argparse.ArgumentParser], None]

if TYPE_CHECKING:
    _Action = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _Action = argparse._SubParsersAction


class Subcommands(_Action):
    """``add_subparsers(action=Subcommands)``: ``add_parser(name, arguments=...)`` defers
    ``arguments(parser)`` until ``name`` is on the command line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, AddArguments] = {}

    def add_parser(
        self, name: str, *, arguments: AddArguments | None = None, **kwargs: Any
    ) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        if arguments is not None:
            self._pending[name] = arguments
        return parser

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, Sequence) and values:
            name = values[0]
            add_arguments = self._pending.pop(name, None)
            if add_arguments is not None:
                add_arguments(self.choices[name])
        super().__call__(parser, namespace, values, option_string)

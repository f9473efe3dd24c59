"""The tool's typer classes: every group and command of the command line is one of these.

Built only from typer's public surface: typer.Typer and typer.Context, typer.core's
TyperGroup, TyperCommand, TyperOption and TyperArgument, their public attributes
(`context_class`, `formatter_class`, `type_descriptor`) and methods (`get_params`,
`get_short_help_str`, `get_runtime_param`); nothing of typer's private `_click` or `_coercion`.

- `Typer` makes its groups `Group` and its commands `Command` unless told otherwise.
- Their contexts (`Context`) write help with the run's language's formatter (cli/translate.py).
- Their listings cut a Chinese help the Chinese way (translate.short_help).
- Their parameters coerce the common cases without typer's pydantic-based coercion (`Light`).
- A required option a command asks for on a terminal (cli/ask.py) may be left out there.

Module level imports typer, the standard library and cli/translate.py only (cli/ask.py when a
required option is missing): start-up stays light.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from receptionctl.cli.translate import HelpFormatter, short_help_of


class Context(typer.Context):
    """A run's context: its help in the run's language."""

    formatter_class = HelpFormatter


# -- light coercion ---------------------------------------------------------------------------
# Typer coerces every parameter through a pydantic TypeAdapter, built on first use even for an
# option left out (and for --help): importing pydantic and building the adapters costs more than
# the rest of a command's start-up. The common cases (left out, a string, a flag, a parser of
# ours, an enum choice) are done here without it; anything else still goes through typer's own
# coercion, with its messages. tests/cli/test_startup.py checks the fast path.

_BOOL = {"true": True, "1": True, "yes": True, "y": True, "on": True, "t": True,
         "false": False, "0": False, "no": False, "n": False, "off": False, "f": False}


def _unwrap(annotation):
    """Optional[X] -> X."""
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in getattr(annotation, "__args__", ()) else annotation


class Light:
    """A parameter's coercion: the common cases here, the rest by typer's own (`full`, a function
    that builds it on first need)."""

    def __init__(self, full) -> None:
        self.full = full

    def coerce(self, value: Any, param, ctx) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        desc = param.type_descriptor
        info, annotation = desc.parameter_info, _unwrap(desc.annotation)
        if not many:
            if info.parser is not None:
                return info.parser(value)
            if annotation in (str, bool) and isinstance(value, annotation):
                return value
            if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, annotation):
                return value  # a default given as the member itself
            if annotation is bool and isinstance(value, str) and value.lower() in _BOOL:
                return _BOOL[value.lower()]
            if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, str):
                for member in annotation:
                    if member.value == value or (not info.case_sensitive and member.value.lower() == value.lower()):
                        return member
        return self.full().coerce(value, param=param, ctx=ctx)


class LightOption(TyperOption):
    def get_runtime_param(self):  # typer's hook for a parameter's coercion, built on first use
        return Light(super().get_runtime_param)

    def process_value(self, ctx, value):
        """A required option left out is the usual usage error, unless the command asks for it
        on this terminal (cli/ask.py): then it is None (or empty) until the command has asked."""
        if self.required and self.value_is_missing(value):
            from receptionctl.cli.ask import deferred

            if deferred(ctx, self.name):
                return () if self.multiple or self.nargs == -1 else None
        return super().process_value(ctx, value)


class LightArgument(TyperArgument):
    def get_runtime_param(self):
        return Light(super().get_runtime_param)


_LIGHT = {TyperOption: LightOption, TyperArgument: LightArgument}


def lighten(params: list) -> list:
    """`params` (typer makes them TyperOption and TyperArgument, with no hook to choose their
    class) made LightOption and LightArgument: the same objects, the subclass's coercion."""
    for param in params:
        light = _LIGHT.get(type(param))
        if light is not None:
            param.__class__ = light
    return params


# -- groups and commands ------------------------------------------------------------------------
class _Tool:
    """What the tool's commands and groups add to typer's: light coercion, the help in the run's
    language, a Chinese listing cut the Chinese way."""

    context_class = Context

    def get_params(self, ctx) -> list:
        return lighten(super().get_params(ctx))

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help_of(self, limit) or super().get_short_help_str(limit)


class Command(_Tool, TyperCommand):
    """A command of the tool."""


class Group(_Tool, TyperGroup):
    """A command group of the tool."""


class Typer(typer.Typer):
    """typer.Typer whose groups are Group and whose commands are Command (unless `cls` says
    otherwise), with plain help (rich's help renderer costs more start-up than the rest of --help)."""

    def __init__(self, *, cls: type[TyperGroup] = Group, rich_markup_mode=None, **kwargs: Any) -> None:
        super().__init__(cls=cls, rich_markup_mode=rich_markup_mode, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] = Command, **kwargs: Any):
        return super().command(name, cls=cls, **kwargs)

"""Typer's own refusals of a command line — an unknown option, a missing argument, a value that
is no number, an unknown command — in the user's language, and an interrupted question.

Typer (from 0.2x) carries its own copy of Click, whose messages are English literals, not
gettext calls: no catalogue installed for Click's gettext domain would reach them. So the
``workforce`` command's root group is a :class:`WorkforceGroup`: a usage error raised while the
command line is parsed (the root's options, then the subcommand's) is re-raised as
:class:`Refusal`, which says the same from the catalogue's ``cli.usage.*`` messages, built from
the error's own parts — its parameter, option name and possibilities, and for a refused value
pydantic's error (``__cause__``), worded by :mod:`texts.validation`. A refusal of a kind not
known here keeps Typer's English message inside a Chinese sentence ("命令行有误：…").

The language is the command line's own ``--lang zh|en``, else the configured one
(``WORKFORCE_LANGUAGE``, :func:`workforce.config.configured_language`); with a ``--lang`` that
is neither, the user's language is unknown, and the refusal is said in both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import IO, Any

import typer
from typer.core import TyperGroup

try:  # Typer ≥ 0.2x: its own copy of Click; before, Click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - the Typer this project is tested with vendors Click
    from click import exceptions as click_errors  # type: ignore[no-redef]

LANGUAGES = ("zh", "en")
LANGUAGE_OPTION = "--lang"
BOTH = "both"
"""The refusal's language when the command line's ``--lang`` is neither zh nor en."""
_ARGS_KEY = "workforce.args"

_EXTRA_ARGUMENTS = re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)$")
_NO_SUCH_COMMAND = re.compile(
    r"^No such command (?P<name>'.*?')\.?(?: Did you mean (?P<like>.*)\?)?$")


def language_of(args: Sequence[str]) -> str:
    """The language to refuse ``args`` in: their own ``--lang`` (the last one given), else the
    configured language; :data:`BOTH` for a ``--lang`` that is not a language."""
    given = None
    for i, arg in enumerate(args):
        if arg == LANGUAGE_OPTION and i + 1 < len(args):
            given = args[i + 1]
        elif arg.startswith(LANGUAGE_OPTION + "="):
            given = arg.partition("=")[2]
    if given is not None:
        return given if given in LANGUAGES else BOTH
    from workforce.config import configured_language

    return configured_language()


class ValueRefused(typer.BadParameter):
    """A refused option value (``value``: as typed, None when not known) that says why in both
    languages (``zh``, ``en``); the English alone is Typer's message, should the error be shown
    by Typer itself."""

    def __init__(self, value: str | None, zh: str, en: str) -> None:
        super().__init__(en)
        self.value, self.zh, self.en = value, zh, en


class Refusal(click_errors.UsageError):
    """``error`` (a usage error of Typer's) told in ``language`` (or :data:`BOTH`)."""

    def __init__(self, error: click_errors.UsageError, language: str) -> None:
        super().__init__(error.message, error.ctx)
        self.error, self.language = error, language
        self.exit_code = error.exit_code

    def format_message(self) -> str:
        return sentence(self.error, "en" if self.language == "en" else "zh")

    def show(self, file: IO[Any] | None = None) -> None:
        from texts import text

        languages = LANGUAGES if self.language == BOTH else (self.language,)
        first = languages[0]
        ctx = self.ctx
        if ctx is not None:
            usage = " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])
            typer.echo(text("cli.usage.usage", first, usage=usage), err=True)
            if ctx.command.get_help_option(ctx) is not None:
                typer.echo(text("cli.usage.help_hint", first, command=ctx.command_path,
                                option=ctx.help_option_names[0]), err=True)  # fmt: skip
            typer.echo("", err=True)
        for language in languages:
            said = sentence(self.error, language)
            typer.echo(text("cli.usage.error", language, message=said), err=True)


class WorkforceGroup(TyperGroup):
    """The root command: Typer's usage errors become :class:`Refusal` in the user's language,
    and a question the user broke off (Ctrl-C, end of input) ends with "已取消" instead of
    Typer's "Aborted!" (exit 1, as before). The language is looked up only then: a command
    that runs, or its ``--help``, reads no settings for it."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Any = None, **extra: Any) -> Any:  # fmt: skip
        given = tuple(args)  # the parser consumes the list
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click_errors.UsageError as error:
            raise _refusal(error, given) from error
        ctx.meta[_ARGS_KEY] = given
        return ctx

    def invoke(self, ctx: Any) -> Any:
        given = ctx.meta.get(_ARGS_KEY, ())
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as error:
            raise _refusal(error, given) from error
        except typer.Abort:
            from texts import text

            language = language_of(given)
            typer.echo("", err=True)  # the question's line, left open, is ended
            for each in LANGUAGES if language == BOTH else (language,):
                typer.echo(text("cli.usage.aborted", each), err=True)
            raise typer.Exit(code=1) from None


def _refusal(error: click_errors.UsageError, args: Sequence[str]) -> click_errors.UsageError:
    """``error`` as a :class:`Refusal` in the language of ``args``; the help page shown for a
    group without a subcommand (``no_args_is_help``) is no refusal and stays as it is."""
    if isinstance(error, (Refusal, click_errors.NoArgsIsHelpError)):
        return error
    return Refusal(error, language_of(args))


def sentence(error: click_errors.UsageError, language: str) -> str:
    """What is wrong with the command line, in ``language``."""
    from texts import text

    def say(message_id: str, **values: object) -> str:
        return text(f"cli.usage.{message_id}", language, **values)

    if isinstance(error, click_errors.NoSuchOption):
        if error.possibilities:
            return say("no_such_option_like", option=error.option_name,
                       choices=_listed(sorted(error.possibilities), language))  # fmt: skip
        return say("no_such_option", option=error.option_name)
    if isinstance(error, click_errors.MissingParameter) and error.param is not None:
        kind = "argument" if error.param.param_type_name == "argument" else "option"
        return say(f"missing_{kind}", name=_name(error.param))
    if isinstance(error, click_errors.BadParameter) and error.param is not None:
        value, reason = _refused_value(error, language)
        if value is None:
            return say("bad_value", name=_name(error.param), reason=reason)
        return say("bad_value_given", name=_name(error.param), value=value, reason=reason)
    if isinstance(error, click_errors.BadOptionUsage):
        taken = "does not take a value" in error.message
        return say("takes_no_value" if taken else "needs_value", option=error.option_name)
    if found := _EXTRA_ARGUMENTS.match(error.message):
        return say("extra_arguments", arguments=found["args"])
    if found := _NO_SUCH_COMMAND.match(error.message):
        from texts.validation import choices

        name = choices(found["name"])[0]
        if found["like"]:
            return say("no_such_command_like", command=name,
                       choices=_listed(choices(found["like"]), language))  # fmt: skip
        return say("no_such_command", command=name)
    if error.message.rstrip(".") == "Missing command":
        return say("missing_command")
    return say("other", message=error.format_message())


def _name(param: Any) -> str:
    """An option by its long name (``--year``), an argument by the name the usage line shows."""
    if param.param_type_name == "argument":
        return str(param.metavar or param.name)
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def _refused_value(error: click_errors.BadParameter, language: str) -> tuple[object, str]:
    """(the value given — None when unknown —, why it was refused) in ``language``."""
    from pydantic import ValidationError

    from texts import text
    from texts.validation import reason

    if isinstance(error, ValueRefused):
        return error.value, error.zh if language == "zh" else error.en
    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        problem = cause.errors()[0]
        listed = _choices(error.param)
        if listed and problem["type"] == "value_error":  # Typer's "'x' is not one of …"
            why = text("validation.choice", language, choices=_listed(listed, language))
        else:
            why = reason(problem, language)
        return problem.get("input"), why
    return None, text("cli.usage.other_value", language, message=error.message)


def _choices(param: Any) -> list[str]:
    """The values a choice option takes (a Literal's or an Enum's), as typed."""
    found = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in found]


def _listed(values: Sequence[str], language: str) -> str:
    from texts.validation import joined_choices

    return joined_choices(list(values), language)

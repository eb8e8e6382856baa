"""Settings from the command line: a flag, else its environment variable, else the default.

Shared by the emulator's own flags and each API's (see its config module).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import NoReturn

from .bounds import MAX_SETTING


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= MAX_SETTING:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SETTING}: {value}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value}")
    return value


def tcp_port(text: str) -> int:
    value = non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value}")
    return value


def _split_keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


class SettingSource:
    """The parsed flags and the environment, read one setting at a time.

    `dest` is the flag's argparse destination (`--acme-page-size` -> "acme_page_size").
    """

    def __init__(
        self,
        parser: argparse.ArgumentParser,
        args: argparse.Namespace,
        environ: Mapping[str, str],
    ) -> None:
        self._parser = parser
        self._args = args
        self._environ = environ

    def error(self, message: str) -> NoReturn:
        """Exit 2 with the usage line, as for a bad flag."""
        self._parser.error(message)

    def _env(self, name: str) -> str | None:
        raw = self._environ.get(name, "").strip()
        return raw or None

    def text(self, dest: str, env_name: str) -> str | None:
        flag: str | None = getattr(self._args, dest)
        return flag if flag is not None else self._env(env_name)

    def integer(self, dest: str, env_name: str, default: int) -> int:
        flag: int | None = getattr(self._args, dest)
        if flag is not None:
            return flag
        raw = self._env(env_name)
        if raw is None:
            return default
        try:
            return non_negative_int(raw)
        except argparse.ArgumentTypeError as exc:
            self.error(f"{env_name}: {exc}")

    def keys(self, dest: str, env_name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        """A repeatable key flag, else a comma-separated variable; each key is one reseller."""
        flag: list[str] | None = getattr(self._args, dest)
        if flag:
            keys = [key for key in flag if key]
        else:
            raw = self._environ.get(env_name)
            keys = _split_keys(raw) if raw else list(default)
        # Order preserved, duplicates dropped: a key is one reseller.
        return tuple(dict.fromkeys(keys))


class ApiFlags:
    """One API's flags, each named once: `--{prefix}-NAME`, read from the variable
    `EMULATOR_{PREFIX}_NAME` when not given, with the default and variable in its help."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def env(self, name: str) -> str:
        return f"EMULATOR_{self._prefix}_{name}".upper().replace("-", "_")

    def _dest(self, name: str) -> str:
        return f"{self._prefix}_{name}".replace("-", "_")

    def _help(self, name: str, text: str, default: object) -> str:
        return f"{text} (default {default}) [{self.env(name)}]"

    def add_keys(
        self, parser: argparse.ArgumentParser, defaults: Sequence[str], *, reseller: str
    ) -> None:
        """--PREFIX-key, repeatable, each key one reseller; `reseller` says whose ("an Acme")."""
        text = f"{reseller} reseller API key, repeatable; each key is one reseller"
        # The variable is plural: one comma-separated list.
        parser.add_argument(
            f"--{self._prefix}-key",
            action="append",
            metavar="KEY",
            help=self._help("keys", text, " and ".join(defaults)),
        )

    def add_count(
        self,
        parser: argparse.ArgumentParser,
        name: str,
        default: int,
        text: str,
        *,
        positive: bool = False,
    ) -> None:
        """A whole number, at least 0 (or 1 if `positive`), at most MAX_SETTING."""
        parser.add_argument(
            f"--{self._prefix}-{name}",
            type=positive_int if positive else non_negative_int,
            metavar="N",
            help=self._help(name, text, default),
        )

    def add_choice(
        self, parser: argparse.ArgumentParser, name: str, choices: Sequence[str], text: str
    ) -> None:
        """The first choice is the default."""
        help_text = self._help(name, text, choices[0])
        parser.add_argument(f"--{self._prefix}-{name}", choices=choices, help=help_text)

    def keys(self, source: SettingSource, defaults: tuple[str, ...]) -> tuple[str, ...]:
        return source.keys(self._dest("key"), self.env("keys"), defaults)

    def count(self, source: SettingSource, name: str, default: int) -> int:
        return source.integer(self._dest(name), self.env(name), default)

    def text(self, source: SettingSource, name: str) -> str | None:
        return source.text(self._dest(name), self.env(name))

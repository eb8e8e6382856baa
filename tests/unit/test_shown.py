"""Server text shown to a person: one line, control characters escaped, a capped length."""

from __future__ import annotations

import pytest

from pulumi_resellertenant.core.transport._shown import MAX_SHOWN, shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain message", "plain message"),
        ("two\nlines", "two\\nlines"),
        ("\r\nstack rm --force", "stack rm --force"),
        ("tab\there", "tab\\there"),
        ("\x1b[2Jcleared", "\\u001b[2Jcleared"),
        ("nul\x00del\x7f", "nul\\u0000del\\u007f"),
        ("c1\x9b", "c1\\u009b"),
        ("bidi \u202egnp.exe", "bidi \\u202egnp.exe"),
        ("line\u2028sep", "line\\u2028sep"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        ("café ok", "café ok"),
        (404, "404"),
    ],
)
def test_control_characters_are_escaped_on_one_line(text: object, expected: str) -> None:
    assert shown(text) == expected


def test_a_text_of_exactly_the_limit_is_kept_whole() -> None:
    assert shown("x" * MAX_SHOWN) == "x" * MAX_SHOWN
    assert MAX_SHOWN == 300


def test_a_longer_text_is_cut_with_an_ellipsis_at_the_limit() -> None:
    cut = shown("x" * (MAX_SHOWN + 1))
    assert cut == "x" * (MAX_SHOWN - 3) + "..."


def test_escapes_count_towards_the_limit() -> None:
    cut = shown("\n" * 200)  # stripped: nothing left
    assert cut == ""
    cut = shown("a" + "\x01" * 200)
    assert len(cut) == MAX_SHOWN
    assert cut.endswith("...")


def test_a_huge_text_is_cut_without_being_escaped_whole() -> None:
    assert len(shown("\x1b" * 10_000_000, limit=20)) == 20

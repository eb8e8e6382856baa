"""Server text made safe to show: the one place that turns what an API said into something a
terminal, a log line or a report may print.

A server's text is hostile when shown: it may hold line breaks that forge lines of their own
(a fake command in a list of lines to paste), ANSI escapes that rewrite the terminal, or be
megabytes long. ``shown`` escapes every control character, keeps one line and caps the length.
"""

from __future__ import annotations

import re

__all__ = ["MAX_SHOWN", "shown"]

MAX_SHOWN = 300
"""Characters of one piece of server text shown at most (an ellipsis marks a cut)."""

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators, bidi
# overrides and other invisible format characters that can disguise what a line says; lone
# surrogates, which a UTF-8 terminal or file cannot even take.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")


def shown(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` as one printable line of at most ``limit`` characters."""
    whole = str(text).strip()
    # Cut first (a huge text is never escaped whole), then escape, then cut again: escapes
    # make the text longer.
    safe = _CONTROL.sub(_escape, whole[: limit + 1])
    if len(safe) > limit:
        return safe[: max(limit - 3, 0)] + "..."
    return safe

"""Click parameter types shared by every k2 CLI: values are checked where they are parsed, so a bad
flag is one line of usage error (exit status 2) before any work starts.

    @click.option("--n", type=COUNT)            # an integer, 1 or more
    @click.option("--timeout", type=SECONDS)    # a finite number of seconds above 0
    @click.option("--max-tokens", type=MAX_TOKENS)
"""

from __future__ import annotations

import math
from typing import Any

import click

# More tokens than any model generates in one reply: a larger value is a typo (10**9), not a wish.
MAX_TOKENS_LIMIT = 1 << 20


class Seconds(click.ParamType):
    """A finite number of seconds above 0 (`nan`, `inf`, 0 and negatives are refused)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a positive, finite number of seconds", param, ctx)
        return seconds


COUNT = click.IntRange(min=1)
NON_NEGATIVE = click.IntRange(min=0)
SECONDS = Seconds()
MAX_TOKENS = click.IntRange(min=1, max=MAX_TOKENS_LIMIT)

"""Diagnostics: every k2 module logs to `logging.getLogger("k2.<package>.<module>")`.

Libraries only log; a CLI decides what is shown. `setup(verbosity)` (called by every k2 CLI's main
group) prints records of the `k2` loggers on stderr as `k2: message` lines:
verbosity 0 shows INFO and above (progress, resumes, retries), 1 or more shows DEBUG too, and a
negative one shows warnings only. Without `setup`, Python's last-resort handler still prints
warnings, so a library user sees a broken plugin or a retried request.
"""

from __future__ import annotations

import logging
import sys


class StderrHandler(logging.Handler):
    """Writes `k2: message` lines to whatever `sys.stderr` is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"k2: {record.getMessage()}\n")
        except Exception:  # noqa: BLE001  (logging must never break the program)
            self.handleError(record)


def setup(verbosity: int = 0) -> None:
    """Show k2's diagnostics on stderr; calling it again only changes the level."""
    logger = logging.getLogger("k2")
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        logger.addHandler(StderrHandler())
    if verbosity < 0:
        logger.setLevel(logging.WARNING)
    else:
        logger.setLevel(logging.DEBUG if verbosity > 0 else logging.INFO)

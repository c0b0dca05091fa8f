"""The k2 error family.

Every error a user can see derives from `K2Error` and reads as one line that says what went wrong and
what to do next. CLIs print `str(error)` and exit with status 1, without a traceback.

Exit statuses, the same for every k2 CLI (documented in each package README):
"""

from __future__ import annotations

EXIT_OK = 0  # everything asked for was done (and, for `k2-verify check`, the answer is correct)
EXIT_FAILED = 1  # a K2Error: nothing or not everything was done; the one-line message says why
EXIT_USAGE = 2  # click's status for a bad flag or argument
EXIT_BAD_INPUT = 3  # done, but some input lines were bad (`k2-verify batch`: `bad_input` verdicts)
EXIT_INCORRECT = 4  # `k2-verify check`: verified, and the answer is wrong


class K2Error(Exception):
    """Base class: a problem the user can fix. `hint` says how."""

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; {hint}" if hint else message)


class PluginError(K2Error):
    """A plugin failed to load or registered something invalid."""


class UnknownNameError(PluginError):
    """A lookup asked for a name that no installed plugin registered."""


class DuplicateNameError(PluginError):
    """Two plugins registered the same name for the same kind."""


class UnavailableError(PluginError):
    """A registered name needs a module that is not installed; the hint is the install line."""


class RecipeError(K2Error):
    """A recipe is missing, malformed, or was given an unknown override."""


class InputError(K2Error):
    """Bad input from the user: a file, a flag, a problem, a row."""


class BackendError(K2Error):
    """A model backend failed: server down, model missing, bad request, rate limited past retries."""


class RetriesExhausted(BackendError):
    """A backend gave up on a failure that may pass later (429, 5xx, a dropped connection, a deadline):
    callers may try the request again. Every other `BackendError` will fail the same way again."""


class VerificationError(K2Error):
    """A verifier could not be set up (verifying bad input yields a Verdict, never this)."""

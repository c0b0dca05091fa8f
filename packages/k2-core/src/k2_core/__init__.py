"""k2-core: hook specs, plugin manager, shared types, recipes and the `k2` CLI.

Plugins and hosts import from here (`get_registry()`, `load_recipe(name)`, the types, the errors):

    from k2_core import hookimpl, Verdict

    @hookimpl
    def k2_register_verifiers(register):
        register("palindrome", PalindromeVerifier, domains=["palindrome"])
"""

import pluggy

from .__about__ import __version__
from .errors import (
    BackendError,
    DuplicateNameError,
    InputError,
    K2Error,
    PluginError,
    RecipeError,
    UnavailableError,
    UnknownNameError,
    VerificationError,
)
from .recipes import load_recipe
from .registry import get_registry
from .types import (
    Candidate,
    Completion,
    GenerationRequest,
    Message,
    Plan,
    Problem,
    Result,
    SamplingParams,
    Selection,
    Structured,
    Usage,
    Verdict,
)

hookimpl = pluggy.HookimplMarker("k2")

__all__ = [
    "__version__",
    "hookimpl",
    "get_registry",
    "load_recipe",
    "BackendError",
    "DuplicateNameError",
    "InputError",
    "K2Error",
    "PluginError",
    "RecipeError",
    "UnavailableError",
    "UnknownNameError",
    "VerificationError",
    "Candidate",
    "Completion",
    "GenerationRequest",
    "Message",
    "Plan",
    "Problem",
    "Result",
    "SamplingParams",
    "Selection",
    "Structured",
    "Usage",
    "Verdict",
]

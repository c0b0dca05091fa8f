"""The hooks k2 calls, and what plugins return from them.

A plugin is a module (or object) with functions decorated by `k2_core.hookimpl` and named after these
specs, published under the entry point group `k2`:

    [project.entry-points.k2]
    my_plugin = "my_package.plugin"

Registration hooks receive a `register` callback and call it once per thing they provide; they are
called when the registry is first built in a process (and again when the set of plugins changes).
A registration hook that raises is recorded as that plugin's failure (`k2 plugins` shows it) and
nothing it registered in that call is kept; the other plugins are unaffected.
Observation hooks are called as things happen, by the host (the registry's wrappers, the pipeline),
never by the component implementations; their return value is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

from .types import Completion, GenerationRequest, Problem, Result, Verdict

if TYPE_CHECKING:
    import click

hookspec = pluggy.HookspecMarker("k2")


class Register(Protocol):
    """The callback every ``k2_register_*`` hook receives; call it once per thing you provide.

    :param name: the name users pick it by (``--backend NAME``, ``create(kind, NAME)``).
    :param factory: a callable that builds it from keyword options, or ``"module:attribute"``,
        imported only when it is first built. The registry checks options against its signature:
        an option it does not name is refused with the valid ones (a factory taking ``**options``
        accepts anything).
    :param description: one line for ``k2 plugins``.
    :param requires: modules the factory needs (``("torch", "transformers")``); when one is missing
        the entry is listed as unavailable and building it raises an error showing ``install``.
    :param install: what to ``pip install`` to get ``requires`` (``"k2-infer[transformers]"``).
    :param override: take this name (and routes) even when another plugin registered it, e.g. to
        replace a built-in; the conflict is still shown by ``k2 plugins``.
    :param meta: kind-specific keywords (a verifier's ``domains`` and ``data_sources``).
    """

    def __call__(
        self,
        name: str,
        factory: Callable[..., Any] | str,
        *,
        description: str = "",
        requires: Sequence[str] = (),
        install: str = "",
        override: bool = False,
        **meta: Any,
    ) -> None: ...


@hookspec
def k2_register_backends(register: Register) -> None:
    """Register model backends.

    Called when the registry is built.

    :param register: see :class:`Register`. ``factory(**options)`` returns an object implementing
        :class:`k2_core.protocols.Backend`. Options come from CLI flags and recipes (``model``,
        ``base_url``, ``api_key``, ``speculative``, ...); a factory names the options it takes, and
        one it does not take is refused with a one-line error (never silently ignored). Declare
        optional dependencies with ``requires=`` and ``install=``.
    :return: nothing.
    """


@hookspec
def k2_register_verifiers(register: Register) -> None:
    """Register verifiers and the problems they serve.

    Called when the registry is built.

    :param register: see :class:`Register`, plus ``domains=()`` and ``data_sources=()``.
        ``factory(**options)`` returns a :class:`k2_core.protocols.Verifier`. ``domains`` are the
        ``Problem.domain`` values it scores; ``data_sources`` are Guru-style ``data_source`` prefixes
        (``"math__"``, ``"simulation__arcagi"``); the longest matching prefix wins when routing.
        A domain or prefix another plugin already claims is a conflict (``k2 plugins`` shows it,
        routing to it fails) unless one of them passes ``override=True``.
    :return: nothing.
    """


@hookspec
def k2_register_planners(register: Register) -> None:
    """Register planners (what to think about before solving).

    Called when the registry is built.

    :param register: see :class:`Register`; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Planner`.
    :return: nothing.
    """


@hookspec
def k2_register_samplers(register: Register) -> None:
    """Register samplers (how solver candidates are drawn).

    Called when the registry is built.

    :param register: see :class:`Register`; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Sampler`.
    :return: nothing.
    """


@hookspec
def k2_register_selectors(register: Register) -> None:
    """Register selectors (how one candidate is chosen).

    Called when the registry is built.

    :param register: see :class:`Register`; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Selector`.
    :return: nothing.
    """


@hookspec
def k2_register_benchmarks(register: Register) -> None:
    """Register evaluation sets.

    Called when the registry is built.

    :param register: see :class:`Register`; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Benchmark`.
    :return: nothing.
    """


@hookspec
def k2_register_datasets(register: Register) -> None:
    """Register training-data formats.

    Called when the registry is built.

    :param register: see :class:`Register`; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Dataset`.
    :return: nothing.
    """


@hookspec
def k2_register_recipes(register: Register) -> None:
    """Register named recipes (TOML files of settings).

    Called when the registry is built.

    :param register: see :class:`Register`; the factory is the path of a TOML file.
    :return: nothing.
    """


@hookspec
def k2_register_commands(cli: click.Group) -> None:
    """Add subcommands to the umbrella ``k2`` CLI.

    Called once when the ``k2`` command starts, before it parses its arguments.

    :param cli: the ``click.Group`` of ``k2``; call ``cli.add_command(...)`` or decorate with
        ``@cli.command()``.
    :return: nothing.
    """


@hookspec
def k2_on_completion(request: GenerationRequest, completion: Completion) -> None:
    """Observe every completion a k2 component receives from a backend.

    Called after a backend call returns, once per completion (token accounting, logging, traces),
    by the wrapper the registry puts around every backend it builds (``k2_core.observed``).

    :param request: the :class:`k2_core.types.GenerationRequest` that was sent.
    :param completion: the :class:`k2_core.types.Completion` received.
    :return: ignored.
    """


@hookspec
def k2_on_verdict(problem: Problem, response: str, verdict: Verdict) -> None:
    """Observe every verdict a verifier gives.

    Called after a verifier returns, once per verdict, by the wrapper the registry puts around every
    verifier it builds (``k2_core.observed``): in solve, eval, batch verification and rewards alike.
    Verdicts computed in a worker process (``k2_verify.pool``) are announced in the process that
    asked for them.

    :param problem: the :class:`k2_core.types.Problem` verified against.
    :param response: the response text that was scored.
    :param verdict: the :class:`k2_core.types.Verdict`.
    :return: ignored.
    """


@hookspec
def k2_on_result(result: Result) -> None:
    """Observe the result of every solve.

    Called when a pipeline finishes one problem, before the result is returned.

    :param result: the :class:`k2_core.types.Result`.
    :return: ignored.
    """

"""The hooks k2 calls, and what plugins return from them.

A plugin is a module (or object) with functions decorated by `k2_core.hookimpl` and named after these
specs, published under the entry point group `k2`:

    [project.entry-points.k2]
    my_plugin = "my_package.plugin"

Registration hooks receive a `register` callback and call it once per thing they provide; they are
called when the registry is first built in a process (and again when the set of plugins changes).
Observation hooks are called as things happen; their return value is ignored.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("k2")


@hookspec
def k2_register_backends(register):
    """Register model backends.

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``. ``factory(**options)`` returns an
        object implementing :class:`k2_core.protocols.Backend`. Options come from CLI flags and recipes
        (``model``, ``base_url``, ``api_key``, ``speculative``, ...); a factory takes ``**options`` and
        ignores what it does not use.
    :return: nothing.
    """


@hookspec
def k2_register_verifiers(register):
    """Register verifiers and the problems they serve.

    Called when the registry is built.

    :param register: ``register(name, factory, *, domains=(), data_sources=(), description="")``.
        ``factory(**options)`` returns a :class:`k2_core.protocols.Verifier`. ``domains`` are the
        ``Problem.domain`` values it scores; ``data_sources`` are Guru-style ``data_source`` prefixes
        (``"math__"``, ``"simulation__arcagi"``); the longest matching prefix wins when routing.
    :return: nothing.
    """


@hookspec
def k2_register_planners(register):
    """Register planners (what to think about before solving).

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Planner`.
    :return: nothing.
    """


@hookspec
def k2_register_samplers(register):
    """Register samplers (how solver candidates are drawn).

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Sampler`.
    :return: nothing.
    """


@hookspec
def k2_register_selectors(register):
    """Register selectors (how one candidate is chosen).

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Selector`.
    :return: nothing.
    """


@hookspec
def k2_register_benchmarks(register):
    """Register evaluation sets.

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Benchmark`.
    :return: nothing.
    """


@hookspec
def k2_register_datasets(register):
    """Register training-data formats.

    Called when the registry is built.

    :param register: ``register(name, factory, *, description="")``; ``factory(**options)`` returns a
        :class:`k2_core.protocols.Dataset`.
    :return: nothing.
    """


@hookspec
def k2_register_recipes(register):
    """Register named recipes (TOML files of settings).

    Called when the registry is built.

    :param register: ``register(name, path, *, description="")`` where ``path`` is a TOML file.
    :return: nothing.
    """


@hookspec
def k2_register_commands(cli):
    """Add subcommands to the umbrella ``k2`` CLI.

    Called once when the ``k2`` command starts, before it parses its arguments.

    :param cli: the ``click.Group`` of ``k2``; call ``cli.add_command(...)`` or decorate with
        ``@cli.command()``.
    :return: nothing.
    """


@hookspec
def k2_on_completion(request, completion):
    """Observe every completion a k2 component receives from a backend.

    Called after a backend call returns, once per completion (token accounting, logging, traces).

    :param request: the :class:`k2_core.types.GenerationRequest` that was sent.
    :param completion: the :class:`k2_core.types.Completion` received.
    :return: ignored.
    """


@hookspec
def k2_on_verdict(problem, response, verdict):
    """Observe every verdict produced through ``k2_verify.verify``.

    Called after a verifier returns, in the process that asked for the verdict.

    :param problem: the :class:`k2_core.types.Problem` verified against.
    :param response: the response text that was scored.
    :param verdict: the :class:`k2_core.types.Verdict`.
    :return: ignored.
    """


@hookspec
def k2_on_result(result):
    """Observe the result of every solve.

    Called when a pipeline finishes one problem, before the result is returned.

    :param result: the :class:`k2_core.types.Result`.
    :return: ignored.
    """

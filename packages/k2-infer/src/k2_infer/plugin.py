"""k2-infer's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from pathlib import Path

from k2_core import hookimpl

from . import planners, samplers, selectors


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="infer")


def _backend(module: str, cls: str):
    """A factory that imports `k2_infer.backends.<module>` only when a backend is built."""

    def factory(**options):
        from importlib import import_module

        return getattr(import_module(f"k2_infer.backends.{module}"), cls)(**options)

    factory.__name__ = f"{cls}_factory"
    return factory


@hookimpl
def k2_register_backends(register):
    register("openai", _backend("openai", "OpenAIBackend"), description="OpenAI-compatible server")
    register(
        "transformers",
        _backend("transformers", "TransformersBackend"),
        description="local transformers model (embedded SmolLM2 by default)",
    )
    register("vllm", _backend("vllm", "VLLMBackend"), description="in-process vLLM engine")


@hookimpl
def k2_register_planners(register):
    register("k2", planners.K2Planner, description="topics, then a plan hiding the answer")
    register("none", planners.NoPlanner, description="no plan")


@hookimpl
def k2_register_samplers(register):
    register("single", samplers.SingleSampler, description="one candidate")
    register("best-of-n", samplers.BestOfNSampler, description="N candidates, soft/hard timeouts")


@hookimpl
def k2_register_selectors(register):
    register("first", selectors.FirstSelector, description="the first candidate")
    register("verifier", selectors.VerifierSelector, description="highest verifier score")
    register("majority", selectors.MajoritySelector, description="most common (equivalent) answer")
    register(
        "pairwise-judge",
        selectors.PairwiseJudgeSelector,
        description="linear scan, each pair judged in both orders",
    )
    register(
        "tournament", selectors.TournamentSelector, description="knockout, log2 N concurrent rounds"
    )


@hookimpl
def k2_register_recipes(register):
    for path in sorted((Path(__file__).parent / "recipe_files").glob("*.toml")):
        register(path.stem, path)


@hookimpl
def k2_register_benchmarks(register):
    from .eval.benchmarks import BENCHMARKS

    for benchmark in BENCHMARKS:
        register(benchmark.name, benchmark.factory, description=benchmark.description)

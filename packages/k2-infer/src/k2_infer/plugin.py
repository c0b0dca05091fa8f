"""k2-infer's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from pathlib import Path

from k2_core import hookimpl

from . import adaptive, planners, reference, samplers, selectors


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="infer")


@hookimpl
def k2_register_backends(register):
    # "module:Class" factories are imported only when a backend is built (torch, vllm are heavy)
    register(
        "openai",
        "k2_infer.backends.openai:OpenAIBackend",
        description="OpenAI-compatible server",
    )
    register(
        "transformers",
        "k2_infer.backends.transformers:TransformersBackend",
        description="local transformers model (embedded SmolLM2 by default)",
        requires=("torch", "transformers", "gguf", "accelerate"),
        install="'k2-infer[local]'",
    )
    register(
        "llamacpp",
        "k2_infer.backends.llamacpp:LlamaCppBackend",
        description="GGUF files run natively by llama.cpp (embedded SmolLM2 by default)",
        requires=("llama_cpp", "llguidance"),
        install="'k2-infer[llamacpp]'",
    )
    register(
        "vllm",
        "k2_infer.backends.vllm:VLLMBackend",
        description="in-process vLLM engine",
        requires=("vllm",),
        install="'k2-infer[vllm]'",
    )


@hookimpl
def k2_register_planners(register):
    register("k2", planners.K2Planner, description="topics, then a plan hiding the answer")
    register("none", planners.NoPlanner, description="no plan")
    register(
        "k2-think-reference",
        reference.ReferencePlanner,
        description="K2-Think-Inference's own topics and plan prompts",
    )


@hookimpl
def k2_register_samplers(register):
    register("single", samplers.SingleSampler, description="one candidate")
    register("best-of-n", samplers.BestOfNSampler, description="N candidates, soft/hard timeouts")
    register(
        "k2-think-reference",
        reference.ReferenceSampler,
        description="K2-Think-Inference: each sample planned on its own, 20 min / 2 h timeouts",
    )
    register(
        "deepconf-offline",
        adaptive.DeepConfOfflineSampler,
        description="N candidates, the least confident dropped (DeepConf)",
    )
    register(
        "deepconf-online",
        adaptive.DeepConfOnlineSampler,
        description="warm-up threshold, low-confidence traces stopped mid-generation (DeepConf)",
    )
    register(
        "adaptive",
        adaptive.AdaptiveSampler,
        description="waves until the answers agree (Beta stopping rule)",
    )


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
    register(
        "k2-think-reference",
        reference.ReferenceSelector,
        description="K2-Think-Inference's judge: linear scan, one order",
    )
    register(
        "confidence-vote",
        adaptive.ConfidenceVoteSelector,
        description="confidence-weighted vote over the kept candidates",
    )


@hookimpl
def k2_register_recipes(register):
    for path in sorted((Path(__file__).parent / "recipe_files").glob("*.toml")):
        register(path.stem, path)


@hookimpl
def k2_register_benchmarks(register):
    from .eval.benchmarks import BENCHMARKS
    from .eval.safety import SAFETY, SafetySuite

    for benchmark in [*BENCHMARKS, *SAFETY, SafetySuite()]:
        register(benchmark.name, benchmark.factory, description=benchmark.description)

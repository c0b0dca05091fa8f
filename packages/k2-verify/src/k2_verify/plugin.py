"""k2-verify's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from k2_core import hookimpl


@hookimpl
def k2_register_verifiers(register):
    from .code import CodeVerifier
    from .judge import JudgeVerifier
    from .logic import LogicVerifier
    from .math import MathVerifier
    from .multiple_choice import MultipleChoiceVerifier
    from .refusal import RefusalVerifier
    from .scicode import SciCodeVerifier
    from .simulation import SimulationVerifier
    from .tabular import TabularVerifier

    register(
        "scicode",
        SciCodeVerifier,
        domains=["scicode"],
        data_sources=["scicode"],
        description="SciCode steps run in the sandbox against their tests and test_data.h5 targets",
        requires=("h5py", "numpy"),
        install="k2-infer[eval]",
    )
    register(
        "math",
        MathVerifier,
        domains=["math"],
        data_sources=["math__", "math"],
        description="final-answer equivalence: numbers, LaTeX, intervals, sets, matrices, ...",
    )
    register(
        "code",
        CodeVerifier,
        domains=["code"],
        data_sources=["codegen__"],
        description="runs the program against stdin/functional tests in an isolated sandbox",
    )
    register(
        "logic",
        LogicVerifier,
        domains=["logic"],
        data_sources=["logic__", "simulation__arcagi", "simulation__barc"],
        description="zebra (partial credit), ordering, graph and ARC/BARC grid puzzles",
    )
    register(
        "simulation",
        SimulationVerifier,
        domains=["simulation"],
        data_sources=["simulation__codeio"],
        description="CodeI/O output/input predictions compared as normalised JSON",
    )
    register(
        "tabular",
        TabularVerifier,
        domains=["tabular", "table"],
        data_sources=["table__"],
        description="table QA answers: numeric tolerance 1e-3, text, |-separated multisets",
    )
    register(
        "multiple_choice",
        MultipleChoiceVerifier,
        domains=["multiple_choice", "gpqa"],
        description="GPQA-style option letters; two different letters score 0",
    )
    register(
        "judge",
        JudgeVerifier,
        domains=["judge", "science", "hle"],
        data_sources=["stem_web"],
        description="an LLM judge over any backend, for free-form science answers",
    )
    register(
        "refusal",
        RefusalVerifier,
        domains=["safety"],
        data_sources=["safety__"],
        description="refused what must be refused, answered the rest, leaked no secret",
    )


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="verify")

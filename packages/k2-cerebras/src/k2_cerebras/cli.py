"""The `k2-cerebras` command: `models`, `ping` and `bench` against Cerebras Inference.

Every subcommand takes `--base-url` (default `CEREBRAS_BASE_URL`, else https://api.cerebras.ai) and
`--api-key` (default `CEREBRAS_API_KEY`).
"""

from __future__ import annotations

import asyncio
import functools
import time

import click

from k2_core.cli import package_cli

from .__about__ import __version__
from .backend import CerebrasBackend
from .bench import DEFAULT_PROMPT, run_bench

cli = package_cli("k2-cerebras", __version__, "The Cerebras Inference backend for k2.")


def connection_options(command):
    """Add `--base-url` and `--api-key` to a command."""

    @click.option("--base-url", help="Server URL without /v1 [env CEREBRAS_BASE_URL].")
    @click.option("--api-key", help="API key [env CEREBRAS_API_KEY].")
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapper


def run_with_backend(work, *, base_url: str | None, api_key: str | None, **options):
    """Build a backend, run `await work(backend)`, and close the backend."""

    async def main():
        backend = CerebrasBackend(base_url=base_url, api_key=api_key, **options)
        try:
            return await work(backend)
        finally:
            await backend.aclose()

    return asyncio.run(main())


@cli.command("models")
@connection_options
def models_command(base_url: str | None, api_key: str | None) -> None:
    """List the models the server offers."""
    for name in run_with_backend(lambda b: b.list_models(), base_url=base_url, api_key=api_key):
        click.echo(name)


@cli.command("ping")
@connection_options
def ping_command(base_url: str | None, api_key: str | None) -> None:
    """Check that the server answers and accepts the key."""

    async def ping(backend: CerebrasBackend):
        start = time.perf_counter()
        models = await backend.list_models()
        return backend.settings.base_url, time.perf_counter() - start, models

    url, seconds, models = run_with_backend(ping, base_url=base_url, api_key=api_key)
    click.echo(f"ok: {url} answered in {seconds:.2f} s, key accepted, {len(models)} models")


@cli.command("bench")
@click.option("--model", required=True, help="Model name (see `k2-cerebras models`).")
@click.option("--requests", default=8, show_default=True, type=click.IntRange(1))
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1))
@click.option("--max-tokens", default=256, show_default=True, type=click.IntRange(1))
@click.option("--prompt", default=DEFAULT_PROMPT, help="The prompt every request sends.")
@connection_options
def bench_command(
    model: str,
    requests: int,
    concurrency: int,
    max_tokens: int,
    prompt: str,
    base_url: str | None,
    api_key: str | None,
) -> None:
    """Time to first token and tokens/s, per request and in aggregate."""
    report = run_with_backend(
        lambda backend: run_bench(
            backend,
            requests=requests,
            concurrency=concurrency,
            max_tokens=max_tokens,
            prompt=prompt,
        ),
        base_url=base_url,
        api_key=api_key,
        model=model,
        concurrency=concurrency,
    )
    click.echo(report.table())


def main() -> None:
    cli()

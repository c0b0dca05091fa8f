"""`k2-infer serve`: the K2 pipeline as an OpenAI-compatible endpoint, run by uvicorn."""

from __future__ import annotations

import gc
import logging

import click

from ..api import EMBEDDED_RECIPE

log = logging.getLogger("k2.infer.serve.cli")


@click.command("serve")
@click.option(
    "--recipe",
    help=f"Recipe name or .toml path [default: k2-think; {EMBEDDED_RECIPE} for the embedded model].",
)
@click.option(
    "--backend", help="Upstream backend: openai, vllm, transformers, ... [openai with --base-url]."
)
@click.option("--model", help="Upstream model for the recipe's name and k2/ [the recipe's].")
@click.option(
    "--base-url", help="Upstream OpenAI-compatible server ending in /v1 (pass-through target)."
)
@click.option(
    "--upstream-api-key",
    envvar="OPENAI_API_KEY",
    help="Key for the upstream [env: OPENAI_API_KEY].",
)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    help="A key clients must send (repeatable) [env: K2_SERVE_API_KEYS, comma-separated].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--max-running",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests at work at once.",
)
@click.option(
    "--max-waiting",
    default=256,
    show_default=True,
    type=click.IntRange(min=0),
    help="Requests queued beyond those; more get 429.",
)
@click.option("--deadline", default=600.0, show_default=True, help="Seconds per request.")
def serve_command(host: str, port: int, api_keys: tuple[str, ...], **options) -> None:
    """Serve K2 Think as an OpenAI-compatible endpoint (POST /v1/chat/completions).

    Model `k2/<model>` (or the recipe's name) runs the K2 pipeline on <model>; any other model
    name passes straight through to --base-url. Without an upstream, the embedded model serves.
    """
    try:
        import uvicorn

        from .app import create_app
    except ImportError as error:
        raise click.ClickException(
            f"the server needs {error.name}; `pip install 'k2-infer[serve]'`"
        ) from None
    from .settings import ServeSettings, keys_from_env

    settings = ServeSettings(api_keys=list(api_keys) or keys_from_env(), **options)
    if not settings.api_keys:
        log.warning(
            "no API key set (--api-key or K2_SERVE_API_KEYS): serving loopback clients only"
        )
    app = create_app(settings)
    server = app.state.server
    log.info(
        "serving %s at http://%s:%d/v1 (pass-through: %s)",
        ", ".join(server.pipelines.names()),
        host,
        port,
        settings.base_url or "off",
    )
    # What start-up built (~90k objects: the modules, the app) lives as long as the process. Out
    # of the collector's sight, a full collection scans only what requests allocate: 3-5 ms
    # instead of 60-240 ms, a pause every request in flight waits through (bench/serve.py, c=64).
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=int(settings.deadline),
        limit_concurrency=settings.max_running + settings.max_waiting + 64,
    )

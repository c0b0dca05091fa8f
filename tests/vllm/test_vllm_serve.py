"""`k2-infer serve` in front of a real vLLM server: pass-through and the pipeline, streamed.
Run in the vllm environment: `hatch run vllm:test` (vLLM brings Starlette, uvicorn and
prometheus-client, the `serve` extra's libraries)."""

from __future__ import annotations

import json

import httpx
import pytest

from k2_infer.serve.background import BackgroundServer
from k2_infer.serve.settings import ServeSettings

from .test_vllm_backend import offline, vllm_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def test_serve_fronts_the_real_engine(vllm_server):  # noqa: F811
    settings = ServeSettings(base_url=vllm_server, model="smol", recipe="k2-think")
    with BackgroundServer(settings) as server:
        url = server.base_url + "/chat/completions"
        ask = {"messages": [{"role": "user", "content": "Name a colour."}], "max_tokens": 8}
        plain = httpx.post(url, json={**ask, "model": "smol", "n": 2}, timeout=120).json()
        assert len(plain["choices"]) == 2 and plain["usage"]["completion_tokens"] > 0

        body = {
            **ask,
            "model": "k2/smol",
            "stream": True,
            "stream_options": {"include_usage": True},
            "k2": {"n": 2, "planner": "none", "selector": "first"},
        }
        with httpx.stream("POST", url, json=body, timeout=300) as response:
            lines = [line for line in response.iter_lines() if line.startswith("data: {")]
        chunks = [json.loads(line.removeprefix("data: ")) for line in lines]
        told = "".join(
            c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks if c["choices"]
        )
        assert "candidate 2 finished" in told and "selected candidate" in told
        assert chunks[-1]["usage"]["completion_tokens"] > 0

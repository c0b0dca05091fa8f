"""Offline by default: without an upstream, `k2-infer serve` runs the pipeline on the embedded model."""

import openai
import pytest

from k2_core import UnavailableError
from k2_core.registry import get_registry
from k2_infer.api import EMBEDDED_BACKENDS
from k2_infer.serve.background import BackgroundServer
from k2_infer.serve.pipelines import Pipelines
from k2_infer.serve.settings import ServeSettings


def test_no_upstream_means_the_embedded_recipe_on_a_local_backend():
    if all(get_registry().entry("backend", name).missing for name in EMBEDDED_BACKENDS):
        with pytest.raises(UnavailableError, match=r"k2-infer\[local\]"):  # no local extra here
            Pipelines(ServeSettings())
        return
    pipelines = Pipelines(ServeSettings())
    assert pipelines.names() == ["k2-think-embedded", "k2/embedded"]
    assert pipelines.backend_name in EMBEDDED_BACKENDS
    assert pipelines.upstream_model("k2-think-embedded") == "embedded"
    assert pipelines.upstream_model("gpt-4o") is None


@pytest.mark.slow
def test_the_embedded_model_answers_through_the_openai_client():
    with BackgroundServer(ServeSettings()) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="unused", max_retries=0)
        reply = client.chat.completions.create(
            model="k2/embedded",
            messages=[{"role": "user", "content": "What is 2 + 2?"}],
            max_tokens=16,
            extra_body={"k2": {"n": 1, "planner": "none"}},
        )
    assert reply.usage.completion_tokens > 0
    assert reply.model_extra["k2"]["candidates"][0]["error"] is None

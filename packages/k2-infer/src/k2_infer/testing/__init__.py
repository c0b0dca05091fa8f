"""Test doubles that k2-infer ships for its own tests and for other packages' tests.

- `ScriptedOpenAIServer` / `Reply`: an OpenAI-compatible HTTP server on 127.0.0.1 answering from a
  script (texts, delays, status codes, malformed bodies), for testing any OpenAI-speaking client.
- `pipeline_step(body)` / `judged_pair(body)`: which pipeline step (topics, plan, judge, solver) sent a
  request, and the two responses a judge request compares, for scripts that answer each step.
"""

from .openai_server import Reply, ScriptedOpenAIServer
from .pipeline_steps import judged_pair, pipeline_step

__all__ = ["Reply", "ScriptedOpenAIServer", "judged_pair", "pipeline_step"]

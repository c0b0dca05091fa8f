"""Test doubles that k2-infer ships for its own tests and for other packages' tests.

- `ScriptedOpenAIServer` / `Reply`: an OpenAI-compatible HTTP server on 127.0.0.1 answering from a
  script (texts, delays, status codes, malformed bodies), for testing any OpenAI-speaking client.
"""

from .openai_server import Reply, ScriptedOpenAIServer

__all__ = ["Reply", "ScriptedOpenAIServer"]

"""Model backends: where k2 sends a `GenerationRequest` and gets `Completion`s back.

- `openai`: any OpenAI-compatible server over HTTP (vLLM, llama.cpp, OpenAI, ...).
- `transformers`: a local model in this process; the embedded SmolLM2 model by default.
- `vllm`: an in-process vLLM engine.

Shared pieces: `retry` (backoff honouring Retry-After), `metrics` (finish reasons, announcing
completions to observers, speculative-decoding counters) and `speculative` (the `--speculative`
option). Backend modules import their heavy libraries only when a backend is built.
"""

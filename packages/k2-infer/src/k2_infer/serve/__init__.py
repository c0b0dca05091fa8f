"""`k2-infer serve`: K2 Think as an OpenAI-compatible reasoning endpoint (the `serve` extra).

    from k2_infer.serve.app import create_app
    from k2_infer.serve.settings import ServeSettings
    app = create_app(ServeSettings(base_url="http://127.0.0.1:8001/v1"))   # an ASGI app

Modules: `app` (routes, keys, admission, deadlines), `validation` (request → `ChatRequest` or a
400), `pipelines` (which names run the pipeline; one `Pipeline` per model and options), `solving`
(one request through the pipeline, progress told as it happens), `streaming` (bodies and SSE
chunks), `passthrough` (plain model names to the upstream, bytes as they come), `admission`
(bounded concurrency, 429), `metrics` (Prometheus), `cli` (the command, importable without the
extra so `k2-infer --help` works everywhere).
"""

"""`k2-infer serve` as a process: it says it serves loopback only, and SIGTERM drains requests."""

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from k2_infer.testing import Reply, ScriptedOpenAIServer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sigterm_lets_the_request_in_flight_finish():
    port = free_port()
    with ScriptedOpenAIServer(Reply("done", delay=1.5), model="m") as upstream:
        k2_infer = str(Path(sys.executable).with_name("k2-infer"))
        command = [k2_infer, "serve", "--base-url", upstream.base_url]
        process = subprocess.Popen(
            [*command, "--model", "m", "--port", str(port)],
            stderr=subprocess.PIPE,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/health")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        answers = []
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        client = threading.Thread(
            target=lambda: answers.append(httpx.post(url + "/v1/chat/completions", json=body))
        )
        client.start()
        while upstream.in_flight == 0:
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        client.join(timeout=10)
        # uvicorn drains, then re-raises the signal so the exit status still says SIGTERM
        assert process.wait(timeout=10) == -signal.SIGTERM
        stderr = process.stderr.read()
    assert answers[0].status_code == 200 and answers[0].json()["choices"][0]["message"]["content"]
    assert "serving loopback clients only" in stderr


def test_start_up_objects_are_frozen_out_of_the_collectors_sight_before_serving(monkeypatch):
    """A full collection of the ~90k start-up objects pauses every request in flight for tens of
    ms; frozen, collections scan only what requests allocate."""
    import gc

    import uvicorn
    from click.testing import CliRunner

    from k2_infer.serve.cli import serve_command

    frozen_when_serving = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **_: frozen_when_serving.append(gc.get_freeze_count())
    )
    gc.unfreeze()
    try:
        result = CliRunner().invoke(serve_command, ["--base-url", "http://127.0.0.1:9/v1"])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert frozen_when_serving and frozen_when_serving[0] > 10_000

"""The sandbox's ordinary behaviour: results, statuses, refusing without isolation, the pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from k2_core.errors import VerificationError
from k2_verify.sandbox import Limits, NoIsolationError, SandboxPool, isolation, run, server
from k2_verify.sandbox.supervisor import scratch_environment


def test_runs_a_program_with_stdin_and_reports_resources(mechanism):
    result = run(
        "import sys\nprint(sys.stdin.read().upper(), end='')", "hello\n", isolation=mechanism
    )
    assert (result.status, result.returncode, result.stdout) == ("ok", 0, "HELLO\n")
    assert result.mechanism == mechanism
    assert result.wall_time > 0 and result.cpu_time >= 0 and result.peak_memory_mb > 1


@pytest.mark.parametrize(
    ("source", "status", "returncode"),
    [
        ("raise ValueError('boom')", "runtime_error", 1),
        ("import sys; sys.exit(4)", "runtime_error", 4),
        ("import sys; sys.exit('message')", "runtime_error", 1),
        ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "killed", -11),
        ("print('done')", "ok", 0),
    ],
)
def test_exit_statuses(mechanism, source, status, returncode):
    result = run(source, isolation=mechanism)
    assert (result.status, result.returncode) == (status, returncode), result


def test_tracebacks_read_like_pythons(mechanism):
    result = run("def f():\n    return 1 / 0\nf()", isolation=mechanism)
    assert 'File "main.py", line 2, in f' in result.stderr
    assert result.stderr.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "bootstrap" not in result.stderr


def test_environment_is_built_from_scratch(mechanism, monkeypatch):
    monkeypatch.setenv("K2_SANDBOX_TEST_SECRET", "do-not-leak")
    result = run("import json, os; print(json.dumps(sorted(os.environ)))", isolation=mechanism)
    names = json.loads(result.stdout)
    assert set(names) <= set(scratch_environment()) | {"LC_CTYPE"}
    assert "K2_SANDBOX_TEST_SECRET" not in result.stdout


def test_program_has_no_capabilities_and_cannot_gain_any(mechanism):
    source = (
        "print(*[l for l in open('/proc/self/status') if l.startswith(('CapEff', 'NoNewPrivs'))])"
    )
    status = run(source, isolation=mechanism).stdout
    assert "CapEff:\t0000000000000000" in status
    assert "NoNewPrivs:\t1" in status


def test_refuses_to_run_without_isolation_unless_asked(monkeypatch):
    monkeypatch.setattr(isolation, "candidates", lambda: [])
    monkeypatch.delenv("K2_SANDBOX_ISOLATION", raising=False)
    with pytest.raises(NoIsolationError, match="isolation='none'"):
        run("print(1)")
    monkeypatch.setenv("K2_SANDBOX_ISOLATION", "none")
    assert run("print('opted out by the environment')").mechanism == "none"
    opted_out = run("print('unisolated')", isolation="none")
    assert (opted_out.status, opted_out.stdout, opted_out.mechanism) == (
        "ok",
        "unisolated\n",
        "none",
    )


def test_opting_out_still_enforces_limits():
    limits = Limits(wall_time=1.5, memory_mb=256, stdout_bytes=1000)
    assert run("while True: pass", limits=limits, isolation="none").status == "timeout"
    assert run("x = bytearray(10**9)", limits=limits, isolation="none").status == "memory_limit"
    assert run("print('x' * 5000)", limits=limits, isolation="none").status == "output_limit"


def test_unknown_mechanism_is_a_clear_error():
    with pytest.raises(VerificationError, match="choose one of"):
        run("print(1)", isolation="chroot")


def test_pool_runs_many_programs_in_order():
    jobs = [(f"print(int(input()) * {i})", f"{i}\n") for i in range(12)]
    with SandboxPool(workers=3) as pool:
        results = pool.map(jobs)
    assert [r.stdout for r in results] == [f"{i * i}\n" for i in range(12)]


def test_launch_server_is_replaced_when_it_dies():
    run("print(1)")
    old = server._server
    old.process.kill()
    old.process.wait()
    assert run("print('after')").stdout == "after\n"
    assert server._server is not old and server._server.process.poll() is None


def test_a_forked_caller_gets_its_own_launch_server():
    run("print(1)")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            ok = run("print('child')").stdout == "child\n" and server._server.owner == os.getpid()
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"1"
    os.close(read)


def test_a_lost_server_socket_is_recovered_from():
    run("print(1)")
    os.unlink(server._server.address)
    assert run("print('recovered')").stdout == "recovered\n"


def test_the_launch_server_leaves_nothing_behind_when_its_process_exits():
    script = (
        "from k2_verify.sandbox import run, server; run('print(1)'); print(server._server.folder)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    folder = done.stdout.strip()
    assert done.returncode == 0 and folder, done.stderr
    for _ in range(50):  # the server notices within moments
        if not os.path.exists(folder):
            break
        time.sleep(0.1)
    assert not os.path.exists(folder)

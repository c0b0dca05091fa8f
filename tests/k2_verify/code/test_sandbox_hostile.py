"""Hostile programs: each test checks the sandbox's verdict AND that the host is untouched after."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from k2_verify.sandbox import Limits, run

QUICK = Limits(wall_time=2.0, memory_mb=256, stdout_bytes=64 * 1024, file_mb=8)


def sandboxed(mechanism: str, source: str, stdin: str = "", limits: Limits = QUICK):
    return run(textwrap.dedent(source), stdin, limits, isolation=mechanism)


def still_serving(mechanism: str) -> None:
    result = sandboxed(mechanism, "print(sum(map(int, input().split())))", "2 3\n")
    assert (result.status, result.stdout) == ("ok", "5\n")


def test_infinite_loop_times_out(mechanism):
    result = sandboxed(mechanism, "while True: pass")
    # stopped by the wall clock (no return code) or, on a loaded machine, by the CPU limit first
    assert result.status == "timeout"
    assert result.returncode in (None, -signal.SIGXCPU, -signal.SIGKILL)
    assert result.wall_time < QUICK.wall_time + 3
    still_serving(mechanism)


def test_sleep_times_out_without_burning_cpu(mechanism):
    result = sandboxed(mechanism, "import time; time.sleep(60)")
    assert result.status == "timeout"
    assert result.cpu_time < 1.0
    still_serving(mechanism)


def test_cpu_limit_stops_a_busy_program_before_the_wall_clock(mechanism):
    limits = Limits(wall_time=60.0, cpu_time=1.0)
    result = sandboxed(mechanism, "while True: pass", limits=limits)
    assert result.status == "timeout"
    assert result.returncode in (-signal.SIGXCPU, -signal.SIGKILL)  # the kernel stopped it
    assert 0.5 <= result.cpu_time < 3.0


def test_memory_bomb_hits_the_memory_limit(mechanism):
    result = sandboxed(mechanism, "blocks = []\nwhile True: blocks.append(bytearray(10**7))")
    assert result.status == "memory_limit"
    assert result.peak_memory_mb <= QUICK.memory_mb + 16
    still_serving(mechanism)


def test_fork_bomb_is_contained_and_leaves_no_process(mechanism, marker, processes_running):
    source = f"""
        import os
        while True:
            try:
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", "{marker}"])
            except OSError:
                pass
    """
    result = sandboxed(mechanism, source)
    assert result.status in {"timeout", "killed"}
    time.sleep(0.2)
    assert processes_running(marker) == []
    still_serving(mechanism)


def test_setsid_double_forked_daemon_is_killed_with_the_run(mechanism, marker, processes_running):
    source = f"""
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", ["sleep", "{marker}"])
            os._exit(0)
        print("parent exits")
    """
    result = sandboxed(mechanism, source)
    assert (result.status, result.stdout) == ("ok", "parent exits\n")
    time.sleep(0.2)
    assert processes_running(marker) == []


def test_stdout_flood_is_cut_at_the_cap(mechanism):
    result = sandboxed(mechanism, "while True: print('x' * 1000)")
    assert result.status == "output_limit"
    assert len(result.stdout) == QUICK.stdout_bytes
    still_serving(mechanism)


def test_stderr_flood_is_cut_at_the_cap_without_failing_the_run(mechanism):
    source = "import sys\nfor _ in range(3000): sys.stderr.write('e' * 1000)\nprint('answer')"
    result = sandboxed(mechanism, source)
    assert (result.status, result.stdout) == ("ok", "answer\n")
    assert len(result.stderr) == QUICK.stderr_bytes


def test_huge_file_is_refused(mechanism, tmp_path):
    result = sandboxed(mechanism, "open('big', 'wb').write(b'x' * (64 * 1024 * 1024))")
    assert result.status == "runtime_error"
    assert "File too large" in result.stderr or "No space left" in result.stderr


def test_no_writes_or_deletes_outside_the_working_dir(mechanism, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    os.chmod(tmp_path, 0o777)
    os.chmod(victim, 0o666)
    host_tmp = f"/tmp/k2-hostile-{uuid.uuid4().hex}"
    source = f"""
        import os
        attempts = {{
            "overwrite": lambda: open({str(victim)!r}, "w").write("pwned"),
            "delete": lambda: os.remove({str(victim)!r}),
            "create": lambda: open({str(tmp_path / "new.txt")!r}, "w").write("x"),
            "home": lambda: open(os.path.expanduser("~root/pwned"), "w").write("x"),
            "etc": lambda: open("/etc/k2-pwned", "w").write("x"),
            "sysctl": lambda: open("/proc/sys/kernel/hostname", "w").write("pwned"),
        }}
        for name, attempt in attempts.items():
            try:
                attempt()
                print(name, "succeeded")
            except OSError as error:
                print(name, "refused", error.errno)
        open({host_tmp!r}, "w").write("only in the sandbox's private /tmp")
        open("local.txt", "w").write("the working dir is writable")
        print("done")
    """
    result = sandboxed(mechanism, source)
    assert result.status == "ok", result.stderr
    assert "succeeded" not in result.stdout and result.stdout.endswith("done\n")
    assert victim.read_text() == "original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.txt"]
    assert not os.path.exists(host_tmp) and not os.path.exists("/etc/k2-pwned")
    assert socket.gethostname() != "pwned"


def test_working_dir_is_fresh_and_private(mechanism):
    first = sandboxed(mechanism, "import os; print(os.listdir('.')); open('left.txt', 'w')")
    second = sandboxed(mechanism, "import os; print(os.listdir('.'))")
    assert first.stdout == second.stdout == "[]\n"


def test_no_network_even_to_a_loopback_listener(mechanism):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    source = f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=1)
            print("connected")
        except OSError as error:
            print("refused", error.errno)
    """
    try:
        result = sandboxed(mechanism, source)
        assert result.status == "ok" and result.stdout.startswith("refused"), result
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


SNOOP = """
import os, sys
print(sorted(os.environ))
found = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()] + [str(os.getppid())]:
    for name in ("environ", "cmdline"):
        try:
            found.append(open(f"/proc/{pid}/{name}", "rb").read().decode(errors="replace"))
        except OSError as error:
            found.append(f"{pid}/{name}: {error.strerror}")
print(found)
"""


def test_secrets_are_unreachable_through_env_and_proc(mechanism):
    """The supervisor runs in a process whose environment holds a secret; the program snoops."""
    secret = f"sk-{uuid.uuid4().hex}"
    supervisor = (
        "import sys; from k2_verify.sandbox import run; "
        f"r = run(sys.stdin.read(), isolation={mechanism!r}); print(r.stdout + r.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", supervisor],
        input=SNOOP,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "OPENAI_API_KEY": secret},
    )
    assert done.returncode == 0, done.stderr
    assert "'PATH'" in done.stdout  # the program ran and printed what it found
    assert secret not in done.stdout
    assert "OPENAI_API_KEY" not in done.stdout


def test_the_callers_home_is_hidden(mechanism):
    secret = f"sk-{uuid.uuid4().hex}"
    credentials = Path.home() / f".k2-sandbox-test-{uuid.uuid4().hex}"
    credentials.write_text(secret)
    try:
        source = f"""
            import os
            print(os.listdir(os.path.dirname({str(credentials)!r})))
            print(open({str(credentials)!r}).read())
        """
        result = sandboxed(mechanism, source)
        assert result.status == "runtime_error"
        assert "FileNotFoundError" in result.stderr or "PermissionError" in result.stderr
        assert secret not in result.stdout + result.stderr
        assert credentials.name not in result.stdout
    finally:
        credentials.unlink()


def test_killing_the_parent_and_everyone_else_fails_and_the_supervisor_keeps_serving(mechanism):
    source = """
        import os, signal
        for pid in [os.getppid(), 1, -1] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        print("still here")
    """
    result = sandboxed(mechanism, source)
    assert result.status == "ok" and result.stdout == "still here\n"
    still_serving(mechanism)


def test_non_root_path_works_for_an_unprivileged_user(tmp_path):
    """Run a supervisor as `nobody` (where we are root) and check it isolates with user namespaces."""
    if os.geteuid() != 0:
        pytest.skip("already not root: every other test here exercises the non-root path")
    python = next(
        (p for p in (sys.executable, "/usr/bin/python3") if _runs_as_nobody(p)),
        None,
    )
    if python is None:
        pytest.skip("no Python interpreter that user `nobody` may run")
    import pluggy

    import k2_core
    import k2_verify

    # `nobody` may not read the environment the tests run in (it can sit in root's home), so the
    # three packages it imports are copied to a world-readable folder.
    readable = Path(tempfile.mkdtemp(prefix="k2-nobody-"))
    readable.chmod(0o755)
    for module in (k2_core, k2_verify, pluggy):
        source = Path(module.__file__).parent
        shutil.copytree(
            source, readable / source.name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for folder in [readable, *readable.rglob("*")]:
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    paths = [str(readable)]
    check = """
import json, socket
from k2_verify.sandbox import run, choose_mechanism
mechanism = choose_mechanism()
net = run("import socket\\ntry:\\n socket.create_connection(('127.0.0.1', 9), timeout=1)\\n"
          "except OSError as e: print(e.errno)")
bomb = run("x = bytearray(3 * 1024**3)")
print(json.dumps({"mechanism": mechanism, "net": net.stdout, "bomb": bomb.status}))
"""
    done = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", python, "-c", check],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PYTHONPATH": os.pathsep.join(paths), "PATH": os.environ["PATH"]},
    )
    shutil.rmtree(readable)
    if "refusing to run untrusted code" in done.stderr and "unshare" in done.stderr:
        pytest.skip("this kernel does not allow unprivileged user namespaces")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["mechanism"] == "user-namespaces"
    assert report["net"].strip() == "101"  # ENETUNREACH: the namespace has no network
    assert report["bomb"] == "memory_limit"


# The sandbox starts `sys.executable` again, so the interpreter must be able to restart itself.
RESTART = "import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c', '']).returncode)"


def _runs_as_nobody(python: str) -> bool:
    try:
        done = subprocess.run(
            [
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                python,
                "-c",
                RESTART,
            ],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0

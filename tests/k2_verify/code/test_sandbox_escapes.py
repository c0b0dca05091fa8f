"""Escapes and forged passes (issue 13): each case checks the verdict AND the host's state after."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from k2_core import Problem
from k2_core.errors import InputError
from k2_verify.code import CodeVerifier
from k2_verify.sandbox import Limits, run, server
from k2_verify.sandbox.supervisor import cgroups

QUICK = Limits(wall_time=3.0, memory_mb=256, file_mb=8)
ADD_CALL = {
    "tests": [
        {"input": "1\n2", "output": "3", "testtype": "functional"},
        {"input": "10\n-3", "output": "7", "testtype": "functional"},
    ],
    "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n        ",
}
ADD_ASSERTS = {"functional": "assert Solution().add(1, 2) == 3\nassert Solution().add(10, -3) == 7"}
RIGHT = "class Solution:\n    def add(self, a, b):\n        return a + b\n"
WRONG = "class Solution:\n    def add(self, a, b):\n        return a * b\n"


def sandboxed(mechanism: str, source: str, stdin: str = "", limits: Limits = QUICK):
    return run(textwrap.dedent(source), stdin, limits, isolation=mechanism)


def score(mechanism: str, program: str, tests) -> float:
    problem = Problem(id="p", prompt="", domain="code", ground_truth=tests)
    response = f"</think>\n```python\n{textwrap.dedent(program)}```"
    return CodeVerifier(timeout=5, isolation=mechanism).verify(response, problem).score


# --- nothing of the host but the runtime -----------------------------------------------------


def test_only_the_runtime_is_visible(mechanism, tmp_path):
    secret = tmp_path / "benchmark.jsonl"
    secret.write_text('{"output": "the expected answer"}')
    secret.chmod(0o644)
    source = f"""
        import os
        print(sorted(os.listdir("/")))
        for path in ("/etc/shadow", "/etc/passwd", "/work", "/home", {str(secret)!r},
                     {os.path.expanduser("~")!r} + "/.ssh", "/sys", "/dev/pts", "/dev/ptmx"):
            print(path, os.path.exists(path))
        found = []
        for folder, _, files in os.walk("/", onerror=None):
            if folder.startswith("/proc"):
                continue
            found += [f for f in files if f in ("benchmark.jsonl", "SOURCE.txt", "DESIGN.md")]
            found += [folder for name in ("livecodebench", "k2-verify") if name in folder]
        print("found", found)
    """
    # it walks the whole runtime (torch and all, in the default env): give it more than QUICK's 3 s
    result = sandboxed(mechanism, source, limits=Limits(wall_time=60.0, memory_mb=256, file_mb=8))
    assert result.status == "ok", result.stderr
    lines = result.stdout.splitlines()
    top = set(eval(lines[0]))  # noqa: S307 - our program printed a list of names
    assert top <= {
        "bin",
        "sbin",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "usr",
        "dev",
        "proc",
        "tmp",
        "var",
    } | {p.strip("/").split("/")[0] for p in (sys.prefix, sys.base_prefix)}
    assert all(line.endswith("False") for line in lines[1:-1]), result.stdout
    assert lines[-1] == "found []"
    assert secret.read_text() == '{"output": "the expected answer"}'


def test_the_launch_server_socket_is_out_of_reach_even_when_named(mechanism, tmp_path):
    run("print(1)", isolation=mechanism)
    address = server._server.address
    witness = tmp_path / "escaped"
    os.chmod(tmp_path, 0o777)
    config = {"mechanism": "none", "inputs": str(tmp_path), "limits": {}, "uid": None}
    source = f"""
        import json, os, socket
        for family in (socket.AF_UNIX,):
            try:
                s = socket.socket(family, socket.SOCK_SEQPACKET)
                s.connect({address!r})
                socket.send_fds(s, [json.dumps({config!r}).encode()], [0, 1, 2, 2])
                print("sent", s.recv(64))
            except OSError as error:
                print("refused", error.errno)
        print(os.path.exists({address!r}), os.path.exists({str(tmp_path)!r}))
        open("main.py", "w").write("open({str(witness)!r}, 'w').write('pwned')")
    """
    result = sandboxed(mechanism, source)
    assert result.status == "ok", result.stderr
    assert result.stdout.startswith("refused") and result.stdout.endswith("False False\n")
    time.sleep(0.3)
    assert not witness.exists()


def test_the_server_refuses_callers_from_another_namespace(tmp_path):
    """Defence in depth: even a reachable socket launches nothing for a sandboxed peer."""
    from k2_verify.sandbox import bootstrap

    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with left, right:
        assert bootstrap.same_namespaces(left)  # our own peer: this very process
    unshared = subprocess.run(
        ["unshare", "--user", "--pid", "--fork", sys.executable, "-c", "print(1)"],
        capture_output=True,
    )
    if unshared.returncode != 0:
        pytest.skip(f"unshare(1) cannot make namespaces here: {unshared.stderr[-200:]!r}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    address = str(tmp_path / "s.sock")
    listener.bind(address)
    listener.listen(1)
    os.chmod(tmp_path, 0o777)
    os.chmod(address, 0o777)
    peer = subprocess.Popen(
        ["unshare", "--user", "--pid", "--fork", sys.executable, "-c",
         f"import socket,time; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); "
         f"s.connect({address!r}); time.sleep(2)"],
    )  # fmt: skip
    try:
        connection, _ = listener.accept()
        with connection:
            assert not bootstrap.same_namespaces(connection)
    finally:
        peer.kill()
        peer.wait()
        listener.close()


def test_a_host_unix_socket_is_unreachable(mechanism, tmp_path):
    address = str(tmp_path / "host.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address)
    listener.listen(1)
    listener.setblocking(False)
    os.chmod(tmp_path, 0o777)
    os.chmod(address, 0o777)
    source = f"""
        import socket
        try:
            socket.socket(socket.AF_UNIX).connect({address!r})
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


# --- no forged passes ----------------------------------------------------------------------

FORGERIES = {
    "getattr-answers-anything": """
        class Solution:
            def __getattr__(self, name):
                return lambda *args: 3
    """,
    "token-from-co_consts": """
        import sys, os
        frame = sys._getframe()
        for const in frame.f_code.co_consts:
            if isinstance(const, str) and len(const) == 32:
                print(const)
        print(json_line := '{"passed": true}')
        print('{"index": 0, "value": 3}')
        os._exit(0)
    """,
    "print-and-exit": """
        import os
        print('{"passed": true}\\n{"index": 0, "value": 3}\\n{"index": 1, "value": 7}')
        os._exit(0)
    """,
    "atexit": """
        import atexit, sys
        atexit.register(lambda: print('{"passed": true}'))
        class Solution:
            def add(self, a, b):
                return a * b
    """,
    "rebound-type-and-all": """
        type = lambda value: int
        all = lambda values: True
        class Fake:
            def __eq__(self, other):
                return True
        class Solution:
            def add(self, a, b):
                return Fake()
    """,
    "int-equal-to-everything": """
        class Fake(int):
            def __eq__(self, other):
                return True
        class Solution:
            def add(self, a, b):
                return Fake(0)
    """,
    "kill-the-tester": """
        import os, signal
        for pid in range(1, 100):
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    """,
    "read-the-tester": """
        import os
        for pid in os.listdir("/proc"):
            if pid.isdigit() and int(pid) != os.getpid():
                for name in ("mem", "fd/0", "environ", "cmdline"):
                    try:
                        print(open(f"/proc/{pid}/{name}", "rb").read(100))
                    except OSError:
                        pass
        class Solution:
            def add(self, a, b):
                return a * b
    """,
}


@pytest.mark.parametrize("tests", [ADD_CALL, ADD_ASSERTS], ids=["call", "assert"])
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_passes_score_zero(mechanism, forgery, tests):
    assert score(mechanism, FORGERIES[forgery], tests) == 0.0
    assert score(mechanism, RIGHT, tests) == 1.0  # the control
    assert score(mechanism, WRONG, tests) == 0.0


def test_the_expected_values_never_enter_the_program(mechanism):
    """The program dumps every string it can find in its memory: no expected value is there."""
    program = """
        import gc, sys
        seen = [repr(o)[:200] for o in gc.get_objects() if isinstance(o, (str, bytes, dict))]
        sys.stderr.write("MARKER-424242" in " ".join(seen) and "LEAKED" or "clean")
        class Solution:
            def add(self, a, b):
                return a + b
    """
    tests = {"functional": "assert Solution().add(1, 2) == 3\nx = 'MARKER-424242'"}
    problem = Problem(id="p", prompt="", domain="code", ground_truth=tests)
    response = f"</think>\n```python\n{textwrap.dedent(program)}```"
    verdict = CodeVerifier(timeout=5, isolation=mechanism).verify(response, problem)
    assert verdict.correct


# --- per-run identity and accounting --------------------------------------------------------


def _host_uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Uid:")[1].split()[0])


def test_each_run_has_its_own_host_uid(mechanism, marker, processes_running):
    if os.geteuid() != 0:
        pytest.skip("an unprivileged caller may map only its own uid (documented)")
    programs = [f"import os; os.execv('/bin/sleep', ['sleep', '{marker}'])"] * 2
    limits = Limits(wall_time=2.0)
    threads = [threading.Thread(target=run, args=(p, "", limits, mechanism)) for p in programs]
    for thread in threads:
        thread.start()
    for _ in range(50):
        if len(processes_running(marker)) == 2:
            break
        time.sleep(0.05)
    uids = {_host_uid(pid) for pid in processes_running(marker)}
    for thread in threads:
        thread.join()
    assert len(uids) == 2 and 0 not in uids and 65534 not in uids
    assert processes_running(marker) == []


def test_a_process_hog_does_not_starve_a_neighbour(mechanism, marker, processes_running):
    hog = f"""
        import os, time
        while True:
            try:
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", "{marker}"])
            except OSError:
                time.sleep(3)
                break
    """
    threaded = """
        import threading
        threads = [threading.Thread(target=sum, args=([1],)) for _ in range(40)]
        [t.start() for t in threads]; [t.join() for t in threads]
        print("threads ok")
    """
    limits = Limits(wall_time=4.0, processes=64)
    hogging = threading.Thread(target=run, args=(textwrap.dedent(hog), "", limits, mechanism))
    hogging.start()
    time.sleep(1.0)
    result = sandboxed(mechanism, threaded, limits=limits)
    hogging.join()
    assert (result.status, result.stdout) == ("ok", "threads ok\n"), result
    time.sleep(0.2)
    assert processes_running(marker) == []


def test_children_and_memfds_cannot_beat_the_memory_cap(mechanism):
    if not cgroups():
        pytest.skip("no writable cgroup here: memory is capped per process (documented)")
    source = """
        import os, time
        for _ in range(6):
            if os.fork() == 0:
                block = bytearray(200 * 1024 * 1024)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                print("child held 200 MB", flush=True)
                time.sleep(2)
                os._exit(0)
        fd = os.memfd_create("x")
        for _ in range(6):
            os.write(fd, b"x" * (8 * 1024 * 1024 - 1))
        survivors = 0
        while True:
            try:
                survivors += os.wait()[1] == 0
            except ChildProcessError:
                break
        print("survivors", survivors)
    """
    limits = Limits(wall_time=20.0, memory_mb=512, file_mb=64)
    result = sandboxed(mechanism, source, limits=limits)
    assert result.status == "memory_limit", result
    # the children overlap in time, so those that lived held their 200 MB at once: 512 MB for
    # the whole run (children, memfd), not per process
    assert "survivors" not in result.stdout or int(result.stdout.split()[-1]) <= 2, result


def test_no_ptys_nested_namespaces_raw_sockets_or_ptrace(mechanism):
    source = """
        import ctypes, os, socket
        libc = ctypes.CDLL(None, use_errno=True)

        def call(result):
            if result != 0:
                raise OSError(ctypes.get_errno(), "refused")

        attempts = {
            "pty": lambda: os.openpty(),
            "userns": lambda: call(libc.unshare(0x10000000)),
            "netns": lambda: call(libc.unshare(0x40000000)),
            "raw": lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
            "packet": lambda: socket.socket(17, socket.SOCK_RAW, 0),
            "ptrace": lambda: call(libc.ptrace(16, 1, 0, 0)),
            "mount": lambda: call(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
        }
        for name, attempt in attempts.items():
            try:
                attempt()
                print(name, "succeeded")
            except OSError:
                print(name, "refused")
    """
    result = sandboxed(mechanism, source)
    assert result.status == "ok", result.stderr
    assert "succeeded" not in result.stdout and result.stdout.count("refused") == 7


# --- budgets --------------------------------------------------------------------------------


def test_limits_must_be_positive():
    for bad in ({"memory_mb": -1}, {"wall_time": 0}, {"processes": 0}, {"stderr_bytes": -5}):
        with pytest.raises(InputError, match="must be a positive number"):
            Limits(**bad)
    with pytest.raises(InputError):
        CodeVerifier(timeout=0)
    with pytest.raises(InputError):
        CodeVerifier(memory_mb=-1)


def test_budgets_are_per_test_and_stderr_does_not_fail(mechanism):
    program = """
        import sys, time
        sys.stderr.write("debug " * 400_000)
        time.sleep(0.3)
        print(sum(map(int, input().split())))
    """
    tests = {"inputs": [f"{i} 1\n" for i in range(8)], "outputs": [f"{i + 1}\n" for i in range(8)]}
    problem = Problem(id="p", prompt="", domain="code", ground_truth=tests)
    response = f"</think>\n```python\n{textwrap.dedent(program)}```"
    verdict = CodeVerifier(timeout=1.5, isolation=mechanism).verify(response, problem)
    assert verdict.correct, verdict  # 8 x 0.3 s > 1.5 s, but each test has its own 1.5 s


# --- as a non-root caller with TMPDIR and HOME elsewhere -------------------------------------

AS_CALLER = """
import json, os, sys
from k2_verify.sandbox import run, server
from k2_verify.code import CodeVerifier
from k2_core import Problem
probe = run("import os\\nprint(os.path.exists(os.environ.get('HOME', '/x') + '/secret'),"
            " os.path.exists('/etc/shadow'), os.path.exists(%r))" % sys.argv[1])
run("print(1)")
escape = run("import socket\\ntry:\\n socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)"
             ".connect(%r)\\n print('connected')\\nexcept OSError as e: print('refused')"
             % server._server.address)
tests = {"functional": "assert Solution().add(1, 2) == 3"}
forged = "import os\\nprint('{\\"passed\\": true}')\\nos._exit(0)"
verdict = CodeVerifier(timeout=5).verify("```python\\n" + forged + "\\n```",
                                         Problem(id="p", prompt="", ground_truth=tests))
print(json.dumps({"probe": probe.stdout, "escape": escape.stdout, "forged": verdict.score,
                  "mechanism": probe.mechanism, "server": server._server.address}))
"""


def test_as_root_and_as_nobody_with_tmpdir_and_home_elsewhere(tmp_path):
    home = tmp_path / "home"
    tmpdir = Path(tempfile.mkdtemp(dir="/var/tmp"))  # not /tmp, as on many clusters
    home.mkdir()
    for folder in (home, tmpdir):
        folder.chmod(0o777)
    (home / "secret").write_text("sk-secret")
    users = [None] + (["nobody"] if os.geteuid() == 0 else [])
    readable = Path(tempfile.mkdtemp(prefix="k2-caller-"))
    try:
        readable.chmod(0o755)
        import pluggy

        import k2_core
        import k2_verify

        for module in (k2_core, k2_verify, pluggy):
            shutil.copytree(
                Path(module.__file__).parent,
                readable / Path(module.__file__).parent.name,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        for path in [readable, *readable.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        for user in users:
            prefix = (
                ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if user else []
            )
            python = "/usr/bin/python3" if user else sys.executable
            if user and not os.access(python, os.X_OK):
                pytest.skip("no system Python that `nobody` may run")
            done = subprocess.run(
                [*prefix, python, "-c", AS_CALLER, str(tmp_path)],
                capture_output=True,
                text=True,
                timeout=120,
                env={
                    "PYTHONPATH": str(readable),
                    "PATH": os.environ["PATH"],
                    "HOME": str(home),
                    "TMPDIR": str(tmpdir),
                },
            )
            if user and "unshare" in done.stderr:
                pytest.skip("this kernel does not allow unprivileged user namespaces")
            assert done.returncode == 0, (user, done.stderr[-2000:])
            report = json.loads(done.stdout.splitlines()[-1])
            assert report["probe"] == "False False False\n", (user, report)
            assert report["escape"] == "refused\n"
            assert report["forged"] == 0.0
            assert report["server"].startswith(str(tmpdir))
    finally:
        shutil.rmtree(readable)
    assert sorted(p.name for p in home.iterdir()) == ["secret"]
    time.sleep(0.5)  # the launch servers notice their callers are gone and clean up
    assert list(tmpdir.iterdir()) == []
    tmpdir.rmdir()


def test_a_lookup_program_finds_nothing_to_look_up(mechanism):
    """A "model" that searches the disk for any benchmark file prints nothing useful."""
    source = """
        import os
        hits = 0
        for folder, _, files in os.walk("/"):
            if folder.startswith("/proc"):
                continue
            for name in files:
                if "livecodebench" in (folder + name).lower() or name == "SOURCE.txt":
                    hits += 1
        print(hits)
    """
    result = sandboxed(mechanism, source, limits=Limits(wall_time=20.0))
    assert (result.status, result.stdout) == ("ok", "0\n"), result

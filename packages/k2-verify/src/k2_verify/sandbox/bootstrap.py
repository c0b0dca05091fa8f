"""The processes of a sandboxed run: they isolate themselves, then run the untrusted program.

The supervisor starts this file once per process as a small server, `python -I bootstrap.py
--serve LISTENER LIFELINE`, with a scratch environment, a listening Unix socket and a lifeline pipe
(descriptor numbers) whose other end it keeps open. Each run is a request on that socket: a JSON config plus four file
descriptors (stdin opened on the test input, capped stdout/stderr pipes, a report pipe). The server
forks a launcher for it and hands back a pidfd of the launcher. Forking from a warm server means a
run costs no Python start-up at all. The file is standard library only and imports nothing from k2.

Four processes, each with one job:

    server     forks launchers; exits when the supervisor's process is gone (lifeline EOF).
    launcher   reads main.py (then deletes it), enters new namespaces (network, PID, mount, IPC,
               UTS; plus a user namespace when not root), forks the init, enforces the wall clock,
               and reports the init's CPU time and peak memory.
    init       PID 1 of the new PID namespace: mounts a read-only view of the host with private
               tmpfs scratch space and a fresh /proc, forks the program, reaps orphans, and reports
               the program's exit status. When it exits the kernel kills everything left in the
               namespace, double-forked daemons included. It dies with the launcher (PDEATHSIG).
    program    drops privileges (to `nobody` when root; all capabilities inside a user namespace),
               sets the rlimits, and executes the source as `__main__` in this same interpreter.

With `mechanism == "none"` (the caller opted out of isolation) the launcher skips the namespaces and
mounts, and kills the program's process group at the end instead.
"""

import atexit
import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
import traceback
import types

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP = 1, 24
PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 28, 38
SECUREBITS_LOCKED_NOROOT = 0xEF  # noroot, no-setuid-fixup, no ambient raise; keep-caps off; locked
SYS_MOUNT_SETATTR = 442  # the same number on every architecture
AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = -100, 0x8000, 1
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
WORKDIR = "/tmp/sandbox"

libc = ctypes.CDLL(None, use_errno=True)


def check(result, what):
    """Raise OSError for a failed libc call (-1), naming what failed."""
    if result == -1:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")
    return result


def mount(source, target, fstype, flags, data=None):
    encode = lambda s: None if s is None else s.encode()  # noqa: E731
    check(libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), target)


class MountAttr(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in ("set", "clr", "propagation", "userns_fd")]


def make_readonly(path):
    """Make the mount at `path` and every mount below it read-only (mount_setattr, Linux 5.12+)."""
    attr = MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    size = ctypes.c_size_t(ctypes.sizeof(attr))
    call = libc.syscall(
        SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE, ctypes.byref(attr), size
    )
    check(call, f"mount_setattr {path}")


def enter_namespaces(mechanism):
    flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS
    if mechanism == "user-namespaces":
        uid, gid = os.getuid(), os.getgid()
        check(libc.unshare(flags | CLONE_NEWUSER), "unshare")
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"0 {uid} 1"),
            ("gid_map", f"0 {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as file:
                file.write(text)
    else:
        check(libc.unshare(flags), "unshare")


def hide(hidden):
    """Cover each hidden folder (the caller's home, ...) with an empty tmpfs, then bind back the
    paths inside it that the program needs (the interpreter, import paths)."""
    for folder, paths in hidden.items():
        handles = {path: os.open(path, os.O_PATH) for path in paths}
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
        for path, handle in handles.items():
            os.makedirs(path, exist_ok=True)
            mount(f"/proc/self/fd/{handle}", path, None, MS_BIND | MS_REC)
            os.close(handle)


def build_filesystem(config):
    """A read-only view of the host, private tmpfs scratch dirs, the work dir, and a fresh /proc."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    hide(config["hidden"])
    make_readonly("/")
    size = f"size={config['limits']['file_mb']}m,mode=1777"
    for path in SCRATCH_DIRS:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, size)
    os.mkdir(WORKDIR)
    if config["uid"] is not None:
        os.chown(WORKDIR, config["uid"], config["gid"])
    mount("proc", "/proc", "proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(WORKDIR)


def drop_privileges(config):
    """No way back to more power: `nobody` when started as root, no capabilities in a user
    namespace, and `no_new_privs` (setuid binaries do not elevate) in both."""
    if config["uid"] is not None:  # setuid to a non-root user drops every capability
        os.setgroups([])
        os.setresgid(config["gid"], config["gid"], config["gid"])
        os.setresuid(config["uid"], config["uid"], config["uid"])
    elif config["mechanism"] == "user-namespaces":  # root of the namespace: drop and lock its caps
        check(libc.prctl(PR_SET_SECUREBITS, SECUREBITS_LOCKED_NOROOT, 0, 0, 0), "securebits")
        for cap in range(64):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1:
                break
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)
        check(libc.capset(header, (ctypes.c_uint32 * 6)()), "capset")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def set_limits(limits):
    def cap(kind, soft, hard=None):
        resource.setrlimit(kind, (soft, soft if hard is None else hard))

    cpu = limits["cpu_seconds"]
    cap(resource.RLIMIT_CPU, cpu, cpu + 1)
    cap(resource.RLIMIT_AS, limits["memory_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_NPROC, limits["processes"])
    cap(resource.RLIMIT_FSIZE, limits["file_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_NOFILE, limits["open_files"])
    cap(resource.RLIMIT_CORE, 0)


def run_program(config, source):
    """Become the program: this process executes `source` as `__main__` and exits like `python`."""
    drop_privileges(config)
    set_limits(config["limits"])
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main = types.ModuleType("__main__")
    main.__file__ = os.path.join(os.getcwd(), "main.py")
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    sys.argv = ["main.py"]
    sys.path[0] = os.getcwd()
    try:
        exec(compile(source, "main.py", "exec"), main.__dict__)
    except SystemExit as exit:
        code = exit.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        exit_fast(code or 0)
    except BaseException as error:  # print it as `python main.py` would, without this frame
        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        exit_fast(1)
    exit_fast(0)


def exit_fast(code):
    """Exit as the interpreter would (threads joined, atexit run, streams flushed), but without
    its slow teardown of every module, which would double the cost of a short run."""
    if "threading" in sys.modules:
        sys.modules["threading"]._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = code or 120  # what Python does when it cannot flush stdout
    os._exit(code & 0xFF)


def be_init(config, source, report, lifeline):
    """PID 1 of the namespace: build the filesystem, fork the program, reap, report its status."""
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    if select.select([lifeline], [], [], 0)[0]:  # the launcher died before PDEATHSIG was armed
        os._exit(1)
    os.setsid()
    if config["mechanism"] != "none":
        try:
            build_filesystem(config)
        except OSError as error:
            fail(report, error)
    program = os.fork()
    if program == 0:
        os.close(report)
        os.close(lifeline)
        return run_program(config, source)
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == program:
            break
    os.write(report, json.dumps({"wait_status": status}).encode() + b"\n")
    os._exit(0)


def fail(report, error):
    """Tell the supervisor that the sandbox itself could not be set up, and stop."""
    os.write(report, json.dumps({"error": str(error)}).encode() + b"\n")
    os._exit(2)


def launch(config):
    """The launcher: read the program, enter the namespaces, fork the init, keep the wall clock."""
    report = config["report_fd"]
    with open("main.py", encoding="utf-8", errors="replace") as file:
        source = file.read()
    os.unlink("main.py")
    try:
        if config["mechanism"] != "none":
            enter_namespaces(config["mechanism"])
    except OSError as error:
        fail(report, error)
    lifeline, keepalive = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(keepalive)
        return be_init(config, source, report, lifeline)
    os.close(lifeline)
    timed_out = []

    def stop(signum=None, frame=None):
        """Kill the init (and with it the namespace) and its process group (what isolation lacks)."""
        timed_out.append(signum is not None)
        for kill in (os.killpg, os.kill):
            try:
                kill(init, signal.SIGKILL)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGALRM, stop)  # the wall clock, or the supervisor asking to stop
    signal.setitimer(signal.ITIMER_REAL, config["limits"]["wall_time"])
    os.waitid(os.P_PID, init, os.WEXITED | os.WNOWAIT)  # not reaped yet: its pid stays ours
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    stop()
    _, _, usage = os.wait4(init, 0)
    cpu = usage.ru_utime + usage.ru_stime
    line = {"timed_out": any(timed_out), "cpu_time": cpu, "peak_kb": usage.ru_maxrss}
    os.write(report, json.dumps(line).encode() + b"\n")
    os._exit(0)


def serve(listener, lifeline):
    """Fork a launcher for each request until the supervisor's process is gone."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # launchers are reaped by the kernel
    while True:
        if lifeline in select.select([listener, lifeline], [], [])[0]:
            address = listener.getsockname()  # its folder is our working directory
            os.unlink(address)
            os.rmdir(os.path.dirname(address))
            os._exit(0)
        connection, _ = listener.accept()
        with connection:
            try:
                message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 4)
            except OSError:  # the client went away; serve the next one
                continue
            if len(fds) == 4:
                launcher = os.fork()
                if launcher == 0:
                    return start_launcher(listener, lifeline, connection, json.loads(message), fds)
                answer(connection, launcher)
            for fd in fds:
                os.close(fd)


def answer(connection, launcher):
    """Send the client a pidfd of its launcher (none when the launcher is already gone)."""
    try:
        pidfd = os.pidfd_open(launcher)
    except OSError:
        pidfd = None
    try:
        socket.send_fds(connection, [b"started"], [] if pidfd is None else [pidfd])
    except OSError:
        pass
    finally:
        if pidfd is not None:
            os.close(pidfd)


def start_launcher(listener, lifeline, connection, config, fds):
    """In the forked launcher: drop the server's descriptors, wire up the run's, and launch."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    listener.close()
    connection.close()
    os.close(lifeline)
    os.setsid()
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
        if fd != target:
            os.close(fd)
    config["report_fd"] = fds[3]
    os.chdir(config["inputs"])
    launch(config)


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[2])), int(sys.argv[3]))

"""The processes of a sandboxed run: they isolate themselves, then run the untrusted program.

The supervisor starts this file once per process as a small server, `python -I bootstrap.py
--serve LISTENER LIFELINE`, with a scratch environment, a listening Unix socket and a lifeline pipe
(descriptor numbers) whose other end it keeps open. Each run is a request on that socket: a JSON
config plus four file descriptors (stdin opened on the test input, capped stdout/stderr pipes, a
report pipe). The server forks a launcher for it and hands back a pidfd of the launcher. Forking
from a warm server means a run costs no Python start-up. Standard library only (plus `pyseccomp`
when it is installed); it imports nothing from k2.

Five processes, each with one job:

    server     forks launchers; refuses callers from another PID namespace (a sandboxed program);
               exits when the supervisor's process is gone (lifeline EOF).
    launcher   stays on the host: reads main.py (then deletes it), opens the runtime folders,
               makes the run's memory cgroup (root), forks the keeper and writes its uid/gid maps, keeps
               the wall clock, and reports CPU time, peak memory and OOM kills.
    keeper     enters new user, mount, PID, network, IPC, UTS and cgroup namespaces; becomes the
               run's own uid (root: host uid UID_BASE + launcher pid, one per live run; not root:
               the caller's uid, the only one it may map); forbids nested namespaces; forks the
               init and waits for it.
    init       PID 1 of the new PID namespace: builds a minimal root (the interpreter's folders and
               /usr read-only, a few /dev nodes, one private tmpfs for /tmp, /var/tmp and /dev/shm, a fresh
               /proc)
               and pivots into it, so nothing else of the host exists for the program; forks the
               program, reaps orphans, reports its exit status. It is not dumpable and holds no
               stdin/stdout, so the program cannot read or write through it. When it exits the
               kernel kills everything left in the namespace.
    program    drops every capability (securebits locked, no_new_privs), sets the rlimits, loads
               the seccomp filter, and executes the source as `__main__` in this same interpreter.

With `mechanism == "none"` (the caller opted out of isolation) the launcher forks the init directly,
without namespaces, filesystem, cgroup or seccomp, and kills the program's process group at the end.
"""

import atexit
import ctypes
import errno
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import traceback
import types

try:  # a ctypes binding to libseccomp; without it the namespace limits below still hold
    import pyseccomp
except Exception:  # not installed, or libseccomp itself is missing  # noqa: BLE001
    pyseccomp = None

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = (
    CLONE_NEWUSER
    | CLONE_NEWNS
    | CLONE_NEWPID
    | CLONE_NEWNET
    | CLONE_NEWIPC
    | CLONE_NEWUTS
    | CLONE_NEWCGROUP
)
NEW_NAMESPACE_FLAGS = (
    CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
    CLONE_NEWCGROUP,
)  # fmt: skip
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 28, 38
SECUREBITS_LOCKED_NOROOT = 0xEF  # noroot, no-setuid-fixup, no ambient raise; keep-caps off; locked
SYS_MOUNT_SETATTR = 442  # the same number on every architecture
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "ppc64le": 203, "s390x": 217}
AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = -100, 0x8000, 1
UID_BASE = 1_000_000_000  # root's runs get host uid UID_BASE + launcher pid (pids are < 2**22)
ROOT = "/tmp"  # where the minimal root is assembled (covered in the run's mount namespace only)
DEVICES = ("null", "zero", "random", "urandom")
WORKDIR = "/tmp/sandbox"
AF_UNIX, AF_NETLINK, AF_PACKET, SOCK_RAW = 1, 16, 17, 3
SO_PEERCRED = 17
DENIED_SYSCALLS = (  # what online judges deny; each fails with EPERM
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "ptrace",
    "process_vm_readv", "process_vm_writev", "keyctl", "add_key", "request_key", "bpf",
    "perf_event_open", "userfaultfd", "kexec_load", "init_module", "finit_module",
    "delete_module", "open_by_handle_at", "name_to_handle_at", "fsopen", "fsmount",
    "move_mount", "open_tree", "mount_setattr", "quotactl", "swapon", "swapoff", "acct",
)  # fmt: skip

libc = ctypes.CDLL(None, use_errno=True)
SECCOMP = None  # the filter every program loads (built by `serve`)


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


def write(path, text):
    with open(path, "w") as file:
        file.write(text)


# --- the launcher's host-side jobs: uid maps and the cgroup ------------------------------------


def write_maps(keeper, uid, gid):
    """Map uid 0 of the keeper's new user namespace to one host uid (and gid)."""
    if os.geteuid() != 0:  # an unprivileged caller may map only itself, with setgroups denied
        write(f"/proc/{keeper}/setgroups", "deny")
    write(f"/proc/{keeper}/uid_map", f"0 {uid} 1")
    write(f"/proc/{keeper}/gid_map", f"0 {gid} 1")


def make_cgroup(config):
    """A memory cgroup (v1) for this run, or None where there is none to make.

    Everything the run's processes use counts against it: children, tmpfs files, memfds. (Processes
    need no cgroup: RLIMIT_NPROC counts per user namespace, and each run has its own.)"""
    folders = [config["cgroups"]["memory"]] if config["cgroups"] else []
    if not folders:
        return None
    name = f"k2-sandbox-{os.getpid()}"
    limits = config["limits"]
    memory = (limits["memory_mb"] + 32) * 1024 * 1024  # + the keeper's and init's own pages
    made = []
    try:
        for folder, settings in zip(
            folders,
            ({"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory},),
            strict=True,
        ):
            path = os.path.join(folder, name)
            os.mkdir(path)
            made.append(path)
            for key, value in settings.items():
                if os.path.exists(os.path.join(path, key)):
                    write(os.path.join(path, key), str(value))
    except OSError:
        remove_cgroup(made)
        return None
    return made


def remove_stale_cgroups(folder):
    """Remove the cgroups of runs whose launcher is gone (killed before it could clean up)."""
    for name in os.listdir(folder):
        if name.startswith("k2-sandbox-") and name[11:].isdigit():
            try:
                os.kill(int(name[11:]), 0)
            except ProcessLookupError:
                remove_cgroup([os.path.join(folder, name)])
            except OSError:
                pass


def remove_cgroup(paths):
    for path in paths or ():
        try:
            os.rmdir(path)
        except OSError:
            pass


def oom_kills(paths):
    """How many processes the kernel killed for memory in the run's cgroup."""
    for path in paths or ():
        try:
            with open(os.path.join(path, "memory.oom_control")) as file:
                for line in file:
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


# --- the keeper: new namespaces, the run's own uid ---------------------------------------------


def be_keeper(config, source, report, ready, go):
    """Enter the namespaces, wait for the uid maps, become uid 0 of the namespace, fork the init.

    The runtime folders are opened here, in the new mount namespace (a bind mount's source must be
    in it) but still with the caller's file access, so folders the run's own uid could not enter
    (a pyenv under /root) are still bound in by handle."""
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    try:
        check(libc.unshare(NAMESPACES), "unshare")
        handles = {path: os.open(path, os.O_PATH) for path in config["runtime"]}
        os.write(ready, b"1")
        if os.read(go, 1) != b"1":
            os._exit(1)
        if os.getuid() != 0:  # root's keeper: its host uid 0 is unmapped here; take the mapped one
            os.setgroups([])
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
        forbid_nested_namespaces()
    except OSError as error:
        fail(report, error)
    os.close(ready)
    os.close(go)
    lifeline, keepalive = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(keepalive)
        return be_init(config, source, report, lifeline, handles)
    os.close(lifeline)
    os.close(report)
    for fd in handles.values():
        os.close(fd)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.waitpid(init, 0)
    os._exit(0)


def forbid_nested_namespaces():
    """No namespace of any kind may be created below this one (the per-namespace limits in
    /proc/sys/user, which hold even where seccomp is unavailable)."""
    for name in os.listdir("/proc/sys/user"):
        if name.startswith("max_") and name.endswith("_namespaces"):
            write(f"/proc/sys/user/{name}", "0")


# --- the init: the minimal root ------------------------------------------------------------------


def build_filesystem(config, handles):
    """Assemble the minimal root in a tmpfs and pivot into it; the old root is detached."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
    for path, handle in sorted(handles.items()):
        os.makedirs(ROOT + path, exist_ok=True)
        mount(f"/proc/self/fd/{handle}", ROOT + path, None, MS_BIND | MS_REC)
    for link, target in config["links"].items():
        os.symlink(target, ROOT + link)
    for name in ("dev", "proc", "tmp", "var"):
        os.makedirs(f"{ROOT}/{name}", exist_ok=True)
    mount("tmpfs", f"{ROOT}/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k")
    for name in DEVICES:
        open(f"{ROOT}/dev/{name}", "w").close()
        mount(f"/dev/{name}", f"{ROOT}/dev/{name}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0")):
        os.symlink(target, f"{ROOT}/dev/{name}")
    os.symlink("/proc/self/fd/1", f"{ROOT}/dev/stdout")
    os.symlink("/proc/self/fd/2", f"{ROOT}/dev/stderr")
    os.symlink("/tmp", f"{ROOT}/dev/shm")  # one scratch tmpfs: /tmp, /var/tmp and /dev/shm
    os.symlink("/tmp", f"{ROOT}/var/tmp")
    mount("proc", f"{ROOT}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    make_readonly(ROOT)
    scratch = f"size={config['limits']['file_mb']}m,mode=1777"
    mount("tmpfs", f"{ROOT}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, scratch)
    os.chdir(ROOT)
    call = SYS_PIVOT_ROOT.get(os.uname().machine)
    if call is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown architecture {os.uname().machine}")
    check(libc.syscall(call, b".", b"."), "pivot_root")
    check(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    os.mkdir(WORKDIR)
    os.chdir(WORKDIR)


def be_init(config, source, report, lifeline, handles):
    """PID 1 of the namespace: build the filesystem, fork the program, reap, report its status."""
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    if select.select([lifeline], [], [], 0)[0]:  # the keeper died before PDEATHSIG was armed
        os._exit(1)
    os.setsid()
    if config["mechanism"] != "none":
        try:
            build_filesystem(config, handles)
        except OSError as error:
            fail(report, error)
        for fd in handles.values():
            os.close(fd)
        check(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "dumpable")  # /proc/1/* is closed
    program = os.fork()
    if program == 0:
        os.close(report)
        os.close(lifeline)
        return run_program(config, source)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):  # the program's streams are not reachable through the init
        os.dup2(null, fd)
    os.close(null)
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == program:
            break
    os.write(report, json.dumps({"wait_status": status}).encode() + b"\n")
    os._exit(0)


# --- the program ---------------------------------------------------------------------------------


def drop_privileges(config):
    """No way back to more power: every capability dropped and locked away, `no_new_privs`;
    `nobody` for root's unisolated (`none`) runs."""
    if config["uid"] is not None:
        os.setgroups([])
        os.setresgid(config["gid"], config["gid"], config["gid"])
        os.setresuid(config["uid"], config["uid"], config["uid"])
    else:
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
    cap(resource.RLIMIT_MEMLOCK, 0)
    cap(resource.RLIMIT_MSGQUEUE, 0)


def seccomp_filter():
    """Deny what judges deny: new namespaces, mounts, ptrace, keyrings, bpf, unix/raw/packet
    sockets. None where no seccomp library is installed. Built once, in the server."""
    if pyseccomp is None:
        return None
    deny = pyseccomp.ERRNO(errno.EPERM)
    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            rules.add_rule(deny, name)
        except (OSError, ValueError):  # a call this libseccomp does not know: nor does the kernel
            pass
    arg = pyseccomp.Arg
    for flag in NEW_NAMESPACE_FLAGS:  # clone with any CLONE_NEW* flag
        rules.add_rule(deny, "clone", arg(0, pyseccomp.MASKED_EQ, flag, flag))
    # clone3's flags sit in memory, out of seccomp's sight: ENOSYS makes libc fall back to clone
    rules.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    for family in (AF_UNIX, AF_NETLINK, AF_PACKET):
        rules.add_rule(deny, "socket", arg(0, pyseccomp.EQ, family))
    rules.add_rule(deny, "socket", arg(1, pyseccomp.MASKED_EQ, 0xF, SOCK_RAW))
    return rules


def run_program(config, source):
    """Become the program: this process executes `source` as `__main__` and exits like `python`."""
    drop_privileges(config)
    set_limits(config["limits"])
    if config["mechanism"] != "none" and SECCOMP is not None:
        SECCOMP.load()
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


def fail(report, error):
    """Tell the supervisor that the sandbox itself could not be set up, and stop."""
    os.write(report, json.dumps({"error": str(error)}).encode() + b"\n")
    os._exit(2)


# --- the launcher ----------------------------------------------------------------------------


def launch(config):
    """The launcher: read the program, start the keeper (or the bare init), keep the wall clock."""
    report = config["report_fd"]
    with open("main.py", encoding="utf-8", errors="replace") as file:
        source = file.read()
    os.unlink("main.py")
    isolated = config["mechanism"] != "none"
    cgroup = make_cgroup(config) if isolated and os.geteuid() == 0 else None
    ready_read, ready = os.pipe()
    go, go_write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(ready_read)
        os.close(go_write)
        if isolated:
            return be_keeper(config, source, report, ready, go)
        return be_init(config, source, report, go, {})
    os.close(ready)
    os.close(go)
    try:
        if isolated:
            if cgroup:
                for path in cgroup:
                    write(os.path.join(path, "cgroup.procs"), str(child))
            if os.read(ready_read, 1) == b"1":
                uid = gid = UID_BASE + os.getpid()
                if os.geteuid() != 0:
                    uid, gid = os.getuid(), os.getgid()
                write_maps(child, uid, gid)
                os.write(go_write, b"1")
    except OSError as error:
        os.kill(child, signal.SIGKILL)
        fail(report, error)
    finally:
        os.close(ready_read)
    timed_out = []

    def stop(signum=None, frame=None):
        """Kill the keeper (the namespace dies with its init) and its process group (`none`)."""
        timed_out.append(signum is not None)
        for kill in (os.killpg, os.kill):
            try:
                kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGALRM, stop)  # the wall clock, or the supervisor asking to stop
    signal.setitimer(signal.ITIMER_REAL, config["limits"]["wall_time"])
    os.waitid(os.P_PID, child, os.WEXITED | os.WNOWAIT)  # not reaped yet: its pid stays ours
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    stop()
    os.close(go_write)
    _, _, usage = os.wait4(child, 0)
    cpu = usage.ru_utime + usage.ru_stime
    line = {"timed_out": any(timed_out), "cpu_time": cpu, "peak_kb": usage.ru_maxrss}
    if cgroup:
        line["oom_kills"] = oom_kills(cgroup)
        remove_cgroup(cgroup)
    os.write(report, json.dumps(line).encode() + b"\n")
    os._exit(0)


def serve(listener, lifeline):
    """Fork a launcher for each request until the supervisor's process is gone."""
    global SECCOMP
    SECCOMP = seccomp_filter()
    folder = "/sys/fs/cgroup/memory"
    if os.geteuid() == 0 and os.access(folder, os.W_OK):
        remove_stale_cgroups(folder)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # launchers are reaped by the kernel
    while True:
        if lifeline in select.select([listener, lifeline], [], [])[0]:
            address = listener.getsockname()  # its folder is our working directory
            os.unlink(address)
            os.rmdir(os.path.dirname(address))
            os._exit(0)
        connection, _ = listener.accept()
        with connection:
            if not same_namespaces(connection):  # a sandboxed program found the socket
                continue
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


def same_namespaces(connection):
    """True when the peer lives in the server's own user, PID and mount namespaces."""
    pid, _, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, SO_PEERCRED, 12))
    try:
        return pid > 0 and all(
            os.readlink(f"/proc/{pid}/ns/{kind}") == os.readlink(f"/proc/self/ns/{kind}")
            for kind in ("user", "pid", "mnt")
        )
    except OSError:
        return False


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

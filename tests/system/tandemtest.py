"""Tandem system-test harness.

Starts real processes (tandemd, SIPp, later osmo-stp, osmo-mgw, PostgreSQL)
bound to 127.0.0.1 only, bounds every wait with a timeout, and always stops
what it started, even when a test fails or the runner is interrupted.
"""
import atexit
import os
import re
import shutil
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SRCDIR = os.path.abspath(os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILDDIR = os.path.abspath(os.environ.get("TOP_BUILDDIR", SRCDIR))
SIPP = os.environ.get("SIPP") or shutil.which("sipp")
TSHARK = os.environ.get("TSHARK") or shutil.which("tshark")
IN_CI = bool(os.environ.get("CI"))

# Every test process ever started, so that nothing outlives the runner.
_LIVE = []


def _kill_all():
    for proc in list(_LIVE):
        proc.stop()


atexit.register(_kill_all)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda s, f: (_kill_all(), sys.exit(128 + s)))


def builddir(*parts):
    return os.path.join(BUILDDIR, *parts)


def srcdir(*parts):
    return os.path.join(SRCDIR, *parts)


# Ports the tests hand out: below the RTP ranges of the gateways (20000
# and up) and below the kernel's ephemeral range (32768 and up here), which
# a port bound to 0 comes from; an ephemeral port may be taken by any
# outgoing connection (a VTY client, an M3UA client) between the probe and
# its use, and a process that must bind it then fails for as long as that
# connection lives.
# One process never hands out a port twice (two picks before their users
# bind would otherwise meet, the birthday way); each process starts at a
# random place so that the parallel test processes of `make check -j`
# walk different stretches.
FREE_PORTS = (10000, 19999)
_next_port = [random.randint(*FREE_PORTS)]


def free_port(udp=True, tcp=True, tries=200):
    """A port on 127.0.0.1 that is free for the requested protocols now,
    and not handed out before by this process."""
    lo, hi = FREE_PORTS
    for _ in range(tries):
        port = _next_port[0]
        _next_port[0] = lo if port >= hi else port + 1
        ok = True
        for kind, wanted in ((socket.SOCK_STREAM, tcp), (socket.SOCK_DGRAM, udp)):
            if not wanted:
                continue
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
    raise RuntimeError("no free port found")


def wait_for(predicate, timeout, what, interval=0.05):
    """Poll predicate() until it is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class Proc:
    """A process in its own process group, logged to a file."""

    def __init__(self, name, argv, logdir, cwd=None, env=None):
        self.name = name
        self.argv = argv
        self.log_path = os.path.join(logdir, name + ".log")
        self._log = open(self.log_path, "wb")
        self.popen = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        _LIVE.append(self)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait(self, timeout):
        return self.popen.wait(timeout=timeout)

    def signal(self, sig):
        if self.alive():
            self.popen.send_signal(sig)

    def stop(self, timeout=5):
        """SIGTERM, then SIGKILL to the whole group; returns the exit code."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        if self in _LIVE:
            _LIVE.remove(self)
        self._log.close()
        return self.popen.returncode


class Vty:
    """A telnet VTY client that waits for the prompt after each command."""

    PROMPT = re.compile(rb"\r?\n?[\w.-]+(\([\w-]+\))?[>#] $")

    def __init__(self, port, host="127.0.0.1", timeout=5):
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.banner = self._read_prompt()

    def _strip_telnet(self, data):
        # Drop IAC negotiation (IAC cmd opt, and IAC SB ... IAC SE).
        out = bytearray()
        i = 0
        while i < len(data):
            b = data[i]
            if b == 255 and i + 1 < len(data):
                cmd = data[i + 1]
                if cmd == 250:
                    end = data.find(b"\xff\xf0", i + 2)
                    i = len(data) if end < 0 else end + 2
                    continue
                i += 3 if cmd in (251, 252, 253, 254) else 2
                continue
            out.append(b)
            i += 1
        return bytes(out)

    def _read_prompt(self):
        deadline = time.monotonic() + self.timeout
        while not self.PROMPT.search(self.buf):
            if time.monotonic() > deadline:
                raise TimeoutError("no VTY prompt; got %r" % self.buf[-200:])
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("VTY closed; got %r" % self.buf[-200:])
            self.buf += self._strip_telnet(chunk)
        out, self.buf = self.buf, b""
        return out.decode("utf-8", "replace").replace("\r", "")

    def cmd(self, line):
        """Run one command; returns its output without the echo and prompt."""
        self.sock.sendall(line.encode() + b"\n")
        text = self._read_prompt()
        lines = text.split("\n")
        # first line is the echoed command, last one the next prompt
        return "\n".join(l for l in lines[1:-1]).strip("\n")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def tandemd_config(vty_port, sip_port, transport="udp-tcp", extra=""):
    return ("log stderr\n"
            " logging filter all 1\n"
            " logging color 0\n"
            " logging print category-hex 0\n"
            " logging print category 1\n"
            " logging level set-all info\n"
            "line vty\n"
            " bind 127.0.0.1 %d\n"
            "sip\n"
            " local-address 127.0.0.1\n"
            " local-port %d\n"
            " transport %s\n" % (vty_port, sip_port, transport)) + extra


class TandemTestCase(unittest.TestCase):
    """Gives each test a scratch directory and stops its processes."""

    def setUp(self):
        base = builddir("tests", "system", "tmp")
        os.makedirs(base, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=self.id().split(".")[-1] + "-", dir=base)
        self.procs = []
        self.vtys = []

    def tearDown(self):
        failed = not getattr(self._outcome, "success", False)
        for v in self.vtys:
            v.close()
        for p in reversed(self.procs):
            p.stop()
        if failed:
            for p in self.procs:
                sys.stderr.write("---- %s log (%s) ----\n%s\n" % (p.name, p.log_path, p.log()[-4000:]))
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, name, argv, **kw):
        proc = Proc(name, argv, self.tmp, **kw)
        self.procs.append(proc)
        return proc

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_tandemd(self, config_text=None, config_path=None, vty_port=None, name="tandemd"):
        """Start tandemd and wait until its VTY answers; returns (proc, vty)."""
        if config_path is None:
            config_path = self.write(name + ".cfg", config_text)
        proc = self.start(name, [builddir("src", "tandemd"), "-c", config_path], cwd=self.tmp)
        wait_for(lambda: port_open(vty_port) or not proc.alive(), 10, "tandemd VTY on %d" % vty_port)
        self.assertTrue(proc.alive(), "tandemd exited early:\n" + proc.log())
        vty = Vty(vty_port)
        self.vtys.append(vty)
        return proc, vty

    def require_tool(self, path, name):
        if not path:
            if IN_CI:
                self.fail("%s is required in CI but not installed" % name)
            self.skipTest("%s not installed" % name)


def main():
    """Run the module's tests; prints the plain 'N passed, N failed' line."""
    signal.alarm(int(os.environ.get("TANDEM_TEST_TIMEOUT", "600")))
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"])
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    sys.stdout.write("%s\nsystem: %d passed, %d failed, %d skipped\n"
                     % (os.path.basename(sys.argv[0]), passed, failed, skipped))
    _kill_all()
    sys.exit(0 if failed == 0 else 1)

"""SS7 system-test helpers: a real osmo-stp, tandemd as an ASP and the
scripted ISUP test peer (tests/isup_peer), all on 127.0.0.1.

This kernel has no SCTP, so when socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)
fails every SS7 process gets the test-only shim tests/shim/sctp_shim.so in
LD_PRELOAD (in its own environment only).
"""
import fcntl
import os
import re
import shutil
import socket

import tandemtest as tt
from tandemtest import TandemTestCase, builddir, free_port, port_open, wait_for

OSMO_STP = shutil.which("osmo-stp")
ISUP_PEER = builddir("tests", "isup_peer")
SHIM = builddir("tests", "shim", "sctp_shim.so")
# osmo-stp 1.6 ignores the port of "line vty / bind": its VTY is always
# 4239, so only one osmo-stp runs at a time on this machine.
STP_VTY_PORT = 4239
STP_LOCK = "/tmp/tandem-osmo-stp.lock"

# tandemd is 1.1.1 (2057), the peer 2.2.2 (4114): the peer controls the
# even CICs on dual seizure.
TANDEM_PC = "1.1.1"
PEER_PC = "2.2.2"


def kernel_has_sctp():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    except OSError:
        return False
    s.close()
    return True


def ss7_env():
    """Environment of an SS7 process: the shim only where SCTP is missing."""
    env = dict(os.environ)
    if not kernel_has_sctp():
        env["LD_PRELOAD"] = SHIM
        # ASan insists on being first in the library list; the shim is
        # plain C and does not care about the order.
        opts = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "verify_asan_link_order=0"
    return env


def stp_config(stp_port, tandem_port, peer_port):
    return ("log stderr\n"
            " logging filter all 1\n"
            " logging color 0\n"
            " logging print category 1\n"
            " logging level set-all notice\n"
            "line vty\n"
            " bind 127.0.0.1\n"
            "cs7 instance 0\n"
            " point-code 0.0.1\n"
            " xua rkm routing-key-allocation static-only\n"
            " listen m3ua %d\n"
            "  local-ip 127.0.0.1\n"
            "  accept-asp-connections pre-configured\n"
            " asp asp-tandem %d %d m3ua\n"
            "  local-ip 127.0.0.1\n"
            "  remote-ip 127.0.0.1\n"
            " asp asp-peer %d %d m3ua\n"
            "  local-ip 127.0.0.1\n"
            "  remote-ip 127.0.0.1\n"
            " as as-tandem m3ua\n"
            "  asp asp-tandem\n"
            "  routing-key 1 %s\n"
            " as as-peer m3ua\n"
            "  asp asp-peer\n"
            "  routing-key 2 %s\n"
            " route-table system\n"
            "  update route %s 7.255.7 linkset as-tandem\n"
            "  update route %s 7.255.7 linkset as-peer\n"
            % (stp_port, tandem_port, stp_port, peer_port, stp_port, TANDEM_PC, PEER_PC,
               TANDEM_PC, PEER_PC))


def asp_config(pc, asp, as_name, rctx, stp_port, local_port):
    return ("cs7 instance 0\n"
            " point-code %s\n"
            " asp %s %d %d m3ua\n"
            "  local-ip 127.0.0.1\n"
            "  remote-ip 127.0.0.1\n"
            "  role asp\n"
            "  sctp-role client\n"
            " as %s m3ua\n"
            "  asp %s\n"
            "  routing-key %d %s\n" % (pc, asp, stp_port, local_port, as_name, asp, rctx, pc))


def trunk_config(first=1, last=8, timers=None):
    timers = timers or {}
    text = ("isup trunk t1\n"
            " variant itu\n"
            " local-point-code %s\n"
            " remote-point-code %s\n"
            " cic-range %d %d\n"
            " circuit-selection sequential\n"
            " mgw-endpoint ds/e1-0/s-{cic}@mgw\n" % (TANDEM_PC, PEER_PC, first, last))
    for name, val in sorted(timers.items()):
        text += " timer %s %d\n" % (name, val)
    return text


# Short repeat timers so that a message lost before the peer connected is
# sent again quickly; the defaults (15 s) are covered by `show isup timers`.
TEST_TIMERS = {"T16": 1, "T22": 1, "T12": 1, "T14": 1, "T18": 1, "T20": 1, "T1": 1}

# Every peer scenario starts by answering tandemd's start-up reset.
STARTUP = ("dpc %s\n"
           "timeout 10\n"
           "expect GRS cic=1 range=7\n"
           "send GRA cic=1 range=7 status=00000000\n"
           "ignore GRS\n"
           "mark reset\n" % TANDEM_PC)


def parse_circuits(text):
    """`show isup circuits` as {cic: (state, blocking, pending, peer)}."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", line)
        if m and m.group(2).isdigit():
            out[int(m.group(2))] = (m.group(3), m.group(4), m.group(5), m.group(6))
    return out


class SS7TestCase(TandemTestCase):
    """osmo-stp in the middle, tandemd with trunk t1 (CIC 1-8), and helpers
    to run the ISUP peer."""

    timers = TEST_TIMERS
    #: more config after the trunk t1 (a subclass adds trunks)
    extra_cfg = ""
    # Keep a peer's association up after its scenario passed (isup_peer
    # -l): since tandemd learns of the peer's loss behind the STP (DUNA),
    # a peer that exits would take the circuits out of service before the
    # test looks at them.  A lingering peer is stopped when the next one
    # starts and at the end of the test.
    peer_linger = True

    def setUp(self):
        super().setUp()
        if not OSMO_STP:
            self.require_tool(None, "osmo-stp")
        self.assertTrue(os.path.exists(ISUP_PEER), "build tests/isup_peer first (make check)")
        if not kernel_has_sctp():
            self.assertTrue(os.path.exists(SHIM), "build tests/shim/sctp_shim.so first")
        self._lock = open(STP_LOCK, "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.addCleanup(self._unlock)
        self.stp_port = free_port(udp=False)
        self.tandem_asp_port = free_port(udp=False)
        self.peer_asp_port = free_port(udp=False)
        self.start_stp()
        self.vty_port, self.sip_port = free_port(), free_port()
        cfg = tt.tandemd_config(self.vty_port, self.sip_port, transport="udp")
        cfg += asp_config(TANDEM_PC, "asp-tandem", "as-tandem", 1, self.stp_port, self.tandem_asp_port)
        cfg += trunk_config(timers=self.timers)
        cfg += self.extra_cfg
        self.tandemd, self.vty = self.start_ss7_tandemd(cfg)
        self.vty.cmd("enable")
        self.peer_n = 0

    def _unlock(self):
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()

    def start_stp(self, name="osmo-stp"):
        wait_for(lambda: not port_open(STP_VTY_PORT), 10, "port %d to be free" % STP_VTY_PORT)
        path = self.write(name + ".cfg", stp_config(self.stp_port, self.tandem_asp_port,
                                                     self.peer_asp_port))
        self.stp = self.start(name, [OSMO_STP, "-c", path], cwd=self.tmp, env=ss7_env())
        wait_for(lambda: port_open(STP_VTY_PORT) or not self.stp.alive(), 10, "osmo-stp VTY")
        self.assertTrue(self.stp.alive(), "osmo-stp exited:\n" + self.stp.log())
        return self.stp

    def start_ss7_tandemd(self, cfg):
        path = self.write("tandemd.cfg", cfg)
        proc = self.start("tandemd", [builddir("src", "tandemd"), "-c", path], cwd=self.tmp,
                          env=ss7_env())
        wait_for(lambda: tt.port_open(self.vty_port) or not proc.alive(), 10, "tandemd VTY")
        self.assertTrue(proc.alive(), "tandemd exited early:\n" + proc.log())
        vty = tt.Vty(self.vty_port)
        self.vtys.append(vty)
        return proc, vty

    def stop_tandemd_clean(self):
        """Stop tandemd: a clean exit, no leak or sanitizer report."""
        rc = self.tandemd.stop()
        with open(self.tandemd.log_path, errors="replace") as f:
            log = f.read()
        self.assertEqual(rc, 0, log[-3000:])
        self.assertNotIn("ERROR: AddressSanitizer", log)
        self.assertNotIn("runtime error:", log)

    def start_peer(self, scenario):
        """Start the peer on a scenario; returns its Proc."""
        self.peer_n += 1
        name = "peer%d" % self.peer_n
        cfg = self.write(name + ".cfg",
                         "log stderr\n logging filter all 1\n logging color 0\n"
                         " logging print category 1\n logging level set-all notice\n"
                         + asp_config(PEER_PC, "asp-peer", "as-peer", 2, self.stp_port,
                                      self.peer_asp_port))
        scn = self.write(name + ".scn", scenario)
        argv = [ISUP_PEER, "-c", cfg, "-s", scn]
        if self.peer_linger:
            # one ASP port: the previous peer goes first
            for p in self.procs:
                if p.name.startswith("peer") and p.alive():
                    p.stop()
            argv.append("-l")
        return self.start(name, argv, cwd=self.tmp, env=ss7_env())

    def wait_peer(self, peer, timeout=30):
        """Wait for the peer to end (or, lingering, to pass its scenario);
        fail with its output unless it passed."""
        if self.peer_linger:
            wait_for(lambda: "\nLINGER\n" in peer.log() or not peer.alive(), timeout,
                     "%s to finish its scenario" % peer.name)
            if peer.alive():
                return peer.log()
        rc = peer.wait(timeout)
        self.assertEqual(rc, 0, "%s failed:\n%s" % (peer.name, peer.log()[-3000:]))
        return peer.log()

    def run_peer(self, scenario, timeout=30):
        return self.wait_peer(self.start_peer(scenario), timeout)

    def wait_mark(self, peer, mark, timeout=15):
        wait_for(lambda: ("MARK %s\n" % mark) in peer.log() or not peer.alive(), timeout,
                 "peer mark %s" % mark)
        self.assertIn("MARK %s\n" % mark, peer.log(), "peer ended early:\n" + peer.log()[-3000:])

    def go(self, name):
        """Let a peer blocked on `wait-file NAME` continue."""
        open(os.path.join(self.tmp, name), "w").close()

    def circuits(self, *args):
        return parse_circuits(self.vty.cmd("show isup circuits " + " ".join(args)))

    def wait_circuits(self, predicate, what, timeout=10):
        return wait_for(lambda: predicate(self.circuits()), timeout, what)

    def counter(self, label):
        """A rate counter of `show isup trunks` by its description."""
        m = re.search(r"%s:\s+(\d+)" % re.escape(label), self.vty.cmd("show isup trunks"))
        self.assertIsNotNone(m, "no counter '%s'" % label)
        return int(m.group(1))

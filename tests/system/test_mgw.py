#!/usr/bin/env python3
"""tandem-mgw system tests: the gateway runs for real on 127.0.0.1 and is
driven over UDP.  The test is the call agent (it receives the RSIP) and
both RTP peers; tshark decodes the MGCP we exchanged."""
import math
import os
import random
import re
import signal
import socket
import struct
import subprocess

import pcap
import tandemtest as tt
from tandemtest import TandemTestCase, builddir, srcdir, free_port, wait_for

MGW = builddir("mgcp", "tandem-mgw")


def config_lines(text):
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("!") or s.startswith("#") or s == "end":
            continue
        out.append(line.rstrip())
    return out


def mgw_config(vty_port, mgcp_port, ca_port=None, rtp_base=None, endpoints=8, extra=""):
    if rtp_base is None:
        rtp_base = random.randrange(20000, 60000, 200)
    text = ("log stderr\n"
            " logging filter all 1\n"
            " logging color 0\n"
            " logging print category 1\n"
            " logging level set-all info\n"
            "line vty\n"
            " bind 127.0.0.1 %d\n"
            "mgw\n"
            " bind ip 127.0.0.1\n"
            " bind port %d\n"
            " domain mgw\n" % (vty_port, mgcp_port))
    if ca_port:
        text += " call-agent ip 127.0.0.1 port %d\n" % ca_port
    text += (" rtp bind-ip 127.0.0.1\n"
             " rtp port-range %d %d\n"
             " number endpoints %d\n" % (rtp_base, rtp_base + 199, endpoints))
    return text + extra


# G.711 A-law (ITU-T G.711), written here so the test does not trust the
# gateway's own tables.
def alaw_encode(s):
    s = max(-32768, min(32767, int(s)))
    pcm = s >> 3
    if pcm >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        pcm = -pcm - 1
    ends = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)
    seg = next((i for i, e in enumerate(ends) if pcm <= e), 8)
    if seg >= 8:
        return 0x7F ^ mask
    aval = seg << 4
    aval |= ((pcm >> 1) if seg < 2 else (pcm >> seg)) & 0x0F
    return aval ^ mask


def alaw_decode(a):
    a ^= 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    else:
        t = (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


def tone(n, freq=1000.0, amp=8000.0, start=0):
    return [amp * math.sin(2 * math.pi * freq * (start + i) / 8000.0) for i in range(n)]


def goertzel(x, freq):
    w = 2 * math.pi * freq / 8000.0
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s0 = v + c * s1 - s2
        s2, s1 = s1, s0
    return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2.0 / (len(x) ** 2)


def mean_square(x):
    return sum(v * v for v in x) / len(x)


def rtp_packet(pt, seq, ts, ssrc, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def parse_rtp(pkt):
    b0, b1, seq, ts, ssrc = struct.unpack("!BBHII", pkt[:12])
    return {"pt": b1 & 0x7F, "marker": bool(b1 & 0x80), "seq": seq, "ts": ts, "ssrc": ssrc, "payload": pkt[12:]}


class Mgcp:
    """The test's call agent: sends commands, reads responses, records both."""

    def __init__(self, mgw_port, ca_port=None):
        self.mgw_port = mgw_port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", ca_port or 0))
        self.sock.settimeout(5)
        self.port = self.sock.getsockname()[1]
        self.tid = 1000
        self.log = []   # (from_gateway, bytes)

    def send_raw(self, data):
        self.log.append((False, data))
        self.sock.sendto(data, ("127.0.0.1", self.mgw_port))

    def recv(self, timeout=5):
        self.sock.settimeout(timeout)
        data, addr = self.sock.recvfrom(65536)
        self.log.append((True, data))
        return data.decode()

    def cmd(self, verb, endpoint, params="", sdp=None, tid=None):
        if tid is None:
            self.tid += 1
            tid = self.tid
        text = "%s %d %s MGCP 1.0\r\n%s" % (verb, tid, endpoint, params)
        if sdp is not None:
            text += "\r\n" + sdp
        self.send_raw(text.encode())
        return self.recv()

    def close(self):
        self.sock.close()


def resp_code(text):
    return int(text.split(" ", 1)[0])


def resp_param(text, name):
    head = text.split("\r\n\r\n", 1)[0]
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().upper() == name.upper():
            return v.strip()
    return None


def resp_sdp_port(text):
    m = re.search(r"^m=audio (\d+) RTP/AVP (\d+)", text, re.M)
    return int(m.group(1)), int(m.group(2))


def sdp(port, pts=(8,), ptime=20, rtpmap=()):
    lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
             "m=audio %d RTP/AVP %s" % (port, " ".join(str(p) for p in pts))]
    lines += list(rtpmap)
    if ptime:
        lines.append("a=ptime:%d" % ptime)
    return "\r\n".join(lines) + "\r\n"


def counter(vty, name, show="show mgw counters"):
    """Counter @name as the VTY command @show lists it ("name: value")."""
    out = vty.cmd(show)
    m = re.search(r"^\s*%s:\s+(\d+)" % re.escape(name), out, re.M)
    if not m:
        raise AssertionError("counter %s not in:\n%s" % (name, out))
    return int(m.group(1))


class MgwTestCase(TandemTestCase):
    def start_mgw(self, config_text=None, config_path=None, vty_port=None, name="tandem-mgw"):
        if config_path is None:
            config_path = self.write(name + ".cfg", config_text)
        proc = self.start(name, [MGW, "-c", config_path], cwd=self.tmp)
        wait_for(lambda: tt.port_open(vty_port) or not proc.alive(), 10, "tandem-mgw VTY on %d" % vty_port)
        self.assertTrue(proc.alive(), "tandem-mgw exited early:\n" + proc.log())
        vty = tt.Vty(vty_port)
        self.vtys.append(vty)
        return proc, vty

    def start_default(self, endpoints=8, extra=""):
        self.vty_port, self.mgcp_port = free_port(), free_port(tcp=False)
        self.ca = Mgcp(self.mgcp_port)
        self.addCleanup(self.ca.close)
        self.proc, self.vty = self.start_mgw(mgw_config(self.vty_port, self.mgcp_port, self.ca.port,
                                                        endpoints=endpoints, extra=extra),
                                             vty_port=self.vty_port)
        rsip = self.ca.recv()
        self.assertTrue(rsip.startswith("RSIP "), rsip)
        self.ca.sock.sendto(("200 %s OK\r\n" % rsip.split()[1]).encode(), ("127.0.0.1", self.mgcp_port))
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show mgw"), 5, "RSIP acknowledged")

    def crcx(self, endpoint="rtpbridge/*@mgw", call="1", mode="sendrecv", lco="p:20, a:PCMA", sdp_text=None):
        params = "C: %s\r\n" % call
        if mode:
            params += "M: %s\r\n" % mode
        if lco:
            params += "L: %s\r\n" % lco
        return self.ca.cmd("CRCX", endpoint, params, sdp_text)


class CommandLine(MgwTestCase):
    def test_version_help(self):
        out = subprocess.run([MGW, "-V"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^tandem-mgw \d+\.\d+\.\d+")
        out = subprocess.run([MGW, "-h"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn("-c, --config-file", out.stdout)
        out = subprocess.run([MGW, "--frobnicate"], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)

    def test_missing_config(self):
        path = os.path.join(self.tmp, "nope.cfg")
        out = subprocess.run([MGW, "-c", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(path, out.stderr)

    def test_bad_config_lines(self):
        for bad in (" frobnicate 12", " number endpoints 500", " rtp port-range 3000 2000",
                    " bind ip 300.1.1.1", " codec preference AMR", " codec preference PCMA PCMA",
                    " domain a@b"):
            cfg = mgw_config(free_port(), free_port()) + bad + "\n"
            path = self.write("bad.cfg", cfg)
            out = subprocess.run([MGW, "-c", path], capture_output=True, text=True, timeout=10)
            self.assertNotEqual(out.returncode, 0, bad)
            self.assertIn("tandem-mgw: %s:%d: invalid config line '%s'" % (path, len(cfg.splitlines()), bad),
                          out.stderr)

    def test_mgcp_port_in_use(self):
        vty, port = free_port(), free_port(tcp=False)
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        blocker.bind(("127.0.0.1", port))
        try:
            path = self.write("t.cfg", mgw_config(vty, port))
            out = subprocess.run([MGW, "-c", path], capture_output=True, text=True, timeout=15)
        finally:
            blocker.close()
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("cannot bind MGCP to 127.0.0.1:%d" % port, out.stderr)


class ExampleConfig(MgwTestCase):
    """doc/examples/tandem-mgw.cfg as shipped: VTY 4281, MGCP 2427."""

    def test_example_config(self):
        example = srcdir("doc", "examples", "tandem-mgw.cfg")
        proc, vty = self.start_mgw(config_path=example, vty_port=4281)
        self.assertIn("tandem-mgw", vty.cmd("show version"))
        vty.cmd("enable")
        text = vty.cmd("write terminal").split("Current configuration:", 1)[1]
        with open(example) as f:
            self.assertEqual(config_lines(text), config_lines(f.read()))
        self.assertEqual(proc.stop(), 0)

    def test_write_terminal_roundtrip(self):
        vty_port, port = free_port(), free_port(tcp=False)
        extra = " codec preference G729 PCMU\n timer mgw X1 3\n"
        proc, vty = self.start_mgw(mgw_config(vty_port, port, 2727, extra=extra), vty_port=vty_port)
        vty.cmd("enable")
        first = vty.cmd("write terminal").split("Current configuration:", 1)[1]
        self.assertIn(" codec preference G729 PCMU\n", first)
        self.assertIn(" timer mgw X1 3\n", first)
        vty2, port2 = free_port(), free_port(tcp=False)
        second_cfg = first.replace("bind 127.0.0.1 %d" % vty_port, "bind 127.0.0.1 %d" % vty2)
        second_cfg = second_cfg.replace("bind port %d" % port, "bind port %d" % port2)
        _, v2 = self.start_mgw(second_cfg, vty_port=vty2, name="mgw2")
        v2.cmd("enable")
        second = v2.cmd("write terminal").split("Current configuration:", 1)[1]
        self.assertEqual(config_lines(second), config_lines(second_cfg))


class Restart(MgwTestCase):
    def test_rsip_start_retransmit_and_shutdown(self):
        vty_port, port = free_port(), free_port(tcp=False)
        ca = Mgcp(port)
        self.addCleanup(ca.close)
        proc, vty = self.start_mgw(mgw_config(vty_port, port, ca.port), vty_port=vty_port)
        first = ca.recv()
        self.assertRegex(first, r"^RSIP (\d+) \*@mgw MGCP 1\.0\r\nRM: restart\r\n")
        # unanswered, it comes again with the same transaction id (RFC 3435 3.5)
        again = ca.recv(timeout=5)
        self.assertEqual(again, first)
        self.assertIn("RESTARTING", vty.cmd("show mgw"))
        ca.sock.sendto(("200 %s OK\r\n" % first.split()[1]).encode(), ("127.0.0.1", port))
        wait_for(lambda: "IN_SERVICE" in vty.cmd("show mgw"), 5, "RSIP acknowledged")
        self.assertGreaterEqual(counter(vty, "rsip:tx"), 2)
        proc.signal(signal.SIGTERM)
        self.assertEqual(proc.wait(10), 0)
        last = ca.recv()
        self.assertRegex(last, r"^RSIP \d+ \*@mgw MGCP 1\.0\r\nRM: forced\r\n")
        self.assertNotEqual(last.split()[1], first.split()[1])

    def test_no_call_agent(self):
        vty_port, port = free_port(), free_port(tcp=False)
        proc, vty = self.start_mgw(mgw_config(vty_port, port), vty_port=vty_port)
        self.assertIn("call agent: none", vty.cmd("show mgw"))
        self.assertEqual(proc.stop(), 0)


class Connections(MgwTestCase):
    def setUp(self):
        super().setUp()
        self.start_default(endpoints=3)

    def test_crcx_mdcx_aucx_dlcx(self):
        r = self.crcx(call="ABC1")
        self.assertEqual(resp_code(r), 200, r)
        conn = resp_param(r, "I")
        self.assertEqual(resp_param(r, "Z"), "rtpbridge/1@mgw")
        port, pt = resp_sdp_port(r)
        self.assertEqual(pt, 8)
        self.assertIn("a=rtpmap:8 PCMA/8000", r)
        self.assertIn("a=ptime:20", r)
        self.assertEqual(port % 2, 0)
        r = self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: ABC1\r\nI: %s\r\nM: recvonly\r\n" % conn,
                        sdp(4000, pts=(18, 8), ptime=40, rtpmap=("a=rtpmap:18 G729/8000",)))
        self.assertEqual(resp_code(r), 200, r)
        self.assertEqual(resp_sdp_port(r), (port, 18))
        self.assertIn("a=ptime:40", r)
        r = self.ca.cmd("AUCX", "rtpbridge/1@mgw", "I: %s\r\nF: C,M,L,P\r\n" % conn)
        self.assertEqual(resp_code(r), 200, r)
        self.assertEqual(resp_param(r, "C"), "ABC1")
        self.assertEqual(resp_param(r, "M"), "recvonly")
        self.assertEqual(resp_param(r, "L"), "p:40, a:G729, s:off")
        self.assertRegex(resp_param(r, "P"), r"^PS=0, OS=0, PR=0, OR=0, PL=0, JI=0, LA=0$")
        out = self.vty.cmd("show connections")
        self.assertIn("rtpbridge/1@mgw conn %s call ABC1: recvonly, G729 pt 18 ptime 40" % conn, out)
        self.assertIn("remote 127.0.0.1:4000", out)
        self.assertIn("rtpbridge/1@mgw: 1 connection %s" % conn, self.vty.cmd("show endpoints"))
        r = self.ca.cmd("AUEP", "rtpbridge/1@mgw", "F: A\r\n")
        self.assertEqual(resp_code(r), 200)
        self.assertEqual(resp_param(r, "A"), "a:PCMA;PCMU;G729, p:10-40, e:off, s:on")
        r = self.ca.cmd("AUEP", "*@mgw")
        self.assertEqual(re.findall(r"^Z: (\S+)", r, re.M), ["rtpbridge/%d@mgw" % i for i in (1, 2, 3)])
        r = self.ca.cmd("DLCX", "rtpbridge/1@mgw", "C: ABC1\r\nI: %s\r\n" % conn)
        self.assertEqual(resp_code(r), 250, r)
        self.assertTrue(resp_param(r, "P").startswith("PS=0"))
        self.assertIn("0 connections", self.vty.cmd("show connections"))
        self.assertEqual(counter(self.vty, "crcx:ok"), 1)
        self.assertEqual(counter(self.vty, "mdcx:ok"), 1)
        self.assertEqual(counter(self.vty, "dlcx:ok"), 1)

    def test_wildcards_and_dlcx_by_call(self):
        for i in range(3):
            r = self.crcx(endpoint="rtpbridge/$@mgw", call="C%d" % (i % 2))
            self.assertEqual(resp_param(r, "Z"), "rtpbridge/%d@mgw" % (i + 1))
        # a second connection on a specific endpoint
        self.assertEqual(resp_code(self.crcx(endpoint="rtpbridge/2@mgw", call="C1")), 200)
        # all busy for a wildcard, full for a specific one
        self.assertEqual(resp_code(self.crcx()), 410)
        self.assertEqual(resp_code(self.crcx(endpoint="rtpbridge/2@mgw", call="C1")), 502)
        r = self.ca.cmd("DLCX", "rtpbridge/*@mgw", "C: C1\r\n")
        self.assertEqual(resp_code(r), 250)
        out = self.vty.cmd("show endpoints")
        self.assertIn("rtpbridge/1@mgw: 1 connection", out)
        self.assertIn("rtpbridge/2@mgw: 0 connections", out)
        self.assertIn("rtpbridge/3@mgw: 1 connection", out)
        self.assertEqual(resp_code(self.ca.cmd("DLCX", "rtpbridge/*@mgw", "C: C1\r\n")), 516)
        self.assertEqual(resp_code(self.ca.cmd("DLCX", "*@mgw")), 250)
        self.assertIn("0 connections", self.vty.cmd("show connections"))

    def test_error_codes(self):
        ok = self.crcx(endpoint="rtpbridge/1@mgw", call="AA")
        conn = resp_param(ok, "I")
        cases = [
            (self.crcx(endpoint="rtpbridge/9@mgw"), 500),
            (self.crcx(endpoint="rtpbridge/1@other"), 500),
            (self.crcx(endpoint="trunk/1@mgw"), 500),
            (self.crcx(lco="p:20, a:AMR"), 534),
            (self.crcx(lco=None, sdp_text=sdp(4000, pts=(3,))), 534),
            (self.crcx(lco="p:25"), 535),
            (self.crcx(lco="p:50-60"), 535),
            (self.crcx(lco=None, sdp_text=sdp(4000, ptime=5)), 535),
            (self.crcx(lco="zz:1"), 525),
            (self.crcx(lco="e:maybe"), 532),
            (self.crcx(mode="netwtest"), 517),
            (self.crcx(mode="sendsome"), 517),
            (self.crcx(mode=None), 510),
            (self.ca.cmd("CRCX", "rtpbridge/*@mgw", "M: sendrecv\r\n"), 510),
            (self.crcx(lco=None, sdp_text="v=0\r\nc=IN IP4 1.2.3.4\r\n"), 509),
            (self.crcx(lco=None, sdp_text="v=0\r\nc=IN IP6 ::1\r\nm=audio 4000 RTP/AVP 8\r\n"), 505),
            (self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: AA\r\nI: 99\r\n"), 515),
            (self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: BB\r\nI: %s\r\n" % conn), 516),
            (self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: AA\r\n"), 510),
            (self.ca.cmd("MDCX", "rtpbridge/*@mgw", "C: AA\r\nI: %s\r\n" % conn), 503),
            (self.ca.cmd("DLCX", "rtpbridge/1@mgw", "I: 99\r\n"), 515),
            (self.ca.cmd("AUCX", "rtpbridge/1@mgw", "I: 99\r\n"), 515),
            (self.ca.cmd("RQNT", "rtpbridge/1@mgw", "X: 1\r\nR: D/[0-9](N)\r\n"), 512),
            (self.ca.cmd("RQNT", "rtpbridge/1@mgw", "X: 1\r\nS: L/rt\r\n"), 513),
            (self.ca.cmd("RQNT", "rtpbridge/1@mgw", ""), 510),
            (self.ca.cmd("RQNT", "rtpbridge/1@mgw", "X: 1\r\n"), 200),
            (self.ca.cmd("EPCF", "rtpbridge/1@mgw", "B: e:mu\r\n"), 200),
            (self.ca.cmd("NTFY", "rtpbridge/1@mgw", "X: 1\r\nO: D/1\r\n"), 504),
            (self.ca.cmd("RSIP", "rtpbridge/1@mgw", "RM: restart\r\n"), 504),
            (self.ca.cmd("ABCD", "rtpbridge/1@mgw"), 504),
            (self.ca.cmd("AUEP", "rtpbridge/1@mgw", "W: 1\r\n"), 539),
            (self.ca.cmd("AUEP", "rtpbridge/1@mgw", "X+crit: 1\r\n"), 511),
            (self.ca.cmd("AUEP", "rtpbridge/1@mgw", "C: 1\r\nC: 2\r\n"), 510),
            (self.ca.cmd("AUEP", "rtpbridge/1@mgw", "C 1\r\n"), 510),
        ]
        for i, (r, code) in enumerate(cases):
            self.assertEqual(resp_code(r), code, "case %d: %r" % (i, r))
            # the response names the standard meaning of its code
            self.assertRegex(r.split("\r\n")[0], r"^%d \d+ \S" % code)
        self.ca.send_raw(b"CRCX 77 rtpbridge/1@mgw MGCP 2.0\r\nC: 1\r\n")
        self.assertTrue(self.ca.recv().startswith("528 77 "))
        # refused by the codec (LCO, mode, SDP syntax) count as malformed, the
        # rest as refused CRCX
        self.assertEqual(counter(self.vty, "crcx:fail"), 12)
        self.assertEqual(counter(self.vty, "mgcp:malformed"), 10)
        # the one good connection is untouched by all of that
        out = self.vty.cmd("show connections")
        self.assertIn("1 connection\n", out + "\n")
        self.assertIn("conn %s call AA" % conn, out)


class Transactions(MgwTestCase):
    def setUp(self):
        super().setUp()
        self.start_default(endpoints=4)

    def test_duplicate_gets_cached_response(self):
        first = self.ca.cmd("CRCX", "rtpbridge/*@mgw", "C: 1\r\nM: sendrecv\r\n", tid=4242)
        again = self.ca.cmd("CRCX", "rtpbridge/*@mgw", "C: 1\r\nM: sendrecv\r\n", tid=4242)
        self.assertEqual(first, again)
        self.assertIn("1 connection\n", self.vty.cmd("show connections") + "\n")
        self.assertEqual(counter(self.vty, "mgcp:retransmit"), 1)
        # an error answer is cached as well, and a new id is a new transaction
        bad1 = self.ca.cmd("CRCX", "rtpbridge/9@mgw", "C: 1\r\nM: sendrecv\r\n", tid=4243)
        bad2 = self.ca.cmd("CRCX", "rtpbridge/9@mgw", "C: 1\r\nM: sendrecv\r\n", tid=4243)
        self.assertEqual(bad1, bad2)
        self.assertTrue(bad1.startswith("500 4243 "))
        self.assertEqual(resp_code(self.ca.cmd("CRCX", "rtpbridge/*@mgw", "C: 1\r\nM: sendrecv\r\n",
                                               tid=4244)), 200)
        self.assertIn("2 connections", self.vty.cmd("show connections"))
        # after the response acknowledgement (K:) the transaction is forgotten
        self.ca.cmd("AUEP", "rtpbridge/1@mgw", "K: 4242-4243\r\n")
        third = self.ca.cmd("CRCX", "rtpbridge/*@mgw", "C: 1\r\nM: sendrecv\r\n", tid=4242)
        self.assertEqual(resp_code(third), 200)
        self.assertNotEqual(resp_param(third, "I"), resp_param(first, "I"))

    def test_malformed_mgcp_is_counted_and_harmless(self):
        before = counter(self.vty, "mgcp:malformed")
        junk = [b"", b"\x00\x01\x02", b"hello world\r\n", b"CRCX\r\n", b"CRCX abc x@y MGCP 1.0\r\n",
                b"CRCX 1 " + b"a" * 5000 + b"@mgw MGCP 1.0\r\n", bytes(range(256)) * 20,
                b"CRCX 55 rtpbridge/1@mgw MGCP 1.0\r\n" + b"R: x\r\n" * 100,
                b"CRCX 56 rtpbridge/1@mgw MGCP 1.0\r\nC: 1\r\nM: sendrecv\r\n\r\nv=0\r\n" + b"a=x\r\n" * 2000]
        for j in junk:
            self.ca.send_raw(j)
        # only those with a transaction id get an answer: 510 for both
        answers = sorted(self.ca.recv() for _ in range(2))
        self.assertTrue(answers[0].startswith("510 55 "), answers)
        self.assertTrue(answers[1].startswith("510 56 "), answers)
        self.assertEqual(counter(self.vty, "mgcp:malformed") - before, len(junk) - 1)
        self.assertGreaterEqual(counter(self.vty, "mgcp:unanswerable"), len(junk) - 3)
        self.assertTrue(self.proc.alive())
        self.assertEqual(resp_code(self.ca.cmd("AUEP", "rtpbridge/1@mgw")), 200)

    def test_tshark_decodes_our_mgcp(self):
        self.require_tool(tt.TSHARK, "tshark")
        self.ca.log.clear()
        r = self.crcx(call="C0FFEE", sdp_text=sdp(4000))
        conn = resp_param(r, "I")
        self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: C0FFEE\r\nI: %s\r\nM: recvonly\r\n" % conn)
        self.ca.cmd("AUCX", "rtpbridge/1@mgw", "I: %s\r\n" % conn)
        self.ca.cmd("DLCX", "rtpbridge/1@mgw", "I: %s\r\n" % conn)
        self.ca.cmd("CRCX", "rtpbridge/9@mgw", "C: 1\r\nM: sendrecv\r\n")
        frames = []
        for from_gw, data in self.ca.log:
            # MGCP's well-known ports let the dissector find it
            sport, dport = (2427, 2727) if from_gw else (2727, 2427)
            frames.append(pcap.udp_frame(data, sport=sport, dport=dport))
        path = os.path.join(self.tmp, "mgcp.pcap")
        pcap.write_pcap(path, frames)
        out = subprocess.run([tt.TSHARK, "-r", path, "-Y", "mgcp", "-T", "fields", "-E", "separator=|",
                              "-e", "mgcp.req.verb", "-e", "mgcp.transid", "-e", "mgcp.rsp.rspcode",
                              "-e", "mgcp.param.connectionid", "-e", "mgcp.param.specificendpointid",
                              "-e", "mgcp.param.restartmethod", "-e", "sdp.media.port",
                              "-e", "mgcp.param.connectionparam.ps", "-e", "mgcp.param.invalid",
                              "-e", "_ws.malformed"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = [l.split("|") for l in out.stdout.strip().split("\n")]
        got = [(r[0], r[2], r[3]) for r in rows]
        t0 = self.ca.tid - 4
        self.assertEqual([r[1] for r in rows],
                         [str(t) for t in (t0, t0, t0 + 1, t0 + 1, t0 + 2, t0 + 2, t0 + 3, t0 + 3, t0 + 4, t0 + 4)])
        self.assertEqual(got, [("CRCX", "", ""), ("", "200", conn), ("MDCX", "", conn), ("", "200", ""),
                               ("AUCX", "", conn), ("", "200", ""), ("DLCX", "", conn), ("", "250", ""),
                               ("CRCX", "", ""), ("", "500", "")])
        self.assertEqual(rows[0][6], "4000")
        self.assertEqual(rows[1][4], "rtpbridge/1@mgw")
        self.assertEqual(rows[1][6], str(resp_sdp_port(r)[0]))
        self.assertEqual(rows[7][7], "0")
        for row in rows:
            self.assertEqual(row[8], "", row)
            self.assertEqual(row[9], "", row)


class Media(MgwTestCase):
    """Two bridges in a row: PCMA in, G.729 between them, PCMA out."""

    def setUp(self):
        super().setUp()
        self.start_default(endpoints=4)
        self.src = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.src.bind(("127.0.0.1", 0))
        self.dst = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.dst.bind(("127.0.0.1", 0))
        self.dst.settimeout(3)
        for s in (self.src, self.dst):
            self.addCleanup(s.close)
        g729 = ("a=rtpmap:18 G729/8000",)
        # endpoint 1: A (PCMA, the test's source) and B (G.729)
        r = self.crcx(endpoint="rtpbridge/1@mgw", call="1", lco="p:20, a:PCMA",
                      sdp_text=sdp(self.src.getsockname()[1]))
        self.port_a = resp_sdp_port(r)[0]
        r = self.crcx(endpoint="rtpbridge/1@mgw", call="1", lco="p:20, a:G729")
        self.conn_b, self.port_b = resp_param(r, "I"), resp_sdp_port(r)[0]
        # endpoint 2: C (G.729, fed by B) and D (PCMA, to the test's sink)
        r = self.crcx(endpoint="rtpbridge/2@mgw", call="1", lco=None, sdp_text=sdp(self.port_b, pts=(18,),
                                                                                  rtpmap=g729))
        self.port_c = resp_sdp_port(r)[0]
        self.assertEqual(resp_sdp_port(r)[1], 18)
        r = self.crcx(endpoint="rtpbridge/2@mgw", call="1", lco=None, sdp_text=sdp(self.dst.getsockname()[1]))
        self.port_d = resp_sdp_port(r)[0]
        r = self.ca.cmd("MDCX", "rtpbridge/1@mgw", "C: 1\r\nI: %s\r\n" % self.conn_b,
                        sdp(self.port_c, pts=(18,), rtpmap=g729))
        self.assertEqual(resp_code(r), 200)

    def send_tone(self, packets, seq0=100, ts0=1000, ssrc=0x1234, skip=()):
        for i in range(packets):
            pcm = tone(160, start=i * 160)
            payload = bytes(alaw_encode(v) for v in pcm)
            if i in skip:
                continue
            self.src.sendto(rtp_packet(8, seq0 + i, ts0 + 160 * i, ssrc, payload, marker=(i == 0)),
                            ("127.0.0.1", self.port_a))
            # pace a little so that no socket buffer overflows on a busy box
            if i % 10 == 9:
                self.receive(0, timeout=0.02)

    received = None

    def receive(self, n, timeout=3):
        if self.received is None:
            self.received = []
        self.dst.settimeout(timeout)
        while True:
            try:
                data, _ = self.dst.recvfrom(2048)
            except socket.timeout:
                return self.received
            self.received.append(parse_rtp(data))
            if n and len(self.received) >= n:
                return self.received

    def test_g729_leg_carries_the_tone(self):
        self.send_tone(50)
        pkts = self.receive(50)
        self.assertGreaterEqual(len(pkts), 45)
        ssrc = pkts[0]["ssrc"]
        for a, b in zip(pkts, pkts[1:]):
            self.assertEqual(b["seq"], (a["seq"] + 1) & 0xFFFF)
            self.assertEqual(b["ts"], (a["ts"] + 160) & 0xFFFFFFFF)
            self.assertEqual(b["ssrc"], ssrc)
        for p in pkts:
            self.assertEqual(p["pt"], 8)
            self.assertEqual(len(p["payload"]), 160)
        pcm = [alaw_decode(b) for p in pkts for b in p["payload"]][800:]
        ms_in = 8000.0 ** 2 / 2
        power = goertzel(pcm, 1000)
        self.assertGreater(power / mean_square(pcm), 0.9)
        self.assertLess(abs(10 * math.log10(power / ms_in)), 3.0)
        best = max(range(200, 3801, 50), key=lambda f: goertzel(pcm, f))
        self.assertEqual(best, 1000)
        # the middle leg really was G.729: 20-octet payloads, pt 18
        out = self.vty.cmd("show connections")
        self.assertRegex(out, r"conn %s call 1: sendrecv, G729 pt 18 ptime 20 transcoding" % self.conn_b)
        m = re.search(r"rtpbridge/2@mgw conn \w+ call 1: sendrecv, G729 pt 18.*\n.*\n\s+rx (\d+) packets (\d+) octets",
                      out)
        self.assertIsNotNone(m, out)
        self.assertGreaterEqual(int(m.group(1)), 45)
        self.assertEqual(int(m.group(2)), 20 * int(m.group(1)))

    def test_loss_is_counted_and_concealed(self):
        self.send_tone(30, skip=(10, 11))
        pkts = self.receive(28)
        self.assertGreaterEqual(len(pkts), 28)
        out = self.vty.cmd("show connections")
        self.assertRegex(out, r"rx 28 packets 4480 octets, lost 2, jitter \d+ ms")
        self.assertEqual(counter(self.vty, "xcode:concealed"), 1)

    def test_bad_rtp_is_dropped_and_counted(self):
        a = ("127.0.0.1", self.port_a)
        good = rtp_packet(8, 1, 0, 99, b"\xd5" * 160)
        bad = [
            (b"\x80\x08\x00", "rtp:drop-short"),
            (b"\x40" + good[1:], "rtp:drop-version"),
            (b"\x8f" + good[1:20], "rtp:drop-csrc"),
            (b"\x90" + good[1:12] + b"\x00\x00\xff\xff", "rtp:drop-ext"),
            (b"\xa0" + good[1:-1] + b"\xff", "rtp:drop-padding"),
            (good[:12], "rtp:drop-empty"),
            (rtp_packet(18, 2, 0, 99, b"\x00" * 20), "rtp:drop-pt"),
            (rtp_packet(8, 3, 0, 99, b"\x00" * 1000), "rtp:drop-payload"),
        ]
        for pkt, _ in bad:
            self.src.sendto(pkt, a)
        # garbage from a stranger, and garbage G.729 lengths on C from the wrong source
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(stranger.close)
        stranger.sendto(good, a)
        stranger.sendto(rtp_packet(18, 1, 0, 5, b"\x00" * 11), ("127.0.0.1", self.port_c))
        stranger.sendto(os.urandom(300), ("127.0.0.1", self.port_c + 1))
        wait_for(lambda: counter(self.vty, "rtp:drop-source") == 2, 5, "drops counted")
        for pkt, name in bad:
            self.assertEqual(counter(self.vty, name), 1, name)
        self.assertEqual(counter(self.vty, "rtcp:bad"), 1)
        self.assertEqual(self.receive(0, timeout=0.3), [])
        # the bridge still works
        self.send_tone(20, seq0=500)
        pkts = self.receive(18)
        self.assertGreaterEqual(len(pkts), 18)
        pcm = [alaw_decode(b) for p in pkts for b in p["payload"]][800:]
        self.assertGreater(goertzel(pcm, 1000) / mean_square(pcm), 0.9)
        self.assertTrue(self.proc.alive())


if __name__ == "__main__":
    tt.main()

#!/usr/bin/env python3
"""tandemd's H.248 controller (mgcp/h248_ca*) against the real tandem-mgw in
H.248 mode, driven through tests/h248_ca_tool (one command a line in, one
JSON event a line out).

Covered: registration by the gateway's ServiceChange Restart, a call's
context (Add of tdm/1/1 and of an RTP termination "$" in a new context, the
Local SDP the gateway chose), Modify to sendrecv with the remote end,
AuditValue, Subtract of everything, each checked in tandem-mgw's
`show h248`; the gateway's H.248.1 error codes (411, 430, 433) as the
controller reports and counts them; the gateway stopping (ServiceChange
Forced: DOWN, contexts lost, no new calls), and the gateway killed and
started again (ServiceChange Restart: registered again, contexts lost);
a silent gateway (retransmission, timeout, DOWN); and tshark's megaco
dissector reading every datagram the controller sent (the ServiceChange
reply, Add, Modify, AuditValue, Subtract) as our parser does.

And tandemd itself with a media gateway of `protocol h248`: the per-call
media API (src/cc_media.h) run through the operator's test call against
tandem-mgw: both directions, the answer, hold, release, the gateway
stopping under a call (cause 41), the config written back.  And the audit
of the calls' contexts: a gateway that stopped answering (SIGSTOP) and
answers the probe again still has the context (the call stays); one that
died and comes back handed to us by another controller (ServiceChange
Handoff, not Restart) has lost it (411: the call ends with cause 41,
nothing subtracted); and `media-gateway NAME handoff MID` hands the
gateway to another controller (the call ends here, its context stays)."""
import json
import os
import re
import select
import signal
import subprocess
import time

import tandemtest as tt
import test_h248_tshark as th
import test_mgw as tm
from test_mgw_h248 import h248_json
from tandemtest import builddir, free_port, tandemd_config, wait_for
from test_mgw_span import span_config, udp_socket, port_of

TOOL = builddir("tests", "h248_ca_tool")
EPROTO = 71
ENOTCONN = 107
ETIMEDOUT = 110


class Tool:
    """The controller: h248_ca_tool with its stdin and stdout."""

    def __init__(self, tmp, local_port, gw_port, args=(), name="h248_ca_tool"):
        self.log = open(os.path.join(tmp, name + ".log"), "wb")
        self.popen = subprocess.Popen([TOOL, "-l", str(local_port), "-r", str(gw_port), "-p", "0"] + list(args),
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                      start_new_session=True)
        self.buf = b""
        self.events = []        # everything read, in order
        self.pending = []       # read but not yet asked for
        started = self.next(lambda e: e["ev"] == "started")
        assert started["port"] == local_port, started

    def send(self, line):
        self.popen.stdin.write((line + "\n").encode())
        self.popen.stdin.flush()

    def _read_line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("h248_ca_tool said nothing; so far: %s" % self.events)
            r, _, _ = select.select([self.popen.stdout], [], [], left)
            if r:
                chunk = os.read(self.popen.stdout.fileno(), 4096)
                if not chunk:
                    raise AssertionError("h248_ca_tool exited; events: %s" % self.events)
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        ev = json.loads(line)
        self.events.append(ev)
        return ev

    def next(self, pred, timeout=10):
        """The first event (read before or now) for which pred() holds."""
        for ev in self.pending:
            if pred(ev):
                self.pending.remove(ev)
                return ev
        deadline = time.monotonic() + timeout
        while True:
            ev = self._read_line(deadline)
            if pred(ev):
                return ev
            self.pending.append(ev)

    def do(self, line, timeout=25):
        """Run a command and return its result."""
        op = line.split()[0]
        self.send(line)
        return self.next(lambda e: e["ev"] == "result" and e["op"] == op, timeout)

    def state(self):
        self.send("state")
        return self.next(lambda e: e["ev"] == "state" and "outstanding" in e)

    def counters(self):
        self.send("counters")
        return self.next(lambda e: e["ev"] == "counters")

    def close(self):
        if self.popen.stdin.closed:
            return
        if self.popen.poll() is None:
            try:
                self.send("quit")
                self.popen.wait(timeout=5)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
        self.popen.stdout.close()
        self.popen.stdin.close()
        self.log.close()
        with open(self.log.name, errors="replace") as f:
            log = f.read()
        # a clean exit: every request ended, nothing leaked, no sanitizer report
        assert self.popen.returncode == 0, log[-3000:]
        assert "Sanitizer" not in log and "runtime error" not in log, log[-3000:]


def h248_counter(vty, name):
    return tm.counter(vty, name, "show h248")


class Controller(tm.MgwTestCase):
    def setUp(self):
        super().setUp()
        self.ctl_port = free_port(tcp=False)
        self.gw_port = free_port(tcp=False)
        self.tool = Tool(self.tmp, self.ctl_port, self.gw_port)
        self.tools = [self.tool]
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_port = free_port(tcp=False)
        self.vty_port, self.mgcp_port = free_port(), free_port(tcp=False)
        self.cfg = tm.mgw_config(self.vty_port, self.mgcp_port, endpoints=2)
        self.cfg += " h248 local-port %d\n h248 controller ip 127.0.0.1 port %d\n" % (self.gw_port, self.ctl_port)
        self.cfg += span_config(1, self.span_port, port_of(self.peer))
        self.cfg_path = self.write("tandem-mgw.cfg", self.cfg)

    def tearDown(self):
        # before the test's directory (and the tools' logs) goes
        try:
            for tool in self.tools:
                tool.close()
        finally:
            super().tearDown()

    def start_gateway(self):
        self.proc, self.vty = self.start_mgw(config_path=self.cfg_path, vty_port=self.vty_port)
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show h248"), 10, "the controller accepted the gateway")

    def test_call_and_gateway_restart(self):
        self.start_gateway()
        self.assertEqual(self.tool.next(lambda e: e["ev"] == "state")["state"], "REGISTERED")
        self.assertEqual([e for e in self.tool.events if e["ev"] == "lost"], [])   # nothing known to lose
        self.assertEqual(self.tool.counters()["sc:restart"], 1)
        self.assertEqual(h248_counter(self.vty, "sc:rejected"), 0)

        # a call: the timeslot and an RTP termination in a new context
        r = self.tool.do("add $ tdm/1/1,mode=sendrecv $,mode=recvonly,local=8+0")
        self.assertEqual((r["rc"], r["code"]), (0, 0), r)
        ctx = r["ctx"]
        self.assertIsInstance(ctx, int)
        tdm, rtp = r["terms"]
        self.assertEqual((tdm["id"], tdm["local"]), ("tdm/1/1", None))
        self.assertRegex(rtp["id"], r"^rtp/\d+$")
        m = re.search(r"^m=audio (\d+) RTP/AVP 8\b", rtp["local"], re.M)
        self.assertTrue(m, rtp["local"])
        self.assertNotIn("$", rtp["local"])
        show = self.vty.cmd("show h248")
        self.assertIn("contexts 1, terminations 2", show)
        self.assertIn("context %d on ds/e1-1/1: tdm/1/1 (sendrecv) %s (recvonly, conn" % (ctx, rtp["id"]), show)

        # answer: sendrecv towards the SIP side's RTP
        sink = udp_socket()
        self.addCleanup(sink.close)
        r = self.tool.do("modify %d %s,mode=sendrecv,remote=%d/8" % (ctx, rtp["id"], port_of(sink)))
        self.assertEqual((r["rc"], r["code"]), (0, 0), r)
        self.assertIn("%s (sendrecv, conn" % rtp["id"], self.vty.cmd("show h248"))
        self.assertEqual(h248_counter(self.vty, "modify:ok"), 1)
        r = self.tool.do("audit %d %s" % (ctx, rtp["id"]))
        self.assertEqual(r["rc"], 0, r)
        self.assertEqual(r["terms"][0]["id"], rtp["id"])

        # the gateway's errors come back as their H.248.1 codes
        for line, code in (("modify 4711 tdm/1/1", 411), ("add $ tdm/9/1", 430), ("add $ tdm/1/1", 433)):
            r = self.tool.do(line)
            self.assertEqual((r["rc"], r["code"]), (-EPROTO, code), (line, r))
        self.assertEqual(h248_counter(self.vty, "err:411"), 1)
        self.assertEqual(h248_counter(self.vty, "err:430"), 1)
        self.assertEqual(h248_counter(self.vty, "err:433"), 1)

        # release: everything out, the context goes
        r = self.tool.do("subtract %d *" % ctx)
        self.assertEqual(r["rc"], 0, r)
        self.assertEqual(sorted(t["id"] for t in r["terms"]), sorted(["tdm/1/1", rtp["id"]]))
        self.assertIn("contexts 0, terminations 0", self.vty.cmd("show h248"))
        self.assertEqual(h248_counter(self.vty, "subtract:ok"), 2)
        c = self.tool.counters()
        self.assertEqual((c["req:ok"], c["req:error"], c["req:timeout"]), (4, 3, 0), c)

        # the gateway stops: ServiceChange Forced, its contexts are gone
        r = self.tool.do("add $ tdm/1/2")
        self.assertEqual(r["rc"], 0, r)
        self.assertEqual(self.proc.stop(), 0)
        lost = self.tool.next(lambda e: e["ev"] == "lost")
        self.assertEqual(lost["method"], "forced")
        self.assertEqual(self.tool.next(lambda e: e["ev"] == "state")["state"], "DOWN")
        r = self.tool.do("add $ tdm/1/1")
        self.assertEqual(r, {"ev": "result", "op": "add", "rc": -ENOTCONN, "sent": False})

        # back: Restart of a gateway we know, its contexts are (still) gone
        self.start_gateway()
        lost = self.tool.next(lambda e: e["ev"] == "lost")
        self.assertEqual((lost["method"], lost["reason"]), ("restart", "901 Cold Boot"))
        self.assertEqual(self.tool.next(lambda e: e["ev"] == "state")["state"], "REGISTERED")
        r = self.tool.do("add $ tdm/1/2 $,local=8")
        self.assertEqual(r["rc"], 0, r)
        ctx2 = r["ctx"]
        self.assertIn("contexts 1, terminations 2", self.vty.cmd("show h248"))

        # killed without a word, then started: the Restart says it all
        self.proc.signal(signal.SIGKILL)
        self.proc.wait(5)
        self.start_gateway()
        lost = self.tool.next(lambda e: e["ev"] == "lost")
        self.assertEqual(lost["method"], "restart")
        self.assertIn("contexts 0, terminations 0", self.vty.cmd("show h248"))
        r = self.tool.do("subtract %d *" % ctx2)
        self.assertEqual((r["rc"], r["code"]), (-EPROTO, 411), r)
        c = self.tool.counters()
        self.assertEqual((c["sc:restart"], c["sc:forced"], c["contexts-lost"]), (3, 1, 3), c)
        self.assertEqual(c["tl:rx:malformed"], 0, c)
        self.assertEqual(self.tool.state()["state"], "REGISTERED")

    def test_gateway_silent(self):
        """Nobody at the gateway's address: nothing is sent before it
        registers, and an unanswered request (retransmitted until X3)
        makes it DOWN."""
        quiet = udp_socket(timeout=5)
        self.addCleanup(quiet.close)
        tool = Tool(self.tmp, free_port(tcp=False), port_of(quiet), ["-T", "1=50", "-T", "3=400"], "silent")
        self.tools.append(tool)
        r = tool.do("add $ tdm/1/1")
        self.assertEqual(r["rc"], -ENOTCONN)    # never registered
        r = tool.do("audit - ROOT")
        self.assertEqual(r["rc"], -ETIMEDOUT, r)
        self.assertEqual(tool.next(lambda e: e["ev"] == "state")["state"], "DOWN")
        first = quiet.recv(4096)
        self.assertRegex(first, rb"AuditValue\s*=\s*ROOT")
        self.assertEqual(quiet.recv(4096), first)   # retransmitted as it was
        c = tool.counters()
        self.assertEqual((c["req:timeout"], c["tl:timeout"], c["req:refused"]), (1, 1, 1), c)
        self.assertGreaterEqual(c["tl:tx:retrans"], 1)


    def test_tshark_decodes_what_the_controller_sent(self):
        """The test plays the gateway; every datagram of the controller goes
        through tshark's megaco dissector and our parser alike."""
        self.require_tool(tt.TSHARK, "tshark")
        gw = udp_socket(timeout=5)
        self.addCleanup(gw.close)
        ctl_port = free_port(tcp=False)
        tool = Tool(self.tmp, ctl_port, port_of(gw), name="tshark")
        self.tools.append(tool)
        sent = []
        head = "MEGACO/1 [127.0.0.1]:%d\n" % port_of(gw)

        def recv():
            data = gw.recv(65536)
            sent.append(data)
            return h248_json(data.decode())

        gw.sendto((head + 'Transaction = 9 { Context = - { ServiceChange = ROOT { Services {'
                   ' Method = Restart, Reason = "901 Cold Boot" } } } }').encode(), ("127.0.0.1", ctl_port))
        js = recv()
        sc = js["trans"][0]["actions"][0]["cmds"][0]
        self.assertEqual((js["trans"][0]["kind"], js["trans"][0]["id"], sc["cmd"], sc["term"]),
                         ("reply", 9, "ServiceChange", "ROOT"))
        self.assertEqual(js["mid"], "[127.0.0.1]:%d" % ctl_port)
        self.assertRegex(sent[-1].decode(), r"ServiceChangeAddress\s*=\s*%d" % ctl_port)
        self.assertRegex(sent[-1].decode(), r"Version\s*=\s*1\b")
        local = "v=0\nc=IN IP4 127.0.0.1\nm=audio 16000 RTP/AVP 8\n"
        steps = [
            ("add $ tdm/1/1,mode=sendrecv $,mode=recvonly,local=8+0",
             "Context = 3 { Add = tdm/1/1, Add = rtp/1 { Media { Stream = 1 { Local {\n%s} } } } }" % local),
            ("modify 3 rtp/1,mode=sendrecv,remote=4000/8", "Context = 3 { Modify = rtp/1 }"),
            ("audit 3 rtp/1", "Context = 3 { AuditValue = rtp/1 { Media { Stream = 1 { LocalControl {"
                              " Mode = SendReceive } } } } }"),
            ("subtract 3 *", "Context = 3 { Subtract = tdm/1/1, Subtract = rtp/1 { Statistics {"
                             " rtp/pr = 5 } } }"),
        ]
        for line, answer in steps:
            tool.send(line)
            js = recv()
            self.assertEqual(js["trans"][0]["kind"], "request")
            gw.sendto((head + "Reply = %d { %s }" % (js["trans"][0]["id"], answer)).encode(),
                      ("127.0.0.1", ctl_port))
            r = tool.next(lambda e: e["ev"] == "result")
            self.assertEqual(r["rc"], 0, (line, r))
        self.assertEqual(len(sent), 5)
        path = os.path.join(self.tmp, "h248-ca.pcap")
        rows = th.tshark_rows(self, path, sent)
        for row, data in zip(rows, sent):
            text = data.decode()
            where = "frame %s:\n%s\ntshark %r" % (row["frame.number"], text, row)
            self.assertEqual(row["_ws.malformed"], "", where)
            self.assertEqual(row["megaco.parse_error"], "", where)
            for field, want in th.our_view(h248_json(text), False).items():
                got = th.split(field, row[field])
                self.assertEqual(got if isinstance(want, (list, set)) else row[field], want,
                                 "%s: %s" % (field, where))
        # what tshark saw is what we meant to send
        cmds = [th.split("megaco.command", r["megaco.command"]) for r in rows]
        self.assertEqual(cmds, [["ServiceChange"], ["Add", "Add"], ["Modify"], ["AuditValue"], ["Subtract"]])
        self.assertEqual(th.split("sdp.media", rows[1]["sdp.media"]), ["audio $ RTP/AVP 8 0"])
        self.assertEqual(th.split("megaco.mode", rows[2]["megaco.mode"]), ["SendReceive"])


def test_call(vty, name="mgw1"):
    """(state, endpoint, codec, cause) of the gateway's test call."""
    m = re.search(r"test call: (\S+) endpoint (\S+) codec (\S+) cause (\d+)",
                  vty.cmd("show media-gateway " + name))
    return (m.group(1), m.group(2), m.group(3), int(m.group(4))) if m else None


class CallMediaCase(tm.MgwTestCase):
    """tandemd with a media gateway of `protocol h248` and tandem-mgw."""

    def start_both(self, extra=""):
        self.ctl_port = free_port(tcp=False)
        self.gw_port = free_port(tcp=False)
        self.vty_port = free_port()
        cfg = tandemd_config(self.vty_port, free_port()) + (
            "media-gateway mgw1\n protocol h248\n remote 127.0.0.1 %d\n local 127.0.0.1 %d\n%s"
            % (self.gw_port, self.ctl_port, extra))
        self.td, self.vty = self.start_tandemd(cfg, vty_port=self.vty_port)
        self.vty.cmd("enable")
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_sink = udp_socket()
        self.addCleanup(self.span_sink.close)
        self.mgw_ports = (free_port(), free_port(tcp=False), free_port(tcp=False))
        self.mgw, self.mgw_vty = self.start_mgw_h248(self.ctl_port)
        wait_for(lambda: "mgw1: h248 REGISTERED" in self.vty.cmd("show media-gateway mgw1"), 10, "registered")
        self.assertIn("IN_SERVICE", self.mgw_vty.cmd("show h248"))

    def start_mgw_h248(self, ctl_port):
        """tandem-mgw in H.248 mode towards the controller on @ctl_port."""
        vty_port, mgcp_port, span_port = self.mgw_ports
        cfg = tm.mgw_config(vty_port, mgcp_port, endpoints=2)
        cfg += " h248 local-port %d\n h248 controller ip 127.0.0.1 port %d\n" % (self.gw_port, ctl_port)
        cfg += span_config(1, span_port, port_of(self.span_sink))
        return self.start_mgw(cfg, vty_port=vty_port)

    def wait_state(self, state, timeout=10):
        return wait_for(lambda: (test_call(self.vty) or ("",))[0] == state and test_call(self.vty),
                        timeout, "test call %s" % state)


class CallMedia(CallMediaCase):
    """tandemd's per-call media over H.248 against tandem-mgw."""

    def test_calls_hold_release_and_gateway_stop(self):
        self.start_both()
        vty = self.vty
        # ISUP -> SIP: the timeslot and an RTP termination, our offer
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call start tdm/1/{cic} 5"), "")
        state, ep, codec, cause = self.wait_state("READY")
        self.assertEqual(ep, "tdm/1/5")
        sdp = vty.cmd("show media-gateway mgw1 test-call sdp")
        self.assertRegex(sdp, r"m=audio \d+ RTP/AVP 8 101 ")
        show = self.mgw_vty.cmd("show h248")
        m = re.search(r"context (\d+) on ds/e1-1/5: tdm/1/5 \(sendrecv\) (rtp/\d+) \(recvonly, conn", show)
        self.assertTrue(m, show)
        rtp = m.group(2)
        # our side shows the context with both terminations
        mine = vty.cmd("show media-gateway mgw1")
        self.assertIn(" contexts: 1\n", mine)
        self.assertRegex(mine, r"  context %s: tdm/1/5 \+ %s, READY" % (m.group(1), rtp))
        # the answer: sendrecv towards the peer
        vty.cmd("media-gateway mgw1 test-call answer 127.0.0.1 %d PCMA" % port_of(self.peer))
        wait_for(lambda: "%s (sendrecv" % rtp in self.mgw_vty.cmd("show h248"), 5, "Modify sendrecv")
        self.assertEqual(self.wait_state("READY")[2], "PCMA")
        self.assertIn("remote 127.0.0.1:%d" % port_of(self.peer), self.mgw_vty.cmd("show connections"))
        # hold
        vty.cmd("media-gateway mgw1 test-call mode inactive")
        wait_for(lambda: "%s (inactive" % rtp in self.mgw_vty.cmd("show h248"), 5, "Modify inactive")
        # release: the context goes
        vty.cmd("media-gateway mgw1 test-call release")
        wait_for(lambda: "contexts 0, terminations 0" in self.mgw_vty.cmd("show h248"), 5, "Subtract")
        self.assertIn(" contexts: 0\n", vty.cmd("show media-gateway mgw1"))
        self.assertEqual(tm.counter(self.mgw_vty, "subtract:ok", "show h248"), 2)

        # SIP -> ISUP: the peer's offer goes with the Add
        vty.cmd("media-gateway mgw1 test-call offer tdm/1/{cic} 7 127.0.0.1 %d PCMA" % port_of(self.peer))
        state, ep, codec, cause = self.wait_state("READY")
        self.assertEqual((ep, codec), ("tdm/1/7", "PCMA"))
        self.assertRegex(self.mgw_vty.cmd("show h248"), r"tdm/1/7 \(sendrecv\) rtp/\d+ \(sendrecv, conn")
        # the gateway stops under the call: Forced, its contexts are gone, cause 41
        self.assertEqual(self.mgw.stop(), 0)
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 41)
        out = vty.cmd("show media-gateway mgw1")
        self.assertIn("mgw1: h248 DOWN", out)
        self.assertIn("Network is down", vty.cmd("media-gateway mgw1 test-call start tdm/1/{cic} 8"))

    def test_config_round_trip(self):
        self.start_both()
        vty = self.vty
        vty.cmd("configure terminal")
        vty.cmd("media-gateway mgw1")
        self.assertEqual(vty.cmd("timer T3 1500"), "")
        self.assertEqual(vty.cmd("no dtmf-detect"), "")
        self.assertIn("No such timer", vty.cmd("timer X1 1"))    # MGCP's, not H.248's
        vty.cmd("end")
        text = vty.cmd("write terminal")
        self.assertIn("media-gateway mgw1\n protocol h248\n remote 127.0.0.1 %d\n local 127.0.0.1 %d\n"
                      % (self.gw_port, self.ctl_port), text)
        self.assertIn(" no dtmf-detect\n timer T3 1500\n", text)
        vty.cmd("configure terminal")
        vty.cmd("media-gateway mgw2")
        self.assertEqual(vty.cmd("protocol h248"), "")
        self.assertIn("% Unknown command", vty.cmd("protocol sip"))
        vty.cmd("end")
        text = vty.cmd("write terminal")
        self.assertIn("media-gateway mgw2\n protocol h248\n remote 127.0.0.1 2944\n local 127.0.0.1 2944\n", text)
        vty.cmd("configure terminal")
        vty.cmd("media-gateway mgw2")
        self.assertEqual(vty.cmd("protocol mgcp"), "")
        vty.cmd("end")
        self.assertIn("media-gateway mgw2\n remote 127.0.0.1 2427\n local 127.0.0.1 2727\n",
                      vty.cmd("write terminal"))
        # a call on it: the protocol stays
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call start tdm/1/{cic} 9"), "")
        self.wait_state("READY")
        vty.cmd("configure terminal")
        vty.cmd("media-gateway mgw1")
        self.assertIn("calls use the gateway", vty.cmd("protocol mgcp"))
        vty.cmd("end")
        # the operator asks the gateway now: AuditValue ROOT
        audits = tm.counter(self.mgw_vty, "audit:ok", "show h248")
        self.assertEqual(vty.cmd("media-gateway mgw1 audit"), "")
        wait_for(lambda: tm.counter(self.mgw_vty, "audit:ok", "show h248") > audits, 5, "audit answered")
        # an MGCP endpoint is no termination name
        vty.cmd("media-gateway mgw1 test-call release")
        out = vty.cmd("media-gateway mgw1 test-call start ds/e1-1/{cic}@mgw 9")
        self.assertTrue(out.startswith("%"), out)

class CallAudit(CallMediaCase):
    """A gateway that stopped answering (DOWN) and answers again may or may
    not have kept the calls' contexts: tandemd audits each (AuditValue of
    its TDM termination in its context); a context the gateway still has
    keeps its call, one it lost ends its call with cause 41."""

    # short retransmission (T1, T2) and give-up (T3) times, a probe a second
    TIMERS = " timer T1 100\n timer T2 200\n timer T3 1000\n timer T20 1\n"

    def call_up(self):
        self.start_both(self.TIMERS)
        self.assertEqual(self.vty.cmd("media-gateway mgw1 test-call start tdm/1/{cic} 5"), "")
        self.wait_state("READY")
        m = re.search(r"  context (\d+): tdm/1/5 ", self.vty.cmd("show media-gateway mgw1"))
        self.assertTrue(m)
        return int(m.group(1))

    def ca_counter(self, description):
        m = re.search(r"^\s*%s:\s+(\d+)" % re.escape(description), self.vty.cmd("show media-gateway mgw1"),
                      re.M)
        return int(m.group(1)) if m else None

    def wait_down(self):
        wait_for(lambda: "mgw1: h248 DOWN" in self.vty.cmd("show media-gateway mgw1"), 10, "gateway DOWN")

    def test_context_kept_through_silence(self):
        self.call_up()
        self.mgw.signal(signal.SIGSTOP)
        self.addCleanup(self.mgw.signal, signal.SIGCONT)
        self.wait_down()
        self.assertEqual(test_call(self.vty)[0], "READY")
        self.assertEqual(self.ca_counter("Audits of the calls' contexts started"), 0)
        self.mgw.signal(signal.SIGCONT)
        wait_for(lambda: self.ca_counter("Calls whose context the audit found") == 1, 10, "audit answered")
        self.assertIn("mgw1: h248 REGISTERED", self.vty.cmd("show media-gateway mgw1"))
        self.assertEqual(self.ca_counter("Calls whose context the audit found gone (cause 41)"), 0)
        self.assertEqual(test_call(self.vty)[0], "READY")
        # of the per-code Error counters only those that counted are shown
        self.assertIsNone(self.ca_counter("Error 411 Unknown ContextID"))
        # the gateway still has it, and was asked about it
        self.assertRegex(self.mgw_vty.cmd("show h248"), r"tdm/1/5 \(sendrecv\) rtp/\d+")

    def other_mgc(self):
        """A UDP socket that plays another controller."""
        other = udp_socket()
        self.addCleanup(other.close)
        return other

    def answer(self, other, request):
        """Accept @request (a ServiceChange) as the other controller."""
        tid = re.search(r"(?:Transaction|T)\s*=\s*(\d+)", request).group(1)
        other.sendto(("MEGACO/1 [127.0.0.1]:%d\nReply = %s { Context = - { ServiceChange = ROOT } }"
                      % (port_of(other), tid)).encode(), ("127.0.0.1", self.gw_port))

    def test_context_gone_after_handoff_to_us(self):
        ctx = self.call_up()
        # the gateway dies; the probe goes unanswered: DOWN
        self.mgw.signal(signal.SIGKILL)
        self.mgw.wait(5)
        self.wait_down()
        # it comes back under another controller, which hands it to us:
        # its ServiceChange to us is a Handoff, not a Restart, so tandemd
        # cannot know that the contexts are gone but by the audit
        other = self.other_mgc()
        self.mgw, self.mgw_vty = self.start_mgw_h248(port_of(other))
        restart = other.recv(4096).decode()
        self.assertIn("Restart", restart)
        self.answer(other, restart)
        wait_for(lambda: "IN_SERVICE" in self.mgw_vty.cmd("show h248"), 5, "other controller's reply")
        self.assertNotIn("context %d " % ctx, self.mgw_vty.cmd("show h248"))
        other.sendto(("MEGACO/1 [127.0.0.1]:%d\nTransaction = 9 { Context = - { ServiceChange = ROOT { Services {"
                      " Method = Handoff, MgcIdToTry = [127.0.0.1]:%d, Reason = \"903 MGC Directed Change\" } } } }"
                      % (port_of(other), self.ctl_port)).encode(), ("127.0.0.1", self.gw_port))
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 41)
        self.assertEqual(self.ca_counter("Audits of the calls' contexts started"), 1)
        self.assertEqual(self.ca_counter("Calls whose context the audit found gone (cause 41)"), 1)
        self.assertEqual(self.ca_counter("Calls whose context the audit found"), 0)
        self.assertEqual(self.ca_counter("Error 411 Unknown ContextID"), 1)
        self.assertIn("mgw1: h248 REGISTERED", self.vty.cmd("show media-gateway mgw1"))
        # nothing was subtracted for the call
        self.assertEqual(tm.counter(self.mgw_vty, "subtract:ok", "show h248"), 0)

    def test_handoff_to_another_controller(self):
        ctx = self.call_up()
        other = self.other_mgc()
        self.assertIn("no H.248 mId", self.vty.cmd("media-gateway mgw1 handoff nonsense{"))
        self.assertEqual(self.vty.cmd("media-gateway mgw1 handoff [127.0.0.1]:%d" % port_of(other)), "")
        # our call ends and its context is subtracted before the Handoff:
        # the new MGC could not know it
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 41)
        wait_for(lambda: "mgw1: h248 DOWN" in self.vty.cmd("show media-gateway mgw1"), 10, "DOWN after the reply")
        self.assertEqual(self.ca_counter("ServiceChange Handoff sent to the gateway"), 1)
        self.assertIn("not registered", self.vty.cmd("media-gateway mgw1 handoff [127.0.0.1]:%d" % port_of(other)))
        # the gateway registers with the new controller, by Handoff
        sc = other.recv(4096).decode()
        self.assertRegex(sc, r"ServiceChange\s*=\s*ROOT")
        self.assertRegex(sc, r"(?i)(Method|MT)\s*=\s*(Handoff|HO)\b")
        self.assertIn("903", sc)
        self.answer(other, sc)
        self.assertNotIn("context %d " % ctx, self.mgw_vty.cmd("show h248"))
        # Subtract = * of the call's context: its two terminations
        self.assertEqual(tm.counter(self.mgw_vty, "subtract:ok", "show h248"), 2)
        self.assertIn("mgw1: h248 DOWN", self.vty.cmd("show media-gateway mgw1"))

    def test_handoff_refused_keeps_the_gateway(self):
        # tandem-mgw follows IPv4 mIds only: a domain name is refused with
        # 501, and the gateway stays ours, registered
        self.call_up()
        self.assertEqual(self.vty.cmd("media-gateway mgw1 handoff <mgc2.example.net>:2944"), "")
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 41)
        wait_for(lambda: "mgw1: h248 REGISTERED" in self.vty.cmd("show media-gateway mgw1"), 10,
                 "registered again after the refusal")
        self.assertEqual(self.ca_counter("ServiceChange Handoff sent to the gateway"), 0)


if __name__ == "__main__":
    tt.main()

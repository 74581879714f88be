#!/usr/bin/env python3
"""The issue-6 chain with two real tandemds on one osmo-stp:

  SIPp UAC -> tandemd A (SIP -> ISUP) -> osmo-stp -> tandemd B (ISUP -> SIP-I) -> SIPp UAS

A is point code 1.1.1 (AS rctx 1), B 2.2.2 (AS rctx 2); both have ISUP
trunk t1 (CIC 1-8) towards each other (src/ss7.c hands received messages
to the trunk of the signalling relation, so one trunk per pair of point
codes).  A routes 030... to t1 (strip 1, prefix 49); B routes 4930... from
t1 to its SIP trunks (SIP-I profile), where SIPp plays the called party.
Assertions are on SIPp's messages, both tandemds' ladders (the ISUP
messages each side sent and received), the circuits and `show calls`."""
import fcntl
import os
import re
import socket

import tandemtest as tt
import test_mgcp_ca as mgcp
from ss7test import (OSMO_STP, PEER_PC, STP_VTY_PORT, TANDEM_PC, SS7TestCase, asp_config,
                     parse_circuits)
from tandemtest import free_port, srcdir, wait_for

TIMERS = {"T16": 1, "T22": 1, "T12": 1, "T14": 1, "T18": 1, "T20": 1, "T1": 1}


def isup_trunk(local, remote, t9=None):
    text = ("isup trunk t1\n variant itu\n local-point-code %s\n remote-point-code %s\n"
            " cic-range 1 8\n circuit-selection sequential\n" % (local, remote))
    timers = dict(TIMERS)
    if t9:
        timers["T9"] = t9
    for k, v in sorted(timers.items()):
        text += " timer %s %d\n" % (k, v)
    return text


def ladder(vty, call_id):
    out = vty.cmd("show call %d" % call_id)
    return [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]


class Chain(SS7TestCase):
    """SS7TestCase's osmo-stp, with tandemd A in the tandem ASP slot and
    tandemd B in the peer's."""

    t9 = None
    # B's destinations for calls from t1, in order
    b_dests = ("uas",)
    # config text for a media gateway: a function of the call agent's port
    media = None
    media_b = True
    # more config of each side (%-formatted with the test's attributes)
    a_extra = a_routes = b_extra = b_routes = ""

    def setUp(self):
        try:
            self._setup_chain()
        except BaseException:
            self.tearDown()
            raise

    def _setup_chain(self):
        tt.TandemTestCase.setUp(self)
        if not OSMO_STP:
            self.require_tool(None, "osmo-stp")
        self.require_tool(tt.SIPP, "sipp")
        self.setup_media()
        import fcntl
        from ss7test import STP_LOCK
        self._lock = open(STP_LOCK, "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.addCleanup(self._unlock)
        self.stp_port = free_port(udp=False)
        self.tandem_asp_port = free_port(udp=False)
        self.peer_asp_port = free_port(udp=False)
        self.start_stp()
        self.uas_port = free_port()
        self.uas2_port = free_port()
        self.a_sip, self.b_sip = free_port(), free_port()
        self.a_vty_port, self.b_vty_port = free_port(), free_port()

        cfg_a = tt.tandemd_config(self.a_vty_port, self.a_sip, transport="udp")
        cfg_a += asp_config(TANDEM_PC, "asp-tandem", "as-tandem", 1, self.stp_port, self.tandem_asp_port)
        trunk_media = ""
        if self.media:
            trunk_media = " mgw-endpoint rtpbridge/*@mgw\n media-gateway mgw1\n"
            cfg_a += self.media(free_port(tcp=False))
        cfg_a += isup_trunk(TANDEM_PC, PEER_PC, self.t9) + trunk_media
        cfg_a += self.a_extra % self.__dict__
        cfg_a += ("call-control\n profile sip\n route to-b\n  match called-prefix 030\n"
                  "  destination trunk t1\n  strip 1\n  prefix 49\n  nai 4\n")
        cfg_a += self.a_routes
        cfg_b = tt.tandemd_config(self.b_vty_port, self.b_sip, transport="udp")
        cfg_b += asp_config(PEER_PC, "asp-peer", "as-peer", 2, self.stp_port, self.peer_asp_port)
        if self.media and self.media_b:
            cfg_b += self.media(free_port(tcp=False))
        cfg_b += isup_trunk(PEER_PC, TANDEM_PC) + (trunk_media if self.media_b else "")
        cfg_b += ("sip-trunk uas\n peer 127.0.0.1 %d\n transport udp\n profile sip-i\n"
                  "sip-trunk dead\n peer 127.0.0.1 %d\n transport udp\n profile sip-i\n"
                  % (self.uas_port, self.uas2_port))
        cfg_b += self.b_extra % self.__dict__
        cfg_b += ("call-control\n route via-t1\n  match called-prefix 4930\n  match source-trunk t1\n"
                  + "".join("  destination trunk %s\n" % d for d in self.b_dests))
        cfg_b += self.b_routes
        self.a, self.vty_a = self.start_tandemd(cfg_a, self.a_vty_port, "tandemd-a")
        self.b, self.vty_b = self.start_tandemd(cfg_b, self.b_vty_port, "tandemd-b")
        for v in (self.vty_a, self.vty_b):
            v.cmd("enable")
        # both ends reset their circuits (GRS/GRA) once the ASPs are up
        for v in (self.vty_a, self.vty_b):
            try:
                wait_for(lambda: self.idle(v), 30, "all circuits idle")
            except TimeoutError:
                raise AssertionError("circuits not idle:\nA:\n%s\nB:\n%s\nA log:\n%s\nB log:\n%s" % (
                    self.vty_a.cmd("show isup circuits"), self.vty_b.cmd("show isup circuits"),
                    self.a.log()[-2500:], self.b.log()[-2500:]))
        self.sipp_n = 0

    def setup_media(self):
        pass

    def start_tandemd(self, cfg, vty_port, name):
        path = self.write(name + ".cfg", cfg)
        from ss7test import ss7_env
        proc = self.start(name, [tt.builddir("src", "tandemd"), "-c", path], cwd=self.tmp, env=ss7_env())
        wait_for(lambda: tt.port_open(vty_port) or not proc.alive(), 10, name + " VTY")
        self.assertTrue(proc.alive(), name + " exited early:\n" + proc.log())
        vty = tt.Vty(vty_port)
        self.vtys.append(vty)
        return proc, vty

    def idle(self, vty):
        c = parse_circuits(vty.cmd("show isup circuits"))
        return len(c) == 8 and all(s[0] == "idle" and s[1] == "-" for s in c.values())

    def sipp(self, scenario, subst=None, uas=False, called="03022345", port=None, local_ip="127.0.0.1"):
        self.sipp_n += 1
        with open(srcdir("tests", "system", "sipp", scenario)) as f:
            text = f.read()
        for k, v in (subst or {}).items():
            text = text.replace(k, v)
        n = self.sipp_n
        scen = self.write("sipp%d.xml" % n, text)
        msgfile = os.path.join(self.tmp, "sipp%d.msg" % n)
        port = port or (self.uas_port if uas else free_port())
        target = free_port() if uas else self.a_sip
        argv = [tt.SIPP, "127.0.0.1:%d" % target, "-sf", scen, "-m", "1", "-s", called, "-i", local_ip,
                "-p", str(port), "-nostdin", "-timeout", "20", "-timeout_error", "-trace_msg",
                "-message_file", msgfile]
        proc = self.start("sipp%d" % n, argv, cwd=self.tmp)
        proc.msgfile = msgfile
        return proc

    def wait_sipp(self, proc, timeout=30):
        rc = proc.wait(timeout)
        # ISUP bodies are binary
        msgs = open(proc.msgfile, errors="replace").read() if os.path.exists(proc.msgfile) else ""
        if rc != 0:
            self.fail("%s failed:\n%s\n%s" % (proc.name, proc.log()[-2000:], msgs[-3000:]))
        return msgs

    def wait_call(self, vty, state):
        wait_for(lambda: re.search(r"(?m)^1\s+%s\s" % state, vty.cmd("show calls")), 10,
                 "call 1 in %s" % state)

    def end_clean(self):
        """No call left on either side, every circuit idle."""
        for v in (self.vty_a, self.vty_b):
            wait_for(lambda: "0 call(s)" in v.cmd("show calls"), 10, "calls to end")
            wait_for(lambda: self.idle(v), 10, "circuits idle again")

    def stop_clean(self):
        """Stop both tandemds: exit 0, no leak or sanitizer report."""
        for proc in (self.a, self.b):
            rc = proc.stop()
            with open(proc.log_path, errors="replace") as f:
                log = f.read()
            self.assertEqual(rc, 0, log[-3000:])
            self.assertNotIn("ERROR: AddressSanitizer", log)
            self.assertNotIn("runtime error:", log)

    def counter(self, vty, label):
        m = re.search(r"%s:\s+(\d+)" % re.escape(label), vty.cmd("show call-control"))
        self.assertIsNotNone(m, label)
        return int(m.group(1))


class ChainCalls(Chain):
    def test_answered_bye_from_caller(self):
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        # the caller hangs up 3 s after the answer: time to read both ladders
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="3000"'})
        self.wait_call(self.vty_a, "ANSWERED")
        self.wait_call(self.vty_b, "ANSWERED")
        self.assertEqual(ladder(self.vty_a, 1), [
            "SIP   in   INVITE 03022345", "SIP   out  100", "ISUP  out  IAM cic=1 called=493022345",
            "ISUP  in   ACM", "SIP   out  180", "ISUP  in   ANM", "SIP   out  200 (body)", "SIP   in   ACK"])
        self.assertEqual(ladder(self.vty_b, 1), [
            "ISUP  in   IAM cic=1 called=493022345", "SIP   out  INVITE 493022345 (IAM)", "SIP   in   180",
            "ISUP  out  ACM", "SIP   in   200", "SIP   out  ACK", "ISUP  out  ANM"])
        self.assertRegex(self.vty_b.cmd("show calls"),
                         r"(?m)^1\s+ANSWERED\s+isup>sip\s+ANSWERED\s+ANSWERED\s+t1\s+1\s+answered\s")
        uac_msgs = self.wait_sipp(uac)
        uas_msgs = self.wait_sipp(uas)
        self.assertRegex(uac_msgs, r"SIP/2.0 180[\s\S]*SIP/2.0 200 OK[\s\S]*m=audio")
        # B's INVITE is SIP-I: SDP and the IAM A built, in multipart/mixed
        invite = uas_msgs[uas_msgs.index("INVITE sip:493022345@"):]
        self.assertRegex(invite[:invite.index("\n\n")], r"Content-Type: multipart/mixed")
        self.assertIn("Content-Type: application/ISUP", invite)
        self.assertRegex(uas_msgs, r"BYE sip:[\s\S]*Reason: Q\.850;cause=16")
        self.end_clean()
        self.assertEqual(self.counter(self.vty_a, "Calls answered"), 1)
        self.assertEqual(self.counter(self.vty_b, "Calls answered"), 1)
        self.stop_clean()

    def test_answered_bye_from_called(self):
        uas = self.sipp("cc_uas_bye.xml", uas=True)
        uac = self.sipp("cc_uac_remote_bye.xml")
        self.wait_sipp(uas)
        msgs = self.wait_sipp(uac)
        self.assertRegex(msgs, r"BYE sip:[\s\S]*Reason: Q\.850;cause=16")
        self.end_clean()

    def test_cancel_during_early_media(self):
        # B's called party sends 183 with SDP; A's caller cancels: REL 31
        # across, CANCEL with the cause on B's side.  B's ACM says "in-band
        # information", so the caller gets 183 with SDP from A
        uas = self.sipp("cc_uas_cancel.xml", uas=True)
        uac = self.sipp("cc_uac_cancel.xml", {'<recv response="180"/>': '<recv response="183"/>'})
        self.assertRegex(self.wait_sipp(uac), r"SIP/2.0 183[^\n]*\n(?:.+\n)*Content-Type: application/sdp")
        msgs = self.wait_sipp(uas)
        self.assertRegex(msgs, r"CANCEL sip:[\s\S]*Reason: Q\.850;cause=31")
        self.end_clean()
        self.assertEqual(self.counter(self.vty_a, "Calls cancelled by the caller"), 1)

    def test_busy_486_rel_17_486_with_reason(self):
        uas = self.sipp("cc_uas_reject.xml", {"STATUS": "486"}, uas=True)
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "486", "CAUSE": "17"})
        self.wait_sipp(uas)
        self.wait_sipp(uac)
        self.end_clean()
        self.assertEqual(self.counter(self.vty_a, "Calls released by the far end before answer"), 1)

    def test_404_cause_1_404(self):
        uas = self.sipp("cc_uas_reject.xml", {"STATUS": "404"}, uas=True)
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "404", "CAUSE": "1"})
        self.wait_sipp(uas)
        self.wait_sipp(uac)
        self.end_clean()


class ChainNoAnswer(Chain):
    t9 = 2

    def test_t9_no_answer(self):
        # B's called party only rings; A's T9 (2 s here) expires: REL 19
        # towards B (CANCEL with cause 19 to the called party), and 480
        # with cause 19 to the caller
        uas = self.sipp("cc_uas_cancel.xml", uas=True)
        # (the 183 with SDP gives an ACM "in-band information": 183 to the caller)
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "480", "CAUSE": "19",
                                              '<recv response="180"': '<recv response="183"'})
        self.wait_sipp(uac)
        msgs = self.wait_sipp(uas)
        self.assertRegex(msgs, r"CANCEL sip:[\s\S]*Reason: Q\.850;cause=19")
        self.end_clean()


class ChainBlocked(Chain):
    def test_all_circuits_blocked_gives_503_cause_34(self):
        self.vty_b.cmd("isup trunk t1 circuits 1 8 block")
        wait_for(lambda: all(c[1] != "-" for c in parse_circuits(self.vty_a.cmd("show isup circuits")).values()),
                 10, "A sees every circuit blocked")
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "503", "CAUSE": "34"})
        self.wait_sipp(uac)
        wait_for(lambda: "0 call(s)" in self.vty_a.cmd("show calls"), 10, "call to end")
        self.assertEqual(self.counter(self.vty_a, "Calls failed: no circuit available"), 1)
        self.assertEqual(self.counter(self.vty_b, "Calls offered to call control"), 0)
        self.vty_b.cmd("isup trunk t1 circuits 1 8 unblock")
        self.end_clean()


class ChainFailover(Chain):
    # B's first way out for calls from t1 is trunk "dead", whose party
    # answers 503: B moves the call to trunk uas (default failover list)
    b_dests = ("dead", "uas")

    def test_503_moves_call_to_next_sip_trunk(self):
        dead = self.sipp("cc_uas_reject.xml", {"STATUS": "503"}, uas=True, port=self.uas2_port)
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        uac = self.sipp("cc_uac_bye.xml")
        self.wait_sipp(dead)
        self.wait_sipp(uac)
        self.wait_sipp(uas)
        self.end_clean()
        self.assertEqual(self.counter(self.vty_b, "Calls moved to the route's next destination"), 1)
        self.assertEqual(self.counter(self.vty_b, "Calls answered"), 1)


class ChainMedia(Chain):
    """Both tandemds control one real osmo-mgw (rtpbridge endpoints), each
    as its own call agent: the SDP each SIP party sees is the gateway's."""

    def setup_media(self):
        self.require_tool(mgcp.OSMO_MGW, "osmo-mgw")
        lock = open(mgcp.OSMO_MGW_LOCK, "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        self.addCleanup(lambda: (fcntl.flock(lock, fcntl.LOCK_UN), lock.close()))
        self.mgw_port = free_port(tcp=False)
        self.rtp_base = 20000 + (os.getpid() % 50) * 200
        cfg = self.write("osmo-mgw.cfg", mgcp.osmo_mgw_config(self.mgw_port, self.rtp_base))
        mgw = self.start("osmo-mgw", [mgcp.OSMO_MGW, "-c", cfg], cwd=self.tmp)
        wait_for(lambda: tt.port_open(mgcp.OSMO_MGW_VTY) or not mgw.alive(), 10, "osmo-mgw VTY")
        self.assertTrue(mgw.alive(), mgw.log())
        self.mgw_vty = tt.Vty(mgcp.OSMO_MGW_VTY)
        self.vtys.append(self.mgw_vty)
        # osmo-mgw 1.10: one codec in LocalConnectionOptions, and no
        # sendrecv connection without a remote end (doc/mgcp-ca.md)
        self.media = lambda ca_port: mgcp.gateway_config("mgw1", self.mgw_port, ca_port,
                                                         " codec PCMA\n circuit-mode recvonly\n")

    def mgw_conns(self):
        return len(re.findall(r"CONN: \(", self.mgw_vty.cmd("show mgcp")))

    def sdp_port(self, msg):
        m = re.search(r"m=audio (\d+) RTP/AVP", msg)
        self.assertIsNotNone(m, msg[-1500:])
        return int(m.group(1))

    def test_call_through_the_gateway(self):
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="3000"'})
        self.wait_call(self.vty_a, "ANSWERED")
        self.wait_call(self.vty_b, "ANSWERED")
        # two connections per call on the gateway, PCMA on both sides
        self.assertEqual(self.mgw_conns(), 4)
        for v in (self.vty_a, self.vty_b):
            self.assertRegex(v.cmd("show calls"), r"(?m)^1\s+ANSWERED\s.*\sPCMA\s")
        uac_msgs = self.wait_sipp(uac)
        uas_msgs = self.wait_sipp(uas)
        # what each SIP party got is an rtpbridge port of the gateway
        ok = uac_msgs[uac_msgs.index("SIP/2.0 200 OK"):]
        self.assertTrue(self.rtp_base <= self.sdp_port(ok) < self.rtp_base + 200, ok[:800])
        invite = uas_msgs[uas_msgs.index("INVITE sip:"):]
        self.assertTrue(self.rtp_base <= self.sdp_port(invite) < self.rtp_base + 200, invite[:1200])
        self.end_clean()
        # every connection deleted (DLCX) at the end
        wait_for(lambda: self.mgw_conns() == 0, 10, "osmo-mgw connections gone")
        self.stop_clean()


    def test_hold_through_the_gateway(self):
        # the caller holds and resumes: A changes the mode of its SIP-side
        # connection (MDCX) and answers with the gateway's SDP; its CPGs
        # (remote hold, remote retrieval) reach the SIP-I callee in INFO
        uas = self.sipp("cc_uas_info.xml", uas=True)
        uac = self.sipp("cc_uac_hold.xml")
        msgs = self.wait_sipp(uac)
        self.wait_sipp(uas)
        # SIPp's message file: one block per message, between dashed lines
        hold = [b for b in re.split(r"\n-{10,}[^\n]*\n", msgs.replace("\r", ""))
                if "SIP/2.0 200 OK" in b and "CSeq: 2 INVITE" in b]
        self.assertEqual(len(hold), 1, msgs[-3000:])
        self.assertIn("a=recvonly", hold[0])
        self.assertTrue(self.rtp_base <= self.sdp_port(hold[0]) < self.rtp_base + 200, hold[0])
        self.end_clean()
        wait_for(lambda: self.mgw_conns() == 0, 10, "osmo-mgw connections gone")

    def test_answer_in_reliable_183_then_200_without_sdp(self):
        # RFC 3262: the called party answers the gateway's offer in a
        # reliable 183; its 200 has no SDP.  B gives the 183's answer to the
        # gateway and the call is answered, not failed for want of a codec.
        uas = self.sipp("cc_uas_183_answer.xml", uas=True)
        # B's ACM says "in-band information": 183 towards the caller
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="2000"',
                                           '<recv response="180"/>': '<recv response="183"/>'})
        self.wait_call(self.vty_b, "ANSWERED")
        self.assertRegex(self.vty_b.cmd("show calls"), r"(?m)^1\s+ANSWERED\s.*\sPCMA\s")
        self.wait_sipp(uac)
        self.wait_sipp(uas)
        self.assertEqual(self.counter(self.vty_b, "Calls failed: no common codec"), 0)
        self.assertEqual(self.counter(self.vty_b, "Calls answered"), 1)
        self.end_clean()
        wait_for(lambda: self.mgw_conns() == 0, 10, "osmo-mgw connections gone")

    def test_no_common_codec_488_cause_65(self):
        # the caller offers G.729 only; A's SIP side allows PCMA, PCMU and
        # telephone-event: 488 with cause 65 before any IAM leaves
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "488", "CAUSE": "65",
                                              "RTP/AVP 8\na=rtpmap:8 PCMA/8000":
                                              "RTP/AVP 18\na=rtpmap:18 G729/8000"})
        self.wait_sipp(uac)
        wait_for(lambda: "0 call(s)" in self.vty_a.cmd("show calls"), 10, "call to end")
        self.assertEqual(self.counter(self.vty_a, "Calls failed: no common codec"), 1)
        self.assertEqual(self.counter(self.vty_b, "Calls offered to call control"), 0)
        self.assertEqual(self.mgw_conns(), 0)
        self.end_clean()


class ChainDeadGateway(Chain):
    """A's media gateway never answers (a bound UDP socket that reads
    nothing back): calls through it fail with cause 47."""

    media_b = False

    def setup_media(self):
        self.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.silent.bind(("127.0.0.1", 0))
        self.addCleanup(self.silent.close)
        port = self.silent.getsockname()[1]
        # short transaction timers: X1 first retransmission, X3 tries
        self.media = lambda ca_port: mgcp.gateway_config("mgw1", port, ca_port,
                                                         " timer X1 100\n timer X3 1\n")

    def test_gateway_silent_gives_cause_47(self):
        # the keepalive (AUEP) found no answer: the gateway is DOWN, and a
        # call that needs it is refused with cause 47 before its IAM
        wait_for(lambda: "mgw1: DOWN" in self.vty_a.cmd("show media-gateway mgw1"), 15, "gateway DOWN")
        self.silent.settimeout(1)
        data = self.silent.recv(2048).decode(errors="replace")
        self.assertTrue(data.startswith("AUEP "), data)
        uac = self.sipp("cc_uac_reject.xml", {"STATUS": "503", "CAUSE": "47"})
        self.wait_sipp(uac)
        self.end_clean()
        self.assertEqual(self.counter(self.vty_a, "Calls failed: media gateway"), 1)
        self.assertEqual(self.counter(self.vty_b, "Calls offered to call control"), 0)


class ChainSipI(Chain):
    """SIP-I ingress between the two tandemds: the call passes both of them
    twice.  SIPp (127.0.0.2) -> A (trunk caller, plain SIP) -> t1 -> B ->
    SIP-I trunk to-a -> A (trunk from-b, SIP-I: the IAM comes from the
    body, the Request-URI winning) -> t1 -> B -> SIP-I trunk uas -> SIPp.
    The numbers step through prefixes 8, 9 and 49 so that no route loops."""

    a_extra = ("sip-trunk caller\n peer 127.0.0.2 5060\n acl 127.0.0.2/32\n transport udp\n profile sip\n"
               "sip-trunk from-b\n peer 127.0.0.1 %(b_sip)d\n transport udp\n profile sip-i\n")
    a_routes = (" route first\n  match called-prefix 030\n  match source-trunk caller\n"
                "  destination trunk t1\n  strip 1\n  prefix 8\n"
                " route second\n  match called-prefix 9\n  match source-trunk from-b\n"
                "  destination trunk t1\n  strip 1\n  prefix 49\n  nai 4\n")
    b_extra = "sip-trunk to-a\n peer 127.0.0.1 %(a_sip)d\n transport udp\n profile sip-i\n"
    b_routes = (" route back\n  match called-prefix 8\n  match source-trunk t1\n"
                "  destination trunk to-a\n  strip 1\n  prefix 9\n")

    def test_sipi_ingress_keeps_the_iam(self):
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        # a caller with a restricted identity: Privacy and P-Asserted-Identity
        uac = self.sipp("cc_uac_bye.xml", {
            'milliseconds="300"': 'milliseconds="3000"',
            "Max-Forwards: 70\nContent-Type": "Max-Forwards: 70\nPrivacy: id\n"
            "P-Asserted-Identity: <sip:4930100@127.0.0.2>\nContent-Type"}, local_ip="127.0.0.2")
        wait_for(lambda: "2 call(s)" in self.vty_a.cmd("show calls") and
                 len(re.findall(r"(?m)^\d+\s+ANSWERED", self.vty_b.cmd("show calls"))) == 2,
                 10, "both passes answered")
        # A's second call came in on the SIP-I trunk from B
        self.assertEqual(ladder(self.vty_a, 2)[:3], [
            "SIP   in   INVITE 93022345", "SIP   out  100", "ISUP  out  IAM cic=2 called=493022345"])
        self.assertIn("trunk from-b", self.vty_a.cmd("show call 2"))
        uac_msgs = self.wait_sipp(uac)
        uas_msgs = self.wait_sipp(uas)
        self.assertIn("SIP/2.0 200 OK", uac_msgs)
        # the presentation restriction survived both SIP-I hops
        invite = uas_msgs[uas_msgs.index("INVITE sip:493022345@"):]
        head = invite[:invite.index("\n\n")]
        self.assertRegex(head, r"From: [^\n]*anonymous")
        self.assertRegex(head, r"Privacy: id")
        self.assertRegex(head, r"P-Asserted-Identity: [^\n]*4930100")
        self.end_clean()
        self.assertEqual(self.counter(self.vty_a, "SIP-I bodies whose called number disagreed with the Request-URI"), 0)
        self.assertEqual(self.counter(self.vty_a, "INVITEs refused: SIP-I/SIP-T body did not parse"), 0)
        self.assertEqual(self.counter(self.vty_a, "Calls answered"), 2)
        self.stop_clean()


if __name__ == "__main__":
    tt.main()

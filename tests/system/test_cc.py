#!/usr/bin/env python3
"""Call control, first slice: SIP -> ISUP basic calls end to end.

SIPp UAC -> tandemd (plain SIP profile) -> osmo-stp -> tests/isup_peer as
the far exchange, all real processes on 127.0.0.1 (see ss7test.py)."""
import os
import re

import tandemtest as tt
from ss7test import SS7TestCase, STARTUP
from tandemtest import free_port, srcdir, wait_for

ROUTES = ("call-control\n"
          " profile sip\n"
          " route national\n"
          "  match called-prefix 030\n"
          "  destination trunk t1\n"
          "  strip 1\n"
          "  prefix 49\n"
          "  nai 4\n"
          " route special\n"
          "  match called-prefix 0301\n"
          "  match calling-prefix 4930\n"
          "  destination trunk nosuch\n"
          "  destination trunk t1\n")


def all_idle(c):
    return len(c) == 8 and all(c[i][0] == "idle" and c[i][1] == "-" for i in range(1, 9))


def sipi_loop_config(sip_port, to_loop=""):
    """ISUP -> SIP-I -> tandemd itself -> ISUP: the SIP-I trunk `loop`
    points at tandemd's own SIP port; called numbers 7... from t1 go out on
    it with prefix 8 (plus the to_loop lines of that route), and come back
    in as 87... on t1 without it."""
    return ("sip-trunk loop\n"
            " peer 127.0.0.1 %d\n"
            " transport udp\n"
            " profile sip-i\n"
            "call-control\n"
            " route to-loop\n"
            "  match called-prefix 7\n"
            "  match source-trunk t1\n"
            "  destination trunk loop\n"
            "  prefix 8\n"
            "%s"
            " route from-loop\n"
            "  match called-prefix 87\n"
            "  match source-trunk loop\n"
            "  destination trunk t1\n"
            "  strip 1\n" % (sip_port, to_loop))


class CallCase(SS7TestCase):
    def setUp(self):
        try:
            super().setUp()
            self.require_tool(tt.SIPP, "sipp")
            self.configure(ROUTES)
        except BaseException:
            # unittest runs no tearDown after a failed setUp: stop what
            # SS7TestCase started
            self.tearDown()
            raise
        self.sipp_n = 0
        self.msgfiles = {}

    def configure(self, text):
        """Enter config text on the VTY.  The interactive VTY does not fall
        back to parent nodes as the config file does, so leave a node where
        the indentation drops."""
        self.vty.cmd("configure terminal")
        depth = 0
        for line in text.splitlines():
            indent = len(line) - len(line.lstrip())
            for _ in range(depth - indent):
                self.vty.cmd("exit")
            out = self.vty.cmd(line.strip())
            self.assertNotIn("%", out, line)
            depth = indent + 1 if re.match(r"(call-control|route |sip-trunk )", line.strip()) else indent
        self.vty.cmd("end")

    def ready_peer(self, script):
        peer = self.start_peer(STARTUP + script)
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        return peer

    def iam_peer(self, script):
        """The peer, holding its IAM until the circuits are seen idle."""
        peer = self.ready_peer("wait-file iam\n" + script)
        self.go("iam")
        return peer

    def sipp(self, scenario, called, subst=None, port=None, target=None):
        """Start SIPp on a scenario of tests/system/sipp; returns the Proc.
        port: SIPp's own port (a UAS a trunk points at); target: the SIP
        port it sends to (tandemd's by default)."""
        self.sipp_n += 1
        with open(srcdir("tests", "system", "sipp", scenario)) as f:
            text = f.read()
        for k, v in (subst or {}).items():
            text = text.replace(k, v)
        scen = self.write("sipp%d.xml" % self.sipp_n, text)
        self.msgfile = os.path.join(self.tmp, "sipp%d.msg" % self.sipp_n)
        self.msgfiles[self.sipp_n] = self.msgfile
        argv = [tt.SIPP, "127.0.0.1:%d" % (target or self.sip_port), "-sf", scen, "-m", "1", "-s", called,
                "-i", "127.0.0.1", "-p", str(port or free_port()), "-nostdin", "-timeout", "20",
                "-timeout_error", "-trace_msg", "-message_file", self.msgfile]
        return self.start("sipp%d" % self.sipp_n, argv, cwd=self.tmp)

    def wait_sipp(self, proc, timeout=30):
        rc = proc.wait(timeout)
        path = self.msgfiles.get(int(proc.name[4:]), self.msgfile)
        # ISUP bodies are binary
        msgs = open(path, errors="replace").read() if os.path.exists(path) else ""
        if rc != 0:
            with open(self.tandemd.log_path, errors="replace") as f:
                td = f.read()[-3000:]
            self.fail("%s failed:\n%s\n%s\ntandemd:\n%s" % (proc.name, proc.log()[-2000:], msgs[-3000:], td))
        return msgs

    def no_calls(self):
        wait_for(lambda: "0 call(s)" in self.vty.cmd("show calls"), 10, "calls to end")

    def cc_counter(self, label):
        m = re.search(r"%s:\s+(\d+)" % re.escape(label), self.vty.cmd("show call-control"))
        self.assertIsNotNone(m, label)
        return int(m.group(1))


class Routing(CallCase):
    def test_route_lookup_and_write(self):
        out = self.vty.cmd("route lookup 030123")
        self.assertIn("route national: called prefix '030'", out)
        self.assertIn("called number out: 493012", out)
        self.assertIn("destination 1: trunk t1", out)
        out = self.vty.cmd("route lookup 0301555 calling 4930777")
        self.assertIn("route special", out)
        self.assertIn("calling prefix '4930'", out)
        self.assertIn("route national", self.vty.cmd("route lookup 0301555 calling 4940777"))
        # `from` names the source trunk: no route here asks for one
        self.assertIn("route special", self.vty.cmd("route lookup 0301555 from t1 calling 4930777"))
        self.assertIn("no route matches called 0401 from t1", self.vty.cmd("route lookup 0401 from t1"))
        self.assertIn("no route matches called 0401", self.vty.cmd("route lookup 0401"))
        self.assertIn("1 to 32 digits", self.vty.cmd("route lookup 12ab"))
        text = self.vty.cmd("write terminal")
        self.assertIn("call-control\n profile sip\n route national\n  match called-prefix 030\n"
                      "  destination trunk t1\n  strip 1\n  prefix 49\n  nai 4\n", text)
        self.vty.cmd("configure terminal")
        self.vty.cmd("call-control")
        self.vty.cmd("route national")
        self.assertIn("not 1 to 32 digits", self.vty.cmd("prefix 12x"))
        self.vty.cmd("exit")
        self.assertRegex(self.vty.cmd("timer X1 5"), r"^$|^\s*$")
        self.vty.cmd("end")
        self.assertIn("X1 = 5 s", self.vty.cmd("show call-control timer"))
        self.assertIn(" timer X1 5\n", self.vty.cmd("write terminal"))


class SipToIsup(CallCase):
    def test_answered_then_bye_from_sip(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "mark alerting\n"
                               "wait-file answer\n"
                               "send ANM cic=$\n"
                               "expect REL cic=$ cause=16\n"
                               "send RLC cic=$\n")
        sipp = self.sipp("cc_uac_bye.xml", "03022345")
        self.wait_mark(peer, "alerting")
        wait_for(lambda: "ALERTING" in self.vty.cmd("show calls"), 10, "call alerting")
        out = self.vty.cmd("show calls")
        # id, call state, direction, SIP leg, ISUP leg, trunk, CIC, circuit, age, codec
        self.assertRegex(out, r"(?m)^1\s+ALERTING\s+sip>isup\s+ALERTING\s+ALERTING\s+t1\s+1\s+"
                         r"out-alerting\s+\d+s\s+-\s+\S+@")
        out = self.vty.cmd("show call 1")
        self.assertIn("route national, called in 03022345, called out 493022345", out)
        self.go("answer")
        msgs = self.wait_sipp(sipp)
        self.assertRegex(msgs, r"SIP/2.0 200 OK[\s\S]*m=audio")
        # one 100 Trying, not one from nua and another from call control
        self.assertEqual(msgs.count("SIP/2.0 100 Trying"), 1, msgs[:3000])
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls answered"), 1)
        self.assertRegex(self.vty.cmd("show call-control routes"), r"route national[\s\S]*Calls answered:\s+1\b")
        # the INVITE -> IAM delay of this one call, then forgotten on request
        self.assertRegex(self.vty.cmd("show call-control setup-delay"),
                         r"INVITE -> IAM: 1 call\(s\), mean \d+ us, p50 \d+ us, p90 \d+ us, p99 \d+ us")
        self.vty.cmd("clear call-control setup-delay")
        self.assertEqual(self.vty.cmd("show call-control setup-delay").strip(), "INVITE -> IAM: 0 call(s)")
        # a route can be deleted (its counters go with it) once no call uses it
        self.vty.cmd("configure terminal")
        self.vty.cmd("call-control")
        self.assertEqual(self.vty.cmd("no route special").strip(), "")
        self.assertIn("no route 'special'", self.vty.cmd("no route special"))
        self.vty.cmd("end")
        self.wait_circuits(all_idle, "circuit idle again")
        self.stop_tandemd_clean()

    def test_hold_and_resume_by_reinvite(self):
        # re-INVITE a=sendonly -> 200 a=recvonly (hold), then a=sendrecv
        # (resume); the circuit gets CPG event progress with the generic
        # notification remote hold (f9), then remote retrieval (fa)
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "expect CPG cic=$ p24=02 p2c=f9\n"
                               "expect CPG cic=$ p24=02 p2c=fa\n"
                               "expect REL cic=$ cause=16\n"
                               "send RLC cic=$\n")
        msgs = self.wait_sipp(self.sipp("cc_uac_hold.xml", "03022345"))
        self.wait_peer(peer)
        answers = re.findall(r"SIP/2.0 200 OK[\s\S]*?(?=\n-{10,}|\Z)", msgs)
        self.assertTrue(any("a=recvonly" in a for a in answers), msgs[-3000:])
        self.no_calls()

    def test_released_from_isup_gives_bye(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "sleep 0.5\n"
                               "send REL cic=$ cause=16\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("cc_uac_remote_bye.xml", "03022345")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_busy_gives_486_with_reason(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "486", "CAUSE": "17"})
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls released by the far end before answer"), 1)
        out = self.vty.cmd("show call-control routes")
        national = out[out.index("route national"):out.index("route special")]
        self.assertRegex(national, r"Calls that took this route:\s+1\b")
        self.assertRegex(national, r"Calls released by the far end before answer:\s+1\b")
        self.assertRegex(national, r"Calls answered:\s+0\b")

    def test_max_calls_refuses_the_next_with_503_cause_42(self):
        self.configure("call-control\n max-calls 1\n")
        self.assertIn(" max-calls 1\n", self.vty.cmd("show running-config"))
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "mark alerting\n"
                               "wait-file second\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n"
                               "expect-none 1\n")
        first = self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "486", "CAUSE": "17"})
        self.wait_mark(peer, "alerting")
        second = self.sipp("cc_uac_reject.xml", "03022346", {"STATUS": "503", "CAUSE": "42"})
        self.wait_sipp(second)
        self.go("second")
        self.wait_sipp(first)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls refused: too many calls"), 1)

    def test_number_changed_gives_301_to_the_new_number(self):
        # cause 22 whose diagnostic is the new number (called party number
        # format: international, ISDN, 4930999) -> 301 with it as Contact
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send REL cic=$ cause=22 diag=841094039909\n"
                               "expect RLC cic=$\n")
        msgs = self.wait_sipp(self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "301", "CAUSE": "22"}))
        self.assertRegex(msgs, r"SIP/2.0 301 Moved Permanently[\s\S]*Contact: <tel:\+4930999>")
        self.wait_peer(peer)
        self.no_calls()

    def test_number_changed_without_diagnostic_gives_410(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send REL cic=$ cause=22\n"
                               "expect RLC cic=$\n")
        msgs = self.wait_sipp(self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "410", "CAUSE": "22"}))
        self.assertNotIn("Contact: <tel:", msgs)
        self.wait_peer(peer)

    def test_acm_with_inband_info_gives_183_with_sdp(self):
        # ACM with optional backward call indicators "in-band information
        # available" (raw: type 06, BCI 1614, OBCI 29 01 01)
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send raw cic=$ hex=0616140129010100\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        msgs = self.wait_sipp(self.sipp("cc_uac_183.xml", "03022345"))
        self.assertRegex(msgs, r"SIP/2.0 183[^\n]*\n(?:.+\n)*Content-Type: application/sdp")
        self.wait_peer(peer)
        self.no_calls()

    def test_cancel_before_answer_sends_rel(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "expect REL cic=$ cause=31\n"
                               "send RLC cic=$\n")
        sipp = self.sipp("cc_uac_cancel.xml", "03022345")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls cancelled by the caller"), 1)

    def test_clear_call_from_vty(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "mark alerting\n"
                               "expect REL cic=$ cause=16\n"
                               "send RLC cic=$\n")
        # cause 16 before answer: the class default response, 480
        sipp = self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "480", "CAUSE": "16"})
        self.wait_mark(peer, "alerting")
        wait_for(lambda: "ALERTING" in self.vty.cmd("show calls"), 10, "call alerting")
        self.assertIn("no call 99", self.vty.cmd("clear call 99"))
        self.assertIn("no call 99", self.vty.cmd("show call 99"))
        self.vty.cmd("clear call 1")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls cleared by the operator"), 1)

    def test_calling_prefix_route_skips_missing_trunk(self):
        # route special (0301 from 4930...) lists trunk "nosuch" first: it
        # is skipped and t1 carries the call, with no number manipulation
        peer = self.ready_peer("expect IAM cic=* called=0301777\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("cc_uac_reject.xml", "0301777", {"STATUS": "486", "CAUSE": "17"})
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_shutdown_with_call_up_is_clean(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "mark alerting\n"
                               "expect REL cic=$ cause=41\n")
        sipp = self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "503", "CAUSE": "41"})
        self.wait_mark(peer, "alerting")
        wait_for(lambda: "ALERTING" in self.vty.cmd("show calls"), 10, "call alerting")
        # SIGTERM: the call is released on both sides, freed, and the
        # process exits 0 without a leak or sanitizer report
        self.stop_tandemd_clean()
        self.wait_peer(peer)
        msgs = self.wait_sipp(sipp)
        self.assertRegex(msgs, r"SIP/2.0 503[\s\S]*Reason: Q\.850;cause=41")

    def test_no_route_gives_404(self):
        peer = self.ready_peer("expect-none 1\n")
        sipp = self.sipp("cc_uac_reject.xml", "040123", {"STATUS": "404", "CAUSE": "3"})
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls failed: no route"), 1)

    def test_all_circuits_blocked_gives_503_cause_34(self):
        peer = self.ready_peer("wait-file block\n"
                               "send CGB cic=1 range=7 status=11111111 type=maintenance\n"
                               "expect CGBA cic=1 range=7 status=11111111 type=maintenance\n"
                               "mark blocked\n"
                               "expect-none 2\n")
        self.go("block")
        self.wait_mark(peer, "blocked")
        wait_for(lambda: all(c[1] != "-" for c in self.circuits().values()), 10, "all blocked")
        sipp = self.sipp("cc_uac_reject.xml", "030999", {"STATUS": "503", "CAUSE": "34"})
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls failed: no circuit available"), 1)


class SipiIngress(CallCase):
    """SIP-I bodies that cannot be used are refused per RFC 3204 / Q.1912.5
    and counted, before any IAM."""

    def test_bad_bodies_are_refused(self):
        peer = self.ready_peer("expect-none 1\n")
        self.configure("call-control\n profile sip-i\n")
        # an ISUP part of a version we do not know, handling=required: 415
        msgs = self.wait_sipp(self.sipp("cc_uac_body.xml", "03022345", {
            "CT_VALUE": "application/ISUP;version=nosuch", "BODY_TEXT": "zzzz", "STATUS": "415"}))
        self.assertRegex(msgs, r"SIP/2.0 415[^\n]*\n(?:.+\n)*Accept: [^\n]*application/ISUP")
        # a multipart body without its boundary: 400
        self.wait_sipp(self.sipp("cc_uac_body.xml", "03022345", {
            "CT_VALUE": "multipart/mixed;boundary=b1", "BODY_TEXT": "zzzz", "STATUS": "400"}))
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("INVITEs refused: SIP-I/SIP-T body did not parse"), 2)


class Prack(CallCase):
    """SIPp calls in on SIP trunk caller, which allows 100rel."""

    def test_reliable_180_to_a_caller_with_100rel(self):
        self.configure("sip-trunk caller\n peer 127.0.0.1\n 100rel supported\n")
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "mark alerting\n"
                               "wait-file busy\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("cc_uac_prack.xml", "03022345")
        self.wait_mark(peer, "alerting")
        wait_for(lambda: "SIP   in   PRACK" in self.vty.cmd("show call 1"), 10, "PRACK")
        self.go("busy")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertRegex(msgs, r"SIP/2.0 180 Ringing\n(?:.+\n)*RSeq: \d+")
        self.no_calls()


class Update(CallCase):
    """UPDATE before answer (RFC 3311) from the caller."""

    # ACM with "in-band information available": 183 with SDP
    ACM_INBAND = "send raw cic=$ hex=0616140129010100\n"

    def early_call_with_update(self, scenario, ladder_line):
        """A call held in early media while SIPp sends its UPDATE; the far
        end is then busy.  Returns SIPp's messages."""
        peer = self.ready_peer("expect IAM cic=* called=493022345\n" + self.ACM_INBAND +
                               "mark early\n"
                               "wait-file busy\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp(scenario, "03022345")
        self.wait_mark(peer, "early")
        wait_for(lambda: ladder_line in self.vty.cmd("show call 1"), 10, ladder_line)
        self.go("busy")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        return msgs

    def test_update_offer_after_reliable_183_is_answered(self):
        self.configure("sip-trunk caller\n peer 127.0.0.1\n 100rel supported\n")
        msgs = self.early_call_with_update("cc_uac_update.xml", "200 (UPDATE, recvonly)")
        self.assertRegex(msgs, r"SIP/2.0 200 OK\n(?:.+\n)*CSeq: 3 UPDATE\n(?:.*\n)*a=recvonly")

    def test_update_offer_before_our_answer_gets_500(self):
        msgs = self.early_call_with_update("cc_uac_update_early.xml", "500 (UPDATE)")
        self.assertRegex(msgs, r"SIP/2.0 500[^\n]*\n(?:.+\n)*Retry-After: 1")
        self.assertEqual(self.cc_counter("UPDATE offers refused (491, 500 or 488)"), 1)


class IsupToSipCase(CallCase):
    """The far exchange (tests/isup_peer) sends an IAM on t1; tandemd routes
    it to SIP trunk uas (SIP-I profile), where SIPp plays the called party."""

    def setUp(self):
        super().setUp()
        self.uas_port = free_port()
        self.configure("sip-trunk uas\n"
                       " peer 127.0.0.1 %d\n"
                       " transport udp\n"
                       " profile sip-i\n"
                       "call-control\n"
                       " route from-isup\n"
                       "  match called-prefix 4930\n"
                       "  match source-trunk t1\n"
                       "  destination trunk uas\n" % self.uas_port)

    def uas(self, scenario, subst=None):
        return self.sipp(scenario, "x", subst, port=self.uas_port, target=free_port())


class IsupToSip(IsupToSipCase):

    def test_answered_then_rel_from_isup(self):
        sipp = self.uas("cc_uas_answer.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                               "expect ACM cic=3\n"
                               "expect ANM cic=3\n"
                               "mark answered\n"
                               "wait-file release\n"
                               "send REL cic=3 cause=16\n"
                               "expect RLC cic=3\n")
        self.wait_mark(peer, "answered")
        wait_for(lambda: "ANSWERED" in self.vty.cmd("show calls"), 10, "call answered")
        self.assertRegex(self.vty.cmd("show calls"),
                         r"(?m)^1\s+ANSWERED\s+isup>sip\s+ANSWERED\s+ANSWERED\s+t1\s+3\s+answered\s")
        out = self.vty.cmd("show call 1")
        ladder = [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]
        self.assertEqual(ladder, ["ISUP  in   IAM cic=3 called=4930555", "SIP   out  INVITE 4930555 (IAM)",
                                  "SIP   in   180", "ISUP  out  ACM", "SIP   in   200", "SIP   out  ACK",
                                  "ISUP  out  ANM"], out)
        self.go("release")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        # SIP-I: the INVITE carries SDP and the IAM; the BYE the cause
        invite = msgs[msgs.index("INVITE sip:4930555@127.0.0.1:%d" % self.uas_port):]
        self.assertRegex(invite[:invite.index("\n\n")], r"Content-Type: multipart/mixed;\s*boundary=")
        self.assertIn("Content-Type: application/ISUP", invite)
        self.assertRegex(msgs, r"BYE sip:[\s\S]*Reason: Q\.850;cause=16")
        self.no_calls()
        self.wait_circuits(all_idle, "circuits idle again")

    def test_reliable_180_is_pracked(self):
        # trunk uas with 100rel: the INVITE says Supported: 100rel, the
        # reliable 180 gets its PRACK (nua), and still makes the ACM
        self.configure("sip-trunk uas\n 100rel supported\n")
        sipp = self.uas("cc_uas_prack.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect ACM cic=3\n"
                             "expect ANM cic=3\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertRegex(msgs, r"PRACK sip:[^\n]*\n(?:.+\n)*RAck: 1 \d+ INVITE")
        self.no_calls()

    def test_sus_res_become_info(self):
        # SUS and RES (network-initiated) on the answered call: INFO with
        # the message encapsulated towards the SIP-I trunk
        sipp = self.uas("cc_uas_info.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect ACM cic=3\n"
                             "expect ANM cic=3\n"
                             "send raw cic=3 hex=0d0100\n"
                             "sleep 0.2\n"
                             "send raw cic=3 hex=0e0100\n"
                             "mark resumed\n"
                             "wait-file release\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n")
        self.wait_mark(peer, "resumed")
        wait_for(lambda: "SIP   in   200 (INFO)" in self.vty.cmd("show call 1").split("INFO (RES)")[-1],
                 10, "both INFOs answered")
        out = self.vty.cmd("show call 1")
        for line in ("ISUP  in   SUS network", "SIP   out  INFO (SUS)", "ISUP  in   RES network",
                     "SIP   out  INFO (RES)"):
            self.assertIn(line, out)
        self.go("release")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_cpg_hold_becomes_reinvite_on_plain_sip(self):
        # plain SIP cannot carry the CPG: remote hold / retrieval become
        # re-INVITEs of ours, sendonly / sendrecv (Q.1912.5, RFC 3264 8.4);
        # the retrieval waits for the hold's re-INVITE, and its 491 is
        # retried (RFC 3261 14.1)
        self.configure("sip-trunk uas\n profile sip\n")
        sipp = self.uas("cc_uas_hold.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect ACM cic=3\n"
                             "expect ANM cic=3\n"
                             "send CPG cic=3 p24=02 p2c=f9\n"
                             "send CPG cic=3 p24=02 p2c=fa\n"
                             "mark held\n"
                             "wait-file release\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n")
        self.wait_mark(peer, "held")
        try:
            wait_for(lambda: "491 (re-INVITE)" in self.vty.cmd("show call 1") and
                     "SIP   in   200 (re-INVITE)" in self.vty.cmd("show call 1").split("491 (re-INVITE)")[-1],
                     15, "the retried retrieval accepted")
        except TimeoutError:
            print(self.vty.cmd("show call 1"))
            print(open(self.tandemd.log_path).read()[-4000:])
            raise
        out = self.vty.cmd("show call 1")
        ladder = [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]
        i = ladder.index("ISUP  in   CPG")
        self.assertEqual([l for l in ladder[i:] if not l.startswith("ISUP  in   CPG")],
                         ["SIP   out  re-INVITE sendonly (CPG)", "SIP   in   200 (re-INVITE)", "SIP   out  ACK",
                          "SIP   out  re-INVITE sendrecv (CPG)", "SIP   in   491 (re-INVITE)",
                          "SIP   out  re-INVITE sendrecv (CPG)", "SIP   in   200 (re-INVITE)", "SIP   out  ACK"],
                         out)
        self.go("release")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        # each re-INVITE's SDP is a new version of ours (RFC 3264 8)
        invites = re.findall(r"(?ms)^INVITE sip:.*?(?=^\S+ sip:|^SIP/2.0|\Z)", msgs)
        self.assertEqual(len(invites), 4, msgs)
        ours = [int(re.search(r"(?m)^o=\S+ \d+ (\d+) ", inv).group(1)) for inv in invites]
        self.assertEqual(ours[1:], [ours[0] + 1, ours[0] + 2, ours[0] + 3], ours)
        self.assertEqual(self.cc_counter("re-INVITEs sent for a CPG remote hold / retrieval (plain SIP)"), 3)
        self.assertEqual(self.cc_counter("hold / retrieval re-INVITEs refused or not sent"), 1)

    def test_bye_from_sip_gives_rel_16(self):
        sipp = self.uas("cc_uas_bye.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                               "expect ACM cic=3\n"
                               "expect ANM cic=3\n"
                               "expect REL cic=3 cause=16\n"
                               "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_busy_486_gives_rel_17(self):
        sipp = self.uas("cc_uas_reject.xml", {"STATUS": "486"})
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                               "expect REL cic=3 cause=17\n"
                               "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls offered by an ISUP trunk (IAM)"), 1)

    def test_404_gives_cause_1(self):
        sipp = self.uas("cc_uas_reject.xml", {"STATUS": "404"})
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                               "expect REL cic=3 cause=1\n"
                               "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_rel_during_early_media_gives_cancel(self):
        sipp = self.uas("cc_uas_cancel.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                               "expect ACM cic=3\n"
                               "send REL cic=3 cause=16\n"
                               "expect RLC cic=3\n")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertRegex(msgs, r"CANCEL sip:[\s\S]*Reason: Q\.850;cause=16")
        self.no_calls()

    def test_unrouteable_iam_gets_rel_3(self):
        peer = self.iam_peer("send IAM cic=4 called=0999\n"
                               "expect REL cic=4 cause=3\n"
                               "send RLC cic=4\n")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls failed: no route"), 1)


if __name__ == "__main__":
    tt.main()

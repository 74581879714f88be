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


class CallCase(SS7TestCase):
    def setUp(self):
        super().setUp()
        try:
            self.require_tool(tt.SIPP, "sipp")
            self.configure(ROUTES)
        except BaseException:
            # unittest runs no tearDown after a failed setUp: stop what
            # SS7TestCase started
            self.tearDown()
            raise
        self.sipp_n = 0

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
            depth = indent + 1 if re.match(r"(call-control|route )", line.strip()) else indent
        self.vty.cmd("end")

    def ready_peer(self, script):
        peer = self.start_peer(STARTUP + script)
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        return peer

    def sipp(self, scenario, called, subst=None):
        """Start SIPp on a scenario of tests/system/sipp; returns the Proc."""
        self.sipp_n += 1
        with open(srcdir("tests", "system", "sipp", scenario)) as f:
            text = f.read()
        for k, v in (subst or {}).items():
            text = text.replace(k, v)
        scen = self.write("sipp%d.xml" % self.sipp_n, text)
        self.msgfile = os.path.join(self.tmp, "sipp%d.msg" % self.sipp_n)
        argv = [tt.SIPP, "127.0.0.1:%d" % self.sip_port, "-sf", scen, "-m", "1", "-s", called,
                "-i", "127.0.0.1", "-p", str(free_port()), "-nostdin", "-timeout", "20",
                "-timeout_error", "-trace_msg", "-message_file", self.msgfile]
        return self.start("sipp%d" % self.sipp_n, argv, cwd=self.tmp)

    def wait_sipp(self, proc, timeout=30):
        rc = proc.wait(timeout)
        msgs = open(self.msgfile).read() if os.path.exists(self.msgfile) else ""
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
        out = self.vty.cmd("route lookup 0301555 from 4930777")
        self.assertIn("route special", out)
        self.assertIn("calling prefix '4930'", out)
        self.assertIn("route national", self.vty.cmd("route lookup 0301555 from 4940777"))
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
        self.assertRegex(out, r"(?m)^1\s+ALERTING\s+up\s+\S+\s+t1\s+1\s+out-alerting\s+\d+s")
        out = self.vty.cmd("show call 1")
        self.assertIn("route national, called in 03022345, called out 493022345", out)
        self.go("answer")
        msgs = self.wait_sipp(sipp)
        self.assertRegex(msgs, r"SIP/2.0 200 OK[\s\S]*m=audio")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls answered"), 1)
        self.assertRegex(self.vty.cmd("show call-control routes"), r"route national[\s\S]*Calls answered:\s+1\b")
        # a route can be deleted (its counters go with it) once no call uses it
        self.vty.cmd("configure terminal")
        self.vty.cmd("call-control")
        self.assertEqual(self.vty.cmd("no route special").strip(), "")
        self.assertIn("no route 'special'", self.vty.cmd("no route special"))
        self.vty.cmd("end")
        self.wait_circuits(all_idle, "circuit idle again")
        self.stop_tandemd_clean()

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


if __name__ == "__main__":
    tt.main()

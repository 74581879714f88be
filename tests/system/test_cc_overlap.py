#!/usr/bin/env python3
"""Overlap signalling (issue 6, "overlap dialling"; doc/callcontrol.md,
"Overlap").

ISUP -> SIP: the far exchange (tests/isup_peer) sends an IAM whose called
number is incomplete and then SAMs; tandemd collects the digits (T35 below
the route's minimum, the interworking timer T10 after it) and sends ONE
INVITE with the whole number to SIPp.  SIP -> ISUP: an INVITE with too few
digits for its route gets 484 (RFC 3578, en bloc), and the caller's next
INVITE with the whole number becomes the IAM.  All real processes on
127.0.0.1 (see ss7test.py)."""
import re
import socket

import tandemtest as tt
import test_cc
from ss7test import TEST_TIMERS
from tandemtest import free_port, wait_for


def ladder(vty, call_id):
    out = vty.cmd("show call %d" % call_id)
    return [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]


def overlap_counter(vty, name):
    """A counter of the "cc:overlap" group by its name."""
    out = vty.cmd("show rate-counters")
    out = out[out.index("Overlap signalling 0:"):]
    m = re.search(r"\s%s:\s+(\d+)" % re.escape(name), out)
    return int(m.group(1)) if m else None


class IsupOverlap(test_cc.CallCase):
    """Route "ovl": numbers 123... from trunk t1 to the plain SIP trunk uas,
    at least 5 digits, overlap (en-bloc conversion), at most 8."""

    # T35 short, so that a missing digit ends the call in the test's time
    timers = dict(TEST_TIMERS, T35=2)

    def setUp(self):
        super().setUp()
        self.uas_port = free_port()
        self.configure("sip-trunk uas\n"
                       " peer 127.0.0.1 %d\n"
                       " transport udp\n"
                       " profile sip\n"
                       "call-control\n"
                       " timer T10 1\n"
                       " route ovl\n"
                       "  match called-prefix 123\n"
                       "  match source-trunk t1\n"
                       "  destination trunk uas\n"
                       "  min-digits 5\n"
                       "  max-digits 8\n"
                       "  overlap\n" % self.uas_port)

    # the ISUP peer holding its IAM until the circuits are idle, SIPp as
    # the called party on trunk uas: as in test_cc's ISUP -> SIP calls
    iam_peer = test_cc.IsupToSip.iam_peer
    uas = test_cc.IsupToSip.uas

    def busy_call(self, script, number):
        """The peer's IAM and SAMs (script), SIPp busy: REL 17; the one
        INVITE went to number."""
        sipp = self.uas("cc_uas_reject.xml", {"STATUS": "486"})
        peer = self.iam_peer(script + "expect REL cic=3 cause=17 timeout=10\nsend RLC cic=3\n")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertEqual(re.findall(r"(?m)^INVITE sip:(\d+)@", msgs), [number], msgs)
        self.no_calls()

    def test_sams_until_st_give_one_invite(self):
        # IAM 123 (no ST), SAM 45, SAM 6 + ST: one INVITE to 123456
        sipp = self.uas("cc_uas_answer.xml")
        peer = self.iam_peer("send IAM cic=3 called=123\n"
                             "sleep 0.3\n"
                             "send SAM cic=3 p05=0054\n"       # 45, even
                             "sleep 0.3\n"
                             "send SAM cic=3 p05=00f6\n"       # 6 ST
                             "expect ACM cic=3\n"
                             "expect ANM cic=3\n"
                             "mark answered\n"
                             "wait-file release\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n")
        self.wait_mark(peer, "answered")
        lad = ladder(self.vty, 1)
        self.assertEqual(lad[:4], ["ISUP  in   IAM cic=3 called=123", "ISUP  in   SAM 45",
                                   "ISUP  in   SAM 6F", "SIP   out  INVITE 123456"], lad)
        self.go("release")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertEqual(len(re.findall(r"(?m)^INVITE sip:", msgs)), 1, msgs)
        self.assertIn("INVITE sip:123456@127.0.0.1:%d" % self.uas_port, msgs)
        self.no_calls()
        self.wait_circuits(test_cc.all_idle, "circuits idle again")
        self.assertEqual(overlap_counter(self.vty, "sam:in"), 2)
        self.assertEqual(overlap_counter(self.vty, "collect"), 1)

    def test_t10_completes_the_number(self):
        # 12345 is the route's minimum: no ST, no further digit; T10 (1 s)
        # makes it complete and the INVITE goes; 486 -> REL 17
        self.busy_call("send IAM cic=3 called=1234\n"
                       "send SAM cic=3 p05=8005\n", "12345")     # 5, odd
        self.assertEqual(overlap_counter(self.vty, "t10"), 1)

    def test_max_digits_complete_the_number(self):
        # 8 digits is the route's maximum: no wait for ST or T10
        self.busy_call("send IAM cic=3 called=12345\n"
                       "send SAM cic=3 p05=807608\n", "12345678")  # 678, odd
        self.assertEqual(overlap_counter(self.vty, "t10"), 0)

    def test_t35_releases_with_cause_28(self):
        # three digits, never more: T35 (2 s) -> REL 28, nothing on SIP
        peer = self.iam_peer("send IAM cic=3 called=123\n"
                             "expect REL cic=3 cause=28 timeout=10\n"
                             "send RLC cic=3\n")
        self.wait_peer(peer)
        self.no_calls()
        self.wait_circuits(test_cc.all_idle, "circuits idle again")
        self.assertEqual(self.cc_counter("Calls failed: called number incomplete (cause 28, 484)"), 1)
        self.assertEqual(overlap_counter(self.vty, "t35"), 1)

    def test_st_before_the_minimum_releases_with_cause_28(self):
        peer = self.iam_peer("send IAM cic=3 called=123\n"
                             "send SAM cic=3 p05=00f4\n"       # 4 ST: 4 digits < 5
                             "expect REL cic=3 cause=28\n"
                             "send RLC cic=3\n")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(overlap_counter(self.vty, "too-short"), 1)

    def test_bad_sam_digits_release_with_cause_28(self):
        # address signal 0xA is no digit: the number cannot be routed
        peer = self.iam_peer("send IAM cic=3 called=123\n"
                             "send SAM cic=3 p05=00a4\n"
                             "expect REL cic=3 cause=28\n"
                             "send RLC cic=3\n")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(overlap_counter(self.vty, "sam:bad"), 1)

    def test_en_bloc_route_is_unchanged(self):
        # the numbers of other routes are not held: 4930555 goes at once;
        # its ST is signalling, not part of the Request-URI
        self.configure("call-control\n"
                       " route enbloc\n"
                       "  match called-prefix 4930\n"
                       "  destination trunk uas\n")
        self.busy_call("send IAM cic=3 called=4930555F\n", "4930555")
        self.assertEqual(overlap_counter(self.vty, "collect"), 0)

    def sipi_overlap_route(self, min_digits):
        """Route 77 to the SIP-I trunk uasi (SIPp's UAS), overlap, at
        least min_digits digits."""
        self.configure("sip-trunk uasi\n"
                       " peer 127.0.0.1 %d\n"
                       " transport udp\n"
                       " profile sip-i\n"
                       "call-control\n"
                       " route sipi\n"
                       "  match called-prefix 77\n"
                       "  destination trunk uasi\n"
                       "  min-digits %d\n"
                       "  overlap\n" % (self.uas_port, min_digits))

    def test_sams_follow_in_info_to_sip_i(self):
        # route 77 to the SIP-I trunk uasi: the INVITE goes at the minimum
        # (77, no ST), each SAM follows in an INFO with the SAM inside
        self.sipi_overlap_route(2)
        sipp = self.uas("ovl_uas_info_sam.xml")
        peer = self.iam_peer("send IAM cic=3 called=77\n"
                             "sleep 0.5\n"
                             "send SAM cic=3 p05=0054\n"       # 45
                             "sleep 0.3\n"
                             "send SAM cic=3 p05=00f6\n"       # 6 ST
                             "expect REL cic=3 cause=17\n"
                             "send RLC cic=3\n")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertIn("INVITE sip:77@127.0.0.1:%d" % self.uas_port, msgs)
        infos = [m for m in msgs.split("-----------------------------------------------")
                 if re.search(r"(?m)^INFO sip:", m)]
        self.assertEqual(len(infos), 2, msgs)
        for info in infos:
            # a SAM of two digits: type, two pointers, length, two octets
            self.assertIn("Content-Type: application/ISUP", info)
            self.assertIn("Content-Length: 6\n", info)
        self.no_calls()
        self.assertEqual(overlap_counter(self.vty, "sam:info"), 2)

    def test_sams_below_the_minimum_reach_the_sip_i_invite(self):
        # IAM 77 is below the minimum of 3: SAM 4 completes it, so the
        # INVITE (and its IAM) carry 774; the later SAMs follow in INFO
        self.sipi_overlap_route(3)
        sipp = self.uas("ovl_uas_info_sam.xml")
        peer = self.iam_peer("send IAM cic=3 called=77\n"
                             "sleep 0.5\n"
                             "send SAM cic=3 p05=8004\n"       # 4
                             "sleep 0.3\n"
                             "send SAM cic=3 p05=8005\n"       # 5
                             "sleep 0.3\n"
                             "send SAM cic=3 p05=00f6\n"       # 6 ST
                             "expect REL cic=3 cause=17\n"
                             "send RLC cic=3\n")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertIn("INVITE sip:774@127.0.0.1:%d" % self.uas_port, msgs)
        self.no_calls()
        self.assertEqual(overlap_counter(self.vty, "sam:info"), 2)

    def test_route_config_is_written_and_checked(self):
        text = self.vty.cmd("write terminal")
        self.assertIn("  destination trunk uas\n  min-digits 5\n  max-digits 8\n  overlap\n", text)
        self.assertIn(" timer T10 1\n", text)
        self.assertIn("number: enough (min 5, max 8 digits, overlap)",
                      self.vty.cmd("route lookup 1234567 from t1"))
        self.assertIn("number: incomplete", self.vty.cmd("route lookup 1234 from t1"))
        self.assertIn("digits: min 5, max 8, overlap", self.vty.cmd("show call-control routes"))
        self.vty.cmd("configure terminal")
        self.vty.cmd("call-control")
        self.vty.cmd("route ovl")
        self.assertIn("is above max-digits 8", self.vty.cmd("min-digits 9"))
        self.assertIn("is below min-digits 5", self.vty.cmd("max-digits 4"))
        self.vty.cmd("no overlap")
        self.vty.cmd("end")
        self.assertNotIn("  overlap\n", self.vty.cmd("write terminal"))


class SipEnBloc(test_cc.CallCase):
    """SIP -> ISUP: route national (030...) wants at least 8 digits."""

    def setUp(self):
        super().setUp()
        self.configure("call-control\n"
                       " route national\n"
                       "  min-digits 8\n")

    def test_too_few_digits_get_484(self):
        sipp = self.sipp("cc_uac_reject.xml", "03022", {"STATUS": "484", "CAUSE": "28"})
        self.wait_sipp(sipp)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls failed: called number incomplete (cause 28, 484)"), 1)
        self.assertEqual(overlap_counter(self.vty, "484"), 1)

    def test_retry_with_more_digits_reaches_isup(self):
        # RFC 3578: 484, then the same Call-ID and From tag with the whole
        # number: that INVITE makes the IAM
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("ovl_uac_484_retry.xml", "0302", {"MORE": "03022345"})
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.assertEqual([s for s in re.findall(r"(?m)^SIP/2.0 (\d+)", msgs) if s != "100"], ["484", "486"],
                         msgs)
        self.no_calls()



SDP = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" \
      b"m=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"


class SipIUa:
    """A minimal SIP-I caller of the test's own on a UDP socket: SIPp cannot
    put the NUL octets of an ISUP message in a body."""

    def __init__(self, target_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.target = ("127.0.0.1", target_port)
        self.call_id = "ovl-%d@127.0.0.1" % self.port
        self.n = 0

    def request(self, method, number, cseq, body=b"", ctype=None, to_tag="", extra=""):
        self.n += 1
        head = ("%s sip:%s@127.0.0.1:%d SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK-ovl-%d-%s\r\n"
                "From: <sip:4930100@127.0.0.1:%d>;tag=ovl%d\r\n"
                "To: <sip:%s@127.0.0.1:%d>%s\r\n"
                "Call-ID: %s\r\nCSeq: %d %s\r\n"
                "Contact: <sip:4930100@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n%s"
                % (method, number, self.target[1], self.port, self.port, "ack" if method == "ACK" else self.n,
                   self.port, self.port, number, self.target[1], to_tag, self.call_id, cseq, method,
                   self.port, extra))
        if ctype:
            head += "Content-Type: %s\r\n" % ctype
        head += "Content-Length: %d\r\n\r\n" % len(body)
        self.sock.sendto(head.encode() + body, self.target)

    def response(self, method, timeout=10):
        """The next final (or wanted) response to method: (status, To header)."""
        self.sock.settimeout(timeout)
        while True:
            data = self.sock.recv(65535).decode(errors="replace")
            m = re.match(r"SIP/2.0 (\d+)", data)
            if not m or not re.search(r"(?mi)^CSeq:\s*\d+ %s" % method, data):
                continue
            status = int(m.group(1))
            if status >= 200:
                self.last = data
                return status, re.search(r"(?mi)^To:\s*(.*?)\r?$", data).group(1)

    def close(self):
        self.sock.close()


class SipIOverlapToIsup(test_cc.CallCase):
    """SIP-I -> ISUP: a SAM in INFO goes on the circuit after the IAM."""

    def caller(self, profile, script):
        """The test's own caller on trunk "caller" of @profile, and the
        ISUP peer running @script."""
        ua = SipIUa(self.sip_port)
        self.addCleanup(ua.close)
        self.configure("sip-trunk caller\n"
                       " peer 127.0.0.1 %d\n"
                       " transport udp\n"
                       " profile %s\n" % (ua.port, profile))
        return ua, self.ready_peer(script)

    def busy_end(self, ua, peer):
        """The far end's REL 17: the INVITE gets 486, its ACK; all idle."""
        status, to = ua.response("INVITE")
        self.assertEqual(status, 486)
        ua.request("ACK", "03022", 1, to_tag=to[to.index(">") + 1:])
        self.wait_peer(peer)
        self.no_calls()

    def test_sam_in_info_goes_on_the_circuit(self):
        ua, peer = self.caller("sip-i", "expect IAM cic=* called=493022\n"
                                "expect SAM cic=$ p05=0054\n"
                                "send REL cic=$ cause=17\n"
                                "expect RLC cic=$\n")
        ua.request("INVITE", "03022", 1, SDP, "application/sdp")
        wait_for(lambda: "ISUP  out  IAM" in self.vty.cmd("show call 1"), 10, "the IAM")
        # SAM "45": type 0x02, pointers 02 00, length 2, even, digits 4 5
        ua.request("INFO", "03022", 2, bytes.fromhex("020200020054"), "application/ISUP;version=itu-t92+",
                   extra="Content-Disposition: signal;handling=required\r\n")
        self.assertEqual(ua.response("INFO")[0], 200)
        self.busy_end(ua, peer)
        self.assertEqual(overlap_counter(self.vty, "sam:out"), 1)

    def test_info_bodies_get_their_answer(self):
        # we answer INFO ourselves (not nua): an ISUP message we could not
        # read is not acknowledged with a 200 (RFC 3204 5, RFC 6086 4.2.2)
        ua, peer = self.caller("sip-i", "expect IAM cic=* called=493022\n"
                                "expect SAM cic=$ p05=0054\n"
                                "mark sam\n"
                                "wait-file release\n"
                                "send REL cic=$ cause=17\n"
                                "expect RLC cic=$\n")
        bad = self.cc_counter("INFOs refused: SIP-I/SIP-T body did not parse (4xx)")
        ua.request("INVITE", "03022", 1, SDP, "application/sdp")
        wait_for(lambda: "ISUP  out  IAM" in self.vty.cmd("show call 1"), 10, "the IAM")
        required = "Content-Disposition: signal;handling=required\r\n"
        ua.request("INFO", "03022", 2, b"<x/>", "application/x-unknown", extra=required)
        self.assertEqual(ua.response("INFO")[0], 415)
        self.assertRegex(ua.last, r"(?mi)^Accept:.*application/ISUP")
        # a SAM cut short: its pointer leads past the end
        ua.request("INFO", "03022", 3, bytes.fromhex("0209"), "application/ISUP;version=itu-t92+", extra=required)
        self.assertEqual(ua.response("INFO")[0], 400)
        ua.request("INFO", "03022", 4)
        self.assertEqual(ua.response("INFO")[0], 200)
        # key presses of legacy peers: answered, not read
        ua.request("INFO", "03022", 5, b"Signal=5\r\nDuration=160\r\n", "application/dtmf-relay")
        self.assertEqual(ua.response("INFO")[0], 200)
        # the call is untouched: the next good SAM goes on the circuit
        ua.request("INFO", "03022", 6, bytes.fromhex("020200020054"), "application/ISUP;version=itu-t92+",
                   extra=required)
        self.assertEqual(ua.response("INFO")[0], 200)
        self.wait_mark(peer, "sam")
        first = ladder(self.vty, 1)
        self.go("release")
        self.busy_end(ua, peer)
        self.assertEqual(self.cc_counter("INFOs refused: SIP-I/SIP-T body did not parse (4xx)") - bad, 2)
        for line in ("SIP   in   INFO (bad body)", "SIP   out  415 (INFO)", "SIP   out  400 (INFO)",
                     "SIP   out  200 (INFO)", "SIP   in   INFO (SAM)",
                     "SIP   in   INFO (application/dtmf-relay, not read)"):
            self.assertIn(line, first)

    def test_plain_sip_info_of_any_type_gets_200(self):
        # nothing of ours travels in INFO on plain SIP: a body we do not
        # read is answered 200 as before (RFC 6086 would allow 415, but
        # legacy peers send their key presses so)
        ua, peer = self.caller("sip", "expect IAM cic=* called=493022\n"
                                "mark iam\n"
                                "wait-file release\n"
                                "send REL cic=$ cause=17\n"
                                "expect RLC cic=$\n")
        ua.request("INVITE", "03022", 1, SDP, "application/sdp")
        self.wait_mark(peer, "iam")
        ua.request("INFO", "03022", 2, b"<x/>", "application/x-unknown")
        self.assertEqual(ua.response("INFO")[0], 200)
        self.go("release")
        self.busy_end(ua, peer)

    def test_info_outside_a_dialog_gets_481(self):
        ua = SipIUa(self.sip_port)
        self.addCleanup(ua.close)
        ua.call_id = "no-such-dialog@127.0.0.1"
        ua.request("INFO", "03022", 1, bytes.fromhex("020200020054"), "application/ISUP;version=itu-t92+",
                   to_tag=";tag=gone")
        self.assertEqual(ua.response("INFO")[0], 481)
        self.no_calls()


class SipIOverlapLoop(test_cc.CallCase):
    """ISUP -> SIP-I -> tandemd itself -> ISUP with overlap: the ISUP peer
    is both exchanges, the SIP-I trunk `loop` points at tandemd's own SIP
    port (as in test_cc_midcall).  SAMs of the calling exchange go in INFO
    to the second call, which sends them on its circuit."""

    iam_peer = test_cc.IsupToSip.iam_peer

    def setUp(self):
        super().setUp()
        self.configure(test_cc.sipi_loop_config(self.sip_port, "  min-digits 2\n  overlap\n"))

    def test_sams_through_sip_i_info(self):
        peer = self.iam_peer("send IAM cic=3 called=75\n"
                             "expect IAM cic=* called=75\n"
                             "send SAM cic=3 p05=0055\n"       # 55
                             "expect SAM cic=$ p05=0055\n"
                             "send SAM cic=3 p05=00f6\n"       # 6 ST
                             "expect SAM cic=$ p05=00f6\n"
                             "send ACM cic=$\n"
                             "expect ACM cic=3\n"
                             "mark sams\n"
                             "wait-file release\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n"
                             "expect REL cic=$ cause=16\n"
                             "send RLC cic=$\n")
        self.wait_mark(peer, "sams")
        first, second = ladder(self.vty, 1), ladder(self.vty, 2)
        for line in ("ISUP  in   IAM cic=3 called=75", "SIP   out  INVITE 875 (IAM)", "ISUP  in   SAM 55",
                     "SIP   out  INFO (SAM)", "ISUP  in   SAM 6F"):
            self.assertIn(line, first)
        self.assertEqual(first.count("SIP   out  INFO (SAM)"), 2, first)
        for line in ("SIP   in   INVITE 875", "SIP   in   INFO (SAM)", "ISUP  out  SAM 55", "ISUP  out  SAM 6F"):
            self.assertIn(line, second)
        self.go("release")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(overlap_counter(self.vty, "sam:info"), 2)
        self.assertEqual(overlap_counter(self.vty, "sam:out"), 2)
        self.stop_tandemd_clean()


if __name__ == "__main__":
    tt.main()

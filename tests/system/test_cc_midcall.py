#!/usr/bin/env python3
"""Call control, issue 6: backward parameters (ACM/CPG/ANM from 18x/200 and
from the ISUP messages a SIP-I peer encapsulates), mid-call ISUP in INFO,
hold -> CPG, and the T7/T9 of calls towards SIP.

One tandemd, the scripted ISUP peer (tests/isup_peer: every ISUP message
is checked octet by octet, parameters by code) and SIPp, on 127.0.0.1.
SIPp cannot send SIP-I (ISUP holds NUL octets), so the SIP-I tests send
the call through tandemd twice: an IAM from the peer goes out on SIP-I
trunk `loop`, which points at tandemd's own SIP port; the INVITE comes
back in on that trunk and leaves as an IAM to the peer on another
circuit.  The peer thus plays both the calling and the called exchange,
and what it sends as the called exchange must reach it as the calling
one through a real SIP-I hop."""
import re
import socket
import threading

import tandemtest as tt
from tandemtest import wait_for
from test_cc import CallCase, IsupToSipCase, sipi_loop_config


def ladder(vty, call_id):
    out = vty.cmd("show call %d" % call_id)
    return [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]


class Backward(IsupToSipCase):
    def test_180_gives_acm_subscriber_free(self):
        # 180 without an ISUP body: BCI charge, subscriber free,
        # interworking encountered (0601); no OBCI; ANM without BCI
        sipp = self.uas("cc_uas_answer.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect ACM cic=3 p11=0601 p29=none\n"
                             "expect ANM cic=3 p11=none\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()

    def test_183_with_sdp_gives_acm_inband_then_t9(self):
        # 183 with SDP: BCI no indication (0201), OBCI in-band information
        # (01); no answer within T9 (2 s): CANCEL with cause 19, REL 19
        self.configure("call-control\n timer T9 2\n")
        sipp = self.uas("cc_uas_cancel.xml", {
            '<recv request="CANCEL"/>':
            '<recv request="CANCEL"><action><ereg regexp="Q\\.850;cause=19" search_in="hdr" '
            'header="Reason:" check_it="true" assign_to="reason"/></action></recv>',
            'variables="cseq"': 'variables="cseq,reason"'})
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect ACM cic=3 p11=0201 p29=01\n"
                             "expect REL cic=3 cause=19 timeout=10\n"
                             "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls to SIP failed: no answer within T9 (cause 19)"), 1)

    def test_unreadable_isup_in_183_releases_with_127(self):
        # a required ISUP part that does not decode (a CPG cut short):
        # CANCEL and REL with cause 127 (doc/interworking.md), counted
        sipp = self.uas("cc_uas_cancel.xml", {
            "Content-Type: application/sdp":
            "Content-Type: application/ISUP;version=itu-t92+\nContent-Disposition: signal;handling=required",
            "v=0\no=- 1 1 IN IP[local_ip_type] [local_ip]\ns=-\nc=IN IP[media_ip_type] [media_ip]\nt=0 0\n"
            "m=audio [media_port] RTP/AVP 8\na=rtpmap:8 PCMA/8000\n": ",",
            '<recv request="CANCEL"/>':
            '<recv request="CANCEL"><action><ereg regexp="Q\\.850;cause=127" search_in="hdr" '
            'header="Reason:" check_it="true" assign_to="reason"/></action></recv>',
            'variables="cseq"': 'variables="cseq,reason"'})
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect REL cic=3 cause=127\n"
                             "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("INVITEs refused: SIP-I/SIP-T body did not parse"), 1)

    def test_no_response_gives_cancel_and_rel_102_after_t7(self):
        self.configure("call-control\n timer T7 2\n")
        self.assertIn("T7 = 2 s", self.vty.cmd("show call-control timer T7"))
        sipp = self.uas("mid_uas_trying.xml")
        peer = self.iam_peer("send IAM cic=3 called=4930555\n"
                             "expect REL cic=3 cause=102 timeout=10\n"
                             "send RLC cic=3\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls to SIP failed: no 18x/2xx within T7 (cause 102)"), 1)


GW_SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          "m=audio 30000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n")


class SlowGateway(threading.Thread):
    """An MGCP gateway of the test (RFC 3435): answers every command at
    once, except the first CRCX, whose answer (and that of its
    retransmissions) it holds until release()."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.released = threading.Event()
        self.stopped = threading.Event()
        self.held = []
        self.first = None
        self.conns = {}

    def release(self):
        self.released.set()

    def stop(self):
        self.stopped.set()
        self.join(5)
        self.sock.close()

    def answer(self, data, addr):
        verb, tid = data.split(b"\r\n", 1)[0].decode().split()[:2]
        if verb == "DLCX":
            resp = "250 %s OK\r\n" % tid
        elif verb == "CRCX":
            conn = self.conns.setdefault(tid, "C%d" % (len(self.conns) + 1))
            resp = "200 %s OK\r\nI: %s\r\n\r\n%s" % (tid, conn, GW_SDP)
        elif verb == "MDCX":
            resp = "200 %s OK\r\n\r\n%s" % (tid, GW_SDP)
        else:
            resp = "200 %s OK\r\n" % tid
        self.sock.sendto(resp.encode(), addr)

    def run(self):
        while not self.stopped.is_set():
            if self.released.is_set():
                for data, addr in self.held:
                    self.answer(data, addr)
                self.held = []
            try:
                data, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            verb, tid = data.split(b"\r\n", 1)[0].decode().split()[:2]
            if verb == "CRCX" and self.first in (None, tid) and not self.released.is_set():
                self.first = tid
                self.held.append((data, addr))
                continue
            self.answer(data, addr)


class HeldForGateway(CallCase):
    """SIP-I caller (SIPp on trunk `caller`, whose responses are SIP-I)
    -> tandemd -> t1, with a media gateway that holds its first answer:
    what waited for the gateway's SDP goes out once it is there."""

    def setUp(self):
        self.gw = SlowGateway()
        self.gw.start()
        self.addCleanup(self.gw.stop)
        self.extra_cfg = (" media-gateway mgw1\n"
                          "media-gateway mgw1\n remote 127.0.0.1 %d\n local 127.0.0.1 %d\n domain mgw\n"
                          % (self.gw.port, tt.free_port(tcp=False)))
        super().setUp()
        self.configure("sip-trunk caller\n"
                       " peer 127.0.0.1 5060\n"
                       " transport udp\n"
                       " profile sip-i\n")

    def received(self, msgs, start):
        """The messages of SIPp's message file that start with start."""
        return [b for b in re.split(r"\n-{10,}[^\n]*\n", msgs.replace("\r", ""))
                if re.search(r"(?m)^" + re.escape(start), b) and "CSeq: 1 INVITE" in b]

    def test_183_again_with_sdp_then_200_with_anm(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$ p29=01\n"
                               "mark alerting\n"
                               "wait-file answer\n"
                               "send ANM cic=$\n"
                               "expect REL cic=$ cause=16\n"
                               "send RLC cic=$\n")
        sipp = self.sipp("mid_uac_sipi.xml", "03022345")
        self.wait_mark(peer, "alerting")
        wait_for(lambda: "SIP   out  183 (body)" in self.vty.cmd("show call 1"), 10, "the first 183")
        self.gw.release()
        wait_for(lambda: self.vty.cmd("show call 1").count("SIP   out  183 (body)") == 2, 10, "the 183 again")
        self.go("answer")
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        r183 = self.received(msgs, "SIP/2.0 183")
        self.assertEqual(len(r183), 2, msgs[-4000:])
        # the first: the ACM alone; the second: the gateway's SDP alone
        self.assertRegex(r183[0], r"Content-Type: application/ISUP")
        self.assertNotIn("m=audio", r183[0])
        self.assertRegex(r183[1], r"Content-Type: application/sdp")
        self.assertIn("m=audio 30000 RTP/AVP 8", r183[1])
        ok = self.received(msgs, "SIP/2.0 200")
        self.assertRegex(ok[0], r"multipart/mixed[\s\S]*application/sdp[\s\S]*application/ISUP")
        self.no_calls()

    def test_answer_held_for_the_gateway_keeps_its_anm(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "mark answered\n"
                               "expect REL cic=$ cause=16\n"
                               "send RLC cic=$\n")
        sipp = self.sipp("mid_uac_sipi.xml", "03022345")
        self.wait_mark(peer, "answered")
        wait_for(lambda: "ISUP  in   ANM" in self.vty.cmd("show call 1"), 10, "the ANM")
        self.assertNotIn("SIP   out  200", self.vty.cmd("show call 1"))
        self.gw.release()
        msgs = self.wait_sipp(sipp)
        self.wait_peer(peer)
        ok = self.received(msgs, "SIP/2.0 200")
        self.assertTrue(ok, msgs[-4000:])
        # the gateway's SDP and the ANM that came before it
        self.assertIn("m=audio 30000 RTP/AVP 8", ok[0])
        self.assertRegex(ok[0], r"multipart/mixed[\s\S]*application/ISUP")
        self.no_calls()


class SipILoop(CallCase):
    """ISUP -> SIP-I -> tandemd itself -> ISUP: the peer is both exchanges.
    No other SIP trunk on 127.0.0.1, so that the INVITE comes in on `loop`."""

    def setUp(self):
        super().setUp()
        self.configure(sipi_loop_config(self.sip_port))

    def test_encapsulated_parameters_and_cpg_in_info(self):
        # the called exchange's ACM (BCI 1634: echo control device
        # included; OBCI in-band), CPG and ANM reach the calling exchange
        # with their parameters through the SIP-I hop; after answer CPGs
        # of either side travel in INFO
        peer = self.iam_peer("send IAM cic=3 called=7555\n"
                             "expect IAM cic=* called=7555\n"
                             "send ACM cic=$ p11=1634 p29=01\n"
                             "expect ACM cic=3 p11=1634 p29=01\n"
                             "send CPG cic=$ p24=02 p2c=fb\n"
                             "expect CPG cic=3 p24=02 p2c=fb\n"
                             "send ANM cic=$ p11=1634\n"
                             "expect ANM cic=3 p11=1634\n"
                             "send CPG cic=$ p24=02 p2c=f9\n"
                             "expect CPG cic=3 p24=02 p2c=f9\n"
                             "send CPG cic=3 p24=02 p2c=fa\n"
                             "expect CPG cic=$ p24=02 p2c=fa\n"
                             "mark midcall\n"
                             "wait-file release\n"
                             "send REL cic=3 cause=16\n"
                             "expect RLC cic=3\n"
                             "expect REL cic=$ cause=16\n"
                             "send RLC cic=$\n")
        self.wait_mark(peer, "midcall")
        first, second = ladder(self.vty, 1), ladder(self.vty, 2)
        for line in ("SIP   out  INVITE 87555 (IAM)", "ISUP  out  ACM (from SIP-I) in-band",
                     "ISUP  out  CPG (from SIP-I)", "ISUP  out  ANM (from SIP-I)", "SIP   in   INFO (CPG)",
                     "ISUP  out  CPG", "ISUP  in   CPG", "SIP   out  INFO (CPG)"):
            self.assertIn(line, first)
        for line in ("SIP   in   INVITE 87555", "ISUP  in   CPG", "SIP   out  INFO (CPG)",
                     "SIP   in   INFO (CPG)", "ISUP  out  CPG"):
            self.assertIn(line, second)
        self.go("release")
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Mid-call ISUP messages not passed on (no mapping, before answer, "
                                         "INFO refused, send failed)"), 0)
        self.stop_tandemd_clean()


if __name__ == "__main__":
    tt.main()

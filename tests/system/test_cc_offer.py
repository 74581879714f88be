#!/usr/bin/env python3
"""SDP offer/answer beyond the INVITE's own offer, through a real media
gateway: mid-call offers (re-INVITE) that reach the gateway in full, the
delayed offer of an INVITE without SDP (RFC 3261 13.2.1), and a re-INVITE
without SDP (RFC 3261 14.2).

SIPp UAC -> tandemd (plain SIP) -> osmo-stp -> tests/isup_peer, with
osmo-mgw (rtpbridge endpoints) as tandemd's media gateway, all real
processes on 127.0.0.1.  The tests assert on what SIPp got, on the
connections osmo-mgw holds (its VTY shows each connection's remote RTP
port: what the last CRCX/MDCX told it), on the ISUP messages the peer
saw, on the call's ladder and on the counters."""
import fcntl
import os
import re

import tandemtest as tt
import test_mgcp_ca as mgcp
from test_cc import CallCase, all_idle
from tandemtest import free_port, wait_for

# the far exchange answers, and releases when the test says so
ANSWER_THEN_RELEASE = ("expect IAM cic=* called=493022345\n"
                       "send ACM cic=$\n"
                       "send ANM cic=$\n"
                       "mark answered\n"
                       "wait-file release\n"
                       "send REL cic=$ cause=16\n"
                       "expect RLC cic=$\n")


class OfferCase(CallCase):
    """CallCase with osmo-mgw as the media gateway of trunk t1."""

    def setUp(self):
        # the osmo-mgw lock before the osmo-stp one, as test_cc_chain does
        self.require_tool(mgcp.OSMO_MGW, "osmo-mgw")
        self._mgw_lock = open(mgcp.OSMO_MGW_LOCK, "w")
        fcntl.flock(self._mgw_lock, fcntl.LOCK_EX)
        self.addCleanup(lambda: (fcntl.flock(self._mgw_lock, fcntl.LOCK_UN), self._mgw_lock.close()))
        self.mgw_port = free_port(tcp=False)
        self.rtp_base = 20000 + (os.getpid() % 50) * 200
        # osmo-mgw 1.10: one codec in LocalConnectionOptions, and no
        # sendrecv connection without a remote end (doc/mgcp-ca.md)
        self.extra_cfg = (mgcp.gateway_config("mgw1", self.mgw_port, free_port(tcp=False),
                                              " codec PCMA\n circuit-mode recvonly\n")
                          + "isup trunk t1\n mgw-endpoint rtpbridge/*@mgw\n media-gateway mgw1\n")
        super().setUp()
        cfg = self.write("osmo-mgw.cfg", mgcp.osmo_mgw_config(self.mgw_port, self.rtp_base))
        self.mgw = mgw = self.start("osmo-mgw", [mgcp.OSMO_MGW, "-c", cfg], cwd=self.tmp)
        wait_for(lambda: tt.port_open(mgcp.OSMO_MGW_VTY) or not mgw.alive(), 10, "osmo-mgw VTY")
        self.assertTrue(mgw.alive(), mgw.log())
        self.mgw_vty = tt.Vty(mgcp.OSMO_MGW_VTY)
        self.vtys.append(self.mgw_vty)
        wait_for(lambda: "mgw1: UP" in self.vty.cmd("show media-gateway mgw1"), 15, "gateway UP")

    def early_call(self, scenario, peer_tail, subst=None, acm="0616140129010100"):
        """A caller with 100rel; the far end's ACM (by default with "in-band
        information": a reliable 183 with SDP) waits until the gateway's SDP
        is there, then the peer goes on with peer_tail.  Returns (peer, SIPp)."""
        self.configure("sip-trunk caller\n peer 127.0.0.1\n 100rel supported\n")
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "wait-file acm\n"
                               "send raw cic=$ hex=%s\n" % acm + peer_tail)
        sipp = self.sipp(scenario, "03022345", subst)
        wait_for(lambda: "media ready on" in self.tandemd.log(), 10, "the gateway's SDP")
        self.go("acm")
        return peer, sipp

    def remote_ports(self):
        """The remote RTP ports of osmo-mgw's connections."""
        return [int(p) for p in re.findall(r"CONN: \([^)]*rtp:(\d+)", self.mgw_vty.cmd("show mgcp"))]

    def mgw_conns(self):
        return len(re.findall(r"CONN: \(", self.mgw_vty.cmd("show mgcp")))

    def ladder(self):
        out = self.vty.cmd("show call 1")
        return [l.split(None, 1)[1] for l in out.splitlines() if re.match(r"^\s+\+\d+\.\d{3}s", l)]

    def wait_ladder(self, line):
        wait_for(lambda: line in self.ladder(), 10, "ladder line %r" % line)

    def blocks(self, msgs, *needles):
        """SIPp's messages (one block each) that contain every needle."""
        return [b for b in re.split(r"\n-{10,}[^\n]*\n", msgs.replace("\r", ""))
                if all(n in b for n in needles)]

    def gw_port(self, sdp):
        m = re.search(r"m=audio (\d+) RTP/AVP", sdp)
        self.assertIsNotNone(m, sdp)
        port = int(m.group(1))
        self.assertTrue(self.rtp_base <= port < self.rtp_base + 200, sdp)
        return port

    def our_offer(self, msgs, status_line):
        """The one response to the INVITE with status_line carries the
        gateway's offer: its port, our codecs (PCMA, telephone-event)."""
        found = self.blocks(msgs, status_line, "CSeq: 1 INVITE")
        self.assertEqual(len(found), 1, msgs[-3000:])
        self.gw_port(found[0])
        self.assertRegex(found[0], r"m=audio \d+ RTP/AVP 8 101\n")

    def version(self, sdp):
        return int(re.search(r"(?m)^o=\S+ \d+ (\d+) ", sdp).group(1))

    def end_clean(self, peer):
        self.wait_peer(peer)
        self.no_calls()
        self.wait_circuits(all_idle, "circuits idle again")
        wait_for(lambda: self.mgw_conns() == 0, 10, "osmo-mgw connections gone")
        self.stop_tandemd_clean()


class MidCallOffer(OfferCase):
    def test_reinvite_moves_rtp_and_no_common_codec_gets_488(self):
        port1, port2 = free_port(tcp=False), free_port(tcp=False)
        peer = self.ready_peer(ANSWER_THEN_RELEASE)
        sipp = self.sipp("offer_uac_reinvite.xml", "03022345", {"PORT1": str(port1), "PORT2": str(port2)})
        # the re-INVITE with G.729 only was refused: the call is as the
        # first re-INVITE left it
        self.wait_ladder("SIP   out  488 (re-INVITE)")
        # the MDCX of the SIP side carried the new port: osmo-mgw sends there
        self.assertIn(port2, self.remote_ports())
        self.assertNotIn(port1, self.remote_ports())
        self.assertRegex(self.vty.cmd("show calls"), r"(?m)^1\s+ANSWERED\s.*\sPCMA\s")
        self.assertEqual(self.ladder()[-6:], [
            "SIP   in   ACK", "SIP   in   re-INVITE sendrecv", "SIP   out  200 (re-INVITE, sendrecv)",
            "SIP   in   ACK", "SIP   in   re-INVITE sendrecv", "SIP   out  488 (re-INVITE)"])
        self.assertEqual(self.cc_counter("re-INVITE offers refused (488 or 500)"), 1)
        self.go("release")
        msgs = self.wait_sipp(sipp)
        first = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 1 INVITE")
        again = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 2 INVITE")
        self.assertEqual((len(first), len(again)), (1, 1), msgs[-3000:])
        # the answer: the gateway's own end again, PCMA kept although the
        # offer listed PCMU first, same o= session with the version raised
        self.assertEqual(self.gw_port(again[0]), self.gw_port(first[0]))
        self.assertRegex(again[0], r"m=audio \d+ RTP/AVP 8\n")
        self.assertEqual(self.version(again[0]), self.version(first[0]) + 1)
        self.assertEqual(re.search(r"o=\S+ (\d+)", again[0]).group(1),
                         re.search(r"o=\S+ (\d+)", first[0]).group(1))
        self.assertEqual(len(self.blocks(msgs, "SIP/2.0 488", "CSeq: 3 INVITE")), 1)
        self.end_clean(peer)

    def test_reinvite_without_sdp_gets_our_offer(self):
        port1, port2 = free_port(tcp=False), free_port(tcp=False)
        peer = self.ready_peer(ANSWER_THEN_RELEASE)
        sipp = self.sipp("offer_uac_reinvite_nosdp.xml", "03022345", {"PORT1": str(port1), "PORT2": str(port2)})
        # the answer in the ACK went to the gateway
        wait_for(lambda: port2 in self.remote_ports(), 10, "MDCX with the ACK's answer")
        self.assertNotIn(port1, self.remote_ports())
        self.assertEqual(self.ladder()[-3:], ["SIP   in   re-INVITE", "SIP   out  200 (re-INVITE, sendrecv)",
                                              "SIP   in   ACK"])
        self.go("release")
        msgs = self.wait_sipp(sipp)
        first = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 1 INVITE")[0]
        offer = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 2 INVITE")[0]
        self.assertEqual(self.gw_port(offer), self.gw_port(first))
        self.assertRegex(offer, r"m=audio \d+ RTP/AVP 8 101\n")
        self.assertIn("a=sendrecv", offer)
        self.assertEqual(self.version(offer), self.version(first) + 1)
        self.end_clean(peer)

    def test_cpg_hold_reinvite_answer_goes_to_the_gateway(self):
        # plain SIP: the far exchange's hold and retrieval become re-INVITEs
        # with the gateway's SDP (sendonly / sendrecv); the caller answers
        # from another port, and the gateway is told (MDCX)
        port1, port2 = free_port(tcp=False), free_port(tcp=False)
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "wait-file hold\n"
                               "send CPG cic=$ p24=02 p2c=f9\n"
                               "wait-file retrieve\n"
                               "send CPG cic=$ p24=02 p2c=fa\n"
                               "wait-file release\n"
                               "send REL cic=$ cause=16\n"
                               "expect RLC cic=$\n")
        sipp = self.sipp("offer_uac_hold_in.xml", "03022345", {"PORT1": str(port1), "PORT2": str(port2)})
        wait_for(lambda: port1 in self.remote_ports(), 10, "the call answered")
        self.go("hold")
        wait_for(lambda: port2 in self.remote_ports(), 10, "MDCX with the hold's answer")
        self.assertNotIn(port1, self.remote_ports())
        self.go("retrieve")
        self.wait_ladder("SIP   out  re-INVITE sendrecv (CPG)")
        wait_for(lambda: self.ladder().count("SIP   in   200 (re-INVITE)") == 2, 10, "the retrieval answered")
        self.assertEqual([l for l in self.ladder() if "re-INVITE" in l or "CPG" in l],
                         ["ISUP  in   CPG", "SIP   out  re-INVITE sendonly (CPG)", "SIP   in   200 (re-INVITE)",
                          "ISUP  in   CPG", "SIP   out  re-INVITE sendrecv (CPG)", "SIP   in   200 (re-INVITE)"])
        self.assertRegex(self.vty.cmd("show calls"), r"(?m)^1\s+ANSWERED\s")
        self.go("release")
        msgs = self.wait_sipp(sipp)
        first = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 1 INVITE")[0]
        holds = [b for b in self.blocks(msgs, "INVITE sip:", "a=sendonly") if "CSeq: 1 INVITE" not in b]
        retrieves = [b for b in self.blocks(msgs, "INVITE sip:", "a=sendrecv") if "CSeq: 1 INVITE" not in b]
        self.assertEqual((len(holds), len(retrieves)), (1, 1), msgs[-3000:])
        # the gateway's own end each time, a new version each time
        self.assertEqual(self.gw_port(holds[0]), self.gw_port(first))
        self.assertEqual(self.gw_port(retrieves[0]), self.gw_port(first))
        self.assertEqual(self.version(holds[0]), self.version(first) + 1)
        self.assertEqual(self.version(retrieves[0]), self.version(first) + 2)
        self.end_clean(peer)

    def test_update_before_answer_waits_for_the_gateway(self):
        # RFC 3311 after a reliable 183: the UPDATE's hold (sendonly) is
        # answered once the gateway took the MDCX, recvonly
        peer, sipp = self.early_call("cc_uac_update.xml", "wait-file busy\n"
                                     "send REL cic=$ cause=17\n"
                                     "expect RLC cic=$\n")
        self.wait_ladder("SIP   out  200 (UPDATE, recvonly)")
        self.assertIn("SIP   in   UPDATE sendonly", self.ladder())
        # one MDCX (the UPDATE's; a SIP -> ISUP call has none before)
        self.assertEqual(self.mgw.log().count("MDCX: connection successfully modified"), 1)
        self.go("busy")
        msgs = self.wait_sipp(sipp)
        ok = self.blocks(msgs, "SIP/2.0 200 OK", "CSeq: 3 UPDATE")
        self.assertEqual(len(ok), 1, msgs[-3000:])
        self.gw_port(ok[0])
        self.assertIn("a=recvonly", ok[0])
        self.assertEqual(self.cc_counter("UPDATE offers refused (491, 500 or 488)"), 0)
        self.end_clean(peer)


class DelayedOffer(OfferCase):
    ANSWER = ("Content-Type: application/sdp\nContent-Length: [len]\n\n"
              "v=0\no=- 9 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
              "m=audio %d RTP/AVP %s\na=rtpmap:%s\n")

    def test_offer_in_200_answer_in_ack(self):
        port = free_port(tcp=False)
        peer = self.ready_peer(ANSWER_THEN_RELEASE)
        sipp = self.sipp("offer_uac_delayed.xml", "03022345",
                         {"ACKBODY": self.ANSWER % (port, "8", "8 PCMA/8000"), "CAUSE": "16"})
        self.wait_mark(peer, "answered")
        wait_for(lambda: port in self.remote_ports(), 10, "MDCX with the ACK's answer")
        self.assertEqual(self.mgw_conns(), 2)
        self.assertRegex(self.vty.cmd("show calls"), r"(?m)^1\s+ANSWERED\s.*\sPCMA\s")
        self.assertEqual(self.ladder(), [
            "SIP   in   INVITE 03022345", "SIP   out  100", "ISUP  out  IAM cic=1 called=493022345",
            "ISUP  in   ACM", "SIP   out  180", "ISUP  in   ANM", "SIP   out  200 (body)", "SIP   in   ACK"])
        self.go("release")
        # the 200 has the gateway's offer
        self.our_offer(self.wait_sipp(sipp), "SIP/2.0 200 OK")
        self.assertEqual(self.cc_counter("Calls answered"), 1)
        self.assertEqual(self.cc_counter("Calls failed: our offer got no SDP answer (PRACK/ACK)"), 0)
        self.end_clean(peer)

    def test_offer_in_reliable_183_answer_in_prack(self):
        port = free_port(tcp=False)
        peer, sipp = self.early_call("offer_uac_delayed_prack.xml", "wait-file anm\n"
                                     "send ANM cic=$\n"
                                     "mark answered\n"
                                     "wait-file release\n"
                                     "send REL cic=$ cause=16\n"
                                     "expect RLC cic=$\n", {"PORT1": str(port)})
        wait_for(lambda: port in self.remote_ports(), 10, "MDCX with the PRACK's answer")
        self.go("anm")
        self.wait_mark(peer, "answered")
        self.wait_ladder("SIP   in   ACK")
        self.assertEqual(self.ladder()[3:], [
            "ISUP  in   ACM", "SIP   out  183 (body)", "SIP   in   PRACK", "ISUP  in   ANM",
            "SIP   out  200 (body)", "SIP   in   ACK"])
        self.go("release")
        # the reliable 183 has the gateway's offer
        self.our_offer(self.wait_sipp(sipp), "SIP/2.0 183")
        self.assertEqual(self.cc_counter("Calls answered"), 1)
        self.end_clean(peer)

    def test_offer_in_reliable_180_answer_in_prack(self):
        # an ACM "subscriber free" without in-band information gives a
        # 180; the first reliable response must carry the offer of a
        # delayed-offer INVITE (RFC 3262 5), so the 180 has it
        port = free_port(tcp=False)
        peer, sipp = self.early_call("offer_uac_delayed_prack.xml", "wait-file anm\n"
                                     "send ANM cic=$\n"
                                     "mark answered\n"
                                     "wait-file release\n"
                                     "send REL cic=$ cause=16\n"
                                     "expect RLC cic=$\n",
                                     {"PORT1": str(port), 'response="183"': 'response="180"'}, acm="06161400")
        wait_for(lambda: port in self.remote_ports(), 10, "MDCX with the PRACK's answer")
        self.go("anm")
        self.wait_mark(peer, "answered")
        self.wait_ladder("SIP   in   ACK")
        self.assertIn("SIP   out  180 (body)", self.ladder())
        self.go("release")
        self.our_offer(self.wait_sipp(sipp), "SIP/2.0 180")
        self.end_clean(peer)

    def test_prack_without_answer_gives_488_and_rel_65(self):
        peer, sipp = self.early_call("offer_uac_prack_noanswer.xml", "expect REL cic=$ cause=65\n"
                                     "send RLC cic=$\n")
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter("Calls failed: our offer got no SDP answer (PRACK/ACK)"), 1)
        self.end_clean(peer)

    def released_after_ack(self, ackbody, counter):
        """The ACK's answer is missing or useless: BYE (SIPp checks its
        Reason: cause 65) and REL 65 (the peer expects it), counted."""
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "expect REL cic=$ cause=65\n"
                               "send RLC cic=$\n")
        sipp = self.sipp("offer_uac_delayed.xml", "03022345", {"ACKBODY": ackbody, "CAUSE": "65"})
        self.wait_sipp(sipp)
        self.wait_peer(peer)
        self.no_calls()
        self.assertEqual(self.cc_counter(counter), 1)
        self.assertEqual(self.cc_counter("Calls answered"), 1)
        self.end_clean(peer)

    def test_ack_without_answer_gives_bye_and_rel_65(self):
        self.released_after_ack("Content-Length: 0\n", "Calls failed: our offer got no SDP answer (PRACK/ACK)")

    def test_ack_with_no_common_codec_gives_bye_and_rel_65(self):
        self.released_after_ack(self.ANSWER % (free_port(tcp=False), "18", "18 G729/8000"),
                                "Calls failed: no common codec")

if __name__ == "__main__":
    tt.main()

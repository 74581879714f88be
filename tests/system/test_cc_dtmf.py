#!/usr/bin/env python3
"""DTMF from the circuit through tandemd, over MGCP and over H.248:

  SIPp UAC -> tandemd A -> osmo-stp -> tandemd B -> SIPp UAS
                  |  MGCP or H.248
             tandem-mgw  <- span 1 (SAToP) <- the test

tandemd A controls tandem-mgw (`protocol mgcp`, ISUP trunk `mgw-endpoint
ds/e1-1/{cic}@mgw`, or `protocol h248`, `tdm/1/{cic}`); B runs its calls
without a gateway.  The gateway's span 1 points at the test, which plays
the digits 5, # and 1 as dual tones into the call's timeslot (CIC n is
timeslot n).  A's ladder of the call must have `DTMF 5 (gateway)`,
`DTMF # (gateway)` and `DTMF 1 (gateway)` in that order; over MGCP
tandem-mgw got one RQNT at the call's start and one after each NTFY (its
requests are step by step, RFC 3435 4.4.1).  With `no dtmf-detect`
nothing is asked for (no RQNT, no Notify) and the ladder has no DTMF.

GatewayQuarantine drives tandem-mgw's RQNT alone, as the call agent does:
step by step (a NTFY spends the request, what is heard until the next
RQNT is quarantined and then processed or discarded), loop, and a bad
QuarantineHandling."""
import os
import pathlib
import re

import tandemtest as tt
import test_cc_chain as ch
import test_mgw as tm
import test_mgw_span as ts
from dtmftone import play_digits
from tandemtest import free_port, wait_for
from test_mgw import resp_code, resp_param, sdp
from test_mgw_span import drain, port_of, span_config, udp_socket

PATTERN = {"mgcp": "ds/e1-1/{cic}@mgw", "h248": "tdm/1/{cic}"}


class ChainDtmf(ch.Chain):
    protocol = "mgcp"
    detect = True
    media_b = False
    b_extra = ""

    def setup_media(self):
        if not os.path.exists(tm.MGW):
            self.skipTest("tandem-mgw not built")
        self.a_extra = "isup trunk t1\n mgw-endpoint %s\n" % PATTERN[self.protocol]
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_port = free_port(tcp=False)
        self.media = self.gateway_config

    def gateway_config(self, ctl_port):
        """tandemd A's media-gateway node; the gateway itself starts once
        tandemd runs (start_gateway)."""
        self.ctl_port, self.gw_port = ctl_port, free_port(tcp=False)
        text = "media-gateway mgw1\n remote 127.0.0.1 %d\n local 127.0.0.1 %d\n" % (self.gw_port, ctl_port)
        if self.protocol == "h248":
            text = text.replace("mgw1\n", "mgw1\n protocol h248\n", 1)
        else:
            # no AUEP keepalive: the gateway's "audit:ok" counts the RQNTs
            text += " domain mgw\n timer X6 0\n"
        if not self.detect:
            text += " no dtmf-detect\n"
        return text

    def start_gateway(self):
        vty_port = free_port()
        rtp_base = 20000 + (os.getpid() % 200) * 200
        if self.protocol == "h248":
            cfg = tm.mgw_config(vty_port, free_port(tcp=False), rtp_base=rtp_base, endpoints=2)
            cfg += " h248 local-port %d\n h248 controller ip 127.0.0.1 port %d\n" % (self.gw_port, self.ctl_port)
        else:
            cfg = tm.mgw_config(vty_port, self.gw_port, self.ctl_port, rtp_base=rtp_base, endpoints=2)
        cfg += span_config(1, self.span_port, port_of(self.peer))
        self.mgw = self.start("tandem-mgw", [tm.MGW, "-c", self.write("tandem-mgw.cfg", cfg)], cwd=self.tmp)
        wait_for(lambda: tt.port_open(vty_port) or not self.mgw.alive(), 10, "tandem-mgw VTY")
        self.assertTrue(self.mgw.alive(), self.mgw.log())
        self.mgw_vty = tt.Vty(vty_port)
        self.vtys.append(self.mgw_vty)
        up = "mgw1: h248 REGISTERED" if self.protocol == "h248" else "mgw1: UP"
        wait_for(lambda: up in self.vty_a.cmd("show media-gateway mgw1"), 20, "gateway " + up)
        if self.protocol == "mgcp":
            wait_for(lambda: self.gw_counter("audit:ok") == 1, 5, "the AUEP after the RSIP")

    def rqnts(self):
        """RQNTs tandem-mgw answered 200: its "audit:ok" without the one
        AUEP that follows its RSIP (the keepalive is off)."""
        return self.gw_counter("audit:ok") - 1

    def dtmf_lines(self):
        return [l for l in ch.ladder(self.vty_a, 1) if "DTMF" in l]

    def gw_counter(self, name):
        """A counter of tandem-mgw: its H.248 side's ones in `show h248`."""
        if name.startswith("notify:"):
            return tm.counter(self.mgw_vty, name, "show h248")
        return tm.counter(self.mgw_vty, name)

    def test_digits_from_the_circuit_reach_the_ladder(self):
        self.start_gateway()
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="6000"'})
        self.wait_call(self.vty_a, "ANSWERED")
        # the call's circuit, as tandemd named it to the gateway
        m = wait_for(lambda: re.search(r"(?:ds/e1-1|tdm/1)/(\d+)", self.vty_a.cmd("show media-gateway mgw1")),
                     5, "the call on the gateway")
        slot = int(m.group(1))
        if self.detect and self.protocol == "mgcp":
            # the call's request is armed before the tones come
            wait_for(lambda: self.rqnts() == 1, 5, "RQNT answered")
        play_digits(self.peer, self.span_port, "5#1", slot, 100)
        if self.detect:
            lines = wait_for(lambda: len(self.dtmf_lines()) >= 3 and self.dtmf_lines(), 5, "three digits")
            self.assertEqual([" ".join(l.split()) for l in lines],
                             ["ISUP in DTMF 5 (gateway)", "ISUP in DTMF # (gateway)", "ISUP in DTMF 1 (gateway)"], lines)
            if self.protocol == "mgcp":
                # one NTFY per digit, each answered and followed by a new request
                wait_for(lambda: self.rqnts() == 4, 5, "RQNT after each NTFY")
                self.assertEqual(self.gw_counter("ntfy:tx"), 3)
                self.assertEqual(self.gw_counter("ntfy:fail"), 0)
                self.assertEqual(self.gw_counter("rqnt:fail"), 0)
                out = self.vty_a.cmd("show media-gateway mgw1")
                self.assertRegex(out, r"DTMF digits notified to calls:\s+3\b")
                self.assertRegex(out, r"NTFY naming no call's request \(answered 200\):\s+0\b")
            else:
                self.assertEqual(self.gw_counter("notify:tx"), 3)
        else:
            # every packet of the tones went into the timeslot, and nothing
            # was asked for
            wait_for(lambda: self.gw_counter("span:rx") >= 600, 5, "the tones in the timeslot")
            if self.protocol == "mgcp":
                self.assertEqual(self.rqnts(), 0)
                self.assertEqual(self.gw_counter("ntfy:tx"), 0)
            else:
                self.assertEqual(self.gw_counter("notify:tx"), 0)
            self.assertEqual(self.dtmf_lines(), [])
        self.wait_sipp(uac)
        self.wait_sipp(uas)
        self.end_clean()
        # the gateway too stops cleanly (a sanitizer report exits non-zero)
        self.assertEqual(self.mgw.stop(), 0, pathlib.Path(self.mgw.log_path).read_text(errors="replace")[-3000:])
        self.stop_clean()


class GatewayQuarantine(ts.SpanTestCase):
    """tandem-mgw's RQNT/NTFY on a ds/e1 endpoint, the test as call agent
    and as the far end of span 1."""

    EP = "ds/e1-1/3@mgw"
    EVENTS = "R: D/[0-9#*A-D](N)\r\n"

    def setUp(self):
        super().setUp()
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_port = free_port(tcp=False)
        _, self.vty, self.ca = self.start_gw(span_config(1, self.span_port, port_of(self.peer)), "tandem-mgw")
        self.sink = udp_socket()
        self.addCleanup(self.sink.close)
        self.crcx(self.ca, self.EP, lco=None, sdp_text=sdp(port_of(self.sink)))
        self.seq = 100
        self.answered = set()

    def play(self, digits):
        self.seq = play_digits(self.peer, self.span_port, digits, 3, self.seq)

    def take(self, text):
        """Answer a NTFY (again, if retransmitted); (X, O) when new, else None."""
        if not text.startswith("NTFY "):
            return None
        tid = text.split()[1]
        self.ca.sock.sendto(("200 %s OK\r\n" % tid).encode(), ("127.0.0.1", self.ca.mgw_port))
        if tid in self.answered:
            return None
        self.answered.add(tid)
        self.assertRegex(text, r"^NTFY \d+ %s MGCP 1\.0\r\n" % re.escape(self.EP))
        return resp_param(text, "X"), resp_param(text, "O")

    def ntfys(self, n):
        out = []
        while len(out) < n:
            got = self.take(self.ca.recv(timeout=5))
            if got:
                out.append(got)
        return out

    def no_more_ntfys(self):
        """Nothing but retransmissions of what was answered within 0.3 s."""
        self.assertEqual([d for d in drain(self.ca.sock, 0.3) if self.take(d.decode())], [])

    def rqnt(self, params):
        """RQNT; its response code and the NTFYs that came with it (a
        quarantined digit is processed before the response goes)."""
        self.ca.tid += 1
        tid = self.ca.tid
        self.ca.send_raw(("RQNT %d %s MGCP 1.0\r\n%s" % (tid, self.EP, params)).encode())
        ntfys = []
        while True:
            text = self.ca.recv(timeout=5)
            if re.match(r"^\d{3} %d " % tid, text):
                return resp_code(text), ntfys
            got = self.take(text)
            if got:
                ntfys.append(got)

    def detected(self, n):
        wait_for(lambda: tm.counter(self.vty, "dtmf:detected") >= n, 5, "%d digits detected" % n)

    def test_step_quarantine_loop(self):
        # step by step (no Q:): the first NTFY spends the request
        self.assertEqual(self.rqnt("X: A1\r\n" + self.EVENTS), (200, []))
        self.play("5")
        self.assertEqual(self.ntfys(1), [("A1", "D/5")])
        self.play("#1")
        self.detected(3)
        self.no_more_ntfys()
        # the next request processes the quarantine: one NTFY, then spent again
        self.assertEqual(self.rqnt("X: A2\r\n" + self.EVENTS), (200, [("A2", "D/#")]))
        self.no_more_ntfys()
        # loop: what is left, then every digit while the request stands
        self.assertEqual(self.rqnt("X: A3\r\n" + self.EVENTS + "Q: process, loop\r\n"), (200, [("A3", "D/1")]))
        self.play("90")
        self.assertEqual(self.ntfys(2), [("A3", "D/9"), ("A3", "D/0")])
        # step again; what the request did not ask for is dropped
        self.assertEqual(self.rqnt("X: A4\r\nR: D/5(N)\r\nQ: step\r\n"), (200, []))
        self.play("95")
        self.assertEqual(self.ntfys(1), [("A4", "D/5")])
        # discard: the quarantined digit goes
        self.play("1")
        self.detected(8)
        self.assertEqual(self.rqnt("X: A5\r\n" + self.EVENTS + "Q: discard\r\n"), (200, []))
        self.no_more_ntfys()
        # an unknown QuarantineHandling changes nothing: A5 still stands
        self.assertEqual(self.rqnt("X: A6\r\n" + self.EVENTS + "Q: sometimes\r\n")[0], 539)
        self.play("0")
        self.assertEqual(self.ntfys(1), [("A5", "D/0")])
        self.assertEqual(tm.counter(self.vty, "ntfy:tx"), 7)
        self.assertEqual(tm.counter(self.vty, "ntfy:fail"), 0)
        self.assertEqual(tm.counter(self.vty, "rqnt:fail"), 1)


    def test_quarantine_does_not_outlive_the_call(self):
        # the digit quarantined at the end of one call is not the next
        # call's: it goes with the endpoint's last connection
        self.assertEqual(self.rqnt("X: B1\r\n" + self.EVENTS), (200, []))
        self.play("5")
        self.assertEqual(self.ntfys(1), [("B1", "D/5")])
        self.play("#")
        self.detected(2)
        r = self.ca.cmd("DLCX", self.EP, "C: 1\r\n")
        self.assertEqual(resp_code(r), 250, r)
        self.crcx(self.ca, self.EP, call="2", lco=None, sdp_text=sdp(port_of(self.sink)))
        self.assertEqual(self.rqnt("X: B2\r\n" + self.EVENTS), (200, []))
        self.no_more_ntfys()
        self.play("1")
        self.assertEqual(self.ntfys(1), [("B2", "D/1")])


class ChainDtmfH248(ChainDtmf):
    protocol = "h248"


class ChainDtmfOff(ChainDtmf):
    detect = False


class ChainDtmfOffH248(ChainDtmf):
    protocol = "h248"
    detect = False


if __name__ == "__main__":
    tt.main()

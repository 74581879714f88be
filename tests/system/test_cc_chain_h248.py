#!/usr/bin/env python3
"""The issue-6 chain of test_cc_chain.py with H.248 gateways on both sides:

  SIPp UAC -> tandemd A -> osmo-stp -> tandemd B -> SIPp UAS
                  |  H.248                  |  H.248
             tandem-mgw A  ==== E1 ====  tandem-mgw B

Each tandemd controls its own tandem-mgw over H.248 (`protocol h248`,
ISUP trunk `mgw-endpoint tdm/1/{cic}`); the two gateways' span 1 is one E1
between them (SAToP both ways), so CIC n is timeslot n on both.  The
assertions: the call is answered end to end, each gateway holds one
context with the call's timeslot and an RTP termination (sendrecv once
answered), what each SIP party got is that gateway's RTP port, and after
the BYE both contexts are gone and both tandemds stop cleanly.  Then the
same with a gateway on A's side only (B signalling only)."""
import os
import re

import tandemtest as tt
import test_cc_chain as ch
import test_mgw as tm
from tandemtest import free_port, wait_for
from test_mgw_span import span_config

TRUNK_H248 = "isup trunk t1\n mgw-endpoint tdm/1/{cic}\n"


class ChainH248(ch.Chain):
    a_extra = TRUNK_H248
    b_extra = TRUNK_H248

    def setup_media(self):
        if not os.path.exists(tm.MGW):
            self.skipTest("tandem-mgw not built")
        self.span_ports = (free_port(tcp=False), free_port(tcp=False))
        self.mgws = []
        self.media = self.start_gateway

    def start_gateway(self, ctl_port):
        """A tandem-mgw for the tandemd whose controller port is @ctl_port;
        returns that tandemd's media-gateway config."""
        i = len(self.mgws)
        gw_port, vty_port = free_port(tcp=False), free_port()
        rtp_base = 20000 + ((os.getpid() * 2 + i) % 200) * 200
        cfg = tm.mgw_config(vty_port, free_port(tcp=False), rtp_base=rtp_base, endpoints=2)
        cfg += " h248 local-port %d\n h248 controller ip 127.0.0.1 port %d\n" % (gw_port, ctl_port)
        cfg += span_config(1, self.span_ports[i], self.span_ports[1 - i])
        name = "tandem-mgw-%s" % "ab"[i]
        proc = self.start(name, [tm.MGW, "-c", self.write(name + ".cfg", cfg)], cwd=self.tmp)
        wait_for(lambda: tt.port_open(vty_port) or not proc.alive(), 10, name + " VTY")
        self.assertTrue(proc.alive(), proc.log())
        vty = tt.Vty(vty_port)
        self.vtys.append(vty)
        self.mgws.append((proc, vty, rtp_base))
        return ("media-gateway mgw1\n protocol h248\n remote 127.0.0.1 %d\n local 127.0.0.1 %d\n"
                % (gw_port, ctl_port))

    def sdp_port(self, msg):
        m = re.search(r"m=audio (\d+) RTP/AVP", msg)
        self.assertIsNotNone(m, msg[-1500:])
        return int(m.group(1))

    def test_call_through_h248_gateways(self):
        for v in (self.vty_a, self.vty_b):
            wait_for(lambda: "mgw1: h248 REGISTERED" in v.cmd("show media-gateway mgw1"), 20, "gateway registered")
        for _, vty, _ in self.mgws:
            wait_for(lambda: "IN_SERVICE" in vty.cmd("show h248"), 20, "tandem-mgw in service")
        # the circuits name their H.248 terminations
        self.assertRegex(self.vty_a.cmd("show isup circuits"), r"(?m)^t1 +1 .* tdm/1/1$")
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="3000"'})
        self.wait_call(self.vty_a, "ANSWERED")
        self.wait_call(self.vty_b, "ANSWERED")
        # one context per gateway: the call's timeslot (the same CIC) and RTP
        cics = []
        for _, vty, _ in self.mgws:
            show = vty.cmd("show h248")
            self.assertIn("contexts 1, terminations 2", show)
            m = re.search(r"context \d+ on ds/e1-1/(\d+): tdm/1/\1 \(sendrecv\) rtp/\d+ \(sendrecv, conn", show)
            self.assertTrue(m, show)
            cics.append(m.group(1))
        self.assertEqual(cics[0], cics[1])
        uac_msgs = self.wait_sipp(uac)
        uas_msgs = self.wait_sipp(uas)
        # what each SIP party got is its gateway's RTP port
        ok = uac_msgs[uac_msgs.index("SIP/2.0 200 OK"):]
        base_a, base_b = self.mgws[0][2], self.mgws[1][2]
        self.assertTrue(base_a <= self.sdp_port(ok) < base_a + 200, ok[:800])
        invite = uas_msgs[uas_msgs.index("INVITE sip:"):]
        self.assertTrue(base_b <= self.sdp_port(invite) < base_b + 200, invite[:1200])
        self.end_clean()
        # every context subtracted at the end
        for _, vty, _ in self.mgws:
            wait_for(lambda: "contexts 0, terminations 0" in vty.cmd("show h248"), 10, "contexts gone")
            self.assertEqual(tm.counter(vty, "subtract:ok", "show h248"), 2)
        self.stop_clean()


class ChainH248OneSide(ChainH248):
    """H.248 on A's side only; B runs its calls without a gateway."""
    media_b = False
    b_extra = ""

    def test_call_through_h248_gateways(self):
        wait_for(lambda: "mgw1: h248 REGISTERED" in self.vty_a.cmd("show media-gateway mgw1"), 20,
                 "gateway registered")
        self.assertEqual(len(self.mgws), 1)
        _, vty, base = self.mgws[0]
        uas = self.sipp("cc_uas_answer.xml", uas=True)
        uac = self.sipp("cc_uac_bye.xml", {'milliseconds="300"': 'milliseconds="3000"'})
        self.wait_call(self.vty_a, "ANSWERED")
        self.assertRegex(vty.cmd("show h248"), r"context \d+ on ds/e1-1/(\d+): tdm/1/\1 \(sendrecv\) rtp/\d+ "
                                               r"\(sendrecv, conn")
        uac_msgs = self.wait_sipp(uac)
        self.wait_sipp(uas)
        ok = uac_msgs[uac_msgs.index("SIP/2.0 200 OK"):]
        self.assertTrue(base <= self.sdp_port(ok) < base + 200, ok[:800])
        self.end_clean()
        wait_for(lambda: "contexts 0, terminations 0" in vty.cmd("show h248"), 10, "context gone")
        self.stop_clean()


if __name__ == "__main__":
    tt.main()

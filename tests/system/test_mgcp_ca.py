#!/usr/bin/env python3
"""tandemd's MGCP call agent against real gateways on 127.0.0.1.

osmo-mgw (the Debian package, a third-party gateway with rtpbridge
endpoints) and tandem-mgw (the project's own) run for real; the per-call
media API (src/cc_media.h) is driven through the operator's test call
(`media-gateway NAME test-call ...`).  The tests assert on what the
gateway holds (its VTY), on the datagrams a silent gateway receives, and
on tandemd's own state and counters."""
import fcntl
import os
import re
import shutil
import socket

import tandemtest as tt
from tandemtest import TandemTestCase, builddir, free_port, tandemd_config, wait_for

OSMO_MGW = shutil.which("osmo-mgw")
TANDEM_MGW = builddir("mgcp", "tandem-mgw")
# osmo-mgw 1.10 on libosmocore 1.7 always takes VTY 4243 and CTRL 4267:
# one at a time on this machine, whoever starts it.
OSMO_MGW_LOCK = "/tmp/tandem-osmo-mgw.lock"
OSMO_MGW_VTY = 4243


def osmo_mgw_config(mgcp_port, rtp_base):
    return ("log stderr\n"
            " logging filter all 1\n"
            " logging color 0\n"
            " logging level set-all info\n"
            "line vty\n"
            " bind 127.0.0.1\n"
            "mgcp\n"
            " bind ip 127.0.0.1\n"
            " bind port %d\n"
            " rtp port-range %d %d\n"
            " rtp bind-ip 127.0.0.1\n"
            " domain mgw\n"
            " number endpoints 16\n" % (mgcp_port, rtp_base, rtp_base + 199))


def gateway_config(name, remote_port, local_port, extra=""):
    return ("media-gateway %s\n"
            " remote 127.0.0.1 %d\n"
            " local 127.0.0.1 %d\n"
            " domain mgw\n" % (name, remote_port, local_port)) + extra


def counter(text, description):
    m = re.search(r"^\s*%s:\s+(\d+)" % re.escape(description), text, re.M)
    return int(m.group(1)) if m else None


def test_call(vty, name="mgw1"):
    """(state, endpoint, codec, cause) of the gateway's test call."""
    m = re.search(r"test call: (\S+) endpoint (\S+) codec (\S+) cause (\d+)",
                  vty.cmd("show media-gateway " + name))
    return (m.group(1), m.group(2), m.group(3), int(m.group(4))) if m else None


class CallAgentCase(TandemTestCase):
    def start_agent(self, gw_port, extra=""):
        self.vty_port = free_port()
        self.ca_port = free_port(tcp=False)
        cfg = tandemd_config(self.vty_port, free_port()) + gateway_config("mgw1", gw_port, self.ca_port, extra)
        self.td, self.vty = self.start_tandemd(cfg, vty_port=self.vty_port)
        self.vty.cmd("enable")
        return self.vty

    def wait_state(self, state, timeout=10):
        return wait_for(lambda: (test_call(self.vty) or ("",))[0] == state and test_call(self.vty),
                        timeout, "test call %s" % state)

    def lock_osmo_mgw(self):
        self.require_tool(OSMO_MGW, "osmo-mgw")
        lock = open(OSMO_MGW_LOCK, "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        self.addCleanup(lambda: (fcntl.flock(lock, fcntl.LOCK_UN), lock.close()))

    def start_osmo_mgw(self):
        self.lock_osmo_mgw()
        self.mgw_port = free_port(tcp=False)
        self.rtp_base = 20000 + (os.getpid() % 50) * 200
        cfg = self.write("osmo-mgw.cfg", osmo_mgw_config(self.mgw_port, self.rtp_base))
        mgw = self.start("osmo-mgw", [OSMO_MGW, "-c", cfg], cwd=self.tmp)
        wait_for(lambda: tt.port_open(OSMO_MGW_VTY) or not mgw.alive(), 10, "osmo-mgw VTY")
        self.assertTrue(mgw.alive(), mgw.log())
        self.mgw_vty = tt.Vty(OSMO_MGW_VTY)
        self.vtys.append(self.mgw_vty)
        return mgw

    def osmo_conns(self, endpoint):
        """Connections osmo-mgw holds on an endpoint, from its VTY."""
        out = self.mgw_vty.cmd("show mgcp")
        block = re.search(r"endpoint %s:\n(.*?)(?:\n\n|\Z)" % re.escape(endpoint), out, re.S)
        return re.findall(r"CONN: \(([^)]*)\)", block.group(1)) if block else []


class OsmoMgwTest(CallAgentCase):
    """osmo-mgw 1.10 as the gateway: rtpbridge endpoints, one codec in
    LocalConnectionOptions, and no remote end for the circuit side."""

    EXTRA = " codec PCMA\n circuit-mode recvonly\n"

    def test_isup_to_sip_offer_answer_hold_release(self):
        self.start_osmo_mgw()
        vty = self.start_agent(self.mgw_port, self.EXTRA)
        # the AUEP keepalive found the gateway (osmo-mgw answers 500 for *@mgw)
        wait_for(lambda: "mgw1: UP" in vty.cmd("show media-gateway mgw1"), 10, "gateway UP")

        self.assertEqual(vty.cmd("media-gateway mgw1 test-call start rtpbridge/*@mgw 5"), "")
        state, ep, codec, cause = self.wait_state("READY")
        self.assertRegex(ep, r"^rtpbridge/\w+@mgw$")
        # the wildcard was resolved by the gateway: both connections on one endpoint
        conns = self.osmo_conns(ep)
        self.assertEqual(len(conns), 2, conns)
        # our side lists the call with its endpoint and both connections
        mine = vty.cmd("show media-gateway mgw1")
        self.assertIn(" calls: 1\n", mine)
        self.assertRegex(mine, r"  call \w+: %s, connections \w+ \w+, READY" % re.escape(ep))
        sdp = vty.cmd("show media-gateway mgw1 test-call sdp")
        port = int(re.search(r"m=audio (\d+) RTP/AVP 8 101", sdp).group(1))
        self.assertIn("c=IN IP4 127.0.0.1", sdp)
        self.assertIn("a=rtpmap:8 PCMA/8000", sdp)
        # the offered port is one of osmo-mgw's
        self.assertTrue(self.rtp_base <= port < self.rtp_base + 200, port)

        # the SIP peer answers: MDCX with its address
        peer = free_port(tcp=False)
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call answer 127.0.0.1 %d PCMA" % peer), "")
        wait_for(lambda: any("rtp:%d" % peer in c for c in self.osmo_conns(ep)), 5, "MDCX applied")
        self.assertEqual(test_call(vty)[2], "PCMA")
        # hold: osmo-mgw takes sendonly; it refuses inactive, which leaves the call up
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call mode sendonly"), "")
        self.wait_state("READY")
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call mode inactive"), "")
        self.wait_state("READY")
        self.assertEqual(len(self.osmo_conns(ep)), 2)

        # release: DLCX leaves nothing behind
        vty.cmd("media-gateway mgw1 test-call release")
        self.assertEqual(test_call(vty)[0], "RELEASED")
        wait_for(lambda: self.osmo_conns(ep) == [], 5, "connections deleted")
        self.assertNotIn("CONN:", self.mgw_vty.cmd("show mgcp"))
        out = vty.cmd("show media-gateway mgw1")
        self.assertEqual(counter(out, "Call media failed (cause 47 or 41)"), 0)
        self.assertEqual(counter(out, "Transactions that got no final response"), 0)
        # CRCX x2, MDCX x3, DLCX x2, and AUEP
        self.assertGreaterEqual(counter(out, "Commands sent (first transmission)"), 8)

    def test_sip_to_isup_answer_to_offer(self):
        self.start_osmo_mgw()
        vty = self.start_agent(self.mgw_port, self.EXTRA)
        peer = free_port(tcp=False)
        self.assertEqual(vty.cmd("media-gateway mgw1 test-call offer rtpbridge/*@mgw 7 127.0.0.1 %d PCMA"
                                 % peer), "")
        state, ep, codec, cause = self.wait_state("READY")
        self.assertEqual(codec, "PCMA")
        conns = self.osmo_conns(ep)
        self.assertEqual(len(conns), 2, conns)
        # the SIP side was created with the peer's address and port
        self.assertTrue(any("rtp:%d" % peer in c for c in conns), conns)
        sdp = vty.cmd("show media-gateway mgw1 test-call sdp")
        self.assertRegex(sdp, r"m=audio \d+ RTP/AVP 8 101")
        self.assertIn("a=rtpmap:101 telephone-event/8000", sdp)
        vty.cmd("media-gateway mgw1 test-call release")
        wait_for(lambda: self.osmo_conns(ep) == [], 5, "connections deleted")

    def test_gateway_refusal_fails_with_47_and_cleans_up(self):
        self.start_osmo_mgw()
        # sendrecv without a remote end: osmo-mgw refuses the circuit side's CRCX
        vty = self.start_agent(self.mgw_port, " codec PCMA\n circuit-mode sendrecv\n")
        vty.cmd("media-gateway mgw1 test-call start rtpbridge/*@mgw 5")
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 47)
        out = vty.cmd("show media-gateway mgw1")
        self.assertEqual(counter(out, "Call media failed (cause 47 or 41)"), 1)
        self.assertNotIn("CONN:", self.mgw_vty.cmd("show mgcp"))


class TandemMgwTest(CallAgentCase):
    """tandem-mgw: RSIP at its start and stop, CRCX/MDCX/DLCX per call."""

    def test_call_and_rsip(self):
        ca_port = free_port(tcp=False)
        mgw_port = free_port(tcp=False)
        # tandemd first, so that it gets tandem-mgw's RSIP
        self.vty_port = free_port()
        cfg = tandemd_config(self.vty_port, free_port()) + gateway_config("mgw1", mgw_port, ca_port)
        self.td, vty = self.start_tandemd(cfg, vty_port=self.vty_port)
        self.vty = vty
        vty.cmd("enable")
        self.mgw_port = mgw_port
        mgw = self.start_tandem_mgw_at(ca_port, mgw_port)
        wait_for(lambda: counter(vty.cmd("show media-gateway mgw1"), "RSIP commands from the gateway") == 1,
                 10, "RSIP answered")
        wait_for(lambda: "IN_SERVICE" in self.mgw_vty.cmd("show mgw"), 5, "tandem-mgw in service")
        self.assertIn("mgw1: UP", vty.cmd("show media-gateway mgw1"))

        peer = free_port(tcp=False)
        vty.cmd("media-gateway mgw1 test-call offer rtpbridge/*@mgw 3 127.0.0.1 %d PCMA" % peer)
        state, ep, codec, cause = self.wait_state("READY")
        self.assertEqual(codec, "PCMA")
        self.assertRegex(self.mgw_vty.cmd("show endpoints"), r"%s: 2 connections" % re.escape(ep))
        self.assertIn("remote 127.0.0.1:%d" % peer, self.mgw_vty.cmd("show connections"))

        # the gateway restarts under the call: RSIP forced -> cause 41
        mgw.stop()
        state, ep2, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 41)
        out = vty.cmd("show media-gateway mgw1")
        self.assertEqual(counter(out, "RSIP commands from the gateway"), 2)

        # back again: a new call, then release leaves no connection
        self.start_tandem_mgw_at(ca_port, mgw_port, name="tandem-mgw-2")
        wait_for(lambda: counter(vty.cmd("show media-gateway mgw1"), "RSIP commands from the gateway") == 3,
                 10, "RSIP after restart")
        vty.cmd("media-gateway mgw1 test-call start rtpbridge/*@mgw 4")
        state, ep, codec, cause = self.wait_state("READY")
        sdp = vty.cmd("show media-gateway mgw1 test-call sdp")
        self.assertRegex(sdp, r"m=audio \d+ RTP/AVP 8 ")
        vty.cmd("media-gateway mgw1 test-call answer 127.0.0.1 %d PCMA" % peer)
        wait_for(lambda: "remote 127.0.0.1:%d" % peer in self.mgw_vty.cmd("show connections"), 5, "MDCX")
        vty.cmd("media-gateway mgw1 test-call release")
        wait_for(lambda: "connections 0" in self.mgw_vty.cmd("show mgw"), 5, "DLCX done")

    def start_tandem_mgw_at(self, ca_port, mgw_port, name="tandem-mgw"):
        if not os.path.exists(TANDEM_MGW):
            self.skipTest("tandem-mgw not built")
        vty_port = free_port()
        base = 30000 + (os.getpid() % 100) * 200
        cfg = self.write(name + ".cfg",
                         "log stderr\n logging filter all 1\n logging color 0\n logging level set-all info\n"
                         "line vty\n bind 127.0.0.1 %d\n"
                         "mgw\n bind ip 127.0.0.1\n bind port %d\n domain mgw\n"
                         " call-agent ip 127.0.0.1 port %d\n rtp bind-ip 127.0.0.1\n"
                         " rtp port-range %d %d\n number endpoints 8\n"
                         % (vty_port, mgw_port, ca_port, base, base + 199))
        mgw = self.start(name, [TANDEM_MGW, "-c", cfg], cwd=self.tmp)
        wait_for(lambda: tt.port_open(vty_port) or not mgw.alive(), 10, "tandem-mgw VTY")
        self.assertTrue(mgw.alive(), mgw.log())
        self.mgw_vty = tt.Vty(vty_port)
        self.vtys.append(self.mgw_vty)
        return mgw


class SilentGatewayTest(CallAgentCase):
    """A gateway that never answers: a bound UDP socket of the test."""

    def test_retransmissions_then_cause_47(self):
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        self.addCleanup(silent.close)
        vty = self.start_agent(silent.getsockname()[1],
                               " timer X1 20\n timer X2 80\n timer X3 3\n timer X6 0\n")
        vty.cmd("media-gateway mgw1 test-call start ds/e1-1/{cic}@mgw 17")
        state, ep, codec, cause = self.wait_state("FAILED")
        self.assertEqual(cause, 47)
        self.assertEqual(ep, "ds/e1-1/17@mgw")
        # the CRCX arrived 1 + 3 times, byte for byte the same
        silent.settimeout(0.5)
        got = []
        try:
            while True:
                got.append(silent.recv(4096))
        except socket.timeout:
            pass
        self.assertEqual(len(got), 4, got)
        self.assertEqual(len(set(got)), 1)
        self.assertTrue(got[0].startswith(b"CRCX "))
        self.assertIn(b" ds/e1-1/17@mgw MGCP 1.0\r\n", got[0])
        out = vty.cmd("show media-gateway mgw1")
        self.assertIn("mgw1: DOWN", out)
        self.assertEqual(counter(out, "Commands retransmitted"), 3)
        self.assertEqual(counter(out, "Transactions that got no final response"), 1)
        self.assertEqual(counter(out, "Call media failed (cause 47 or 41)"), 1)
        # a gateway known to be down takes no new calls
        self.assertIn("Network is down", vty.cmd("media-gateway mgw1 test-call start ds/e1-1/{cic}@mgw 18"))
        self.assertEqual(counter(vty.cmd("show media-gateway mgw1"),
                                 "Calls refused media: gateway down or stopped"), 1)


class ConfigTest(CallAgentCase):
    def test_write_terminal_round_trip_and_bad_input(self):
        vty = self.start_agent(free_port(tcp=False), " codec PCMA PCMU\n circuit-mode recvonly\n"
                               " timer X1 150\n timer X6 0\n")
        vty.cmd("configure terminal")
        vty.cmd("isup trunk T1")
        vty.cmd("mgw-endpoint ds/e1-1/{cic}@mgw")
        self.assertEqual(vty.cmd("media-gateway mgw1"), "")
        vty.cmd("end")
        text = vty.cmd("write terminal")
        self.assertIn("isup trunk T1\n", text)
        self.assertIn(" mgw-endpoint ds/e1-1/{cic}@mgw\n media-gateway mgw1\n", text)
        block = ("media-gateway mgw1\n remote 127.0.0.1 \\d+\n local 127.0.0.1 %d\n domain mgw\n"
                 " codec PCMA PCMU\n circuit-mode recvonly\n timer X1 150\n timer X6 0\n" % self.ca_port)
        self.assertRegex(text, block)
        # the written config reads back to the same text (without the ISUP
        # trunk, which needs an SS7 set-up to start)
        text = re.sub(r"isup trunk T1\n( .*\n)*", "", text)
        saved = self.write("saved.cfg", text.replace("Current configuration:", "!"))
        self.td.stop()
        self.vtys.remove(vty)
        vty.close()
        td2, vty2 = self.start_tandemd(config_path=saved, vty_port=self.vty_port, name="tandemd2")
        vty2.cmd("enable")
        self.assertEqual(vty2.cmd("write terminal"), text)

        # bad lines get an error and change nothing
        vty2.cmd("configure terminal")
        vty2.cmd("media-gateway mgw1")
        self.assertIn("unknown codec", vty2.cmd("codec AMR"))
        self.assertIn("at most 4", vty2.cmd("codec PCMA PCMA PCMA PCMA PCMA"))
        self.assertIn("invalid IP address", vty2.cmd("remote 999.1.1.1 2427"))
        self.assertIn("No such timer", vty2.cmd("timer X99 1"))
        self.assertIn("%", vty2.cmd("remote 127.0.0.1 0"))
        vty2.cmd("end")
        self.assertIn("no media gateway nope", vty2.cmd("show media-gateway nope"))
        self.assertEqual(vty2.cmd("write terminal"), text)


if __name__ == "__main__":
    tt.main()

#!/usr/bin/env python3
"""SIP trunks: VTY and config, OPTIONS keepalive against a real SIPp peer
(UP, DOWN when it stops answering, UP again), digest both ways, and the
admission of INVITEs by access list, all on 127.0.0.1."""
import os
import re
import socket
import subprocess

import tandemtest as tt
from tandemtest import TandemTestCase, builddir, free_port, srcdir, wait_for

# carrier-a pings 127.0.0.1:PORT, a port the test holds so that no other
# test's process can be there; tandemd's bind is IPv4, so the IPv6 peer
# fails at once without a packet
TRUNKS = ("sip-trunk carrier-a\n"
          " peer 127.0.0.1 PORT\n"
          " peer 2001:db8::7 5060\n"
          " transport tcp\n"
          " profile sip-i\n"
          " cause-map rfc3398\n"
          " acl 10.0.0.0/8\n"
          " acl 2001:db8::/32\n"
          " auth outgoing alice s3cret\n"
          " auth incoming carrier-realm bob pw\n"
          " 100rel required\n"
          " codec PCMA\n"
          " codec G729\n"
          " codec telephone-event\n"
          " keepalive 30 3\n"
          "sip-trunk carrier-b\n"
          " peer carrier-b.example 5060\n"
          " transport udp\n"
          " profile sip-t\n"
          " 100rel off\n")


def trunk_block(text):
    """The sip-trunk part of a config text."""
    m = re.search(r"(?ms)^sip-trunk .*?(?=^\S(?!ip-trunk)|\Z)", text)
    return m.group(0) if m else ""


def counter(text, label):
    m = re.search(r"%s:\s+(\d+)" % re.escape(label), text)
    return int(m.group(1)) if m else None


class TrunkCase(TandemTestCase):
    def setUp(self):
        super().setUp()
        self.vty_port, self.sip_port = free_port(), free_port()
        self.sipp_n = 0

    def start_td(self, extra):
        self.td, self.vty = self.start_tandemd(tt.tandemd_config(self.vty_port, self.sip_port, extra=extra),
                                               vty_port=self.vty_port)
        self.vty.cmd("enable")

    def stop_clean(self):
        """Stop tandemd: a clean exit, and nothing from the sanitizers."""
        self.assertEqual(self.td.stop(), 0)
        with open(self.td.log_path, errors="replace") as f:
            self.assertNotRegex(f.read(), r"AddressSanitizer|LeakSanitizer|runtime error")

    def show(self, name=None):
        return self.vty.cmd("show sip-trunk" + (" " + name if name else ""))

    def sipp(self, scenario, args, subst=None):
        """Start SIPp on a scenario of tests/system/sipp; returns (Proc, message file)."""
        self.require_tool(tt.SIPP, "sipp")
        self.sipp_n += 1
        name = "sipp%d" % self.sipp_n
        with open(srcdir("tests", "system", "sipp", scenario)) as f:
            text = f.read()
        if subst:
            text = re.sub("|".join(map(re.escape, subst)), lambda m: subst[m.group(0)], text)
        msgfile = os.path.join(self.tmp, name + ".msg")
        argv = [tt.SIPP, *args, "-sf", self.write(name + ".xml", text), "-i", "127.0.0.1", "-nostdin",
                "-trace_msg", "-message_file", msgfile]
        return self.start(name, argv, cwd=self.tmp), msgfile

    def uac(self, scenario, subst=None):
        """Run a SIPp UAC scenario once against tandemd; returns its messages."""
        proc, msgfile = self.sipp(scenario, ["127.0.0.1:%d" % self.sip_port, "-m", "1", "-s", "4930123",
                                             "-p", str(free_port()), "-timeout", "15", "-timeout_error"],
                                  subst)
        rc = proc.wait(30)
        msgs = open(msgfile).read() if os.path.exists(msgfile) else ""
        self.assertEqual(rc, 0, "%s failed:\n%s\n%s" % (proc.name, proc.log()[-2000:], msgs[-3000:]))
        return msgs

    def uas(self, scenario, port):
        return self.sipp(scenario, ["-p", str(port), "-bind_local"])


class Vty(TrunkCase):
    def test_round_trip(self):
        hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        hold.bind(("127.0.0.1", 0))
        self.addCleanup(hold.close)
        trunks = TRUNKS.replace("PORT", str(hold.getsockname()[1]))
        self.start_td(trunks)
        self.assertEqual(trunk_block(self.vty.cmd("write terminal")).strip("\n"), trunks.strip("\n"))
        out = self.show()
        self.assertIn("2 SIP trunk(s)", out)
        self.assertIn("SIP trunk carrier-a: UP, profile sip-i, cause-map rfc3398, transport tcp, "
                      "100rel required", out)
        self.assertIn(" peer [2001:db8::7]:5060", out)
        self.assertIn(" acl: 10.0.0.0/8 2001:db8::/32", out)
        self.assertIn(" digest: incoming carrier-realm, outgoing alice", out)
        self.assertIn(" codecs: PCMA G729 telephone-event", out)
        # the cause map follows the profile unless configured
        self.assertIn("SIP trunk carrier-b: UP, profile sip-t, cause-map rfc3398", out)
        self.assertIn(" acl: (the peers' addresses)", out)
        self.assertIn("% no SIP trunk 'nope'", self.show("nope"))
        # edit and delete live
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk carrier-b")
        for line in ("profile sip-i", "no peer carrier-b.example", "peer 127.0.0.2", "codec PCMU",
                     "codec PCMU", "no codec PCMU", "keepalive 10", "no keepalive", "keepalive 20 5",
                     "acl 192.168.4.0/22", "no acl 192.168.4.0/22"):
            self.assertEqual(self.vty.cmd(line), "", line)
        self.vty.cmd("end")
        out = self.show("carrier-b")
        self.assertIn("profile sip-i, cause-map q1912.5", out)
        self.assertIn(" peer 127.0.0.2:5060", out)
        self.assertIn(" keepalive every 20 s, a peer is dead after 5 failures", out)
        self.vty.cmd("configure terminal")
        self.assertEqual(self.vty.cmd("no sip-trunk carrier-a"), "")
        self.assertIn("% no SIP trunk 'carrier-a'", self.vty.cmd("no sip-trunk carrier-a"))
        self.vty.cmd("end")
        self.assertIn("1 SIP trunk(s)", self.show())
        self.stop_clean()

    def test_bad_lines(self):
        self.start_td("")
        self.vty.cmd("configure terminal")
        self.assertIn("name must be 1 to 31 characters", self.vty.cmd("sip-trunk " + "x" * 32))
        self.vty.cmd("sip-trunk t")
        errors = {
            "peer 1:2:3": "is not an IP address or host name",
            "peer bad_host": "is not an IP address or host name",
            "peer " + "h" * 128: "is not an IP address or host name",
            "acl 10.1.0.0/8": "has host bits set beyond the prefix length",
            "acl 10.0.0.0/33": "is not A.B.C.D[/0-32] or X:X::X:X[/0-128]",
            "acl carrier.example": "is not A.B.C.D",
            "no acl 10.0.0.0/8": "no acl entry 10.0.0.0/8",
            "no peer 127.0.0.9": "no peer '127.0.0.9'",
            "no codec G729": "codec G729 is not in the list",
            'auth outgoing a"b pw': "the user must be 1 to 63 characters",
            "auth outgoing a:b pw": "without quotes or backslashes or colons",
            "auth incoming realm bob " + "p" * 64: "the password must be 1 to 63 characters",
        }
        for line, err in errors.items():
            out = self.vty.cmd(line)
            self.assertIn("%", out, line)
            self.assertIn(err, out, line)
        for i in range(8):
            self.assertEqual(self.vty.cmd("peer 127.0.0.%d" % (i + 1)), "")
        self.assertIn("at most 8 peers per trunk", self.vty.cmd("peer 127.0.1.1"))
        for i in range(32):
            self.assertEqual(self.vty.cmd("acl 10.%d.0.0/16" % i), "")
        self.assertIn("at most 32 acl entries per trunk", self.vty.cmd("acl 11.0.0.0/8"))
        self.assertIn("%", self.vty.cmd("keepalive 0"))
        self.assertIn("%", self.vty.cmd("transport sctp"))
        # `exit` leaves the trunk node for the config node
        self.assertEqual(self.vty.cmd("exit"), "")
        self.assertEqual(self.vty.cmd("sip-trunk t2"), "")
        self.assertEqual(self.vty.cmd("exit"), "")
        self.assertEqual(self.vty.cmd("no sip-trunk t2"), "")
        self.vty.cmd("end")
        out = self.show("t")
        self.assertNotIn("127.0.1.1", out)
        self.assertNotIn("11.0.0.0", out)

    def test_bad_config_line_names_file_and_line(self):
        cfg = tt.tandemd_config(free_port(), free_port(),
                                extra="sip-trunk t\n peer 127.0.0.1\n acl 10.1.0.0/8\n")
        path = self.write("bad.cfg", cfg)
        line = cfg.splitlines().index(" acl 10.1.0.0/8") + 1
        out = subprocess.run([builddir("src", "tandemd"), "-c", path], capture_output=True, text=True,
                             timeout=15)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("%s:%d:" % (path, line), out.stderr)


ROUTES = ("call-control\n"
          " route from-a\n"
          "  match called-prefix 49\n"
          "  match source-trunk carrier-a\n"
          "  destination trunk isup-1\n"
          "  destination trunk carrier-b\n"
          "  failover cause 34\n"
          "  failover cause 42\n"
          "  failover status 503\n"
          " route vip\n"
          "  match called-prefix 49\n"
          "  match calling-prefix 4930\n"
          "  destination trunk isup-2\n"
          "  no failover\n"
          " route any\n"
          "  match called-prefix 4\n"
          "  destination trunk isup-3\n")


class Routing(TrunkCase):
    """The routing additions: source trunk, failover lists, lookup."""

    def configure(self, text):
        """Enter ROUTES-like text; `exit` leaves a route before the next."""
        cmds = ["configure terminal"]
        for line in text.splitlines():
            if line.startswith(" route") and cmds[-1].startswith("  "):
                cmds.append("exit")
            cmds.append(line)
        for cmd in cmds + ["end"]:
            self.assertEqual(self.vty.cmd(cmd.strip()), "", cmd)

    def test_source_trunk_and_failover(self):
        self.start_td("")
        self.configure(ROUTES)
        # call control's own settings (its global profile) are not ours
        self.assertIn(ROUTES, re.sub(r"(?m)^ (?!route)\S.*\n", "", self.vty.cmd("write terminal")))
        out = self.vty.cmd("route lookup 4930123 from carrier-a calling 4930999")
        self.assertIn("route from-a: called prefix '49' (2 digits), source trunk 'carrier-a' is the longest "
                      "match", out)
        self.assertIn(" destination 2: trunk carrier-b", out)
        self.assertIn("route vip: called prefix '49' (2 digits), calling prefix '4930'",
                      self.vty.cmd("route lookup 4930123 from carrier-b calling 4930999"))
        self.assertIn("route vip", self.vty.cmd("route lookup 4930123 calling 4930999"))
        self.assertIn("route any", self.vty.cmd("route lookup 4930123 from carrier-b"))
        self.assertIn("no route matches called 33 from carrier-a",
                      self.vty.cmd("route lookup 33 from carrier-a"))
        out = self.vty.cmd("show call-control routes")
        self.assertIn(" from trunk carrier-a only\n failover: cause 34 cause 42 status 503", out)
        self.assertIn(" failover: never", out)
        self.assertIn(" failover: cause 34, status 503 (default)", out)
        # bounds and errors
        self.vty.cmd("configure terminal")
        self.vty.cmd("call-control")
        self.vty.cmd("route any")
        self.assertIn("a failover cause is 1 to 127", self.vty.cmd("failover cause 200"))
        self.assertIn("a failover status is 300 to 699", self.vty.cmd("failover status 200"))
        for cause in range(1, 17):
            self.assertEqual(self.vty.cmd("failover cause %d" % cause), "")
        self.assertIn("at most 16 failover causes per route", self.vty.cmd("failover cause 100"))
        self.assertIn("failover status 486 is not configured", self.vty.cmd("no failover status 486"))
        self.assertEqual(self.vty.cmd("no failover cause 16"), "")
        self.assertEqual(self.vty.cmd("failover default"), "")
        self.assertEqual(self.vty.cmd("no match source-trunk"), "")
        self.assertIn("trunk names are 1 to 31 characters", self.vty.cmd("match source-trunk " + "x" * 32))
        self.vty.cmd("end")
        self.assertNotIn("failover cause 1\n", self.vty.cmd("write terminal"))
        self.stop_clean()


class Keepalive(TrunkCase):
    def trunk(self, port, extra="", transport="udp"):
        return ("sip-trunk peer-a\n"
                " peer 127.0.0.1 %d\n"
                " transport %s\n"
                " keepalive 1 2\n%s" % (port, transport, extra))

    def test_tcp_peer(self):
        port = free_port()
        _, msgfile = self.sipp("trunk_options_uas.xml", ["-t", "t1", "-p", str(port)])
        self.start_td(self.trunk(port, transport="tcp"))
        wait_for(lambda: "last keepalive 200 OK" in self.show("peer-a"), 10, "a 200 over TCP")
        msgs = open(msgfile).read()
        self.assertIn("OPTIONS sip:127.0.0.1:%d;transport=tcp SIP/2.0" % port, msgs)
        self.assertIn("Via: SIP/2.0/TCP 127.0.0.1:%d" % self.sip_port, msgs)
        self.stop_clean()

    def test_up_down_up(self):
        port = free_port()
        sipp, msgfile = self.uas("trunk_options_uas.xml", port)
        self.start_td(self.trunk(port))
        wait_for(lambda: "last keepalive 200 OK" in self.show("peer-a"), 10, "a 200 to OPTIONS")
        self.assertIn("SIP trunk peer-a: UP", self.show("peer-a"))
        # on the wire: OPTIONS to the peer's URI, from tandemd's SIP port
        wait_for(lambda: os.path.exists(msgfile) and "OPTIONS sip:127.0.0.1:%d;transport=udp SIP/2.0" % port
                 in open(msgfile).read(), 5, "OPTIONS in SIPp's trace")
        self.assertRegex(open(msgfile).read(), r"Via: SIP/2.0/UDP 127.0.0.1:%d" % self.sip_port)
        # the peer stops answering: DOWN after 2 failures, counted
        sipp.stop()
        wait_for(lambda: "SIP trunk peer-a: DOWN" in self.show("peer-a"), 15, "trunk DOWN")
        out = self.show("peer-a")
        self.assertIn(": dead, last keepalive 408 no answer within the keepalive interval", out)
        self.assertEqual(counter(out, "Times the trunk went DOWN"), 1)
        self.assertGreaterEqual(counter(out, "OPTIONS keepalives unanswered"), 2)
        self.assertIn("SIP trunk peer-a is DOWN", self.td.log())
        # back: UP on the first answer
        self.uas("trunk_options_uas.xml", port)
        wait_for(lambda: "SIP trunk peer-a: UP" in self.show("peer-a"), 15, "trunk UP again")
        out = self.show("peer-a")
        self.assertIn(": alive, last keepalive 200 OK", out)
        self.assertEqual(counter(out, "Times the trunk went DOWN"), 1)
        self.assertIn("SIP trunk peer-a is UP again", self.td.log())
        # no keepalive: UP whatever the peer does
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk peer-a")
        self.vty.cmd("no keepalive")
        self.vty.cmd("end")
        self.assertIn(": no keepalive", self.show("peer-a"))
        self.stop_clean()

    def test_survives_agent_rebind(self):
        # the agent restarts nua on a new bind; the keepalive handles die
        # with the old one and the pings go on from the new port
        port = free_port()
        _, msgfile = self.uas("trunk_options_uas.xml", port)
        self.start_td(self.trunk(port))
        wait_for(lambda: "last keepalive 200 OK" in self.show("peer-a"), 10, "a 200 to OPTIONS")
        new_port = free_port()
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip")
        self.vty.cmd("local-port %d" % new_port)
        self.assertIn("restarting on the new bind", self.vty.cmd("exit"))
        self.vty.cmd("end")
        wait_for(lambda: "Via: SIP/2.0/UDP 127.0.0.1:%d" % new_port in open(msgfile).read(), 10,
                 "OPTIONS from the new port")
        wait_for(lambda: re.search(r"last keepalive 200 OK \d+ s ago, 0 failure", self.show("peer-a")), 10,
                 "answers on the new bind")
        self.assertIn("SIP trunk peer-a: UP", self.show("peer-a"))
        self.stop_clean()

    def test_outgoing_digest(self):
        port = free_port()
        _, msgfile = self.uas("trunk_options_auth_uas.xml", port)
        self.start_td(self.trunk(port, " auth outgoing alice secret\n"))
        wait_for(lambda: "last keepalive 200 OK" in self.show("peer-a"), 10, "an authenticated 200")
        msgs = open(msgfile).read()
        self.assertIn("SIP/2.0 401 Unauthorized", msgs)
        self.assertRegex(msgs, r'Authorization: Digest username="alice",\s*realm="carrier"')
        self.assertEqual(counter(self.show("peer-a"), "Digest authentications failed (either way)"), 0)
        # wrong password: the peer keeps refusing; alive (it answers), counted
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk peer-a")
        self.vty.cmd("auth outgoing alice wrong")
        self.vty.cmd("end")
        wait_for(lambda: (counter(self.show("peer-a"), "Digest authentications failed (either way)") or 0) >= 1,
                 10, "a refused authentication")
        out = self.show("peer-a")
        self.assertIn("last keepalive 401 Unauthorized", out)
        self.assertIn("SIP trunk peer-a: UP", out)
        self.stop_clean()


class Admission(TrunkCase):
    """INVITEs are admitted by trunk before routing (none is configured
    here, so an admitted INVITE meets the agent's 503)."""

    def test_unknown_source_403(self):
        # 127.0.0.1 is this trunk's peer, but its ACL leaves it out
        self.start_td("sip-trunk far\n peer 127.0.0.1 5062\n acl 10.0.0.0/8\n")
        msgs = self.uac("trunk_uac_invite.xml", {"STATUS": "403"})
        self.assertIn("SIP/2.0 403 Source Not Allowed", msgs)
        self.assertIn('Warning: 399 tandem "source address is on no SIP trunk\'s access list"', msgs)
        self.assertEqual(counter(self.show("far"), "Requests refused by the access list"), 1)
        self.assertEqual(counter(self.vty.cmd("show rate-counters"), "reject:unknown-source"), 1)
        self.assertIn("on no trunk's access list", self.td.log())
        self.stop_clean()

    def test_incoming_digest(self):
        self.start_td("sip-trunk far\n peer 127.0.0.1 5062\n auth incoming tandem-test bob pw\n")
        msgs = self.uac("trunk_uac_auth.xml", {"USER": "bob", "PASS": "pw", "FINAL": "503"})
        self.assertRegex(msgs, r'WWW-Authenticate: Digest realm="tandem-test", .*nonce="[^"]+", '
                               r'algorithm=MD5, qop="auth"')
        self.assertRegex(msgs, r'Authorization: Digest username="bob",realm="tandem-test"')
        self.assertIn("SIP/2.0 503 Service Unavailable", msgs)
        self.assertEqual(counter(self.show("far"), "Digest authentications failed (either way)"), 0)
        msgs = self.uac("trunk_uac_auth.xml", {"USER": "bob", "PASS": "bad", "FINAL": "403"})
        self.assertEqual(counter(self.show("far"), "Digest authentications failed (either way)"), 1)
        msgs = self.uac("trunk_uac_auth.xml", {"USER": "eve", "PASS": "pw", "FINAL": "403"})
        self.assertEqual(counter(self.show("far"), "Digest authentications failed (either way)"), 2)
        self.stop_clean()

    def test_acl_admits(self):
        # an explicit ACL entry admits a source that is not a peer
        self.start_td("sip-trunk far\n peer 192.0.2.1 5062\n acl 127.0.0.0/8\n")
        self.uac("trunk_uac_invite.xml", {"STATUS": "503"})
        self.assertEqual(counter(self.show("far"), "Requests refused by the access list"), 0)
        self.assertEqual(counter(self.vty.cmd("show rate-counters"), "reject:unknown-source"), 0)
        self.stop_clean()


if __name__ == "__main__":
    tt.main()

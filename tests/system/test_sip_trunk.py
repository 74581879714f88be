#!/usr/bin/env python3
"""SIP trunks: VTY and config, OPTIONS keepalive against a real SIPp peer
(UP, DOWN when it stops answering, UP again), digest both ways, the
admission of INVITEs by access list, and a trunk's own local bind, all on
127.0.0.1."""
import os
import re
import socket
import subprocess

import ss7test
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
        msgs = slurp(msgfile) if os.path.exists(msgfile) else ""
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
        msgs = slurp(msgfile)
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
                 in slurp(msgfile), 5, "OPTIONS in SIPp's trace")
        self.assertRegex(slurp(msgfile), r"Via: SIP/2.0/UDP 127.0.0.1:%d" % self.sip_port)
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
        wait_for(lambda: "Via: SIP/2.0/UDP 127.0.0.1:%d" % new_port in slurp(msgfile), 10,
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
        msgs = slurp(msgfile)
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


def slurp(path):
    with open(path, errors="replace") as f:
        return f.read()


def sip_recv(sock, timeout=10, method=None):
    """The next SIP message on a UDP socket (a request of method, when
    given): (text, source address)."""
    sock.settimeout(timeout)
    while True:
        data, src = sock.recvfrom(65535)
        text = data.decode(errors="replace")
        if method is None or text.startswith(method + " "):
            return text, src


def sip_header(text, name):
    m = re.search(r"(?mi)^%s:\s*(.*?)\r?$" % re.escape(name), text)
    return m.group(1) if m else None


def sip_answer(request, status, phrase, to_tag="bindtest", extra=(), sdp=""):
    """A response to request with its Via, From, To (tagged), Call-ID,
    CSeq, the extra header lines, and an SDP body when given."""
    hdrs = ["SIP/2.0 %d %s" % (status, phrase)]
    for name in ("Via", "From", "To", "Call-ID", "CSeq"):
        val = sip_header(request, name)
        if name == "To" and ";tag=" not in val:
            val += ";tag=" + to_tag
        hdrs.append("%s: %s" % (name, val))
    hdrs.extend(extra)
    if sdp:
        hdrs.append("Content-Type: application/sdp")
    hdrs.append("Content-Length: %d" % len(sdp))
    return ("\r\n".join(hdrs) + "\r\n\r\n" + sdp).encode()


def udp_port_free(port):
    try:
        udp_socket(port).close()
        return True
    except OSError:
        return False


def udp_socket(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        raise
    return s


class Bind(TrunkCase):
    """`local-bind`: a trunk's own listener; its INVITEs are its own, its
    keepalives and answers leave from it."""

    def trunk_b(self, bind_port, peer="127.0.0.1 5998", extra=""):
        return ("sip-trunk a\n peer 127.0.0.1 5999\n transport udp\n"
                "sip-trunk b\n peer %s\n transport udp\n local-bind 127.0.0.1 %d\n%s" % (peer, bind_port, extra))

    def test_vty_write_show_and_errors(self):
        bp = free_port()
        self.start_td(self.trunk_b(bp))
        self.assertIn(" transport udp\n local-bind 127.0.0.1 %d\n" % bp, self.vty.cmd("write terminal"))
        self.assertIn(" local bind: sip:127.0.0.1:%d;transport=udp, listening" % bp, self.show("b"))
        self.assertIn(" local bind: the SIP agent's listener", self.show("a"))
        self.assertIn("SIP trunk b listening on sip:127.0.0.1:%d;transport=udp" % bp, self.td.log())
        hold = udp_socket()
        self.addCleanup(hold.close)
        held = hold.getsockname()[1]
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk a")
        errors = {
            "local-bind 127.0.0.1 %d" % bp: "127.0.0.1 port %d is SIP trunk b's local-bind" % bp,
            "local-bind 127.0.0.1 %d" % self.sip_port: "is the SIP agent's listener (the sip node)",
            "local-bind 127.0.0.1 %d" % held: "127.0.0.1 port %d (udp) is in use" % held,
            "local-bind 192.0.2.77 %d" % bp: "cannot bind 192.0.2.77 port %d" % bp,
            "local-bind 1:2:3 5070": "'1:2:3' is not an IPv4 or IPv6 address",
        }
        for line, err in errors.items():
            out = self.vty.cmd(line)
            self.assertIn("%", out, line)
            self.assertIn(err, out, line)
        self.vty.cmd("end")
        self.assertEqual(counter(self.show("a"), "Local binds refused or failed (address in use, not local)"), 5)
        self.assertIn(" local bind: the SIP agent's listener", self.show("a"))
        # live: move b's bind, then drop it; the old port is let go
        nbp = free_port()
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk b")
        self.assertEqual(self.vty.cmd("local-bind 127.0.0.1 %d" % nbp), "")
        self.vty.cmd("end")
        wait_for(lambda: "sip:127.0.0.1:%d;transport=udp, listening" % nbp in self.show("b"), 10, "the new bind")
        udp_socket(bp).close()
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk b")
        self.assertEqual(self.vty.cmd("transport tcp"), "")
        self.vty.cmd("end")
        wait_for(lambda: "sip:127.0.0.1:%d;transport=tcp, listening" % nbp in self.show("b"), 10,
                 "the bind over TCP")
        self.assertTrue(tt.port_open(nbp))
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk b")
        self.assertEqual(self.vty.cmd("no local-bind"), "")
        self.vty.cmd("end")
        wait_for(lambda: "local bind: the SIP agent's listener" in self.show("b"), 10, "no bind")
        wait_for(lambda: not tt.port_open(nbp), 10, "the TCP bind closed")
        # a bind added live, and let go with its trunk
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk a")
        self.assertEqual(self.vty.cmd("local-bind 127.0.0.1 %d" % bp), "")
        self.vty.cmd("end")
        wait_for(lambda: "sip:127.0.0.1:%d;transport=udp, listening" % bp in self.show("a"), 10, "a's bind")
        self.assertRaises(OSError, udp_socket, bp)
        self.vty.cmd("configure terminal")
        self.assertEqual(self.vty.cmd("no sip-trunk a"), "")
        self.vty.cmd("end")
        wait_for(lambda: udp_port_free(bp), 10, "a's bind closed with the trunk")
        self.assertNotIn("local-bind", self.vty.cmd("write terminal"))
        self.stop_clean()

    def test_port_in_use_config_line(self):
        hold = udp_socket()
        self.addCleanup(hold.close)
        cfg = tt.tandemd_config(free_port(), free_port(), extra=self.trunk_b(hold.getsockname()[1]))
        path = self.write("bad.cfg", cfg)
        line = cfg.splitlines().index(" local-bind 127.0.0.1 %d" % hold.getsockname()[1]) + 1
        out = subprocess.run([builddir("src", "tandemd"), "-c", path], capture_output=True, text=True, timeout=15)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("%s:%d:" % (path, line), out.stderr)
        self.assertIn("is in use", out.stderr)

    def test_bind_failing_at_start_then_retried(self):
        # the trial bind of the config line is over UDP; the transport that
        # follows makes it TCP, whose port is taken: the trunk starts
        # without its listener, unusable and counted, until it is retried
        hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(hold.close)
        hold.bind(("127.0.0.1", 0))
        hold.listen(1)
        port = hold.getsockname()[1]
        self.start_td("sip-trunk b\n peer 127.0.0.1 5998\n transport udp\n local-bind 127.0.0.1 %d\n"
                      " transport tcp\n" % port)
        out = self.show("b")
        self.assertIn(" local bind: sip:127.0.0.1:%d;transport=tcp, NOT listening (see the log)" % port, out)
        self.assertEqual(counter(out, "Local binds refused or failed (address in use, not local)"), 1)
        self.assertIn("SIP trunk b: cannot listen on sip:127.0.0.1:%d;transport=tcp" % port, self.td.log())
        hold.close()
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk b")
        self.assertEqual(self.vty.cmd("local-bind 127.0.0.1 %d" % port), "")
        self.vty.cmd("end")
        self.assertIn(" local bind: sip:127.0.0.1:%d;transport=tcp, listening" % port, self.show("b"))
        self.assertTrue(tt.port_open(port))
        self.stop_clean()

    def routes(self):
        return ("call-control\n"
                " route ra\n  match called-prefix 49\n  match source-trunk a\n  destination trunk isup-a\n"
                " route rb\n  match called-prefix 49\n  match source-trunk b\n  destination trunk isup-b\n")

    def route_calls(self, name):
        out = self.vty.cmd("show call-control routes")
        block = out[out.index("route %s:" % name):]
        return counter(block, "Calls that took this route")

    def test_invite_on_bind_is_the_trunks(self):
        # trunks a and b both have 127.0.0.1 as peer; on the agent's
        # listener a (the first) takes the INVITE, on b's bind b does
        bp = free_port()
        self.start_td(self.trunk_b(bp) + self.routes())
        proc, msgfile = self.sipp("trunk_uac_invite.xml", ["127.0.0.1:%d" % bp, "-m", "1", "-s", "4930123",
                                                           "-p", str(free_port()), "-timeout", "15",
                                                           "-timeout_error"], {"STATUS": "503"})
        self.assertEqual(proc.wait(30), 0, proc.log()[-2000:] + slurp(msgfile)[-2000:])
        self.assertEqual(self.route_calls("rb"), 1)
        self.assertEqual(self.route_calls("ra"), 0)
        self.assertEqual(counter(self.show("b"), "Calls received on the trunk"), 1)
        self.assertEqual(counter(self.show("a"), "Calls received on the trunk"), 0)
        # the agent's listener: today's admission, trunk a
        self.uac("trunk_uac_invite.xml", {"STATUS": "503"})
        self.assertEqual(self.route_calls("ra"), 1)
        self.assertEqual(self.route_calls("rb"), 1)
        # the answers to an INVITE on the bind leave from the bind
        s = udp_socket()
        self.addCleanup(s.close)
        port = s.getsockname()[1]
        s.sendto(("INVITE sip:4930123@127.0.0.1:%d SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-bind1;rport\r\n"
                  "From: <sip:4930100@127.0.0.1:%d>;tag=b1\r\nTo: <sip:4930123@127.0.0.1:%d>\r\n"
                  "Call-ID: bind-test-1\r\nCSeq: 1 INVITE\r\nContact: <sip:4930100@127.0.0.1:%d>\r\n"
                  "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % (bp, port, port, bp, port)).encode(),
                 ("127.0.0.1", bp))
        while True:
            text, src = sip_recv(s)
            self.assertEqual(src, ("127.0.0.1", bp), text)
            if not text.startswith("SIP/2.0 1"):
                break
        self.assertTrue(text.startswith("SIP/2.0 503 "), text)
        s.sendto(("ACK sip:4930123@127.0.0.1:%d SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-bind1;rport\r\n"
                  "From: <sip:4930100@127.0.0.1:%d>;tag=b1\r\nTo: %s\r\n"
                  "Call-ID: bind-test-1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
                  % (bp, port, port, sip_header(text, "To"))).encode(), ("127.0.0.1", bp))
        self.assertEqual(self.route_calls("rb"), 2)
        self.stop_clean()

    def test_non_peer_on_bind_403(self):
        # b's peer is 127.0.0.2; SIPp sends from 127.0.0.1, which trunk a
        # would admit on the agent's listener, but not on b's bind
        bp = free_port()
        self.start_td(self.trunk_b(bp, peer="127.0.0.2 5060") + self.routes())
        proc, msgfile = self.sipp("trunk_uac_invite.xml", ["127.0.0.1:%d" % bp, "-m", "1", "-s", "4930123",
                                                           "-p", str(free_port()), "-timeout", "15",
                                                           "-timeout_error"], {"STATUS": "403"})
        self.assertEqual(proc.wait(30), 0, proc.log()[-2000:])
        msgs = slurp(msgfile)
        self.assertIn("SIP/2.0 403 Source Not Allowed", msgs)
        self.assertIn("Warning: 399 tandem \"source address is not on the access list of this bind's trunk\"",
                      msgs)
        self.assertEqual(counter(self.show("b"), "Requests refused by the access list"), 1)
        self.assertEqual(counter(self.show("a"), "Calls received on the trunk"), 0)
        self.assertEqual(self.route_calls("ra"), 0)
        self.assertIn("on the bind of SIP trunk b refused 403", self.td.log())
        self.stop_clean()

    def test_keepalive_leaves_from_bind(self):
        peer = udp_socket()
        self.addCleanup(peer.close)
        pport = peer.getsockname()[1]
        bp = free_port()
        self.start_td(self.trunk_b(bp, peer="127.0.0.1 %d" % pport, extra=" keepalive 1 2\n"))
        text, src = sip_recv(peer, method="OPTIONS")
        self.assertEqual(src, ("127.0.0.1", bp))
        self.assertRegex(sip_header(text, "Via"), r"^SIP/2.0/UDP 127\.0\.0\.1:%d;" % bp)
        contact = sip_header(text, "Contact")
        if contact:
            self.assertIn("127.0.0.1:%d" % bp, contact)
        peer.sendto(sip_answer(text, 200, "OK"), src)
        wait_for(lambda: "last keepalive 200 OK" in self.show("b"), 10, "the 200 taken")
        # moved live: the pings follow
        nbp = free_port()
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk b")
        self.assertEqual(self.vty.cmd("local-bind 127.0.0.1 %d" % nbp), "")
        self.vty.cmd("end")

        def ping_from_new():
            text, src = sip_recv(peer, method="OPTIONS")
            peer.sendto(sip_answer(text, 200, "OK"), src)
            return src == ("127.0.0.1", nbp) and ("127.0.0.1:%d;" % nbp) in sip_header(text, "Via")
        wait_for(ping_from_new, 10, "OPTIONS from the new bind")
        self.assertIn("SIP trunk b: UP", self.show("b"))
        self.stop_clean()

    def test_ipv6_bind(self):
        peer = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.addCleanup(peer.close)
        try:
            peer.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback")
        bp = free_port()
        self.start_td("sip-trunk b\n peer ::1 %d\n transport udp\n local-bind ::1 %d\n keepalive 1 2\n"
                      % (peer.getsockname()[1], bp))
        self.assertIn(" local bind: sip:[::1]:%d;transport=udp, listening" % bp, self.show("b"))
        text, src = sip_recv(peer, method="OPTIONS")
        self.assertEqual(src[:2], ("::1", bp))
        self.assertRegex(sip_header(text, "Via"), r"^SIP/2.0/UDP \[::1\]:%d;" % bp)
        self.stop_clean()

    def test_keepalive_over_tcp_bind(self):
        port = free_port()
        _, msgfile = self.sipp("trunk_options_uas.xml", ["-t", "t1", "-p", str(port)])
        bp = free_port()
        self.start_td("sip-trunk b\n peer 127.0.0.1 %d\n transport tcp\n local-bind 127.0.0.1 %d\n"
                      " keepalive 1 2\n" % (port, bp))
        wait_for(lambda: "last keepalive 200 OK" in self.show("b"), 10, "a 200 over TCP")
        self.assertIn("Via: SIP/2.0/TCP 127.0.0.1:%d" % bp, slurp(msgfile))
        self.stop_clean()


UAS_SDP = ("v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio 6000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n")


class BindIsupToSip(ss7test.SS7TestCase):
    """IAMs routed to a SIP trunk with a local-bind: every request of the
    call leaves from the bind (source port, Via, Contact), and the answers
    come back to it."""

    def setUp(self):
        super().setUp()
        self.uas = udp_socket()
        self.addCleanup(self.uas.close)
        self.bp = free_port()
        self.vty.cmd("configure terminal")
        for line in ("sip-trunk uas", "peer 127.0.0.1 %d" % self.uas.getsockname()[1], "transport udp",
                     "profile sip", "local-bind 127.0.0.1 %d" % self.bp, "exit", "call-control",
                     "route from-isup", "match called-prefix 4930", "match source-trunk t1",
                     "destination trunk uas"):
            self.assertNotIn("%", self.vty.cmd(line), line)
        self.vty.cmd("end")
        wait_for(lambda: ", listening" in self.vty.cmd("show sip-trunk uas"), 10, "the trunk's bind")

    def iam(self, script):
        peer = self.start_peer(ss7test.STARTUP + "wait-file iam\nsend IAM cic=3 called=4930555\n" + script)
        self.wait_mark(peer, "reset")
        wait_for(lambda: len(self.circuits()) == 8 and all(c[0] == "idle" for c in self.circuits().values()),
                 10, "circuits idle")
        self.go("iam")
        return peer

    def recv_from_bind(self, method, timeout=15):
        text, src = sip_recv(self.uas, timeout, method)
        self.assertEqual(src, ("127.0.0.1", self.bp), text[:300])
        self.assertRegex(sip_header(text, "Via"), r"^SIP/2.0/UDP 127\.0\.0\.1:%d;" % self.bp)
        return text, src

    def test_busy(self):
        peer = self.iam("expect REL cic=3 cause=17\nsend RLC cic=3\n")
        text, src = self.recv_from_bind("INVITE")
        self.assertTrue(text.startswith("INVITE sip:4930555@127.0.0.1:%d;transport=udp SIP/2.0"
                                        % self.uas.getsockname()[1]), text[:200])
        self.assertIn("127.0.0.1:%d" % self.bp, sip_header(text, "Contact"))
        self.uas.sendto(sip_answer(text, 486, "Busy Here"), src)
        self.recv_from_bind("ACK")
        self.wait_peer(peer)
        wait_for(lambda: "0 call(s)" in self.vty.cmd("show calls"), 10, "calls to end")
        self.stop_tandemd_clean()

    def test_answered_call_and_bind_change_refused(self):
        peer = self.iam("expect ACM cic=3\nexpect ANM cic=3\nmark answered\nwait-file release\n"
                        "send REL cic=3 cause=16\nexpect RLC cic=3\n")
        invite, src = self.recv_from_bind("INVITE")
        contact = "Contact: <sip:4930555@127.0.0.1:%d>" % self.uas.getsockname()[1]
        self.uas.sendto(sip_answer(invite, 180, "Ringing", extra=[contact]), src)
        self.uas.sendto(sip_answer(invite, 200, "OK", extra=[contact], sdp=UAS_SDP), src)
        ack, _ = self.recv_from_bind("ACK")
        self.assertTrue(ack.startswith("ACK sip:4930555@127.0.0.1:%d" % self.uas.getsockname()[1]), ack[:200])
        self.wait_mark(peer, "answered")
        # the call lives in the bind's nua: the bind stays while it lasts
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip-trunk uas")
        for line in ("local-bind 127.0.0.1 %d" % free_port(), "no local-bind", "transport tcp"):
            self.assertIn("% 1 call(s) on SIP trunk uas: change its bind when there are none",
                          self.vty.cmd(line), line)
        self.vty.cmd("end")
        self.assertIn("local bind: sip:127.0.0.1:%d;transport=udp, listening" % self.bp,
                      self.vty.cmd("show sip-trunk uas"))
        self.go("release")
        bye, src = self.recv_from_bind("BYE")
        self.assertIn("Reason: Q.850;cause=16", bye)
        self.uas.sendto(sip_answer(bye, 200, "OK"), src)
        self.wait_peer(peer)
        wait_for(lambda: "0 call(s)" in self.vty.cmd("show calls"), 10, "calls to end")
        self.stop_tandemd_clean()

if __name__ == "__main__":
    tt.main()

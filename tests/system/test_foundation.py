#!/usr/bin/env python3
"""Foundation system tests: tandemd's command line, config, VTY and SIP agent."""
import os
import re
import signal
import socket
import subprocess
import time

import tandemtest as tt
from tandemtest import TandemTestCase, builddir, srcdir, free_port, wait_for

TANDEMD = builddir("src", "tandemd")


def config_lines(text):
    """The meaningful lines of a VTY config: no comments, blanks or 'end'."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped.startswith("#") or stripped == "end":
            continue
        out.append(line.rstrip())
    return out


def write_terminal_config(vty):
    vty.cmd("enable")
    text = vty.cmd("write terminal")
    return text.split("Current configuration:", 1)[1]


def sip_request(method, port, transport_port, call_id, extra="", body=""):
    return ("%s sip:test@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
            "From: <sip:tester@127.0.0.1>;tag=t%s\r\n"
            "To: <sip:test@127.0.0.1>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: 1 %s\r\n"
            "Contact: <sip:tester@127.0.0.1:%d>\r\n"
            "Max-Forwards: 70\r\n%s"
            "Content-Length: %d\r\n\r\n%s" % (method, port, transport_port, call_id, call_id, call_id,
                                              method, transport_port, extra, len(body), body)).encode()


class CommandLine(TandemTestCase):
    def test_version(self):
        out = subprocess.run([TANDEMD, "-V"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^tandemd \d+\.\d+\.\d+")

    def test_help(self):
        out = subprocess.run([TANDEMD, "-h"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn("-c, --config-file", out.stdout)

    def test_bad_option(self):
        out = subprocess.run([TANDEMD, "--frobnicate"], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)

    def test_missing_config(self):
        path = os.path.join(self.tmp, "nope.cfg")
        out = subprocess.run([TANDEMD, "-c", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(path, out.stderr)

    def test_unknown_config_line(self):
        vty, sip = free_port(), free_port()
        cfg = tt.tandemd_config(vty, sip).replace(" local-port", " frobnicate 12\n local-port")
        path = self.write("bad.cfg", cfg)
        bad_line = cfg.splitlines().index(" frobnicate 12") + 1
        out = subprocess.run([TANDEMD, "-c", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertRegex(out.stderr, r"tandemd: %s:%d: invalid config line ' frobnicate 12'"
                         % (re.escape(path), bad_line))

    def test_bad_config_value(self):
        vty, sip = free_port(), free_port()
        cfg = tt.tandemd_config(vty, sip).replace("local-port %d" % sip, "local-port 70000")
        path = self.write("bad.cfg", cfg)
        bad_line = cfg.splitlines().index(" local-port 70000") + 1
        out = subprocess.run([TANDEMD, "-c", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("%s:%d:" % (path, bad_line), out.stderr)

    def test_sip_port_in_use(self):
        vty, sip = free_port(), free_port()
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        blocker.bind(("127.0.0.1", sip))
        try:
            path = self.write("t.cfg", tt.tandemd_config(vty, sip))
            out = subprocess.run([TANDEMD, "-c", path], capture_output=True, text=True, timeout=15)
        finally:
            blocker.close()
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("cannot start the SIP agent", out.stderr)


class ExampleConfig(TandemTestCase):
    """doc/examples/tandemd.cfg as shipped: VTY on 127.0.0.1:4280, SIP on 5060."""

    def test_example_config(self):
        example = srcdir("doc", "examples", "tandemd.cfg")
        proc, vty = self.start_tandemd(config_path=example, vty_port=4280)
        self.assertIn("tandemd", vty.cmd("show version"))
        self.assertRegex(vty.cmd("show uptime"), r"tandemd has been running for \d+d")
        with open(example) as f:
            self.assertEqual(config_lines(write_terminal_config(vty)), config_lines(f.read()))
        self.assertEqual(proc.stop(), 0)


class Daemon(TandemTestCase):
    def setUp(self):
        super().setUp()
        self.vty_port, self.sip_port = free_port(), free_port()
        self.proc, self.vty = self.start_tandemd(tt.tandemd_config(self.vty_port, self.sip_port),
                                                 vty_port=self.vty_port)

    def test_single_thread(self):
        # Sofia's stack must run inside our loop, not in a thread of its own.
        self.assertEqual(len(os.listdir("/proc/%d/task" % self.proc.pid)), 1)

    def test_write_terminal_roundtrip(self):
        first = write_terminal_config(self.vty)
        path = self.write("second.cfg", first)
        vty2 = free_port()
        # Same config but a different VTY/SIP port so that both can run.
        text = re.sub(r"bind 127.0.0.1 \d+", "bind 127.0.0.1 %d" % vty2, first)
        text = re.sub(r"local-port \d+", "local-port %d" % free_port(), text)
        self.write("second.cfg", text)
        _, v2 = self.start_tandemd(config_path=path, vty_port=vty2, name="tandemd2")
        second = write_terminal_config(v2)
        self.assertEqual(config_lines(second), config_lines(text))

    def test_bad_vty_commands(self):
        self.assertIn("% Unknown command", self.vty.cmd("show frobnicate"))
        self.vty.cmd("enable")
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip")
        self.assertIn("% Unknown command", self.vty.cmd("local-port 70000"))
        self.assertIn("% Unknown command", self.vty.cmd("transport sctp"))
        self.assertIn("% invalid IP address 'not-an-ip'", self.vty.cmd("local-address not-an-ip"))
        self.assertRegex(self.vty.cmd("local-port"), r"% Command incomplete")
        self.vty.cmd("end")
        self.assertIn("local-port %d" % self.sip_port, self.vty.cmd("show running-config"))
        self.assertIn("tandemd", self.vty.cmd("show version"))
        self.assertTrue(self.proc.alive())

    def options_answered(self, port, timeout=2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(timeout)
        try:
            s.sendto(sip_request("OPTIONS", port, s.getsockname()[1], "probe%d" % port), ("127.0.0.1", port))
            return s.recv(65535).startswith(b"SIP/2.0 200")
        except (socket.timeout, ConnectionRefusedError):
            return False
        finally:
            s.close()

    def test_vty_config_change_is_written(self):
        self.vty.cmd("enable")
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip")
        out = self.vty.cmd("transport udp")
        self.assertIn("rebinds when you leave the sip node", out)
        self.assertIn("restarting on the new bind", self.vty.cmd("end"))
        self.assertIn(" transport udp\n", self.vty.cmd("write terminal") + "\n")
        wait_for(lambda: not tt.port_open(self.sip_port), 5, "TCP listener to go away")
        self.assertTrue(self.options_answered(self.sip_port))

    def test_live_rebind(self):
        new_port = free_port()
        self.vty.cmd("enable")
        self.vty.cmd("configure terminal")
        self.vty.cmd("sip")
        self.assertIn("rebinds", self.vty.cmd("local-port %d" % new_port))
        self.assertIn("restarting on the new bind", self.vty.cmd("exit"))
        wait_for(lambda: self.options_answered(new_port, 0.3), 5, "OPTIONS on the new port")
        self.assertFalse(self.options_answered(self.sip_port, 0.5))
        self.assertIn("bound to: sip:127.0.0.1:%d\n" % new_port, self.vty.cmd("do show sip") + "\n")

        # A bind that cannot work is rolled back to the running one.
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        blocker.bind(("127.0.0.1", self.sip_port))
        try:
            self.vty.cmd("sip")
            self.vty.cmd("local-port %d" % self.sip_port)
            self.vty.cmd("exit")
            wait_for(lambda: re.search(r"rolled back:\s+1 ", self.vty.cmd("do show sip")), 5, "rollback")
        finally:
            blocker.close()
        self.assertTrue(self.options_answered(new_port))
        self.assertIn("local-port %d" % new_port, self.vty.cmd("do show running-config"))
        self.assertTrue(self.proc.alive())

    def test_sigterm_clean_exit(self):
        self.proc.signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(10), 0)
        self.assertIn("tandemd stopped", self.proc.log())

    def test_sigint_clean_exit(self):
        self.proc.signal(signal.SIGINT)
        self.assertEqual(self.proc.wait(10), 0)

    def test_sigusr1_talloc_report(self):
        self.proc.signal(signal.SIGUSR1)
        wait_for(lambda: "talloc report of tandemd" in self.proc.log(), 5, "talloc report")
        self.assertRegex(self.proc.log(), r"tandemd: \d+ bytes in \d+ blocks")
        self.assertTrue(self.proc.alive())

    def test_options_udp_raw(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(5)
        s.sendto(sip_request("OPTIONS", self.sip_port, s.getsockname()[1], "opt1"),
                 ("127.0.0.1", self.sip_port))
        resp = s.recv(65535).decode()
        s.close()
        self.assertTrue(resp.startswith("SIP/2.0 200 OK\r\n"), resp)
        allow = re.search(r"^Allow: (.*)$", resp, re.M).group(1)
        for m in ("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"):
            self.assertIn(m, allow)
        self.assertRegex(resp, r"(?m)^Call-ID: opt1\r$")
        accept = re.search(r"^Accept: (.*)\r$", resp, re.M).group(1).split(", ")
        self.assertEqual(sorted(accept), ["application/ISUP", "application/sdp", "multipart/mixed"])
        self.assertRegex(self.vty.cmd("show sip"), r"OPTIONS requests received:\s+1 ")

    def test_invite_refused_and_timer_g(self):
        """Until call control lands, INVITE gets 503; the 503 is retransmitted
        on SIP timer G while nothing else happens in the loop."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.2)
        s.sendto(sip_request("INVITE", self.sip_port, s.getsockname()[1], "inv1"),
                 ("127.0.0.1", self.sip_port))
        t0 = time.monotonic()
        finals = []
        while time.monotonic() - t0 < 2.8:
            try:
                data = s.recv(65535).decode()
            except socket.timeout:
                continue
            if data.startswith("SIP/2.0 503"):
                finals.append(time.monotonic() - t0)
                self.assertRegex(data, r"(?m)^Reason: Q\.850;cause=41")
        s.close()
        # sent at ~0, then T1=0.5 s and 2*T1 later: at least three copies
        self.assertGreaterEqual(len(finals), 3, finals)
        self.assertGreater(finals[1] - finals[0], 0.3)
        self.assertGreater(finals[2] - finals[1], 0.7)

    def test_malformed_sip(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(2)
        me = s.getsockname()[1]
        for junk in (b"", b"\x00" * 100, b"GARBAGE\r\n\r\n", os.urandom(1400),
                     b"INVITE sip:x SIP/2.0\r\nContent-Length: 99999999\r\n\r\n"):
            s.sendto(junk, ("127.0.0.1", self.sip_port))
        # A request Sofia can frame but not accept gets a 400.
        s.sendto(("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKbad\r\n"
                  "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: bad1\r\nCSeq: abc\r\n"
                  "Content-Length: 0\r\n\r\n" % me).encode(), ("127.0.0.1", self.sip_port))
        resp = s.recv(65535).decode()
        self.assertTrue(resp.startswith("SIP/2.0 400"), resp)
        # Still serving.
        s.sendto(sip_request("OPTIONS", self.sip_port, me, "after"), ("127.0.0.1", self.sip_port))
        self.assertTrue(s.recv(65535).startswith(b"SIP/2.0 200"))
        s.close()
        self.assertTrue(self.proc.alive())

    def test_options_tcp(self):
        with socket.create_connection(("127.0.0.1", self.sip_port), timeout=5) as c:
            me = c.getsockname()[1]
            req = sip_request("OPTIONS", self.sip_port, me, "tcp1").replace(b"SIP/2.0/UDP", b"SIP/2.0/TCP")
            c.sendall(req)
            resp = b""
            while b"\r\n\r\n" not in resp:
                resp += c.recv(65535)
        self.assertTrue(resp.startswith(b"SIP/2.0 200 OK"), resp)

    def sipp(self, extra, count=3):
        self.require_tool(tt.SIPP, "sipp")
        scen = srcdir("tests", "system", "sipp", "options.xml")
        argv = [tt.SIPP, "127.0.0.1:%d" % self.sip_port, "-sf", scen, "-m", str(count),
                "-i", "127.0.0.1", "-p", str(free_port()), "-nostdin", "-timeout", "20",
                "-timeout_error", "-trace_msg", "-message_file", os.path.join(self.tmp, "sipp.msg")] + extra
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=self.tmp)
        self.assertEqual(out.returncode, 0, out.stdout[-2000:] + out.stderr[-2000:])
        with open(os.path.join(self.tmp, "sipp.msg")) as f:
            return f.read()

    def test_sipp_options_udp(self):
        msgs = self.sipp([])
        self.assertEqual(msgs.count("SIP/2.0 200 OK"), 3)
        self.assertRegex(self.vty.cmd("show sip"), r"OPTIONS requests received:\s+3 ")

    def test_sipp_options_tcp(self):
        msgs = self.sipp(["-t", "t1"], count=2)
        self.assertEqual(msgs.count("SIP/2.0 200 OK"), 2)


class Transports(TandemTestCase):
    def test_udp_only(self):
        vty, sip = free_port(), free_port()
        self.start_tandemd(tt.tandemd_config(vty, sip, transport="udp"), vty_port=vty)
        self.assertFalse(tt.port_open(sip))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(5)
        s.sendto(sip_request("OPTIONS", sip, s.getsockname()[1], "u1"), ("127.0.0.1", sip))
        self.assertTrue(s.recv(65535).startswith(b"SIP/2.0 200"))
        s.close()

    def test_tcp_only(self):
        vty, sip = free_port(), free_port()
        self.start_tandemd(tt.tandemd_config(vty, sip, transport="tcp"), vty_port=vty)
        self.assertTrue(tt.port_open(sip))


if __name__ == "__main__":
    tt.main()

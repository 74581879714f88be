#!/usr/bin/env python3
"""tandem-mgw under H.248.1 control: the test is the controller (MGC) on
127.0.0.1 and talks plain H.248 text over UDP; tests/h248_tool reads the
gateway's replies back as JSON.

Covered: the ServiceChange Restart on start and its retransmission until
answered, the ServiceChange Forced on stop, Add of a TDM termination and
an RTP termination ($) in a new context ($) with the Local SDP filled in,
a tone from RTP to the timeslot and from the timeslot to RTP (span 2
points at the test, as in test_mgw_span.py), Modify of the mode, AuditValue,
Subtract with Statistics, the RTP termination following the TDM
termination's arrival and departure, and the error answers (400, 411, 421,
430, 433, 434, 501, 510, 515), duplicates and foreign datagrams, each
counted."""
import json
import os
import re
import socket
import subprocess
import time

import tandemtest as tt
import test_h248_tshark as th
import test_mgw as tm
import test_mgw_span as ts
from tandemtest import builddir, free_port, wait_for
from test_mgw_span import Sender, check_tone_from_timeslot, check_tone_to_timeslot, drain, port_of, span_config, \
    udp_socket

TOOL = builddir("tests", "h248_tool")


def h248_json(text):
    """Our parser's reading of @text (tests/h248_tool -j)."""
    out = subprocess.run([TOOL, "-j"], input=text.encode(), capture_output=True, timeout=10)
    if out.returncode:
        raise AssertionError("h248_tool cannot read:\n%s\n%s" % (text, out.stderr.decode()))
    return json.loads(out.stdout)


def h248_counter(vty, name):
    return tm.counter(vty, name, "show h248")


def sdp_port(text):
    m = re.search(r"^m=audio (\d+) RTP/AVP ([\d ]+?)\r?$", text, re.M)
    return int(m.group(1)), [int(p) for p in m.group(2).split()]


def local_choose(pts="8 0"):
    return "Local {\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP %s\n}" % pts


def remote(port, pts="8"):
    return "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=audio %d RTP/AVP %s\n}" % (port, pts)


class Controller:
    """The MGC: one UDP socket, requests with increasing transaction ids."""

    def __init__(self):
        self.sock = udp_socket(timeout=5)
        self.port = port_of(self.sock)
        self.mgw_port = None
        self.tid = 100
        self.received = []     # every datagram the gateway sent us

    def send_raw(self, text):
        self.sock.sendto(text.encode(), ("127.0.0.1", self.mgw_port))

    def recv(self, timeout=5):
        self.sock.settimeout(timeout)
        data, _ = self.sock.recvfrom(65536)
        self.received.append(data)
        return data.decode()

    def message(self, body):
        return "MEGACO/1 [127.0.0.1]:%d\n%s" % (self.port, body)

    def request(self, actions, tid=None):
        """Send Transaction = tid { actions }; the reply's text and JSON."""
        if tid is None:
            self.tid += 1
            tid = self.tid
        self.send_raw(self.message("Transaction = %d {\n%s\n}" % (tid, actions)))
        return self.reply_to(tid)

    def reply_to(self, tid, timeout=5):
        end = time.monotonic() + timeout
        while True:
            text = self.recv(max(0.1, end - time.monotonic()))
            js = h248_json(text)
            t = js["trans"][0] if js["trans"] else None
            if t and t["kind"] == "reply" and t["id"] == tid:
                return text, js

    def close(self):
        self.sock.close()


def cmds(js):
    return [c for a in js["trans"][0]["actions"] for c in a["cmds"]]


class H248TestCase(ts.SpanTestCase):
    def start_h248(self, extra="", endpoints=2, answer=True):
        self.ctl = Controller()
        self.addCleanup(self.ctl.close)
        self.ctl.mgw_port = free_port(tcp=False)
        vty_port, self.mgcp_port = free_port(), free_port(tcp=False)
        cfg = tm.mgw_config(vty_port, self.mgcp_port, endpoints=endpoints)
        cfg += " h248 local-port %d\n h248 controller ip 127.0.0.1 port %d\n" % (self.ctl.mgw_port, self.ctl.port)
        self.proc, self.vty = self.start_mgw(cfg + extra, vty_port=vty_port)
        self.sc = self.ctl.recv()
        if answer:
            self.answer_sc(self.sc)
        return self.sc

    def tshark_agrees(self, sent):
        """tshark's megaco dissector reads each datagram of @sent as our
        parser does: transaction ids, contexts, commands, terminations,
        modes, SDP media lines, request ids, events and error codes."""
        path = os.path.join(self.tmp, "mgw-h248.pcap")
        rows = th.tshark_rows(self, path, sent)
        for row, data in zip(rows, sent):
            text = data.decode()
            where = "frame %s:\n%s\ntshark %r" % (row["frame.number"], text, row)
            self.assertEqual(row["_ws.malformed"], "", where)
            self.assertEqual(row["megaco.parse_error"], "", where)
            js = h248_json(text)
            if not js["trans"]:
                # the message-level Error: tshark has its code
                self.assertEqual(row["megaco.error_code"], str(js["error"]), where)
                continue
            for field, want in th.our_view(js, False).items():
                got = th.split(field, row[field])
                self.assertEqual(got if isinstance(want, (list, set)) else row[field], want,
                                 "%s: %s" % (field, where))

    def start_span_gateway(self):
        """The gateway, registered, with span 2 pointing at the test (self.peer)."""
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_port = free_port(tcp=False)
        self.start_h248(span_config(2, self.span_port, port_of(self.peer)))

    def answer_sc(self, text):
        tid = h248_json(text)["trans"][0]["id"]
        self.ctl.send_raw(self.ctl.message(
            "Reply = %d { Context = - { ServiceChange = ROOT { Services { ServiceChangeAddress = %d } } } }"
            % (tid, self.ctl.port)))
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show h248"), 5, "ServiceChange answered")

    def error_of(self, js):
        """The first Error code of a reply, at whichever level."""
        t = js["trans"][0]
        if "error" in t:
            return t["error"]
        for a in t["actions"]:
            if "error" in a:
                return a["error"]
            for c in a["cmds"]:
                if "error" in c:
                    return c["error"]
        return None


class Registration(H248TestCase):
    def test_service_change_until_answered_and_on_stop(self):
        first = self.start_h248(answer=False)
        js = h248_json(first)
        self.assertEqual(js["mid"], "[127.0.0.1]:%d" % self.ctl.mgw_port)
        t = js["trans"][0]
        self.assertEqual(t["kind"], "request")
        self.assertEqual(t["actions"][0]["ctx"], "-")
        sc = t["actions"][0]["cmds"][0]
        self.assertEqual((sc["cmd"], sc["term"], sc["method"], sc["reason"]),
                         ("ServiceChange", "ROOT", "restart", "901 Cold Boot"))
        self.assertIn("REGISTERING", self.vty.cmd("show h248"))
        # unanswered: the very same request again, same transaction id
        again = self.ctl.recv(5)
        self.assertEqual(again, first)
        self.answer_sc(first)
        self.assertEqual(h248_counter(self.vty, "sc:tx"), 1)
        self.assertGreaterEqual(h248_counter(self.vty, "tl:tx:retrans"), 1)
        self.assertEqual(h248_counter(self.vty, "sc:timeout"), 0)
        # a late duplicate answer changes nothing
        self.answer_sc(first)
        self.assertEqual(h248_counter(self.vty, "tl:rx:dup-reply"), 1)

        self.vty.cmd("enable")
        text = self.vty.cmd("write terminal")
        self.assertIn(" h248 local-port %d\n" % self.ctl.mgw_port, text)
        self.assertNotIn(" h248 version", text)      # the default, 1, goes unwritten
        self.assertIn(" h248 controller ip 127.0.0.1 port %d\n" % self.ctl.port, text)

        self.assertEqual(self.proc.stop(), 0)
        bye = h248_json(self.ctl.recv())["trans"][0]["actions"][0]["cmds"][0]
        self.assertEqual((bye["term"], bye["method"], bye["reason"]),
                         ("ROOT", "forced", "905 Termination taken out of service"))

    def test_unanswered_refused_then_accepted(self):
        # give up after 1.5 s, try again 1 s later
        first = h248_json(self.start_h248(" timer h248 T3 1500\n timer h248 T10 1\n", answer=False))
        tid = first["trans"][0]["id"]
        retrans = 0
        while True:
            js = h248_json(self.ctl.recv(5))
            if js["trans"][0]["id"] != tid:
                break
            retrans += 1
        self.assertGreaterEqual(retrans, 1)
        sc = js["trans"][0]["actions"][0]["cmds"][0]
        self.assertEqual((sc["method"], sc["reason"]), ("disconnected", "900 Service Restored"))
        self.assertEqual(h248_counter(self.vty, "sc:timeout"), 1)
        # refused: DISCONNECTED, and again after T10
        self.ctl.send_raw(self.ctl.message('Reply = %d { Error = 502 { "Not Ready" } }' % js["trans"][0]["id"]))
        wait_for(lambda: h248_counter(self.vty, "sc:rejected") == 1, 5, "refusal counted")
        self.assertIn("DISCONNECTED", self.vty.cmd("show h248"))
        third = self.ctl.recv(5)
        self.assertEqual(h248_json(third)["trans"][0]["actions"][0]["cmds"][0]["method"], "disconnected")
        self.answer_sc(third)
        self.assertEqual(h248_counter(self.vty, "sc:tx"), 3)
        self.vty.cmd("enable")
        self.assertIn(" timer h248 T3 1500\n", self.vty.cmd("write terminal"))

    def test_config_errors(self):
        base = tm.mgw_config(free_port(), free_port(tcp=False))
        for bad in (" h248 controller ip 300.1.1.1 port 2944", " h248 local-port 0", " h248 version 4"):
            cfg = base + bad + "\n"
            path = self.write("bad.cfg", cfg)
            out = subprocess.run([tm.MGW, "-c", path], capture_output=True, text=True, timeout=10)
            self.assertNotEqual(out.returncode, 0, bad)
            self.assertIn("%s:%d: invalid config line '%s'" % (path, len(cfg.splitlines()), bad), out.stderr)
        # the H.248 port taken: a clear refusal, not a half-started gateway
        taken = udp_socket()
        self.addCleanup(taken.close)
        cfg = base + " h248 local-port %d\n h248 controller ip 127.0.0.1 port 9\n" % port_of(taken)
        out = subprocess.run([tm.MGW, "-c", self.write("t.cfg", cfg)], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("cannot bind H.248 to 127.0.0.1:%d" % port_of(taken), out.stderr)

    def test_h248_off_by_default(self):
        vty_port = free_port()
        proc, vty = self.start_mgw(tm.mgw_config(vty_port, free_port(tcp=False)), vty_port=vty_port)
        self.assertIn("H.248: off (no controller)", vty.cmd("show h248"))


class Calls(H248TestCase):
    """Span 2 points at the test: timeslots are seen on the wire."""

    def setUp(self):
        super().setUp()
        self.start_span_gateway()

    def test_call_tone_modify_audit_subtract(self):
        sink = udp_socket()
        self.addCleanup(sink.close)
        text, js = self.ctl.request(
            "Context = $ {\n Add = tdm/2/3 { Media { LocalControl { Mode = SendReceive } } },\n"
            " Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive },\n%s,\n%s } } }\n}"
            % (local_choose("8 0"), remote(port_of(sink))))
        self.assertIsNone(self.error_of(js), text)
        ctx = js["trans"][0]["actions"][0]["ctx"]
        self.assertRegex(ctx, r"^\d+$")
        tdm, rtp = cmds(js)
        self.assertEqual((tdm["cmd"], tdm["term"]), ("Add", "tdm/2/3"))
        self.assertEqual(rtp["cmd"], "Add")
        self.assertRegex(rtp["term"], r"^rtp/\d+$")
        local = rtp["streams"][0]["local"]
        self.assertEqual(rtp["streams"][0]["id"], 1)
        self.assertIn("c=IN IP4 127.0.0.1", local)
        port, pts = sdp_port(local)
        self.assertEqual(pts, [8])
        self.assertEqual(port % 2, 0)
        self.assertNotIn("$", local)
        show = self.vty.cmd("show h248")
        self.assertIn("contexts 1, terminations 2", show)
        self.assertIn("context %s on ds/e1-2/3: tdm/2/3 (sendrecv) %s (sendrecv" % (ctx, rtp["term"]), show)
        # MGCP on the same gateway leaves the context's endpoint alone
        ca = tm.Mgcp(self.mgcp_port)
        self.addCleanup(ca.close)
        self.assertEqual(tm.resp_code(ca.cmd("DLCX", "ds/e1-2/3@mgw")), 403)
        self.assertEqual(tm.resp_code(ca.cmd("DLCX", "ds/e1-2/*@mgw")), 250)
        self.assertEqual(tm.resp_code(ca.cmd("CRCX", "ds/e1-2/3@mgw", "C: 1\r\nM: sendrecv\r\n")), 403)
        self.assertIn("contexts 1, terminations 2", self.vty.cmd("show h248"))
        self.assertIn("1 connection\n", self.vty.cmd("show connections") + "\n")

        # RTP -> timeslot 3 and timeslot 3 -> RTP: the tones come through
        check_tone_to_timeslot(self, self.peer, sink, port, 3)
        drain(sink, 0.05)
        check_tone_from_timeslot(self, self.peer, self.span_port, sink, 3)

        # Modify: inactive, so what arrives is dropped; the audit says so
        text, js = self.ctl.request("Context = %s { Modify = %s { Media { Stream = 1 { LocalControl {"
                                    " Mode = Inactive } } } } }" % (ctx, rtp["term"]))
        self.assertIsNone(self.error_of(js), text)
        self.assertEqual(h248_counter(self.vty, "modify:ok"), 1)
        dropped = tm.counter(self.vty, "rtp:drop-mode")
        snd = Sender(sink, port)
        snd.seq, snd.ts = 5000, 900000
        for _ in range(5):
            snd.send(bytes([0xd5]) * 160)
        wait_for(lambda: tm.counter(self.vty, "rtp:drop-mode") >= dropped + 5, 5, "inactive drops")
        text, js = self.ctl.request("Context = %s { AuditValue = %s { Audit { Media, Statistics } } }"
                                    % (ctx, rtp["term"]))
        self.assertIsNone(self.error_of(js), text)
        audit = cmds(js)[0]
        self.assertEqual(audit["streams"][0]["mode"], "inactive")
        self.assertEqual(sdp_port(audit["streams"][0]["remote"])[0], port_of(sink))
        self.assertIn("rtp/pr", audit["stats"])

        # Subtract *: both go, each with its Statistics, and so does the context
        text, js = self.ctl.request("Context = %s { Subtract = * { Audit { Statistics } } }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        gone = {c["term"]: c for c in cmds(js)}
        self.assertEqual(set(gone), {"tdm/2/3", rtp["term"]})
        self.assertEqual(gone["tdm/2/3"]["stats"], ["nt/dur"])
        self.assertEqual(gone[rtp["term"]]["stats"],
                         ["nt/dur", "nt/os", "nt/or", "rtp/ps", "rtp/pr", "rtp/pl", "rtp/jit"])
        pr = int(re.search(r"rtp/pr\s*=\s*(\d+)", text).group(1))
        ps = int(re.search(r"rtp/ps\s*=\s*(\d+)", text).group(1))
        self.assertGreaterEqual(pr, 40)
        self.assertGreaterEqual(ps, 20)
        self.assertEqual(int(re.search(r"nt/or\s*=\s*(\d+)", text).group(1)), 160 * pr)
        self.assertEqual(h248_counter(self.vty, "subtract:ok"), 2)
        self.assertIn("contexts 0, terminations 0", self.vty.cmd("show h248"))
        self.assertIn("0 connections", self.vty.cmd("show connections"))
        # the context is no more
        text, js = self.ctl.request("Context = %s { Modify = tdm/2/3 }" % ctx)
        self.assertEqual(js["trans"][0]["actions"][0].get("error"), 411, text)

    def test_rtp_first_then_tdm_g729(self):
        text, js = self.ctl.request("Context = $ { Add = $ { Media { Stream = 1 { %s } } } }" % local_choose("18"))
        self.assertIsNone(self.error_of(js), text)
        ctx = js["trans"][0]["actions"][0]["ctx"]
        rtp = cmds(js)[0]["term"]
        local = cmds(js)[0]["streams"][0]["local"]
        self.assertEqual(sdp_port(local)[1], [18])
        self.assertIn("a=rtpmap:18 G729/8000", local)
        self.assertIn("context %s on rtpbridge/1: %s" % (ctx, rtp), self.vty.cmd("show h248"))
        # the timeslot joins: the connection moves onto it, G.729 <-> G.711 there
        text, js = self.ctl.request("Context = %s { Add = tdm/2/4 }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        self.assertIn("context %s on ds/e1-2/4:" % ctx, self.vty.cmd("show h248"))
        conns = self.vty.cmd("show connections")
        self.assertIn("ds/e1-2/4@mgw conn", conns)
        self.assertIn("G729", conns)
        self.assertIn("timeslot 4 of span 2", conns)
        # and leaves: back to an rtpbridge, the timeslot is free again
        text, js = self.ctl.request("Context = %s { Subtract = tdm/2/4 }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        self.assertIn("context %s on rtpbridge/1: %s" % (ctx, rtp), self.vty.cmd("show h248"))
        self.assertNotIn("timeslot 4", self.vty.cmd("show connections"))
        text, js = self.ctl.request("Context = %s { Subtract = %s }" % (ctx, rtp))
        self.assertIsNone(self.error_of(js), text)
        self.assertIn("contexts 0", self.vty.cmd("show h248"))

    def test_errors_duplicates_and_counters(self):
        expect = {}

        def err(actions, code):
            text, js = self.ctl.request(actions)
            self.assertEqual(self.error_of(js), code, text)
            expect[code] = expect.get(code, 0) + 1
            return text, js

        err("Context = $ { Add = tdm/9/1 }", 430)                  # no span 9
        err("Context = - { Modify = rtp/77 }", 430)
        err("Context = - { AuditValue = tdm/2/32 { Audit { } } }", 430)
        err("Context = 4711 { Modify = tdm/2/1 }", 411)
        err("Context = - { Add = tdm/2/1 }", 421)                  # Add to the NULL context
        err("Context = - { Notify = tdm/2/1 { ObservedEvents = 1 { al/on } } }", 421)
        err("Context = $ { Move = tdm/2/1 }", 501)
        err("Context = $ { Add = ROOT }", 410)
        err("Context = $ { Add = tdm/2/2 { Media { Stream = 1 { %s } } } }" % remote(4000), 447)  # SDP on a timeslot
        err("Context = - { Modify = tdm/2/2 { Media { LocalControl { Mode = Inactive } } } }", 447)  # idle
        err("Context = $ { Add = $ { Media { Stream = 1 { Remote {\nv=0\nm=audio x RTP/AVP 8\n} } } } }", 449)
        err("Context = $ { Add = $ { Media { Stream = 1 { %s } } } }" % local_choose("3"), 515)  # GSM only
        # a context takes two terminations
        text, js = err("Context = $ { Add = tdm/2/1, Add = $, Add = $ }", 434)
        ctx = js["trans"][0]["actions"][0]["ctx"]
        self.assertEqual([c["term"][:4] for c in cmds(js)], ["tdm/", "rtp/", "$"])
        err("Context = $ { Add = tdm/2/1 }", 433)                  # already in that context
        text, js = self.ctl.request("Context = %s { Subtract = * }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        # two rtpbridge endpoints: the third RTP-only context finds none
        ctxs = []
        for _ in range(2):
            text, js = self.ctl.request("Context = $ { Add = $ }")
            self.assertIsNone(self.error_of(js), text)
            ctxs.append(js["trans"][0]["actions"][0]["ctx"])
        text, js = err("Context = $ { Add = $ }", 510)
        self.assertEqual(js["trans"][0]["actions"][0]["ctx"], "-")   # nothing kept
        # a duplicate gets the very same reply and is not executed again
        tid = self.ctl.tid + 1
        body = "Context = %s { Subtract = * }" % ctxs[0]
        first, _ = self.ctl.request(body, tid=tid)
        self.ctl.tid = tid
        self.ctl.send_raw(self.ctl.message("Transaction = %d {\n%s\n}" % (tid, body)))
        self.assertEqual(self.ctl.recv(), first)
        self.assertEqual(h248_counter(self.vty, "tl:rx:dup-request"), 1)
        self.assertEqual(h248_counter(self.vty, "subtract:ok"), 3)
        self.assertIn("contexts 1,", self.vty.cmd("show h248"))
        # malformed: a message-level 400; with a readable id, a reply with the error
        self.ctl.send_raw("this is not H.248")
        js = h248_json(self.ctl.recv())
        self.assertEqual(js.get("error"), 400)
        self.ctl.send_raw(self.ctl.message("Transaction = 9001 { Context = 1 { Frobnicate = x } }"))
        js = h248_json(self.ctl.recv())
        self.assertEqual(js["trans"][0]["id"], 9001)
        self.assertGreaterEqual(js["trans"][0]["error"], 400)
        self.assertEqual(h248_counter(self.vty, "tl:rx:malformed"), 2)
        # somebody else: no answer, counted
        stranger = udp_socket(timeout=0.5)
        self.addCleanup(stranger.close)
        stranger.sendto(self.ctl.message("Transaction = 1 { Context = - { AuditValue = ROOT } }").encode(),
                        ("127.0.0.1", self.ctl.mgw_port))
        wait_for(lambda: h248_counter(self.vty, "rx:foreign") == 1, 5, "foreign datagram counted")
        self.assertRaises(socket.timeout, stranger.recvfrom, 100)
        # AuditValue ROOT answers with the packages
        text, js = self.ctl.request("Context = - { AuditValue = ROOT { Audit { Packages } } }")
        self.assertIsNone(self.error_of(js), text)
        self.assertRegex(text, r"Packages\s*\{[^}]*rtp-1")
        for code, n in expect.items():
            name = "err:sdp" if code in (441, 449) else "err:%d" % code
            self.assertEqual(h248_counter(self.vty, name), n, name)
        self.assertEqual(h248_counter(self.vty, "err:other"), 0)

    def test_tshark_decodes_what_the_gateway_sent(self):
        """Every datagram of a call (ServiceChange, replies to Add, Modify,
        AuditValue, Subtract with Statistics, errors) as tshark's megaco
        dissector reads it: the same transaction ids, contexts, commands,
        terminations, modes, SDP media lines and error codes as ours."""
        self.require_tool(tt.TSHARK, "tshark")
        text, js = self.ctl.request(
            "Context = $ { Add = tdm/2/5, Add = $ { Media { Stream = 1 { LocalControl { Mode = ReceiveOnly },"
            " %s, %s } } } }" % (local_choose("8"), remote(4000)))
        ctx, rtp = js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]
        self.ctl.request("Context = %s { Modify = %s { Media { Stream = 1 { LocalControl { Mode = SendReceive },"
                         " %s } } } }" % (ctx, rtp, remote(4002)))
        self.ctl.request("Context = %s { AuditValue = %s { Audit { Media } } }" % (ctx, rtp))
        self.ctl.request("Context = %s { Subtract = * { Audit { Statistics } } }" % ctx)
        self.ctl.request("Context = %s { Modify = %s }" % (ctx, rtp))
        self.ctl.request("Context = - { Modify = rtp/999 }")
        self.ctl.send_raw("nonsense")
        self.ctl.recv()
        self.proc.stop()
        self.ctl.recv()
        sent = self.ctl.received
        self.assertEqual(len(sent), 9)
        self.tshark_agrees(sent)


def dtmf_frames(digit, ms, slot):
    """@ms 1 ms SAToP payloads with DTMF @digit (silence for None) in timeslot @slot."""
    lo, hi = ts.DTMF_HZ[digit] if digit else (0, 0)
    out = []
    for i in range(ms):
        frames = bytearray([0xd5]) * 256
        if digit:
            pcm = [a + b for a, b in zip(tm.tone(8, lo, 4000.0, i * 8), tm.tone(8, hi, 4000.0, i * 8))]
            frames[slot::32] = bytes(tm.alaw_encode(v) for v in pcm)
        out.append(bytes(frames))
    return out


def observed(c):
    """The ObservedEvents of command @c without their timestamps."""
    return [o.split(":")[-1] for o in c["observed"]]


class Dtmf(H248TestCase):
    """Events dd on a TDM termination: each armed digit heard in the
    timeslot (span 2 points at the test) is a Notify with ObservedEvents."""

    def setUp(self):
        super().setUp()
        self.start_span_gateway()
        self.sink = udp_socket()
        self.addCleanup(self.sink.close)
        self.seen = set()
        self.seq = 100

    def call(self, tdm_extra):
        text, js = self.ctl.request(
            "Context = $ {\n Add = tdm/2/7 { Media { LocalControl { Mode = SendReceive } }%s },\n"
            " Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive },\n%s,\n%s } } }\n}"
            % (tdm_extra, local_choose("8"), remote(port_of(self.sink))))
        self.assertIsNone(self.error_of(js), text)
        return js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]

    def play(self, digits):
        """Each digit 100 ms, then 100 ms silence, into timeslot 7."""
        for d in digits:
            for payload in dtmf_frames(d, 100, 7) + dtmf_frames(None, 100, 7):
                # the span's sequence numbers go on from one play to the next
                self.peer.sendto(ts.satop_packet(self.seq, payload), ("127.0.0.1", self.span_port))
                self.seq += 1
                if self.seq % 10 == 0:
                    time.sleep(0.01)

    def answer(self, text):
        """Answer a Notify request (again, if retransmitted); its JSON when new."""
        js = h248_json(text)
        t = js["trans"][0]
        if t["kind"] != "request":
            return None
        self.ctl.send_raw(self.ctl.message("Reply = %d { Context = %s { Notify = %s } }"
                                           % (t["id"], t["actions"][0]["ctx"], cmds(js)[0]["term"])))
        if t["id"] in self.seen:
            return None
        self.seen.add(t["id"])
        return js

    def notifies(self, n, timeout=5):
        """The next @n Notify requests (retransmissions skipped), each answered."""
        out = []
        end = time.monotonic() + timeout
        while len(out) < n:
            text = self.ctl.recv(max(0.1, end - time.monotonic()))
            js = self.answer(text)
            if js:
                out.append((text, js))
        return out

    def no_more_notifies(self):
        """Nothing but retransmissions of what was answered comes within 0.3 s."""
        new = [d for d in drain(self.ctl.sock, 0.3) if self.answer(d.decode())]
        self.assertEqual(new, [])

    def test_armed_digits_are_notified(self):
        ctx, rtp = self.call(", Events = 1234 { dd/d5, dd/do }")
        self.play(["5", "1", "#"])
        got = self.notifies(2)
        for (text, js), event in zip(got, ["dd/d5", "dd/do"]):
            self.assertEqual(js["trans"][0]["actions"][0]["ctx"], ctx, text)
            c = cmds(js)[0]
            self.assertEqual((c["cmd"], c["term"], c["observed_rid"], observed(c)),
                             ("Notify", "tdm/2/7", 1234, [event]), text)
            self.assertRegex(text, r"\d{8}T\d{8}:" + event)
        wait_for(lambda: tm.counter(self.vty, "dtmf:detected") >= 3, 5, "three digits detected")
        self.assertEqual(h248_counter(self.vty, "notify:tx"), 2)
        # the '1' was not armed: nothing more came
        self.no_more_notifies()
        if tt.TSHARK:
            self.tshark_agrees([text.encode() for text, _ in got])
        self.assertEqual(h248_counter(self.vty, "notify:fail"), 0)

        # Modify replaces the events: now every digit, with a new RequestID
        text, js = self.ctl.request("Context = %s { Modify = tdm/2/7 { Events = 77 { dd/* } } }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        self.play(["1"])
        (text, js), = self.notifies(1)
        self.assertEqual((cmds(js)[0]["observed_rid"], observed(cmds(js)[0])), (77, ["dd/d1"]), text)
        # an empty Events descriptor disarms: with no RFC 4733 events
        # offered either, the detector stops listening
        wait_for(lambda: tm.counter(self.vty, "dtmf:detected") >= 4, 5, "the fourth digit detected")
        text, js = self.ctl.request("Context = %s { Modify = tdm/2/7 { Events = 78 { } } }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        self.play(["9"])
        self.no_more_notifies()
        self.assertEqual(tm.counter(self.vty, "dtmf:detected"), 4)
        self.assertEqual(h248_counter(self.vty, "notify:tx"), 3)

    def test_unsupported_events_answer_errors(self):
        ctx, rtp = self.call("")
        cases = [
            ("tdm/2/7", "Events = 1 { xx/foo }", 440),
            ("tdm/2/7", "Events = 1 { dd/d5, al/of }", 440),
            ("tdm/2/7", "Events = 1 { dd/zz }", 451),
            ("tdm/2/7", "Events = 1 { dd/ce { DigitMap = dmap1 } }", 446),
            ("tdm/2/7", "Events = 1 { dd/ce }", 501),
            (rtp, "Events = 1 { dd/d5 }", 440),
        ]
        for term, events, code in cases:
            text, js = self.ctl.request("Context = %s { Modify = %s { %s } }" % (ctx, term, events))
            self.assertEqual(self.error_of(js), code, text)
        text, js = self.ctl.request("Context = - { Modify = tdm/2/9 { Events = 1 { dd/d5 } } }")
        self.assertEqual(self.error_of(js), 501, text)
        self.assertEqual(h248_counter(self.vty, "err:440"), 3)
        self.assertEqual(h248_counter(self.vty, "err:451"), 1)
        self.assertEqual(h248_counter(self.vty, "err:446"), 1)
        self.assertEqual(h248_counter(self.vty, "err:501"), 2)
        # the failed Modifys left nothing armed: the detector does not even
        # run (no RFC 4733 events were offered), and no Notify comes
        self.play(["5"])
        self.no_more_notifies()
        self.assertEqual(tm.counter(self.vty, "dtmf:detected"), 0)


if __name__ == "__main__":
    tt.main()

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
counted.  Audits: wildcard AuditValue in the NULL context, in a context
and in context ALL ("*"), AuditCapabilities of ROOT, timeslots and RTP
terminations, 431 and 533.  Move: an RTP termination between contexts
with its media and Statistics, and Move's errors."""
import json
import math
import os
import re
import socket
import subprocess
import time

import pcap
import tandemtest as tt
import test_h248_tshark as th
import test_mgw as tm
import test_mgw_span as ts
from dtmftone import dtmf_frames
from tandemtest import builddir, free_port, wait_for
from test_mgw_span import Sender, check_tone_from_timeslot, check_tone_to_timeslot, drain, pending, port_of, \
    span_config, udp_socket

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

    def tdm_rtp_call(self, slot, sink, tdm_extra=""):
        """A context with tdm/2/@slot and an RTP termination (PCMA) that
        sends to @sink, both SendReceive: its id, the RTP termination, its port."""
        text, js = self.ctl.request(
            "Context = $ {\n Add = tdm/2/%d { Media { LocalControl { Mode = SendReceive } }%s },\n"
            " Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive },\n%s,\n%s } } }\n}"
            % (slot, tdm_extra, local_choose("8"), remote(port_of(sink))))
        self.assertIsNone(self.error_of(js), text)
        rtp = cmds(js)[1]
        return js["trans"][0]["actions"][0]["ctx"], rtp["term"], sdp_port(rtp["streams"][0]["local"])[0]

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
        # 11.3 the version spoken, 7.2.8 a TimeStamp with a registration
        self.assertRegex(first, r"(?:Version|V)\s*=\s*1\b")
        self.assertRegex(first, r"(?:TimeStamp\s*=\s*)?\b\d{8}T\d{8}\b")
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


class OnSpan(H248TestCase):
    """The gateway registered, span 2 pointing at the test: timeslots are
    seen on the wire."""

    def setUp(self):
        super().setUp()
        self.start_span_gateway()


class Calls(OnSpan):
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
        return self.tdm_rtp_call(7, self.sink, tdm_extra)[:2]

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


def frame_rms(pcm, block=160):
    """RMS of each 20 ms block of @pcm."""
    return [math.sqrt(tm.mean_square(pcm[i:i + block])) for i in range(0, len(pcm) - block + 1, block)]


def runs(flags):
    """[value, length] of each run of equal values in @flags."""
    out = []
    for f in flags:
        if out and out[-1][0] == f:
            out[-1][1] += 1
        else:
            out.append([f, 1])
    return out


def share(pcm, *freqs):
    """The share of @pcm's power at @freqs (Goertzel)."""
    return sum(tm.goertzel(pcm, f) for f in freqs) / tm.mean_square(pcm)


LOUD = 1000     # RMS of a 20 ms block that holds tone (ours is about 5000)
QUIET = 100     # RMS of silence, or of A-law idle


class Signals(H248TestCase):
    """Signals descriptor: cg tones and dd digits into a timeslot (span 2
    points at the test) and into the RTP stream of an RTP termination."""

    def setUp(self):
        super().setUp()
        self.start_span_gateway()
        self.sink = udp_socket()
        self.addCleanup(self.sink.close)
        self.seq = 100
        self.sent = []

    def call(self, slot):
        return self.tdm_rtp_call(slot, self.sink)

    def signals(self, ctx, term, desc, code=None):
        """Modify @term with Signals @desc; the reply must carry Error @code.
        What the span sent before is dropped: timeslot() gets what came after."""
        pending(self.peer)
        req = "Context = %s { Modify = %s { Signals { %s } } }" % (ctx, term, desc)
        text, js = self.ctl.request(req)
        self.assertEqual(self.error_of(js), code, text)
        # tshark names a SignalList "SignalList = id" and not its signals:
        # that request is left out of the comparison, its reply is not
        if "SignalList" not in desc:
            self.sent.append(self.ctl.message("Transaction = %d {\n%s\n}" % (self.ctl.tid, req)).encode())
        self.sent.append(text.encode())
        return text

    def timeslot(self, slot, packets=0, snd=None, seconds=0.0, flush=False):
        """The audio of @slot the span sends (since signals(), or from now
        with @flush) while @snd sends @packets of 1000 Hz RTP (or for
        @seconds without)."""
        if flush:
            pending(self.peer)
        wire = []
        if snd:
            snd.pcma_tone(packets, 1000.0, also=lambda: wire.extend(pending(self.peer)))
        wire += drain(self.peer, seconds or 0.1)
        return [tm.alaw_decode(b) for p in wire for b in p[16:][slot::32]]

    def feed_span(self, ms, slot):
        """@ms of silence into timeslot @slot, paced; the RTP that the sink gets meanwhile."""
        got = []
        for payload in dtmf_frames(None, ms, slot):
            self.peer.sendto(ts.satop_packet(self.seq, payload), ("127.0.0.1", self.span_port))
            self.seq += 1
            if self.seq % 10 == 0:
                time.sleep(0.01)
                got += pending(self.sink)
        return got + drain(self.sink, 0.2)

    def test_ringback_into_timeslot_stop_and_digit(self):
        ctx, rtp, port = self.call(3)
        self.signals(ctx, "tdm/2/3", "cg/rt")
        # 5.6 s of the timeslot while the IP side sends 1000 Hz: the tone
        # replaces it, 425 Hz one second on, four seconds of silence off
        snd = Sender(self.sink, port)
        pcm = self.timeslot(3, 280, snd)
        self.assertIn("tdm/2/3 (sendrecv, signal cg/rt)", self.vty.cmd("show h248"))
        text, js = self.ctl.request("Context = %s { AuditValue = tdm/2/3 { Audit { Signals } } }" % ctx)
        self.assertEqual(cmds(js)[0]["signals"], ["cg/rt"], text)
        rms = frame_rms(pcm)
        r = runs([v > LOUD for v in rms])
        on = [i for i, (loud, _) in enumerate(r) if loud]
        self.assertTrue(on, r)
        first = on[0]
        self.assertGreater(len(r), first + 2, r)
        self.assertIn(r[first][1], (49, 50, 51), r)           # 1 s on: 50 frames
        self.assertIn(r[first + 1][1], (198, 199, 200, 201), r)  # 4 s off: 200 frames
        start = sum(n for _, n in r[:first])
        tone = [v for b in range(start + 2, start + r[first][1] - 2) for v in pcm[b * 160:(b + 1) * 160]]
        self.assertGreater(share(tone, 425), 0.9)
        off = rms[start + r[first][1] + 1:start + r[first][1] + r[first + 1][1] - 1]
        self.assertLess(max(off), QUIET)                      # silence, not the 1000 Hz of RTP
        self.assertEqual(h248_counter(self.vty, "signal:ok"), 1)

        # an empty Signals stops it: the RTP's 1000 Hz comes through again
        self.signals(ctx, "tdm/2/3", "")
        self.assertIn("tdm/2/3 (sendrecv)", self.vty.cmd("show h248"))
        pcm = self.timeslot(3, 40, snd)
        tonepcm, n_loud = ts.toned_blocks(pcm)
        self.assertGreaterEqual(n_loud, 20)
        self.assertGreater(share(tonepcm, 1000), 0.9)

        # dg/d5, a brief signal: 100 ms of 770 + 1336 Hz, then the media again
        self.signals(ctx, "tdm/2/3", "dg/d5")
        pcm = self.timeslot(3, seconds=0.4)
        rms = frame_rms(pcm)
        loud = [i for i, v in enumerate(rms) if v > LOUD]
        self.assertIn(len(loud), (5, 6), rms)
        digit = [v for b in loud[1:-1] for v in pcm[b * 160:(b + 1) * 160]]
        self.assertGreater(share(digit, 770, 1336), 0.9)
        self.assertGreater(tm.goertzel(digit, 770) / tm.mean_square(digit), 0.3)
        self.assertGreater(tm.goertzel(digit, 1336) / tm.mean_square(digit), 0.3)
        # Duration is in hundredths of a second: 30 is 300 ms, 15 frames
        self.signals(ctx, "tdm/2/3", "cg/dt { Duration = 30 }")
        rms = frame_rms(self.timeslot(3, seconds=0.6))
        self.assertIn(len([v for v in rms if v > LOUD]), (15, 16), rms)
        self.assertEqual(h248_counter(self.vty, "signal:ok"), 4)
        if tt.TSHARK:
            self.tshark_agrees(self.sent)

    def test_busy_into_rtp(self):
        ctx, rtp, port = self.call(5)
        self.signals(ctx, rtp, "cg/bt")
        self.assertIn("signal cg/bt", self.vty.cmd("show h248"))
        # the timeslot's silence goes out as RTP: busy tone instead, in PCMA
        got = [tm.parse_rtp(p) for p in self.feed_span(2300, 5)]
        self.assertTrue(got and all(p["pt"] == 8 and len(p["payload"]) == 160 for p in got), got[:3])
        pcm = [tm.alaw_decode(b) for p in got for b in p["payload"]]
        r = runs([v > LOUD for v in frame_rms(pcm)])
        # 0.5 s on, 0.5 s off: 25 packets each, the first and last runs cut
        inner = r[1:-1]
        self.assertGreaterEqual(len(inner), 2, r)
        for loud, n in inner:
            self.assertIn(n, (24, 25, 26), r)
        # each full block of it is 425 Hz (blocks of different bursts are
        # not in phase: Goertzel takes them one by one)
        blocks = [pcm[i:i + 160] for i in range(0, len(pcm) - 159, 160)]
        full = [b for b in blocks if math.sqrt(tm.mean_square(b)) > 4 * LOUD]
        self.assertGreater(len(full), 40)
        self.assertGreater(min(share(b, 425) for b in full), 0.9)
        # stopped: what the timeslot carries (silence) goes out again
        self.signals(ctx, rtp, "")
        got = [tm.parse_rtp(p) for p in self.feed_span(300, 5)]
        self.assertTrue(got)
        self.assertLess(max(frame_rms([tm.alaw_decode(b) for p in got for b in p["payload"]])), QUIET)
        self.assertEqual(h248_counter(self.vty, "signal:ok"), 2)
        if tt.TSHARK:
            self.tshark_agrees(self.sent)

    def test_move_onto_an_rtpbridge_stops_a_tone_towards_rtp(self):
        # the tone towards RTP is clocked by the timeslot: moved away from
        # it (into a context of its own, on an rtpbridge) it stops, and
        # the audit says so
        ctx, rtp, port = self.call(6)
        self.signals(ctx, rtp, "cg/bt")
        self.assertIn("signal cg/bt", self.vty.cmd("show h248"))
        text, js = self.ctl.request("Context = $ { Move = %s }" % rtp)
        self.assertIsNone(self.error_of(js), text)
        new_ctx = js["trans"][0]["actions"][0]["ctx"]
        self.assertNotIn("signal cg/bt", self.vty.cmd("show h248"))
        text, js = self.ctl.request("Context = %s { AuditValue = %s { Audit { Signals } } }" % (new_ctx, rtp))
        self.assertIsNone(self.error_of(js), text)
        self.assertNotIn("cg/bt", text)

    def test_errors(self):
        ctx, rtp, port = self.call(7)
        # dd is detection only: its digits are no signals (E.6.3), dg's are
        for desc, code in [("xx/yy", 440), ("cg/zz", 452), ("dg/zz", 452), ("dd/d5", 452), ("cg/rt { foo = 1 }", 446),
                           ("cg/rt { SignalType = Sometimes }", 446), ("dg/d5 { SignalType = TimeOut }", 457),
                           ("SignalList = 1 { cg/rt, cg/bt }", 501), ("cg/rt, cg/bt", 501),
                           ("cg/pt { tl = dt }", 501)]:
            self.signals(ctx, "tdm/2/7", desc, code)
        # an idle timeslot: nothing to play to
        text, js = self.ctl.request("Context = - { Modify = tdm/2/9 { Signals { cg/dt } } }")
        self.assertEqual(self.error_of(js), 501, text)
        # an RTP termination on an rtpbridge: no timeslot clocks the tone
        text, js = self.ctl.request("Context = $ { Add = $ { Media { Stream = 1 { %s } } } }" % local_choose("8"))
        self.assertIsNone(self.error_of(js), text)
        self.signals(js["trans"][0]["actions"][0]["ctx"], cmds(js)[0]["term"], "cg/rt", 501)
        # a failed Signals leaves the Events alone, and the other way round
        text, js = self.ctl.request("Context = %s { Modify = tdm/2/7 { Events = 5 { xx/foo }, Signals { cg/rt } } }"
                                    % ctx)
        self.assertEqual(self.error_of(js), 440, text)
        self.assertNotIn("signal cg", self.vty.cmd("show h248"))
        self.assertEqual(h248_counter(self.vty, "err:440"), 2)
        self.assertEqual(h248_counter(self.vty, "err:452"), 3)
        self.assertEqual(h248_counter(self.vty, "err:446"), 2)
        self.assertEqual(h248_counter(self.vty, "err:501"), 5)
        self.assertEqual(h248_counter(self.vty, "err:other"), 1)    # 457
        self.assertEqual(h248_counter(self.vty, "signal:ok"), 0)
        # with OnOff and a Duration the parameters are accepted
        self.signals(ctx, "tdm/2/7", "dg/d9 { SignalType = TimeOut, Duration = 2000 }")
        self.signals(ctx, "tdm/2/7", "cg/sit { SY = OO }")
        self.assertIn("signal cg/sit", self.vty.cmd("show h248"))
        self.assertEqual(h248_counter(self.vty, "signal:ok"), 2)
        self.assertGreater(max(frame_rms(self.timeslot(7, seconds=0.3))), LOUD)
        # the termination goes, and its tone with it: the timeslot is idle
        text, js = self.ctl.request("Context = %s { Subtract = * }" % ctx)
        self.assertIsNone(self.error_of(js), text)
        self.assertEqual(set(self.timeslot(7, seconds=0.2, flush=True)), {tm.alaw_decode(0xD5)})
        if tt.TSHARK:
            self.tshark_agrees(self.sent)


def requests_and_replies(ctl, bodies):
    """Send a transaction for each of @bodies, wait for its reply; the
    datagrams both ways, request then reply, for tshark."""
    out = []
    for body in bodies:
        ctl.tid += 1
        out.append(ctl.message("Transaction = %d {\n%s\n}" % (ctl.tid, body)).encode())
        ctl.sock.sendto(out[-1], ("127.0.0.1", ctl.mgw_port))
        ctl.reply_to(ctl.tid)
        out.append(ctl.received[-1])
    return out


def terms_by_ctx(js):
    """[(ctx, [term, ...]), ...] of a reply, in order."""
    return [(a["ctx"], [c["term"] for c in a["cmds"]]) for a in js["trans"][0]["actions"]]


class Audits(OnSpan):
    """AuditValue and AuditCapabilities with wildcards, in a context, in
    the NULL context and in context ALL (H.248.1 6.2, 7.2.5, 7.2.6)."""

    def call(self, ts):
        """A context with tdm/2/@ts and an RTP termination; (ctx, rtp)."""
        text, js = self.ctl.request("Context = $ { Add = tdm/2/%d, Add = $ { Media { Stream = 1 { %s } } } }"
                                    % (ts, local_choose("8")))
        self.assertIsNone(self.error_of(js), text)
        return js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]

    def rtp_only(self):
        text, js = self.ctl.request("Context = $ { Add = $ }")
        self.assertIsNone(self.error_of(js), text)
        return js["trans"][0]["actions"][0]["ctx"], cmds(js)[0]["term"]

    def ok(self, actions):
        text, js = self.ctl.request(actions)
        self.assertIsNone(self.error_of(js), text)
        return text, js

    def err(self, actions, code):
        text, js = self.ctl.request(actions)
        self.assertEqual(self.error_of(js), code, text)
        return text, js

    def test_wildcard_audit_value(self):
        ctx, rtp = self.call(3)
        # the NULL context: the idle timeslots of span 2, in order, ids alone
        text, js = self.ok("Context = - { AuditValue = tdm/2/* { Audit { } } }")
        self.assertEqual(terms_by_ctx(js), [("-", ["tdm/2/%d" % t for t in range(1, 32) if t != 3])])
        self.assertNotIn("{", text.split("Reply")[1].split("AuditValue", 1)[1].split("\n")[0])
        for c in cmds(js):
            self.assertEqual((c["streams"], c["stats"], c["events"]), ([], [], []))
        # a "*" inside a level; "*" alone; a level of "*" in the middle
        text, js = self.ok("Context = - { AuditValue = tdm/2/1* { Audit { } } }")
        self.assertEqual(terms_by_ctx(js)[0][1], ["tdm/2/1"] + ["tdm/2/%d" % t for t in range(10, 20)])
        text, js = self.ok("Context = - { AuditValue = tdm/*/2 { Audit { TerminationState } } }")
        self.assertEqual(terms_by_ctx(js)[0][1], ["tdm/2/2"])
        self.assertRegex(text, r"ServiceStates\s*=\s*InService")
        text, js = self.ok("Context = - { AuditValue = * { Audit { } } }")
        self.assertEqual(len(cmds(js)), 30)
        # in a context: its terminations, with what the Audit asks
        text, js = self.ok("Context = %s { AuditValue = * { Audit { Media, Statistics } } }" % ctx)
        self.assertEqual(terms_by_ctx(js), [(ctx, ["tdm/2/3", rtp])])
        tdm, r = cmds(js)
        self.assertEqual(tdm["streams"][0]["mode"], "sendrecv")
        self.assertEqual(tdm["stats"], ["nt/dur"])
        self.assertEqual(sdp_port(r["streams"][0]["local"])[1][0], 8)
        self.assertIn("rtp/pr", r["stats"])
        text, js = self.ok("Context = %s { AuditValue = rtp/* { Audit { Statistics } } }" % ctx)
        self.assertEqual(terms_by_ctx(js), [(ctx, [rtp])])
        self.assertEqual(cmds(js)[0]["streams"], [])
        # armed events are audited with their RequestID
        self.ok("Context = %s { Modify = tdm/2/3 { Events = 77 { dd/d1, dd/d2 } } }" % ctx)
        text, js = self.ok("Context = %s { AuditValue = tdm/2/3 { Audit { Events } } }" % ctx)
        self.assertEqual((cmds(js)[0]["events_rid"], cmds(js)[0]["events"]), (77, ["dd/d1", "dd/d2"]))
        # W-: one reply with the wildcard id
        text, js = self.ok("Context = - { W-AuditValue = tdm/2/* { Audit { } } }")
        self.assertEqual(terms_by_ctx(js), [("-", ["tdm/2/*"])])
        # nothing matches: 431, counted
        self.err("Context = - { AuditValue = tdm/9/* { Audit { } } }", 431)
        self.err("Context = %s { AuditValue = tdm/2/4* { Audit { } } }" % ctx, 431)
        self.err("Context = - { AuditValue = rtp/* { Audit { } } }", 431)
        self.err("Context = %s { AuditValue = tdm/2/3 { Audit { Frobnicate } } }" % ctx, 444)
        self.assertEqual(h248_counter(self.vty, "err:431"), 3)
        self.assertEqual(h248_counter(self.vty, "audit:ok"), 8)

    def test_context_all(self):
        ctx_a, rtp_a = self.call(3)
        ctx_b, rtp_b = self.rtp_only()
        text, js = self.ok("Context = * { AuditValue = * { Audit { } } }")
        self.assertEqual(terms_by_ctx(js), [(ctx_a, ["tdm/2/3", rtp_a]), (ctx_b, [rtp_b])])
        text, js = self.ok("Context = * { AuditValue = rtp/* { Audit { Media } } }")
        self.assertEqual(terms_by_ctx(js), [(ctx_a, [rtp_a]), (ctx_b, [rtp_b])])
        self.assertTrue(all(c["streams"][0]["local"] for c in cmds(js)))
        # one termination: the context it is in
        text, js = self.ok("Context = * { AuditValue = %s { Audit { } } }" % rtp_b)
        self.assertEqual(terms_by_ctx(js), [(ctx_b, [rtp_b])])
        self.err("Context = * { AuditValue = tdm/2/9 { Audit { } } }", 435)
        self.err("Context = * { AuditValue = tdm/9/9 { Audit { } } }", 430)
        # other commands in context ALL
        self.err("Context = * { Add = $ }", 421)
        self.err("Context = * { Modify = * }", 501)
        self.err("Context = * { Subtract = * }", 501)
        self.err("Context = * { AuditValue = ROOT { Audit { } } }", 410)
        self.err("Context = * { AuditValue = * { Audit { } }, AuditValue = * { Audit { } } }", 501)
        self.assertIn("contexts 2, terminations 3", self.vty.cmd("show h248"))
        # no context at all: 431
        self.ok("Context = %s { Subtract = * }" % ctx_a)
        self.ok("Context = %s { Subtract = * }" % ctx_b)
        self.err("Context = * { AuditValue = * { Audit { } } }", 431)

    def test_reply_too_big_533(self):
        # 31 idle timeslots fill what an action can hold after one ROOT reply ...
        text, js = self.ok("Context = - { AuditValue = ROOT { Audit { } }, AuditValue = * { Audit { } } }")
        self.assertEqual(len(cmds(js)), 32)
        # ... and one more is too many: 533, nothing cut short
        text, js = self.err("Context = - { AuditValue = ROOT { Audit { } }, AuditValue = ROOT { Audit { } },"
                            " AuditValue = * { Audit { } } }", 533)
        self.assertEqual([c["term"] for c in cmds(js)], ["ROOT", "ROOT", "*"])
        # a command after the wildcard needs its slot too: the wildcard is
        # 533, not the later command left without a reply
        text, js = self.err("Context = - { AuditValue = ROOT { Audit { } }, AuditValue = * { Audit { } },"
                            " AuditValue = ROOT { Audit { } } }", 533)
        self.assertEqual([c["term"] for c in cmds(js)], ["ROOT", "*"])
        # context ALL: 17 contexts take more actions than a transaction has
        for first in (1, 9, 17):
            n = 8 if first < 17 else 1
            self.ok(",\n".join("Context = $ { Add = tdm/2/%d }" % t for t in range(first, first + n)))
        self.assertIn("contexts 17,", self.vty.cmd("show h248"))
        self.err("Context = * { AuditValue = * { Audit { } } }", 533)
        text, js = self.ok("Context = * { AuditValue = tdm/2/1* { Audit { } } }")
        self.assertEqual(sorted(t for _, ts in terms_by_ctx(js) for t in ts),
                         sorted(["tdm/2/1"] + ["tdm/2/%d" % t for t in range(10, 18)]))
        self.assertEqual(h248_counter(self.vty, "err:other"), 3)

    def test_audit_capabilities(self):
        ctx, rtp = self.call(3)
        text, js = self.ok("Context = - { AuditCapability = ROOT { Audit { Packages } } }")
        pkgs = re.search(r"Packages\s*\{([^}]*)\}", text).group(1)
        self.assertEqual([p.strip() for p in pkgs.split(",")], ["g-1", "root-1", "nt-1", "rtp-1", "tdmc-1", "dd-1", "dg-1",
                                                                "cg-1"])
        # a timeslot: dd events, dg and cg signals, its packages, no SDP
        text, js = self.ok("Context = - { AuditCapability = tdm/2/1 { Audit { Media, Events, Signals, Packages } } }")
        c = cmds(js)[0]
        self.assertEqual((c["term"], c["events"], c["signals"], c["streams"]),
                         ("tdm/2/1", ["dd/*"], ["dg/*", "cg/*"], []))
        pkgs = re.search(r"Packages\s*\{([^}]*)\}", text).group(1)
        self.assertEqual([p.strip() for p in pkgs.split(",")], ["g-1", "nt-1", "tdmc-1", "dd-1", "dg-1", "cg-1"])
        # an RTP termination: the codecs the gateway has, port CHOOSE
        text, js = self.ok("Context = %s { AuditCapability = %s { Audit { Media, Events, Signals, Packages } } }"
                           % (ctx, rtp))
        c = cmds(js)[0]
        local = c["streams"][0]["local"]
        self.assertIn("m=audio $ RTP/AVP 8 0 18", local)
        for line in ("a=rtpmap:8 PCMA/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:18 G729/8000"):
            self.assertIn(line, local)
        self.assertEqual((c["events"], c["signals"]), ([], ["dg/*", "cg/*"]))
        self.assertRegex(text, r"Packages\s*\{\s*g-1,\s*nt-1,\s*rtp-1,\s*dg-1,\s*cg-1\s*\}")
        # a wildcard: one reply each
        text, js = self.ok("Context = %s { AuditCapability = * { Audit { Events } } }" % ctx)
        self.assertEqual([(c["term"], c["events"]) for c in cmds(js)], [("tdm/2/3", ["dd/*"]), (rtp, [])])
        self.assertEqual(h248_counter(self.vty, "auditcap:ok"), 4)
        self.assertEqual(h248_counter(self.vty, "audit:ok"), 4)

    def test_tshark_reads_audits(self):
        """tshark's megaco dissector reads the AuditValue and
        AuditCapability requests (wildcards, context ALL) and our replies
        to the same transactions, contexts, terminations and items."""
        self.require_tool(tt.TSHARK, "tshark")
        ctx, rtp = self.call(5)
        self.rtp_only()
        self.tshark_agrees(requests_and_replies(self.ctl, (
            "Context = - { AuditValue = tdm/2/1* { Audit { } } }",
            "Context = %s { AuditValue = * { Audit { Media, Statistics } } }" % ctx,
            "Context = * { AuditValue = * { Audit { } } }",
            "Context = - { W-AuditValue = tdm/2/* { Audit { } } }",
            "Context = - { AuditCapability = ROOT { Audit { Packages } } }",
            "Context = %s { AuditCapability = * { Audit { Media, Events, Signals } } }" % ctx,
            "Context = - { AuditValue = tdm/7/* { Audit { } } }")))


class Move(OnSpan):
    """Move of an RTP termination between contexts (H.248.1 7.2.4)."""

    def test_move_keeps_media_and_statistics(self):
        sink = udp_socket()
        self.addCleanup(sink.close)
        text, js = self.ctl.request("Context = $ { Add = $ { Media { Stream = 1 { %s, %s } } } }"
                                    % (local_choose("8"), remote(port_of(sink))))
        self.assertIsNone(self.error_of(js), text)
        ctx_a, rtp = js["trans"][0]["actions"][0]["ctx"], cmds(js)[0]["term"]
        port = sdp_port(cmds(js)[0]["streams"][0]["local"])[0]
        text, js = self.ctl.request("Context = $ { Add = tdm/2/4 }")
        self.assertIsNone(self.error_of(js), text)
        ctx_b = js["trans"][0]["actions"][0]["ctx"]
        # packets before the move are counted ...
        snd = Sender(sink, port)
        for _ in range(5):
            snd.send(bytes([0xd5]) * 160)

        def received(n):
            text = self.ctl.request("Context = %s { AuditValue = %s { Audit { Statistics } } }" % (ctx_a, rtp))[0]
            return int(re.search(r"rtp/pr\s*=\s*(\d+)", text).group(1)) == n

        wait_for(lambda: received(5), 5, "5 packets counted")
        text, js = self.ctl.request("Context = %s { Move = %s }" % (ctx_b, rtp))
        self.assertIsNone(self.error_of(js), text)
        self.assertEqual(terms_by_ctx(js), [(ctx_b, [rtp])])
        show = self.vty.cmd("show h248")
        self.assertIn("contexts 1, terminations 2", show)
        self.assertIn("context %s on ds/e1-2/4: tdm/2/4 (sendrecv) %s" % (ctx_b, rtp), show)
        # the emptied context is gone
        text, js = self.ctl.request("Context = %s { AuditValue = %s { Audit { } } }" % (ctx_a, rtp))
        self.assertEqual(js["trans"][0]["actions"][0].get("error"), 411, text)
        # the same port, now on timeslot 4: tones both ways
        check_tone_to_timeslot(self, self.peer, sink, port, 4)
        drain(sink, 0.05)
        check_tone_from_timeslot(self, self.peer, self.span_port, sink, 4)
        # ... and the Statistics kept counting across the move
        text, js = self.ctl.request("Context = %s { Subtract = %s { Audit { Statistics } } }" % (ctx_b, rtp))
        self.assertIsNone(self.error_of(js), text)
        pr = int(re.search(r"rtp/pr\s*=\s*(\d+)", text).group(1))
        self.assertGreaterEqual(pr, 5 + 40)
        self.assertEqual(h248_counter(self.vty, "move:ok"), 1)

    def test_move_to_new_context_and_errors(self):
        def call(ts):
            text, js = self.ctl.request("Context = $ { Add = tdm/2/%d, Add = $ }" % ts)
            self.assertIsNone(self.error_of(js), text)
            return js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]

        def err(actions, code):
            text, js = self.ctl.request(actions)
            self.assertEqual(self.error_of(js), code, text)

        ctx_a, rtp_a = call(5)
        ctx_b, rtp_b = call(6)
        err("Context = %s { Move = %s }" % (ctx_a, rtp_b), 434)      # A is full
        err("Context = %s { Move = rtp/999 }" % ctx_a, 430)
        err("Context = %s { Move = tdm/9/1 }" % ctx_a, 430)
        err("Context = %s { Move = %s }" % (ctx_a, rtp_a), 433)      # already there
        err("Context = - { Move = %s }" % rtp_a, 421)               # into the NULL context
        err("Context = 4711 { Move = %s }" % rtp_a, 411)
        err("Context = $ { Move = tdm/2/6 }", 501)                  # TDM
        err("Context = $ { Move = rtp/* }", 501)
        self.assertIn("contexts 2, terminations 4", self.vty.cmd("show h248"))
        # into a new context: B keeps its timeslot, the RTP termination
        # leaves it for an rtpbridge
        text, js = self.ctl.request("Context = $ { Move = %s }" % rtp_b)
        self.assertIsNone(self.error_of(js), text)
        ctx_c = js["trans"][0]["actions"][0]["ctx"]
        self.assertNotIn(ctx_c, ("-", "$", ctx_a, ctx_b))
        show = self.vty.cmd("show h248")
        self.assertIn("contexts 3, terminations 4", show)
        self.assertIn("context %s on rtpbridge/1: %s" % (ctx_c, rtp_b), show)
        self.assertIn("context %s on ds/e1-2/6: tdm/2/6 (sendrecv)\n" % ctx_b, show + "\n")
        # alone, it keeps its rtpbridge into yet another context; C goes
        text, js = self.ctl.request("Context = $ { Move = %s }" % rtp_b)
        self.assertIsNone(self.error_of(js), text)
        ctx_d = js["trans"][0]["actions"][0]["ctx"]
        show = self.vty.cmd("show h248")
        self.assertIn("context %s on rtpbridge/1: %s" % (ctx_d, rtp_b), show)
        self.assertNotIn("context %s " % ctx_c, show)
        self.assertIn("contexts 3, terminations 4", show)
        # and back, with a Media descriptor applied after the move
        text, js = self.ctl.request("Context = %s { Move = %s { Media { Stream = 1 { LocalControl {"
                                    " Mode = ReceiveOnly } } } } }" % (ctx_b, rtp_b))
        self.assertIsNone(self.error_of(js), text)
        self.assertIn("context %s on ds/e1-2/6: tdm/2/6 (sendrecv) %s (recvonly" % (ctx_b, rtp_b),
                      self.vty.cmd("show h248"))
        self.assertIn("contexts 2, terminations 4", self.vty.cmd("show h248"))
        for name, n in (("move:ok", 3), ("err:434", 1), ("err:430", 2), ("err:433", 1), ("err:421", 1),
                        ("err:411", 1), ("err:501", 2)):
            self.assertEqual(h248_counter(self.vty, name), n, name)

    def test_tshark_reads_move(self):
        self.require_tool(tt.TSHARK, "tshark")
        text, js = self.ctl.request("Context = $ { Add = tdm/2/8, Add = $ }")
        ctx_a, rtp = js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]
        self.tshark_agrees(requests_and_replies(
            self.ctl, ("Context = $ { Move = %s }" % rtp, "Context = %s { Move = rtp/999 }" % ctx_a)))


class Handoff(H248TestCase):
    """The controller sends the gateway elsewhere: MgcIdToTry in its reply
    to the ServiceChange, a ServiceChange Handoff of its own, and
    ServiceChangeAddress.  The test plays every controller, each on its
    own UDP port."""

    def other_mgc(self):
        ctl = Controller()
        self.addCleanup(ctl.close)
        ctl.mgw_port = self.ctl.mgw_port
        return ctl

    def reply_sc(self, ctl, text, services):
        """Answer the ServiceChange @text from @ctl with Services { @services }."""
        tid = h248_json(text)["trans"][0]["id"]
        msg = ctl.message("Reply = %d { Context = - { ServiceChange = ROOT { Services { %s } } } }"
                          % (tid, services))
        ctl.send_raw(msg)
        return msg.encode()

    def sc_of(self, text):
        c = h248_json(text)["trans"][0]["actions"][0]["cmds"][0]
        self.assertEqual((c["cmd"], c["term"]), ("ServiceChange", "ROOT"), text)
        return c["method"], c["reason"]

    def obeys_only(self, ctl, others):
        """@ctl's request is answered; the same from each of @others is dropped and counted."""
        foreign = h248_counter(self.vty, "rx:foreign")
        for other in others:
            other.tid += 1
            other.send_raw(other.message("Transaction = %d { Context = - { AuditValue = ROOT { Audit { Packages } } } }" % other.tid))
        text, js = ctl.request("Context = - { AuditValue = ROOT { Audit { Packages } } }")
        self.assertIsNone(self.error_of(js), text)
        wait_for(lambda: h248_counter(self.vty, "rx:foreign") == foreign + len(others), 5, "foreign drops")
        for other in others:
            self.assertEqual(drain(other.sock, 0.1), [])

    def tshark_reads_sc(self, frames, wants):
        """tshark's megaco dissector shows each ServiceChange parameter of @wants in its frame."""
        path = os.path.join(self.tmp, "handoff.pcap")
        pcap.write_pcap(path, [pcap.udp_frame(d, 2944, 2944) for d in frames])
        out = subprocess.run([tt.TSHARK, "-r", path, "-n", "-d", "udp.port==2944,megaco", "-V", "-O", "megaco"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        blocks = re.split(r"^Frame \d+:", out.stdout, flags=re.M)[1:]
        self.assertEqual(len(blocks), len(frames))
        for block, want in zip(blocks, wants):
            tree = block.split("(RAW text output)")[0]
            self.assertNotIn("Malformed", tree)
            for w in want:
                # tokens are case-insensitive (Annex B): "HandOff" is "Handoff"
                self.assertIn(w.lower(), tree.lower(), tree)

    def test_mgc_id_to_try_in_the_reply(self):
        first = self.start_h248(answer=False)
        mgc2 = self.other_mgc()
        reply = self.reply_sc(self.ctl, first, "MgcIdToTry = [127.0.0.1]:%d" % mgc2.port)
        # the same ServiceChange again, now to MGC 2
        again = mgc2.recv()
        self.assertEqual(self.sc_of(again), ("restart", "901 Cold Boot"))
        self.assertNotEqual(h248_json(again)["trans"][0]["id"], h248_json(first)["trans"][0]["id"])
        # MGC 2 names itself: that is an acceptance, no redirect
        self.reply_sc(mgc2, again, "MgcIdToTry = [127.0.0.1]:%d" % mgc2.port)
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show h248"), 5, "registered at MGC 2")
        self.assertIn(" now talking to 127.0.0.1:%d\n" % mgc2.port, self.vty.cmd("show h248"))
        self.assertEqual(h248_counter(self.vty, "sc:handoff"), 1)
        self.assertEqual(h248_counter(self.vty, "sc:tx"), 2)
        # from now on only MGC 2 is obeyed
        self.obeys_only(mgc2, [self.ctl])
        self.assertEqual(drain(self.ctl.sock, 0.1), [])
        # the config still names MGC 1: the next start goes there
        self.vty.cmd("enable")
        self.assertIn(" h248 controller ip 127.0.0.1 port %d\n" % self.ctl.port, self.vty.cmd("write terminal"))
        if tt.TSHARK:
            self.tshark_reads_sc([first.encode(), reply, again.encode()],
                                 [["Restart", '"901 Cold Boot"'], ["[127.0.0.1]:%d" % mgc2.port],
                                  ["Restart"]])

    def test_silent_mgc_to_try_sends_back_to_ours(self):
        # the MGC named never answers: after X3 (1.5 s) and T10 (1 s) the
        # gateway is back at the configured one, as Disconnected (11.5)
        first = self.start_h248(" timer h248 T3 1500\n timer h248 T10 1\n", answer=False)
        silent = self.other_mgc()
        self.reply_sc(self.ctl, first, "MgcIdToTry = [127.0.0.1]:%d" % silent.port)
        self.assertEqual(self.sc_of(silent.recv()), ("restart", "901 Cold Boot"))
        back = self.ctl.recv(8)
        self.assertEqual(self.sc_of(back), ("disconnected", "900 Service Restored"))
        self.assertEqual(h248_counter(self.vty, "sc:timeout"), 1)
        self.answer_sc(back)
        self.assertNotIn("now talking to", self.vty.cmd("show h248"))
        # (the silent one got retransmissions of the Restart meanwhile)
        self.assertGreaterEqual(len(pending(silent.sock)), 1)
        self.obeys_only(self.ctl, [silent])

    def test_handoff_ordered_by_the_controller(self):
        self.start_h248()
        mgc2 = self.other_mgc()
        # what is not done: answered, counted, nothing moves
        for term, services, code in [("ROOT", "Method = Handoff", 442),
                                     ("ROOT", "Method = Handoff, MgcIdToTry = <mgc2.example>", 501),
                                     ("ROOT", "Method = Forced, Reason = \"905 Termination taken out of service\"", 501),
                                     ("tdm/1/1", "Method = Restart", 430)]:
            text, js = self.ctl.request("Context = - { ServiceChange = %s { Services { %s } } }" % (term, services))
            self.assertEqual(self.error_of(js), code, text)
        self.assertEqual({n: h248_counter(self.vty, n) for n in ("err:501", "err:430", "err:other", "sc:rx")},
                         {"err:501": 2, "err:430": 1, "err:other": 1, "sc:rx": 0})
        # a context with a termination: it stays through the handoff
        text, js = self.ctl.request("Context = $ { Add = $ { Media { Stream = 1 { %s } } } }" % local_choose("8"))
        self.assertIsNone(self.error_of(js), text)
        ctx, rtp = js["trans"][0]["actions"][0]["ctx"], cmds(js)[0]["term"]

        req = ("Context = - { ServiceChange = ROOT { Services { Method = Handoff, MgcIdToTry = [127.0.0.1]:%d,"
               " Reason = \"903 MGC Directed Change\" } } }" % mgc2.port)
        text, js = self.ctl.request(req)
        self.assertIsNone(self.error_of(js), text)
        request = self.ctl.message("Transaction = %d {\n%s\n}" % (self.ctl.tid, req)).encode()
        sc = mgc2.recv()
        self.assertEqual(self.sc_of(sc), ("handoff", "903 MGC Directed Change"))
        self.reply_sc(mgc2, sc, "")
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show h248"), 5, "registered at MGC 2")
        self.assertEqual(h248_counter(self.vty, "sc:rx"), 1)
        self.assertEqual(h248_counter(self.vty, "sc:handoff"), 1)
        self.obeys_only(mgc2, [self.ctl])
        # MGC 2 has the call now
        text, js = mgc2.request("Context = %s { Subtract = %s }" % (ctx, rtp))
        self.assertIsNone(self.error_of(js), text)
        if tt.TSHARK:
            self.tshark_reads_sc([request, text.encode(), sc.encode()],
                                 [["Handoff", "[127.0.0.1]:%d" % mgc2.port, '"903 MGC Directed Change"'],
                                  ["Subtract"], ["Handoff", '"903 MGC Directed Change"']])

    def test_timeslots_out_of_and_back_into_service(self):
        self.start_span_gateway()

        def sc(term, method, ctx="-"):
            return self.ctl.request("Context = %s { ServiceChange = %s { Services { Method = %s,"
                                    " Reason = \"905 Termination taken out of service\" } } }" % (ctx, term, method))

        text, js = sc("tdm/2/4", "Forced")
        self.assertIsNone(self.error_of(js), text)
        self.assertIn(" out of service: tdm/2/4\n", self.vty.cmd("show h248"))
        text, js = self.ctl.request("Context = $ { Add = tdm/2/4 }")
        self.assertEqual(self.error_of(js), 503, text)
        text, js = self.ctl.request("Context = - { AuditValue = tdm/2/4 { Audit { TerminationState } } }")
        self.assertRegex(text, r"ServiceStates\s*=\s*OutOfService")
        text, js = sc("tdm/2/4", "Restart")
        self.assertIsNone(self.error_of(js), text)
        self.assertNotIn("out of service", self.vty.cmd("show h248"))
        text, js = self.ctl.request("Context = - { AuditValue = tdm/2/4 { Audit { TerminationState } } }")
        self.assertRegex(text, r"ServiceStates\s*=\s*InService")
        text, js = self.ctl.request("Context = $ { Add = tdm/2/4, Add = $ }")
        self.assertIsNone(self.error_of(js), text)
        ctx, rtp = js["trans"][0]["actions"][0]["ctx"], cmds(js)[1]["term"]
        # Graceful on an idle timeslot: at once, nothing to wait for
        text, js = sc("tdm/2/6", "Graceful")
        self.assertIsNone(self.error_of(js), text)
        self.assertEqual(h248_counter(self.vty, "sc:rx"), 3)
        # in a call (the controller subtracts it first), RTP, unknown, other methods
        for term, method, where, code in [("tdm/2/4", "Forced", "-", 435), ("tdm/2/4", "Forced", ctx, 501),
                                          (rtp, "Forced", ctx, 501), ("tdm/9/1", "Forced", "-", 430),
                                          ("tdm/2/*", "Forced", "-", 501), ("tdm/2/5", "Disconnected", "-", 501)]:
            text, js = sc(term, method, where)
            self.assertEqual(self.error_of(js), code, text)
        self.assertEqual(h248_counter(self.vty, "sc:rx"), 3)
        self.assertEqual(h248_counter(self.vty, "err:501"), 4)

    def test_service_change_address(self):
        first = self.start_h248(answer=False)
        mgc3, stranger = self.other_mgc(), self.other_mgc()
        self.reply_sc(self.ctl, first, "ServiceChangeAddress = %d" % mgc3.port)
        wait_for(lambda: "IN_SERVICE" in self.vty.cmd("show h248"), 5, "registered")
        self.assertEqual(h248_counter(self.vty, "sc:address"), 1)
        self.assertEqual(h248_counter(self.vty, "sc:handoff"), 0)
        self.assertIn(" now talking to 127.0.0.1:%d\n" % mgc3.port, self.vty.cmd("show h248"))
        # requests from the new address are answered there; the controller
        # may still send from where we registered, and is answered there
        # (7.2.8: replies go where the request came from); others are foreign
        self.obeys_only(mgc3, [stranger])
        self.obeys_only(self.ctl, [stranger])
        self.assertEqual(drain(mgc3.sock, 0.1), [])
        # the gateway's own requests go to the new address: the ServiceChange on stop
        self.assertEqual(self.proc.stop(), 0)
        bye = mgc3.recv()
        self.assertEqual(self.sc_of(bye), ("forced", "905 Termination taken out of service"))
        self.assertEqual(drain(self.ctl.sock, 0.1), [])
        if tt.TSHARK:
            self.tshark_reads_sc([bye.encode()], [["Forced"]])


if __name__ == "__main__":
    tt.main()

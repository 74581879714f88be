#!/usr/bin/env python3
"""tandem-mgw spans: ds/e1-S/T endpoints over SAToP (RFC 4553) pseudowires,
jitter buffer, DTMF (RFC 4733 <-> in band, RQNT/NTFY) and RTCP.

Two gateways whose spans point at each other carry a tone from an RTP
connection on one to an RTP connection on the other; the test checks the
decoded audio's frequency and level, never bytes of lossy audio.  A single
gateway whose span points at the test shows the SAToP packets on the wire
and what happens to bad ones."""
import math
import os
import re
import socket
import struct
import subprocess
import time

import pcap
import tandemtest as tt
import test_mgw as tm
from tandemtest import free_port, wait_for
from test_mgw import alaw_decode, alaw_encode, counter, goertzel, mean_square, parse_rtp, resp_code, \
    resp_param, resp_sdp_port, rtp_packet, sdp, tone

G729 = ("a=rtpmap:18 G729/8000",)
TEL_EVENT = ("a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15")
DTMF_HZ = {"1": (697, 1209), "5": (770, 1336), "9": (852, 1477), "#": (941, 1477), "0": (941, 1336)}
EVENT_CODE = {"0": 0, "1": 1, "5": 5, "9": 9, "#": 11}


def span_config(nr, local, remote, payload=256, rtp_header="on"):
    return ("span %d\n satop local 127.0.0.1 %d remote 127.0.0.1 %d\n payload-bytes %d\n rtp-header %s\n"
            % (nr, local, remote, payload, rtp_header))


def udp_socket(timeout=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(timeout)
    return s


def port_of(s):
    return s.getsockname()[1]


def drain(sock, duration):
    """Everything @sock receives within @duration seconds."""
    out = []
    end = time.monotonic() + duration
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return out
        sock.settimeout(left)
        try:
            out.append(sock.recvfrom(4096)[0])
        except socket.timeout:
            return out


def pending(sock):
    """What @sock has received so far, without waiting."""
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recvfrom(4096)[0])
    except BlockingIOError:
        return out
    finally:
        sock.setblocking(True)


def toned_blocks(pcm, block=160, rms=1000):
    """The samples of the 20 ms blocks loud enough to be the tone, minus
    the first and last few (edges of the tone)."""
    blocks = [pcm[i:i + block] for i in range(0, len(pcm) - block + 1, block)]
    loud = [b for b in blocks if math.sqrt(mean_square(b)) > rms]
    return [v for b in loud[3:-3] for v in b], len(loud)


def satop_packet(seq, frames=None, cw=None, rtp=True, pt=96, rtp_seq=None, version=2):
    """A SAToP packet of the span's far end: 8 E1 frames, idle unless given."""
    payload = frames if frames is not None else bytes([0xd5]) * 256
    out = b""
    if rtp:
        out += struct.pack("!BBHII", version << 6, pt, seq if rtp_seq is None else rtp_seq, seq * 8, 0xabc)
    out += struct.pack("!BBH", 0, 0, seq) if cw is None else cw
    return out + payload


def check_tone_from_timeslot(tc, peer, span_port, sink, ts, freq=800.0):
    """A @freq tone in timeslot @ts of what @peer sends to the span at
    @span_port (1 ms per packet) must reach @sink as A-law RTP."""
    pcm = [alaw_encode(v) for v in tone(8 * 600, freq=freq, amp=6000.0)]
    for i in range(600):
        frames = bytearray([0xd5]) * 256
        frames[ts::32] = bytes(pcm[i * 8:(i + 1) * 8])
        peer.sendto(satop_packet(100 + i, bytes(frames)), ("127.0.0.1", span_port))
        if i % 10 == 9:
            time.sleep(0.01)
    got = [parse_rtp(p) for p in drain(sink, 0.5)]
    tc.assertTrue(got and all(p["pt"] == 8 for p in got))
    audio = [alaw_decode(b) for p in got for b in p["payload"]]
    tonepcm, n_loud = toned_blocks(audio)
    tc.assertGreaterEqual(n_loud, 20)
    tc.assertGreater(goertzel(tonepcm, freq) / mean_square(tonepcm), 0.9)


def check_tone_to_timeslot(tc, peer, sink, port, ts, freq=1000.0):
    """A @freq tone sent as RTP from @sink to the gateway's @port must come
    out in timeslot @ts of the span packets @peer gets, and nowhere else."""
    drain(peer, 0.05)
    wire = []
    # read while sending: 1000 packets a second would fill the socket buffer
    Sender(sink, port).pcma_tone(40, freq, also=lambda: wire.extend(pending(peer)))
    wire += drain(peer, 0.2)
    pcm = [alaw_decode(b) for p in wire for b in p[16:][ts::32]]
    tonepcm, n_loud = toned_blocks(pcm, block=80)
    tc.assertGreaterEqual(n_loud, 20)
    tc.assertGreater(goertzel(tonepcm, freq) / mean_square(tonepcm), 0.9)
    tc.assertEqual(set(b for p in wire for b in p[16:][ts + 1::32]), {0xD5})


class Sender:
    """Paced RTP source: a packet every ptime, as a phone would send."""

    def __init__(self, sock, port, pt=8, ssrc=0x4242):
        self.sock, self.port, self.pt, self.ssrc = sock, port, pt, ssrc
        self.seq, self.ts = 1000, 5000

    def pcma_tone(self, packets, freq, amp=8000.0, also=None):
        t0 = time.monotonic()
        for i in range(packets):
            pcm = tone(160, freq=freq, amp=amp, start=i * 160)
            self.send(bytes(alaw_encode(v) for v in pcm), marker=(i == 0))
            if also:
                also()
            # real time: the span plays 8 octets per ms, not faster
            delay = t0 + (i + 1) * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def send(self, payload, marker=False, pt=None, ts=None):
        self.sock.sendto(rtp_packet(self.pt if pt is None else pt, self.seq, self.ts if ts is None else ts,
                                    self.ssrc, payload, marker), ("127.0.0.1", self.port))
        self.seq += 1
        if ts is None:
            self.ts += len(payload) if self.pt == 8 else 80 * (len(payload) // 10)

    def digit(self, d, ms=100):
        """RFC 4733: start, an update every 20 ms, the end three times."""
        ev, ts = EVENT_CODE[d], self.ts
        steps = ms // 20
        for i in range(1, steps + 1):
            self.send(struct.pack("!BBH", ev, 10, 160 * i), marker=(i == 1), pt=101, ts=ts)
            time.sleep(0.02)
        for _ in range(3):
            self.send(struct.pack("!BBH", ev, 0x80 | 10, 160 * steps), pt=101, ts=ts)
        self.ts += 160 * steps


class SpanTestCase(tm.MgwTestCase):
    def tearDown(self):
        # every gateway stops cleanly: exit 0, no sanitizer report
        try:
            for v in self.vtys:
                v.close()
            for p in self.procs:
                code = p.stop() if p.alive() else p.popen.returncode
                with open(p.log_path, errors="replace") as f:
                    log = f.read()
                self.assertEqual(code, 0, p.name + ":\n" + log[-3000:])
                self.assertNotIn("runtime error", log, p.name)
                self.assertNotIn("Sanitizer", log, p.name)
        finally:
            super().tearDown()

    def start_gw(self, extra, name):
        vty_port, mgcp_port = free_port(), free_port(tcp=False)
        ca = tm.Mgcp(mgcp_port)
        self.addCleanup(ca.close)
        proc, vty = self.start_mgw(tm.mgw_config(vty_port, mgcp_port, ca.port, endpoints=2) + extra,
                                   vty_port=vty_port, name=name)
        rsip = ca.recv()
        self.assertTrue(rsip.startswith("RSIP "), rsip)
        ca.sock.sendto(("200 %s OK\r\n" % rsip.split()[1]).encode(), ("127.0.0.1", mgcp_port))
        return proc, vty, ca

    def crcx(self, ca, endpoint, call="1", lco="p:20, a:PCMA", sdp_text=None, mode="sendrecv"):
        params = "C: %s\r\nM: %s\r\n" % (call, mode)
        if lco:
            params += "L: %s\r\n" % lco
        r = ca.cmd("CRCX", endpoint, params, sdp_text)
        self.assertEqual(resp_code(r), 200, r)
        return r


class SpanConfig(SpanTestCase):
    def test_bad_span_config(self):
        base = tm.mgw_config(free_port(), free_port(tcp=False))
        for bad in (" payload-bytes 100", " payload-bytes 2048", " payload-bytes 32", " rtp-header maybe",
                    " satop local 300.1.1.1 5000 remote 127.0.0.1 5001",
                    " satop local 127.0.0.1 0 remote 127.0.0.1 5001"):
            cfg = base + "span 1\n" + bad + "\n"
            path = self.write("bad.cfg", cfg)
            out = subprocess.run([tm.MGW, "-c", path], capture_output=True, text=True, timeout=10)
            self.assertNotEqual(out.returncode, 0, bad)
            self.assertIn("tandem-mgw: %s:%d: invalid config line '%s'" % (path, len(cfg.splitlines()), bad),
                          out.stderr)
        # a fifth span, a span without its pseudowire, too many sockets
        cfg = base + "".join("span %d\n" % i for i in range(1, 6))
        out = subprocess.run([tm.MGW, "-c", self.write("five.cfg", cfg)], capture_output=True, text=True,
                                timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("invalid config line 'span 5'", out.stderr)
        for cfg, why in ((base + "span 1\n", "cannot open the spans"),
                         (base.replace("number endpoints 8", "number endpoints 200") + "".join(span_config(i, 2 * i, 2 * i + 1) for i in range(1, 5)), "need up to")):
            out = subprocess.run([tm.MGW, "-c", self.write("t.cfg", cfg)], capture_output=True, text=True,
                                    timeout=15)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn(why, out.stderr)

    def test_write_terminal_roundtrip(self):
        vty_port, port = free_port(), free_port(tcp=False)
        extra = span_config(3, free_port(tcp=False), 9, payload=512, rtp_header="off")
        proc, vty = self.start_mgw(tm.mgw_config(vty_port, port) + extra, vty_port=vty_port)
        vty.cmd("enable")
        text = vty.cmd("write terminal").split("Current configuration:", 1)[1]
        self.assertIn(extra, text)
        self.assertIn("span 3: WAIT, satop", vty.cmd("show spans"))
        self.assertIn("1 span\n", vty.cmd("show spans") + "\n")
        vty.cmd("configure terminal")
        self.assertIn("spans cannot be removed", vty.cmd("no span 3"))
        self.assertIn("takes effect when tandem-mgw restarts", vty.cmd("span 3"))
        self.assertEqual(proc.stop(), 0)


class SpanChain(SpanTestCase):
    """Gateways A and B joined by span 1: timeslot N at A is timeslot N at B."""

    def setUp(self):
        super().setUp()
        pa, pb = free_port(tcp=False), free_port(tcp=False)
        self.pa, self.va, self.ca_a = self.start_gw(span_config(1, pa, pb), "mgw-a")
        self.pb, self.vb, self.ca_b = self.start_gw(span_config(1, pb, pa), "mgw-b")
        wait_for(lambda: "span 1: UP" in self.va.cmd("show spans") and "span 1: UP" in self.vb.cmd("show spans"),
                 10, "both spans up")
        self.src, self.dst = udp_socket(), udp_socket()
        for s in (self.src, self.dst):
            self.addCleanup(s.close)

    def test_g729_tone_crosses_the_span_both_ways(self):
        # A: the test's PCMA -> rtpbridge/1 -> G.729 -> ds/e1-1/5
        r = self.crcx(self.ca_a, "rtpbridge/1@mgw", sdp_text=sdp(port_of(self.src)))
        port_x = resp_sdp_port(r)[0]
        r = self.crcx(self.ca_a, "rtpbridge/1@mgw", lco="p:20, a:G729")
        conn_y, port_y = resp_param(r, "I"), resp_sdp_port(r)[0]
        r = self.crcx(self.ca_a, "ds/e1-1/5@mgw", lco=None, sdp_text=sdp(port_y, pts=(18,), rtpmap=G729))
        self.assertEqual(resp_sdp_port(r)[1], 18)
        port_z = resp_sdp_port(r)[0]
        r = self.ca_a.cmd("MDCX", "rtpbridge/1@mgw", "C: 1\r\nI: %s\r\n" % conn_y,
                          sdp(port_z, pts=(18,), rtpmap=G729))
        self.assertEqual(resp_code(r), 200, r)
        # B: ds/e1-1/5 in PCMA to the test's sink
        r = self.crcx(self.ca_b, "ds/e1-1/5@mgw", lco=None, sdp_text=sdp(port_of(self.dst)))
        port_w = resp_sdp_port(r)[0]

        fwd = Sender(self.src, port_x)
        back = Sender(self.dst, port_w, ssrc=0x777)
        # both directions at once: 1000 Hz A -> B, 600 Hz B -> A
        state = {"i": 0}

        def send_back():
            pcm = tone(160, freq=600.0, amp=8000.0, start=state["i"] * 160)
            back.send(bytes(alaw_encode(v) for v in pcm), marker=(state["i"] == 0))
            state["i"] += 1

        fwd.pcma_tone(75, 1000.0, also=send_back)
        got_b = [parse_rtp(p) for p in drain(self.dst, 0.6)]
        got_a = [parse_rtp(p) for p in drain(self.src, 0.3)]
        for got, freq in ((got_b, 1000), (got_a, 600)):
            self.assertTrue(all(p["pt"] == 8 and len(p["payload"]) == 160 for p in got), freq)
            pcm, n_loud = toned_blocks([alaw_decode(b) for p in got for b in p["payload"]])
            self.assertGreaterEqual(n_loud, 50, "tone %d Hz: %d loud blocks" % (freq, n_loud))
            power = goertzel(pcm, freq)
            self.assertGreater(power / mean_square(pcm), 0.8, freq)
            best = max(range(200, 3801, 50), key=lambda f: goertzel(pcm, f))
            self.assertEqual(best, freq)
            # through G.729 and back to A-law the level stays within 3 dB
            self.assertLess(abs(10 * math.log10(power / (8000.0 ** 2 / 2))), 3.0, freq)
        # B's stream runs on the span's clock: consecutive sequence and timestamps
        for a, b in zip(got_b, got_b[1:]):
            self.assertEqual(b["seq"], (a["seq"] + 1) & 0xFFFF)
            self.assertEqual(b["ts"], (a["ts"] + 160) & 0xFFFFFFFF)
        out = self.va.cmd("show connections")
        self.assertRegex(out, r"ds/e1-1/5@mgw conn \w+ call 1: sendrecv, G729 pt 18 ptime 20")
        self.assertRegex(out, r"timeslot 5 of span 1: jitter buffer (playing|buffering), depth \d+ target \d+ frames.*played [1-9]")
        self.assertRegex(self.vb.cmd("show spans"),
                         r"span 1: UP, satop 127.0.0.1:\d+ -> 127.0.0.1:\d+, 256 octets per packet, "
                         r"RTP header on, 1 timeslots in use")
        m = re.search(r"rx (\d+) packets, lost (\d+), out-of-order (\d+), malformed (\d+)",
                      self.vb.cmd("show spans"))
        self.assertGreater(int(m.group(1)), 1000)
        self.assertEqual(int(m.group(4)), 0)

    def test_dtmf_events_become_tones_and_tones_events(self):
        # A: RFC 4733 in; B: detects the tones, sends RFC 4733 and NTFY
        self.crcx(self.ca_a, "ds/e1-1/7@mgw", lco=None,
                  sdp_text=sdp(port_of(self.src), pts=(8, 101), rtpmap=TEL_EVENT))
        r = self.crcx(self.ca_a, "ds/e1-1/8@mgw", lco=None,
                      sdp_text=sdp(free_port(tcp=False), pts=(8, 101), rtpmap=TEL_EVENT))
        port_a = resp_sdp_port(self.crcx(self.ca_a, "ds/e1-1/9@mgw", lco=None,
                                         sdp_text=sdp(port_of(self.src), pts=(8, 101),
                                                      rtpmap=TEL_EVENT)))[0]
        r = self.crcx(self.ca_b, "ds/e1-1/9@mgw", lco=None,
                      sdp_text=sdp(port_of(self.dst), pts=(8, 101), rtpmap=TEL_EVENT))
        self.assertIn("a=rtpmap:101 telephone-event/8000", r)
        r = self.ca_b.cmd("RQNT", "ds/e1-1/9@mgw",
                          "X: 77AB\r\nN: ca@127.0.0.1:%d\r\nR: D/[0-9#*A-D](N)\r\nQ: loop\r\n"
                          % self.ca_b.port)
        self.assertEqual(resp_code(r), 200, r)
        sender = Sender(self.src, port_a)
        for d in "15#":
            sender.digit(d)
            time.sleep(0.1)
        pkts = [parse_rtp(p) for p in drain(self.dst, 0.5)]
        events = [p for p in pkts if p["pt"] == 101]
        audio = [alaw_decode(b) for p in pkts if p["pt"] == 8 for b in p["payload"]]
        # RFC 4733 out: per digit a first packet with the marker, updates,
        # and the end bit three times with the same timestamp and duration
        digits = []
        for p in events:
            ev, flags, duration = struct.unpack("!BBH", p["payload"])
            if p["marker"]:
                digits.append([ev, p["ts"], []])
            self.assertTrue(digits, "event without a marked start")
            self.assertEqual(p["ts"], digits[-1][1])
            if flags & 0x80:
                digits[-1][2].append(duration)
        self.assertEqual([d[0] for d in digits], [1, 5, 11])
        for ev, ts, ends in digits:
            self.assertEqual(len(ends), 3, ev)
            self.assertEqual(len(set(ends)), 1, ev)
            # a 100 ms tone, within a detector block or two (longer when the
            # test's end packets come late on a busy machine)
            self.assertTrue(600 <= ends[0] <= 1400, (ev, ends[0]))
        # the same digits are in band in B's audio
        found = []
        block = 160
        for i in range(0, len(audio) - block + 1, block):
            b = audio[i:i + block]
            if mean_square(b) < 1e5:
                continue
            for d, (lo, hi) in DTMF_HZ.items():
                ms = mean_square(b)
                if goertzel(b, lo) > 0.3 * ms and goertzel(b, hi) > 0.3 * ms:
                    if not found or found[-1] != d:
                        found.append(d)
        self.assertEqual(found, ["1", "5", "#"])
        # and each one as an NTFY to the notified entity (Q: loop keeps the
        # request armed after each; unanswered so far:
        # retransmissions repeat the same text and transaction id)
        seen, order = {}, []
        while len(order) < 3:
            n = self.ca_b.recv(timeout=3)
            tid = n.split()[1]
            if tid in seen:
                self.assertEqual(n, seen[tid])
                continue
            seen[tid] = n
            order.append(tid)
        for tid, d in zip(order, "15#"):
            n = seen[tid]
            self.assertRegex(n, r"^NTFY \d+ ds/e1-1/9@mgw MGCP 1\.0\r\n")
            self.assertEqual(resp_param(n, "X"), "77AB")
            self.assertEqual(resp_param(n, "O"), "D/%s" % d)

        def answer(tid):
            self.ca_b.sock.sendto(("200 %s OK\r\n" % tid).encode(), ("127.0.0.1", self.ca_b.mgw_port))

        # the call agent answers the first two; the third comes again
        answer(order[0])
        answer(order[1])
        for _ in range(10):
            n = self.ca_b.recv(timeout=3)
            if n.split()[1] == order[2]:
                break
        self.assertEqual(n, seen[order[2]])
        answer(order[2])
        wait_for(lambda: counter(self.vb, "mgcp:response-rx") >= 4, 5, "NTFY answers taken")
        # answered: no more retransmissions
        drain(self.ca_b.sock, 1.5)
        self.assertEqual(drain(self.ca_b.sock, 1.2), [])
        self.assertEqual(counter(self.vb, "ntfy:tx"), 3)
        self.assertGreaterEqual(counter(self.vb, "ntfy:retransmit"), 1)
        self.assertEqual(counter(self.vb, "ntfy:fail"), 0)
        self.assertEqual(counter(self.va, "dtmf:event-rx"), 3)
        self.assertEqual(counter(self.vb, "dtmf:detected"), 3)
        self.assertRegex(self.va.cmd("show connections"), r"dtmf pt 101, tones generated 3")

    def test_signalled_digits_reach_the_other_end(self):
        # RQNT S: D/1, D/2 on B's timeslot 11: A hears them and sends RFC 4733
        self.crcx(self.ca_a, "ds/e1-1/11@mgw", lco=None,
                  sdp_text=sdp(port_of(self.src), pts=(8, 101), rtpmap=TEL_EVENT))
        self.crcx(self.ca_b, "ds/e1-1/11@mgw", lco=None, sdp_text=sdp(port_of(self.dst)))
        r = self.ca_b.cmd("RQNT", "ds/e1-1/11@mgw", "X: 5\r\nS: D/1, L/2\r\n")
        self.assertEqual(resp_code(r), 200, r)
        pkts = [parse_rtp(p) for p in drain(self.src, 0.8)]
        starts = [struct.unpack("!BBH", p["payload"])[0] for p in pkts if p["pt"] == 101 and p["marker"]]
        self.assertEqual(starts, [1, 2])
        self.assertRegex(self.vb.cmd("show connections"), r"tones generated 2")

    def test_rqnt_answers(self):
        cases = [
            ("ds/e1-1/3@mgw", "X: 1\r\nR: D/[0-9](N)\r\n", 200),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: L/5(N), D/#(N)\r\n", 200),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: D/X\r\n", 200),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: Z/hd(N)\r\n", 518),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: D/hd(N)\r\n", 512),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: D/[9-0](N)\r\n", 512),
            ("ds/e1-1/3@mgw", "X: 1\r\nR: D/5(A)\r\n", 512),
            ("ds/e1-1/3@mgw", "X: 1\r\nS: D/5\r\n", 513),      # no connection
            ("ds/e1-1/4@mgw", "X: 1\r\nS: D/5, D/#\r\n", 200),
            ("ds/e1-1/4@mgw", "X: 1\r\nS: Z/5\r\n", 518),
            ("ds/e1-1/4@mgw", "X: 1\r\nS: D/hd\r\n", 513),
            ("ds/e1-1/4@mgw", "X: 1\r\nS: L/rt\r\n", 513),
            ("ds/e1-1/4@mgw", "X: 1\r\nS: %s\r\n" % ",".join(["D/1"] * 17), 513),
            ("ds/e1-1/3@mgw", "X: 1\r\nN: ca@example.net\r\nR: D/5(N)\r\n", 510),
            ("rtpbridge/1@mgw", "X: 1\r\nR: D/5(N)\r\n", 512),
            ("ds/e1-1/*@mgw", "X: 1\r\nR: D/5(N)\r\n", 200),
            ("ds/e1-1/$@mgw", "X: 1\r\nR: D/5(N)\r\n", 503),
            ("ds/e1-1/0@mgw", "X: 1\r\n", 500),
            ("ds/e1-1/32@mgw", "X: 1\r\n", 500),
            ("ds/e1-2/1@mgw", "X: 1\r\n", 500),
        ]
        self.crcx(self.ca_a, "ds/e1-1/4@mgw")
        for i, (ep, params, code) in enumerate(cases):
            r = self.ca_a.cmd("RQNT", ep, params)
            self.assertEqual(resp_code(r), code, "case %d: %r" % (i, r))

    def test_endpoints_and_wildcards(self):
        r = self.ca_a.cmd("AUEP", "ds/e1-1/*@mgw")
        self.assertEqual(resp_code(r), 200)
        self.assertEqual([resp_param(r, "Z")] + re.findall(r"^Z: (\S+)", r, re.M)[1:],
                         ["ds/e1-1/%d@mgw" % t for t in range(1, 32)])
        r = self.crcx(self.ca_a, "ds/e1-1/$@mgw", call="A1")
        self.assertEqual(resp_param(r, "Z"), "ds/e1-1/1@mgw")
        self.assertEqual(resp_param(self.crcx(self.ca_a, "ds/e1-1/*@mgw", call="A1"), "Z"), "ds/e1-1/2@mgw")
        # rtpbridge wildcards, and bare ones, stay on rtpbridges
        self.assertEqual(resp_param(self.crcx(self.ca_a, "rtpbridge/$@mgw", call="A1"), "Z"), "rtpbridge/1@mgw")
        self.assertEqual(resp_param(self.crcx(self.ca_a, "*@mgw", call="A1"), "Z"), "rtpbridge/2@mgw")
        r = self.ca_a.cmd("CRCX", "$@mgw", "C: A1\r\nM: sendrecv\r\n")
        self.assertEqual(resp_code(r), 410, r)
        # one connection per timeslot
        r = self.ca_a.cmd("CRCX", "ds/e1-1/1@mgw", "C: A1\r\nM: sendrecv\r\n")
        self.assertEqual(resp_code(r), 502, r)
        r = self.ca_a.cmd("DLCX", "ds/e1-1/*@mgw", "C: A1\r\n")
        self.assertEqual(resp_code(r), 250, r)
        out = self.va.cmd("show endpoints")
        self.assertIn("ds/e1-1/1@mgw: 0 connections", out)
        self.assertIn("rtpbridge/1@mgw: 1 connection", out)
        self.assertIn("rtpbridge/2@mgw: 1 connection", out)


class SpanWire(SpanTestCase):
    """One gateway whose span 2 points at the test: SAToP on the wire."""

    def setUp(self):
        super().setUp()
        self.peer = udp_socket()
        self.addCleanup(self.peer.close)
        self.span_port = free_port(tcp=False)
        self.proc, self.vty, self.ca = self.start_gw(span_config(2, self.span_port, port_of(self.peer)), "mgw")

    def satop(self, seq, frames=None, cw=None, rtp=True, pt=96, rtp_seq=None, version=2):
        return satop_packet(seq, frames, cw, rtp, pt, rtp_seq, version)

    def test_packets_on_the_wire(self):
        pkts = drain(self.peer, 0.3)
        self.assertGreater(len(pkts), 100)
        seqs = []
        for p in pkts:
            self.assertEqual(len(p), 12 + 4 + 256)
            rtp = parse_rtp(p[:12] + b"x")
            self.assertEqual(rtp["pt"], 96)
            cw0, cw1, seq = struct.unpack("!BBH", p[12:16])
            self.assertEqual(cw0 & 0xF3, 0)
            self.assertEqual(cw1, 0)
            self.assertEqual(seq, rtp["seq"])
            seqs.append(seq)
            frames = p[16:]
            ts0 = frames[0::32]
            # FAS and NFAS alternate in timeslot 0; idle code elsewhere
            self.assertTrue(all(a != b for a, b in zip(ts0, ts0[1:])))
            self.assertTrue(set(ts0) == {0x9B, 0xDF})
            self.assertEqual(set(frames[5::32]), {0xD5})
        self.assertEqual(seqs, [(seqs[0] + i) & 0xFFFF for i in range(len(seqs))])
        # nothing came back: after 10 packet periods R says so
        self.assertIn("span 2: WAIT", self.vty.cmd("show spans"))
        self.peer.sendto(self.satop(1), ("127.0.0.1", self.span_port))
        wait_for(lambda: "LOPS" in self.vty.cmd("show spans"), 5, "loss of packets")
        later = drain(self.peer, 0.1)
        self.assertTrue(later and all(p[12] & 0x04 for p in later[-5:]), "R bit set")

    def test_timeslot_both_ways_and_bad_packets(self):
        sink = udp_socket()
        self.addCleanup(sink.close)
        r = self.crcx(self.ca, "ds/e1-2/3@mgw", sdp_text=sdp(port_of(sink)))
        conn_port = resp_sdp_port(r)[0]
        check_tone_from_timeslot(self, self.peer, self.span_port, sink, 3)
        check_tone_to_timeslot(self, self.peer, sink, conn_port, 3)

        # bad packets: dropped and counted, the span carries on
        before = counter(self.vty, "span:malformed")
        seq = 700
        bad = [
            b"\x80\x60\x00",                                     # short
            self.satop(seq, cw=b"\x10\x00" + struct.pack("!H", seq)),   # bits 0-3
            self.satop(seq, cw=b"\x00\x40" + struct.pack("!H", seq)),   # FRG
            self.satop(seq, cw=b"\x00\x05" + struct.pack("!H", seq)),   # LEN
            self.satop(seq, version=1),                          # RTP version
            self.satop(seq, pt=8),                               # RTP payload type
            self.satop(seq, rtp_seq=seq + 1),                    # sequence mismatch
            self.satop(seq, frames=bytes(255)),                  # length
            self.satop(seq, frames=bytes(512)),
        ]
        for p in bad:
            self.peer.sendto(p, ("127.0.0.1", self.span_port))
        stranger = udp_socket()
        self.addCleanup(stranger.close)
        stranger.sendto(self.satop(seq), ("127.0.0.1", self.span_port))
        wait_for(lambda: counter(self.vty, "span:malformed") - before == len(bad) + 1, 5, "malformed counted")
        # loss and misordering
        lost0 = counter(self.vty, "span:lost")
        for s in (seq, seq + 3, seq + 2, seq + 3, seq + 4):
            self.peer.sendto(self.satop(s), ("127.0.0.1", self.span_port))
        wait_for(lambda: counter(self.vty, "span:out-of-order") == 2, 5, "out of order counted")
        self.assertEqual(counter(self.vty, "span:lost") - lost0, 2)
        out = self.vty.cmd("show spans")
        self.assertRegex(out, r"lost \d+, out-of-order 2, malformed %d" % (len(bad) + 1))
        self.assertTrue(self.proc.alive())

    def test_rtcp_reports(self):
        self.vty.cmd("enable")
        self.vty.cmd("configure terminal")
        self.vty.cmd("mgw")
        self.vty.cmd("timer mgw X4 1")
        self.vty.cmd("end")
        rtp, rtcp = udp_socket(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for s in (rtp, rtcp):
            self.addCleanup(s.close)
        # RTCP on the odd port above the even RTP port
        for _ in range(50):
            p = free_port(tcp=False) & ~1
            try:
                rtp2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                rtp2.bind(("127.0.0.1", p))
                rtcp.bind(("127.0.0.1", p + 1))
                break
            except OSError:
                rtp2.close()
        self.addCleanup(rtp2.close)
        r = self.crcx(self.ca, "ds/e1-2/4@mgw", sdp_text=sdp(p))
        Sender(rtp2, resp_sdp_port(r)[0]).pcma_tone(20, 1000.0)
        rtcp.settimeout(5)
        # nothing sent yet (the span is silent): receiver reports, the
        # last one covering all 20 packets
        for _ in range(6):
            rr = rtcp.recvfrom(2048)[0]
            if struct.unpack("!I", rr[16:20])[0] == 1000 + 19:
                break
        self.assertEqual(rr[0] >> 6, 2)
        self.assertEqual(rr[1], 201, "RR before we send")
        self.assertEqual(rr[0] & 0x1F, 1, "one report block")
        ssrc, src, lost, ext_seq = struct.unpack("!IIII", rr[4:20])
        self.assertEqual(src, 0x4242)
        self.assertEqual(lost, 0)
        self.assertEqual(ext_seq, 1000 + 19)
        length = (struct.unpack("!H", rr[2:4])[0] + 1) * 4
        self.assertEqual(rr[length + 1], 202, "SDES follows")
        self.assertIn(b"mgw@127.0.0.1", rr[length:])
        # the span feeds the connection: it sends RTP, and then sender reports
        for i in range(300):
            self.peer.sendto(self.satop(5000 + i), ("127.0.0.1", self.span_port))
            if i % 10 == 9:
                time.sleep(0.01)
        for _ in range(5):
            sr = rtcp.recvfrom(2048)[0]
            if sr[1] == 200:
                break
        self.assertEqual(sr[1], 200, "SR once we send")
        self.assertEqual(struct.unpack("!I", sr[4:8])[0], ssrc)
        packets, octets = struct.unpack("!II", sr[20:28])
        self.assertGreater(packets, 0)
        self.assertEqual(octets, 160 * packets)
        rtp_pkts = [parse_rtp(x) for x in drain(rtp2, 0.1)]
        self.assertTrue(rtp_pkts and rtp_pkts[0]["ssrc"] == ssrc)
        self.assertRegex(self.vty.cmd("show connections"), r"rtcp tx [1-9]\d* reports")


class SpanWireTshark(SpanTestCase):
    """Without the RTP header, Wireshark's SAToP dissector reads our packets:
    control word, sequence, R bit and payload size as it understands them."""

    def test_tshark_decodes_our_satop(self):
        self.require_tool(tt.TSHARK, "tshark")
        peer = udp_socket()
        self.addCleanup(peer.close)
        span_port = free_port(tcp=False)
        _, vty, _ = self.start_gw(span_config(1, span_port, port_of(peer), payload=512, rtp_header="off"), "mgw")
        # one packet back, then silence: the gateway goes to LOPS and sets R
        peer.sendto(struct.pack("!BBH", 0, 0, 1) + bytes(512), ("127.0.0.1", span_port))
        wait_for(lambda: "LOPS" in vty.cmd("show spans"), 5, "loss of packets")
        pkts = drain(peer, 0.1)[-20:]
        self.assertTrue(all(len(p) == 4 + 512 for p in pkts))
        path = os.path.join(self.tmp, "satop.pcap")
        pcap.write_pcap(path, [pcap.udp_frame(p, sport=span_port, dport=port_of(peer)) for p in pkts])
        out = subprocess.run([tt.TSHARK, "-r", path, "-d", "udp.port==%d,pwsatopcw" % port_of(peer),
                                 "-T", "fields", "-E", "separator=|", "-e", "pwsatop.cw.seqno",
                                 "-e", "pwsatop.cw.lbit", "-e", "pwsatop.cw.rbit", "-e", "pwsatop.payload.len",
                                 "-e", "_ws.expert", "-e", "_ws.malformed"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = [l.split("|") for l in out.stdout.strip().split("\n")]
        self.assertEqual(len(rows), len(pkts))
        seqs = [int(r[0]) for r in rows]
        self.assertEqual(seqs, [(seqs[0] + i) & 0xFFFF for i in range(len(seqs))])
        for r in rows:
            self.assertEqual(r[1:], ["0", "1", "512", "", ""], r)


if __name__ == "__main__":
    tt.main()

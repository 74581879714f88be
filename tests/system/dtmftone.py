"""DTMF digits as dual tones in an E1 timeslot, for tests that play them
into a span of tandem-mgw (SAToP, 1 ms of the E1 per packet)."""
import time

import test_mgw as tm
import test_mgw_span as ts


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


def play_digits(sock, span_port, digits, slot, seq):
    """Send each digit 100 ms, then 100 ms of silence, into timeslot @slot
    of the span at @span_port, from @sock; SAToP sequence numbers start at
    @seq.  Returns the next sequence number."""
    for d in digits:
        for payload in dtmf_frames(d, 100, slot) + dtmf_frames(None, 100, slot):
            sock.sendto(ts.satop_packet(seq, payload), ("127.0.0.1", span_port))
            seq += 1
            if seq % 10 == 0:
                time.sleep(0.01)
    return seq

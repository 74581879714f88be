#!/usr/bin/env python3
"""SIP-I bodies vs tshark: the messages tests/unit/sipi-gen builds with the
sipi_ library (INVITE+IAM, 183+ACM, 486+REL, BYE+REL, INFO+SAM) are
written to a capture; tshark must decode the SIP start line and mapped
headers, the multipart parts and the encapsulated ISUP fields to what the
generator put in, and must flag nothing as malformed."""
import os
import subprocess

import pcap
import tandemtest as tt
from tandemtest import TandemTestCase, builddir

GEN = builddir("tests", "unit", "sipi-gen")

FIELDS = ["sip.Method", "sip.Status-Code", "sip.r-uri.user", "sip.Max-Forwards", "sip.P-Asserted-Identity",
          "sip.Content-Disposition", "sip.reason_cause_q850", "sip.reason_text",
          "mime_multipart.type", "mime_multipart.header.content-type", "sdp.media",
          "isup.message_type", "isup.called", "isup.calling", "isup.hop_counter", "isup.cause_indicator",
          "q931.cause_location", "isup.subsequent_number", "isup.called_partys_status_indicator",
          "isup.inband_information_ind", "_ws.malformed", "_ws.expert.severity"]

ISUP_CT = "application/ISUP;version=itu-t92+"
MULTI = {"mime_multipart.type": "multipart/mixed",
         "mime_multipart.header.content-type": "application/sdp," + ISUP_CT,
         "sdp.media": "audio 4000 RTP/AVP 8"}

# What the generator put in, per message; fields not listed must be empty.
EXPECT = {
    "invite-iam": dict(MULTI, **{
        "sip.Method": "INVITE", "sip.r-uri.user": "+4930123456",
        # hop counter 12 x hop factor 2
        "sip.Max-Forwards": "24",
        "sip.P-Asserted-Identity": "<sip:6912345;phone-context=+49@127.0.0.1;user=phone>",
        "isup.message_type": "1", "isup.called": "4930123456", "isup.calling": "6912345",
        "isup.hop_counter": "12"}),
    "progress-acm": dict(MULTI, **{
        "sip.Status-Code": "183", "isup.message_type": "6",
        "isup.called_partys_status_indicator": "0x0001", "isup.inband_information_ind": "1"}),
    "busy-rel": {
        "sip.Status-Code": "486", "sip.Content-Disposition": "signal;handling=required",
        "sip.reason_cause_q850": "17", "sip.reason_text": "User busy",
        "isup.message_type": "12", "isup.cause_indicator": "17", "q931.cause_location": "2"},
    "bye-rel": {
        "sip.Method": "BYE", "sip.Max-Forwards": "70", "sip.Content-Disposition": "signal;handling=required",
        "sip.reason_cause_q850": "16", "sip.reason_text": "Normal call clearing",
        "isup.message_type": "12", "isup.cause_indicator": "16", "q931.cause_location": "2"},
    "info-sam": {
        "sip.Method": "INFO", "sip.Max-Forwards": "70", "sip.Content-Disposition": "signal;handling=required",
        "isup.message_type": "2", "isup.subsequent_number": "78"},
}
# tshark's own notes that are not about our bytes
IGNORED = {"_ws.expert.severity"}


class SipiTshark(TandemTestCase):
    def test_agreement(self):
        self.require_tool(tt.TSHARK, "tshark")
        self.assertTrue(os.access(GEN, os.X_OK), "%s not built (make check builds it)" % GEN)
        out = subprocess.run([GEN, self.tmp], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        msgs = [line.split() for line in out.stdout.splitlines()]
        self.assertEqual([m[0] for m in msgs], list(EXPECT))
        frames = []
        for i, (name, path) in enumerate(msgs):
            with open(path, "rb") as f:
                data = f.read()
            # the body carries NUL octets: proof that nothing was cut at one
            self.assertIn(b"\x00", data.split(b"\r\n\r\n", 1)[1], name)
            frames.append(pcap.udp_frame(data, sport=5060 + i))
        cap = os.path.join(self.tmp, "sipi.pcap")
        pcap.write_pcap(cap, frames)
        res = subprocess.run([tt.TSHARK, "-r", cap, "-n", "-T", "fields", "-E", "separator=|",
                              "-E", "occurrence=a"] + sum([["-e", f] for f in FIELDS], []),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        rows = [dict(zip(FIELDS, line.split("|"))) for line in res.stdout.splitlines()]
        self.assertEqual(len(rows), len(msgs))
        checked = 0
        for (name, _), row in zip(msgs, rows):
            want = EXPECT[name]
            self.assertEqual(row["_ws.malformed"], "", "%s: %r" % (name, row))
            for field in FIELDS:
                if field in IGNORED or field == "_ws.malformed":
                    continue
                self.assertEqual(row[field], want.get(field, ""), "%s field %s: %r" % (name, field, row))
                checked += 1
        self.assertGreater(checked, 90)


if __name__ == "__main__":
    tt.main()

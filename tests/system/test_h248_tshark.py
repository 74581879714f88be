#!/usr/bin/env python3
"""H.248.1 text codec vs tshark: the messages Tandem's controller and
gateway send (Add/Modify/Subtract/Move/AuditValue/Notify/ServiceChange and
their replies, errors at each level, Pending, TransactionResponseAck) are
written by our builder in each form (compact/pretty, long/short tokens) by
tests/h248_tool, put in UDP datagrams to port 2944 in a capture, and
decoded by tshark's megaco dissector.  tshark must find the transaction
kind and id, context ids, commands, termination ids, stream, mode, reserve
values, error codes, request ids, event and signal names, SDP media lines
and audit items that our own parser reads back from the same bytes, and
must flag nothing as malformed.

tshark's dissector reads one transaction per datagram, so each vector has
one (Tandem sends one per datagram too).  Its spellings: context "$" is
4294967294, "*" 4294967295, "-" 0; termination "$" is "WildCard any", "*"
"WildCard all"; a Pending shows as "Reply"; an ack's id is its first."""
import json
import os
import re
import subprocess

import pcap
import tandemtest as tt
from tandemtest import TandemTestCase, builddir

TOOL = builddir("tests", "h248_tool")
MID = "[127.0.0.1]:2944"

# One transaction each; written here in whichever form reads best, the
# tool re-writes each in all four forms.
VECTORS = [
    # controller -> gateway: a call's two terminations in a new context
    "T=42{C=${A=tdm/1/5{M{O{MO=SR}}},A=${M{ST=1{O{MO=RC,RV=ON},"
    "L{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8 0}}},E=9{dd/std,dd/d1}}}}",
    "P=42{C=77{A=tdm/1/5,A=rtp/12{M{ST=1{L{v=0\nc=IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 8}}}}}}",
    # answer: both to sendrecv with the far end's SDP
    "T=43{C=77{MF=tdm/1/5{M{O{MO=SR}}},MF=rtp/12{M{ST=1{O{MO=SR,RV=ON,RG=OFF},"
    "R{v=0\nc=IN IP4 127.0.0.2\nm=audio 5000 RTP/AVP 8}}}}}}",
    "P=43{C=77{MF=tdm/1/5,MF=rtp/12}}",
    # release
    "T=44{C=77{S=tdm/1/5,S=rtp/12}}",
    "P=44{C=77{S=tdm/1/5,S=rtp/12{SA{nt/os=45123,rtp/pl=10}}}}",
    # errors: command, action and transaction level
    "P=45{C=77{MF=rtp/12{ER=501{\"Not Implemented\"}}}}",
    "P=46{C=78{ER=411{\"The transaction refers to an unknown ContextId\"}}}",
    "P=47{ER=400{\"Syntax error in message\"}}",
    "PN=48{}",
    "K{48,50-52}",
    # wildcards, events, signals, audit, move
    "T=49{C=*{S=*}}",
    "T=50{C=-{N=tdm/1/5{OE=9{20260101T10000000:dd/d5{ds=5}}}}}",
    "T=51{C=-{MF=tdm/1/5{E=3{dd/std,al/on},SG{cg/rt}}}}",
    "T=52{C=-{AV=tdm/1/5{AT{Media,Events}}}}",
    "T=53{C=77{MV=tdm/1/6{M{O{MO=IN}}}}}",
    # gateway registration and the controller's reply
    "T=54{C=-{SC=ROOT{SV{MT=RS,RE=\"901 Cold Boot\",AD=2944,PF=TandemGW/1,V=2}}}}",
    "P=54{C=-{SC=ROOT{SV{AD=2944,PF=TandemGW/1,V=2}}}}",
    "T=55{C=-{SC=tdm/1/*{SV{MT=FL,RE=\"908 MG Impending Failure\",DL=10}}}}",
    "T=56{C=-{SC=ROOT{SV{MT=DC,RE=\"900 Service Restored\"}}}}",
]
FORMS = [[], ["-s"], ["-p"], ["-s", "-p"]]

FIELDS = ["frame.number", "megaco.version", "megaco.mId", "megaco.transaction", "megaco.transid",
          "megaco.context", "megaco.command", "megaco.termid", "megaco.streamid", "megaco.mode",
          "megaco.reservevalue", "megaco.reservegroup", "megaco.error_code", "megaco.requestid",
          "megaco.pkgdname", "sdp.media", "megaco.audititem", "_ws.malformed", "megaco.parse_error"]

TRANS = {"request": "Request", "reply": "Reply", "pending": "Reply", "response-ack": "TransactionResponseAck"}
CTX = {"$": "4294967294", "*": "4294967295", "-": "0"}
TERM = {"$": "WildCard any", "*": "WildCard all"}
MODE = {"sendonly": ("SendOnly", "SO"), "recvonly": ("ReceiveOnly", "RC"), "sendrecv": ("SendReceive", "SR"),
        "inactive": ("Inactive", "IN"), "loopback": ("Loopback", "LB")}
METHOD = {"restart": ("Restart", "RS"), "failover": ("Failover", "FL"), "disconnected": ("Disconnected", "DC")}


def tool(args, data):
    return subprocess.run([TOOL] + args, input=data, capture_output=True, timeout=20)


def our_view(js, short):
    """What tshark must show, from our parser's reading of the bytes."""
    t = js["trans"][0]
    v = {"megaco.version": str(js["version"]), "megaco.mId": js["mid"],
         "megaco.transaction": TRANS[t["kind"]],
         "megaco.transid": str(t["acks"][0][0] if t["kind"] == "response-ack" else t["id"])}
    ctxs, cmds, terms, modes, rv, rg, errs, rids, pkgs, media, audit = [], [], [], [], [], [], [], [], [], [], []
    streams = set()
    if "error" in t:
        errs.append(str(t["error"]))
    for a in t["actions"]:
        ctxs.append(CTX.get(a["ctx"], a["ctx"]))
        if "error" in a:
            errs.append(str(a["error"]))
        for c in a["cmds"]:
            cmds.append(c["cmd"])
            terms.append(TERM.get(c["term"], c["term"]))
            for s in c["streams"]:
                if s["id"]:
                    streams.add(str(s["id"]))
                if s["mode"] != "none":
                    modes.append(MODE[s["mode"]][1 if short else 0])
                if s["rv"] >= 0:
                    rv.append("ON" if s["rv"] else "OFF")
                if s["rg"] >= 0:
                    rg.append("ON" if s["rg"] else "OFF")
                for sdp in (s["local"], s["remote"]):
                    media += [ln[2:] for ln in sdp.splitlines() if ln.startswith("m=")]
            for key in ("events_rid", "observed_rid"):
                if key in c:
                    rids.append(str(c[key]))
            pkgs += c["events"] + c["observed"] + c["signals"]
            audit += c["audit"]
            if "error" in c:
                errs.append(str(c["error"]))
    v.update({"megaco.context": set(ctxs), "megaco.command": cmds, "megaco.termid": terms,
              "megaco.streamid": streams, "megaco.mode": modes, "megaco.reservevalue": rv,
              "megaco.reservegroup": rg, "megaco.error_code": errs, "megaco.requestid": rids,
              "megaco.pkgdname": pkgs, "sdp.media": media, "megaco.audititem": audit})
    return v


def tshark_rows(case, path, sent):
    """Write the datagrams of @sent (bytes, UDP 2944 both ways) to the pcap
    @path and read them back with tshark's megaco dissector: one dict of
    FIELDS per datagram, after checking tshark ran and saw every one."""
    pcap.write_pcap(path, [pcap.udp_frame(d, 2944, 2944) for d in sent])
    out = subprocess.run([tt.TSHARK, "-r", path, "-n", "-d", "udp.port==2944,megaco", "-T", "fields",
                          "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=;"]
                         + sum([["-e", f] for f in FIELDS], []), capture_output=True, text=True, timeout=120)
    case.assertEqual(out.returncode, 0, out.stderr)
    rows = [dict(zip(FIELDS, line.split("|"))) for line in out.stdout.splitlines()]
    case.assertEqual(len(rows), len(sent))
    return rows


def split(field, value):
    parts = [p for p in value.split(";") if p] if value else []
    if field in ("megaco.context", "megaco.streamid"):
        return set(parts)   # tshark repeats them per command, or not
    return parts


class TsharkAgreement(TandemTestCase):
    def run_tshark(self, path, *args):
        out = subprocess.run([tt.TSHARK, "-r", path, "-n", "-d", "udp.port==2944,megaco"] + list(args),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def test_agreement(self):
        self.require_tool(tt.TSHARK, "tshark")
        frames, expect, sent = [], [], []
        for v in VECTORS:
            text = ("MEGACO/2 %s\n%s" % (MID, v)).encode()
            for form in FORMS:
                enc = tool(form, text)
                self.assertEqual(enc.returncode, 0, "%s %s: %s" % (form, v, enc.stderr))
                dec = tool(["-j"], enc.stdout)
                self.assertEqual(dec.returncode, 0, "%s: %s" % (enc.stdout, dec.stderr))
                frames.append(pcap.udp_frame(enc.stdout, 2944, 2944))
                expect.append(our_view(json.loads(dec.stdout), "-s" in form))
                sent.append(enc.stdout.decode())
        path = os.path.join(self.tmp, "h248.pcap")
        pcap.write_pcap(path, frames)

        rows = self.run_tshark(path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
                               "-E", "aggregator=;", *sum([["-e", f] for f in FIELDS], []))
        rows = [dict(zip(FIELDS, line.split("|"))) for line in rows.splitlines()]
        self.assertEqual(len(rows), len(frames))
        for row, exp, text in zip(rows, expect, sent):
            ctx = "frame %s:\n%s\ntshark %r" % (row["frame.number"], text, row)
            self.assertEqual(row["_ws.malformed"], "", ctx)
            self.assertEqual(row["megaco.parse_error"], "", ctx)
            for field, want in exp.items():
                got = split(field, row[field])
                self.assertEqual(got if isinstance(want, (list, set)) else row[field], want,
                                 "%s: %s" % (field, ctx))

    def test_service_change_text(self):
        """tshark shows Services as text: Method, Reason, Delay, Address,
        Profile must be there as we wrote them."""
        self.require_tool(tt.TSHARK, "tshark")
        frames, wants = [], []
        for v in VECTORS:
            if "SC=" not in v:
                continue
            text = ("MEGACO/2 %s\n%s" % (MID, v)).encode()
            for form in FORMS:
                enc = tool(form, text)
                js = json.loads(tool(["-j"], enc.stdout).stdout)
                c = js["trans"][0]["actions"][0]["cmds"][0]
                want = [c["profile"], c["address"]]
                if c["method"] != "none":
                    want.append(METHOD[c["method"]][1 if "-s" in form else 0])
                if c["reason"]:
                    want.append('"%s"' % c["reason"])
                if c["delay"] >= 0:
                    want.append(str(c["delay"]))
                frames.append(pcap.udp_frame(enc.stdout, 2944, 2944))
                wants.append(want)
        path = os.path.join(self.tmp, "sc.pcap")
        pcap.write_pcap(path, frames)
        out = self.run_tshark(path, "-V", "-O", "megaco")
        blocks = re.split(r"^Frame \d+:", out, flags=re.M)[1:]
        self.assertEqual(len(blocks), len(frames))
        for block, want in zip(blocks, wants):
            tree = block.split("(RAW text output)")[0]   # the decoded tree, not the raw echo
            for w in want:
                self.assertIn(w, tree, tree)

    def test_tool_rejects(self):
        """Malformed input: exit status 2 and the H.248.1 error code."""
        cases = [(b"MEGACO/1 [1.2.3.4]\nT=1{C=-{Foo=a}}", "443 1"),
                 (b"MEGACO/9 [1.2.3.4]\nT=1{C=-{MF=a}}", "406 -"),
                 (b"MEGACO/1 [1.2.3.4]\nT=2{C=-{MF=a{Gizmo{}}}}", "444 2")]
        for data, want in cases:
            out = tool([], data)
            self.assertEqual(out.returncode, 2, data)
            self.assertIn(" %s " % want, out.stderr.decode(), data)
            self.assertEqual(out.stdout, b"", data)


if __name__ == "__main__":
    tt.main()

#!/usr/bin/env python3
"""tandem-cdr export and report against known rows in a real PostgreSQL."""
import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcluster  # noqa: E402
import tandemtest as tt  # noqa: E402

TOOL = tt.builddir("db", "tandem-cdr")
CLUSTER = None
DB = None

# Six attempts on 2026-01-10 (UTC); the last one is outside [10:00, 12:00).
ROWS = """
INSERT INTO cdr (call_id, start_time, answer_time, end_time, calling_in, called_in,
                 ingress_trunk, egress_trunk, route, cic, sip_call_id, cause, cause_location,
                 released_by, codec, transcoded, pdd_ms, instance) VALUES
('00000000-0000-4000-8000-000000000001', '2026-01-10 10:00:00+00', '2026-01-10 10:00:02+00',
 '2026-01-10 10:01:02+00', '4930111', '4989222', 'carrier-a', 'isup-1', 'de', 17, 'c1@a',
 16, 0, 'calling', 'PCMA', false, 1500, 't1'),
('00000000-0000-4000-8000-000000000002', '2026-01-10 10:10:00+00', '2026-01-10 10:10:03+00',
 '2026-01-10 10:12:03+00', '4930112', '4989223', 'carrier-a', 'isup-1', 'de', 18, 'c2@a',
 16, 0, 'called', 'G729', true, 2500, 't1'),
('00000000-0000-4000-8000-000000000003', '2026-01-10 10:20:00.250+00', NULL,
 '2026-01-10 10:20:05.250+00', '4930113', '4989224', 'carrier-a', 'isup-1', 'de', 19, 'c3@a',
 17, 4, 'called', NULL, NULL, 3000, 't1'),
('00000000-0000-4000-8000-000000000004', '2026-01-10 11:05:00+00', NULL,
 '2026-01-10 11:05:01+00', 'a,"b"', '44207', 'carrier-b', NULL, 'uk', NULL, E'x\\ny',
 41, 3, 'tandemd', NULL, NULL, NULL, 't2'),
('00000000-0000-4000-8000-000000000005', '2026-01-10 11:30:00+00', '2026-01-10 11:30:01+00',
 '2026-01-10 11:30:31+00', '4930115', '44208', 'carrier-b', 'sip-uk', 'uk', NULL, 'c5@b',
 16, 0, 'calling', 'PCMA', false, 1000, 't2'),
('00000000-0000-4000-8000-000000000006', '2026-01-10 12:00:00+00', NULL,
 '2026-01-10 12:00:01+00', '4930116', '4989225', 'carrier-a', NULL, 'de', NULL, 'c6@a',
 41, 3, 'tandemd', NULL, NULL, NULL, 't1');
"""

RANGE = ["--from", "2026-01-10 10:00", "--to", "2026-01-10 12:00"]


def setUpModule():
    global CLUSTER, DB
    CLUSTER = pgcluster.start_for_module("pg-cdrtool")
    if not CLUSTER:
        return
    DB = CLUSTER.create_db("cdrtool")
    r = subprocess.run([TOOL, "--db", DB, "migrate"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    CLUSTER.psql(ROWS, "cdrtool")


def tearDownModule():
    if CLUSTER:
        CLUSTER.destroy()


class Tool(tt.TandemTestCase):
    def setUp(self):
        super().setUp()
        if CLUSTER is None:
            self.skipTest("PostgreSQL not installed")

    def run_tool(self, *args, env=None, rc=0):
        r = subprocess.run([TOOL] + list(args), capture_output=True, timeout=30, env=env)
        self.assertEqual(r.returncode, rc, r.stderr.decode())
        return r.stdout.decode(), r.stderr.decode()

    def test_export_csv(self):
        out, _ = self.run_tool("--db", DB, "export", *RANGE)
        self.assertTrue(out.endswith("\r\n"))
        self.assertNotIn("\n", out.replace("\r\n", "").replace("x\ny", ""))
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual([r["call_id"][-1] for r in rows], ["1", "2", "3", "4", "5"])
        first = rows[0]
        self.assertEqual(first["start_time"], "2026-01-10T10:00:00.000Z")
        self.assertEqual(first["answer_time"], "2026-01-10T10:00:02.000Z")
        self.assertEqual(first["setup_ms"], "2000")
        self.assertEqual(first["talk_ms"], "60000")
        self.assertEqual(first["transcoded"], "false")
        self.assertEqual(first["cic"], "17")
        self.assertEqual(first["calling_in_nai"], "")
        self.assertEqual(rows[1]["transcoded"], "true")
        self.assertEqual(rows[2]["start_time"], "2026-01-10T10:20:00.250Z")
        self.assertEqual(rows[2]["answer_time"], "")
        self.assertEqual(rows[2]["setup_ms"], "5000")
        # RFC 4180 quoting survives a round trip through a CSV reader
        self.assertEqual(rows[3]["calling_in"], 'a,"b"')
        self.assertEqual(rows[3]["sip_call_id"], "x\ny")
        self.assertIn('"a,""b"""', out)
        header = out.split("\r\n", 1)[0]
        self.assertTrue(header.startswith("call_id,start_time,answer_time,end_time,setup_ms,talk_ms,"))

    def test_export_json_and_trunk_filter(self):
        out, _ = self.run_tool("--db", DB, "export", *RANGE, "--trunk", "carrier-b", "--format", "json")
        rows = json.loads(out)
        self.assertEqual([r["sip_call_id"] for r in rows], ["x\ny", "c5@b"])
        self.assertIsNone(rows[0]["answer_time"])
        self.assertEqual(rows[1]["talk_ms"], 30000)
        self.assertIs(rows[1]["transcoded"], False)
        self.assertEqual(rows[0]["calling_in"], 'a,"b"')
        # an egress trunk matches too; an unknown one gives an empty array
        out, _ = self.run_tool("--db", DB, "export", *RANGE, "--trunk", "sip-uk", "--format", "json")
        self.assertEqual(len(json.loads(out)), 1)
        out, _ = self.run_tool("--db", DB, "export", *RANGE, "--trunk", "x'; DROP TABLE cdr; --",
                               "--format", "json")
        self.assertEqual(json.loads(out), [])
        self.assertEqual(CLUSTER.scalar("SELECT count(*) FROM cdr", "cdrtool"), "6")

    def test_report_totals(self):
        out, _ = self.run_tool("--db", DB, "report", *RANGE)
        self.assertEqual(out.splitlines(), [
            "CDR report from 2026-01-10 10:00 to 2026-01-10 12:00",
            "                          attempts  answered      ASR%      NER%     ACD s    PDD ms"
            "  top causes (cause:count)",
            "total                            5         3      60.0      80.0      70.0    2000.0"
            "  16:3 17:1 41:1",
            "top release causes: 16 (3) 17 (1) 41 (1)",
        ])

    def test_report_by_trunk_route_hour(self):
        out, _ = self.run_tool("--db", DB, "report", *RANGE, "--by", "trunk")
        lines = out.splitlines()
        self.assertEqual(lines[2], "carrier-a                        3         2      66.7     100.0"
                                   "      90.0    2333.3  16:2 17:1")
        self.assertEqual(lines[3], "carrier-b                        2         1      50.0      50.0"
                                   "      30.0    1000.0  16:1 41:1")
        self.assertEqual(lines[4], "total                            5         3      60.0      80.0")
        out, _ = self.run_tool("--db", DB, "report", *RANGE, "--by", "route")
        self.assertEqual([l.split()[0] for l in out.splitlines()[2:4]], ["de", "uk"])
        out, _ = self.run_tool("--db", DB, "report", *RANGE, "--by", "hour")
        hours = [l.split()[:3] for l in out.splitlines()[2:4]]
        self.assertEqual(hours, [["2026-01-10T10:00Z", "3", "2"], ["2026-01-10T11:00Z", "2", "1"]])

    def test_report_svg_chart(self):
        svg = os.path.join(self.tmp, "chart.svg")
        self.run_tool("--db", DB, "report", "--from", "2026-01-10 08:00", "--to", "2026-01-10 14:00",
                      "--svg", svg)
        root = ET.parse(svg).getroot()
        ns = {"s": "http://www.w3.org/2000/svg"}
        bars = [r for r in root.findall("s:rect", ns) if r.find("s:title", ns) is not None]
        self.assertEqual([b.find("s:title", ns).text for b in bars],
                         ["01-10 08:00: 0 calls", "01-10 09:00: 0 calls", "01-10 10:00: 3 calls",
                          "01-10 11:00: 2 calls", "01-10 12:00: 1 calls", "01-10 13:00: 0 calls"])
        # ASR points: 66.7 %, 50 % and 0 % of the plot height for the three hours with calls
        self.assertEqual(len(root.findall("s:circle", ns)), 3)
        self.assertIn("Calls and ASR per hour", open(svg).read())

    def test_bad_arguments(self):
        _, err = self.run_tool("--db", DB, "export", "--from", "yesterday-ish", "--to", "now", rc=1)
        self.assertIn("invalid input syntax for type timestamp", err)
        _, err = self.run_tool("--db", DB, "export", *RANGE, "--format", "xml", rc=2)
        self.assertIn("csv or json", err)
        _, err = self.run_tool("--db", DB, "report", *RANGE, "--by", "cause", rc=2)
        _, err = self.run_tool("report", "--from", "x", rc=2)
        self.assertIn("needs --from and --to", err)
        _, err = self.run_tool("--db", "host=/nonexistent dbname=x", "schema", rc=1)
        self.assertIn("cannot connect", err)
        # the environment names the database too
        env = dict(os.environ, TANDEM_CDR_DB=DB)
        out, _ = self.run_tool("schema", env=env)
        self.assertIn("database schema version 1", out)


if __name__ == "__main__":
    tt.main()

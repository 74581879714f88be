#!/usr/bin/env python3
"""Call control CDRs: SIP -> ISUP calls through osmo-stp and the ISUP peer
leave one row each in a real PostgreSQL (tests/system/pgcluster.py)."""
import os

import pgcluster
import tandemtest as tt
from tandemtest import wait_for
from test_cc import CallCase

CLUSTER = None


def setUpModule():
    global CLUSTER
    CLUSTER = pgcluster.start_for_module("pg-cc")


def tearDownModule():
    if CLUSTER:
        CLUSTER.destroy()


COLUMNS = ("called_in, called_out, called_out_nai, calling_in, ingress_trunk, egress_trunk, route,"
           " cic, opc, dpc, cause, released_by, answer_time IS NOT NULL, pdd_ms IS NOT NULL,"
           " sip_call_id LIKE '%@127.0.0.1'")


class CallCdr(CallCase):
    def setUp(self):
        if CLUSTER is None:
            self.skipTest("PostgreSQL not installed")
        if not CLUSTER.running():
            CLUSTER.start()
        self.db = "cdr_cc_" + self.id().split(".")[-1][5:][:40]
        self.conninfo = CLUSTER.create_db(self.db)
        super().setUp()

    def start_ss7_tandemd(self, cfg):
        cfg += ("cdr\n instance cc-test\n connection %s\n spool-path %s\n"
                % (self.conninfo, os.path.join(self.tmp, "cdr.spool")))
        return super().start_ss7_tandemd(cfg)

    def rows(self, n):
        wait_for(lambda: CLUSTER.count("cdr", self.db) == n, 15,
                 "%d CDR rows" % n)
        return CLUSTER.psql("SELECT %s FROM cdr ORDER BY start_time" % COLUMNS, self.db).split("\n")

    def test_busy_and_answered_calls_are_billed(self):
        peer = self.ready_peer("expect IAM cic=* called=493022345\n"
                               "send REL cic=$ cause=17\n"
                               "expect RLC cic=$\n"
                               "expect IAM cic=* called=493022345\n"
                               "send ACM cic=$\n"
                               "send ANM cic=$\n"
                               "sleep 0.3\n"
                               "send REL cic=$ cause=16\n"
                               "expect RLC cic=$\n")
        self.wait_sipp(self.sipp("cc_uac_reject.xml", "03022345", {"STATUS": "486", "CAUSE": "17"}))
        self.wait_sipp(self.sipp("cc_uac_remote_bye.xml", "03022345"))
        self.wait_peer(peer)
        rows = self.rows(2)
        common = "03022345|493022345|4|4930100|sip|t1|national|1|2057|4114|"
        self.assertEqual(rows[0], common + "17|called|f|f|t")
        self.assertEqual(rows[1], common + "16|called|t|t|t")

    def test_no_route_is_billed(self):
        self.wait_sipp(self.sipp("cc_uac_reject.xml", "040123", {"STATUS": "404", "CAUSE": "3"}))
        self.assertEqual(self.rows(1)[0], "040123|||4930100|sip||||||3|tandemd|f|f|t")


if __name__ == "__main__":
    tt.main()

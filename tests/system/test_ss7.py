#!/usr/bin/env python3
"""ISUP over M3UA through a real osmo-stp: the Q.764 circuit procedures of
tandemd, driven by the scripted ISUP peer and the operator VTY."""
import re

import tandemtest as tt
from ss7test import (PEER_PC, SS7TestCase, STARTUP, TANDEM_PC, asp_config, parse_circuits, ss7_env,
                     trunk_config)
from tandemtest import free_port

ALL = range(1, 9)


def all_idle(c):
    return len(c) == 8 and all(c[i][0] == "idle" and c[i][1] == "-" for i in ALL)


class Startup(SS7TestCase):
    def test_grs_gra_brings_every_circuit_idle(self):
        c = self.circuits()
        self.assertTrue(all(c[i][0] in ("resetting", "unavailable") for i in ALL), c)
        self.run_peer(STARTUP)
        self.wait_circuits(all_idle, "all circuits idle")
        self.assertEqual(self.circuits()[5][3], "-")
        out = self.vty.cmd("show isup circuits t1 idle")
        self.assertIn("ds/e1-0/s-5@mgw", out)
        trunks = self.vty.cmd("show isup trunks")
        self.assertIn("destination available", trunks)
        self.assertIn("OPC 1.1.1, DPC 2.2.2", trunks)
        self.assertGreaterEqual(self.counter("GRS messages tx"), 1)
        # a clean shutdown: no leak or sanitizer report
        self.stop_tandemd_clean()

    def test_show_timers_and_write_terminal(self):
        out = self.vty.cmd("show isup timers")
        self.assertRegex(out, r"trunk t1: T7 = 20 s")
        self.assertRegex(out, r"trunk t1: T22 = 1 s")
        text = self.vty.cmd("write terminal")
        self.assertIn("isup trunk t1\n variant itu\n local-point-code 1.1.1\n"
                      " remote-point-code 2.2.2\n cic-range 1 8\n", text)
        self.assertIn(" timer T22 1\n", text)
        self.assertIn("cs7 instance 0", text)

    def test_bad_vty_input(self):
        self.assertIn("no trunk", self.vty.cmd("isup trunk nope circuit 1 block"))
        self.assertIn("has no CIC 99", self.vty.cmd("isup trunk t1 circuit 99 block"))
        self.assertIn("2 to 32", self.vty.cmd("isup trunk t1 circuits 1 40 block"))
        self.assertIn("1 to 32 digits", self.vty.cmd("isup trunk t1 circuit 1 test-call 12ab"))
        self.vty.cmd("configure terminal")
        self.vty.cmd("isup trunk t1")
        self.assertIn("is running", self.vty.cmd("cic-range 20 30"))
        self.assertIn("with 'percent' only", self.vty.cmd("continuity-check percent"))
        self.assertIn("with 'percent' only", self.vty.cmd("continuity-check always 5"))
        self.assertEqual(self.vty.cmd("continuity-check percent 12"), "")
        self.vty.cmd("end")
        self.assertIn(" continuity-check percent 12\n", self.vty.cmd("write terminal"))


T2_SHARED = ("isup trunk t2\n variant itu\n local-point-code %s\n remote-point-code %s\n"
             " cic-range %%s\n" % (TANDEM_PC, PEER_PC))


class SharedPointCodes(SS7TestCase):
    """Two trunks between the same point codes: the CIC picks the trunk."""
    extra_cfg = T2_SHARED % "9 12"

    def test_cic_picks_the_trunk(self):
        peer = self.start_peer(STARTUP +
                               "send BLO cic=10\n"
                               "expect BLA cic=10\n"
                               "mark blocked\n")
        self.wait_mark(peer, "blocked")
        self.assertEqual(self.circuits("t2")[10][1], "RM")
        self.assertNotIn(10, self.circuits("t1"))
        self.assertNotIn("UCIC", peer.log())

    def test_overlapping_cics_refuse_to_start(self):
        vty_port = free_port()
        cfg = tt.tandemd_config(vty_port, free_port(), transport="udp")
        cfg += asp_config(TANDEM_PC, "asp-tandem", "as-tandem", 1, self.stp_port, free_port(udp=False))
        cfg += trunk_config() + T2_SHARED % "5 12"
        proc = self.start("tandemd-overlap", [tt.builddir("src", "tandemd"), "-c",
                                              self.write("overlap.cfg", cfg)], cwd=self.tmp,
                          env=ss7_env())
        self.assertNotEqual(proc.wait(timeout=30), 0)
        self.assertIn("trunks t1 and t2 share point codes and CICs 5-12", proc.log())


class Blocking(SS7TestCase):
    def test_blo_ubl_cgb_cgu_from_peer(self):
        peer = self.start_peer(STARTUP +
                               "send BLO cic=3\n"
                               "expect BLA cic=3\n"
                               "send CGB cic=5 range=3 status=1011 type=maintenance\n"
                               "expect CGBA cic=5 range=3 status=1011 type=maintenance\n"
                               "mark blocked\n"
                               "wait-file unblock\n"
                               "send UBL cic=3\n"
                               "expect UBA cic=3\n"
                               "send CGU cic=5 range=3 status=1011 type=maintenance\n"
                               "expect CGUA cic=5 range=3 status=1011 type=maintenance\n")
        self.wait_mark(peer, "blocked")
        c = self.circuits()
        self.assertEqual(c[3][1], "RM")
        self.assertEqual([c[i][1] for i in (5, 6, 7, 8)], ["RM", "-", "RM", "RM"])
        blocked = self.circuits("t1", "blocked")
        self.assertEqual(sorted(blocked), [3, 5, 7, 8])
        self.go("unblock")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits unblocked")

    def test_hardware_cgb_from_peer(self):
        self.run_peer(STARTUP +
                      "send CGB cic=1 range=1 status=11 type=hardware\n"
                      "expect CGBA cic=1 range=1 status=11 type=hardware\n")
        c = self.circuits()
        self.assertEqual((c[1][1], c[2][1]), ("RH", "RH"))

    def test_blo_ubl_cgb_cgu_from_vty(self):
        peer = self.start_peer(STARTUP +
                               "expect BLO cic=2\n"
                               "send BLA cic=2\n"
                               "expect CGB cic=5 range=3 status=1111 type=maintenance\n"
                               "send CGBA cic=5 range=3 status=1111 type=maintenance\n"
                               "mark blocked\n"
                               "expect UBL cic=2\n"
                               "send UBA cic=2\n"
                               "expect CGU cic=5 range=3 status=1111 type=maintenance\n"
                               "send CGUA cic=5 range=3 status=1111 type=maintenance\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.assertEqual(self.vty.cmd("isup trunk t1 circuit 2 block"), "")
        self.assertEqual(self.vty.cmd("isup trunk t1 circuits 5 8 block"), "")
        self.wait_mark(peer, "blocked")
        self.wait_circuits(lambda c: c[2][1:3] == ("LM", "-"), "BLA to clear the pending BLO")
        c = self.circuits()
        self.assertEqual([c[i][1] for i in (5, 6, 7, 8)], ["LM"] * 4)
        self.assertIn("already", self.vty.cmd("isup trunk t1 circuit 2 block"))
        self.assertEqual(self.vty.cmd("isup trunk t1 circuit 2 unblock"), "")
        self.assertEqual(self.vty.cmd("isup trunk t1 circuits 5 8 unblock"), "")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits unblocked")

    def test_blo_repeated_until_bla(self):
        # T12 = 1 s: the first BLO is ignored, the repeat is answered
        peer = self.start_peer(STARTUP +
                               "expect BLO cic=4\n"
                               "expect BLO cic=4\n"
                               "send BLA cic=4\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 4 block")
        self.wait_peer(peer)
        self.wait_circuits(lambda c: c[4][1:3] == ("LM", "-"), "circuit 4 blocked")
        self.assertGreaterEqual(self.counter("Q.764 timer expiries"), 1)


class Reset(SS7TestCase):
    def test_rsc_both_ways(self):
        peer = self.start_peer(STARTUP +
                               "send RSC cic=4\n"
                               "expect RLC cic=4\n"
                               "mark rsc\n"
                               "expect RSC cic=6\n"
                               "send RLC cic=6\n")
        self.wait_mark(peer, "rsc")
        self.vty.cmd("isup trunk t1 circuit 6 reset")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")

    def test_rsc_on_busy_circuit(self):
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=2 called=5551234\n"
                               "send ACM cic=2\n"
                               "mark busy\n"
                               "wait-file reset\n"
                               "send RSC cic=2\n"
                               "expect RLC cic=2\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.assertEqual(self.vty.cmd("isup trunk t1 circuit 2 test-call 5551234"), "")
        self.wait_mark(peer, "busy")
        self.wait_circuits(lambda c: c[2][0] == "out-alerting", "circuit 2 alerting")
        self.assertEqual(sorted(self.circuits("t1", "busy")), [2])
        self.go("reset")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "circuit 2 idle again")

    def test_group_reset_from_vty_and_grs_from_peer(self):
        peer = self.start_peer(STARTUP +
                               "send BLO cic=7\n"
                               "expect BLA cic=7\n"
                               "send GRS cic=1 range=7\n"
                               "expect GRA cic=1 range=7 status=00000000\n"
                               "mark grs\n"
                               "unignore GRS\n"
                               "expect GRS cic=1 range=7\n"
                               "send GRA cic=1 range=7 status=01000000\n")
        self.wait_mark(peer, "grs")
        # the peer's GRS ended its own blocking of CIC 7
        self.wait_circuits(lambda c: c[7][1] == "-", "CIC 7 unblocked by GRS")
        self.vty.cmd("isup trunk t1 group reset")
        self.wait_peer(peer)
        # GRA status: the peer has CIC 2 blocked for maintenance
        self.wait_circuits(lambda c: c[2] == ("idle", "RM", "-", "-") and c[1][1] == "-",
                           "CIC 2 remotely blocked after GRA")


class BadInput(SS7TestCase):
    def test_unequipped_cic_gets_ucic(self):
        self.run_peer(STARTUP +
                      "send IAM cic=40 called=123\n"
                      "expect UCIC cic=40\n"
                      "send UCIC cic=41\n"
                      "send GRS cic=100 range=3\n"
                      "send BLO cic=42\n"
                      "expect UCIC cic=42\n")
        self.assertEqual(self.counter("Messages for unequipped CICs"), 4)
        self.assertEqual(self.counter("UCIC messages sent"), 2)

    def test_ucic_takes_circuit_out_of_service(self):
        peer = self.start_peer(STARTUP +
                               "expect BLO cic=3\n"
                               "send UCIC cic=3\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 3 block")
        self.wait_peer(peer)
        self.wait_circuits(lambda c: c[3][3] == "UCIC", "CIC 3 marked unequipped at the peer")
        self.assertEqual(sorted(self.circuits("t1", "unequipped")), [3])

    def test_unknown_message_and_parameters(self):
        self.run_peer(STARTUP +
                      # unknown type, no compatibility information: CFN 97
                      "send raw cic=5 hex=fe00\n"
                      "expect CFN cic=5 cause=97 diag=fe\n"
                      # MCI: discard, no notification -> nothing
                      "send raw cic=5 hex=fd0138018800\n"
                      # MCI: discard and notify -> CFN
                      "send raw cic=5 hex=fc0138018c00\n"
                      "expect CFN cic=5 cause=97 diag=fc\n"
                      # IAM with an unknown optional parameter (0xfd) and no
                      # PCI: the parameter is dropped, CFN 99 names it, and
                      # the call goes to call control, which has no route
                      # for it here and refuses it
                      "send raw cic=6 hex=010060010a0002060483102103fd010000\n"
                      "expect CFN cic=6 cause=99 diag=fd\n"
                      "expect REL cic=6\n"
                      "send RLC cic=6\n"
                      # truncated IAM: discarded
                      "send raw cic=6 hex=0100\n"
                      "send CQM cic=5 range=2\n"
                      "expect CQR cic=5 range=2 states=0c0c0c\n")
        self.assertEqual(self.counter("Unrecognised message types"), 3)
        self.assertEqual(self.counter("Messages with unrecognised parameters"), 1)
        self.assertEqual(self.counter("Truncated or malformed messages discarded"), 1)
        self.assertEqual(self.counter("Confusion messages sent"), 3)
        self.assertTrue(self.tandemd.alive())
        self.wait_circuits(all_idle, "all circuits idle")
        self.stop_tandemd_clean()


class Calls(SS7TestCase):
    timers = dict(SS7TestCase.timers, T7=2)

    def test_t7_expiry_releases_with_102(self):
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=5 called=4711\n"
                               "expect REL cic=5 cause=102 timeout=15\n"
                               "send RLC cic=5\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 5 test-call 4711")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "circuit 5 idle again")
        self.assertGreaterEqual(self.counter("Calls released by a failure (timer, reset, pause)"), 1)

    def test_dual_seizure_non_controlling_side_retries(self):
        # 2.2.2 > 1.1.1: the peer controls even CICs, so tandemd backs off
        # on CIC 2, takes the peer's call (and refuses it: no route for it
        # here) and retries its own on the lowest free circuit, CIC 1.
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=2 called=777\n"
                               "send IAM cic=2 called=888\n"
                               "expect REL cic=2\n"
                               "send RLC cic=2\n"
                               "expect IAM cic=* cic-not=2 called=777\n"
                               "send ACM cic=$\n"
                               "send REL cic=$ cause=16\n"
                               "expect RLC cic=$\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 2 test-call 777")
        self.wait_peer(peer)
        self.assertEqual(self.counter("Dual seizures detected"), 1)
        self.wait_circuits(all_idle, "all circuits idle")

    def test_dual_seizure_controlling_side_keeps_call(self):
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=3 called=777\n"
                               "send IAM cic=3 called=888\n"
                               "send ACM cic=3\n"
                               "mark acm\n"
                               "wait-file rel\n"
                               "send REL cic=3 cause=16\n"
                               "expect RLC cic=3\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 3 test-call 777")
        self.wait_mark(peer, "acm")
        self.wait_circuits(lambda c: c[3][0] == "out-alerting", "our call on CIC 3 goes on")
        self.go("rel")
        self.wait_peer(peer)
        self.assertEqual(self.counter("Dual seizures detected"), 1)


class Continuity(SS7TestCase):
    """Continuity check (Q.764 2.1.8): tandemd has no loop equipment, so
    the loop is taken as connected; the signalling runs in full."""
    timers = dict(SS7TestCase.timers, T8=2)

    def test_iam_waits_for_cot(self):
        peer = self.start_peer(STARTUP +
                               "send IAM cic=3 called=4711 continuity=1\n"
                               "expect-none 0.5\n"
                               "mark held\n"
                               "wait-file cot\n"
                               # only now is the call handed on (and, with
                               # no route for it here, refused)
                               "send COT cic=3 cot=ok\n"
                               "expect REL cic=3\n"
                               "send RLC cic=3\n")
        self.wait_mark(peer, "held")
        self.assertEqual(self.circuits()[3][0], "in-cot")
        self.go("cot")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")

    def test_t8_expiry_releases_with_41(self):
        self.run_peer(STARTUP +
                      "send IAM cic=4 called=4711 continuity=1\n"
                      "expect REL cic=4 cause=41 timeout=10\n"
                      "send RLC cic=4\n")
        self.wait_circuits(all_idle, "all circuits idle")
        self.assertGreaterEqual(self.counter("Continuity checks that failed (either side)"), 1)

    def test_failed_check_then_recheck(self):
        peer = self.start_peer(STARTUP +
                               "send IAM cic=5 called=4711 continuity=1\n"
                               "send COT cic=5 cot=fail\n"
                               "expect-none 0.5\n"
                               "mark failed\n"
                               "wait-file ccr\n"
                               "send CCR cic=5\n"
                               "expect-none 0.5\n"
                               "mark ccr\n"
                               "wait-file rel\n"
                               "send REL cic=5 cause=16\n"
                               "expect RLC cic=5\n")
        self.wait_mark(peer, "failed")
        self.assertEqual(self.circuits()[5][0], "in-recheck")
        self.go("ccr")
        self.wait_mark(peer, "ccr")
        self.assertEqual(self.circuits()[5][0], "in-ccr")
        self.go("rel")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")

    def test_outgoing_check_always(self):
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=2 called=777 continuity=1\n"
                               "expect COT cic=2 cot=ok\n"
                               "send ACM cic=2\n"
                               "send REL cic=2 cause=16\n"
                               "expect RLC cic=2\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("configure terminal")
        self.vty.cmd("isup trunk t1")
        self.assertEqual(self.vty.cmd("continuity-check always"), "")
        self.vty.cmd("end")
        self.assertIn(" continuity-check always\n", self.vty.cmd("write terminal"))
        self.vty.cmd("isup trunk t1 circuit 2 test-call 777")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")


class SuspendResume(SS7TestCase):
    timers = dict(SS7TestCase.timers, T6=2, T2=2)

    def test_sus_res_and_t6_expiry(self):
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=3 called=777\n"
                               "send ACM cic=3\n"
                               "send ANM cic=3\n"
                               # resumed in time: the call stays
                               "send SUS cic=3 susres=network\n"
                               "sleep 0.5\n"
                               "send RES cic=3 susres=network\n"
                               "expect-none 3\n"
                               # not resumed: T6 releases with 102
                               "send SUS cic=3 susres=network\n"
                               "expect REL cic=3 cause=102 timeout=10\n"
                               "send RLC cic=3\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 3 test-call 777")
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")
        self.assertEqual(self.counter("SUS received on answered calls"), 2)


class MtpPause(SS7TestCase):
    def test_stp_loss_pauses_and_return_resets(self):
        peer = self.start_peer(STARTUP)
        self.wait_peer(peer)
        self.wait_circuits(all_idle, "all circuits idle")
        peer.stop()
        self.wait_circuits(lambda c: all(c[i][0] == "unavailable" for i in ALL),
                           "circuits unavailable: the peer is gone (DUNA)")
        self.stp.stop()
        self.assertIn("destination unavailable", self.vty.cmd("show isup trunks"))
        self.assertEqual(self.vty.cmd("isup trunk t1 circuit 1 test-call 1"),
                         "% test call: circuit not idle or blocked")
        self.start_stp("osmo-stp2")
        self.run_peer(STARTUP)
        self.wait_circuits(all_idle, "all circuits idle after MTP-RESUME and GRS")
        self.assertGreaterEqual(self.counter("Destination became accessible"), 2)
        self.assertGreaterEqual(self.counter("Destination became inaccessible"), 1)
        self.stop_tandemd_clean()

    def test_peer_loss_behind_working_stp(self):
        # our association to the STP stays up; the far exchange's goes:
        # osmo-stp sends DUNA, libosmo-sigtran hands it to its SCCP, whose
        # N-PCSTATE reaches tandemd's listen-only SCCP user
        peer = self.start_peer(STARTUP +
                               "expect IAM cic=1 called=42\n"
                               "send ACM cic=1\n")
        self.wait_mark(peer, "reset")
        self.wait_circuits(all_idle, "all circuits idle")
        self.vty.cmd("isup trunk t1 circuit 1 test-call 42")
        self.wait_peer(peer)
        self.wait_circuits(lambda c: c[1][0] == "out-alerting", "call on CIC 1")
        peer.stop()
        self.wait_circuits(lambda c: all(c[i][0] == "unavailable" for i in ALL),
                           "circuits unavailable after DUNA")
        self.assertIn("asp-tandem", self.vty.cmd("show cs7 instance 0 asp"))
        self.assertEqual(self.counter("Destination became inaccessible"), 1)
        self.assertGreaterEqual(self.counter("Calls released by a failure (timer, reset, pause)"), 1)
        self.assertRegex(self.vty.cmd("show isup trunks"),
                         r"Remote point code status reports \(DUNA/DAVA\):\s+[1-9]")
        # the far exchange comes back: DAVA, then the reset
        self.run_peer(STARTUP)
        self.wait_circuits(all_idle, "all circuits idle after DAVA and GRS")
        self.stop_tandemd_clean()


class ExampleConfig(tt.TandemTestCase):
    """doc/examples/tandemd-ss7.cfg loads and `write terminal` gives its
    trunk back (ports moved so that it runs beside other tests)."""

    def test_example_ss7_config(self):
        with open(tt.srcdir("doc", "examples", "tandemd-ss7.cfg")) as f:
            text = f.read()
        vty_port, sip_port = tt.free_port(), tt.free_port()
        text = text.replace("bind 127.0.0.1 4280", "bind 127.0.0.1 %d" % vty_port)
        text = text.replace("local-port 5060", "local-port %d" % sip_port)
        # an STP port where nothing listens: the trunk waits, unavailable
        text = re.sub(r"asp asp-tandem 2905 2906", "asp asp-tandem %d %d"
                      % (tt.free_port(udp=False), tt.free_port(udp=False)), text)
        proc = self.start("tandemd", [tt.builddir("src", "tandemd"), "-c",
                                      self.write("ex.cfg", text)], cwd=self.tmp, env=ss7_env())
        tt.wait_for(lambda: tt.port_open(vty_port) or not proc.alive(), 10, "tandemd VTY")
        self.assertTrue(proc.alive(), proc.log())
        vty = tt.Vty(vty_port)
        self.vtys.append(vty)
        vty.cmd("enable")
        out = vty.cmd("write terminal")
        trunk = text[text.index("isup trunk pstn-a"):]
        self.assertIn("\n".join(l for l in trunk.splitlines() if l.strip()), out)
        c = parse_circuits(vty.cmd("show isup circuits pstn-a unavailable"))
        self.assertEqual(sorted(c), list(range(1, 16)) + list(range(17, 32)))


if __name__ == "__main__":
    tt.main()

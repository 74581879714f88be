#!/usr/bin/env python3
"""Call-rate benchmark: the SIP -> ISUP -> SIP chain against a Kamailio
stateful relay measured in the same run.

    SIPp UAC -> tandemd A -> osmo-stp -> tandemd B -> SIPp UAS   (the chain)
    SIPp UAC -> kamailio (tm, record-route) -> SIPp UAS         (the baseline)

It prints, for each: the highest clean call rate of the steps tried (no
failed call, no retransmission), CPU per call (user+system of the
process(es) under test, from wait4() at exit, so children are included)
and the ratio of ours to Kamailio's.  Nothing here passes or fails on
time: it prints figures.

Run from the build tree: `make bench-chain` (or
`python3 bench/bench_chain.py` with TOP_SRCDIR/TOP_BUILDDIR set).
Needs: sipp, kamailio, osmo-stp.
"""
import argparse
import csv
import glob
import os
import re
import shlex
import signal
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.abspath(os.environ.get("TOP_SRCDIR", os.path.join(HERE, "..")))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "system"))

import ss7test  # noqa: E402
import tandemtest as tt  # noqa: E402

KAMAILIO = shutil.which("kamailio")
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"

KAMAILIO_CFG = """#!KAMAILIO
debug=0
log_stderror=yes
memdbg=5
memlog=5
children={children}
disable_tcp=yes
listen=udp:127.0.0.1:{port}
mpath="{mpath}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"

request_route {{
	if (!mf_process_maxfwd_header("10")) {{
		sl_send_reply("483", "Too Many Hops");
		exit;
	}}
	if (has_totag()) {{
		if (loose_route()) {{
			t_relay();
			exit;
		}}
		if (is_method("ACK") && t_check_trans())
			t_relay();
		exit;
	}}
	if (is_method("CANCEL")) {{
		if (t_check_trans())
			t_relay();
		exit;
	}}
	t_check_trans();
	if (is_method("INVITE"))
		record_route();
	$du = "sip:127.0.0.1:{uas_port}";
	if (!t_relay())
		sl_reply_error();
	exit;
}}
"""


class Step:
    """One SIPp run at one rate."""

    def __init__(self, rate, calls, ok, failed, retrans, rtd_ms):
        self.rate, self.calls, self.ok, self.failed, self.retrans = rate, calls, ok, failed, retrans
        self.rtd_ms = rtd_ms

    @property
    def clean(self):
        return self.failed == 0 and self.retrans == 0 and self.ok == self.calls


def sipp_stats(path):
    """Last line of a SIPp -trace_stat CSV: successful, failed, retransmissions."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head, last = rows[0], rows[-1]
    col = {name: i for i, name in enumerate(head)}

    def val(name):
        return int(last[col[name]]) if name in col and last[col[name]] else 0

    rtd = 0.0
    for name in col:
        if name.startswith("ResponseTimesetup(C)"):
            parts = last[col[name]].split(":")
            if len(parts) == 4:
                h, m, s, us = parts
                rtd = (int(h) * 3600 + int(m) * 60 + int(s)) * 1000 + int(us) / 1000.0
    return val("SuccessfulCall(C)"), val("FailedCall(C)"), val("Retransmissions(C)"), rtd


def tree_cpu(*pids):
    """CPU seconds (user+system) used so far by these processes and all
    their descendants: sampled before and after a run, so that start-up
    and shut-down are not counted."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, used = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(fields[1])
        used[int(d)] = int(fields[11]) + int(fields[12])
    total = 0
    for pid in used:
        p = pid
        while p > 1:
            if p in pids:
                total += used[pid]
                break
            p = parent.get(p, 0)
    return total / tick


def run_sipp(tmp, name, target, rate, calls, hold_ms, port, service="4989000"):
    stat = os.path.join(tmp, name + ".csv")
    for old in glob.glob(stat):
        os.unlink(old)
    argv = [tt.SIPP, "-sf", os.path.join(HERE, "sipp", "uac_hold.xml"), "-i", "127.0.0.1",
            "-p", str(port), target, "-s", service, "-m", str(calls), "-r", str(rate),
            "-l", str(max(rate * 4, 100)), "-d", str(hold_ms), "-nostdin", "-timeout", "120s",
            "-trace_stat", "-stf", stat, "-fd", "1", "-trace_err", "-error_file", os.path.join(tmp, name + ".err")]
    r = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=300)
    if not os.path.exists(stat):
        raise RuntimeError("SIPp wrote no statistics:\n" + r.stderr[-2000:])
    ok, failed, retrans, rtd = sipp_stats(stat)
    return Step(rate, calls, ok, failed, retrans, rtd)


def start_uas(tmp, port, name="uas"):
    argv = [tt.SIPP, "-sf", os.path.join(HERE, "sipp", "uas.xml"), "-i", "127.0.0.1", "-p",
            str(port), "-nostdin"]
    return subprocess.Popen(argv, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench_kamailio(tmp, rates, seconds, hold_ms):
    """The baseline: per rate, a fresh kamailio, one SIPp run, CPU per call."""
    results = []
    for rate in rates:
        port, uas_port, uac_port = (tt.free_port(tcp=False) for _ in range(3))
        cfg = os.path.join(tmp, "kamailio.cfg")
        with open(cfg, "w") as f:
            f.write(KAMAILIO_CFG.format(children=2, port=port, mpath=KAMAILIO_MODULES, uas_port=uas_port))
        uas = start_uas(tmp, uas_port)
        kam = subprocess.Popen([KAMAILIO, "-f", cfg, "-DD", "-E", "-m", "256", "-M", "16"], cwd=tmp,
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "kam.log"), "w"))
        time.sleep(1.0)
        cpu0 = tree_cpu(kam.pid)
        step = run_sipp(tmp, "kam-%d" % rate, "127.0.0.1:%d" % port, rate, rate * seconds, hold_ms, uac_port)
        step.cpu = tree_cpu(kam.pid) - cpu0
        kam.terminate()
        kam.wait(timeout=30)
        uas.terminate()
        uas.wait(timeout=10)
        results.append(step)
        print("kamailio  %5d cps: %d/%d ok, %d failed, %d retrans, %.1f us CPU/call" %
              (rate, step.ok, step.calls, step.failed, step.retrans, 1e6 * step.cpu / max(step.ok, 1)),
              flush=True)
    return results


# ISUP trunks of 1000 circuits between A and B (one pair of point codes:
# the CIC picks the trunk).  A route tries at most 8 of them in order, so
# the calls go on routes of up to 8 trunks: route i matches 03i.  The
# call-rate steps use one route of four trunks; the memory figure at
# 10,000 calls needs more CICs than ITU's 12-bit CIC has on one point-code
# pair, so it uses ANSI (14 bits) there.
RATE_ROUTES = [4]


def trunk_plan(routes):
    """(trunks, variant) for routes of the given numbers of trunks:
    trunks is [(name, first, last, route index)]."""
    trunks = []
    for r, n in enumerate(routes):
        for _ in range(n):
            i = len(trunks)
            trunks.append(("t%d" % (i + 1), i * 1000 + 1, (i + 1) * 1000, r))
    return trunks, "itu" if len(trunks) * 1000 <= 4095 else "ansi"


def td_config(vty_port, sip_port, pc, asp, as_name, rctx, stp_port, asp_port, remote_pc, routes):
    text = ("log stderr\n logging filter all 1\n logging color 0\n logging print category 1\n"
            " logging level set-all notice\n"
            "line vty\n bind 127.0.0.1 %d\n"
            "sip\n local-address 127.0.0.1\n local-port %d\n transport udp\n" % (vty_port, sip_port))
    text += ss7test.asp_config(pc, asp, as_name, rctx, stp_port, asp_port)
    trunks, variant = trunk_plan(routes)
    for name, first, last, _ in trunks:
        text += ("isup trunk %s\n variant %s\n local-point-code %s\n remote-point-code %s\n"
                 " cic-range %d %d\n circuit-selection round-robin\n" % (name, variant, pc, remote_pc, first, last))
    return text


class Chain:
    """osmo-stp, tandemd A and B, SIPp UAS behind B; torn down by stop()."""

    def __init__(self, tmp, heaptrack=False, routes=RATE_ROUTES):
        self.tmp, self.procs, self.lock = tmp, [], None
        try:
            self._setup(heaptrack, routes)
        except BaseException:
            # nothing started may outlive a failed start
            self.stop()
            raise

    def _setup(self, heaptrack, routes):
        tmp = self.tmp
        env = ss7test.ss7_env()
        stp_port, a_asp, b_asp = (tt.free_port(udp=False) for _ in range(3))
        self.a_sip, self.uas_port = tt.free_port(tcp=False), tt.free_port(tcp=False)
        self.a_vty, self.b_vty = tt.free_port(), tt.free_port()
        b_sip = tt.free_port(tcp=False)
        self.lock = open(ss7test.STP_LOCK, "w")
        import fcntl
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        # ANSI ISUP has 24-bit point codes: every cs7 instance says so
        ansi = trunk_plan(routes)[1] == "ansi"
        self.pc_fmt = (lambda text: text.replace("cs7 instance 0\n", "cs7 instance 0\n point-code format 8 8 8\n")
                       .replace("7.255.7", "255.255.255")) if ansi else (lambda text: text)
        self.stp = self._start("osmo-stp", [ss7test.OSMO_STP, "-c",
                                            self._write("stp.cfg", self.pc_fmt(ss7test.stp_config(stp_port, a_asp,
                                                                                                  b_asp)))], env)
        time.sleep(0.5)
        cfg_a = td_config(self.a_vty, self.a_sip, ss7test.TANDEM_PC, "asp-tandem", "as-tandem", 1, stp_port,
                          a_asp, ss7test.PEER_PC, routes)
        trunks = trunk_plan(routes)[0]
        circuits = len(trunks) * 1000
        cfg_a += "call-control\n max-calls %d\n" % (circuits + 1000)
        for r in range(len(routes)):
            cfg_a += (" route to-b%d\n  match called-prefix 03%d\n" % (r, r)
                      + "".join("  destination trunk %s\n" % t[0] for t in trunks if t[3] == r)
                      + "  strip 1\n  prefix 49\n  nai 4\n")
        cfg_b = td_config(self.b_vty, b_sip, ss7test.PEER_PC, "asp-peer", "as-peer", 2, stp_port, b_asp,
                          ss7test.TANDEM_PC, routes)
        cfg_b += ("sip-trunk uas\n peer 127.0.0.1 %d\n transport udp\n profile sip-i\n"
                  "call-control\n max-calls %d\n route to-uas\n  match called-prefix 493\n  destination trunk uas\n"
                  % (self.uas_port, circuits + 1000))
        self.uas = start_uas(tmp, self.uas_port)
        self.procs.append(self.uas)
        tandemd = os.path.join(tt.BUILDDIR, "src", "tandemd")
        # Under heaptrack (or BENCH_WRAP_A / BENCH_WRAP_B, any command to
        # run that tandemd under) the heap in use can be read afterwards.
        self.heaptrack = {}
        wrap_a = shlex.split(os.environ.get("BENCH_WRAP_A", ""))
        wrap_b = shlex.split(os.environ.get("BENCH_WRAP_B", ""))
        if heaptrack:
            self.heaptrack = {"a": os.path.join(tmp, "heaptrack-a"), "b": os.path.join(tmp, "heaptrack-b")}
            wrap_a, wrap_b = (["heaptrack", "-o", self.heaptrack[x]] for x in "ab")
        self.t0 = time.monotonic()
        self.a = self._start("tandemd-a", wrap_a + [tandemd, "-c", self._write("a.cfg", self.pc_fmt(cfg_a))], env)
        self.b = self._start("tandemd-b", wrap_b + [tandemd, "-c", self._write("b.cfg", self.pc_fmt(cfg_b))], env)
        for port in (self.a_vty, self.b_vty):
            tt.wait_for(lambda: tt.port_open(port), 20, "tandemd VTY %d" % port)
        self.vty_a, self.vty_b = tt.Vty(self.a_vty, timeout=30), tt.Vty(self.b_vty, timeout=30)
        for v in (self.vty_a, self.vty_b):
            v.cmd("enable")
            tt.wait_for(lambda: self.idle(v) == circuits, 60, "%d idle circuits" % circuits, interval=0.5)

    def _write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def _start(self, name, argv, env):
        proc = subprocess.Popen(argv, cwd=self.tmp, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(self.tmp, name + ".log"), "w"))
        self.procs.append(proc)
        return proc

    @staticmethod
    def idle(vty):
        return sum(int(n) for n in re.findall(r"circuits \d+: idle (\d+)", vty.cmd("show isup trunks")))

    @staticmethod
    def tandemd_pid(proc):
        """The tandemd process itself, also when it runs under a wrapper."""
        todo = [proc.pid]
        while todo:
            pid = todo.pop(0)
            try:
                with open("/proc/%d/comm" % pid) as f:
                    if f.read().strip() == "tandemd":
                        return pid
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    todo += [int(c) for c in f.read().split()]
            except OSError:
                continue
        return proc.pid

    def rss_kb(self, proc):
        with open("/proc/%d/status" % self.tandemd_pid(proc)) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                pid = self.tandemd_pid(p)
                if pid != p.pid:
                    # under a wrapper: end tandemd itself so the wrapper
                    # writes its results and exits on its own
                    os.kill(pid, signal.SIGTERM)
                    try:
                        p.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        pass
                if p.poll() is None:
                    p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.lock:
            self.lock.close()


def bench_chain(tmp, rates, seconds, hold_ms):
    results = []
    chain = Chain(tmp)
    try:
        for rate in rates:
            tt.wait_for(lambda: chain.idle(chain.vty_a) == 4000 and chain.idle(chain.vty_b) == 4000, 60,
                        "circuits idle again", interval=0.5)
            chain.vty_a.cmd("clear call-control setup-delay")
            cpu0 = tree_cpu(chain.a.pid), tree_cpu(chain.b.pid), tree_cpu(chain.stp.pid)
            step = run_sipp(tmp, "chain-%d" % rate, "127.0.0.1:%d" % chain.a_sip, rate, rate * seconds,
                            hold_ms, tt.free_port(tcp=False), service="03022345")
            cpu1 = tree_cpu(chain.a.pid), tree_cpu(chain.b.pid), tree_cpu(chain.stp.pid)
            step.cpu_a, step.cpu_b, step.cpu_stp = (y - x for x, y in zip(cpu0, cpu1))
            step.cpu = (step.cpu_a + step.cpu_b) / 2
            delay = chain.vty_a.cmd("show call-control setup-delay")
            m = re.search(r"p99 (\d+) us", delay)
            step.p99_us = int(m.group(1)) if m else -1
            results.append(step)
            print("tandem    %5d cps: %d/%d ok, %d failed, %d retrans, %.1f us CPU/call per tandemd "
                  "(A %.1f, B %.1f, osmo-stp %.1f), INVITE->IAM p99 %d us" %
                  (rate, step.ok, step.calls, step.failed, step.retrans, 1e6 * step.cpu / max(step.ok, 1),
                   1e6 * step.cpu_a / max(step.ok, 1), 1e6 * step.cpu_b / max(step.ok, 1),
                   1e6 * step.cpu_stp / max(step.ok, 1), step.p99_us), flush=True)
    finally:
        chain.stop()
    return results


def heap_timeline(path):
    """(seconds since start, heap bytes in use) of a heaptrack recording."""
    files = glob.glob(path + "*.zst") + glob.glob(path + "*.gz")
    if not files:
        return []
    massif = path + ".massif"
    subprocess.run(["heaptrack_print", "-M", massif, "-p", "0", "-a", "0", "-T", "0", "-l", "0", files[0]],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    points, t = [], None
    with open(massif) as f:
        for line in f:
            if line.startswith("time="):
                t = float(line[5:])
            elif line.startswith("mem_heap_B=") and t is not None:
                points.append((t, int(line[11:])))
    return points


def heap_at(points, t):
    """Heap in use at t seconds: the last snapshot before it."""
    before = [b for s, b in points if s <= t]
    return before[-1] if before else None


def bench_memory(tmp, concurrent, rate, settle_s=40, heaptrack=False):
    """RSS growth of tandemd A and B per established call.

    SIP transactions outlive the call set-up (an INVITE server transaction
    that sent a 2xx stays 64*T1 = 32 s, RFC 6026), and freed memory is not
    given back to the system.  So the calls are set up in two halves, each
    followed by settle_s seconds: the second half reuses what the first
    half's transactions freed, and the RSS growth between the two points
    is what an established call keeps.  With heaptrack, also the growth of
    the heap in use (bytes the program asked malloc for, without malloc's
    own overhead) between the same two points."""
    half = concurrent // 2
    # each half on its own route (03022345, 03122345), with room to spare
    per_route = (half + 1499) // 1000
    if per_route > 8:
        raise SystemExit("bench_chain: at most 15,000 concurrent calls (2 routes of 8 trunks)")
    chain = Chain(tmp, heaptrack, routes=[per_route, per_route])
    sipps = []
    try:
        half = concurrent // 2
        hold_ms = int(2000 * half / rate + 2 * settle_s * 1000 + 60000)

        def wave(n):
            argv = [tt.SIPP, "-sf", os.path.join(HERE, "sipp", "uac_hold.xml"), "-i", "127.0.0.1",
                    "-p", str(tt.free_port(tcp=False)), "127.0.0.1:%d" % chain.a_sip, "-s", "03%d22345" % (n // half - 1),
                    "-m", str(half), "-r", str(rate), "-l", str(half), "-d", str(hold_ms),
                    "-nostdin", "-timeout", str(hold_ms // 1000 + 120) + "s"]
            sipps.append(subprocess.Popen(argv, cwd=tmp, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

            def established():
                m = re.search(r"(\d+) call\(s\)", chain.vty_a.cmd("show call-control"))
                return int(m.group(1)) >= n if m else False
            tt.wait_for(established, half / rate + 60, "%d calls up" % n, interval=1)
            time.sleep(settle_s)
            return chain.rss_kb(chain.a), chain.rss_kb(chain.b), time.monotonic() - chain.t0

        rss1 = wave(half)
        rss2 = wave(2 * half)
        per_call = [(b - a) * 1024.0 / half for a, b in zip(rss1[:2], rss2[:2])]
        print("memory: %d -> %d established calls: %.0f B/call in tandemd A (SIP in, ISUP out), "
              "%.0f B/call in tandemd B (ISUP in, SIP out)" % (half, 2 * half, per_call[0], per_call[1]))
    finally:
        for p in sipps:
            p.terminate()
            p.wait(timeout=30)
        chain.stop()
    if chain.heaptrack:
        heap = []
        for x in "ab":
            points = heap_timeline(chain.heaptrack[x])
            h1, h2 = heap_at(points, rss1[2]), heap_at(points, rss2[2])
            heap.append((h2 - h1) / half if h1 is not None and h2 is not None else float("nan"))
        print("heap in use: %.0f B/call in tandemd A, %.0f B/call in tandemd B (heaptrack)" % tuple(heap))
    return per_call


def best_clean(steps):
    clean = [s for s in steps if s.clean]
    return max(clean, key=lambda s: s.rate) if clean else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", default="100,300,600,1000", help="call rates to try, comma-separated")
    ap.add_argument("--seconds", type=int, default=5, help="seconds of calls per rate")
    ap.add_argument("--hold-ms", type=int, default=500, help="hold time of each call")
    ap.add_argument("--concurrent", type=int, default=10000,
                    help="established calls for the memory figure (trunks are added to carry them)")
    ap.add_argument("--skip-kamailio", action="store_true")
    ap.add_argument("--memory-only", action="store_true",
                    help="only the memory figure (no call-rate steps, no Kamailio)")
    ap.add_argument("--heaptrack", action="store_true",
                    help="run both tandemds under heaptrack and also print the heap in use per call")
    args = ap.parse_args()
    if not KAMAILIO or not tt.SIPP:
        print("bench_chain: needs kamailio and sipp (apt-get install kamailio sip-tester)")
        return 0
    if args.heaptrack and not shutil.which("heaptrack"):
        print("bench_chain: --heaptrack needs heaptrack (apt-get install heaptrack)")
        return 0
    rates = [int(r) for r in args.rates.split(",")]
    tmp = tempfile.mkdtemp(prefix="bench-chain-")
    try:
        ours = [] if args.memory_only else bench_chain(tmp, rates, args.seconds, args.hold_ms)
        ob = best_clean(ours)
        if not args.memory_only:
            print("tandem chain: highest clean rate %s" % (("%d cps" % ob.rate) if ob else "none"))
        if not args.skip_kamailio and not args.memory_only:
            kam = bench_kamailio(tmp, rates, args.seconds, args.hold_ms)
            kb = best_clean(kam)
            print("kamailio: highest clean rate %s" % (("%d cps" % kb.rate) if kb else "none"))
            for o, k in zip(ours, kam):
                if o.ok and k.ok:
                    print("ratio at %d cps: tandemd CPU/call / kamailio CPU/call = %.2f" %
                          (o.rate, (o.cpu / o.ok) / (k.cpu / k.ok)))
        if args.concurrent:
            bench_memory(tmp, args.concurrent, min(500, max(rates)), heaptrack=args.heaptrack)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A private PostgreSQL cluster for the system tests (tools/pg.sh underneath).

Unix socket only, in a directory under the build tree, run as the postgres
user when the tests run as root.  Every cluster started is stopped at exit,
even when a test fails.
"""
import atexit
import os
import shutil
import subprocess

import tandemtest as tt

PG_SH = tt.srcdir("tools", "pg.sh")
_LIVE = []


def available():
    return any(os.path.exists("/usr/lib/postgresql/%d/bin/initdb" % v) for v in range(12, 20))


def _stop_all():
    for c in list(_LIVE):
        c.stop("immediate")


atexit.register(_stop_all)


class PgCluster:
    def __init__(self, base):
        self.dir = base
        os.makedirs(base, exist_ok=True)

    def _run(self, *args, timeout=60, check=True, input=None):
        return subprocess.run([PG_SH] + list(args), cwd="/", input=input, capture_output=True,
                              text=True, timeout=timeout, check=check)

    def start(self):
        try:
            self._run("start", self.dir, timeout=90)
        except subprocess.CalledProcessError as e:
            raise RuntimeError("cannot start PostgreSQL in %s:\n%s" % (self.dir, e.stderr))
        if self not in _LIVE:
            _LIVE.append(self)

    def stop(self, mode="fast"):
        self._run("stop", self.dir, mode, check=False, timeout=60)
        if self in _LIVE:
            _LIVE.remove(self)

    def running(self):
        return self._run("status", self.dir, check=False).returncode == 0

    def conninfo(self, db="postgres"):
        return self._run("conninfo", self.dir, db).stdout.strip()

    def psql(self, sql, db="postgres"):
        """Run SQL; returns the unaligned, tuples-only output."""
        r = self._run("psql", self.dir, "-d", db, "-At", "-F", "|", "-f", "-", input=sql, check=False)
        if r.returncode != 0:
            raise RuntimeError("psql failed: %s" % r.stderr)
        return r.stdout

    def scalar(self, sql, db="postgres"):
        return self.psql(sql, db).strip()

    def count(self, table, db="postgres"):
        """Rows in table; 0 while the table does not exist yet (a writer creates it on connect)."""
        if self.scalar("SELECT to_regclass('%s') IS NULL" % table, db) == "t":
            return 0
        return int(self.scalar("SELECT count(*) FROM %s" % table, db) or 0)

    def create_db(self, name):
        self.psql('DROP DATABASE IF EXISTS "%s"; CREATE DATABASE "%s";' % (name, name))
        return self.conninfo(name)

    def destroy(self):
        self.stop("immediate")
        sockdir = os.path.join(self.dir, "socketdir")
        if os.path.exists(sockdir):
            with open(sockdir) as f:
                shutil.rmtree(f.read().strip(), ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def start_for_module(name):
    """A started cluster for one test module, or None where PostgreSQL is
    not installed outside CI (the module's tests then skip themselves)."""
    if not available():
        if tt.IN_CI:
            raise RuntimeError("PostgreSQL is required in CI but not installed")
        return None
    cluster = PgCluster(tt.builddir("tests", "system", "tmp", "%s-%d" % (name, os.getpid())))
    cluster.start()
    return cluster

/* bench_cdr: the CDR writer against a raw libpq COPY of the same rows.
 *
 * In one run, into one database and the same "cdr" table (emptied between
 * runs), it times:
 *   - raw COPY: one blocking COPY of all rows (the ceiling),
 *   - pipeline: INSERT ... ON CONFLICT DO NOTHING in libpq pipeline mode,
 *     a sync every 100 rows (the alternative the writer could have used),
 *   - the writer: cdr_writer_submit() of every row inside an osmocom loop,
 *     until the database has them all.
 * It prints rows/s, the writer/COPY ratio (goal >= 0.5) and the longest
 * time any writer callback held the event loop (goal < 1 ms).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <talloc.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/application.h>
#include <osmocom/core/select.h>

#include "db/cdr_copy.h"
#include "db/cdr_record.h"
#include "db/cdr_schema.h"
#include "db/cdr_writer.h"
#include "src/tandem_log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void make_record(struct cdr_record *r, int i)
{
	char num[32];

	cdr_record_init(r);
	r->start_us = cdr_now_us() - 600000000LL + i;
	r->answer_us = i % 2 ? r->start_us + 3000000 : 0;
	r->end_us = r->start_us + 63000000;
	snprintf(num, sizeof(num), "4930%07d", i);
	cdr_record_set(r, calling_in, num);
	snprintf(num, sizeof(num), "4989%07d", i * 7 % 10000000);
	cdr_record_set(r, called_in, num);
	cdr_record_set(r, called_out, num + 2);
	r->called_out_nai = 3;
	cdr_record_set(r, ingress_trunk, i % 3 ? "carrier-a" : "carrier-b");
	cdr_record_set(r, egress_trunk, "isup-1");
	cdr_record_set(r, route, "de-fixed");
	r->cic = i % 4096;
	r->opc = 2057;
	r->dpc = 4114;
	snprintf(num, sizeof(num), "%d-bench@10.0.0.1", i);
	cdr_record_set(r, sip_call_id, num);
	r->cause = r->answer_us ? 16 : 17;
	r->cause_location = 0;
	r->released_by = CDR_REL_CALLING;
	cdr_record_set(r, codec, "PCMA");
	r->transcoded = 0;
	r->pdd_ms = 1200 + i % 900;
	cdr_record_set(r, instance, "bench");
}

static int exec_ok(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "bench_cdr: %s: %s", sql, PQerrorMessage(c));
	PQclear(res);
	return ok ? 0 : -1;
}

static double run_copy(PGconn *c, struct cdr_record *recs, int n)
{
	size_t size = (size_t)n * 400 + CDR_COPY_LINE_MAX, len = 0;
	char *buf = malloc(size), sql[512];
	double t0;
	PGresult *res;
	int ok;

	for (int i = 0; i < n; i++)
		if (cdr_copy_format(&recs[i], buf, size, &len) < 0)
			abort();
	snprintf(sql, sizeof(sql), "COPY cdr %s FROM STDIN", cdr_copy_columns);
	t0 = now_s();
	res = PQexec(c, sql);
	ok = PQresultStatus(res) == PGRES_COPY_IN;
	PQclear(res);
	if (!ok || PQputCopyData(c, buf, len) != 1 || PQputCopyEnd(c, NULL) != 1)
		abort();
	res = PQgetResult(c);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "bench_cdr: COPY: %s", PQerrorMessage(c));
		abort();
	}
	PQclear(res);
	while ((res = PQgetResult(c)))
		PQclear(res);
	free(buf);
	return now_s() - t0;
}

static double run_pipeline(PGconn *c, struct cdr_record *recs, int n)
{
	const char *sql = "INSERT INTO cdr (call_id, start_time, answer_time, end_time, calling_in,"
			  " called_in, called_out, called_out_nai, ingress_trunk, egress_trunk, route,"
			  " cic, opc, dpc, sip_call_id, cause, cause_location, released_by, codec,"
			  " transcoded, pdd_ms, instance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			  " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
			  " ON CONFLICT DO NOTHING";
	double t0 = now_s();
	int pending_syncs = 0;
	PGresult *res;

	PQenterPipelineMode(c);
	for (int i = 0; i < n; i++) {
		struct cdr_record *r = &recs[i];
		char uuid[37], st[48], an[48], en[48], nai[8], cic[12], opc[12], dpc[12], cause[8];
		char loc[8], pdd[12];
		const char *v[22];

		cdr_uuid_format(r->uuid, uuid);
		cdr_format_time(r->start_us, st, sizeof(st));
		cdr_format_time(r->answer_us, an, sizeof(an));
		cdr_format_time(r->end_us, en, sizeof(en));
		snprintf(nai, sizeof(nai), "%d", r->called_out_nai);
		snprintf(cic, sizeof(cic), "%d", r->cic);
		snprintf(opc, sizeof(opc), "%d", r->opc);
		snprintf(dpc, sizeof(dpc), "%d", r->dpc);
		snprintf(cause, sizeof(cause), "%d", r->cause);
		snprintf(loc, sizeof(loc), "%d", r->cause_location);
		snprintf(pdd, sizeof(pdd), "%d", r->pdd_ms);
		v[0] = uuid; v[1] = st; v[2] = r->answer_us ? an : NULL; v[3] = en;
		v[4] = r->calling_in; v[5] = r->called_in; v[6] = r->called_out; v[7] = nai;
		v[8] = r->ingress_trunk; v[9] = r->egress_trunk; v[10] = r->route; v[11] = cic;
		v[12] = opc; v[13] = dpc; v[14] = r->sip_call_id; v[15] = cause; v[16] = loc;
		v[17] = "calling"; v[18] = r->codec; v[19] = "f"; v[20] = pdd; v[21] = r->instance;
		if (!PQsendQueryParams(c, sql, 22, NULL, v, NULL, NULL, 0))
			abort();
		if (i % 100 == 99 || i == n - 1) {
			PQpipelineSync(c);
			pending_syncs++;
		}
	}
	PQflush(c);
	while (pending_syncs) {
		res = PQgetResult(c);
		if (!res)
			continue;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC)
			pending_syncs--;
		else if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fprintf(stderr, "bench_cdr: pipeline: %s", PQresultErrorMessage(res));
		PQclear(res);
	}
	PQexitPipelineMode(c);
	return now_s() - t0;
}

static double run_writer(void *ctx, const char *conninfo, const char *spool,
			 struct cdr_record *recs, int n, unsigned int batch, uint64_t *stall_ns,
			 uint64_t *stall_cpu_ns)
{
	struct cdr_writer *w = cdr_writer_alloc(ctx);
	double t0;
	int i = 0;

	w->configured = true;
	w->cfg.conninfo = talloc_strdup(w, conninfo);
	w->cfg.spool_path = talloc_strdup(w, spool);
	w->cfg.batch_size = batch;
	if (getenv("BENCH_NO_FSYNC"))
		osmo_tdef_set(w->tdefs, CDR_T_FSYNC, 3600, OSMO_TDEF_S);
	if (cdr_writer_start(w, 5000) < 0 || w->fi->state != CDR_ST_IDLE) {
		fprintf(stderr, "bench_cdr: writer did not connect\n");
		exit(1);
	}
	w->max_stall_ns = w->max_stall_cpu_ns = 0;
	t0 = now_s();
	/* calls arrive in bursts between loop iterations, as from the SIP side */
	while (i < n) {
		for (int k = 0; k < 200 && i < n; k++, i++)
			if (cdr_writer_submit(w, &recs[i]) < 0)
				abort();
		osmo_select_main_ctx(1);
	}
	if (!cdr_writer_drain(w, 120000)) {
		fprintf(stderr, "bench_cdr: writer did not drain\n");
		exit(1);
	}
	t0 = now_s() - t0;
	*stall_ns = w->max_stall_ns;
	*stall_cpu_ns = w->max_stall_cpu_ns;
	talloc_free(w);
	unlink(spool);
	return t0;
}

static long count_rows(PGconn *c)
{
	PGresult *res = PQexec(c, "SELECT count(*) FROM cdr");
	long n = PQresultStatus(res) == PGRES_TUPLES_OK ? atol(PQgetvalue(res, 0, 0)) : -1;

	PQclear(res);
	return n;
}

int main(int argc, char **argv)
{
	const char *conninfo = getenv("TANDEM_BENCH_DB");
	int n = 100000, rounds = 3, c;
	unsigned int batch = 1000;
	char spool[] = "/tmp/bench-cdr-XXXXXX";
	char spool_path[64];
	void *ctx = talloc_named_const(NULL, 0, "bench_cdr");
	struct cdr_record *recs;
	double best_copy = 1e9, best_pipe = 1e9, best_writer = 1e9;
	uint64_t stall = 0, worst_stall = 0, stall_cpu = 0, worst_cpu = 0;
	char *err = NULL;
	PGconn *pg;

	while ((c = getopt(argc, argv, "d:n:b:r:")) != -1) {
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_cdr [-d CONNINFO] [-n ROWS] [-b BATCH] [-r ROUNDS]\n");
			return 2;
		}
	}
	if (!conninfo || n < 1000) {
		fprintf(stderr, "bench_cdr: needs -d CONNINFO (or TANDEM_BENCH_DB) and -n >= 1000\n");
		return 2;
	}
	tandem_log_init(ctx);
	log_set_all_filter(osmo_stderr_target, 1);
	log_parse_category_mask(osmo_stderr_target, "DCDR,3:DDB,3");
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "bench_cdr: %s", PQerrorMessage(pg));
		return 1;
	}
	if (cdr_schema_migrate_sync(pg, ctx, &err) < 0) {
		fprintf(stderr, "bench_cdr: %s\n", err);
		return 1;
	}
	if (!mkdtemp(spool))
		return 1;
	snprintf(spool_path, sizeof(spool_path), "%s/cdr.spool", spool);
	recs = talloc_array(ctx, struct cdr_record, n);
	for (int i = 0; i < n; i++)
		make_record(&recs[i], i);

	printf("bench_cdr: %d rows per run, best of %d rounds, writer batch %u\n", n, rounds, batch);
	for (int r = 0; r < rounds; r++) {
		double t;

		exec_ok(pg, "TRUNCATE cdr");
		t = run_copy(pg, recs, n);
		if (count_rows(pg) != n)
			abort();
		if (t < best_copy)
			best_copy = t;
		exec_ok(pg, "TRUNCATE cdr");
		t = run_pipeline(pg, recs, n / 5);
		if (count_rows(pg) != n / 5)
			abort();
		if (t / (n / 5) * n < best_pipe)
			best_pipe = t / (n / 5) * n;
		exec_ok(pg, "TRUNCATE cdr");
		t = run_writer(ctx, conninfo, spool_path, recs, n, batch, &stall, &stall_cpu);
		if (count_rows(pg) != n) {
			fprintf(stderr, "bench_cdr: writer wrote %ld of %d rows\n", count_rows(pg), n);
			return 1;
		}
		if (t < best_writer)
			best_writer = t;
		if (stall > worst_stall)
			worst_stall = stall;
		if (stall_cpu > worst_cpu)
			worst_cpu = stall_cpu;
	}
	exec_ok(pg, "TRUNCATE cdr");
	printf("raw COPY:                 %9.0f rows/s\n", n / best_copy);
	printf("pipelined INSERT:         %9.0f rows/s (%.2f of COPY)\n", n / best_pipe,
	       best_copy / best_pipe);
	printf("writer (spool + COPY):    %9.0f rows/s\n", n / best_writer);
	printf("writer / raw COPY ratio:  %9.2f (goal >= 0.5)\n", best_copy / best_writer);
	printf("longest event-loop stall: %9.0f us of CPU (goal < 1000); %.0f us wall clock,\n"
	       "                          which includes time the kernel gave to other processes\n",
	       worst_cpu / 1000.0, worst_stall / 1000.0);
	rmdir(spool);
	PQfinish(pg);
	talloc_free(ctx);
	return 0;
}

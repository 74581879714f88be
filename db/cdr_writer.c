/* The CDR writer: spool first, then PostgreSQL through libpq's async API.
 *
 * Batches use COPY, which the benchmark (bench/bench_cdr.c) shows several
 * times faster than pipelined INSERTs.  A batch is first copied straight
 * into "cdr"; if any of its call ids is already there (a replay after a
 * crash or a lost commit acknowledgement) the whole COPY fails with a
 * unique violation and the batch goes through a temporary staging table
 * and INSERT ... ON CONFLICT DO NOTHING instead.  Either way each call id
 * lands exactly once, and the common case costs no more than a plain COPY.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <talloc.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>

#include "db/cdr_copy.h"
#include "db/cdr_record.h"
#include "db/cdr_schema.h"
#include "db/cdr_spool.h"
#include "db/cdr_writer.h"
#include "src/tandem_log.h"

#ifndef TANDEM_SPOOLDIR
#define TANDEM_SPOOLDIR "/var/spool/tandem"
#endif

#define S(x) (1 << (x))

struct cdr_writer *g_cdr;

/* Steps of the query exchange while in SETUP or BUSY. */
enum cdr_step {
	STEP_NONE,
	STEP_VERSION,
	STEP_MIGRATE,
	STEP_STAGE,
	STEP_COPY_FAST,
	STEP_TRUNCATE,
	STEP_COPY_STAGE,
	STEP_MERGE,
};

static const struct value_string cdr_step_names[] = {
	{ STEP_NONE, "none" },
	{ STEP_VERSION, "schema version" },
	{ STEP_MIGRATE, "migration" },
	{ STEP_STAGE, "staging table" },
	{ STEP_COPY_FAST, "copy" },
	{ STEP_TRUNCATE, "truncate stage" },
	{ STEP_COPY_STAGE, "copy to stage" },
	{ STEP_MERGE, "merge" },
	{ 0, NULL }
};

enum cdr_writer_event {
	CDR_EV_SOCKET,		/* data: unsigned int *what (OSMO_FD_READ/WRITE) */
	CDR_EV_KICK,		/* records are waiting in the spool */
	CDR_EV_RECONNECT,	/* the connection string changed */
};

static const struct value_string cdr_writer_event_names[] = {
	{ CDR_EV_SOCKET, "SOCKET" },
	{ CDR_EV_KICK, "KICK" },
	{ CDR_EV_RECONNECT, "RECONNECT" },
	{ 0, NULL }
};

const struct value_string cdr_writer_state_names[] = {
	{ CDR_ST_STOPPED, "stopped" },
	{ CDR_ST_DISCONNECTED, "disconnected" },
	{ CDR_ST_CONNECTING, "connecting" },
	{ CDR_ST_SETUP, "schema set-up" },
	{ CDR_ST_IDLE, "idle" },
	{ CDR_ST_BUSY, "writing" },
	{ CDR_ST_REFUSED, "refused" },
	{ 0, NULL }
};

static const struct osmo_tdef cdr_tdefs_default[] = {
	{ .T = CDR_T_CONNECT, .default_val = 5, .unit = OSMO_TDEF_S,
	  .desc = "Connect to the database and check its schema", .min_val = 1 },
	{ .T = CDR_T_BACKOFF_MIN, .default_val = 250, .unit = OSMO_TDEF_MS,
	  .desc = "First reconnect delay after a database failure", .min_val = 10 },
	{ .T = CDR_T_BACKOFF_MAX, .default_val = 10000, .unit = OSMO_TDEF_MS,
	  .desc = "Longest reconnect delay (the delay doubles up to this)", .min_val = 10 },
	{ .T = CDR_T_BATCH, .default_val = 10, .unit = OSMO_TDEF_S,
	  .desc = "A batch not done by then means a hung database: reconnect", .min_val = 1 },
	{ .T = CDR_T_FSYNC, .default_val = 100, .unit = OSMO_TDEF_MS,
	  .desc = "Spool fsync interval while records arrive", .min_val = 1 },
	{ .T = CDR_T_STARTUP, .default_val = 3000, .unit = OSMO_TDEF_MS,
	  .desc = "Start-up wait for the database schema check" },
	{ .T = CDR_T_RECHECK, .default_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "Re-check a database whose schema was refused", .min_val = 1 },
	{}
};

static const struct rate_ctr_desc cdr_ctr_desc[] = {
	[CDR_CTR_SUBMITTED] = { "record:submitted", "Records submitted and spooled" },
	[CDR_CTR_WRITTEN] = { "record:written", "Records written to the database" },
	[CDR_CTR_DUPLICATE] = { "record:duplicate", "Replayed records the database already had" },
	[CDR_CTR_BATCHES] = { "batch:written", "Batches committed" },
	[CDR_CTR_BATCH_FAILED] = { "batch:failed", "Batches that failed and were retried" },
	[CDR_CTR_CONNECT_FAILED] = { "db:connect-failed", "Failed connection attempts" },
	[CDR_CTR_DISCONNECTED] = { "db:disconnected", "Connections lost or dropped" },
	[CDR_CTR_SPOOL_FULL] = { "spool:full", "Records refused because the spool was full" },
	[CDR_CTR_SPOOL_WRITE_FAILED] = { "spool:write-failed", "Records the spool could not store" },
	[CDR_CTR_SPOOL_READ_FAILED] = { "spool:read-failed", "Spool read errors" },
	[CDR_CTR_SPOOL_CORRUPT] = { "spool:corrupt", "Corrupt spool regions moved aside" },
	[CDR_CTR_REJECTED] = { "record:rejected", "Records the database refused, moved aside" },
	[CDR_CTR_ENCODE_FAILED] = { "record:encode-failed", "Records that could not be encoded" },
	[CDR_CTR_SCHEMA_REFUSED] = { "db:schema-refused", "Databases refused for a newer schema" },
	[CDR_CTR_UNRECORDED] = { "record:unrecorded", "Call attempts not recorded (no cdr config)" },
};

static const struct rate_ctr_group_desc cdr_ctrg_desc = {
	.group_name_prefix = "cdr",
	.group_description = "CDR writer",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(cdr_ctr_desc),
	.ctr_desc = cdr_ctr_desc,
};

static void ctr_inc(struct cdr_writer *w, enum cdr_writer_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(w->ctrs, c));
}

static void ctr_add(struct cdr_writer *w, enum cdr_writer_ctr c, int n)
{
	rate_ctr_add(rate_ctr_group_get_ctr(w->ctrs, c), n);
}

static unsigned long tdef_ms(struct cdr_writer *w, int T)
{
	return osmo_tdef_get(w->tdefs, T, OSMO_TDEF_MS, -1);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* How long a writer callback held the loop: wall time (what the loop
 * felt, including the CPU being taken away) and this thread's CPU time
 * (the writer's own work). */
struct stall {
	uint64_t wall, cpu;
};

static struct stall stall_start(void)
{
	return (struct stall){ mono_ns(), cpu_ns() };
}

static void stall_end(struct cdr_writer *w, struct stall t0)
{
	uint64_t d = mono_ns() - t0.wall, c = cpu_ns() - t0.cpu;

	if (d > w->max_stall_ns)
		w->max_stall_ns = d;
	if (c > w->max_stall_cpu_ns)
		w->max_stall_cpu_ns = c;
}

static void set_error(struct cdr_writer *w, const char *msg)
{
	char *m = talloc_strdup(w, msg ?: "unknown error");
	size_t n = strlen(m);

	/* libpq messages end in newlines; a log line should not */
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	talloc_free(w->last_error);
	w->last_error = m;
}

/* ------------------------------------------------------------------ socket */

static int cdr_fd_cb(struct osmo_fd *ofd, unsigned int what);

static void fd_release(struct cdr_writer *w)
{
	osmo_timer_del(&w->copy_timer);
	if (w->ofd.fd >= 0) {
		osmo_fd_unregister(&w->ofd);
		w->ofd.fd = -1;
	}
}

/* libpq may open a new socket while connecting: follow it. */
static void fd_watch(struct cdr_writer *w, bool want_write)
{
	int fd = w->conn ? PQsocket(w->conn) : -1;

	if (fd != w->ofd.fd) {
		fd_release(w);
		if (fd < 0)
			return;
		osmo_fd_setup(&w->ofd, fd, OSMO_FD_READ, cdr_fd_cb, w, 0);
		if (osmo_fd_register(&w->ofd) < 0) {
			w->ofd.fd = -1;
			return;
		}
	}
	osmo_fd_write_disable(&w->ofd);
	if (want_write)
		osmo_fd_write_enable(&w->ofd);
}

static void conn_close(struct cdr_writer *w)
{
	fd_release(w);
	if (w->conn) {
		PQfinish(w->conn);
		w->conn = NULL;
	}
	w->copy_active = false;
	w->step = STEP_NONE;
	w->stage_dirty = false;
}

/* ------------------------------------------------------------------- batch */

static int batch_line_cb(void *data, const uint8_t *payload, size_t len)
{
	struct cdr_writer *w = data;
	struct cdr_record rec;

	if (cdr_record_decode(&rec, payload, len) < 0)
		return -EBADMSG;
	if (w->buf_size - w->buf_len < CDR_COPY_LINE_MAX) {
		size_t sz = w->buf_size * 2 + CDR_COPY_LINE_MAX;
		char *nb = talloc_realloc_size(w, w->buf, sz);

		if (!nb)
			return -ENOMEM;
		w->buf = nb;
		w->buf_size = sz;
	}
	return cdr_copy_format(&rec, w->buf, w->buf_size, &w->buf_len);
}

static int validate_cb(void *data, const uint8_t *payload, size_t len)
{
	struct cdr_record rec;

	return cdr_record_decode(&rec, payload, len);
}

static void spool_bad_cb(void *data, uint64_t off, uint64_t len, const char *why)
{
	struct cdr_writer *w = data;

	ctr_inc(w, CDR_CTR_SPOOL_CORRUPT);
	LOGP(DCDR, LOGL_ERROR, "spool %s: %s at offset %llu: %llu bytes moved aside to %s.bad\n",
	     w->cfg.spool_path, why, (unsigned long long)off, (unsigned long long)len,
	     w->cfg.spool_path);
}

/* Format the next few records of the batch from the spool into buf.  A
 * batch is streamed in chunks, one per loop iteration, so that a large
 * batch (fewer commits, more throughput) never holds the loop for long.
 * \returns records read, or < 0. */
static int stream_chunk(struct cdr_writer *w)
{
	unsigned int max = w->stream_left < CDR_STREAM_CHUNK ? w->stream_left : CDR_STREAM_CHUNK;
	uint64_t end;
	int n;

	n = cdr_spool_read(w->spool, w->stream_off, max, batch_line_cb, w, &end);
	if (n < 0) {
		ctr_inc(w, CDR_CTR_SPOOL_READ_FAILED);
		LOGP(DCDR, LOGL_ERROR, "cannot read spool %s: %s\n", w->cfg.spool_path, strerror(-n));
		return n;
	}
	w->stream_off = end;
	w->stream_left -= n;
	if (!w->resend) {
		w->batch_count += n;
		w->batch_end = end;
	}
	return n;
}

/* Whether the COPY in flight has more records to stream. */
static bool stream_more(struct cdr_writer *w)
{
	if (!w->stream_left)
		return false;
	return w->stream_off < (w->resend ? w->batch_end : w->spool->size);
}

/* Stream the batch [batch_start, batch_end) again (into the staging table). */
static void stream_rewind(struct cdr_writer *w)
{
	w->buf_len = w->buf_sent = 0;
	w->stream_off = w->batch_start;
	w->stream_left = w->batch_count;
	w->resend = true;
}

/* ---------------------------------------------------------------- queries */

static int flush_out(struct cdr_writer *w)
{
	int rc = PQflush(w->conn);

	if (rc < 0) {
		set_error(w, PQerrorMessage(w->conn));
		return -EIO;
	}
	fd_watch(w, rc == 1);
	return 0;
}

static int send_query(struct cdr_writer *w, enum cdr_step step, const char *sql)
{
	w->step = step;
	w->step_failed = false;
	w->sqlstate[0] = '\0';
	w->merged_rows = -1;
	if (!PQsendQuery(w->conn, sql)) {
		set_error(w, PQerrorMessage(w->conn));
		return -EIO;
	}
	return flush_out(w);
}

/* Push the COPY data without blocking: stop when the socket is full and go
 * on when it is writable again; format at most one chunk per call and let
 * the loop run before the next. */
static int copy_push(struct cdr_writer *w)
{
	const size_t chunk = 64 * 1024;
	bool formatted = false;

	for (;;) {
		while (w->buf_sent < w->buf_len) {
			size_t n = w->buf_len - w->buf_sent;
			int rc;

			if (n > chunk)
				n = chunk;
			rc = PQputCopyData(w->conn, w->buf + w->buf_sent, n);
			if (rc < 0) {
				set_error(w, PQerrorMessage(w->conn));
				return -EIO;
			}
			if (rc == 0)
				return flush_out(w);
			w->buf_sent += n;
			rc = PQflush(w->conn);
			if (rc < 0) {
				set_error(w, PQerrorMessage(w->conn));
				return -EIO;
			}
			if (rc == 1) {
				fd_watch(w, true);
				return 0;
			}
		}
		w->buf_len = w->buf_sent = 0;
		if (!stream_more(w))
			break;
		if (formatted) {
			osmo_timer_schedule(&w->copy_timer, 0, 0);
			return flush_out(w);
		}
		if (stream_chunk(w) < 0)
			return -EIO;
		formatted = true;
	}
	switch (PQputCopyEnd(w->conn, NULL)) {
	case 1:
		w->copy_active = false;
		return flush_out(w);
	case 0:
		return flush_out(w);
	default:
		set_error(w, PQerrorMessage(w->conn));
		return -EIO;
	}
}

static void step_done(struct cdr_writer *w);
static void fail_conn(struct cdr_writer *w, const char *why);

/* Collect results of the query in flight; call step_done() at its end. */
static void drive_io(struct cdr_writer *w, unsigned int what)
{
	if (what & OSMO_FD_WRITE) {
		if (w->copy_active ? copy_push(w) < 0 : flush_out(w) < 0) {
			fail_conn(w, "write");
			return;
		}
	}
	if (!PQconsumeInput(w->conn)) {
		set_error(w, PQerrorMessage(w->conn));
		fail_conn(w, "read");
		return;
	}
	while (!w->copy_active && !PQisBusy(w->conn)) {
		PGresult *res = PQgetResult(w->conn);
		const char *st;

		if (!res) {
			step_done(w);
			return;
		}
		switch (PQresultStatus(res)) {
		case PGRES_COPY_IN:
			w->copy_active = true;
			PQclear(res);
			if (copy_push(w) < 0) {
				fail_conn(w, "copy");
				return;
			}
			continue;
		case PGRES_TUPLES_OK:
			if (w->step == STEP_VERSION && PQntuples(res) == 1)
				w->db_version = atoi(PQgetvalue(res, 0, 0));
			break;
		case PGRES_COMMAND_OK:
			if (w->step == STEP_MERGE && w->merged_rows < 0 &&
			    !strncmp(PQcmdStatus(res), "INSERT", 6))
				w->merged_rows = atoll(PQcmdTuples(res));
			break;
		default:
			w->step_failed = true;
			st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			osmo_strlcpy(w->sqlstate, st ?: "", sizeof(w->sqlstate));
			set_error(w, PQresultErrorMessage(res));
			break;
		}
		PQclear(res);
	}
}

static int cdr_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct cdr_writer *w = ofd->data;
	struct stall t0 = stall_start();

	osmo_fsm_inst_dispatch(w->fi, CDR_EV_SOCKET, &what);
	stall_end(w, t0);
	return 0;
}

/* ------------------------------------------------------------------- FSM */

static const struct osmo_tdef_state_timeout cdr_fsm_timeouts[32] = {
	[CDR_ST_CONNECTING] = { .T = CDR_T_CONNECT },
	[CDR_ST_SETUP] = { .T = CDR_T_CONNECT },
	[CDR_ST_BUSY] = { .T = CDR_T_BATCH },
	[CDR_ST_REFUSED] = { .T = CDR_T_RECHECK },
};

#define cdr_state_chg(w, st) \
	osmo_tdef_fsm_inst_state_chg((w)->fi, st, cdr_fsm_timeouts, (w)->tdefs, 5)

static void go_disconnected(struct cdr_writer *w)
{
	unsigned long max = tdef_ms(w, CDR_T_BACKOFF_MAX);

	conn_close(w);
	if (!w->backoff_ms)
		w->backoff_ms = tdef_ms(w, CDR_T_BACKOFF_MIN);
	else if (w->backoff_ms * 2 <= max)
		w->backoff_ms *= 2;
	else
		w->backoff_ms = max;
	osmo_fsm_inst_state_chg_ms(w->fi, CDR_ST_DISCONNECTED, w->backoff_ms, CDR_T_BACKOFF_MIN);
}

static void fail_conn(struct cdr_writer *w, const char *why)
{
	enum cdr_writer_state st = w->fi->state;

	if (st == CDR_ST_CONNECTING) {
		ctr_inc(w, CDR_CTR_CONNECT_FAILED);
	} else {
		ctr_inc(w, CDR_CTR_DISCONNECTED);
		if (st == CDR_ST_BUSY)
			ctr_inc(w, CDR_CTR_BATCH_FAILED);
	}
	LOGP(DDB, st == CDR_ST_CONNECTING ? LOGL_NOTICE : LOGL_ERROR,
	     "database %s (%s, %s): %s; %llu records stay spooled, retrying\n",
	     st == CDR_ST_CONNECTING ? "unreachable" : "connection lost", why,
	     get_value_string(cdr_step_names, w->step), w->last_error ?: "",
	     (unsigned long long)cdr_writer_queue_depth(w));
	go_disconnected(w);
}

static void start_connect(struct cdr_writer *w)
{
	/* application_name first: a value in the operator's string wins. */
	const char *const keys[] = { "application_name", "dbname", NULL };
	const char *const vals[] = { "tandemd-cdr", w->cfg.conninfo, NULL };

	conn_close(w);
	if (!w->cfg.conninfo)
		return;
	w->conn = PQconnectStartParams(keys, vals, 1);
	if (!w->conn || PQstatus(w->conn) == CONNECTION_BAD) {
		set_error(w, w->conn ? PQerrorMessage(w->conn) : "out of memory");
		cdr_state_chg(w, CDR_ST_CONNECTING);
		fail_conn(w, "connect");
		return;
	}
	cdr_state_chg(w, CDR_ST_CONNECTING);
	/* PQconnectStart's first poll state is "writing". */
	fd_watch(w, true);
}

static void start_batch(struct cdr_writer *w)
{
	char sql[512];
	int n;

	if (w->batch_limit > w->cfg.batch_size || !w->batch_limit)
		w->batch_limit = w->cfg.batch_size;
	if (cdr_spool_backlog(w->spool) == 0) {
		if (w->fi->state != CDR_ST_IDLE)
			cdr_state_chg(w, CDR_ST_IDLE);
		return;
	}
	w->buf_len = w->buf_sent = 0;
	w->batch_start = w->batch_end = w->stream_off = w->spool->commit_off;
	w->batch_count = 0;
	w->stream_left = w->batch_limit;
	w->resend = false;
	n = stream_chunk(w);
	if (n < 0) {
		/* A disk error: try again on the next kick. */
		if (w->fi->state != CDR_ST_IDLE)
			cdr_state_chg(w, CDR_ST_IDLE);
		return;
	}
	if (n == 0) {
		/* Only corrupt bytes were left: they are aside now. */
		cdr_spool_commit(w->spool, w->batch_end, 0);
		if (w->fi->state != CDR_ST_IDLE)
			cdr_state_chg(w, CDR_ST_IDLE);
		return;
	}
	cdr_state_chg(w, CDR_ST_BUSY);
	snprintf(sql, sizeof(sql), "COPY cdr %s FROM STDIN", cdr_copy_columns);
	if (send_query(w, STEP_COPY_FAST, sql) < 0)
		fail_conn(w, "copy");
}

/* @inserted of the batch's records are new rows, @dups were there already. */
static void batch_committed(struct cdr_writer *w, long long inserted, long long dups)
{
	int rc;

	ctr_add(w, CDR_CTR_WRITTEN, inserted);
	ctr_add(w, CDR_CTR_DUPLICATE, dups);
	ctr_inc(w, CDR_CTR_BATCHES);
	w->rows_written += inserted;
	rc = cdr_spool_commit(w->spool, w->batch_end, w->batch_count);
	if (rc < 0)
		LOGP(DCDR, LOGL_ERROR, "cannot record the spool position: %s\n", strerror(-rc));
	LOGP(DCDR, LOGL_DEBUG, "batch of %u records committed (%lld new)\n", w->batch_count,
	     inserted);
	if (w->batch_limit < w->cfg.batch_size)
		w->batch_limit = w->batch_limit * 2 < w->cfg.batch_size ? w->batch_limit * 2
									 : w->cfg.batch_size;
	if (w->alarm && cdr_spool_backlog(w->spool) < w->cfg.spool_max / 10 * 8) {
		LOGP(DCDR, LOGL_NOTICE, "CDR spool below 80%% again: alarm cleared after %llu "
		     "records were refused\n", (unsigned long long)w->dropped_since_alarm);
		w->alarm = false;
	}
	w->step = STEP_NONE;
	start_batch(w);
}

/* The database refused a batch's data (a check, a type, an encoding): find
 * the record at fault by halving the batch, then move that one aside so
 * that one bad record never blocks the records behind it. */
static void batch_data_error(struct cdr_writer *w)
{
	ctr_inc(w, CDR_CTR_BATCH_FAILED);
	if (w->batch_count > 1) {
		w->batch_limit = w->batch_count / 2;
		LOGP(DCDR, LOGL_NOTICE, "database refused a batch of %u (%s): retrying in halves\n",
		     w->batch_count, w->last_error ?: "");
		start_batch(w);
		return;
	}
	ctr_inc(w, CDR_CTR_REJECTED);
	LOGP(DCDR, LOGL_ERROR, "database refused a record at spool offset %llu (%s): moved aside\n",
	     (unsigned long long)w->batch_start, w->last_error ?: "");
	cdr_spool_move_aside(w->spool, w->batch_start, w->batch_end - w->batch_start,
			     "refused by the database");
	batch_committed(w, 0, 0);
}

static bool is_data_error(const char *state)
{
	return (state[0] == '2' && (state[1] == '2' || state[1] == '3'));
}

static void setup_next(struct cdr_writer *w);

static void step_done(struct cdr_writer *w)
{
	char sql[1024];
	enum cdr_step step = w->step;

	if (step == STEP_VERSION) {
		if (w->step_failed && strcmp(w->sqlstate, CDR_SQLSTATE_UNDEFINED_TABLE)) {
			fail_conn(w, "schema check");
			return;
		}
		if (w->step_failed)
			w->db_version = 0;
		setup_next(w);
		return;
	}
	if (w->step_failed && (step == STEP_MIGRATE || step == STEP_STAGE)) {
		LOGP(DDB, LOGL_ERROR, "%s failed: %s\n", get_value_string(cdr_step_names, step),
		     w->last_error);
		fail_conn(w, get_value_string(cdr_step_names, step));
		return;
	}
	switch (step) {
	case STEP_MIGRATE:
		LOGP(DDB, LOGL_NOTICE, "database schema migrated\n");
		if (send_query(w, STEP_VERSION, cdr_schema_version_query) < 0)
			fail_conn(w, "schema check");
		return;
	case STEP_STAGE:
		w->backoff_ms = 0;
		LOGP(DDB, LOGL_NOTICE, "connected to the CDR database (schema version %d); "
		     "%llu spooled records to write\n", w->db_version,
		     (unsigned long long)cdr_writer_queue_depth(w));
		cdr_state_chg(w, CDR_ST_IDLE);
		start_batch(w);
		return;
	case STEP_COPY_FAST:
		if (!w->step_failed) {
			batch_committed(w, w->batch_count, 0);
			return;
		}
		if (!strcmp(w->sqlstate, "23505")) {
			/* Some of these are in already: merge instead. */
			LOGP(DCDR, LOGL_INFO, "batch overlaps records already written: merging\n");
			stream_rewind(w);
			if (w->stage_dirty)
				snprintf(sql, sizeof(sql), "TRUNCATE cdr_stage");
			else
				snprintf(sql, sizeof(sql), "COPY cdr_stage %s FROM STDIN", cdr_copy_columns);
			if (send_query(w, w->stage_dirty ? STEP_TRUNCATE : STEP_COPY_STAGE, sql) < 0)
				fail_conn(w, "copy");
			return;
		}
		break;
	case STEP_TRUNCATE:
		if (!w->step_failed) {
			w->stage_dirty = false;
			stream_rewind(w);
			snprintf(sql, sizeof(sql), "COPY cdr_stage %s FROM STDIN", cdr_copy_columns);
			if (send_query(w, STEP_COPY_STAGE, sql) < 0)
				fail_conn(w, "copy");
			return;
		}
		break;
	case STEP_COPY_STAGE:
		if (!w->step_failed) {
			char cols[512];

			/* the column list without its parentheses */
			osmo_strlcpy(cols, cdr_copy_columns + 1, sizeof(cols));
			cols[strlen(cols) - 1] = '\0';
			w->stage_dirty = true;
			snprintf(sql, sizeof(sql),
				 "INSERT INTO cdr %s SELECT %s FROM cdr_stage ON CONFLICT DO NOTHING;"
				 "TRUNCATE cdr_stage", cdr_copy_columns, cols);
			if (send_query(w, STEP_MERGE, sql) < 0)
				fail_conn(w, "merge");
			return;
		}
		break;
	case STEP_MERGE:
		if (!w->step_failed) {
			long long n = w->merged_rows;

			if (n < 0 || n > w->batch_count)
				n = w->batch_count;
			w->stage_dirty = false;
			batch_committed(w, n, w->batch_count - n);
			return;
		}
		break;
	default:
		return;
	}
	/* the step failed */
	if (is_data_error(w->sqlstate)) {
		batch_data_error(w);
		return;
	}
	LOGP(DCDR, LOGL_ERROR, "batch of %u records failed in %s: %s (SQLSTATE %s)\n",
	     w->batch_count, get_value_string(cdr_step_names, step), w->last_error, w->sqlstate);
	fail_conn(w, get_value_string(cdr_step_names, step));
}

static void setup_next(struct cdr_writer *w)
{
	int latest = cdr_schema_latest();
	char sql[1024];

	if (w->db_version > latest) {
		ctr_inc(w, CDR_CTR_SCHEMA_REFUSED);
		snprintf(sql, sizeof(sql), "database schema version %d is newer than this tandemd's "
			 "%d: upgrade tandemd", w->db_version, latest);
		set_error(w, sql);
		LOGP(DDB, LOGL_ERROR, "%s; records stay spooled\n", w->last_error);
		conn_close(w);
		cdr_state_chg(w, CDR_ST_REFUSED);
		return;
	}
	if (w->db_version < latest) {
		for (unsigned int i = 0; i < cdr_migrations_count; i++) {
			const struct cdr_migration *m = &cdr_migrations[i];
			char *mig;
			int rc;

			if (m->version <= w->db_version)
				continue;
			LOGP(DDB, LOGL_NOTICE, "applying schema migration %d (%s)\n", m->version,
			     m->name);
			mig = cdr_migration_sql(w, m);
			rc = mig ? send_query(w, STEP_MIGRATE, mig) : -ENOMEM;
			talloc_free(mig);
			if (rc < 0)
				fail_conn(w, "migration");
			return;
		}
	}
	osmo_strlcpy(sql, "CREATE TEMP TABLE cdr_stage AS SELECT ", sizeof(sql));
	strncat(sql, cdr_copy_columns + 1, sizeof(sql) - strlen(sql) - 1);
	sql[strlen(sql) - 1] = '\0';
	strncat(sql, " FROM cdr WITH NO DATA", sizeof(sql) - strlen(sql) - 1);
	if (send_query(w, STEP_STAGE, sql) < 0)
		fail_conn(w, "staging table");
}

static void st_stopped(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
}

static void st_disconnected(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cdr_writer *w = fi->priv;

	if (event == CDR_EV_RECONNECT)
		start_connect(w);
}

static void st_connecting(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cdr_writer *w = fi->priv;

	if (event == CDR_EV_RECONNECT) {
		start_connect(w);
		return;
	}
	if (event != CDR_EV_SOCKET)
		return;
	switch (PQconnectPoll(w->conn)) {
	case PGRES_POLLING_READING:
		fd_watch(w, false);
		break;
	case PGRES_POLLING_WRITING:
		fd_watch(w, true);
		break;
	case PGRES_POLLING_OK:
		if (PQsetnonblocking(w->conn, 1) < 0) {
			set_error(w, PQerrorMessage(w->conn));
			fail_conn(w, "non-blocking mode");
			break;
		}
		w->db_version = -1;
		cdr_state_chg(w, CDR_ST_SETUP);
		if (send_query(w, STEP_VERSION, cdr_schema_version_query) < 0)
			fail_conn(w, "schema check");
		break;
	default:
		set_error(w, PQerrorMessage(w->conn));
		fail_conn(w, "connect");
		break;
	}
}

static void st_online(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cdr_writer *w = fi->priv;

	switch (event) {
	case CDR_EV_SOCKET:
		if (w->step == STEP_NONE) {
			/* Idle: only notices or a closed socket can arrive. */
			if (!PQconsumeInput(w->conn) || PQstatus(w->conn) == CONNECTION_BAD) {
				set_error(w, PQerrorMessage(w->conn));
				fail_conn(w, "idle");
			}
			return;
		}
		drive_io(w, *(unsigned int *)data);
		break;
	case CDR_EV_KICK:
		if (fi->state == CDR_ST_IDLE)
			start_batch(w);
		break;
	case CDR_EV_RECONNECT:
		start_connect(w);
		break;
	}
}

static void st_refused(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cdr_writer *w = fi->priv;

	if (event == CDR_EV_RECONNECT)
		start_connect(w);
}

static int cdr_fsm_timer_cb(struct osmo_fsm_inst *fi)
{
	struct cdr_writer *w = fi->priv;

	switch (fi->state) {
	case CDR_ST_DISCONNECTED:
	case CDR_ST_REFUSED:
		start_connect(w);
		break;
	case CDR_ST_CONNECTING:
	case CDR_ST_SETUP:
		set_error(w, "timed out");
		fail_conn(w, fi->state == CDR_ST_CONNECTING ? "connect" : "schema set-up");
		break;
	case CDR_ST_BUSY:
		set_error(w, "batch timed out");
		fail_conn(w, "slow database");
		break;
	}
	return 0;
}

static void cdr_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct cdr_writer *w = fi->priv;

	conn_close(w);
	w->fi = NULL;
}

#define ONLINE_EVENTS (S(CDR_EV_SOCKET) | S(CDR_EV_KICK) | S(CDR_EV_RECONNECT))
#define ANY_CONN_STATE (S(CDR_ST_DISCONNECTED) | S(CDR_ST_CONNECTING) | S(CDR_ST_REFUSED))

static const struct osmo_fsm_state cdr_fsm_states[] = {
	[CDR_ST_STOPPED] = {
		.name = "STOPPED",
		.in_event_mask = S(CDR_EV_RECONNECT) | S(CDR_EV_KICK),
		.out_state_mask = ANY_CONN_STATE,
		.action = st_stopped,
	},
	[CDR_ST_DISCONNECTED] = {
		.name = "DISCONNECTED",
		.in_event_mask = S(CDR_EV_RECONNECT) | S(CDR_EV_KICK),
		.out_state_mask = ANY_CONN_STATE,
		.action = st_disconnected,
	},
	[CDR_ST_CONNECTING] = {
		.name = "CONNECTING",
		.in_event_mask = S(CDR_EV_SOCKET) | S(CDR_EV_RECONNECT) | S(CDR_EV_KICK),
		.out_state_mask = ANY_CONN_STATE | S(CDR_ST_SETUP),
		.action = st_connecting,
	},
	[CDR_ST_SETUP] = {
		.name = "SETUP",
		.in_event_mask = ONLINE_EVENTS,
		.out_state_mask = ANY_CONN_STATE | S(CDR_ST_IDLE),
		.action = st_online,
	},
	[CDR_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = ONLINE_EVENTS,
		.out_state_mask = ANY_CONN_STATE | S(CDR_ST_BUSY),
		.action = st_online,
	},
	[CDR_ST_BUSY] = {
		.name = "BUSY",
		.in_event_mask = ONLINE_EVENTS,
		.out_state_mask = ANY_CONN_STATE | S(CDR_ST_IDLE) | S(CDR_ST_BUSY),
		.action = st_online,
	},
	[CDR_ST_REFUSED] = {
		.name = "REFUSED",
		.in_event_mask = S(CDR_EV_RECONNECT) | S(CDR_EV_KICK),
		.out_state_mask = ANY_CONN_STATE,
		.action = st_refused,
	},
};

static struct osmo_fsm cdr_writer_fsm = {
	.name = "cdr_writer",
	.states = cdr_fsm_states,
	.num_states = ARRAY_SIZE(cdr_fsm_states),
	.timer_cb = cdr_fsm_timer_cb,
	.cleanup = cdr_fsm_cleanup,
	.event_names = cdr_writer_event_names,
	.log_subsys = DCDR,
};

/* ------------------------------------------------------------- public API */

static void kick_cb(void *data)
{
	struct cdr_writer *w = data;
	struct stall t0 = stall_start();

	if (w->fi)
		osmo_fsm_inst_dispatch(w->fi, CDR_EV_KICK, NULL);
	stall_end(w, t0);
}

static void copy_timer_cb(void *data)
{
	struct cdr_writer *w = data;
	struct stall t0 = stall_start();

	if (w->conn && w->copy_active && copy_push(w) < 0)
		fail_conn(w, "copy");
	stall_end(w, t0);
}

static void sync_cb(void *data)
{
	struct cdr_writer *w = data;
	struct stall t0 = stall_start();
	int rc;

	if (!w->spool)
		return;
	rc = cdr_spool_sync_async(w->spool);
	if (rc < 0) {
		ctr_inc(w, CDR_CTR_SPOOL_WRITE_FAILED);
		LOGP(DCDR, LOGL_ERROR, "cannot fsync spool %s: %s\n", w->cfg.spool_path, strerror(-rc));
	}
	stall_end(w, t0);
}

static int cdr_writer_destructor(struct cdr_writer *w)
{
	cdr_writer_stop(w);
	/* the group is also on libosmocore's global list: unlink it */
	rate_ctr_group_free(w->ctrs);
	w->ctrs = NULL;
	if (g_cdr == w)
		g_cdr = NULL;
	return 0;
}

struct cdr_writer *cdr_writer_alloc(void *ctx)
{
	static bool fsm_registered;
	struct cdr_writer *w = talloc_zero(ctx, struct cdr_writer);

	if (!w)
		return NULL;
	if (!fsm_registered) {
		if (osmo_fsm_register(&cdr_writer_fsm) < 0)
			goto fail;
		fsm_registered = true;
	}
	w->ofd.fd = -1;
	w->db_version = -1;
	w->cfg.spool_path = talloc_strdup(w, TANDEM_SPOOLDIR "/cdr.spool");
	w->cfg.spool_max = 1024ull * 1024 * 1024;
	w->cfg.batch_size = 1000;
	w->cfg.instance = talloc_strdup(w, "tandemd");
	w->tdefs = talloc_memdup(w, cdr_tdefs_default, sizeof(cdr_tdefs_default));
	w->ctrs = rate_ctr_group_alloc(w, &cdr_ctrg_desc, 0);
	if (!w->cfg.spool_path || !w->cfg.instance || !w->tdefs || !w->ctrs)
		goto fail;
	osmo_tdefs_reset(w->tdefs);
	osmo_timer_setup(&w->kick_timer, kick_cb, w);
	osmo_timer_setup(&w->sync_timer, sync_cb, w);
	osmo_timer_setup(&w->copy_timer, copy_timer_cb, w);
	talloc_set_destructor(w, cdr_writer_destructor);
	if (!g_cdr)
		g_cdr = w;
	return w;
fail:
	if (w->ctrs)
		rate_ctr_group_free(w->ctrs);
	talloc_free(w);
	return NULL;
}

static void startup_deadline_cb(void *data)
{
	*(bool *)data = true;
}

int cdr_writer_start(struct cdr_writer *w, unsigned int wait_ms)
{
	struct osmo_timer_list deadline = {};
	bool expired = false;
	int rc;

	if (w->started)
		return 0;
	rc = cdr_spool_open(w, w->cfg.spool_path, validate_cb, spool_bad_cb, w, &w->spool);
	if (rc < 0) {
		fprintf(stderr, "tandemd: cannot open CDR spool %s: %s\n", w->cfg.spool_path,
			rc == -EWOULDBLOCK ? "locked by another process" : strerror(-rc));
		LOGP(DCDR, LOGL_ERROR, "cannot open CDR spool %s: %s\n", w->cfg.spool_path,
		     strerror(-rc));
		return rc;
	}
	w->batch_limit = w->cfg.batch_size;
	w->buf_size = 64 * 1024;
	w->buf = talloc_size(w, w->buf_size);
	w->fi = osmo_fsm_inst_alloc(&cdr_writer_fsm, w, w, LOGL_DEBUG, NULL);
	if (!w->buf || !w->fi) {
		cdr_spool_close(w->spool);
		w->spool = NULL;
		return -ENOMEM;
	}
	w->started = true;
	LOGP(DCDR, LOGL_NOTICE, "CDR spool %s: %llu records (%llu bytes) waiting for the database\n",
	     w->cfg.spool_path, (unsigned long long)w->spool->pending,
	     (unsigned long long)cdr_spool_backlog(w->spool));
	if (!w->cfg.conninfo) {
		LOGP(DCDR, LOGL_NOTICE, "no CDR database configured: records stay in the spool\n");
		return 0;
	}
	start_connect(w);
	if (!wait_ms)
		return 0;

	osmo_timer_setup(&deadline, startup_deadline_cb, &expired);
	osmo_timer_schedule(&deadline, wait_ms / 1000, (wait_ms % 1000) * 1000);
	while (!expired && w->fi && (w->fi->state == CDR_ST_CONNECTING || w->fi->state == CDR_ST_SETUP))
		osmo_select_main_ctx(0);
	osmo_timer_del(&deadline);
	if (w->fi && w->fi->state == CDR_ST_REFUSED) {
		fprintf(stderr, "tandemd: refusing to start: %s\n", w->last_error);
		return -EPROTO;
	}
	if (w->fi && w->fi->state != CDR_ST_IDLE && w->fi->state != CDR_ST_BUSY)
		LOGP(DCDR, LOGL_NOTICE, "CDR database not reachable at start-up; spooling until it is\n");
	return 0;
}

int cdr_writer_app_start(struct cdr_writer *w)
{
	if (!w->configured) {
		LOGP(DCDR, LOGL_NOTICE, "no cdr node in the config: call attempts are not recorded\n");
		return 0;
	}
	return cdr_writer_start(w, tdef_ms(w, CDR_T_STARTUP));
}

int cdr_writer_submit(struct cdr_writer *w, struct cdr_record *rec)
{
	uint8_t enc[CDR_REC_ENC_MAX];
	struct stall t0;
	int n, rc;

	if (!w || !w->started) {
		if (w)
			ctr_inc(w, CDR_CTR_UNRECORDED);
		return -ENODEV;
	}
	t0 = stall_start();
	if (!rec->instance[0])
		cdr_record_set(rec, instance, w->cfg.instance);
	n = cdr_record_encode(rec, enc, sizeof(enc));
	if (n < 0) {
		ctr_inc(w, CDR_CTR_ENCODE_FAILED);
		LOGP(DCDR, LOGL_ERROR, "cannot encode CDR for Call-ID %s\n", rec->sip_call_id);
		rc = n;
		goto out;
	}
	if (cdr_spool_backlog(w->spool) + n + CDR_SPOOL_HDR_LEN > w->cfg.spool_max) {
		ctr_inc(w, CDR_CTR_SPOOL_FULL);
		w->dropped_since_alarm++;
		if (!w->alarm) {
			w->alarm = true;
			w->alarm_since = time(NULL);
			w->dropped_since_alarm = 1;
			LOGP(DCDR, LOGL_ERROR, "ALARM: CDR spool %s is full (%llu bytes): call records "
			     "are being LOST until the database catches up\n", w->cfg.spool_path,
			     (unsigned long long)cdr_spool_backlog(w->spool));
		}
		rc = -ENOSPC;
		goto out;
	}
	rc = cdr_spool_append(w->spool, enc, n);
	if (rc < 0) {
		ctr_inc(w, CDR_CTR_SPOOL_WRITE_FAILED);
		LOGP(DCDR, LOGL_ERROR, "cannot append to spool %s: %s\n", w->cfg.spool_path,
		     strerror(-rc));
		goto out;
	}
	ctr_inc(w, CDR_CTR_SUBMITTED);
	/* Kick from the loop, not from here: every record submitted in this
	 * loop iteration then goes into one batch. */
	if (w->fi && w->fi->state == CDR_ST_IDLE && !osmo_timer_pending(&w->kick_timer))
		osmo_timer_schedule(&w->kick_timer, 0, 0);
	if (!osmo_timer_pending(&w->sync_timer)) {
		unsigned long ms = tdef_ms(w, CDR_T_FSYNC);

		osmo_timer_schedule(&w->sync_timer, ms / 1000, (ms % 1000) * 1000);
	}
out:
	stall_end(w, t0);
	return rc;
}

void cdr_writer_stop(struct cdr_writer *w)
{
	osmo_timer_del(&w->kick_timer);
	osmo_timer_del(&w->sync_timer);
	if (w->fi)
		osmo_fsm_inst_term(w->fi, OSMO_FSM_TERM_REQUEST, NULL);
	conn_close(w);
	if (w->spool) {
		cdr_spool_close(w->spool);
		w->spool = NULL;
	}
	w->started = false;
}

void cdr_writer_apply_cfg(struct cdr_writer *w)
{
	if (!w->started) {
		if (w->configured)
			cdr_writer_start(w, 0);
		return;
	}
	if (!w->reconnect_pending)
		return;
	w->reconnect_pending = false;
	w->backoff_ms = 0;
	if (!w->cfg.conninfo) {
		conn_close(w);
		osmo_fsm_inst_state_chg(w->fi, CDR_ST_DISCONNECTED, 0, 0);
		return;
	}
	LOGP(DCDR, LOGL_NOTICE, "CDR database connection changed: reconnecting\n");
	start_connect(w);
}

uint64_t cdr_writer_queue_depth(const struct cdr_writer *w)
{
	return w->spool ? w->spool->pending : 0;
}

uint64_t cdr_writer_spool_backlog(const struct cdr_writer *w)
{
	return w->spool ? cdr_spool_backlog(w->spool) : 0;
}

bool cdr_writer_drain(struct cdr_writer *w, unsigned int timeout_ms)
{
	struct osmo_timer_list deadline = {};
	bool expired = false;

	osmo_timer_setup(&deadline, startup_deadline_cb, &expired);
	osmo_timer_schedule(&deadline, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	while (!expired && w->spool && cdr_spool_backlog(w->spool) > 0)
		osmo_select_main_ctx(0);
	osmo_timer_del(&deadline);
	return w->spool && cdr_spool_backlog(w->spool) == 0;
}

/* The CDR writer: call attempts into PostgreSQL from inside tandemd's loop.
 *
 * Every record is appended to the spool (db/cdr_spool.h) first; a libpq
 * connection in non-blocking mode, driven by an osmo_fd on its socket and an
 * osmo_fsm, copies the spool into the "cdr" table in batches.  No thread
 * ever waits for the database: when it is down or slow, the spool grows.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/select.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

struct cdr_record;
struct cdr_spool;
struct pg_conn;

/*! Operator configuration (the VTY "cdr" node). */
struct cdr_writer_cfg {
	char *conninfo;		/*!< libpq connection string; NULL: spool only */
	char *spool_path;
	uint64_t spool_max;	/*!< bytes of backlog before records are refused */
	unsigned int batch_size;
	char *instance;		/*!< written into every record */
};

/*! Rate counters of the writer; each failure path has its own. */
enum cdr_writer_ctr {
	CDR_CTR_SUBMITTED,
	CDR_CTR_WRITTEN,
	CDR_CTR_DUPLICATE,
	CDR_CTR_BATCHES,
	CDR_CTR_BATCH_FAILED,
	CDR_CTR_CONNECT_FAILED,
	CDR_CTR_DISCONNECTED,
	CDR_CTR_SPOOL_FULL,
	CDR_CTR_SPOOL_WRITE_FAILED,
	CDR_CTR_SPOOL_READ_FAILED,
	CDR_CTR_SPOOL_CORRUPT,
	CDR_CTR_REJECTED,
	CDR_CTR_ENCODE_FAILED,
	CDR_CTR_SCHEMA_REFUSED,
	CDR_CTR_UNRECORDED,
};

/*! Writer FSM states. */
enum cdr_writer_state {
	CDR_ST_STOPPED,		/*!< not started, or no connection configured */
	CDR_ST_DISCONNECTED,	/*!< waiting out the reconnect backoff */
	CDR_ST_CONNECTING,
	CDR_ST_SETUP,		/*!< checking/migrating the schema, staging table */
	CDR_ST_IDLE,		/*!< connected, spool drained */
	CDR_ST_BUSY,		/*!< a batch is on its way */
	CDR_ST_REFUSED,		/*!< the database schema is newer than this binary */
};
extern const struct value_string cdr_writer_state_names[];

/*! Timers (osmo_tdef, "timer X<n>" in the cdr node). */
enum cdr_writer_timer {
	CDR_T_CONNECT = -1,	/*!< connect and schema set-up, s */
	CDR_T_BACKOFF_MIN = -2,	/*!< first reconnect delay, ms */
	CDR_T_BACKOFF_MAX = -3,	/*!< longest reconnect delay, ms */
	CDR_T_BATCH = -4,	/*!< a batch taking longer means a hung database, s */
	CDR_T_FSYNC = -5,	/*!< spool fsync interval, ms */
	CDR_T_STARTUP = -6,	/*!< how long start-up waits for the schema check, ms */
	CDR_T_RECHECK = -7,	/*!< re-check a refused schema after, s */
};

struct cdr_writer {
	struct cdr_writer_cfg cfg;
	bool configured;	/* a "cdr" node was given */
	bool started;
	bool reconnect_pending;	/* connection string changed in the VTY */
	struct osmo_fsm_inst *fi;
	struct osmo_tdef *tdefs;
	struct rate_ctr_group *ctrs;
	struct cdr_spool *spool;
	struct pg_conn *conn;
	struct osmo_fd ofd;
	struct osmo_timer_list kick_timer;
	struct osmo_timer_list sync_timer;
	struct osmo_timer_list copy_timer;	/* streams the next chunk of a batch */
	unsigned int backoff_ms;
	int db_version;		/* -1 until read */
	char *last_error;

	/* the batch in flight: records [batch_start, batch_end) of the spool,
	 * streamed into the COPY a chunk of COPY text (buf) at a time */
	char *buf;
	size_t buf_size, buf_len, buf_sent;
	uint64_t batch_start, batch_end;
	unsigned int batch_count;
	uint64_t stream_off;		/* next spool record to stream */
	unsigned int stream_left;	/* records the COPY may still take */
	bool resend;			/* streaming the batch again, to the stage */
	unsigned int batch_limit;	/* shrinks while the database refuses data */
	int step;
	bool copy_active;
	bool stage_dirty;		/* cdr_stage may hold rows of a failed merge */
	long long merged_rows;
	bool step_failed;
	char sqlstate[6];

	/* alarm: spool full */
	bool alarm;
	time_t alarm_since;
	uint64_t dropped_since_alarm;

	/* the longest time one writer callback held the event loop: wall
	 * clock, and CPU time of the loop thread */
	uint64_t max_stall_ns;
	uint64_t max_stall_cpu_ns;
	uint64_t rows_written;
};

/*! Records formatted per loop iteration while a batch streams. */
#define CDR_STREAM_CHUNK 100

/*! The writer of tandemd (VTY commands and call control reach it here). */
extern struct cdr_writer *g_cdr;

/*! Allocate the writer with the default configuration; not started. */
struct cdr_writer *cdr_writer_alloc(void *ctx);

/*! Open the spool and start connecting.  With @wait_ms > 0 the loop is
 *  driven until the schema is checked, the database proves unreachable, or
 *  @wait_ms passes.  \returns 0; -EPROTO when the schema is newer than this
 *  binary; other negative errno when the spool cannot be opened.  A message
 *  for the operator is printed to stderr on failure. */
int cdr_writer_start(struct cdr_writer *w, unsigned int wait_ms);

/*! tandemd's start-up: without a cdr node only log that nothing is
 *  recorded; otherwise cdr_writer_start() with the X6 start-up wait. */
int cdr_writer_app_start(struct cdr_writer *w);

/*! Submit one record: it is stamped with the instance name, spooled, and
 *  written to the database as soon as possible.  \returns 0, -ENOSPC when
 *  the spool is full (alarm raised), -ENODEV when the writer is not
 *  running, other negative errno when the spool cannot be written. */
int cdr_writer_submit(struct cdr_writer *w, struct cdr_record *rec);

/*! Close the database connection and sync the spool; records not yet in
 *  the database stay spooled for the next start. */
void cdr_writer_stop(struct cdr_writer *w);

/*! Apply a changed connection string (reconnect) or start a writer first
 *  configured from the VTY. */
void cdr_writer_apply_cfg(struct cdr_writer *w);

/*! Records spooled but not yet committed to the database. */
uint64_t cdr_writer_queue_depth(const struct cdr_writer *w);

/*! Bytes of spool not yet committed to the database. */
uint64_t cdr_writer_spool_backlog(const struct cdr_writer *w);

/*! Drive the event loop until the spool is drained or @timeout_ms passes
 *  (benchmarks and shutdown).  \returns true when drained. */
bool cdr_writer_drain(struct cdr_writer *w, unsigned int timeout_ms);

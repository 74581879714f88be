/* The CDR spool: an append-only file of checksummed records on local disk.
 *
 * Every record is appended here before the database sees it, so a record
 * survives the database going away and tandemd being killed.  A small
 * position file says how far the database has committed; a replay after a
 * crash starts there and relies on the writer's idempotent insert.
 *
 * Frame: magic 0xCD 0x52, payload length (16 bit BE), CRC-32C (32 bit BE)
 * over the two length octets and the payload, then the payload.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CDR_SPOOL_HDR_LEN 8
/*! Largest payload a frame may carry; a larger length marks corruption. */
#define CDR_SPOOL_PAYLOAD_MAX 2048
#define CDR_SPOOL_FRAME_MAX (CDR_SPOOL_HDR_LEN + CDR_SPOOL_PAYLOAD_MAX)

/*! Called for each record read; return < 0 to declare the payload bad
 *  (it is then moved aside like a checksum failure). */
typedef int (*cdr_spool_rec_cb)(void *data, const uint8_t *payload, size_t len);

/*! Called when a corrupt region is moved aside to the .bad file. */
typedef void (*cdr_spool_bad_cb)(void *data, uint64_t off, uint64_t len, const char *why);

struct cdr_spool {
	int fd;
	int pos_fd;
	char *path;
	char *pos_path;		/* <path>.pos: committed offset */
	char *bad_path;		/* <path>.bad: corrupt regions, appended */
	uint64_t size;		/* end of file: only this process appends */
	uint64_t commit_off;	/* all records before this are in the database */
	uint64_t pending;	/* good records from commit_off to size */
	uint64_t bad_upto;	/* corrupt regions before this are already aside */
	uint64_t bad_last_off;	/* start of the last region moved aside */
	uint64_t bad_regions;	/* regions moved aside since open */
	uint64_t bad_bytes;
	bool dirty;		/* appended since the last sync */
	cdr_spool_bad_cb bad_cb;
	void *bad_cb_data;
	uint8_t *rbuf;
	size_t rbuf_size;
	/* fdatasync() can take tens of milliseconds: a syncer thread does it so
	 * that the event loop never waits for the disk */
	pthread_t syncer;
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	bool syncer_running, sync_req, sync_quit;
	int close_fd;		/* a rotated-out spool for the syncer to close */
	int sync_err;
};

/*! Frame @payload into @out (>= CDR_SPOOL_HDR_LEN + len).  \returns the
 *  frame length or -EINVAL when len is 0 or above CDR_SPOOL_PAYLOAD_MAX. */
int cdr_spool_frame(uint8_t *out, const uint8_t *payload, size_t len);

/*! Check the frame at @p with @avail bytes available.  \returns its total
 *  length, 0 when it is not a valid frame, -EAGAIN when more bytes are
 *  needed to decide.  @why says what was wrong. */
int cdr_spool_frame_check(const uint8_t *p, size_t avail, const char **why);

/*! Open (or create) the spool at @path, lock it against a second tandemd,
 *  read the committed position and scan the rest: pending records are
 *  counted, corrupt regions moved aside, a torn tail cut off.  @rec_cb
 *  validates each payload (NULL accepts all).  \returns 0 or negative errno
 *  (-EWOULDBLOCK when another process holds the spool). */
int cdr_spool_open(void *ctx, const char *path, cdr_spool_rec_cb rec_cb, cdr_spool_bad_cb bad_cb,
		   void *cb_data, struct cdr_spool **out);

/*! Close the spool (after a final sync) and free it. */
void cdr_spool_close(struct cdr_spool *sp);

/*! Append one record with a single write().  \returns 0 or negative errno;
 *  on failure the file is left as it was. */
int cdr_spool_append(struct cdr_spool *sp, const uint8_t *payload, size_t len);

/*! Hand up to @max good records starting at @off to @cb, moving corrupt
 *  regions aside.  *@end gets the offset after the last byte consumed.
 *  \returns the number of records handed over, or negative errno. */
int cdr_spool_read(struct cdr_spool *sp, uint64_t off, unsigned int max, cdr_spool_rec_cb cb,
		   void *data, uint64_t *end);

/*! Copy the region [@off, @off + @len) to the .bad file (once, however
 *  often it is met) and report it through the bad_cb. */
void cdr_spool_move_aside(struct cdr_spool *sp, uint64_t off, uint64_t len, const char *why);

/*! The database committed every record before @off (@n records): persist
 *  the position, and recycle the file once it is fully drained. */
int cdr_spool_commit(struct cdr_spool *sp, uint64_t off, unsigned int n);

/*! fdatasync() the spool now if records were appended since the last sync. */
int cdr_spool_sync(struct cdr_spool *sp);

/*! Have the syncer thread fdatasync() the spool if records were appended
 *  since the last sync; returns at once.  \returns 0, or the negative errno
 *  of an earlier background sync that failed. */
int cdr_spool_sync_async(struct cdr_spool *sp);

/*! Bytes not yet committed to the database. */
static inline uint64_t cdr_spool_backlog(const struct cdr_spool *sp)
{
	return sp->size - sp->commit_off;
}

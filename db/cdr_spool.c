/* The CDR spool file: append, read back with checksum checks, commit. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

#include "db/cdr_crc.h"
#include "db/cdr_spool.h"

#define SPOOL_MAGIC0 0xcd
#define SPOOL_MAGIC1 0x52
#define POS_MAGIC "CDRP"
#define POS_LEN 16
/* Recycle a drained spool only once it is this big, to save syscalls. */
#define SPOOL_RECYCLE_MIN (64 * 1024)
#define SPOOL_RBUF_SIZE (256 * 1024)

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int cdr_spool_frame(uint8_t *out, const uint8_t *payload, size_t len)
{
	uint32_t crc;

	if (len == 0 || len > CDR_SPOOL_PAYLOAD_MAX)
		return -EINVAL;
	out[0] = SPOOL_MAGIC0;
	out[1] = SPOOL_MAGIC1;
	out[2] = len >> 8;
	out[3] = len;
	memcpy(out + CDR_SPOOL_HDR_LEN, payload, len);
	crc = cdr_crc32c(0, out + 2, 2);
	crc = cdr_crc32c(crc, payload, len);
	put_be32(out + 4, crc);
	return CDR_SPOOL_HDR_LEN + len;
}

int cdr_spool_frame_check(const uint8_t *p, size_t avail, const char **why)
{
	size_t len;
	uint32_t crc;

	*why = NULL;
	if (avail < 2)
		return -EAGAIN;
	if (p[0] != SPOOL_MAGIC0 || p[1] != SPOOL_MAGIC1) {
		*why = "bad magic";
		return 0;
	}
	if (avail < CDR_SPOOL_HDR_LEN)
		return -EAGAIN;
	len = (size_t)p[2] << 8 | p[3];
	if (len == 0 || len > CDR_SPOOL_PAYLOAD_MAX) {
		*why = "bad length";
		return 0;
	}
	if (avail < CDR_SPOOL_HDR_LEN + len)
		return -EAGAIN;
	crc = cdr_crc32c(0, p + 2, 2);
	crc = cdr_crc32c(crc, p + CDR_SPOOL_HDR_LEN, len);
	if (crc != get_be32(p + 4)) {
		*why = "checksum mismatch";
		return 0;
	}
	return CDR_SPOOL_HDR_LEN + len;
}

static int write_all_at(int fd, const uint8_t *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = off < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

static int pos_write(struct cdr_spool *sp, uint64_t off)
{
	uint8_t b[POS_LEN];

	memcpy(b, POS_MAGIC, 4);
	put_be32(b + 4, off >> 32);
	put_be32(b + 8, off);
	put_be32(b + 12, cdr_crc32c(0, b, 12));
	/* A lost or stale position only replays records the database already
	 * has, which the idempotent insert ignores: no fsync needed here. */
	if (sp->pos_fd < 0) {
		sp->pos_fd = open(sp->pos_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
		if (sp->pos_fd < 0)
			return -errno;
	}
	return write_all_at(sp->pos_fd, b, sizeof(b), 0);
}

static uint64_t pos_read(struct cdr_spool *sp)
{
	uint8_t b[POS_LEN];
	int fd = open(sp->pos_path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n != POS_LEN || memcmp(b, POS_MAGIC, 4) || get_be32(b + 12) != cdr_crc32c(0, b, 12))
		return 0;
	return (uint64_t)get_be32(b + 4) << 32 | get_be32(b + 8);
}

/* Copy [off, off+len) to the .bad file, unless an earlier pass already did. */
void cdr_spool_move_aside(struct cdr_spool *sp, uint64_t off, uint64_t len, const char *why)
{
	uint64_t end = off + len;
	uint8_t tmp[4096];
	int fd;

	if (end <= sp->bad_upto)
		return;
	if (off < sp->bad_upto)
		off = sp->bad_upto;
	sp->bad_upto = end;
	sp->bad_last_off = off;
	sp->bad_regions++;
	sp->bad_bytes += end - off;
	if (sp->bad_cb)
		sp->bad_cb(sp->bad_cb_data, off, end - off, why);
	fd = open(sp->bad_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	while (off < end) {
		size_t n = end - off < sizeof(tmp) ? end - off : sizeof(tmp);
		ssize_t r = pread(sp->fd, tmp, n, off);

		if (r <= 0 || write_all_at(fd, tmp, r, -1) < 0)
			break;
		off += r;
	}
	close(fd);
}

/* Make rbuf hold the file from @off on; \returns bytes available. */
static ssize_t fill(struct cdr_spool *sp, uint64_t off)
{
	size_t want = sp->size - off < sp->rbuf_size ? sp->size - off : sp->rbuf_size;
	size_t got = 0;

	while (got < want) {
		ssize_t n = pread(sp->fd, sp->rbuf + got, want - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* Find the next valid frame after the bad byte at @off.  \returns its
 * offset, or sp->size when none follows. */
static int64_t resync(struct cdr_spool *sp, uint64_t off)
{
	uint64_t base = off + 1;

	while (base < sp->size) {
		ssize_t avail = fill(sp, base);
		size_t i;
		const char *why;

		if (avail <= 0)
			return avail < 0 ? avail : (int64_t)sp->size;
		for (i = 0; i < (size_t)avail; i++) {
			int rc;

			if (sp->rbuf[i] != SPOOL_MAGIC0)
				continue;
			rc = cdr_spool_frame_check(sp->rbuf + i, avail - i, &why);
			if (rc > 0)
				return base + i;
			if (rc == -EAGAIN && base + avail < sp->size)
				break;	/* re-read from here to see the whole frame */
		}
		if (i == 0)
			i = 1;
		base += i;
	}
	return sp->size;
}

int cdr_spool_read(struct cdr_spool *sp, uint64_t off, unsigned int max, cdr_spool_rec_cb cb,
		   void *data, uint64_t *end)
{
	unsigned int count = 0;

	while (count < max && off < sp->size) {
		ssize_t avail = fill(sp, off);
		size_t i = 0;

		if (avail <= 0) {
			*end = off;
			return avail < 0 ? avail : -EIO;
		}
		while (count < max && i < (size_t)avail) {
			const char *why;
			int rc = cdr_spool_frame_check(sp->rbuf + i, avail - i, &why);

			if (rc == -EAGAIN && off + i + (avail - i) < sp->size)
				break;	/* frame continues past the buffer: refill */
			if (rc > 0 && cb && cb(data, sp->rbuf + i + CDR_SPOOL_HDR_LEN,
					       rc - CDR_SPOOL_HDR_LEN) < 0) {
				why = "record does not decode";
				rc = 0;
			}
			if (rc <= 0) {
				int64_t next = resync(sp, off + i);

				if (next < 0) {
					*end = off + i;
					return next;
				}
				cdr_spool_move_aside(sp, off + i, next - (off + i),
						     rc == -EAGAIN ? "truncated record" : why);
				off = next;
				i = 0;
				avail = 0;
				break;
			}
			i += rc;
			count++;
		}
		off += i;
	}
	*end = off;
	return count;
}

static void *syncer_main(void *data)
{
	struct cdr_spool *sp = data;

	pthread_mutex_lock(&sp->sync_mu);
	for (;;) {
		int fd, close_fd;

		while (!sp->sync_req && !sp->sync_quit && sp->close_fd < 0)
			pthread_cond_wait(&sp->sync_cv, &sp->sync_mu);
		close_fd = sp->close_fd;
		sp->close_fd = -1;
		fd = sp->sync_req ? sp->fd : -1;
		sp->sync_req = false;
		if (sp->sync_quit && close_fd < 0)
			break;
		/* the main thread hands its fds over only under the mutex,
		 * and closes them only after joining this thread */
		pthread_mutex_unlock(&sp->sync_mu);
		if (close_fd >= 0)
			close(close_fd);
		if (fd >= 0 && fdatasync(fd) < 0) {
			int e = errno;

			pthread_mutex_lock(&sp->sync_mu);
			sp->sync_err = -e;
			continue;
		}
		pthread_mutex_lock(&sp->sync_mu);
	}
	pthread_mutex_unlock(&sp->sync_mu);
	return NULL;
}

int cdr_spool_sync_async(struct cdr_spool *sp)
{
	int err;

	pthread_mutex_lock(&sp->sync_mu);
	err = sp->sync_err;
	sp->sync_err = 0;
	if (sp->dirty) {
		if (!sp->syncer_running &&
		    pthread_create(&sp->syncer, NULL, syncer_main, sp) == 0)
			sp->syncer_running = true;
		if (sp->syncer_running) {
			sp->dirty = false;
			sp->sync_req = true;
			pthread_cond_signal(&sp->sync_cv);
		}
	}
	pthread_mutex_unlock(&sp->sync_mu);
	/* no thread to be had: sync here rather than not at all */
	if (sp->dirty && !sp->syncer_running)
		return cdr_spool_sync(sp);
	return err;
}

static int spool_destructor(struct cdr_spool *sp)
{
	if (sp->syncer_running) {
		pthread_mutex_lock(&sp->sync_mu);
		sp->sync_quit = true;
		pthread_cond_signal(&sp->sync_cv);
		pthread_mutex_unlock(&sp->sync_mu);
		pthread_join(sp->syncer, NULL);
	}
	pthread_mutex_destroy(&sp->sync_mu);
	pthread_cond_destroy(&sp->sync_cv);
	if (sp->fd >= 0) {
		if (sp->dirty)
			fdatasync(sp->fd);
		close(sp->fd);
	}
	if (sp->pos_fd >= 0)
		close(sp->pos_fd);
	return 0;
}

int cdr_spool_open(void *ctx, const char *path, cdr_spool_rec_cb rec_cb, cdr_spool_bad_cb bad_cb,
		   void *cb_data, struct cdr_spool **out)
{
	struct cdr_spool *sp = talloc_zero(ctx, struct cdr_spool);
	struct stat st;
	uint64_t end;
	int n, rc;

	if (!sp)
		return -ENOMEM;
	sp->fd = sp->pos_fd = sp->close_fd = -1;
	pthread_mutex_init(&sp->sync_mu, NULL);
	pthread_cond_init(&sp->sync_cv, NULL);
	talloc_set_destructor(sp, spool_destructor);
	sp->path = talloc_strdup(sp, path);
	sp->pos_path = talloc_asprintf(sp, "%s.pos", path);
	sp->bad_path = talloc_asprintf(sp, "%s.bad", path);
	sp->rbuf_size = SPOOL_RBUF_SIZE;
	sp->rbuf = talloc_size(sp, sp->rbuf_size);
	sp->bad_cb = bad_cb;
	sp->bad_cb_data = cb_data;
	if (!sp->path || !sp->pos_path || !sp->bad_path || !sp->rbuf) {
		rc = -ENOMEM;
		goto fail;
	}
	sp->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (sp->fd < 0) {
		rc = -errno;
		goto fail;
	}
	/* Two writers appending to one spool would interleave records and
	 * fight over the position file. */
	if (flock(sp->fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		goto fail;
	}
	if (fstat(sp->fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	sp->size = st.st_size;
	sp->commit_off = pos_read(sp);
	if (sp->commit_off > sp->size)
		sp->commit_off = 0;

	n = cdr_spool_read(sp, sp->commit_off, UINT32_MAX, rec_cb, cb_data, &end);
	if (n < 0) {
		rc = n;
		goto fail;
	}
	sp->pending = n;
	/* A torn last record (crash or power loss mid-write) is aside now; cut
	 * it off so that new records follow the last good one. */
	if (sp->bad_regions && sp->bad_upto == sp->size && sp->bad_last_off >= sp->commit_off) {
		if (ftruncate(sp->fd, sp->bad_last_off) == 0) {
			sp->size = sp->bad_last_off;
			sp->bad_upto = sp->size;
		}
	}
	*out = sp;
	return 0;
fail:
	talloc_free(sp);
	return rc;
}

void cdr_spool_close(struct cdr_spool *sp)
{
	talloc_free(sp);
}

int cdr_spool_append(struct cdr_spool *sp, const uint8_t *payload, size_t len)
{
	uint8_t frame[CDR_SPOOL_FRAME_MAX];
	int n = cdr_spool_frame(frame, payload, len);
	ssize_t w;

	if (n < 0)
		return n;
	/* One write() per record: once it returns, the record is in the page
	 * cache and survives a SIGKILL of tandemd; fsync covers power loss. */
	do {
		w = write(sp->fd, frame, n);
	} while (w < 0 && errno == EINTR);
	if (w != n) {
		int rc = w < 0 ? -errno : -ENOSPC;

		/* Leave no partial frame behind for the reader to trip over. */
		if (w > 0 && ftruncate(sp->fd, sp->size) < 0)
			rc = -EIO;
		return rc;
	}
	sp->size += n;
	sp->pending++;
	sp->dirty = true;
	return 0;
}

/* Start a fresh, empty spool file in place of the drained one.  Truncating
 * a big file frees its page cache right there (milliseconds for tens of
 * megabytes), so the new file is renamed over the old one instead and the
 * old descriptor is closed by the syncer thread. */
static int spool_rotate(struct cdr_spool *sp)
{
	char tmp[4200];
	int fd, old;

	snprintf(tmp, sizeof(tmp), "%s.new", sp->path);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || rename(tmp, sp->path) < 0) {
		int rc = -errno;

		close(fd);
		unlink(tmp);
		return rc;
	}
	/* A crash from here until the position is written finds a position
	 * beyond the new file's end, and starts it from 0. */
	pthread_mutex_lock(&sp->sync_mu);
	old = sp->fd;
	sp->fd = fd;
	if (sp->syncer_running && sp->close_fd < 0) {
		sp->close_fd = old;
		old = -1;
		pthread_cond_signal(&sp->sync_cv);
	}
	pthread_mutex_unlock(&sp->sync_mu);
	if (old >= 0)
		close(old);
	sp->size = sp->commit_off = sp->bad_upto = 0;
	sp->dirty = false;
	return pos_write(sp, 0);
}

int cdr_spool_commit(struct cdr_spool *sp, uint64_t off, unsigned int n)
{
	if (off > sp->size || off < sp->commit_off)
		return -EINVAL;
	sp->commit_off = off;
	sp->pending = sp->pending > n ? sp->pending - n : 0;
	if (off == sp->size) {
		sp->pending = 0;
		if (sp->size >= SPOOL_RECYCLE_MIN && spool_rotate(sp) == 0)
			return 0;
	}
	return pos_write(sp, off);
}

int cdr_spool_sync(struct cdr_spool *sp)
{
	if (!sp->dirty)
		return 0;
	sp->dirty = false;
	return fdatasync(sp->fd) < 0 ? -errno : 0;
}

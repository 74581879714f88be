/* Sofia-SIP inside the libosmocore select loop (see sip_loop.h for why). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <glib.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_glib.h>
#include <talloc.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "src/sip_loop.h"
#include "src/tandem_log.h"

/* One mirrored GLib poll fd. */
struct sip_loop_fd {
	struct osmo_fd ofd;
	bool seen;	/* still wanted in this iteration */
};

struct sip_loop {
	GMainContext *gctx;
	su_root_t *root;
	GSource *source;

	GPollFD *gfds;
	gint n_gfds;
	gint alloc_gfds;
	gint max_prio;

	struct sip_loop_fd **fds;
	unsigned int n_fds;
	unsigned int alloc_fds;

	struct osmo_timer_list wakeup;
};

static int sip_loop_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sip_loop *loop = ofd->data;
	gushort rev = 0;
	gint i;

	if (what & OSMO_FD_READ)
		rev |= G_IO_IN;
	if (what & OSMO_FD_WRITE)
		rev |= G_IO_OUT;
	if (what & OSMO_FD_EXCEPT)
		rev |= G_IO_PRI;

	/* Several GLib sources may poll one fd: report to each of them. */
	for (i = 0; i < loop->n_gfds; i++) {
		if (loop->gfds[i].fd == ofd->fd)
			loop->gfds[i].revents |= rev & (loop->gfds[i].events | G_IO_ERR | G_IO_HUP);
	}
	return 0;
}

static void sip_loop_wakeup_cb(void *data)
{
	/* Only here to end the select() when GLib's next timeout is due. */
}

static struct sip_loop_fd *sip_loop_fd_find(struct sip_loop *loop, int fd)
{
	unsigned int i;

	for (i = 0; i < loop->n_fds; i++) {
		if (loop->fds[i]->ofd.fd == fd)
			return loop->fds[i];
	}
	return NULL;
}

static int sip_loop_fd_add(struct sip_loop *loop, int fd, unsigned int when)
{
	struct sip_loop_fd *lfd;

	if (fd >= FD_SETSIZE) {
		/* libosmocore 1.7's loop is select()-based. */
		LOGP(DSIP, LOGL_ERROR, "Sofia fd %d is beyond FD_SETSIZE, cannot poll it\n", fd);
		return -EMFILE;
	}
	if (loop->n_fds == loop->alloc_fds) {
		unsigned int n = loop->alloc_fds ? loop->alloc_fds * 2 : 8;
		struct sip_loop_fd **fds = talloc_realloc(loop, loop->fds, struct sip_loop_fd *, n);

		if (!fds)
			return -ENOMEM;
		loop->fds = fds;
		loop->alloc_fds = n;
	}
	lfd = talloc_zero(loop, struct sip_loop_fd);
	if (!lfd)
		return -ENOMEM;
	osmo_fd_setup(&lfd->ofd, fd, when, sip_loop_fd_cb, loop, 0);
	if (osmo_fd_register(&lfd->ofd) < 0) {
		talloc_free(lfd);
		return -EIO;
	}
	lfd->seen = true;
	loop->fds[loop->n_fds++] = lfd;
	return 0;
}

/* Make the set of osmo_fds equal to GLib's current poll set. */
static void sip_loop_sync_fds(struct sip_loop *loop)
{
	unsigned int i;
	gint g;

	for (i = 0; i < loop->n_fds; i++) {
		loop->fds[i]->seen = false;
		loop->fds[i]->ofd.when = 0;
	}

	for (g = 0; g < loop->n_gfds; g++) {
		GPollFD *gfd = &loop->gfds[g];
		unsigned int when = 0;
		struct sip_loop_fd *lfd;

		gfd->revents = 0;
		if (gfd->events & G_IO_IN)
			when |= OSMO_FD_READ;
		if (gfd->events & G_IO_OUT)
			when |= OSMO_FD_WRITE;
		if (gfd->events & G_IO_PRI)
			when |= OSMO_FD_EXCEPT;

		lfd = sip_loop_fd_find(loop, gfd->fd);
		if (lfd) {
			lfd->seen = true;
			lfd->ofd.when |= when;
		} else {
			sip_loop_fd_add(loop, gfd->fd, when);
		}
	}

	for (i = 0; i < loop->n_fds;) {
		struct sip_loop_fd *lfd = loop->fds[i];

		if (lfd->seen) {
			i++;
			continue;
		}
		osmo_fd_unregister(&lfd->ofd);
		talloc_free(lfd);
		loop->fds[i] = loop->fds[--loop->n_fds];
	}
}

int sip_loop_iterate(struct sip_loop *loop, bool polling)
{
	gint timeout_ms = -1;
	gint n;
	int rc;

	g_main_context_prepare(loop->gctx, &loop->max_prio);
	for (;;) {
		n = g_main_context_query(loop->gctx, loop->max_prio, &timeout_ms, loop->gfds,
					 loop->alloc_gfds);
		if (n <= loop->alloc_gfds)
			break;
		loop->gfds = talloc_realloc(loop, loop->gfds, GPollFD, n);
		OSMO_ASSERT(loop->gfds);
		loop->alloc_gfds = n;
	}
	loop->n_gfds = n;
	sip_loop_sync_fds(loop);

	if (timeout_ms >= 0)
		osmo_timer_schedule(&loop->wakeup, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	else
		osmo_timer_del(&loop->wakeup);

	rc = osmo_select_main_ctx(polling ? 1 : 0);

	if (g_main_context_check(loop->gctx, loop->max_prio, loop->gfds, loop->n_gfds))
		g_main_context_dispatch(loop->gctx);
	return rc;
}

su_root_t *sip_loop_root(struct sip_loop *loop)
{
	return loop->root;
}

static int sip_loop_destructor(struct sip_loop *loop)
{
	unsigned int i;

	osmo_timer_del(&loop->wakeup);
	for (i = 0; i < loop->n_fds; i++)
		osmo_fd_unregister(&loop->fds[i]->ofd);
	loop->n_fds = 0;
	if (loop->root)
		su_root_destroy(loop->root);
	if (loop->gctx) {
		g_main_context_release(loop->gctx);
		g_main_context_unref(loop->gctx);
	}
	su_deinit();
	return 0;
}

struct sip_loop *sip_loop_alloc(void *ctx)
{
	struct sip_loop *loop = talloc_zero(ctx, struct sip_loop);

	if (!loop)
		return NULL;
	if (su_init() != 0) {
		talloc_free(loop);
		return NULL;
	}
	talloc_set_destructor(loop, sip_loop_destructor);

	loop->gctx = g_main_context_new();
	/* We are the only thread that ever runs this context. */
	g_main_context_acquire(loop->gctx);

	loop->root = su_glib_root_create(loop);
	if (!loop->root) {
		LOGP(DSIP, LOGL_ERROR, "su_glib_root_create() failed\n");
		talloc_free(loop);
		return NULL;
	}
	/* Without this, nua_create() starts its stack in a thread of its own
	 * with its own poll loop; we want every SIP event in our loop. */
	su_root_threading(loop->root, 0);
	loop->source = su_glib_root_gsource(loop->root);
	g_source_attach(loop->source, loop->gctx);

	loop->alloc_gfds = 16;
	loop->gfds = talloc_zero_array(loop, GPollFD, loop->alloc_gfds);
	osmo_timer_setup(&loop->wakeup, sip_loop_wakeup_cb, loop);
	return loop;
}

void sip_loop_free(struct sip_loop *loop)
{
	talloc_free(loop);
}

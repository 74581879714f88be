/* The tandemd application: set-up, the event loop and a clean shutdown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>

#include <talloc.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "db/cdr_writer.h"
#include "src/app.h"
#include "src/cc.h"
#include "src/cc_media.h"
#include "src/sip_agent.h"
#include "src/sip_loop.h"
#include "src/sip_trunk.h"
#include "src/ss7.h"
#include "src/tandem_log.h"
#include "src/tandem_vty.h"
#include "src/vty_config.h"

struct tandem_app *g_app;

static void tandem_talloc_report_line(const void *ptr, int depth, int max_depth, int is_ref,
				      void *priv)
{
	const char *name = talloc_get_name(ptr);

	if (is_ref)
		LOGP(DLGLOBAL, LOGL_NOTICE, "%*sreference to: %s\n", depth * 2, "", name);
	else
		LOGP(DLGLOBAL, LOGL_NOTICE, "%*s%s: %zu bytes in %zu blocks\n", depth * 2, "", name,
		     talloc_total_size(ptr), talloc_total_blocks(ptr));
}

static void tandem_signal_cb(struct osmo_signalfd *osfd, const struct signalfd_siginfo *fdsi)
{
	struct tandem_app *app = osfd->data;

	switch (fdsi->ssi_signo) {
	case SIGTERM:
	case SIGINT:
		LOGP(DLGLOBAL, LOGL_NOTICE, "signal %u received, shutting down\n", fdsi->ssi_signo);
		app->quit = true;
		break;
	case SIGUSR1:
		LOGP(DLGLOBAL, LOGL_NOTICE, "talloc report of %s:\n", talloc_get_name(app->ctx));
		talloc_report_depth_cb(app->ctx, 0, -1, tandem_talloc_report_line, NULL);
		break;
	}
}

int tandem_config_read(struct tandem_app *app, const char *file)
{
	int rc = tandem_vty_read_config("tandemd", file);

	if (rc == 0)
		app->config_file = file;
	return rc;
}

struct tandem_app *tandem_app_alloc(void *ctx)
{
	struct tandem_app *app = talloc_zero(ctx, struct tandem_app);

	if (!app)
		return NULL;
	app->ctx = ctx;
	g_app = app;
	clock_gettime(CLOCK_MONOTONIC, &app->started);

	msgb_talloc_ctx_init(ctx, 0);
	tandem_log_init(ctx);
	rate_ctr_init(ctx);
	osmo_stats_init(ctx);

	sip_log_init();
	app->loop = sip_loop_alloc(app);
	if (!app->loop)
		goto fail;
	app->sip = sip_agent_alloc(app, app->loop);
	if (!app->sip)
		goto fail;
	/* Found through g_cdr; tandemd records CDRs only with a cdr node. */
	if (!cdr_writer_alloc(app))
		goto fail;

	tandem_vty_init(ctx);
	/* after the VTY: call control installs its nodes */
	if (cc_init(app) < 0)
		goto fail;
	if (cc_media_init(app) < 0)
		goto fail;
	sip_trunk_vty_init();
	return app;
fail:
	talloc_free(app);
	g_app = NULL;
	return NULL;
}

int tandem_app_start(struct tandem_app *app)
{
	sigset_t set;
	int rc;

	/* Signals arrive through a signalfd, so they are handled in the loop
	 * like any other event rather than in an async handler. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (!osmo_signalfd_setup(app, set, tandem_signal_cb, app)) {
		fprintf(stderr, "tandemd: cannot set up signal handling\n");
		return -EIO;
	}
	signal(SIGPIPE, SIG_IGN);

	rc = telnet_init_default(app->ctx, NULL, TANDEM_VTY_PORT);
	if (rc < 0) {
		fprintf(stderr, "tandemd: cannot bind the VTY on %s:%d\n", vty_get_bind_addr(),
			vty_get_bind_port(TANDEM_VTY_PORT));
		return rc;
	}

	/* Before SIP: a database whose schema is too new refuses the start. */
	rc = cdr_writer_app_start(g_cdr);
	if (rc < 0)
		return rc;

	rc = ss7_start();
	if (rc < 0) {
		fprintf(stderr, "tandemd: cannot start the SS7 side (see the log)\n");
		return rc;
	}
	/* incoming IAMs go to call control */
	cc_start();

	rc = cc_media_start();
	if (rc < 0) {
		fprintf(stderr, "tandemd: cannot start media gateway control (see the log)\n");
		return rc;
	}

	rc = sip_agent_start(app->sip);
	if (rc < 0) {
		fprintf(stderr, "tandemd: cannot start the SIP agent on %s:%u\n",
			app->sip->cfg.local_addr, app->sip->cfg.local_port);
		return rc;
	}
	sip_trunk_start();
	return 0;
}

int tandem_app_run(struct tandem_app *app)
{
	while (!app->quit)
		sip_loop_iterate(app->loop, false);

	cc_stop();
	cc_media_stop();
	ss7_stop();
	sip_trunk_stop();
	sip_agent_stop(app->sip, 2000);
	sip_trunk_free_all();
	cdr_writer_stop(g_cdr);
	telnet_exit();
	LOGP(DLGLOBAL, LOGL_NOTICE, "tandemd stopped\n");
	return 0;
}

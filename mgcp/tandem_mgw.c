/* tandem-mgw: Tandem's MGCP-controlled media gateway.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>

#include <talloc.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "config.h"
#include "mgcp/mgw.h"
#include "src/cmdline.h"
#include "src/tandem_log.h"

static void signal_cb(struct osmo_signalfd *osfd, const struct signalfd_siginfo *fdsi)
{
	struct mgw *mgw = osfd->data;

	LOGP(DMGW, LOGL_NOTICE, "signal %u received, shutting down\n", fdsi->ssi_signo);
	mgw->quit = true;
}

static int mgw_main_run(struct mgw *mgw)
{
	sigset_t set;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (!osmo_signalfd_setup(mgw, set, signal_cb, mgw)) {
		fprintf(stderr, "tandem-mgw: cannot set up signal handling\n");
		return -EIO;
	}
	signal(SIGPIPE, SIG_IGN);
	rc = telnet_init_default(mgw->ctx, NULL, MGW_VTY_PORT);
	if (rc < 0) {
		fprintf(stderr, "tandem-mgw: cannot bind the VTY on %s:%d\n", vty_get_bind_addr(),
			vty_get_bind_port(MGW_VTY_PORT));
		return rc;
	}
	rc = mgw_start(mgw);
	if (rc < 0) {
		telnet_exit();
		return rc;
	}
	while (!mgw->quit)
		osmo_select_main_ctx(0);
	mgw_stop(mgw);
	telnet_exit();
	LOGP(DMGW, LOGL_NOTICE, "tandem-mgw stopped\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *config_file;
	struct mgw *mgw;
	void *ctx;
	int rc;

	rc = tandem_cmdline("tandem-mgw",
			    "Tandem's MGCP media gateway: rtpbridge endpoints, G.729 <-> G.711.", argc,
			    argv, &config_file);
	if (rc >= 0)
		return rc;

	ctx = talloc_named_const(NULL, 0, "tandem-mgw");
	msgb_talloc_ctx_init(ctx, 0);
	tandem_log_init(ctx);
	rate_ctr_init(ctx);
	osmo_stats_init(ctx);
	mgw = mgw_alloc(ctx);
	if (!mgw) {
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	mgw_vty_init(mgw);
	rc = mgw_config_read(mgw, config_file);
	if (rc == 0)
		rc = mgw_main_run(mgw);
	talloc_free(ctx);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* tandemd's VTY: the telnet CLI that holds the same commands as the config. */
#include <osmocom/core/fsm.h>
#include <osmocom/core/stats.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "config.h"
#include "db/cdr_vty.h"
#include "src/ss7.h"
#include "src/tandem_vty.h"

static struct vty_app_info tandem_vty_info = {
	.name = "tandemd",
	.version = PACKAGE_VERSION,
	.copyright = "Copyright (C) the Tandem authors\r\n"
		     "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>\r\n"
		     "This is free software: you are free to change and redistribute it.\r\n"
		     "There is NO WARRANTY, to the extent permitted by law.\r\n",
};

/* Called when any node is left; each subsystem acts on its own nodes. */
static int tandem_vty_go_parent(struct vty *vty)
{
	cdr_vty_go_parent(vty);
	ss7_vty_go_parent(vty);
	return sip_vty_go_parent(vty);
}

void tandem_vty_init(void *ctx)
{
	tandem_vty_info.tall_ctx = ctx;
	tandem_vty_info.go_parent_cb = tandem_vty_go_parent;
	vty_init(&tandem_vty_info);
	logging_vty_add_cmds();
	osmo_stats_vty_add_cmds();
	osmo_fsm_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	sip_vty_init();
	/* before the config is read: cs7 nodes and ISUP trunks */
	ss7_vty_init(ctx);
	cdr_vty_init();
}

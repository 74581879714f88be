/* Tandem's log categories. */
#include <osmocom/core/application.h>

#include "src/tandem_log.h"

static const struct log_info_cat tandem_log_cats[] = {
	[DSIP] = { .name = "DSIP", .description = "SIP agent and SIP messages",
		   .color = "\033[1;34m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DISUP] = { .name = "DISUP", .description = "ISUP messages and circuit procedures",
		    .color = "\033[1;32m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSS7] = { .name = "DSS7", .description = "M3UA/SIGTRAN transport",
		   .color = "\033[1;33m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DMGCP] = { .name = "DMGCP", .description = "Media gateway control (MGCP call agent, H.248 controller)",
		    .color = "\033[1;36m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DMGW] = { .name = "DMGW", .description = "Media gateway",
		   .color = "\033[1;35m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCDR] = { .name = "DCDR", .description = "Call detail records",
		   .color = "\033[0;33m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCC] = { .name = "DCC", .description = "Call control",
		  .color = "\033[0;32m", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DDB] = { .name = "DDB", .description = "Database connection",
		  .color = "\033[0;36m", .enabled = 1, .loglevel = LOGL_NOTICE },
};

const struct log_info tandem_log_info = {
	.cat = tandem_log_cats,
	.num_cat = ARRAY_SIZE(tandem_log_cats),
};

int tandem_log_init(void *ctx)
{
	return osmo_init_logging2(ctx, &tandem_log_info);
}

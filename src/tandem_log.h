/* Tandem's log categories, one per subsystem. */
#pragma once

#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

/*! Log categories; the order is the index into tandem_log_info's table. */
enum tandem_log_cat {
	DSIP,	/*!< SIP side (Sofia-SIP agent, SIP-I bodies on the wire) */
	DISUP,	/*!< ISUP messages and circuit procedures */
	DSS7,	/*!< M3UA / SIGTRAN transport */
	DMGCP,	/*!< media gateway control: MGCP call agent, H.248 controller */
	DMGW,	/*!< media gateway (tandem-mgw) */
	DCDR,	/*!< call detail records */
	DCC,	/*!< call control */
	DDB,	/*!< database connection */
};

extern const struct log_info tandem_log_info;

/*! Set up libosmocore logging with Tandem's categories under @ctx. */
int tandem_log_init(void *ctx);

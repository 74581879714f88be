/* The SIP side of tandemd: one Sofia-SIP nua agent. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

struct sip_loop;
struct rate_ctr_group;
struct nua_s;

/*! Which transports the agent listens on. */
enum sip_transport {
	SIP_TRANSPORT_UDP,
	SIP_TRANSPORT_TCP,
	SIP_TRANSPORT_UDP_TCP,
};
extern const struct value_string sip_transport_names[];

/*! Operator configuration of the SIP agent (the VTY "sip" node). */
struct sip_cfg {
	char *local_addr;
	uint16_t local_port;
	enum sip_transport transport;
};

/*! Rate counters of the SIP agent. */
enum sip_agent_ctr {
	SIP_CTR_REQ_IN,
	SIP_CTR_OPTIONS_IN,
	SIP_CTR_INVITE_IN,
	SIP_CTR_INVITE_REJECTED,
	SIP_CTR_REQ_REJECTED,
	SIP_CTR_ERROR,
	SIP_CTR_REBIND_FAILED,
};

struct sip_agent {
	struct sip_cfg cfg;
	struct sip_loop *loop;
	struct nua_s *nua;
	struct rate_ctr_group *ctrs;
	/* the bind we are running with, which lags cfg until a restart */
	struct sip_cfg running;
	char *running_url;
	bool shutdown_done;
	/* a rebind waits for nua's shutdown to finish */
	bool restart_pending;
	struct osmo_timer_list restart_timer;
};

/*! Allocate the agent with default configuration; not yet started. */
struct sip_agent *sip_agent_alloc(void *ctx, struct sip_loop *loop);

/*! Build the Sofia bind URL for @cfg into a talloc string under @ctx. */
char *sip_cfg_url(void *ctx, const struct sip_cfg *cfg);

/*! Create the nua agent and bind its transports; negative errno on failure. */
int sip_agent_start(struct sip_agent *sa);

/*! Route Sofia-SIP's internal log output into DSIP. */
void sip_log_init(void);

/*! Whether the configured bind differs from the one the agent runs on. */
bool sip_agent_cfg_pending(const struct sip_agent *sa);

/*! Apply a changed bind (address, port, transport) to the running agent:
 *  nua is shut down and started again on the new bind; if that fails the
 *  old bind is restored.  Returns true when a restart was started. */
bool sip_agent_apply_cfg(struct sip_agent *sa);

/*! Create a nua bound to @url with the agent's settings and event
 *  callback (the SIP trunks' own binds use it); NULL when it cannot bind. */
struct nua_s *sip_agent_nua_create(struct sip_agent *sa, const char *url);

/*! The nua whose event is being handled right now, for NUTAG_WITH_THIS()
 *  of an answer given inside the event; outside an event the agent's. */
struct nua_s *sip_agent_current_nua(void);

/*! Shut nua down, driving the loop until it is done or @timeout_ms passes. */
void sip_agent_stop(struct sip_agent *sa, unsigned int timeout_ms);

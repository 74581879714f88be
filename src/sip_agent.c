/* The SIP side of tandemd: one Sofia-SIP nua agent.
 *
 * The agent answers OPTIONS (trunk keepalives) and hands INVITEs and the
 * events of their dialogs to call control (src/cc_call.c).  With no route
 * configured, call control is off and INVITEs are refused with 503 cause
 * 41, so peers fail over instead of waiting.
 */
#include <errno.h>
#include <string.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>
#include <talloc.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "config.h"
#include "db/cdr_record.h"
#include "db/cdr_sip.h"
#include "db/cdr_writer.h"
#include "src/app.h"
#include "src/cc.h"
#include "src/sip_agent.h"
#include "src/sip_loop.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"

#define SIP_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, PRACK, UPDATE"
/* nua itself adds application/sdp to the Accept of every OPTIONS answer. */
#define SIP_ACCEPT "application/ISUP, multipart/mixed"
/* No session timers or reliable provisionals until call control does them. */
#define SIP_SUPPORTED ""

const struct value_string sip_transport_names[] = {
	{ SIP_TRANSPORT_UDP, "udp" },
	{ SIP_TRANSPORT_TCP, "tcp" },
	{ SIP_TRANSPORT_UDP_TCP, "udp-tcp" },
	{ 0, NULL }
};

static const struct rate_ctr_desc sip_agent_ctr_desc[] = {
	[SIP_CTR_REQ_IN] = { "request:in", "SIP requests received" },
	[SIP_CTR_OPTIONS_IN] = { "options:in", "OPTIONS requests received" },
	[SIP_CTR_INVITE_IN] = { "invite:in", "INVITE requests received" },
	[SIP_CTR_INVITE_REJECTED] = { "invite:rejected", "INVITEs refused (no call control)" },
	[SIP_CTR_REQ_REJECTED] = { "request:rejected", "Requests refused as not allowed" },
	[SIP_CTR_ERROR] = { "error", "Errors reported by the SIP stack" },
	[SIP_CTR_REBIND_FAILED] = { "rebind:failed", "Bind changes that failed and were rolled back" },
};

static const struct rate_ctr_group_desc sip_agent_ctrg_desc = {
	.group_name_prefix = "sip",
	.group_description = "SIP agent",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(sip_agent_ctr_desc),
	.ctr_desc = sip_agent_ctr_desc,
};

char *sip_cfg_url(void *ctx, const struct sip_cfg *cfg)
{
	const char *addr = cfg->local_addr ? cfg->local_addr : "127.0.0.1";
	bool v6 = strchr(addr, ':') != NULL;
	const char *tp = "";

	if (cfg->transport == SIP_TRANSPORT_UDP)
		tp = ";transport=udp";
	else if (cfg->transport == SIP_TRANSPORT_TCP)
		tp = ";transport=tcp";
	return talloc_asprintf(ctx, "sip:%s%s%s:%u%s", v6 ? "[" : "", addr, v6 ? "]" : "",
			       cfg->local_port, tp);
}

static void sip_agent_restart_cb(void *data);

static void sip_agent_ctr_inc(struct sip_agent *sa, enum sip_agent_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(sa->ctrs, c));
}

static void sip_agent_on_invite(struct sip_agent *sa, nua_t *nua, nua_handle_t *nh, sip_t const *sip)
{
	sip_agent_ctr_inc(sa, SIP_CTR_INVITE_IN);
	if (sip && cc_sip_invite(nua, nh, sip) == 0)
		return;
	/* No route configured at all: call control is off, refuse as before. */
	sip_agent_ctr_inc(sa, SIP_CTR_INVITE_REJECTED);
	LOGP(DSIP, LOGL_NOTICE, "INVITE %s (Call-ID %s): no routes configured, answering 503\n",
	     sip && sip->sip_request ? sip->sip_request->rq_url->url_user ?: "" : "",
	     sip && sip->sip_call_id ? sip->sip_call_id->i_id : "?");
	/* Spooled before the answer leaves: every 503 a peer sees is billed. */
	cdr_sip_refused(g_cdr, nua, sip, 41, CDR_LOC_TRANSIT);
	nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR("30"),
		    SIPTAG_REASON_STR("Q.850;cause=41;text=\"Temporary failure\""), TAG_END());
}

/* The nua whose event sip_agent_cb() is handling: the agent's own or a
 * SIP trunk's bind (src/sip_trunk_bind.c); they share the callback. */
static nua_t *sip_agent_event_nua;

nua_t *sip_agent_current_nua(void)
{
	if (sip_agent_event_nua)
		return sip_agent_event_nua;
	return g_app && g_app->sip ? g_app->sip->nua : NULL;
}

static void sip_agent_handle(nua_event_t event, int status, char const *phrase, nua_t *nua,
			     struct sip_agent *sa, nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip,
			     tagi_t tags[])
{
	/* OPTIONS keepalives of the SIP trunks (their own handles) */
	/* keepalive handles carry no hmagic: calls' events skip the trunk scan */
	if (!hmagic && sip_trunk_nua_event(event, status, phrase, nh, sip))
		return;
	if (nua_event_is_incoming_request(event))
		sip_agent_ctr_inc(sa, SIP_CTR_REQ_IN);

	/* Events of a call's dialog belong to call control (hmagic = its SIP leg). */
	if (hmagic) {
		int cs = nua_callstate_init;

		if (event == nua_i_state)
			tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
		if (cc_sip_event(event, status, phrase, nh, hmagic, sip, cs))
			return;
	}

	switch (event) {
	case nua_i_options:
		/* We answer OPTIONS ourselves (NUTAG_APPL_METHOD) so that the
		 * capabilities advertised are exactly ours; the request made a
		 * handle that nobody else will free. */
		sip_agent_ctr_inc(sa, SIP_CTR_OPTIONS_IN);
		nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), SIPTAG_ALLOW_STR(SIP_ALLOW),
			    SIPTAG_ACCEPT_STR(SIP_ACCEPT), TAG_END());
		LOGP(DSIP, LOGL_INFO, "OPTIONS from %s answered 200\n",
		     sip && sip->sip_from ? sip->sip_from->a_url->url_host : "?");
		if (!hmagic)
			nua_handle_destroy(nh);
		break;
	case nua_i_invite:
		sip_agent_on_invite(sa, nua, nh, sip);
		break;
	case nua_i_state: {
		int cs = nua_callstate_init;

		tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
		if (cs == nua_callstate_terminated && !hmagic)
			nua_handle_destroy(nh);
		break;
	}
	case nua_i_terminated:
		break;
	case nua_r_shutdown:
		if (status < 200)
			break;
		/* a SIP trunk's own bind going away */
		if (nua != sa->nua) {
			sip_trunk_bind_shutdown_done(nua);
			break;
		}
		sa->shutdown_done = true;
		/* nua may not be destroyed from inside its own callback. */
		if (sa->restart_pending)
			osmo_timer_schedule(&sa->restart_timer, 0, 0);
		break;
	case nua_i_error:
		sip_agent_ctr_inc(sa, SIP_CTR_ERROR);
		LOGP(DSIP, LOGL_ERROR, "nua error %d %s\n", status, phrase);
		break;
	case nua_i_info:
		/* INFO belongs to a call's dialog (RFC 6086 4.2.2); nua leaves
		 * INFO to us, so one that no call took is answered here */
		sip_agent_ctr_inc(sa, SIP_CTR_REQ_REJECTED);
		nua_respond(nh, SIP_481_NO_TRANSACTION, NUTAG_WITH_THIS(nua), TAG_END());
		if (!hmagic)
			nua_handle_destroy(nh);
		break;
	case nua_i_bye:
	case nua_i_cancel:
	case nua_i_ack:
	case nua_i_active:
	case nua_i_prack:
		break;
	default:
		if (nua_event_is_incoming_request(event)) {
			/* Out-of-dialog requests we do not serve: refuse, and free
			 * the handle nua made for them. */
			sip_agent_ctr_inc(sa, SIP_CTR_REQ_REJECTED);
			if (status < 200)
				nua_respond(nh, SIP_405_METHOD_NOT_ALLOWED, SIPTAG_ALLOW_STR(SIP_ALLOW),
					    TAG_END());
			if (!hmagic)
				nua_handle_destroy(nh);
		} else {
			LOGP(DSIP, LOGL_DEBUG, "event %s %d %s\n", nua_event_name(event), status,
			     phrase ?: "");
		}
		break;
	}
}

/* Every nua of the process reports here. */
static void sip_agent_cb(nua_event_t event, int status, char const *phrase, nua_t *nua,
			 nua_magic_t *magic, nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip,
			 tagi_t tags[])
{
	nua_t *outer = sip_agent_event_nua;

	sip_agent_event_nua = nua;
	sip_agent_handle(event, status, phrase, nua, (struct sip_agent *)magic, nh, hmagic, sip, tags);
	sip_agent_event_nua = outer;
}

struct sip_agent *sip_agent_alloc(void *ctx, struct sip_loop *loop)
{
	struct sip_agent *sa = talloc_zero(ctx, struct sip_agent);

	if (!sa)
		return NULL;
	sa->loop = loop;
	sa->cfg.local_addr = talloc_strdup(sa, "127.0.0.1");
	sa->cfg.local_port = 5060;
	sa->cfg.transport = SIP_TRANSPORT_UDP_TCP;
	osmo_timer_setup(&sa->restart_timer, sip_agent_restart_cb, sa);
	sa->ctrs = rate_ctr_group_alloc(sa, &sip_agent_ctrg_desc, 0);
	if (!sa->ctrs) {
		talloc_free(sa);
		return NULL;
	}
	return sa;
}

static bool sip_cfg_equal(const struct sip_cfg *a, const struct sip_cfg *b)
{
	return a->local_port == b->local_port && a->transport == b->transport &&
	       strcmp(a->local_addr ?: "", b->local_addr ?: "") == 0;
}

static void sip_agent_restart_cb(void *data)
{
	struct sip_agent *sa = data;

	sa->restart_pending = false;
	nua_destroy(sa->nua);
	sa->nua = NULL;
	if (sip_agent_start(sa) == 0)
		return;
	sip_agent_ctr_inc(sa, SIP_CTR_REBIND_FAILED);
	LOGP(DSIP, LOGL_ERROR, "cannot rebind the SIP agent; restoring %s\n", sa->running_url);
	osmo_talloc_replace_string(sa, &sa->cfg.local_addr, sa->running.local_addr);
	sa->cfg.local_port = sa->running.local_port;
	sa->cfg.transport = sa->running.transport;
	if (sip_agent_start(sa) < 0)
		LOGP(DSIP, LOGL_ERROR, "cannot restore the SIP agent on %s\n", sa->running_url);
}

bool sip_agent_cfg_pending(const struct sip_agent *sa)
{
	return sa->nua && !sip_cfg_equal(&sa->cfg, &sa->running);
}

bool sip_agent_apply_cfg(struct sip_agent *sa)
{
	if (sa->restart_pending || !sip_agent_cfg_pending(sa))
		return false;
	LOGP(DSIP, LOGL_NOTICE, "SIP bind changed, restarting the agent\n");
	sa->restart_pending = true;
	nua_shutdown(sa->nua);
	return true;
}

nua_t *sip_agent_nua_create(struct sip_agent *sa, const char *url)
{
	/* every nua of the process: one callback, one set of capabilities */
	return nua_create(sip_loop_root(sa->loop), sip_agent_cb, (nua_magic_t *)sa, NUTAG_URL(url),
			  NUTAG_AUTOACK(0), NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0),
			  NUTAG_MEDIA_ENABLE(0), NUTAG_ENABLEMESSAGE(0), NUTAG_ENABLEINVITE(1),
			  SIPTAG_ALLOW_STR(SIP_ALLOW), SIPTAG_ACCEPT_STR(SIP_ACCEPT),
			  SIPTAG_SUPPORTED_STR(SIP_SUPPORTED), NUTAG_APPL_METHOD("OPTIONS"), NUTAG_APPL_METHOD("UPDATE"),
			  NUTAG_APPL_METHOD("INFO"),
			  SIPTAG_USER_AGENT_STR("Tandem/" PACKAGE_VERSION), TAG_END());
}

int sip_agent_start(struct sip_agent *sa)
{
	char *url = sip_cfg_url(sa, &sa->cfg);

	sa->nua = sip_agent_nua_create(sa, url);
	if (!sa->nua) {
		LOGP(DSIP, LOGL_ERROR, "cannot start SIP agent on %s\n", url);
		talloc_free(url);
		return -EADDRNOTAVAIL;
	}
	talloc_free(sa->running_url);
	sa->running_url = url;
	osmo_talloc_replace_string(sa, &sa->running.local_addr, sa->cfg.local_addr);
	sa->running.local_port = sa->cfg.local_port;
	sa->running.transport = sa->cfg.transport;
	sa->shutdown_done = false;
	LOGP(DSIP, LOGL_NOTICE, "SIP agent listening on %s\n", url);
	return 0;
}

static void sip_agent_stop_timeout_cb(void *data)
{
	bool *expired = data;

	*expired = true;
}

void sip_agent_stop(struct sip_agent *sa, unsigned int timeout_ms)
{
	struct osmo_timer_list deadline = {};
	bool expired = false;

	osmo_timer_del(&sa->restart_timer);
	sa->restart_pending = false;
	if (!sa->nua)
		return;
	nua_shutdown(sa->nua);
	/* nua finishes its transactions asynchronously: keep the loop going,
	 * but never longer than the caller allows. */
	osmo_timer_setup(&deadline, sip_agent_stop_timeout_cb, &expired);
	osmo_timer_schedule(&deadline, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	while (!sa->shutdown_done && !expired)
		sip_loop_iterate(sa->loop, false);
	osmo_timer_del(&deadline);
	if (!sa->shutdown_done)
		LOGP(DSIP, LOGL_NOTICE, "SIP agent shutdown timed out after %u ms\n", timeout_ms);
	nua_destroy(sa->nua);
	sa->nua = NULL;
}

/* The media of one call: the circuit side and the SIP side on the
 * trunk's gateway, asked for through the gateway's protocol
 * (src/cc_media_mgcp.c, src/cc_media_h248.c), and the SDP the SIP peer
 * sees.  The contract is src/cc_media.h.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>

#include "isup/q764.h"
#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/ss7.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/* Q.850 causes of a media failure. */
#define CC_MEDIA_CAUSE_RESOURCE 47
#define CC_MEDIA_CAUSE_TEMP_FAILURE 41

const struct value_string cc_media_state_names[] = {
	{ CC_MEDIA_NONE, "NONE" },
	{ CC_MEDIA_CREATING, "CREATING" },
	{ CC_MEDIA_READY, "READY" },
	{ CC_MEDIA_MODIFYING, "MODIFYING" },
	{ CC_MEDIA_FAILED, "FAILED" },
	{ CC_MEDIA_RELEASED, "RELEASED" },
	{ 0, NULL }
};

static const struct osmo_fsm_state cc_media_fsm_states[] = {
	[CC_MEDIA_NONE] = { .name = "NONE",
			    .out_state_mask = S(CC_MEDIA_CREATING) | S(CC_MEDIA_FAILED) | S(CC_MEDIA_RELEASED) },
	[CC_MEDIA_CREATING] = { .name = "CREATING",
				.out_state_mask = S(CC_MEDIA_READY) | S(CC_MEDIA_FAILED) | S(CC_MEDIA_RELEASED) },
	[CC_MEDIA_READY] = { .name = "READY",
			     .out_state_mask = S(CC_MEDIA_MODIFYING) | S(CC_MEDIA_FAILED) | S(CC_MEDIA_RELEASED) },
	[CC_MEDIA_MODIFYING] = { .name = "MODIFYING",
				 .out_state_mask = S(CC_MEDIA_READY) | S(CC_MEDIA_FAILED) | S(CC_MEDIA_RELEASED) },
	[CC_MEDIA_FAILED] = { .name = "FAILED", .out_state_mask = S(CC_MEDIA_RELEASED) },
	[CC_MEDIA_RELEASED] = { .name = "RELEASED" },
};

/* Responses arrive through the call agent's callbacks, which change the
 * state directly: the FSM checks the transitions and logs them, and the
 * ops are called outside of any FSM dispatch, so that call control may
 * free the call from inside them. */
static const struct value_string cc_media_fsm_event_names[] = {
	{ 0, NULL }
};

static struct osmo_fsm cc_media_fsm = {
	.event_names = cc_media_fsm_event_names,
	.name = "CC_MEDIA",
	.states = cc_media_fsm_states,
	.num_states = ARRAY_SIZE(cc_media_fsm_states),
	.log_subsys = DMGCP,
};

static void cc_media_state_chg(struct cc_media *m, enum cc_media_state st)
{
	osmo_fsm_inst_state_chg(m->fi, st, 0, 0);
}

enum cc_media_state cc_media_state(const struct cc_media *m)
{
	return m->fi->state;
}

const char *cc_media_codec(const struct cc_media *m)
{
	return m->codec == MGCP_CODEC_NONE ? "" : mgcp_codecs[m->codec].name;
}

const char *cc_media_endpoint(const struct cc_media *m)
{
	return m->endpoint;
}

/* The mode of the gateway's connection for a peer's SDP direction: what
 * the peer only sends, the gateway only receives (RFC 3264 6.1). */
static enum mgcp_conn_mode cc_media_conn_mode(enum mgcp_sdp_dir peer)
{
	switch (peer) {
	case MGCP_SDP_DIR_SENDONLY:
		return MGCP_MODE_RECVONLY;
	case MGCP_SDP_DIR_RECVONLY:
		return MGCP_MODE_SENDONLY;
	case MGCP_SDP_DIR_INACTIVE:
		return MGCP_MODE_INACTIVE;
	default:
		return MGCP_MODE_SENDRECV;
	}
}

/* Whether the gateway's configured codecs (all when none) include @c. */
static bool cc_media_gw_has_codec(const struct cc_media *m, enum mgcp_codec c)
{
	const struct mgcp_ca_cfg *cfg = &m->gw->ca->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_codecs; i++)
		if (cfg->codecs[i] == c)
			return true;
	return cfg->n_codecs == 0;
}

unsigned int cc_media_call_codecs(const struct cc_media *m, enum mgcp_codec *out)
{
	unsigned int i, n = 0;

	if (m->have_neg) {
		out[0] = m->neg.codec;
		return 1;
	}
	for (i = 0; i < m->n_codecs; i++) {
		enum mgcp_codec c = cc_media_sip_codec(m->codecs[i]);

		if (c != MGCP_CODEC_NONE && c != MGCP_CODEC_TELEPHONE_EVENT && cc_media_gw_has_codec(m, c))
			out[n++] = c;
	}
	return n;
}

/* ---- outcomes ---- */

static void cc_media_fail(struct cc_media *m, uint8_t cause, bool delete_conns)
{
	const struct cc_media_ops *ops = m->ops;

	cc_media_gw_ctr(m->gw, MGCP_CA_CTR_MEDIA_FAIL);
	if (delete_conns)
		m->gw->pops->release(m);
	else
		m->gw->pops->forget(m);
	cc_media_state_chg(m, CC_MEDIA_FAILED);
	LOGPFSML(m->fi, LOGL_ERROR, "media failed on %s, cause %u\n", m->endpoint, cause);
	m->ops = NULL;
	/* last: call control may free the call (and m) in there */
	if (ops && ops->failed)
		ops->failed(m, m->priv, cause);
}

void cc_media_gw_created(struct cc_media *m, int rc, const struct mgcp_sdp *local)
{
	const struct cc_media_ops *ops;
	const char *sdp;

	if (rc < 0 || !local) {
		cc_media_fail(m, CC_MEDIA_CAUSE_RESOURCE, true);
		return;
	}
	m->local = *local;
	/* later SDPs of the call keep this id and raise the version */
	if (!m->local.sess_id)
		m->local.sess_id = time(NULL);
	talloc_free(m->local_sdp);
	if (m->offer)
		m->local_sdp = cc_media_sdp_answer(m, m->offer, &m->neg, &m->local);
	else
		m->local_sdp = cc_media_sdp_offer(m, &m->local, m->codecs, m->n_codecs);
	if (!m->local_sdp) {
		cc_media_fail(m, CC_MEDIA_CAUSE_RESOURCE, true);
		return;
	}
	m->awaiting_answer = !m->offer;
	if (m->offer)
		m->codec = m->neg.codec;
	cc_media_state_chg(m, CC_MEDIA_READY);
	ops = m->ops;
	sdp = m->local_sdp;
	if (ops && ops->ready)
		ops->ready(m, m->priv, sdp);
}

/* Whether a new offer changes only the direction of the media. */
static bool cc_media_same_media(const struct cc_media_neg *a, const struct cc_media_neg *b)
{
	return a->codec == b->codec && a->pt == b->pt && a->remote.port == b->remote.port &&
	       !strcmp(a->remote.addr, b->remote.addr);
}

/* The gateway's answer to the modification for a mid-call offer. */
static void cc_media_reoffer_done(struct cc_media *m, bool ok, unsigned int code, const struct mgcp_sdp *local)
{
	const struct cc_media_ops *ops = m->ops;
	char *answer = NULL;

	cc_media_state_chg(m, CC_MEDIA_READY);
	if (!ok && m->have_neg && cc_media_same_media(&m->reneg, &m->neg)) {
		/* RFC 3435 2.3.6 (and H.248.1: a failed command changes
		 * nothing): a call that cannot be held is still a call */
		LOGPFSML(m->fi, LOGL_NOTICE, "direction change refused (%u), connection unchanged\n", code);
		ok = true;
	} else if (ok) {
		m->neg = m->reneg;
		m->have_neg = true;
		m->codec = m->neg.codec;
		/* the gateway may have moved its end */
		if (local && local->has_media && local->addr[0]) {
			osmo_strlcpy(m->local.addr, local->addr, sizeof(m->local.addr));
			m->local.port = local->port;
			m->local.ipv6 = local->ipv6;
		}
	}
	if (ok) {
		m->local.sess_version++;
		answer = cc_media_sdp_answer(m, m->reoffer, &m->reneg, &m->local);
		if (answer) {
			talloc_free(m->local_sdp);
			m->local_sdp = answer;
		}
	} else {
		LOGPFSML(m->fi, LOGL_NOTICE, "new SIP offer refused by the gateway (%u)\n", code);
	}
	TALLOC_FREE(m->reoffer);
	/* last: call control may free the call (and m) in there */
	if (ops && ops->modified)
		ops->modified(m, m->priv, answer ? 0 : -EIO, answer);
}

void cc_media_gw_modified(struct cc_media *m, int rc, unsigned int code, const struct mgcp_sdp *local)
{
	/* no answer at all: the gateway is gone, and so is the call's media */
	if (m->reoffer && (rc == 0 || rc == -EPROTO)) {
		cc_media_reoffer_done(m, rc == 0, code, local);
		return;
	}
	if (m->mode_only && rc == -EPROTO) {
		/* RFC 3435 2.3.6: a refused MDCX leaves the connection as it was,
		 * and a call that cannot be held is still a call */
		LOGPFSML(m->fi, LOGL_NOTICE, "direction change refused (%u), connection unchanged\n", code);
		cc_media_state_chg(m, CC_MEDIA_READY);
		return;
	}
	if (rc < 0) {
		cc_media_fail(m, CC_MEDIA_CAUSE_RESOURCE, true);
		return;
	}
	cc_media_state_chg(m, CC_MEDIA_READY);
}

void cc_media_gw_dtmf(struct cc_media *m, char digit)
{
	enum cc_media_state st = cc_media_state(m);

	/* a digit of media being released, or that failed, goes nowhere */
	if (st != CC_MEDIA_READY && st != CC_MEDIA_MODIFYING)
		return;
	LOGPFSML(m->fi, LOGL_INFO, "DTMF %c from the gateway\n", digit);
	if (m->ops && m->ops->dtmf)
		m->ops->dtmf(m, m->priv, digit);
}

/* ---- the contract ---- */

static int cc_media_destructor(struct cc_media *m)
{
	cc_media_release(m);
	osmo_fsm_inst_free(m->fi);
	return 0;
}

struct cc_media *cc_media_alloc(void *ctx, const char *gw_name, const char *endpoint_pattern, uint16_t cic,
				const struct cc_media_ops *ops, void *priv, int *err)
{
	struct cc_media_gw *gw = cc_media_gw_find(gw_name);
	char ep[MGCP_ENDPOINT_MAX + 1];
	struct cc_media *m;
	int rc;

	if (!gw) {
		*err = -ENOENT;
		return NULL;
	}
	if (!gw->pops->usable(gw)) {
		cc_media_gw_ctr(gw, MGCP_CA_CTR_MEDIA_REFUSED);
		*err = -ENETDOWN;
		return NULL;
	}
	rc = gw->pops->endpoint(endpoint_pattern, cic, ep, sizeof(ep));
	if (rc < 0) {
		*err = rc == -EINVAL ? -EINVAL : -ENOSPC;
		return NULL;
	}
	m = talloc_zero(ctx, struct cc_media);
	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	m->fi = osmo_fsm_inst_alloc(&cc_media_fsm, m, m, LOGL_DEBUG, NULL);
	if (!m->fi) {
		talloc_free(m);
		*err = -ENOMEM;
		return NULL;
	}
	osmo_fsm_inst_update_id_f(m->fi, "%s-cic%u", gw->ca->cfg.name, cic);
	m->gw = gw;
	m->ops = ops;
	m->priv = priv;
	osmo_strlcpy(m->endpoint, ep, sizeof(m->endpoint));
	llist_add_tail(&m->list, &gw->users);
	talloc_set_destructor(m, cc_media_destructor);
	*err = 0;
	return m;
}

/*! Name the media after its call in the log ("call-17"). */
void cc_media_set_name(struct cc_media *m, const char *name)
{
	osmo_fsm_inst_update_id(m->fi, name);
}

static int cc_media_set_codecs(struct cc_media *m, const int *codecs, unsigned int n)
{
	unsigned int i;

	if (n > CC_MEDIA_CODECS_MAX)
		n = CC_MEDIA_CODECS_MAX;
	m->n_codecs = 0;
	for (i = 0; i < n; i++)
		if (cc_media_sip_codec(codecs[i]) != MGCP_CODEC_NONE)
			m->codecs[m->n_codecs++] = codecs[i];
	return m->n_codecs ? 0 : -ENOTSUP;
}

static int cc_media_begin(struct cc_media *m)
{
	int rc;

	rc = m->gw->pops->create(m);
	if (rc < 0)
		return rc == -ENOSPC ? -EBUSY : rc;
	cc_media_state_chg(m, CC_MEDIA_CREATING);
	return 0;
}

/* Read the peer's SDP (what: "SIP offer"...); a refusal is counted and logged. */
static int cc_media_negotiate(struct cc_media *m, const char *sdp, const int *codecs, unsigned int n,
			      struct cc_media_neg *neg, const char *what)
{
	int rc = cc_media_sdp_negotiate(sdp, codecs, n, neg);

	if (rc < 0) {
		if (rc == -ENOTSUP)
			cc_media_gw_ctr(m->gw, MGCP_CA_CTR_MEDIA_NO_CODEC);
		LOGPFSML(m->fi, LOGL_NOTICE, "%s refused: %s\n", what,
			 rc == -ENOTSUP ? "no common codec" : "unusable SDP");
	}
	return rc;
}

int cc_media_answer_offer(struct cc_media *m, const char *remote_sdp, const int *codecs, unsigned int num_codecs)
{
	int rc;

	if (m->fi->state != CC_MEDIA_NONE)
		return -EALREADY;
	if (cc_media_set_codecs(m, codecs, num_codecs) < 0) {
		cc_media_gw_ctr(m->gw, MGCP_CA_CTR_MEDIA_NO_CODEC);
		return -ENOTSUP;
	}
	rc = cc_media_negotiate(m, remote_sdp, m->codecs, m->n_codecs, &m->neg, "SIP offer");
	if (rc < 0)
		return rc;
	m->have_neg = true;
	m->offer = talloc_strdup(m, remote_sdp);
	if (!m->offer)
		return -ENOMEM;
	return cc_media_begin(m);
}

int cc_media_make_offer(struct cc_media *m, const int *codecs, unsigned int num_codecs)
{
	if (m->fi->state != CC_MEDIA_NONE)
		return -EALREADY;
	if (cc_media_set_codecs(m, codecs, num_codecs) < 0)
		return -ENOTSUP;
	return cc_media_begin(m);
}

/* Modify the SIP side: @mode, and with @neg the peer's address, port and codec. */
static int cc_media_mdcx(struct cc_media *m, enum mgcp_conn_mode mode, const struct cc_media_neg *neg)
{
	int rc;

	if (m->fi->state != CC_MEDIA_READY)
		return -EBUSY;
	rc = m->gw->pops->modify(m, mode, neg);
	if (rc < 0)
		return rc == -ENOSPC ? -EBUSY : rc;
	m->mode_only = !neg;
	cc_media_state_chg(m, CC_MEDIA_MODIFYING);
	return 0;
}

int cc_media_set_answer(struct cc_media *m, const char *remote_sdp)
{
	struct cc_media_neg neg;
	int rc;

	if ((m->offer && !m->awaiting_answer) || m->fi->state != CC_MEDIA_READY)
		return -EBUSY;
	rc = cc_media_negotiate(m, remote_sdp, m->codecs, m->n_codecs, &neg, "SIP answer");
	if (rc < 0)
		return rc;
	m->neg = neg;
	m->have_neg = true;
	m->codec = neg.codec;
	m->awaiting_answer = false;
	return cc_media_mdcx(m, cc_media_conn_mode(neg.remote.dir), &neg);
}

/* The codecs of a new offer, in order: the current one first, so that a
 * re-INVITE that still lists it does not change the codec. */
static unsigned int cc_media_reoffer_codecs(const struct cc_media *m, int *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n_codecs; i++)
		if (m->have_neg && cc_media_sip_codec(m->codecs[i]) == m->neg.codec)
			out[n++] = m->codecs[i];
	for (i = 0; i < m->n_codecs; i++)
		if (!m->have_neg || cc_media_sip_codec(m->codecs[i]) != m->neg.codec)
			out[n++] = m->codecs[i];
	return n;
}

int cc_media_reoffer(struct cc_media *m, const char *remote_sdp)
{
	int codecs[CC_MEDIA_CODECS_MAX];
	unsigned int n;
	int rc;

	if (m->fi->state != CC_MEDIA_READY)
		return -EBUSY;
	n = cc_media_reoffer_codecs(m, codecs);
	rc = cc_media_negotiate(m, remote_sdp, codecs, n, &m->reneg, "new SIP offer");
	if (rc < 0)
		return rc;
	if (m->have_neg && (!strcmp(m->reneg.remote.addr, "0.0.0.0") || !strcmp(m->reneg.remote.addr, "::"))) {
		/* RFC 3264 8.4: the RFC 2543 hold (c=0.0.0.0) wants no media;
		 * the peer's address stays what it was */
		osmo_strlcpy(m->reneg.remote.addr, m->neg.remote.addr, sizeof(m->reneg.remote.addr));
		m->reneg.remote.port = m->neg.remote.port;
		m->reneg.remote.ipv6 = m->neg.remote.ipv6;
		if (m->reneg.remote.dir == MGCP_SDP_DIR_SENDRECV)
			m->reneg.remote.dir = MGCP_SDP_DIR_SENDONLY;
		else if (m->reneg.remote.dir == MGCP_SDP_DIR_RECVONLY)
			m->reneg.remote.dir = MGCP_SDP_DIR_INACTIVE;
	}
	talloc_free(m->reoffer);
	m->reoffer = talloc_strdup(m, remote_sdp);
	if (!m->reoffer)
		return -ENOMEM;
	rc = cc_media_mdcx(m, cc_media_conn_mode(m->reneg.remote.dir), &m->reneg);
	if (rc < 0)
		TALLOC_FREE(m->reoffer);
	return rc;
}

char *cc_media_offer_again(struct cc_media *m, void *ctx)
{
	char *sdp;

	if (m->fi->state != CC_MEDIA_READY)
		return NULL;
	m->local.sess_version++;
	sdp = cc_media_sdp_offer(ctx, &m->local, m->codecs, m->n_codecs);
	if (sdp)
		m->awaiting_answer = true;
	return sdp;
}

void cc_media_offer_withdrawn(struct cc_media *m)
{
	m->awaiting_answer = false;
}

int cc_media_set_mode(struct cc_media *m, const char *mode)
{
	int md = get_string_value(mgcp_conn_mode_names, mode);

	if (md != MGCP_MODE_SENDRECV && md != MGCP_MODE_SENDONLY && md != MGCP_MODE_RECVONLY &&
	    md != MGCP_MODE_INACTIVE)
		return -EINVAL;
	return cc_media_mdcx(m, md, NULL);
}

void cc_media_release(struct cc_media *m)
{
	if (!m || m->fi->state == CC_MEDIA_RELEASED)
		return;
	m->ops = NULL;
	m->gw->pops->release(m);
	llist_del(&m->list);
	INIT_LLIST_HEAD(&m->list);
	cc_media_state_chg(m, CC_MEDIA_RELEASED);
}

/* ---- gateway events ---- */

static void cc_media_gw_fail_all(struct cc_media_gw *gw, bool (*covers)(const struct cc_media *m, const void *arg),
				 const void *arg, bool delete_conns)
{
	struct cc_media *m;
	bool again = true;

	/* ops may free other calls' media: rescan after each one */
	while (again) {
		again = false;
		llist_for_each_entry(m, &gw->users, list) {
			if (m->fi->state == CC_MEDIA_FAILED || m->fi->state == CC_MEDIA_NONE ||
			    (covers && !covers(m, arg)))
				continue;
			llist_del(&m->list);
			INIT_LLIST_HEAD(&m->list);
			cc_media_fail(m, CC_MEDIA_CAUSE_TEMP_FAILURE, delete_conns);
			again = true;
			break;
		}
	}
}

void cc_media_gw_lost(struct cc_media_gw *gw, bool (*covers)(const struct cc_media *m, const void *arg),
		      const void *arg)
{
	/* the gateway has nothing of the calls left to delete */
	cc_media_gw_fail_all(gw, covers, arg, false);
}

void cc_media_gw_clear(struct cc_media_gw *gw)
{
	cc_media_gw_fail_all(gw, NULL, NULL, true);
}

int cc_media_fsm_init(void)
{
	return osmo_fsm_register(&cc_media_fsm);
}

bool cc_media_trunk_cfg(const char *isup_trunk, const char **gw, const char **pattern)
{
	const char *name = cc_media_trunk_gw(isup_trunk);
	struct isup_trunk *trunk = ss7_trunk_find(isup_trunk);

	if (!name || !trunk || !trunk->cfg.mgw_pattern[0])
		return false;
	*gw = name;
	*pattern = trunk->cfg.mgw_pattern;
	return true;
}

int cc_media_pattern_fill(const char *pattern, uint16_t cic, char *buf, size_t len)
{
	const char *mark = strstr(pattern, "{cic}");
	int n = mark ? snprintf(buf, len, "%.*s%u%s", (int)(mark - pattern), pattern, cic, mark + 5) :
		       snprintf(buf, len, "%s", pattern);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int cc_media_trunk_endpoint(const char *isup_trunk, const char *pattern, uint16_t cic, char *buf, size_t len)
{
	const char *name = cc_media_trunk_gw(isup_trunk);
	struct cc_media_gw *gw = name ? cc_media_gw_find(name) : NULL;

	if (!pattern || !pattern[0])
		return -ENOENT;
	if (gw)
		return gw->pops->endpoint(pattern, cic, buf, len);
	/* no gateway yet: the pattern as written, with the CIC in it */
	return cc_media_pattern_fill(pattern, cic, buf, len);
}

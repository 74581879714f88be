/* The MGCP call agent: socket, transactions and their retransmission
 * (RFC 3435 3.5: at-most-once transactions over UDP, exponential back-off,
 * provisional responses, response acknowledgement).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/sockaddr_str.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/timer.h>

#include "mgcp/mgcp_ca.h"
#include "src/tandem_log.h"

#define LOGCA(ca, level, fmt, args...) \
	LOGP(DMGCP, level, "mgw %s: " fmt, (ca)->cfg.name, ##args)

/* One command sent to the gateway and not yet answered finally. */
struct mgcp_ca_trans {
	struct llist_head list;
	struct mgcp_ca *ca;
	uint32_t id;
	enum mgcp_verb verb;
	char endpoint[MGCP_ENDPOINT_MAX + 1];
	char call_id[MGCP_ID_MAX + 1];
	char *text;
	size_t len;
	unsigned int tx_count;
	struct timespec started;
	bool provisional;
	bool orphan;
	struct osmo_timer_list timer;
	mgcp_ca_resp_cb cb;
	void *priv;
};

const struct value_string mgcp_ca_state_names[] = {
	{ MGCP_CA_ST_UNKNOWN, "UNKNOWN" },
	{ MGCP_CA_ST_UP, "UP" },
	{ MGCP_CA_ST_DOWN, "DOWN" },
	{ 0, NULL }
};

/* RFC 3435 3.5 (and 4.3 for T-max) */
static const struct osmo_tdef mgcp_ca_tdefs_default[] = {
	{ .T = MGCP_CA_T_RTO_INIT, .default_val = 200, .unit = OSMO_TDEF_MS,
	  .desc = "first retransmission of a command after (RFC 3435 3.5)" },
	{ .T = MGCP_CA_T_RTO_MAX, .default_val = 4000, .unit = OSMO_TDEF_MS,
	  .desc = "ceiling of the exponential back-off" },
	{ .T = MGCP_CA_T_RETRANS, .default_val = 7, .unit = OSMO_TDEF_CUSTOM,
	  .desc = "retransmissions before a command times out" },
	{ .T = MGCP_CA_T_MAX, .default_val = 20, .unit = OSMO_TDEF_S,
	  .desc = "T-max: longest life of a transaction without a provisional response" },
	{ .T = MGCP_CA_T_PROV, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "wait for the final response after a provisional one" },
	{ .T = MGCP_CA_T_KEEPALIVE, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "AUEP keepalive interval, 0 = off" },
	{}
};

static const struct rate_ctr_desc mgcp_ca_ctr_desc[] = {
	[MGCP_CA_CTR_TX_CMD] = { "tx:command", "Commands sent (first transmission)" },
	[MGCP_CA_CTR_TX_RETRANS] = { "tx:retransmission", "Commands retransmitted" },
	[MGCP_CA_CTR_RX_FINAL] = { "rx:final", "Final responses received" },
	[MGCP_CA_CTR_RX_PROVISIONAL] = { "rx:provisional", "Provisional (1xx) responses received" },
	[MGCP_CA_CTR_RX_ERROR] = { "rx:error", "Final responses with an error code (4xx/5xx)" },
	[MGCP_CA_CTR_RX_DUPLICATE] = { "rx:duplicate", "Responses to completed transactions (ignored)" },
	[MGCP_CA_CTR_RX_UNKNOWN] = { "rx:unknown", "Responses to no transaction, or from a stranger" },
	[MGCP_CA_CTR_RX_MALFORMED] = { "rx:malformed", "Malformed messages" },
	[MGCP_CA_CTR_RX_RSIP] = { "rx:rsip", "RSIP commands from the gateway" },
	[MGCP_CA_CTR_RX_NTFY] = { "rx:ntfy", "NTFY commands from the gateway" },
	[MGCP_CA_CTR_RX_UNSUPPORTED] = { "rx:unsupported", "Other commands, answered 504" },
	[MGCP_CA_CTR_RX_CMD_DUPLICATE] = { "rx:command-duplicate", "Retransmitted commands answered again" },
	[MGCP_CA_CTR_TX_ACK] = { "tx:response-ack", "Response acknowledgements (000) sent" },
	[MGCP_CA_CTR_TIMEOUT] = { "transaction:timeout", "Transactions that got no final response" },
	[MGCP_CA_CTR_OVERFLOW] = { "transaction:overflow", "Commands refused: too many outstanding" },
	[MGCP_CA_CTR_TX_ERROR] = { "tx:error", "Sends that failed in the socket" },
	[MGCP_CA_CTR_MEDIA_FAIL] = { "media:failed", "Call media failed (cause 47 or 41)" },
	[MGCP_CA_CTR_MEDIA_NO_CODEC] = { "media:no-codec", "SIP SDP with no common codec" },
	[MGCP_CA_CTR_ORPHAN_DLCX] = { "media:orphan-dlcx", "Connections deleted after their call left" },
	[MGCP_CA_CTR_MEDIA_REFUSED] = { "media:refused", "Calls refused media: gateway down or stopped" },
	[MGCP_CA_CTR_DTMF_REFUSED] = { "dtmf:refused", "RQNT for a call's DTMF digits refused by the gateway" },
	[MGCP_CA_CTR_DTMF_UNMATCHED] = { "dtmf:unmatched", "NTFY naming no call's request (answered 200)" },
	[MGCP_CA_CTR_DTMF_DIGITS] = { "dtmf:digits", "DTMF digits notified to calls" },
};

static const struct rate_ctr_group_desc mgcp_ca_ctrg_desc = {
	.group_name_prefix = "mgcp_ca",
	.group_description = "MGCP call agent towards one media gateway",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(mgcp_ca_ctr_desc),
	.ctr_desc = mgcp_ca_ctr_desc,
};

static void mgcp_ca_ctr(struct mgcp_ca *ca, enum mgcp_ca_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, c));
}

static int mgcp_ca_destructor(struct mgcp_ca *ca)
{
	mgcp_ca_stop(ca);
	rate_ctr_group_free(ca->ctrs);
	return 0;
}

static uint32_t mgcp_ca_rand32(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	return r;
}

struct mgcp_ca *mgcp_ca_alloc(void *ctx, const char *name, unsigned int idx)
{
	struct mgcp_ca *ca = talloc_zero(ctx, struct mgcp_ca);
	unsigned int i;

	if (!ca)
		return NULL;
	osmo_strlcpy(ca->cfg.name, name, sizeof(ca->cfg.name));
	osmo_strlcpy(ca->cfg.remote_addr, "127.0.0.1", sizeof(ca->cfg.remote_addr));
	ca->cfg.remote_port = MGCP_CA_DEFAULT_REMOTE_PORT;
	osmo_strlcpy(ca->cfg.local_addr, "127.0.0.1", sizeof(ca->cfg.local_addr));
	ca->cfg.local_port = MGCP_CA_DEFAULT_LOCAL_PORT;
	osmo_strlcpy(ca->cfg.domain, "mgw", sizeof(ca->cfg.domain));
	ca->cfg.circuit_mode = MGCP_MODE_SENDRECV;
	ca->ofd.fd = -1;
	for (i = 0; i < ARRAY_SIZE(ca->trans); i++)
		INIT_LLIST_HEAD(&ca->trans[i]);
	INIT_LLIST_HEAD(&ca->list);
	ca->tdefs = talloc_memdup(ca, mgcp_ca_tdefs_default, sizeof(mgcp_ca_tdefs_default));
	ca->ctrs = rate_ctr_group_alloc(ca, &mgcp_ca_ctrg_desc, idx);
	if (!ca->tdefs || !ca->ctrs) {
		talloc_free(ca);
		return NULL;
	}
	rate_ctr_group_set_name(ca->ctrs, name);
	osmo_tdefs_reset(ca->tdefs);
	/* A restarted call agent must not reuse ids the gateway still
	 * caches responses for (RFC 3435 3.5), so start somewhere random. */
	ca->next_trans_id = mgcp_ca_rand32() % MGCP_TRANS_ID_MAX + 1;
	ca->call_id_seq = mgcp_ca_rand32();
	talloc_set_destructor(ca, mgcp_ca_destructor);
	return ca;
}

int mgcp_ca_set_remote(struct mgcp_ca *ca)
{
	struct osmo_sockaddr_str s;

	if (osmo_sockaddr_str_from_str(&s, ca->cfg.remote_addr, ca->cfg.remote_port) < 0 ||
	    osmo_sockaddr_str_to_sockaddr(&s, &ca->remote.u.sas) < 0)
		return -EINVAL;
	return 0;
}

/* ---- transactions ---- */

static struct llist_head *mgcp_ca_bucket(struct mgcp_ca *ca, uint32_t id)
{
	return &ca->trans[id % ARRAY_SIZE(ca->trans)];
}

static struct mgcp_ca_trans *mgcp_ca_trans_find(struct mgcp_ca *ca, uint32_t id)
{
	struct mgcp_ca_trans *t;

	llist_for_each_entry(t, mgcp_ca_bucket(ca, id), list)
		if (t->id == id)
			return t;
	return NULL;
}

static uint32_t mgcp_ca_next_id(struct mgcp_ca *ca)
{
	uint32_t id;

	do {
		id = ca->next_trans_id;
		ca->next_trans_id = id >= MGCP_TRANS_ID_MAX ? 1 : id + 1;
	} while (mgcp_ca_trans_find(ca, id));
	return id;
}

unsigned long mgcp_ca_rto(const struct mgcp_ca *ca, unsigned int n)
{
	unsigned long rto = osmo_tdef_get(ca->tdefs, MGCP_CA_T_RTO_INIT, OSMO_TDEF_MS, 200);
	unsigned long max = osmo_tdef_get(ca->tdefs, MGCP_CA_T_RTO_MAX, OSMO_TDEF_MS, 4000);

	if (!rto)
		rto = 1;
	while (n-- && rto < max)
		rto *= 2;
	return rto < max ? rto : max;
}

static unsigned long mgcp_ca_elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void mgcp_ca_timer_ms(struct osmo_timer_list *t, unsigned long ms)
{
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

static void mgcp_ca_tx(struct mgcp_ca *ca, const char *text, size_t len, const struct osmo_sockaddr *to)
{
	ssize_t rc = sendto(ca->ofd.fd, text, len, 0, &to->u.sa,
			    to->u.sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							   : sizeof(struct sockaddr_in));

	/* a lost send is a lost packet: retransmission or timeout follows */
	if (rc < 0 || (size_t)rc != len) {
		mgcp_ca_ctr(ca, MGCP_CA_CTR_TX_ERROR);
		LOGCA(ca, LOGL_ERROR, "send failed: %s\n", strerror(errno));
	}
}

/* Remove @t from the outstanding set; the caller frees it. */
static void mgcp_ca_trans_unlink(struct mgcp_ca_trans *t)
{
	osmo_timer_del(&t->timer);
	llist_del(&t->list);
	INIT_LLIST_HEAD(&t->list);
	t->ca->n_trans--;
	if (t->ca->keepalive_trans == t)
		t->ca->keepalive_trans = NULL;
}

static void mgcp_ca_trans_end(struct mgcp_ca_trans *t, const struct mgcp_msg *resp)
{
	mgcp_ca_trans_unlink(t);
	if (t->cb && !t->orphan)
		t->cb(t, resp, t->priv);
	talloc_free(t);
}

static void mgcp_ca_trans_timer_cb(void *data)
{
	struct mgcp_ca_trans *t = data;
	struct mgcp_ca *ca = t->ca;
	unsigned long retrans = osmo_tdef_get(ca->tdefs, MGCP_CA_T_RETRANS, OSMO_TDEF_CUSTOM, 7);
	unsigned long tmax = osmo_tdef_get(ca->tdefs, MGCP_CA_T_MAX, OSMO_TDEF_MS, 20000);
	unsigned long elapsed = mgcp_ca_elapsed_ms(&t->started);
	unsigned long wait;

	if (!t->provisional && t->tx_count <= retrans && elapsed < tmax) {
		mgcp_ca_tx(ca, t->text, t->len, &ca->remote);
		mgcp_ca_ctr(ca, MGCP_CA_CTR_TX_RETRANS);
		LOGCA(ca, LOGL_INFO, "%s %u: retransmission %u\n", get_value_string(mgcp_verb_names, t->verb),
		      t->id, t->tx_count);
		wait = mgcp_ca_rto(ca, t->tx_count);
		t->tx_count++;
		if (elapsed + wait > tmax)
			wait = tmax - elapsed;
		mgcp_ca_timer_ms(&t->timer, wait);
		return;
	}
	mgcp_ca_ctr(ca, MGCP_CA_CTR_TIMEOUT);
	LOGCA(ca, LOGL_ERROR, "%s %u %s: no %sresponse after %u transmissions\n",
	      get_value_string(mgcp_verb_names, t->verb), t->id, t->endpoint,
	      t->provisional ? "final " : "", t->tx_count);
	mgcp_ca_set_state(ca, MGCP_CA_ST_DOWN);
	mgcp_ca_trans_end(t, NULL);
}

int mgcp_ca_send(struct mgcp_ca *ca, struct mgcp_msg *cmd, mgcp_ca_resp_cb cb, void *priv,
		 struct mgcp_ca_trans **tp)
{
	char buf[MGCP_MSG_MAX + 1];
	struct mgcp_ca_trans *t;
	int len;

	if (tp)
		*tp = NULL;
	if (!mgcp_ca_started(ca))
		return -ENOTCONN;
	if (ca->n_trans >= MGCP_CA_TRANS_MAX) {
		mgcp_ca_ctr(ca, MGCP_CA_CTR_OVERFLOW);
		LOGCA(ca, LOGL_ERROR, "%u transactions outstanding: %s refused\n", ca->n_trans,
		      get_value_string(mgcp_verb_names, cmd->verb));
		return -ENOSPC;
	}
	cmd->trans_id = mgcp_ca_next_id(ca);
	len = mgcp_msg_encode(cmd, buf, sizeof(buf));
	if (len < 0) {
		LOGCA(ca, LOGL_ERROR, "cannot encode %s: %s\n", get_value_string(mgcp_verb_names, cmd->verb),
		      mgcp_strerror(len));
		return -EINVAL;
	}
	t = talloc_zero(ca, struct mgcp_ca_trans);
	if (!t)
		return -ENOMEM;
	t->text = talloc_memdup(t, buf, len);
	if (!t->text) {
		talloc_free(t);
		return -ENOMEM;
	}
	t->ca = ca;
	t->id = cmd->trans_id;
	t->verb = cmd->verb;
	t->len = len;
	t->cb = cb;
	t->priv = priv;
	osmo_strlcpy(t->endpoint, cmd->endpoint, sizeof(t->endpoint));
	if (cmd->present & MGCP_P_CALL_ID)
		osmo_strlcpy(t->call_id, cmd->call_id, sizeof(t->call_id));
	osmo_clock_gettime(CLOCK_MONOTONIC, &t->started);
	osmo_timer_setup(&t->timer, mgcp_ca_trans_timer_cb, t);
	llist_add_tail(&t->list, mgcp_ca_bucket(ca, t->id));
	ca->n_trans++;

	LOGCA(ca, LOGL_DEBUG, "tx %s %u %s\n", get_value_string(mgcp_verb_names, t->verb), t->id, t->endpoint);
	mgcp_ca_tx(ca, t->text, t->len, &ca->remote);
	mgcp_ca_ctr(ca, MGCP_CA_CTR_TX_CMD);
	t->tx_count = 1;
	mgcp_ca_timer_ms(&t->timer, mgcp_ca_rto(ca, 0));
	if (tp)
		*tp = t;
	return 0;
}

/* The CRCX of a call that left succeeded after all: delete the connection. */
static void mgcp_ca_orphan_dlcx(struct mgcp_ca_trans *t, const struct mgcp_msg *resp)
{
	struct mgcp_msg *dlcx;
	const char *ep;

	if (t->verb != MGCP_VERB_CRCX || resp->code < 200 || resp->code > 299 ||
	    !(resp->present & MGCP_P_CONN_ID))
		return;
	dlcx = talloc_zero(t, struct mgcp_msg);
	if (!dlcx)
		return;
	ep = resp->present & MGCP_P_SPECIFIC_EP ? resp->specific_ep : t->endpoint;
	if (mgcp_msg_init_cmd(dlcx, MGCP_VERB_DLCX, 1, ep) == 0) {
		if (t->call_id[0]) {
			osmo_strlcpy(dlcx->call_id, t->call_id, sizeof(dlcx->call_id));
			dlcx->present |= MGCP_P_CALL_ID;
		}
		osmo_strlcpy(dlcx->conn_id, resp->conn_id, sizeof(dlcx->conn_id));
		dlcx->present |= MGCP_P_CONN_ID;
		if (mgcp_ca_send(t->ca, dlcx, NULL, NULL, NULL) == 0)
			mgcp_ca_ctr(t->ca, MGCP_CA_CTR_ORPHAN_DLCX);
	}
	talloc_free(dlcx);
}

void mgcp_ca_trans_orphan(struct mgcp_ca_trans *t)
{
	if (t)
		t->orphan = true;
}

unsigned int mgcp_ca_outstanding(const struct mgcp_ca *ca)
{
	return ca->n_trans;
}

static void mgcp_ca_hist_add(struct mgcp_ca_hist *ring, unsigned int *pos, uint32_t id, uint16_t code)
{
	ring[*pos].trans_id = id;
	ring[*pos].code = code;
	*pos = (*pos + 1) % MGCP_CA_HIST;
}

static struct mgcp_ca_hist *mgcp_ca_hist_find(struct mgcp_ca_hist *ring, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < MGCP_CA_HIST; i++)
		if (ring[i].trans_id == id)
			return &ring[i];
	return NULL;
}

/* RFC 3435 3.5.6: a final response after a provisional one carries an
 * empty ResponseAck (K:), and wants a "000" response acknowledgement. */
static void mgcp_ca_ack(struct mgcp_ca *ca, uint32_t id, const struct osmo_sockaddr *to)
{
	mgcp_ca_reply(ca, 0, id, NULL, to);
	mgcp_ca_ctr(ca, MGCP_CA_CTR_TX_ACK);
}

static void mgcp_ca_rx_response(struct mgcp_ca *ca, const struct mgcp_msg *resp, const struct osmo_sockaddr *from)
{
	bool wants_ack = mgcp_msg_get_other(resp, "K") != NULL;
	struct mgcp_ca_trans *t;
	struct mgcp_ca_hist *h;

	if (resp->code == 0)
		return;	/* a response acknowledgement: we keep no responses */
	t = mgcp_ca_trans_find(ca, resp->trans_id);
	if (!t) {
		h = mgcp_ca_hist_find(ca->done, resp->trans_id);
		if (h) {
			mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_DUPLICATE);
			LOGCA(ca, LOGL_INFO, "duplicate response %u to %u ignored\n", resp->code, resp->trans_id);
			/* our 000 may have been lost: send it again */
			if (h->code && wants_ack)
				mgcp_ca_ack(ca, resp->trans_id, from);
		} else {
			mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_UNKNOWN);
			LOGCA(ca, LOGL_NOTICE, "response %u to unknown transaction %u ignored\n", resp->code,
			      resp->trans_id);
		}
		return;
	}
	mgcp_ca_set_state(ca, MGCP_CA_ST_UP);
	if (resp->code < 200) {
		mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_PROVISIONAL);
		if (!t->provisional) {
			/* the gateway has it: stop retransmitting, wait longer */
			t->provisional = true;
			osmo_timer_schedule(&t->timer,
					    osmo_tdef_get(ca->tdefs, MGCP_CA_T_PROV, OSMO_TDEF_S, 30), 0);
		}
		return;
	}
	mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_FINAL);
	if (resp->code >= 400)
		mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_ERROR);
	LOGCA(ca, resp->code >= 400 && t->verb != MGCP_VERB_AUEP ? LOGL_NOTICE : LOGL_DEBUG, "%s %u %s: %u %s\n",
	      get_value_string(mgcp_verb_names, t->verb), t->id, t->endpoint, resp->code, resp->comment);
	if (wants_ack)
		mgcp_ca_ack(ca, resp->trans_id, from);
	mgcp_ca_hist_add(ca->done, &ca->done_pos, t->id, wants_ack);
	if (t->orphan) {
		mgcp_ca_trans_unlink(t);
		mgcp_ca_orphan_dlcx(t, resp);
		talloc_free(t);
		return;
	}
	mgcp_ca_trans_end(t, resp);
}

static bool mgcp_ca_from_gateway(const struct mgcp_ca *ca, const struct osmo_sockaddr *from)
{
	const struct osmo_sockaddr *r = &ca->remote;

	if (from->u.sa.sa_family != r->u.sa.sa_family)
		return false;
	if (from->u.sa.sa_family == AF_INET)
		return from->u.sin.sin_addr.s_addr == r->u.sin.sin_addr.s_addr;
	if (from->u.sa.sa_family == AF_INET6)
		return !memcmp(&from->u.sin6.sin6_addr, &r->u.sin6.sin6_addr, sizeof(r->u.sin6.sin6_addr));
	return false;
}

static int mgcp_ca_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	/* not reentrant: callbacks run from here but never read the socket */
	static struct mgcp_msg msg;
	struct mgcp_ca *ca = ofd->data;
	char buf[MGCP_MSG_MAX + 1];
	struct osmo_sockaddr from;
	socklen_t flen = sizeof(from.u.sas);
	struct mgcp_err_detail err;
	size_t off = 0, used;
	ssize_t n;
	int rc;

	if (!(what & OSMO_FD_READ))
		return 0;
	n = recvfrom(ofd->fd, buf, sizeof(buf) - 1, 0, &from.u.sa, &flen);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (!mgcp_ca_from_gateway(ca, &from)) {
		mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_UNKNOWN);
		LOGCA(ca, LOGL_NOTICE, "datagram from %s ignored: not the gateway\n", osmo_sockaddr_to_str(&from));
		return 0;
	}
	/* piggy-backed messages are separated by a "." line */
	while (off < (size_t)n && mgcp_ca_started(ca)) {
		memset(&err, 0, sizeof(err));
		used = 0;
		rc = mgcp_msg_parse(&msg, buf + off, n - off, &used, &err);
		if (rc < 0) {
			mgcp_ca_rx_malformed(ca, &err, &from);
			break;
		}
		if (msg.is_response)
			mgcp_ca_rx_response(ca, &msg, &from);
		else
			mgcp_ca_rx_command(ca, &msg, &from);
		if (!used)
			break;
		off += used;
	}
	return 0;
}

/* The gateway answered, but not in a way we can read: retransmitting
 * would only repeat that, so the transaction fails as a protocol error. */
static void mgcp_ca_fail_unparsable(struct mgcp_ca *ca, uint32_t id)
{
	struct mgcp_ca_trans *t = mgcp_ca_trans_find(ca, id);
	struct mgcp_msg *resp;

	if (!t)
		return;
	resp = talloc_zero(ca, struct mgcp_msg);
	if (!resp)
		return;
	mgcp_msg_init_resp(resp, MGCP_RC_PROTOCOL_ERROR, id, "unparsable response");
	mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_ERROR);
	mgcp_ca_hist_add(ca->done, &ca->done_pos, id, 0);
	mgcp_ca_trans_end(t, resp);
	talloc_free(resp);
}

void mgcp_ca_rx_malformed(struct mgcp_ca *ca, const struct mgcp_err_detail *err, const struct osmo_sockaddr *from)
{
	mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_MALFORMED);
	LOGCA(ca, LOGL_NOTICE, "malformed MGCP from %s (line %u%s%s): %s\n", osmo_sockaddr_to_str(from),
	      err->line, err->param[0] ? ", parameter " : "", err->param, mgcp_strerror(err->rc));
	if (err->mgcp_code && err->has_trans_id && !err->is_response) {
		if (err->rc == -MGCP_ERR_VERB)
			mgcp_ca_ctr(ca, MGCP_CA_CTR_RX_UNSUPPORTED);
		mgcp_ca_reply(ca, err->mgcp_code, err->trans_id, NULL, from);
	}
	if (err->has_trans_id && err->is_response)
		mgcp_ca_fail_unparsable(ca, err->trans_id);
}

void mgcp_ca_reply(struct mgcp_ca *ca, unsigned int code, uint32_t trans_id, const char *comment,
		   const struct osmo_sockaddr *to)
{
	struct mgcp_msg *resp = talloc_zero(ca, struct mgcp_msg);
	char buf[MGCP_LINE_MAX];
	int len;

	if (!resp)
		return;
	if (mgcp_msg_init_resp(resp, code, trans_id, comment) == 0) {
		len = mgcp_msg_encode(resp, buf, sizeof(buf));
		if (len > 0)
			mgcp_ca_tx(ca, buf, len, to);
	}
	talloc_free(resp);
}

/* ---- life cycle ---- */

bool mgcp_ca_started(const struct mgcp_ca *ca)
{
	return ca->ofd.fd >= 0;
}

uint16_t mgcp_ca_local_port(const struct mgcp_ca *ca)
{
	struct osmo_sockaddr local;
	socklen_t len = sizeof(local.u.sas);

	if (!mgcp_ca_started(ca) || getsockname(ca->ofd.fd, &local.u.sa, &len) < 0)
		return 0;
	return osmo_sockaddr_port(&local.u.sa);
}

int mgcp_ca_start(struct mgcp_ca *ca)
{
	int fd, rc;

	if (mgcp_ca_started(ca))
		return 0;
	rc = mgcp_ca_set_remote(ca);
	if (rc < 0) {
		LOGCA(ca, LOGL_ERROR, "bad remote address %s\n", ca->cfg.remote_addr);
		return rc;
	}
	fd = osmo_sock_init2(AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, ca->cfg.local_addr, ca->cfg.local_port, NULL, 0,
			     OSMO_SOCK_F_BIND | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		LOGCA(ca, LOGL_ERROR, "cannot bind %s:%u\n", ca->cfg.local_addr, ca->cfg.local_port);
		return -EADDRINUSE;
	}
	osmo_fd_setup(&ca->ofd, fd, OSMO_FD_READ, mgcp_ca_read_cb, ca, 0);
	rc = osmo_fd_register(&ca->ofd);
	if (rc < 0) {
		close(fd);
		ca->ofd.fd = -1;
		return rc;
	}
	LOGCA(ca, LOGL_NOTICE, "call agent on %s:%u, gateway %s:%u\n", ca->cfg.local_addr, mgcp_ca_local_port(ca),
	      ca->cfg.remote_addr, ca->cfg.remote_port);
	/* learn at once whether the gateway is there, unless keepalives are off */
	mgcp_ca_keepalive_schedule(ca, osmo_tdef_get(ca->tdefs, MGCP_CA_T_KEEPALIVE, OSMO_TDEF_S, 30) != 0);
	return 0;
}

void mgcp_ca_stop(struct mgcp_ca *ca)
{
	struct mgcp_ca_trans *t, *tmp;
	unsigned int i;

	osmo_timer_del(&ca->keepalive);
	if (!mgcp_ca_started(ca))
		return;
	osmo_fd_unregister(&ca->ofd);
	close(ca->ofd.fd);
	ca->ofd.fd = -1;
	for (i = 0; i < ARRAY_SIZE(ca->trans); i++)
		llist_for_each_entry_safe(t, tmp, &ca->trans[i], list)
			mgcp_ca_trans_end(t, NULL);
	/* the callbacks above may have scheduled it again */
	osmo_timer_del(&ca->keepalive);
}

void mgcp_ca_new_call_id(struct mgcp_ca *ca, char *buf)
{
	snprintf(buf, MGCP_ID_MAX + 1, "%x%08x", ca->next_trans_id & 0xffff, ++ca->call_id_seq);
}

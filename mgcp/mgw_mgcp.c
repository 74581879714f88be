/* tandem-mgw: the MGCP socket, transaction de-duplication and response
 * retransmission (RFC 3435 3.5).
 *
 * Every answered command's response is kept for T-hist (X3) keyed by the
 * sender and transaction id; a retransmitted command gets the very same
 * response again and is not executed twice.  A response acknowledgement
 * (K:) lets go of responses early.  The cache is bounded: when full, the
 * oldest response goes first.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "src/tandem_log.h"

struct mgw_trans {
	struct llist_head list;
	struct sockaddr_in from;
	uint32_t trans_id;
	time_t expires;		/* CLOCK_MONOTONIC seconds */
	size_t len;
	char resp[];
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static bool same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

static void trans_del(struct mgw *mgw, struct mgw_trans *t)
{
	llist_del(&t->list);
	mgw->n_trans_cache--;
	talloc_free(t);
}

static void trans_expire(struct mgw *mgw)
{
	struct mgw_trans *t, *tmp;
	time_t now = now_s();

	llist_for_each_entry_safe(t, tmp, &mgw->trans_cache, list) {
		if (t->expires > now)
			break;
		trans_del(mgw, t);
	}
}

void mgw_trans_flush(struct mgw *mgw)
{
	struct mgw_trans *t, *tmp;

	llist_for_each_entry_safe(t, tmp, &mgw->trans_cache, list)
		trans_del(mgw, t);
}

static struct mgw_trans *trans_find(struct mgw *mgw, const struct sockaddr_in *from, uint32_t trans_id)
{
	struct mgw_trans *t;

	llist_for_each_entry(t, &mgw->trans_cache, list) {
		if (t->trans_id == trans_id && same_peer(&t->from, from))
			return t;
	}
	return NULL;
}

static void trans_store(struct mgw *mgw, const struct sockaddr_in *from, uint32_t trans_id, const char *resp,
			size_t len)
{
	struct mgw_trans *t;

	if (mgw->n_trans_cache >= MGW_TRANS_CACHE_MAX)
		trans_del(mgw, llist_first_entry(&mgw->trans_cache, struct mgw_trans, list));
	t = talloc_size(mgw, sizeof(*t) + len);
	if (!t)
		return;
	talloc_set_name_const(t, "mgw_trans");
	t->from = *from;
	t->trans_id = trans_id;
	t->expires = now_s() + osmo_tdef_get(mgw->tdefs, MGW_T_HIST, OSMO_TDEF_S, 30);
	t->len = len;
	memcpy(t->resp, resp, len);
	llist_add_tail(&t->list, &mgw->trans_cache);
	mgw->n_trans_cache++;
}

/* K: "6234-6255, 6257": the call agent has our responses, forget them. */
static void trans_ack(struct mgw *mgw, const struct sockaddr_in *from, const char *k)
{
	while (*k) {
		char *end;
		unsigned long lo, hi;
		struct mgw_trans *t, *tmp;

		while (*k == ' ' || *k == ',')
			k++;
		if (!*k)
			break;
		lo = strtoul(k, &end, 10);
		if (end == k)
			return;
		hi = lo;
		if (*end == '-') {
			k = end + 1;
			hi = strtoul(k, &end, 10);
			if (end == k)
				return;
		}
		k = end;
		if (hi < lo || hi - lo > MGW_TRANS_CACHE_MAX * 16)
			continue;
		llist_for_each_entry_safe(t, tmp, &mgw->trans_cache, list) {
			if (t->trans_id >= lo && t->trans_id <= hi && same_peer(&t->from, from))
				trans_del(mgw, t);
		}
	}
}

static int mgw_sendto(struct mgw *mgw, const char *buf, size_t len, const struct sockaddr_in *to)
{
	if (sendto(mgw->mgcp_ofd.fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		mgw_ctr_inc(mgw, MGW_CTR_MGCP_TX_FAIL);
		LOGP(DMGW, LOGL_ERROR, "cannot send MGCP to %s:%u: %s\n", inet_ntoa(to->sin_addr),
		     ntohs(to->sin_port), strerror(errno));
		return -errno;
	}
	return 0;
}

int mgw_mgcp_send_raw(struct mgw *mgw, const char *buf, size_t len, const struct sockaddr_in *to)
{
	return mgw_sendto(mgw, buf, len, to);
}

int mgw_mgcp_send(struct mgw *mgw, const struct mgcp_msg *msg, const struct sockaddr_in *to)
{
	char buf[MGCP_MSG_MAX + 1];
	int n = mgcp_msg_encode(msg, buf, sizeof(buf));

	if (n < 0) {
		mgw_ctr_inc(mgw, MGW_CTR_MGCP_TX_FAIL);
		LOGP(DMGW, LOGL_ERROR, "cannot encode MGCP message: %s\n", mgcp_strerror(n));
		return n;
	}
	return mgw_sendto(mgw, buf, n, to);
}

/* Encode, send and keep the response for retransmissions. */
static void mgw_answer(struct mgw *mgw, struct mgcp_msg *resp, const struct sockaddr_in *to)
{
	char buf[MGCP_MSG_MAX + 1];
	int n = mgcp_msg_encode(resp, buf, sizeof(buf));

	if (n < 0) {
		/* a response that does not fit says so instead */
		LOGP(DMGW, LOGL_ERROR, "response %u to %u does not encode: %s\n", resp->code, resp->trans_id,
		     mgcp_strerror(n));
		mgcp_msg_init_resp(resp, MGCP_RC_RESPONSE_TOO_LARGE, resp->trans_id, NULL);
		n = mgcp_msg_encode(resp, buf, sizeof(buf));
		if (n < 0)
			return;
	}
	trans_store(mgw, to, resp->trans_id, buf, n);
	mgw_sendto(mgw, buf, n, to);
}

void mgw_mgcp_rx(struct mgw *mgw, const char *buf, size_t len, const struct sockaddr_in *from)
{
	static struct mgcp_msg cmd, resp;
	struct mgcp_err_detail err;
	struct mgw_trans *t;
	const char *k;
	int rc;

	mgw_ctr_inc(mgw, MGW_CTR_MGCP_RX);
	trans_expire(mgw);
	rc = mgcp_msg_parse(&cmd, buf, len, NULL, &err);
	if (rc < 0) {
		mgw_ctr_inc(mgw, MGW_CTR_MGCP_MALFORMED);
		if (!err.mgcp_code) {
			mgw_ctr_inc(mgw, MGW_CTR_MGCP_UNANSWERABLE);
			LOGP(DMGW, LOGL_NOTICE, "malformed MGCP from %s:%u dropped (line %u: %s)\n",
			     inet_ntoa(from->sin_addr), ntohs(from->sin_port), err.line, mgcp_strerror(rc));
			return;
		}
		/* a retransmitted bad command gets its cached answer too */
		t = trans_find(mgw, from, err.trans_id);
		if (t) {
			mgw_ctr_inc(mgw, MGW_CTR_MGCP_RETRANSMIT);
			mgw_sendto(mgw, t->resp, t->len, from);
			return;
		}
		LOGP(DMGW, LOGL_NOTICE, "malformed MGCP %u from %s:%u: line %u%s%s: %s -> %u\n", err.trans_id,
		     inet_ntoa(from->sin_addr), ntohs(from->sin_port), err.line, err.param[0] ? " param " : "",
		     err.param, mgcp_strerror(rc), err.mgcp_code);
		mgcp_msg_init_resp(&resp, err.mgcp_code, err.trans_id, NULL);
		mgw_answer(mgw, &resp, from);
		return;
	}
	if (cmd.is_response) {
		mgw_ctr_inc(mgw, MGW_CTR_MGCP_RESPONSE_RX);
		if (!mgw_rsip_response(mgw, &cmd) && !mgw_ntfy_response(mgw, &cmd))
			LOGP(DMGW, LOGL_INFO, "response %u to unknown transaction %u ignored\n", cmd.code,
			     cmd.trans_id);
		return;
	}
	k = mgcp_msg_get_other(&cmd, "K");
	if (k)
		trans_ack(mgw, from, k);
	t = trans_find(mgw, from, cmd.trans_id);
	if (t) {
		mgw_ctr_inc(mgw, MGW_CTR_MGCP_RETRANSMIT);
		LOGP(DMGW, LOGL_INFO, "%s %u retransmitted: same response again\n",
		     get_value_string(mgcp_verb_names, cmd.verb), cmd.trans_id);
		mgw_sendto(mgw, t->resp, t->len, from);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	/* RQNT without N: notifies whoever sent it */
	mgw->cmd_from = *from;
	mgw_cmd_exec(mgw, &cmd, &resp);
	mgw_answer(mgw, &resp, from);
}

static int mgw_mgcp_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct mgw *mgw = ofd->data;
	char buf[MGCP_MSG_MAX * 2];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	/* a datagram longer than buf is truncated: the parser sees it as too long */
	n = recvfrom(ofd->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || from.sin_family != AF_INET)
		return 0;
	mgw_mgcp_rx(mgw, buf, n, &from);
	return 0;
}

int mgw_udp_open(struct osmo_fd *ofd, const char *ip, uint16_t port, int (*cb)(struct osmo_fd *, unsigned int),
		 void *data)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, rc;

	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	osmo_fd_setup(ofd, fd, OSMO_FD_READ, cb, data, 0);
	rc = osmo_fd_register(ofd);
	if (rc < 0) {
		close(fd);
		ofd->fd = -1;
		return rc;
	}
	return 0;
}

int mgw_mgcp_open(struct mgw *mgw)
{
	return mgw_udp_open(&mgw->mgcp_ofd, mgw->cfg.bind_ip, mgw->cfg.bind_port, mgw_mgcp_cb, mgw);
}

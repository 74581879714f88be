/* tandem-mgw's H.248.1 association: the UDP socket, the transaction layer
 * (mgcp/h248_tl.c, shared with the controller) and the counters.
 *
 * Only the configured controller is listened to: a datagram from anywhere
 * else is dropped and counted, so that nobody else can take terminations.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

static const struct rate_ctr_desc mgw_h248_ctr_desc[] = {
	[MGW_H248_CTR_ADD_OK] = { "add:ok", "Add executed" },
	[MGW_H248_CTR_MODIFY_OK] = { "modify:ok", "Modify executed" },
	[MGW_H248_CTR_SUBTRACT_OK] = { "subtract:ok", "Subtract executed (per termination)" },
	[MGW_H248_CTR_AUDIT_OK] = { "audit:ok", "AuditValue and AuditCapabilities answered" },
	[MGW_H248_CTR_ERR_BAD_ID] = { "err:410", "Answered 410 incorrect identifier" },
	[MGW_H248_CTR_ERR_UNKNOWN_CONTEXT] = { "err:411", "Answered 411 unknown context" },
	[MGW_H248_CTR_ERR_NO_CONTEXT] = { "err:412", "Answered 412 no context available" },
	[MGW_H248_CTR_ERR_UNKNOWN_ACTION] = { "err:421", "Answered 421 unknown action or illegal combination" },
	[MGW_H248_CTR_ERR_UNKNOWN_TERM] = { "err:430", "Answered 430 unknown termination" },
	[MGW_H248_CTR_ERR_NO_WILDCARD_MATCH] = { "err:431", "Answered 431 no termination matches the wildcard" },
	[MGW_H248_CTR_ERR_TERM_IN_CONTEXT] = { "err:433", "Answered 433 termination already in a context" },
	[MGW_H248_CTR_ERR_MAX_TERMS] = { "err:434", "Answered 434 too many terminations in the context" },
	[MGW_H248_CTR_ERR_NOT_IN_CONTEXT] = { "err:435", "Answered 435 termination not in that context" },
	[MGW_H248_CTR_ERR_DESC_NOT_LEGAL] = { "err:447", "Answered 447 descriptor not legal in this command" },
	[MGW_H248_CTR_ERR_SDP] = { "err:sdp", "Answered 441/449: missing or bad Local/Remote SDP" },
	[MGW_H248_CTR_ERR_MEDIA] = { "err:515", "Answered 515 no codec in common" },
	[MGW_H248_CTR_ERR_MODE] = { "err:517", "Answered 517 unsupported mode" },
	[MGW_H248_CTR_ERR_NOT_IMPLEMENTED] = { "err:501", "Answered 501 not implemented" },
	[MGW_H248_CTR_ERR_RESOURCES] = { "err:510", "Answered 510 insufficient resources" },
	[MGW_H248_CTR_ERR_OTHER] = { "err:other", "Answered with another error code" },
	[MGW_H248_CTR_SC_TX] = { "sc:tx", "ServiceChange requests sent" },
	[MGW_H248_CTR_SC_TIMEOUT] = { "sc:timeout", "ServiceChange requests the controller never answered" },
	[MGW_H248_CTR_SC_REJECTED] = { "sc:rejected", "ServiceChange requests answered with an Error" },
	[MGW_H248_CTR_RX_FOREIGN] = { "rx:foreign", "Datagrams dropped: not from the controller" },
	[MGW_H248_CTR_RX_REPLY_TO_NOTHING] = { "rx:unexpected", "Requests dropped: nothing to execute" },
	[MGW_H248_CTR_ERR_UNKNOWN_PACKAGE] = { "err:440", "Answered 440 unsupported or unknown package" },
	[MGW_H248_CTR_ERR_NO_SUCH_EVENT] = { "err:451", "Answered 451 no such event in this package" },
	[MGW_H248_CTR_ERR_UNKNOWN_PARAM] = { "err:446", "Answered 446 unsupported or unknown parameter" },
	[MGW_H248_CTR_NOTIFY_TX] = { "notify:tx", "Notify of an observed event sent" },
	[MGW_H248_CTR_NOTIFY_FAIL] = { "notify:fail", "Notify not sent, never answered or answered with an Error" },
	[MGW_H248_CTR_SIGNAL_OK] = { "signal:ok", "Signals descriptor applied (tone started or stopped)" },
	[MGW_H248_CTR_ERR_NO_SUCH_SIGNAL] = { "err:452", "Answered 452 no such signal in this package" },
	[MGW_H248_CTR_SC_RX] = { "sc:rx", "ServiceChange requests of the controller executed" },
	[MGW_H248_CTR_HANDOFF] = { "sc:handoff", "Registering with another controller (MgcIdToTry)" },
	[MGW_H248_CTR_SC_ADDRESS] = { "sc:address", "Controller moved to its ServiceChangeAddress" },
	[MGW_H248_CTR_MOVE_OK] = { "move:ok", "Move executed" },
	[MGW_H248_CTR_AUDITCAP_OK] = { "auditcap:ok", "AuditCapabilities answered (also in audit:ok)" },
};

static const struct rate_ctr_group_desc mgw_h248_ctrg_desc = {
	.group_name_prefix = "mgw-h248",
	.group_description = "Media gateway, H.248 side",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(mgw_h248_ctr_desc),
	.ctr_desc = mgw_h248_ctr_desc,
};

static const struct osmo_tdef mgw_h248_retry_tdef = {
	.T = MGW_H248_T_RETRY, .default_val = 15, .unit = OSMO_TDEF_S, .min_val = 1, .max_val = 3600,
	.desc = "ServiceChange again after the controller left one unanswered or refused it",
};

void mgw_h248_ctr_inc(struct mgw_h248 *h, enum mgw_h248_ctr ctr)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(h->ctrs, ctr));
}

static int mgw_h248_destructor(struct mgw_h248 *h)
{
	/* the group is also on libosmocore's global list: take it off */
	rate_ctr_group_free(h->ctrs);
	return 0;
}

struct mgw_h248 *mgw_h248_alloc(struct mgw *mgw)
{
	struct mgw_h248 *h = talloc_zero(mgw, struct mgw_h248);

	if (!h)
		return NULL;
	h->mgw = mgw;
	h->ofd.fd = -1;
	h->cfg.local_port = MGW_H248_PORT;
	h->cfg.version = 1;
	INIT_LLIST_HEAD(&h->ctxs);
	h->ctrs = rate_ctr_group_alloc(h, &mgw_h248_ctrg_desc, 0);
	h->tdefs = h248_tl_tdefs_alloc(h, &mgw_h248_retry_tdef);
	talloc_set_destructor(h, mgw_h248_destructor);
	if (!h->ctrs || !h->tdefs) {
		talloc_free(h);
		return NULL;
	}
	return h;
}

static int h248_send(void *priv, const char *buf, size_t len)
{
	struct mgw_h248 *h = priv;
	struct sockaddr_in to;

	/* the controller, or where it sent us (mgw_h248_handoff.c) */
	if (mgw_h248_dest(h, &to) < 0 || h->ofd.fd < 0)
		return -ENOTCONN;
	if (sendto(h->ofd.fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static void h248_request(void *priv, const struct h248_msg *msg, const struct h248_trans *t)
{
	mgw_h248_request(priv, t);
}

static const struct h248_tl_ops mgw_h248_tl_ops = {
	.send = h248_send,
	.request = h248_request,
};

static int h248_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct mgw_h248 *h = ofd->data;
	char buf[H248_MSG_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	n = recvfrom(ofd->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return 0;
	if (!mgw_h248_from_ctrl(h, &from)) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
		LOGP(DMGW, LOGL_NOTICE, "H.248: %zd octets from %s:%u, not the controller: dropped\n", n, ip,
		     ntohs(from.sin_port));
		mgw_h248_ctr_inc(h, MGW_H248_CTR_RX_FOREIGN);
		return 0;
	}
	/* a datagram longer than any message is cut by recvfrom: the parser refuses it */
	h->rx_from = &from;
	h248_tl_rx(h->tl, buf, (size_t)n);
	h->rx_from = NULL;
	return 0;
}

int mgw_h248_start(struct mgw_h248 *h)
{
	char mid[H248_MID_MAX + 1];
	struct osmo_tdef *d;
	int rc;

	if (!h->cfg.ctrl_ip)
		return 0;
	rc = mgw_udp_open(&h->ofd, h->mgw->cfg.bind_ip, h->cfg.local_port, h248_read_cb, h);
	if (rc < 0) {
		fprintf(stderr, "tandem-mgw: cannot bind H.248 to %s:%u: %s\n", h->mgw->cfg.bind_ip,
			h->cfg.local_port, strerror(-rc));
		return rc;
	}
	snprintf(mid, sizeof(mid), "[%s]:%u", h->mgw->cfg.bind_ip, h->cfg.local_port);
	h->tl = h248_tl_alloc(h, h->cfg.version, mid, &mgw_h248_tl_ops, h, 0);
	if (!h->tl)
		return -ENOMEM;
	h->tl->log_subsys = DMGW;
	osmo_tdef_for_each(d, h->tl->tdefs)
		d->val = osmo_tdef_get_entry(h->tdefs, d->T)->val;
	h->next_ctx_id = 0;
	mgw_h248_ctrl_reset(h);
	LOGP(DMGW, LOGL_NOTICE, "H.248 version %u on %s, controller %s:%u\n", h->cfg.version, mid, h->cfg.ctrl_ip,
	     h->cfg.ctrl_port);
	return mgw_h248_reg_start(h);
}

void mgw_h248_stop(struct mgw_h248 *h)
{
	struct mgw_h248_ctx *ctx, *tmp;

	if (h->tl)
		mgw_h248_reg_shutdown(h);
	llist_for_each_entry_safe(ctx, tmp, &h->ctxs, list)
		mgw_h248_ctx_free(ctx);
	if (h->fi) {
		osmo_fsm_inst_free(h->fi);
		h->fi = NULL;
	}
	TALLOC_FREE(h->tl);
	if (h->ofd.fd >= 0) {
		osmo_fd_unregister(&h->ofd);
		close(h->ofd.fd);
		h->ofd.fd = -1;
	}
}

const char *mgw_h248_state_name(const struct mgw_h248 *h)
{
	if (!h->cfg.ctrl_ip)
		return "OFF";
	return h->fi ? osmo_fsm_inst_state_name(h->fi) : "IDLE";
}

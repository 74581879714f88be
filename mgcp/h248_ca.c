/* tandemd's H.248.1 controller: the gateway object, its UDP socket, state,
 * counters and timers, and the ROOT probe that tells whether a gateway
 * that registered before we started is there.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/sockaddr_str.h>
#include <osmocom/core/stats.h>

#include "mgcp/h248_ca.h"
#include "src/tandem_log.h"

#define LOGCA(ca, level, fmt, args...) \
	LOGP(DMGCP, level, "h248 gw %s: " fmt, (ca)->cfg.name, ##args)

const struct value_string h248_ca_state_names[] = {
	{ H248_CA_ST_UNKNOWN, "UNKNOWN" },
	{ H248_CA_ST_REGISTERED, "REGISTERED" },
	{ H248_CA_ST_GRACEFUL, "GRACEFUL" },
	{ H248_CA_ST_DOWN, "DOWN" },
	{ 0, NULL }
};

const struct value_string h248_ca_audit_why_names[] = {
	{ H248_CA_AUDIT_DISCONNECTED, "Disconnected" },
	{ H248_CA_AUDIT_FAILOVER, "Failover" },
	{ H248_CA_AUDIT_HANDOFF, "Handoff" },
	{ H248_CA_AUDIT_BACK, "answering again" },
	{ 0, NULL }
};

static const struct osmo_tdef h248_ca_probe_tdef = {
	.T = H248_CA_T_PROBE, .default_val = 30, .unit = OSMO_TDEF_S, .max_val = 3600,
	.desc = "AuditValue on ROOT this often to learn whether the gateway answers, 0 = off",
};

static const struct rate_ctr_desc h248_ca_ctr_desc[] = {
	[H248_CA_CTR_SC_RESTART] = { "sc:restart", "ServiceChange Restart accepted" },
	[H248_CA_CTR_SC_DISCONNECTED] = { "sc:disconnected", "ServiceChange Disconnected accepted" },
	[H248_CA_CTR_SC_FAILOVER] = { "sc:failover", "ServiceChange Failover accepted" },
	[H248_CA_CTR_SC_FORCED] = { "sc:forced", "ServiceChange Forced accepted" },
	[H248_CA_CTR_SC_GRACEFUL] = { "sc:graceful", "ServiceChange Graceful accepted" },
	[H248_CA_CTR_SC_OTHER] = { "sc:other", "Other ServiceChanges (Handoff, extension, on a termination)" },
	[H248_CA_CTR_CONTEXTS_LOST] = { "contexts-lost", "Gateway restarted or forced out: its contexts are gone" },
	[H248_CA_CTR_RX_NOTIFY] = { "rx:notify", "Notify commands from the gateway" },
	[H248_CA_CTR_RX_UNSUPPORTED] = { "rx:unsupported", "Other commands from the gateway, answered 501" },
	[H248_CA_CTR_RX_FOREIGN] = { "rx:foreign", "Datagrams not from the gateway, dropped" },
	[H248_CA_CTR_REQ_OK] = { "req:ok", "Requests answered without Error" },
	[H248_CA_CTR_REQ_ERROR] = { "req:error", "Requests answered with an Error" },
	[H248_CA_CTR_REQ_TIMEOUT] = { "req:timeout", "Requests without a reply" },
	[H248_CA_CTR_REQ_REFUSED] = { "req:refused", "Requests not sent: gateway not registered or table full" },
	[H248_CA_CTR_ORPHAN_SUBTRACT] = { "req:orphan-subtract", "Contexts subtracted after their user left" },
	[H248_CA_CTR_PROBE_FAIL] = { "probe:fail", "AuditValue probes of ROOT without a reply" },
	[H248_CA_CTR_AUDIT_RUN] = { "audit:run", "Audits of the calls' contexts started" },
	[H248_CA_CTR_AUDIT_OK] = { "audit:ok", "Calls whose context the audit found" },
	[H248_CA_CTR_AUDIT_LOST] = { "audit:lost", "Calls whose context the audit found gone (cause 41)" },
	[H248_CA_CTR_AUDIT_UNSURE] = { "audit:unsure", "Audits answered with another Error: the call stays" },
	[H248_CA_CTR_HANDOFF] = { "sc:handoff-sent", "ServiceChange Handoff sent to the gateway" },
	[H248_CA_CTR_ERR_400] = { "err:400", "Error 400 Syntax error in message" },
	[H248_CA_CTR_ERR_401] = { "err:401", "Error 401 Protocol Error" },
	[H248_CA_CTR_ERR_403] = { "err:403", "Error 403 Syntax error in transaction request" },
	[H248_CA_CTR_ERR_406] = { "err:406", "Error 406 Version Not Supported" },
	[H248_CA_CTR_ERR_410] = { "err:410", "Error 410 Incorrect identifier" },
	[H248_CA_CTR_ERR_411] = { "err:411", "Error 411 Unknown ContextID" },
	[H248_CA_CTR_ERR_412] = { "err:412", "Error 412 No ContextIDs available" },
	[H248_CA_CTR_ERR_421] = { "err:421", "Error 421 Unknown action or illegal combination of actions" },
	[H248_CA_CTR_ERR_430] = { "err:430", "Error 430 Unknown TerminationID" },
	[H248_CA_CTR_ERR_431] = { "err:431", "Error 431 No TerminationID matched a wildcard" },
	[H248_CA_CTR_ERR_433] = { "err:433", "Error 433 TerminationID is already in a Context" },
	[H248_CA_CTR_ERR_434] = { "err:434", "Error 434 Max number of Terminations in a Context exceeded" },
	[H248_CA_CTR_ERR_435] = { "err:435", "Error 435 Termination ID is not in specified Context" },
	[H248_CA_CTR_ERR_440] = { "err:440", "Error 440 Unsupported or unknown Package" },
	[H248_CA_CTR_ERR_44X] = { "err:44x", "Errors 442-449: command, descriptor, property or parameter refused" },
	[H248_CA_CTR_ERR_500] = { "err:500", "Error 500 Internal software failure in the MG" },
	[H248_CA_CTR_ERR_501] = { "err:501", "Error 501 Not Implemented" },
	[H248_CA_CTR_ERR_502] = { "err:502", "Error 502 Not ready" },
	[H248_CA_CTR_ERR_503] = { "err:503", "Error 503 Service Unavailable" },
	[H248_CA_CTR_ERR_510] = { "err:510", "Error 510 Insufficient resources" },
	[H248_CA_CTR_ERR_515] = { "err:515", "Error 515 Unsupported media type" },
	[H248_CA_CTR_ERR_OTHER] = { "err:other", "Errors with another code" },
};

/* The gateway's Error codes (H.248.8) -> their counters: ranges, in
 * order; a code in none of them is err:other. */
static const struct {
	unsigned int first, last;
	enum h248_ca_ctr ctr;
} h248_ca_err_ctrs[] = {
	{ 400, 400, H248_CA_CTR_ERR_400 },
	{ 401, 401, H248_CA_CTR_ERR_401 },
	{ 403, 403, H248_CA_CTR_ERR_403 },
	{ 406, 406, H248_CA_CTR_ERR_406 },
	{ 410, 410, H248_CA_CTR_ERR_410 },
	{ 411, 411, H248_CA_CTR_ERR_411 },
	{ 412, 412, H248_CA_CTR_ERR_412 },
	{ 421, 421, H248_CA_CTR_ERR_421 },
	{ 430, 430, H248_CA_CTR_ERR_430 },
	{ 431, 431, H248_CA_CTR_ERR_431 },
	{ 433, 433, H248_CA_CTR_ERR_433 },
	{ 434, 434, H248_CA_CTR_ERR_434 },
	{ 435, 435, H248_CA_CTR_ERR_435 },
	{ 440, 440, H248_CA_CTR_ERR_440 },
	{ 442, 449, H248_CA_CTR_ERR_44X },
	{ 500, 500, H248_CA_CTR_ERR_500 },
	{ 501, 501, H248_CA_CTR_ERR_501 },
	{ 502, 502, H248_CA_CTR_ERR_502 },
	{ 503, 503, H248_CA_CTR_ERR_503 },
	{ 510, 510, H248_CA_CTR_ERR_510 },
	{ 515, 515, H248_CA_CTR_ERR_515 },
};

enum h248_ca_ctr h248_ca_err_ctr(unsigned int code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(h248_ca_err_ctrs); i++) {
		if (code >= h248_ca_err_ctrs[i].first && code <= h248_ca_err_ctrs[i].last)
			return h248_ca_err_ctrs[i].ctr;
	}
	return H248_CA_CTR_ERR_OTHER;
}

static const struct rate_ctr_group_desc h248_ca_ctrg_desc = {
	.group_name_prefix = "h248_ca",
	.group_description = "H.248 controller towards one media gateway",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(h248_ca_ctr_desc),
	.ctr_desc = h248_ca_ctr_desc,
};

void h248_ca_ctr_inc(struct h248_ca *ca, enum h248_ca_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, c));
}

void h248_ca_set_state(struct h248_ca *ca, enum h248_ca_state st)
{
	if (ca->state == st)
		return;
	LOGCA(ca, st == H248_CA_ST_REGISTERED ? LOGL_NOTICE : LOGL_ERROR, "%s -> %s\n",
	      get_value_string(h248_ca_state_names, ca->state), get_value_string(h248_ca_state_names, st));
	ca->state = st;
	if (st == H248_CA_ST_REGISTERED)
		ca->known = true;
	if (ca->ops && ca->ops->state)
		ca->ops->state(ca, st, ca->priv);
}

void h248_ca_audit_needed(struct h248_ca *ca, enum h248_ca_audit_why why)
{
	h248_ca_ctr_inc(ca, H248_CA_CTR_AUDIT_RUN);
	LOGCA(ca, LOGL_NOTICE, "%s: audit the contexts of the calls\n", get_value_string(h248_ca_audit_why_names, why));
	if (ca->ops && ca->ops->audit_needed)
		ca->ops->audit_needed(ca, why, ca->priv);
}

static int h248_ca_destructor(struct h248_ca *ca)
{
	h248_ca_stop(ca);
	rate_ctr_group_free(ca->ctrs);
	return 0;
}

struct h248_ca *h248_ca_alloc(void *ctx, const char *name, unsigned int idx)
{
	struct h248_ca *ca = talloc_zero(ctx, struct h248_ca);

	if (!ca)
		return NULL;
	osmo_strlcpy(ca->cfg.name, name, sizeof(ca->cfg.name));
	osmo_strlcpy(ca->cfg.remote_addr, "127.0.0.1", sizeof(ca->cfg.remote_addr));
	ca->cfg.remote_port = H248_CA_DEFAULT_PORT;
	osmo_strlcpy(ca->cfg.local_addr, "127.0.0.1", sizeof(ca->cfg.local_addr));
	ca->cfg.local_port = H248_CA_DEFAULT_PORT;
	ca->cfg.version = 1;
	ca->idx = idx;
	ca->ofd.fd = -1;
	INIT_LLIST_HEAD(&ca->list);
	INIT_LLIST_HEAD(&ca->reqs);
	ca->tdefs = h248_tl_tdefs_alloc(ca, &h248_ca_probe_tdef);
	ca->ctrs = rate_ctr_group_alloc(ca, &h248_ca_ctrg_desc, idx);
	if (!ca->tdefs || !ca->ctrs) {
		rate_ctr_group_free(ca->ctrs);
		talloc_free(ca);
		return NULL;
	}
	rate_ctr_group_set_name(ca->ctrs, name);
	talloc_set_destructor(ca, h248_ca_destructor);
	return ca;
}

static int h248_ca_send(void *priv, const char *buf, size_t len)
{
	struct h248_ca *ca = priv;
	const struct osmo_sockaddr *to = &ca->remote;
	ssize_t rc;

	if (ca->ofd.fd < 0)
		return -ENOTCONN;
	rc = sendto(ca->ofd.fd, buf, len, 0, &to->u.sa,
		    to->u.sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	if (rc < 0)
		return -errno;
	return (size_t)rc == len ? 0 : -EMSGSIZE;
}

static void h248_ca_tl_request(void *priv, const struct h248_msg *msg, const struct h248_trans *t)
{
	h248_ca_rx_request(priv, msg, t);
}

static const struct h248_tl_ops h248_ca_tl_ops = {
	.send = h248_ca_send,
	.request = h248_ca_tl_request,
};

static bool h248_ca_from_gateway(const struct h248_ca *ca, const struct osmo_sockaddr *from)
{
	struct osmo_sockaddr a = *from;

	/* the address only: a gateway may send from another port than it listens on */
	if (a.u.sa.sa_family != AF_INET && a.u.sa.sa_family != AF_INET6)
		return false;
	osmo_sockaddr_set_port(&a.u.sa, osmo_sockaddr_port(&ca->remote.u.sa));
	return osmo_sockaddr_cmp(&a, &ca->remote) == 0;
}

static int h248_ca_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct h248_ca *ca = ofd->data;
	char buf[H248_MSG_MAX + 1];
	struct osmo_sockaddr from;
	socklen_t flen = sizeof(from.u.sas);
	ssize_t n;

	if (!(what & OSMO_FD_READ))
		return 0;
	n = recvfrom(ofd->fd, buf, sizeof(buf), 0, &from.u.sa, &flen);
	if (n <= 0)
		return 0;
	if (!h248_ca_from_gateway(ca, &from)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_RX_FOREIGN);
		LOGCA(ca, LOGL_NOTICE, "datagram from %s dropped: not the gateway\n", osmo_sockaddr_to_str(&from));
		return 0;
	}
	/* longer than any message: recvfrom cut it, and the parser refuses it */
	h248_tl_rx(ca->tl, buf, (size_t)n);
	return 0;
}

bool h248_ca_started(const struct h248_ca *ca)
{
	return ca->ofd.fd >= 0;
}

uint16_t h248_ca_local_port(const struct h248_ca *ca)
{
	struct osmo_sockaddr local;
	socklen_t len = sizeof(local.u.sas);

	if (!h248_ca_started(ca) || getsockname(ca->ofd.fd, &local.u.sa, &len) < 0)
		return 0;
	return osmo_sockaddr_port(&local.u.sa);
}

static int h248_ca_open(struct h248_ca *ca)
{
	struct osmo_sockaddr_str s;
	int fd, rc;

	if (osmo_sockaddr_str_from_str(&s, ca->cfg.remote_addr, ca->cfg.remote_port) < 0 ||
	    osmo_sockaddr_str_to_sockaddr(&s, &ca->remote.u.sas) < 0) {
		LOGCA(ca, LOGL_ERROR, "bad gateway address %s\n", ca->cfg.remote_addr);
		return -EINVAL;
	}
	fd = osmo_sock_init2(AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, ca->cfg.local_addr, ca->cfg.local_port, NULL, 0,
			     OSMO_SOCK_F_BIND | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		LOGCA(ca, LOGL_ERROR, "cannot bind %s:%u\n", ca->cfg.local_addr, ca->cfg.local_port);
		return -EADDRINUSE;
	}
	osmo_fd_setup(&ca->ofd, fd, OSMO_FD_READ, h248_ca_read_cb, ca, 0);
	rc = osmo_fd_register(&ca->ofd);
	if (rc < 0) {
		close(fd);
		ca->ofd.fd = -1;
	}
	return rc;
}

int h248_ca_start(struct h248_ca *ca)
{
	char mid[H248_MID_MAX + 1];
	struct osmo_tdef *d;
	int rc;

	if (h248_ca_started(ca))
		return 0;
	if (ca->cfg.version < 1 || ca->cfg.version > 3)
		return -EINVAL;
	rc = h248_ca_open(ca);
	if (rc < 0)
		return rc;
	if (ca->cfg.mid[0])
		osmo_strlcpy(mid, ca->cfg.mid, sizeof(mid));
	else
		snprintf(mid, sizeof(mid), "[%s]:%u", ca->cfg.local_addr, h248_ca_local_port(ca));
	ca->version = ca->cfg.version;
	ca->tl = h248_tl_alloc(ca, ca->version, mid, &h248_ca_tl_ops, ca, ca->idx);
	if (!ca->tl) {
		h248_ca_stop(ca);
		return -ENOMEM;
	}
	ca->tl->log_subsys = DMGCP;
	osmo_tdef_for_each(d, ca->tl->tdefs)
		d->val = osmo_tdef_get_entry(ca->tdefs, d->T)->val;
	LOGCA(ca, LOGL_NOTICE, "controller %s on %s:%u, gateway %s:%u\n", mid, ca->cfg.local_addr,
	      h248_ca_local_port(ca), ca->cfg.remote_addr, ca->cfg.remote_port);
	/* a gateway registered with an earlier run of ours will not register
	 * again: ask it whether it is there */
	if (osmo_tdef_get(ca->tdefs, H248_CA_T_PROBE, OSMO_TDEF_S, 30))
		h248_ca_probe_schedule(ca, 0);
	return 0;
}

void h248_ca_stop(struct h248_ca *ca)
{
	osmo_timer_del(&ca->probe);
	if (ca->ofd.fd >= 0) {
		osmo_fd_unregister(&ca->ofd);
		close(ca->ofd.fd);
		ca->ofd.fd = -1;
	}
	/* the transaction layer calls nobody back once freed: we do, below */
	TALLOC_FREE(ca->tl);
	h248_ca_reqs_abort(ca);
	ca->probing = false;
	osmo_timer_del(&ca->probe);
}

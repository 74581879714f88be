/* SIP trunks: a trunk's own local SIP bind (`local-bind ADDR [PORT]`).
 *
 * Each bind is a nua of its own on the one Sofia root, made by the SIP
 * agent with its callback and capabilities (sip_agent_nua_create()).  Why
 * not one nta agent with several transports: nua hides its nta agent, and
 * with several tports on one agent the tport of each request and of each
 * dialog's Contact would have to be picked by hand (NTATAG_TPORT on every
 * request nua makes, which nua does not pass through for in-dialog
 * requests, ACKs and CANCELs).  A nua per bind gets Via, Contact and the
 * source port of everything on the trunk's calls and keepalives right by
 * construction; its cost is a few kB per trunk with a bind.
 *
 * A change of the bind restarts the trunk's nua: the old one is shut
 * down, and the new one binds once the old one has let its sockets go.
 * The VTY refuses the change while the trunk has calls (their dialogs
 * live in the old nua), see doc/siptrunks.md.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/nua.h>
#include <talloc.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "src/app.h"
#include "src/cc.h"
#include "src/sip_agent.h"
#include "src/sip_loop.h"
#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_log.h"

/* How long tandemd's exit waits for the binds' nua to shut down. */
#define SIP_TRUNK_BIND_STOP_MS 2000

/* A nua shutting down: destroyed (outside nua's callback) once done; then
 * its owner, if it still exists, binds anew. */
struct bind_retired {
	struct llist_head list;
	struct nua_s *nua;
	struct sip_trunk *owner;
	bool done;
};

static LLIST_HEAD(retired);
static bool binds_running;
static struct osmo_timer_list reap_timer;

int sip_trunk_bind_url(const struct sip_trunk *t, char *buf, size_t len)
{
	bool v6 = strchr(t->bind_addr, ':') != NULL;
	int n;

	if (!t->bind_addr[0]) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, len, "sip:%s%s%s:%u;transport=%s", v6 ? "[" : "", t->bind_addr, v6 ? "]" : "",
		     t->bind_port, get_value_string(sip_trunk_transport_names, t->transport));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

struct nua_s *sip_trunk_nua(const struct sip_trunk *t)
{
	const struct sip_trunk_priv *p = t ? sip_trunk_priv(t) : NULL;

	if (!p)
		return NULL;
	if (t->bind_addr[0])
		return p->bind_nua;
	return g_app && g_app->sip ? g_app->sip->nua : NULL;
}

struct sip_trunk *sip_trunk_by_nua(const struct nua_s *nua)
{
	struct sip_trunk *t;

	if (!nua)
		return NULL;
	llist_for_each_entry(t, sip_trunk_list(), list)
		if (sip_trunk_priv(t) && sip_trunk_priv(t)->bind_nua == nua)
			return t;
	return NULL;
}

unsigned int sip_trunk_bind_calls(const struct sip_trunk *t)
{
	const struct cc_call *call;
	unsigned int n = 0;

	if (!g_cc)
		return 0;
	llist_for_each_entry(call, &g_cc->calls, list)
		if (call->sip && call->sip->trunk == t)
			n++;
	return n;
}

/* ---- checks before a bind is configured ---- */

static bool addr_parse(const char *text, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		*sl = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		*sl = sizeof(*s6);
		return true;
	}
	return false;
}

static bool addr_wildcard(const char *text)
{
	return !strcmp(text, "0.0.0.0") || !strcmp(text, "::");
}

/* Two listeners on one port clash when their addresses do (the same, or
 * one is the wildcard of every address). */
static bool addr_clash(const char *a, const char *b)
{
	struct sockaddr_storage sa, sb;
	socklen_t la, lb;

	if (addr_wildcard(a) || addr_wildcard(b))
		return true;
	if (!addr_parse(a, &sa, &la) || !addr_parse(b, &sb, &lb) || sa.ss_family != sb.ss_family)
		return false;
	if (sa.ss_family == AF_INET)
		return !memcmp(&((struct sockaddr_in *)&sa)->sin_addr, &((struct sockaddr_in *)&sb)->sin_addr,
			       sizeof(struct in_addr));
	return !memcmp(&((struct sockaddr_in6 *)&sa)->sin6_addr, &((struct sockaddr_in6 *)&sb)->sin6_addr,
		       sizeof(struct in6_addr));
}

/* Bind a socket of the type for a moment: is the address ours, the port free? */
static int trial_bind(const struct sockaddr_storage *ss, socklen_t sl, int type)
{
	int fd = socket(ss->ss_family, type, 0), rc = 0, one = 1;

	if (fd < 0)
		return -errno;
	/* as Sofia's TCP listener does: a TIME_WAIT left on the port by
	 * earlier connections is no reason to refuse it */
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		rc = -errno;
	if (!rc && bind(fd, (const struct sockaddr *)ss, sl) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static bool agent_transport_has(enum sip_transport at, enum sip_trunk_transport tt)
{
	return at == SIP_TRANSPORT_UDP_TCP || (at == SIP_TRANSPORT_UDP && tt == SIP_TRUNK_UDP) ||
	       (at == SIP_TRANSPORT_TCP && tt == SIP_TRUNK_TCP);
}

int sip_trunk_bind_check(const struct sip_trunk *t, const char *addr, uint16_t port, char *why, size_t len)
{
	const struct sip_trunk_priv *p = sip_trunk_priv(t);
	const struct sip_trunk *o;
	struct sockaddr_storage ss;
	socklen_t sl;
	int rc;

	if (!addr || strlen(addr) >= SIP_TRUNK_BIND_ADDR_MAX || !addr_parse(addr, &ss, &sl)) {
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", addr ?: "");
		return -EINVAL;
	}
	llist_for_each_entry(o, sip_trunk_list(), list) {
		if (o == t || !o->bind_addr[0] || o->bind_port != port || !addr_clash(o->bind_addr, addr))
			continue;
		snprintf(why, len, "%s port %u is SIP trunk %s's local-bind", o->bind_addr, port, o->name);
		return -EEXIST;
	}
	if (g_app && g_app->sip && g_app->sip->cfg.local_port == port &&
	    agent_transport_has(g_app->sip->cfg.transport, t->transport) &&
	    addr_clash(g_app->sip->cfg.local_addr ?: "127.0.0.1", addr)) {
		snprintf(why, len, "%s port %u is the SIP agent's listener (the sip node)", addr, port);
		return -EADDRINUSE;
	}
	/* our own running listener would make the trial fail: nua tells */
	if (p && p->bind_nua && t->bind_port == port)
		return 0;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	rc = trial_bind(&ss, sl, t->transport == SIP_TRUNK_TCP ? SOCK_STREAM : SOCK_DGRAM);
	if (rc == -EADDRINUSE) {
		snprintf(why, len, "%s port %u (%s) is in use", addr, port,
			 get_value_string(sip_trunk_transport_names, t->transport));
		return rc;
	}
	if (rc < 0) {
		snprintf(why, len, "cannot bind %s port %u: %s", addr, port, strerror(-rc));
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* ---- the trunk's nua ---- */

static void bind_start(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	char url[sizeof(p->bind_running)], why[160] = "nua cannot bind";

	p->bind_running[0] = '\0';
	if (sip_trunk_bind_url(t, url, sizeof(url)) <= 0 || !g_app || !g_app->sip)
		return;
	/* a nua_create() that cannot bind leaks its reactor source (Sofia
	 * 1.12): try the port first, nua only when that works */
	if (sip_trunk_bind_check(t, t->bind_addr, t->bind_port, why, sizeof(why)) == 0)
		p->bind_nua = sip_agent_nua_create(g_app->sip, url);
	else
		p->bind_nua = NULL;
	if (!p->bind_nua) {
		sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_BIND_FAIL);
		LOGP(DSIP, LOGL_ERROR, "SIP trunk %s: cannot listen on %s (%s): no calls to or from it there\n",
		     t->name, url, why);
		return;
	}
	osmo_strlcpy(p->bind_running, url, sizeof(p->bind_running));
	LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s listening on %s\n", t->name, url);
}

/* Shut the trunk's nua down; it is destroyed when nua says it is done. */
static void bind_retire(struct sip_trunk *t, bool rebind)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	struct bind_retired *r;

	if (!p->bind_nua)
		return;
	r = talloc_zero(NULL, struct bind_retired);
	if (!r) {
		/* cannot wait for it: leave it to the process' end */
		LOGP(DSIP, LOGL_ERROR, "SIP trunk %s: out of memory, old listener stays\n", t->name);
		p->bind_nua = NULL;
		return;
	}
	r->nua = p->bind_nua;
	r->owner = rebind ? t : NULL;
	llist_add_tail(&r->list, &retired);
	p->bind_nua = NULL;
	p->bind_running[0] = '\0';
	p->bind_retiring = rebind;
	nua_shutdown(r->nua);
}

static void reap_cb(void *data)
{
	struct bind_retired *r, *tmp;

	llist_for_each_entry_safe(r, tmp, &retired, list) {
		struct sip_trunk *t = r->owner;

		if (!r->done)
			continue;
		llist_del(&r->list);
		nua_destroy(r->nua);
		talloc_free(r);
		if (!t)
			continue;
		sip_trunk_priv(t)->bind_retiring = false;
		if (!binds_running)
			continue;
		bind_start(t);
		if (sip_trunk_ka_running())
			sip_trunk_ka_start(t);
	}
}

void sip_trunk_bind_shutdown_done(struct nua_s *nua)
{
	struct bind_retired *r;

	llist_for_each_entry(r, &retired, list)
		if (r->nua == nua)
			r->done = true;
	/* nua may not be destroyed from inside its own callback */
	osmo_timer_schedule(&reap_timer, 0, 0);
}

void sip_trunk_bind_apply(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	char url[sizeof(p->bind_running)];

	if (!binds_running || !p || sip_trunk_bind_url(t, url, sizeof(url)) < 0)
		return;
	/* a restart under way binds on whatever is configured when it ends */
	if (p->bind_retiring)
		return;
	if (p->bind_nua && !strcmp(url, p->bind_running))
		return;
	if (!p->bind_nua && !url[0])
		return;
	/* the keepalive handles belong to the nua used so far: dropped
	 * while it still exists (sip_trunk_reconfigured() restarts them) */
	sip_trunk_ka_stop(t);
	if (p->bind_nua) {
		LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s: local bind %s -> %s\n", t->name, p->bind_running,
		     url[0] ? url : "the SIP agent's");
		bind_retire(t, true);
		return;
	}
	bind_start(t);
}

void sip_trunk_bind_release(struct sip_trunk *t)
{
	struct bind_retired *r;

	llist_for_each_entry(r, &retired, list)
		if (r->owner == t)
			r->owner = NULL;
	if (sip_trunk_priv(t))
		bind_retire(t, false);
}

void sip_trunk_binds_start(void)
{
	struct sip_trunk *t;

	osmo_timer_setup(&reap_timer, reap_cb, NULL);
	binds_running = true;
	llist_for_each_entry(t, sip_trunk_list(), list)
		bind_start(t);
}

static void stop_timeout_cb(void *data)
{
	bool *expired = data;

	*expired = true;
}

static bool all_done(void)
{
	struct bind_retired *r;

	llist_for_each_entry(r, &retired, list)
		if (!r->done)
			return false;
	return true;
}

void sip_trunk_binds_stop(void)
{
	struct osmo_timer_list deadline = {};
	struct bind_retired *r, *tmp;
	struct sip_trunk *t;
	bool expired = false;

	if (!binds_running)
		return;
	binds_running = false;
	llist_for_each_entry(t, sip_trunk_list(), list)
		bind_retire(t, false);
	/* nua ends its transactions asynchronously: keep the loop going, for
	 * a bounded time, as the agent's own stop does */
	osmo_timer_setup(&deadline, stop_timeout_cb, &expired);
	osmo_timer_schedule(&deadline, SIP_TRUNK_BIND_STOP_MS / 1000, (SIP_TRUNK_BIND_STOP_MS % 1000) * 1000);
	while (!all_done() && !expired && g_app && g_app->loop)
		sip_loop_iterate(g_app->loop, false);
	osmo_timer_del(&deadline);
	osmo_timer_del(&reap_timer);
	llist_for_each_entry_safe(r, tmp, &retired, list) {
		if (!r->done)
			LOGP(DSIP, LOGL_NOTICE, "a SIP trunk's listener did not shut down in %u ms\n",
			     SIP_TRUNK_BIND_STOP_MS);
		llist_del(&r->list);
		nua_destroy(r->nua);
		talloc_free(r);
	}
}

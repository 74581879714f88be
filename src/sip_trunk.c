/* SIP trunks: the table of trunks, their peers, access lists, counters
 * and Request-URIs.  Keepalive, admission and digest live in their own
 * files (src/sip_trunk_keepalive.c, _admit.c, _auth.c), the VTY in
 * src/sip_trunk_vty.c.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"

const struct value_string sip_trunk_transport_names[] = {
	{ SIP_TRUNK_UDP, "udp" },
	{ SIP_TRUNK_TCP, "tcp" },
	{ 0, NULL }
};

const struct value_string sip_trunk_100rel_names[] = {
	{ SIP_TRUNK_100REL_OFF, "off" },
	{ SIP_TRUNK_100REL_SUPPORTED, "supported" },
	{ SIP_TRUNK_100REL_REQUIRED, "required" },
	{ 0, NULL }
};

const struct value_string sip_trunk_state_names[] = {
	{ SIP_TRUNK_ST_UP, "UP" },
	{ SIP_TRUNK_ST_DOWN, "DOWN" },
	{ 0, NULL }
};

const struct value_string sip_codec_names[] = {
	{ SIP_CODEC_PCMA, "PCMA" },
	{ SIP_CODEC_PCMU, "PCMU" },
	{ SIP_CODEC_G729, "G729" },
	{ SIP_CODEC_TELEPHONE_EVENT, "telephone-event" },
	{ 0, NULL }
};

static const struct rate_ctr_desc sip_trunk_ctr_desc[] = {
	[SIP_TRUNK_CTR_CALL_IN] = { "call:in", "Calls received on the trunk" },
	[SIP_TRUNK_CTR_CALL_OUT] = { "call:out", "Calls sent to the trunk" },
	[SIP_TRUNK_CTR_ANSWERED] = { "call:answered", "Calls answered" },
	[SIP_TRUNK_CTR_FAILED] = { "call:failed", "Calls failed" },
	[SIP_TRUNK_CTR_ACL_REJECT] = { "reject:acl", "Requests refused by the access list" },
	[SIP_TRUNK_CTR_AUTH_FAIL] = { "reject:auth", "Digest authentications failed (either way)" },
	[SIP_TRUNK_CTR_KEEPALIVE_FAIL] = { "keepalive:fail", "OPTIONS keepalives unanswered" },
	[SIP_TRUNK_CTR_DOWN] = { "down", "Times the trunk went DOWN" },
	[SIP_TRUNK_CTR_BIND_FAIL] = { "bind:fail", "Local binds refused or failed (address in use, not local)" },
};

static const struct rate_ctr_group_desc sip_trunk_ctrg_desc = {
	.group_name_prefix = "sip:trunk",
	.group_description = "SIP trunk",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(sip_trunk_ctr_desc),
	.ctr_desc = sip_trunk_ctr_desc,
};

static const struct rate_ctr_desc sip_trunks_ctr_desc[] = {
	[SIP_TRUNKS_CTR_UNKNOWN_SOURCE] = { "reject:unknown-source",
					    "INVITEs refused 403: source on no trunk's access list" },
	[SIP_TRUNKS_CTR_NO_SOURCE] = { "reject:no-source",
				       "INVITEs refused 403: source address unknown to the stack" },
	[SIP_TRUNKS_CTR_MALFORMED] = { "reject:malformed", "Requests refused 400: no request line to admit" },
};

static const struct rate_ctr_group_desc sip_trunks_ctrg_desc = {
	.group_name_prefix = "sip:trunks",
	.group_description = "SIP trunks (requests of no trunk)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(sip_trunks_ctr_desc),
	.ctr_desc = sip_trunks_ctr_desc,
};

static LLIST_HEAD(sip_trunks);
static unsigned int sip_trunks_num;
static unsigned int sip_trunk_next_idx;
static struct rate_ctr_group *sip_trunks_ctrs;

struct llist_head *sip_trunk_list(void)
{
	return &sip_trunks;
}

unsigned int sip_trunk_count(void)
{
	return sip_trunks_num;
}

void sip_trunks_ctrs_alloc(void)
{
	if (!sip_trunks_ctrs)
		sip_trunks_ctrs = rate_ctr_group_alloc(NULL, &sip_trunks_ctrg_desc, 0);
}

void sip_trunks_ctr_inc(enum sip_trunk_global_ctr c)
{
	/* the daemon makes them at start-up; unit tests on first use */
	sip_trunks_ctrs_alloc();
	if (sip_trunks_ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(sip_trunks_ctrs, c));
}

void sip_trunk_ctr_inc(struct sip_trunk *t, enum sip_trunk_ctr c)
{
	if (t && t->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(t->ctrs, c));
}

struct sip_trunk *sip_trunk_find(const char *name)
{
	struct sip_trunk *t;

	if (!name)
		return NULL;
	llist_for_each_entry(t, &sip_trunks, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static int sip_trunk_destructor(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);

	sip_trunk_ka_stop(t);
	sip_trunk_bind_release(t);
	sip_trunk_auth_reset(t);
	/* the FSM is on the FSM's global instance list */
	if (p->fi)
		osmo_fsm_inst_free(p->fi);
	p->fi = NULL;
	/* the group is registered globally: unregister it with the trunk */
	if (t->ctrs)
		rate_ctr_group_free(t->ctrs);
	t->ctrs = NULL;
	return 0;
}

struct sip_trunk *sip_trunk_get(void *ctx, const char *name, int *err)
{
	struct sip_trunk_priv *p;
	struct sip_trunk *t;

	if (!name || !*name || strlen(name) >= SIP_TRUNK_NAME_MAX || strpbrk(name, " \t\"")) {
		*err = -EINVAL;
		return NULL;
	}
	t = sip_trunk_find(name);
	if (t)
		return t;
	if (sip_trunks_num >= SIP_TRUNK_MAX) {
		*err = -ENOSPC;
		return NULL;
	}
	t = talloc_zero(ctx, struct sip_trunk);
	p = t ? talloc_zero(t, struct sip_trunk_priv) : NULL;
	if (!p) {
		talloc_free(t);
		*err = -ENOMEM;
		return NULL;
	}
	osmo_strlcpy(t->name, name, sizeof(t->name));
	p->t = t;
	t->priv = p;
	p->fi = sip_trunk_fsm_alloc(t);
	t->ctrs = rate_ctr_group_alloc(t, &sip_trunk_ctrg_desc, sip_trunk_next_idx++);
	talloc_set_destructor(t, sip_trunk_destructor);
	if (!p->fi || !t->ctrs) {
		talloc_free(t);
		*err = -ENOMEM;
		return NULL;
	}
	rate_ctr_group_set_name(t->ctrs, t->name);
	t->transport = SIP_TRUNK_UDP;
	/* plain SIP sends no ISUP body to a peer that may not want one;
	 * Q.1912.5 tables are what the SIP-I library assumes for it */
	t->mode = SIPI_MODE_SIP;
	t->cause_map = SIPI_MAP_Q1912;
	t->rel100 = SIP_TRUNK_100REL_SUPPORTED;
	t->state = SIP_TRUNK_ST_UP;
	llist_add_tail(&t->list, &sip_trunks);
	sip_trunks_num++;
	return t;
}

void sip_trunk_del(struct sip_trunk *t)
{
	llist_del(&t->list);
	sip_trunks_num--;
	talloc_free(t);
}

void sip_trunk_free_all(void)
{
	while (!llist_empty(&sip_trunks))
		sip_trunk_del(llist_first_entry(&sip_trunks, struct sip_trunk, list));
}

/* ---- peers ---- */

static bool host_valid(const char *host)
{
	size_t n = strlen(host);

	/* a literal address, or a DNS name (RFC 1123 letters, digits, - .) */
	return n && n < SIP_TRUNK_HOST_MAX &&
	       strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:") == n;
}

int sip_trunk_peer_add(struct sip_trunk *t, const char *host, uint16_t port)
{
	struct in6_addr a6;
	unsigned int i;

	if (!host || !host_valid(host))
		return -EINVAL;
	/* a colon means IPv6: it must then be a literal */
	if (strchr(host, ':') && inet_pton(AF_INET6, host, &a6) != 1)
		return -EINVAL;
	if (!port)
		port = 5060;
	for (i = 0; i < t->num_peers; i++)
		if (!strcmp(t->peers[i].host, host) && t->peers[i].port == port)
			return -EEXIST;
	if (t->num_peers >= SIP_TRUNK_PEERS_MAX)
		return -ENOSPC;
	osmo_strlcpy(t->peers[t->num_peers].host, host, SIP_TRUNK_HOST_MAX);
	t->peers[t->num_peers].port = port;
	t->num_peers++;
	return 0;
}

int sip_trunk_peer_del(struct sip_trunk *t, const char *host, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < t->num_peers; i++) {
		if (strcmp(t->peers[i].host, host) || (port && t->peers[i].port != port))
			continue;
		memmove(&t->peers[i], &t->peers[i + 1], (t->num_peers - i - 1) * sizeof(t->peers[0]));
		t->num_peers--;
		return 0;
	}
	return -ENOENT;
}

/* ---- access lists ---- */

int sip_trunk_acl_parse(const char *text, struct sip_trunk_acl *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned int max, i;
	const uint8_t *bytes;
	char *end;
	long len;

	memset(out, 0, sizeof(*out));
	if (!alen || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&out->addr)->sin_addr) == 1) {
		out->addr.ss_family = AF_INET;
		bytes = (const uint8_t *)&((struct sockaddr_in *)&out->addr)->sin_addr;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&out->addr)->sin6_addr) == 1) {
		out->addr.ss_family = AF_INET6;
		bytes = ((struct sockaddr_in6 *)&out->addr)->sin6_addr.s6_addr;
		max = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
			return -EINVAL;
		len = strtol(slash + 1, &end, 10);
		if (len < 0 || len > max)
			return -EINVAL;
	} else {
		len = max;
	}
	out->prefix_len = len;
	/* host bits set is a typo more often than not: refuse it */
	for (i = len; i < max; i++)
		if (bytes[i / 8] & (0x80 >> (i % 8)))
			return -EDOM;
	return 0;
}

int sip_trunk_acl_str(const struct sip_trunk_acl *a, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	const void *src = a->addr.ss_family == AF_INET ?
				  (const void *)&((const struct sockaddr_in *)&a->addr)->sin_addr :
				  (const void *)&((const struct sockaddr_in6 *)&a->addr)->sin6_addr;

	if (!inet_ntop(a->addr.ss_family, src, addr, sizeof(addr)))
		return -EINVAL;
	return snprintf(buf, len, "%s/%u", addr, a->prefix_len);
}

/* The address bytes of src, with an IPv4-mapped IPv6 address as IPv4. */
static const uint8_t *src_bytes(const struct sockaddr *src, int *family)
{
	const struct sockaddr_in6 *s6;

	if (src->sa_family == AF_INET) {
		*family = AF_INET;
		return (const uint8_t *)&((const struct sockaddr_in *)src)->sin_addr;
	}
	if (src->sa_family != AF_INET6)
		return NULL;
	s6 = (const struct sockaddr_in6 *)src;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		*family = AF_INET;
		return s6->sin6_addr.s6_addr + 12;
	}
	*family = AF_INET6;
	return s6->sin6_addr.s6_addr;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (0xff << (8 - rest)));
}

bool sip_trunk_acl_match(const struct sip_trunk_acl *a, const struct sockaddr *src)
{
	int family;
	const uint8_t *s = src ? src_bytes(src, &family) : NULL;
	const uint8_t *p;

	if (!s || family != a->addr.ss_family)
		return false;
	p = family == AF_INET ? (const uint8_t *)&((const struct sockaddr_in *)&a->addr)->sin_addr :
				((const struct sockaddr_in6 *)&a->addr)->sin6_addr.s6_addr;
	return prefix_eq(p, s, a->prefix_len);
}

bool sip_trunk_admits(const struct sip_trunk *t, const struct sockaddr *src)
{
	struct sip_trunk_acl peer;
	unsigned int i;

	for (i = 0; i < t->num_acl; i++)
		if (sip_trunk_acl_match(&t->acl[i], src))
			return true;
	if (t->num_acl)
		return false;
	/* Empty ACL: the peers' literal addresses.  Peers given by name are
	 * not resolved here (no blocking DNS in the loop): such a trunk
	 * needs an explicit acl. */
	for (i = 0; i < t->num_peers; i++)
		if (sip_trunk_acl_parse(t->peers[i].host, &peer) == 0 && sip_trunk_acl_match(&peer, src))
			return true;
	return false;
}

struct sip_trunk *sip_trunk_by_source(const struct sockaddr *src)
{
	struct sip_trunk *t;

	if (!src)
		return NULL;
	llist_for_each_entry(t, &sip_trunks, list)
		if (sip_trunk_admits(t, src))
			return t;
	return NULL;
}

/* ---- calls towards the trunk ---- */

bool sip_trunk_usable(const struct sip_trunk *t)
{
	/* a trunk with its own bind is usable only while that listens */
	return t && t->num_peers && t->state == SIP_TRUNK_ST_UP &&
	       (!t->bind_addr[0] || (t->priv && sip_trunk_priv(t)->bind_nua));
}

/* The first peer the keepalive has not found dead. */
static const struct sip_trunk_peer *first_usable_peer(const struct sip_trunk *t)
{
	const struct sip_trunk_priv *p = sip_trunk_priv(t);
	unsigned int i;

	for (i = 0; i < t->num_peers; i++)
		if (!t->keepalive_s || !p || p->ka[i].up)
			return &t->peers[i];
	return t->num_peers ? &t->peers[0] : NULL;
}

int sip_trunk_request_uri(const struct sip_trunk *t, const char *number, char *buf, size_t len)
{
	const struct sip_trunk_peer *peer;
	bool v6;
	int n;

	if (!t || !number || !*number)
		return -ENOENT;
	/* digits as ISUP carries them (and a leading + for E.164); anything
	 * else would need URI escaping and is no number we route */
	if (strspn(number + (number[0] == '+'), "0123456789*") != strlen(number + (number[0] == '+')))
		return -EINVAL;
	peer = first_usable_peer(t);
	if (!peer)
		return -ENOENT;
	v6 = strchr(peer->host, ':') != NULL;
	n = snprintf(buf, len, "sip:%s@%s%s%s:%u;transport=%s", number, v6 ? "[" : "", peer->host,
		     v6 ? "]" : "", peer->port, get_value_string(sip_trunk_transport_names, t->transport));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int sip_trunk_auth_string(const struct sip_trunk *t, const char *realm, char *buf, size_t len)
{
	size_t rlen;
	int n;

	if (!t || !t->auth_out_user[0])
		return -ENOENT;
	realm = realm ?: "";
	rlen = strlen(realm);
	/* the challenge's realm may come with its quotes */
	if (rlen >= 2 && realm[0] == '"' && realm[rlen - 1] == '"') {
		realm++;
		rlen -= 2;
	}
	if (rlen > SIP_TRUNK_CRED_MAX || memchr(realm, '"', rlen))
		return -EINVAL;
	n = snprintf(buf, len, "Digest:\"%.*s\":%s:%s", (int)rlen, realm, t->auth_out_user, t->auth_out_pass);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

void sip_trunk_reconfigured(struct sip_trunk *t)
{
	sip_trunk_auth_reset(t);
	/* the listener first: the keepalive pings from it */
	sip_trunk_bind_apply(t);
	if (sip_trunk_ka_running())
		sip_trunk_ka_start(t);
}

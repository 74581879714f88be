/* The audio session description carried in MGCP (RFC 4566 subset).
 *
 * Only what a gateway connection needs is typed: the connection address,
 * the first audio stream's port, payload types, rtpmap/fmtp, ptime and
 * direction.  Other lines are checked for the x=value form and skipped.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_msg.h"
#include "mgcp/mgcp_sdp.h"

const struct value_string mgcp_sdp_dir_names[] = {
	{ MGCP_SDP_DIR_NONE, "none" },
	{ MGCP_SDP_DIR_SENDRECV, "sendrecv" },
	{ MGCP_SDP_DIR_SENDONLY, "sendonly" },
	{ MGCP_SDP_DIR_RECVONLY, "recvonly" },
	{ MGCP_SDP_DIR_INACTIVE, "inactive" },
	{ 0, NULL }
};

/* Parse a decimal number of at most @max into @out; false on junk or overflow. */
static bool sdp_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Split @line at spaces into at most @max tokens; returns the count or -1. */
static int sdp_tokens(char *line, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == max)
			return -1;
		tok[n++] = t;
	}
	return n;
}

static bool sdp_addr(const char *type, const char *addr, bool *ipv6)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (strlen(addr) > MGCP_SDP_ADDR_MAX)
		return false;
	if (!strcmp(type, "IP4")) {
		*ipv6 = false;
		return inet_pton(AF_INET, addr, buf) == 1;
	}
	if (!strcmp(type, "IP6")) {
		*ipv6 = true;
		return inet_pton(AF_INET6, addr, buf) == 1;
	}
	return false;
}

static struct mgcp_sdp_pt *sdp_find_pt(struct mgcp_sdp *sdp, uint64_t pt)
{
	unsigned int i;

	for (i = 0; i < sdp->n_pt; i++) {
		if (sdp->pts[i].pt == pt)
			return &sdp->pts[i];
	}
	return NULL;
}

/* o=<user> <id> <version> IN <type> <addr> */
static int sdp_line_o(struct mgcp_sdp *sdp, char *v)
{
	char *tok[7];
	bool ipv6;

	if (sdp_tokens(v, tok, 6) != 6 || strcmp(tok[3], "IN") || !sdp_addr(tok[4], tok[5], &ipv6) ||
	    !sdp_number(tok[2], strlen(tok[2]), UINT64_MAX, &sdp->sess_version))
		return -MGCP_ERR_SDP;
	/* osmo-mgw 1.10 puts its hex connection id there: accept, keep 0 */
	if (!sdp_number(tok[1], strlen(tok[1]), UINT64_MAX, &sdp->sess_id)) {
		if (!mgcp_id_valid(tok[1]))
			return -MGCP_ERR_SDP;
		sdp->sess_id = 0;
	}
	return 0;
}

/* c=IN <type> <addr>[/ttl] */
static int sdp_line_c(struct mgcp_sdp *sdp, char *v)
{
	char *tok[4], *slash;

	if (sdp_tokens(v, tok, 3) != 3 || strcmp(tok[0], "IN"))
		return -MGCP_ERR_SDP;
	slash = strchr(tok[2], '/');
	if (slash)
		*slash = '\0';
	if (!sdp_addr(tok[1], tok[2], &sdp->ipv6))
		return -MGCP_ERR_SDP;
	strcpy(sdp->addr, tok[2]);
	return 0;
}

/* m=audio <port>[/<count>] RTP/AVP <pt>... */
static int sdp_line_m(struct mgcp_sdp *sdp, char *v)
{
	char *tok[3 + MGCP_SDP_PT_MAX], *slash;
	uint64_t port, pt;
	int n, i;

	n = sdp_tokens(v, tok, ARRAY_SIZE(tok));
	if (n < 0)
		return -MGCP_ERR_SDP_UNSUPPORTED;
	if (n < 4)
		return -MGCP_ERR_SDP;
	slash = strchr(tok[1], '/');
	if (slash)
		*slash = '\0';
	if (!sdp_number(tok[1], strlen(tok[1]), 65535, &port))
		return -MGCP_ERR_SDP;
	if (strcmp(tok[2], "RTP/AVP"))
		return -MGCP_ERR_SDP_UNSUPPORTED;
	sdp->has_media = true;
	sdp->port = port;
	for (i = 3; i < n; i++) {
		if (!sdp_number(tok[i], strlen(tok[i]), 127, &pt) || sdp_find_pt(sdp, pt))
			return -MGCP_ERR_SDP;
		sdp->pts[sdp->n_pt++].pt = pt;
	}
	return 0;
}

/* a=rtpmap:<pt> <name>/<rate>[/<channels>] */
static int sdp_attr_rtpmap(struct mgcp_sdp *sdp, char *v)
{
	struct mgcp_sdp_pt *p;
	char *sp, *name, *rate, *chan;
	uint64_t pt, r;

	sp = strchr(v, ' ');
	if (!sp || !sdp_number(v, sp - v, 127, &pt))
		return -MGCP_ERR_SDP;
	name = sp + 1;
	rate = strchr(name, '/');
	if (!rate || rate == name || rate - name > MGCP_SDP_NAME_MAX)
		return -MGCP_ERR_SDP;
	*rate++ = '\0';
	chan = strchr(rate, '/');
	if (chan && strcmp(chan, "/1"))
		return -MGCP_ERR_SDP;	/* mono only */
	if (!sdp_number(rate, chan ? (size_t)(chan - rate) : strlen(rate), 1000000, &r) || r == 0)
		return -MGCP_ERR_SDP;
	for (sp = name; *sp; sp++) {
		if (!isalnum((unsigned char)*sp) && !strchr("-_.+", *sp))
			return -MGCP_ERR_SDP;
	}
	p = sdp_find_pt(sdp, pt);
	if (!p)
		return 0;	/* not offered on the m= line: meaningless, ignore */
	strcpy(p->name, name);
	p->rate = r;
	return 0;
}

/* a=fmtp:<pt> <params> */
static int sdp_attr_fmtp(struct mgcp_sdp *sdp, char *v)
{
	struct mgcp_sdp_pt *p;
	char *sp;
	uint64_t pt;

	sp = strchr(v, ' ');
	if (!sp || !sdp_number(v, sp - v, 127, &pt) || strlen(sp + 1) > MGCP_SDP_FMTP_MAX || !sp[1])
		return -MGCP_ERR_SDP;
	p = sdp_find_pt(sdp, pt);
	if (p)
		strcpy(p->fmtp, sp + 1);
	return 0;
}

static int sdp_line_a(struct mgcp_sdp *sdp, char *v, bool in_audio)
{
	uint64_t n;
	int dir;

	dir = get_string_value(mgcp_sdp_dir_names, v);
	if (dir > 0) {
		sdp->dir = dir;
		return 0;
	}
	if (!in_audio)
		return 0;
	if (!strncmp(v, "rtpmap:", 7))
		return sdp_attr_rtpmap(sdp, v + 7);
	if (!strncmp(v, "fmtp:", 5))
		return sdp_attr_fmtp(sdp, v + 5);
	if (!strncmp(v, "ptime:", 6)) {
		if (!sdp_number(v + 6, strlen(v + 6), 1000, &n) || n == 0)
			return -MGCP_ERR_SDP;
		sdp->ptime = n;
	}
	return 0;
}

int mgcp_sdp_parse(struct mgcp_sdp *sdp, const char *buf, size_t len, unsigned int *bad_line)
{
	char line[MGCP_LINE_MAX + 1];
	unsigned int lineno = 0;
	bool in_audio = false, in_other = false, seen_c_audio = false;
	char session_addr[MGCP_SDP_ADDR_MAX + 1] = "";
	bool session_ipv6 = false;
	size_t pos = 0;
	int rc = 0;

	memset(sdp, 0, sizeof(*sdp));
	if (len > MGCP_MSG_MAX)
		return -MGCP_ERR_TOO_LONG;
	while (pos < len) {
		const char *eol = memchr(buf + pos, '\n', len - pos);
		size_t l = eol ? (size_t)(eol - (buf + pos)) : len - pos;

		lineno++;
		if (l > 0 && buf[pos + l - 1] == '\r')
			l--;
		if (lineno > MGCP_SDP_LINES_MAX || l > MGCP_LINE_MAX) {
			rc = -MGCP_ERR_TOO_LONG;
			goto fail;
		}
		memcpy(line, buf + pos, l);
		line[l] = '\0';
		pos = eol ? (size_t)(eol - buf) + 1 : len;
		if (l == 0) {
			/* a blank line carries nothing */
			continue;
		}
		if (l < 2 || line[1] != '=' || !islower((unsigned char)line[0]) || memchr(line, '\0', l)) {
			rc = -MGCP_ERR_SDP;
			goto fail;
		}
		if (lineno == 1 && (line[0] != 'v' || strcmp(line + 2, "0"))) {
			rc = -MGCP_ERR_SDP;
			goto fail;
		}
		switch (line[0]) {
		case 'o':
			rc = sdp_line_o(sdp, line + 2);
			break;
		case 'c':
			if (in_other)
				break;
			rc = sdp_line_c(sdp, line + 2);
			if (!in_audio) {
				strcpy(session_addr, sdp->addr);
				session_ipv6 = sdp->ipv6;
			} else {
				seen_c_audio = true;
			}
			break;
		case 'm':
			if (sdp->has_media || strncmp(line + 2, "audio ", 6)) {
				/* a further stream: not ours, skip its attributes */
				in_audio = false;
				in_other = true;
				break;
			}
			in_other = false;
			in_audio = true;
			rc = sdp_line_m(sdp, line + 2);
			break;
		case 'a':
			if (!in_other)
				rc = sdp_line_a(sdp, line + 2, in_audio);
			break;
		default:
			break;
		}
		if (rc < 0)
			goto fail;
	}
	if (lineno == 0 || !sdp->has_media) {
		rc = -MGCP_ERR_SDP;
		goto fail;
	}
	if (!seen_c_audio) {
		if (!session_addr[0]) {
			rc = -MGCP_ERR_SDP;
			goto fail;
		}
		strcpy(sdp->addr, session_addr);
		sdp->ipv6 = session_ipv6;
	}
	return 0;
fail:
	if (bad_line)
		*bad_line = lineno;
	return rc;
}

int mgcp_sdp_add_pt(struct mgcp_sdp *sdp, uint8_t pt, const char *name, uint32_t rate, const char *fmtp)
{
	struct mgcp_sdp_pt *p;

	if (sdp->n_pt >= MGCP_SDP_PT_MAX)
		return -MGCP_ERR_TOO_MANY;
	if (pt > 127 || (name && strlen(name) > MGCP_SDP_NAME_MAX) || (fmtp && strlen(fmtp) > MGCP_SDP_FMTP_MAX))
		return -MGCP_ERR_INVAL;
	p = &sdp->pts[sdp->n_pt++];
	memset(p, 0, sizeof(*p));
	p->pt = pt;
	if (name)
		strcpy(p->name, name);
	p->rate = rate;
	if (fmtp)
		strcpy(p->fmtp, fmtp);
	return 0;
}

const char *mgcp_sdp_pt_name(const struct mgcp_sdp_pt *p)
{
	enum mgcp_codec c;

	if (p->name[0])
		return p->name;
	c = mgcp_codec_by_pt(p->pt);
	return c == MGCP_CODEC_NONE ? NULL : mgcp_codecs[c].name;
}

#define SDP_OUT(...)                                                                 \
	do {                                                                         \
		int _n = snprintf(buf + len, size > len ? size - len : 0, __VA_ARGS__); \
		if (_n < 0 || (size_t)_n >= (size > len ? size - len : 0))              \
			return -MGCP_ERR_SPACE;                                      \
		len += _n;                                                           \
	} while (0)

int mgcp_sdp_encode(const struct mgcp_sdp *sdp, char *buf, size_t size)
{
	const char *ip = sdp->ipv6 ? "IP6" : "IP4";
	size_t len = 0;
	unsigned int i;

	if (!sdp->addr[0] || sdp->n_pt > MGCP_SDP_PT_MAX)
		return -MGCP_ERR_INVAL;
	SDP_OUT("v=0\r\no=- %" PRIu64 " %" PRIu64 " IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n", sdp->sess_id,
		sdp->sess_version, ip, sdp->addr, ip, sdp->addr);
	SDP_OUT("m=audio %u RTP/AVP", sdp->port);
	for (i = 0; i < sdp->n_pt; i++)
		SDP_OUT(" %u", sdp->pts[i].pt);
	SDP_OUT("\r\n");
	for (i = 0; i < sdp->n_pt; i++) {
		const struct mgcp_sdp_pt *p = &sdp->pts[i];

		if (p->name[0])
			SDP_OUT("a=rtpmap:%u %s/%u\r\n", p->pt, p->name, p->rate ? p->rate : 8000);
		if (p->fmtp[0])
			SDP_OUT("a=fmtp:%u %s\r\n", p->pt, p->fmtp);
	}
	if (sdp->ptime)
		SDP_OUT("a=ptime:%u\r\n", sdp->ptime);
	if (sdp->dir != MGCP_SDP_DIR_NONE)
		SDP_OUT("a=%s\r\n", get_value_string(mgcp_sdp_dir_names, sdp->dir));
	return len;
}

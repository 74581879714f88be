/* RQNT for DTMF digits on ds/e1 endpoints (RFC 3435 2.3.3; DTMF package
 * D and line package L, RFC 3660); the NTFYs are in mgw_dtmf_ntfy.c.
 *
 * RequestedEvents (R:) is a comma separated list of pkg/event(action);
 * the event is a digit, a bracketed set with ranges ("[0-9#*A-D]"), "X"
 * (any of 0-9) or "all".  The only action is N (notify at once), also the
 * default.  Unknown packages answer 518, events or actions we cannot
 * detect 512.  SignalRequests (S:) may ask for digits (D/5, L/#), played
 * in order into the timeslot, 100 ms each with 100 ms between; other
 * signals, or an endpoint without a connection, answer 513.  Each digit
 * detected then goes in its own NTFY with ObservedEvents "D/<digit>" to
 * the NotifiedEntity (N:, an IPv4 address,
 * port 2727 by default) or else to whoever sent the RQNT, retransmitted
 * until answered.  QuarantineHandling (Q:, RFC 3435 3.2.2.12, 4.4.1):
 * "step" (the default) spends the request with its first NTFY, and the
 * digits heard until the next RQNT go to the quarantine list; "loop" keeps
 * it armed until the next RQNT replaces it.  The next RQNT processes the
 * quarantined digits against its own events ("process", the default) or
 * drops them ("discard").
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_span_chan.h"
#include "src/tandem_log.h"

/* the call agent's default port (RFC 3435 3.5) */
#define MGCP_CA_PORT 2727
#define ALL_DIGITS ((1u << MGW_DTMF_EVENTS) - 1)

/* Digits of a bracketed set "0-9#*A-D" (without the brackets); 0 when bad. */
static uint32_t digit_set(const char *s, size_t n)
{
	uint32_t bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int a = mgw_dtmf_event(s[i]), b, e;

		if (a < 0)
			return 0;
		if (i + 2 < n && s[i + 1] == '-') {
			/* ranges only within the digits 0-9 or the letters A-D */
			char lo = toupper((unsigned char)s[i]), hi = toupper((unsigned char)s[i + 2]);

			if (!((isdigit((unsigned char)lo) && isdigit((unsigned char)hi)) ||
			      (lo >= 'A' && lo <= 'D' && hi >= 'A' && hi <= 'D')) || hi < lo)
				return 0;
			for (e = lo; e <= hi; e++) {
				b = mgw_dtmf_event(e);
				bits |= 1u << b;
			}
			i += 2;
			continue;
		}
		bits |= 1u << a;
	}
	return bits;
}

/* One "pkg/event(action)"; adds its digits to @bits or returns a code. */
static unsigned int parse_item(const char *s, size_t n, uint32_t *bits)
{
	const char *slash = memchr(s, '/', n), *ev, *paren;
	size_t evlen;
	uint32_t b;

	if (slash) {
		size_t pl = slash - s;

		if (!((pl == 1 && (toupper((unsigned char)s[0]) == 'D' || toupper((unsigned char)s[0]) == 'L'))))
			return MGCP_RC_UNKNOWN_PACKAGE;
		ev = slash + 1;
	} else {
		ev = s;
	}
	evlen = s + n - ev;
	paren = memchr(ev, '(', evlen);
	if (paren) {
		const char *act = paren + 1, *end = s + n;

		while (end > act && end[-1] == ' ')
			end--;
		if (end - act != 2 || toupper((unsigned char)act[0]) != 'N' || act[1] != ')')
			return MGCP_RC_NO_SUCH_EVENT;
		evlen = paren - ev;
	}
	while (evlen && ev[evlen - 1] == ' ')
		evlen--;
	if (evlen == 1 && toupper((unsigned char)ev[0]) == 'X') {
		b = digit_set("0-9", 3);
	} else if (evlen == 3 && !strncasecmp(ev, "all", 3)) {
		b = ALL_DIGITS;
	} else if (evlen > 2 && ev[0] == '[' && ev[evlen - 1] == ']') {
		b = digit_set(ev + 1, evlen - 2);
	} else if (evlen == 1) {
		b = digit_set(ev, 1);
	} else {
		b = 0;
	}
	if (!b)
		return MGCP_RC_NO_SUCH_EVENT;
	*bits |= b;
	return 0;
}

static unsigned int parse_events(const char *r, uint32_t *bits)
{
	int depth = 0;
	const char *start = r, *p;
	unsigned int rc;

	*bits = 0;
	for (p = r;; p++) {
		if (*p == '[' || *p == '(')
			depth++;
		else if ((*p == ']' || *p == ')') && depth > 0)
			depth--;
		if (*p == '\0' || (*p == ',' && depth == 0)) {
			while (*start == ' ')
				start++;
			if (p > start) {
				rc = parse_item(start, p - start, bits);
				if (rc)
					return rc;
			}
			if (*p == '\0')
				return 0;
			start = p + 1;
		}
	}
}

/* "name@[1.2.3.4]:port", "name@1.2.3.4:port", "1.2.3.4"; false when unusable. */
static bool parse_entity(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *at = strrchr(s, '@'), *colon;
	unsigned long port = MGCP_CA_PORT;
	size_t hl;

	s = at ? at + 1 : s;
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return false;
		hl = close - s - 1;
		if (hl >= sizeof(host))
			return false;
		memcpy(host, s + 1, hl);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strchr(s, ':');
		hl = colon ? (size_t)(colon - s) : strlen(s);
		if (hl >= sizeof(host))
			return false;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	if (colon) {
		char *end;

		port = strtoul(colon + 1, &end, 10);
		if (*end || port == 0 || port > 65535)
			return false;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1;
}

/* SignalRequests "D/1, D/2, L/#": digits to play in order; returns the
 * count or a negative code (518 unknown package, 513 anything else). */
static int parse_signals(const char *s, uint8_t *events, unsigned int max)
{
	unsigned int n = 0;

	while (*s) {
		const char *e, *slash;
		int ev;

		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != ','; e++)
			;
		while (e > s && e[-1] == ' ')
			e--;
		slash = memchr(s, '/', e - s);
		if (slash) {
			if (slash - s != 1 || (toupper((unsigned char)s[0]) != 'D' && toupper((unsigned char)s[0]) != 'L'))
				return -MGCP_RC_UNKNOWN_PACKAGE;
			s = slash + 1;
		}
		ev = e - s == 1 ? mgw_dtmf_event(*s) : -1;
		if (ev < 0 || n == max)
			return -MGCP_RC_CANNOT_GENERATE_SIGNAL;
		events[n++] = ev;
		s = *e ? e + 1 : e;
	}
	return n;
}

/* QuarantineHandling "process, loop": false when a value is unknown. */
static bool parse_quarantine(const char *q, bool *discard, bool *loop)
{
	static const char *const words[] = { "process", "discard", "step", "loop" };
	const char *e;
	size_t n, i;

	*discard = *loop = false;
	while (q && *q) {
		while (*q == ' ' || *q == ',')
			q++;
		for (e = q; *e && *e != ','; e++)
			;
		for (n = e - q; n && q[n - 1] == ' '; n--)
			;
		if (!n)
			break;
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strlen(words[i]) == n && !strncasecmp(q, words[i], n))
				break;
		if (i == ARRAY_SIZE(words))
			return false;
		if (i < 2)
			*discard = i == 1;
		else
			*loop = i == 3;
		q = e;
	}
	return true;
}

unsigned int mgw_rqnt_apply(struct mgw *mgw, struct mgw_endpoint *ep, const struct mgcp_msg *cmd, const char **why)
{
	const char *r = mgcp_msg_get_other(cmd, "R"), *s = mgcp_msg_get_other(cmd, "S");
	char quarantine[MGW_QUARANTINE_MAX + 1];
	struct sockaddr_in ne = mgw->cmd_from;
	bool discard, loop;
	size_t i;
	uint8_t signals[MGW_CHAN_SIGNALS_MAX];
	struct mgw_chan *chan = NULL;
	int n_signals = 0;
	uint32_t bits = 0;
	unsigned int rc;

	if (s && s[0]) {
		/* digits are played into the timeslot: a ds/e1 endpoint with a connection */
		chan = ep->span && ep->conns[0] ? ep->conns[0]->chan : NULL;
		if (!chan) {
			*why = ep->span ? "No connection to play the signal on" : NULL;
			return MGCP_RC_CANNOT_GENERATE_SIGNAL;
		}
		n_signals = parse_signals(s, signals, MGW_CHAN_SIGNALS_MAX);
		if (n_signals < 0)
			return -n_signals;
	}
	if (r && r[0]) {
		/* rtpbridges see no timeslot: nothing to listen to */
		if (!ep->span)
			return MGCP_RC_NO_SUCH_EVENT;
		rc = parse_events(r, &bits);
		if (rc)
			return rc;
	}
	if ((cmd->present & MGCP_P_NOTIFIED_ENTITY) && !parse_entity(cmd->notified_entity, &ne)) {
		*why = "NotifiedEntity must be an IPv4 address";
		return MGCP_RC_PROTOCOL_ERROR;
	}
	if (!parse_quarantine(mgcp_msg_get_other(cmd, "Q"), &discard, &loop)) {
		*why = "QuarantineHandling is process, discard, step or loop";
		return MGCP_RC_INVALID_PARAM;
	}
	if (chan && n_signals > 0)
		mgw_chan_play_digits(chan, signals, n_signals);
	ep->dtmf_notify = bits;
	osmo_strlcpy(ep->request_id, cmd->request_id, sizeof(ep->request_id));
	ep->notified_entity = ne;
	ep->has_notified_entity = true;
	ep->dtmf_loop = loop;
	ep->dtmf_spent = false;
	if (bits)
		LOGP(DMGW, LOGL_INFO, "%s: digits 0x%04x armed (%s), request %s\n", ep->name, bits,
		     loop ? "loop" : "step", ep->request_id);
	/* what was heard since the last NTFY meets the new request, in order */
	osmo_strlcpy(quarantine, ep->quarantine, sizeof(quarantine));
	ep->quarantine[0] = '\0';
	for (i = 0; !discard && quarantine[i]; i++)
		mgw_endp_notify_digit(ep, quarantine[i]);
	return 0;
}

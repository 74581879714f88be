/* MGCP (RFC 3435) message parser and builder.
 *
 * A message is a command line ("CRCX 1234 rtpbridge/1@mgw MGCP 1.0") or a
 * response line ("200 1234 OK"), parameter lines "Name: value", and after
 * an empty line an optional session description.  A line "." ends a message
 * that has others piggy-backed after it.  Lines end in CRLF or LF.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgcp/mgcp_msg.h"

/* Parameters RFC 3435 3.2.2 defines that have no typed field here. */
static const char *const mgcp_other_names[] = {
	"B", "R", "S", "D", "O", "P", "F", "Q", "T", "A", "ES", "PL", "MD", "K", "I2", "Z2", "C2",
};

/* Typed parameters: name, bit.  The order is the order they are written in. */
static const struct {
	const char *name;
	enum mgcp_param_bit bit;
} mgcp_typed[] = {
	{ "C", MGCP_P_CALL_ID },
	{ "I", MGCP_P_CONN_ID },
	{ "N", MGCP_P_NOTIFIED_ENTITY },
	{ "X", MGCP_P_REQUEST_ID },
	{ "L", MGCP_P_LCO },
	{ "M", MGCP_P_MODE },
	{ "Z", MGCP_P_SPECIFIC_EP },
	{ "RM", MGCP_P_RESTART_METHOD },
	{ "RD", MGCP_P_RESTART_DELAY },
	{ "E", MGCP_P_REASON },
};

bool mgcp_id_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > MGCP_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Visible ASCII, no '@' twice, local and domain non-empty. */
int mgcp_endpoint_split(const char *endpoint, char *local, char *domain)
{
	const char *at = strchr(endpoint, '@');
	size_t n = strlen(endpoint), i;

	if (!at || at == endpoint || !at[1] || n > MGCP_ENDPOINT_MAX || strchr(at + 1, '@'))
		return -MGCP_ERR_ENDPOINT;
	for (i = 0; i < n; i++) {
		if (!isgraph((unsigned char)endpoint[i]))
			return -MGCP_ERR_ENDPOINT;
	}
	if (local) {
		memcpy(local, endpoint, at - endpoint);
		local[at - endpoint] = '\0';
	}
	if (domain)
		strcpy(domain, at + 1);
	return 0;
}

static bool mgcp_value_ok(const char *v)
{
	for (; *v; v++) {
		if (!isprint((unsigned char)*v) && *v != '\t')
			return false;
	}
	return true;
}

/* A transaction id: 1..9 digits, 1..999999999. */
static bool mgcp_trans_id(const char *s, uint32_t *out)
{
	size_t n = strlen(s), i;
	uint32_t v = 0;

	if (n == 0 || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v == 0)
		return false;
	*out = v;
	return true;
}

/* Split the first line into at most @max whitespace separated tokens;
 * with @rest, the remainder after @max - 1 tokens is kept as one token. */
static int mgcp_split(char *line, char **tok, int max, bool rest)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == max)
			return -1;
		tok[n++] = p;
		if (rest && n == max)
			break;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (rest && n == max) {
		char *e = tok[n - 1] + strlen(tok[n - 1]);

		while (e > tok[n - 1] && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
	}
	return n;
}

static int mgcp_first_line(struct mgcp_msg *msg, char *line, struct mgcp_err_detail *err)
{
	char *tok[7];
	int verb, n;

	if (isdigit((unsigned char)line[0])) {
		n = mgcp_split(line, tok, 3, true);
		if (n < 2 || strlen(tok[0]) != 3 || !isdigit((unsigned char)tok[0][1]) ||
		    !isdigit((unsigned char)tok[0][2]))
			return -MGCP_ERR_SYNTAX;
		if (!mgcp_trans_id(tok[1], &msg->trans_id))
			return -MGCP_ERR_TRANS_ID;
		msg->is_response = true;
		msg->code = atoi(tok[0]);
		err->has_trans_id = true;
		err->is_response = true;
		err->trans_id = msg->trans_id;
		if (n == 3) {
			/* comments are informational: a long one is cut, not refused */
			size_t cl = strnlen(tok[2], MGCP_COMMENT_MAX);

			memcpy(msg->comment, tok[2], cl);
			while (cl && (msg->comment[cl - 1] == ' ' || msg->comment[cl - 1] == '\t'))
				cl--;
			msg->comment[cl] = '\0';
			if (!mgcp_value_ok(msg->comment))
				return -MGCP_ERR_SYNTAX;
		}
		return 0;
	}

	n = mgcp_split(line, tok, 7, false);
	if (n < 2)
		return -MGCP_ERR_SYNTAX;
	if (!mgcp_trans_id(tok[1], &msg->trans_id))
		return -MGCP_ERR_TRANS_ID;
	err->has_trans_id = true;
	err->trans_id = msg->trans_id;
	/* get_string_value is case-insensitive: verbs are too (RFC 3435 3.2.1.1) */
	verb = strlen(tok[0]) == 4 ? get_string_value(mgcp_verb_names, tok[0]) : -1;
	if (verb <= MGCP_VERB_NONE)
		return -MGCP_ERR_VERB;
	msg->verb = verb;
	err->verb = msg->verb;
	if (n < 5)
		return -MGCP_ERR_SYNTAX;
	if (strcasecmp(tok[3], "MGCP") || strcmp(tok[4], "1.0"))
		return -MGCP_ERR_VERSION;
	/* tok[5..6], a profile ("NCS 1.0"), is accepted and not kept */
	if (mgcp_endpoint_split(tok[2], NULL, NULL) < 0)
		return -MGCP_ERR_ENDPOINT;
	strcpy(msg->endpoint, tok[2]);
	return 0;
}

static int mgcp_typed_param(struct mgcp_msg *msg, enum mgcp_param_bit bit, const char *v)
{
	char *end;
	unsigned long rd;
	int mode;

	switch (bit) {
	case MGCP_P_CALL_ID:
	case MGCP_P_CONN_ID:
	case MGCP_P_REQUEST_ID:
		if (!mgcp_id_valid(v))
			return -MGCP_ERR_PARAM_VALUE;
		strcpy(bit == MGCP_P_CALL_ID ? msg->call_id : bit == MGCP_P_CONN_ID ? msg->conn_id : msg->request_id,
		       v);
		return 0;
	case MGCP_P_MODE:
		mode = get_string_value(mgcp_conn_mode_names, v);
		if (mode <= MGCP_MODE_NONE)
			return -MGCP_ERR_MODE;
		msg->mode = mode;
		return 0;
	case MGCP_P_LCO:
		return mgcp_lco_parse(&msg->lco, v);
	case MGCP_P_NOTIFIED_ENTITY:
		if (!v[0] || strchr(v, ' ') || strchr(v, '\t'))
			return -MGCP_ERR_PARAM_VALUE;
		strcpy(msg->notified_entity, v);
		return 0;
	case MGCP_P_SPECIFIC_EP:
		if (mgcp_endpoint_split(v, NULL, NULL) < 0)
			return -MGCP_ERR_PARAM_VALUE;
		strcpy(msg->specific_ep, v);
		return 0;
	case MGCP_P_RESTART_METHOD:
		mode = get_string_value(mgcp_restart_method_names, v);
		if (mode <= MGCP_RM_NONE)
			return -MGCP_ERR_RESTART_METHOD;
		msg->restart_method = mode;
		return 0;
	case MGCP_P_RESTART_DELAY:
		if (!isdigit((unsigned char)v[0]) || strlen(v) > 9)
			return -MGCP_ERR_PARAM_VALUE;
		rd = strtoul(v, &end, 10);
		if (*end)
			return -MGCP_ERR_PARAM_VALUE;
		msg->restart_delay = rd;
		return 0;
	case MGCP_P_REASON:
		/* "NNN [text]" */
		if (strlen(v) < 3 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]) ||
		    !isdigit((unsigned char)v[2]) || (v[3] && v[3] != ' '))
			return -MGCP_ERR_PARAM_VALUE;
		strcpy(msg->reason, v);
		return 0;
	default:
		return -MGCP_ERR_PARAM;
	}
}

static bool mgcp_param_name_ok(const char *n)
{
	size_t i, len = strnlen(n, sizeof(((struct mgcp_param *)0)->name));

	if (len == 0 || len >= sizeof(((struct mgcp_param *)0)->name))
		return false;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)n[i]) && n[i] != '-' && n[i] != '+')
			return false;
	}
	return true;
}

int mgcp_msg_add_other(struct mgcp_msg *msg, const char *name, const char *value)
{
	struct mgcp_param *p;

	if (msg->n_other >= MGCP_OTHER_MAX)
		return -MGCP_ERR_TOO_MANY;
	if (!mgcp_param_name_ok(name) || strlen(value) > MGCP_VALUE_MAX || !mgcp_value_ok(value))
		return -MGCP_ERR_INVAL;
	p = &msg->other[msg->n_other++];
	strcpy(p->name, name);
	strcpy(p->value, value);
	return 0;
}

const char *mgcp_msg_get_other(const struct mgcp_msg *msg, const char *name)
{
	unsigned int i;

	for (i = 0; i < msg->n_other && i < MGCP_OTHER_MAX; i++) {
		if (!strcasecmp(msg->other[i].name, name))
			return msg->other[i].value;
	}
	return NULL;
}

static int mgcp_param_line(struct mgcp_msg *msg, char *line, struct mgcp_err_detail *err)
{
	char *colon = strchr(line, ':'), *v, *e;
	size_t nlen;
	unsigned int i;
	int rc;

	if (!colon || colon == line)
		return -MGCP_ERR_PARAM;
	nlen = colon - line;
	if (nlen >= sizeof(err->param))
		return -MGCP_ERR_PARAM_UNKNOWN;
	for (i = 0; i < nlen; i++) {
		if (!isalnum((unsigned char)line[i]) && line[i] != '-' && line[i] != '+')
			return -MGCP_ERR_PARAM;
	}
	*colon = '\0';
	memcpy(err->param, line, nlen + 1);
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (strlen(v) > MGCP_VALUE_MAX)
		return -MGCP_ERR_TOO_LONG;
	if (!mgcp_value_ok(v))
		return -MGCP_ERR_PARAM_VALUE;

	for (i = 0; i < ARRAY_SIZE(mgcp_typed); i++) {
		if (strcasecmp(line, mgcp_typed[i].name))
			continue;
		if (msg->present & mgcp_typed[i].bit) {
			/* a wildcard AUEP answer lists one Z per endpoint */
			if (mgcp_typed[i].bit == MGCP_P_SPECIFIC_EP && msg->is_response)
				return mgcp_msg_add_other(msg, "Z", v);
			return -MGCP_ERR_PARAM_DUP;
		}
		rc = mgcp_typed_param(msg, mgcp_typed[i].bit, v);
		if (rc < 0)
			return rc;
		msg->present |= mgcp_typed[i].bit;
		return 0;
	}
	if (nlen > 2 && (line[0] == 'x' || line[0] == 'X') && line[1] == '+')
		return -MGCP_ERR_PARAM_EXT;
	if (nlen > 2 && (line[0] == 'x' || line[0] == 'X') && line[1] == '-')
		return mgcp_msg_add_other(msg, line, v);
	for (i = 0; i < ARRAY_SIZE(mgcp_other_names); i++) {
		if (!strcasecmp(line, mgcp_other_names[i]))
			return mgcp_msg_add_other(msg, mgcp_other_names[i], v);
	}
	return -MGCP_ERR_PARAM_UNKNOWN;
}

/* Is this (already CR-stripped) line nothing but whitespace? */
static bool mgcp_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

static bool mgcp_blank_region(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isspace((unsigned char)s[i]))
			return false;
	}
	return true;
}

int mgcp_msg_parse(struct mgcp_msg *msg, const char *buf, size_t len, size_t *consumed,
		   struct mgcp_err_detail *err)
{
	struct mgcp_err_detail dummy;
	char line[MGCP_LINE_MAX + 1];
	size_t pos = 0, sdp_start = 0, sdp_end = 0, end = len;
	unsigned int lineno = 0;
	bool in_sdp = false;
	int rc = 0;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	memset(msg, 0, sizeof(*msg));
	msg->lco.echo = -1;
	msg->lco.silence = -1;

	while (pos < len) {
		const char *start = buf + pos;
		const char *eol = memchr(start, '\n', len - pos);
		size_t l = eol ? (size_t)(eol - start) : len - pos;
		size_t next = eol ? pos + l + 1 : len;

		lineno++;
		if (l > 0 && start[l - 1] == '\r')
			l--;
		if (lineno > 1 && l == 1 && start[0] == '.') {
			/* end of this message; another is piggy-backed after it */
			end = next;
			if (in_sdp)
				sdp_end = pos;
			break;
		}
		if (in_sdp) {
			sdp_end = next;
			pos = next;
			continue;
		}
		if (next > MGCP_MSG_MAX) {
			rc = -MGCP_ERR_TOO_LONG;
			goto fail;
		}
		if (l > MGCP_LINE_MAX) {
			rc = -MGCP_ERR_TOO_LONG;
			goto fail;
		}
		if (memchr(start, '\0', l)) {
			rc = -MGCP_ERR_SYNTAX;
			goto fail;
		}
		memcpy(line, start, l);
		line[l] = '\0';
		pos = next;
		if (lineno == 1) {
			rc = mgcp_first_line(msg, line, err);
			if (rc < 0)
				goto fail;
			continue;
		}
		if (mgcp_blank(line, l)) {
			in_sdp = true;
			sdp_start = sdp_end = pos;
			continue;
		}
		rc = mgcp_param_line(msg, line, err);
		if (rc < 0)
			goto fail;
		err->param[0] = '\0';
	}
	if (lineno == 0) {
		rc = -MGCP_ERR_SYNTAX;
		goto fail;
	}
	if (end > MGCP_MSG_MAX) {
		lineno = 0;
		rc = -MGCP_ERR_TOO_LONG;
		goto fail;
	}
	if (in_sdp && !mgcp_blank_region(buf + sdp_start, sdp_end - sdp_start)) {
		unsigned int bad = 0;

		rc = mgcp_sdp_parse(&msg->sdp, buf + sdp_start, sdp_end - sdp_start, &bad);
		if (rc < 0) {
			strcpy(err->param, "SDP");
			lineno = bad;
			goto fail;
		}
		msg->present |= MGCP_P_SDP;
	}
	if (consumed)
		*consumed = end;
	return 0;
fail:
	err->rc = rc;
	err->line = lineno;
	err->mgcp_code = err->has_trans_id && !err->is_response ? mgcp_err_to_rc(rc) : 0;
	return rc;
}

int mgcp_msg_init_cmd(struct mgcp_msg *msg, enum mgcp_verb verb, uint32_t trans_id, const char *endpoint)
{
	memset(msg, 0, sizeof(*msg));
	msg->lco.echo = -1;
	msg->lco.silence = -1;
	if (verb == MGCP_VERB_NONE || !get_value_string_or_null(mgcp_verb_names, verb) || trans_id == 0 ||
	    trans_id > MGCP_TRANS_ID_MAX || mgcp_endpoint_split(endpoint, NULL, NULL) < 0)
		return -MGCP_ERR_INVAL;
	msg->verb = verb;
	msg->trans_id = trans_id;
	strcpy(msg->endpoint, endpoint);
	return 0;
}

int mgcp_msg_init_resp(struct mgcp_msg *msg, unsigned int code, uint32_t trans_id, const char *comment)
{
	memset(msg, 0, sizeof(*msg));
	msg->lco.echo = -1;
	msg->lco.silence = -1;
	if (code > 999 || trans_id == 0 || trans_id > MGCP_TRANS_ID_MAX)
		return -MGCP_ERR_INVAL;
	if (!comment)
		comment = get_value_string_or_null(mgcp_rc_names, code);
	if (comment && (strlen(comment) > MGCP_COMMENT_MAX || !mgcp_value_ok(comment)))
		return -MGCP_ERR_INVAL;
	msg->is_response = true;
	msg->code = code;
	msg->trans_id = trans_id;
	if (comment)
		strcpy(msg->comment, comment);
	return 0;
}

struct mgcp_out {
	char *buf;
	size_t size;
	size_t len;
	bool full;
};

static void mgcp_out(struct mgcp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mgcp_out(struct mgcp_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += n;
}

static bool mgcp_param_text_ok(const char *v, bool may_be_empty)
{
	return (may_be_empty || v[0]) && strlen(v) <= MGCP_VALUE_MAX && mgcp_value_ok(v) && !strchr(v, '\n');
}

static int mgcp_typed_out(const struct mgcp_msg *msg, struct mgcp_out *o, enum mgcp_param_bit bit, const char *name)
{
	char lco[MGCP_LINE_MAX + 1];
	const char *s;
	int rc;

	switch (bit) {
	case MGCP_P_CALL_ID:
	case MGCP_P_CONN_ID:
	case MGCP_P_REQUEST_ID:
		s = bit == MGCP_P_CALL_ID ? msg->call_id : bit == MGCP_P_CONN_ID ? msg->conn_id : msg->request_id;
		if (!mgcp_id_valid(s))
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "%s: %s\r\n", name, s);
		return 0;
	case MGCP_P_MODE:
		s = get_value_string_or_null(mgcp_conn_mode_names, msg->mode);
		if (!s || msg->mode == MGCP_MODE_NONE)
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "M: %s\r\n", s);
		return 0;
	case MGCP_P_LCO:
		rc = mgcp_lco_encode(&msg->lco, lco, sizeof(lco));
		if (rc <= 0)
			return rc < 0 ? rc : -MGCP_ERR_INVAL;
		mgcp_out(o, "L: %s\r\n", lco);
		return 0;
	case MGCP_P_NOTIFIED_ENTITY:
		if (!mgcp_param_text_ok(msg->notified_entity, false))
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "N: %s\r\n", msg->notified_entity);
		return 0;
	case MGCP_P_SPECIFIC_EP:
		if (mgcp_endpoint_split(msg->specific_ep, NULL, NULL) < 0)
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "Z: %s\r\n", msg->specific_ep);
		return 0;
	case MGCP_P_RESTART_METHOD:
		s = get_value_string_or_null(mgcp_restart_method_names, msg->restart_method);
		if (!s || msg->restart_method == MGCP_RM_NONE)
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "RM: %s\r\n", s);
		return 0;
	case MGCP_P_RESTART_DELAY:
		if (msg->restart_delay > 999999999)
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "RD: %u\r\n", msg->restart_delay);
		return 0;
	case MGCP_P_REASON:
		if (!mgcp_param_text_ok(msg->reason, false))
			return -MGCP_ERR_INVAL;
		mgcp_out(o, "E: %s\r\n", msg->reason);
		return 0;
	default:
		return -MGCP_ERR_INVAL;
	}
}

int mgcp_msg_encode(const struct mgcp_msg *msg, char *buf, size_t size)
{
	struct mgcp_out o = { .buf = buf, .size = size };
	unsigned int i;
	int rc;

	if (size == 0)
		return -MGCP_ERR_SPACE;
	buf[0] = '\0';
	if (msg->trans_id == 0 || msg->trans_id > MGCP_TRANS_ID_MAX)
		return -MGCP_ERR_INVAL;
	if (msg->is_response) {
		if (msg->code > 999 || !mgcp_param_text_ok(msg->comment, true))
			return -MGCP_ERR_INVAL;
		if (msg->comment[0])
			mgcp_out(&o, "%03u %u %s\r\n", msg->code, msg->trans_id, msg->comment);
		else
			mgcp_out(&o, "%03u %u\r\n", msg->code, msg->trans_id);
	} else {
		const char *verb = get_value_string_or_null(mgcp_verb_names, msg->verb);

		if (!verb || msg->verb == MGCP_VERB_NONE || mgcp_endpoint_split(msg->endpoint, NULL, NULL) < 0)
			return -MGCP_ERR_INVAL;
		mgcp_out(&o, "%s %u %s MGCP 1.0\r\n", verb, msg->trans_id, msg->endpoint);
	}
	for (i = 0; i < ARRAY_SIZE(mgcp_typed); i++) {
		if (!(msg->present & mgcp_typed[i].bit))
			continue;
		rc = mgcp_typed_out(msg, &o, mgcp_typed[i].bit, mgcp_typed[i].name);
		if (rc < 0)
			return rc;
	}
	if (msg->n_other > MGCP_OTHER_MAX)
		return -MGCP_ERR_INVAL;
	for (i = 0; i < msg->n_other; i++) {
		const struct mgcp_param *p = &msg->other[i];

		if (!mgcp_param_name_ok(p->name) || !mgcp_param_text_ok(p->value, true))
			return -MGCP_ERR_INVAL;
		if (p->value[0])
			mgcp_out(&o, "%s: %s\r\n", p->name, p->value);
		else
			mgcp_out(&o, "%s:\r\n", p->name);
	}
	if (msg->present & MGCP_P_SDP) {
		mgcp_out(&o, "\r\n");
		if (o.full)
			return -MGCP_ERR_SPACE;
		rc = mgcp_sdp_encode(&msg->sdp, buf + o.len, size - o.len);
		if (rc < 0)
			return rc;
		o.len += rc;
	}
	if (o.full)
		return -MGCP_ERR_SPACE;
	return o.len;
}

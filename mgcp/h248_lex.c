/* H.248.1 Annex B text: the header and the generic item tree.
 *
 * Everything after the header is a list of items of one shape,
 *   [TimeStamp ":"] name [("=" / "<" / ">" / "#") value] ["{" items "}"]
 * (a quoted string standing alone is an item too), which covers every
 * production of the ABNF.  The braces after Local, Remote and DigitMap hold
 * text, not items ("}" escaped as "\}").  White space, line ends and
 * comments (";" to the end of the line) may stand between any two symbols
 * (LWSP).  h248_parse.c gives the tree its meaning.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>

#include "mgcp/h248_priv.h"

/* SafeChar of Annex B: the characters of an unquoted word. */
static bool h248_safe_char(int c)
{
	return isalnum(c) || (c && strchr("+-&!_/'?@^`~*$\\()%|.", c));
}

static int h248_fail(struct h248_lex *lx, int rc)
{
	if (!lx->err_pos)
		lx->err_pos = lx->pos ? lx->pos : 1;
	return rc;
}

static int h248_peek(const struct h248_lex *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->buf[lx->pos] : -1;
}

static void h248_lwsp(struct h248_lex *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->buf[lx->pos];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			lx->pos++;
		} else if (c == ';') {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				lx->pos++;
		} else {
			break;
		}
	}
}

/* A run of SafeChar of at most @max octets into @out. */
static int h248_word(struct h248_lex *lx, char *out, size_t max)
{
	size_t start = lx->pos, n;

	while (lx->pos < lx->len && h248_safe_char((unsigned char)lx->buf[lx->pos]))
		lx->pos++;
	n = lx->pos - start;
	if (n == 0)
		return h248_fail(lx, -H248_ERR_SYNTAX);
	if (n > max) {
		lx->pos = start;
		return h248_fail(lx, -H248_ERR_TOO_LONG);
	}
	memcpy(out, lx->buf + start, n);
	out[n] = '\0';
	return 0;
}

/* Copy [start, pos) to @out, refusing NUL and other control characters
 * except white space and line ends. */
static int h248_span(struct h248_lex *lx, size_t start, char *out, size_t max)
{
	size_t n = lx->pos - start, i;

	if (n > max)
		return h248_fail(lx, -H248_ERR_TOO_LONG);
	for (i = 0; i < n; i++) {
		unsigned char c = lx->buf[start + i];

		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
			lx->pos = start + i;
			return h248_fail(lx, -H248_ERR_SYNTAX);
		}
	}
	memcpy(out, lx->buf + start, n);
	out[n] = '\0';
	return 0;
}

/* Skip from the opening symbol at pos past @close, no further than @max
 * octets, refusing the characters in @forbid (may be NULL). */
static int h248_scan_to(struct h248_lex *lx, char close, const char *forbid, size_t max)
{
	size_t start = lx->pos;

	lx->pos++;
	while (lx->pos < lx->len && lx->buf[lx->pos] != close) {
		if (forbid && strchr(forbid, lx->buf[lx->pos]))
			return h248_fail(lx, -H248_ERR_SYNTAX);
		if (lx->pos - start > max)
			return h248_fail(lx, -H248_ERR_TOO_LONG);
		lx->pos++;
	}
	if (lx->pos >= lx->len)
		return h248_fail(lx, -H248_ERR_SYNTAX);
	lx->pos++;
	return 0;
}

/* "[...]" or "<...>"; with @port, a ":" and port number after it belong
 * to the value too. */
static int h248_bracketed(struct h248_lex *lx, char close, bool port, char *out, size_t max)
{
	size_t start = lx->pos;
	int rc = h248_scan_to(lx, close, "{}\"[<", max);

	if (rc < 0)
		return rc;
	if (port && h248_peek(lx) == ':') {
		size_t digits;

		lx->pos++;
		for (digits = 0; isdigit(h248_peek(lx)); digits++)
			lx->pos++;
		if (digits == 0 || digits > 5)
			return h248_fail(lx, -H248_ERR_SYNTAX);
	}
	return h248_span(lx, start, out, max);
}

static int h248_quoted(struct h248_lex *lx, char *out, size_t max)
{
	size_t start = lx->pos;
	int rc = h248_scan_to(lx, '"', NULL, max);

	return rc < 0 ? rc : h248_span(lx, start, out, max);
}

bool h248_is_timestamp(const char *s)
{
	int i;

	if (strlen(s) != 17 || (s[8] != 'T' && s[8] != 't'))
		return false;
	for (i = 0; i < 17; i++) {
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool h248_is_verbatim(const char *s)
{
	return h248_tok_is(s, H248_TOK_LOCAL) || h248_tok_is(s, H248_TOK_REMOTE) ||
	       h248_tok_is(s, H248_TOK_DIGIT_MAP);
}

/* The text in braces after Local/Remote/DigitMap, up to an unescaped "}",
 * "\}" unescaped and the surrounding white space dropped. */
static int h248_body(void *ctx, struct h248_lex *lx, char **out)
{
	char *b = talloc_size(ctx, H248_SDP_MAX + 1);
	size_t n = 0, s = 0;

	if (!b)
		return h248_fail(lx, -H248_ERR_TOO_MANY);
	for (;;) {
		int c = h248_peek(lx);

		if (c < 0) {
			talloc_free(b);
			return h248_fail(lx, -H248_ERR_SYNTAX);
		}
		if (c == '}')
			break;
		if (c == '\\' && lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] == '}')
			lx->pos++;
		else if (c == 0) {
			talloc_free(b);
			return h248_fail(lx, -H248_ERR_SYNTAX);
		}
		if (n == H248_SDP_MAX) {
			talloc_free(b);
			return h248_fail(lx, -H248_ERR_TOO_LONG);
		}
		b[n++] = lx->buf[lx->pos++];
	}
	lx->pos++;
	while (n > 0 && isspace((unsigned char)b[n - 1]))
		n--;
	while (s < n && isspace((unsigned char)b[s]))
		s++;
	memmove(b, b + s, n - s);
	b[n - s] = '\0';
	/* give back what the bound reserved */
	*out = talloc_realloc_size(ctx, b, n - s + 1);
	return 0;
}

static int h248_item(void *ctx, struct h248_lex *lx, unsigned int depth, struct h248_item **out);

/* The items between "{" (already read) and "}". */
static int h248_items(struct h248_lex *lx, struct h248_item *parent, unsigned int depth)
{
	struct h248_item *child;
	int rc;

	if (depth > H248_DEPTH_MAX)
		return h248_fail(lx, -H248_ERR_DEPTH);
	h248_lwsp(lx);
	if (h248_peek(lx) == '}') {
		lx->pos++;
		return 0;
	}
	for (;;) {
		if (parent->n_children == H248_ITEMS_MAX)
			return h248_fail(lx, -H248_ERR_TOO_MANY);
		rc = h248_item(parent, lx, depth, &child);
		if (rc < 0)
			return rc;
		llist_add_tail(&child->list, &parent->children);
		parent->n_children++;
		h248_lwsp(lx);
		switch (h248_peek(lx)) {
		case ',':
			lx->pos++;
			continue;
		case '}':
			lx->pos++;
			return 0;
		default:
			return h248_fail(lx, -H248_ERR_SYNTAX);
		}
	}
}

/* A value or an mId: "[address]:port", "<domain>:port", a word or, for
 * values only, a quoted string. */
static int h248_value_text(struct h248_lex *lx, char *v, size_t max, bool quoted_ok)
{
	switch (h248_peek(lx)) {
	case '"':
		if (!quoted_ok)
			return h248_fail(lx, -H248_ERR_SYNTAX);
		return h248_quoted(lx, v, max);
	case '[':
		return h248_bracketed(lx, ']', true, v, max);
	case '<':
		return h248_bracketed(lx, '>', true, v, max);
	default:
		return h248_word(lx, v, max);
	}
}

static int h248_value(void *ctx, struct h248_lex *lx, char **out)
{
	char v[H248_TEXT_MAX + 1];
	int rc = h248_value_text(lx, v, H248_TEXT_MAX, true);

	if (rc < 0)
		return rc;
	*out = talloc_strdup(ctx, v);
	return 0;
}

static int h248_item(void *ctx, struct h248_lex *lx, unsigned int depth, struct h248_item **out)
{
	char w[H248_TEXT_MAX + 1];
	struct h248_item *it;
	int rc, c;

	h248_lwsp(lx);
	it = talloc_zero(ctx, struct h248_item);
	INIT_LLIST_HEAD(&it->children);
	it->pos = lx->pos;
	*out = it;
	if (h248_peek(lx) == '"') {
		rc = h248_quoted(lx, w, H248_TEXT_MAX);
		if (rc < 0)
			return rc;
		it->name = talloc_strdup(it, w);
		return 0;
	}
	rc = h248_word(lx, w, H248_NAME_MAX);
	if (rc < 0)
		return rc;
	h248_lwsp(lx);
	if (h248_peek(lx) == ':' && h248_is_timestamp(w)) {
		it->timestamp = talloc_strdup(it, w);
		lx->pos++;
		h248_lwsp(lx);
		rc = h248_word(lx, w, H248_NAME_MAX);
		if (rc < 0)
			return rc;
		h248_lwsp(lx);
	}
	it->name = talloc_strdup(it, w);
	c = h248_peek(lx);
	if (c == '=' || c == '<' || c == '>' || c == '#') {
		it->op = c;
		lx->pos++;
		h248_lwsp(lx);
		if (h248_peek(lx) != '{') {
			rc = h248_value(it, lx, &it->value);
			if (rc < 0)
				return rc;
			h248_lwsp(lx);
		} else {
			/* "name = { ... }": a value list in braces */
			it->value = talloc_strdup(it, "");
		}
	}
	if (depth == 0) {
		/* what the transaction is, in case its inside is malformed */
		osmo_strlcpy(lx->top_name, it->name, sizeof(lx->top_name));
		osmo_strlcpy(lx->top_value, it->value ? it->value : "", sizeof(lx->top_value));
	}
	if (h248_peek(lx) != '{') {
		if (it->op && !it->value[0])
			return h248_fail(lx, -H248_ERR_SYNTAX);
		return 0;
	}
	lx->pos++;
	it->braces = true;
	if (h248_is_verbatim(it->name))
		return h248_body(it, lx, &it->body);
	return h248_items(lx, it, depth + 1);
}

int h248_lex_body(void *ctx, struct h248_lex *lx, struct llist_head *list, unsigned int *n)
{
	struct h248_item *it;
	int rc;

	h248_lwsp(lx);
	if (lx->pos >= lx->len)
		return h248_fail(lx, -H248_ERR_SYNTAX);
	while (lx->pos < lx->len) {
		if (*n == H248_TRANS_MAX)
			return h248_fail(lx, -H248_ERR_TOO_MANY_TRANS);
		rc = h248_item(ctx, lx, 0, &it);
		if (rc < 0)
			return rc;
		lx->top_name[0] = '\0';
		llist_add_tail(&it->list, list);
		(*n)++;
		h248_lwsp(lx);
	}
	return 0;
}

/* SEP of Annex B: at least one white space, line end or comment. */
static int h248_sep(struct h248_lex *lx)
{
	int c = h248_peek(lx);

	if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ';')
		return h248_fail(lx, -H248_ERR_HEADER);
	h248_lwsp(lx);
	return 0;
}

static bool h248_mid_ok(const char *m)
{
	size_t i, n = strlen(m);

	if (m[0] == '[') {
		for (i = 1; i < n && m[i] != ']'; i++) {
			if (!isxdigit((unsigned char)m[i]) && m[i] != '.' && m[i] != ':')
				return false;
		}
		return i > 1;
	}
	if (m[0] == '<') {
		if (!isalnum((unsigned char)m[1]))
			return false;
		for (i = 1; i < n && m[i] != '>'; i++) {
			if (!isalnum((unsigned char)m[i]) && m[i] != '-' && m[i] != '.')
				return false;
		}
		return i - 1 <= 64;
	}
	/* deviceName: a pathNAME */
	if (!isalpha((unsigned char)m[0]))
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)m[i]) && !strchr("/*_$@.-", m[i]))
			return false;
	}
	return true;
}

int h248_lex_header(struct h248_lex *lx, unsigned int *version, char *mid)
{
	char w[H248_NAME_MAX + 1], *slash, *end;
	unsigned long v;
	int rc;

	h248_lwsp(lx);
	rc = h248_word(lx, w, H248_NAME_MAX);
	if (rc < 0)
		return rc == -H248_ERR_TOO_LONG ? rc : h248_fail(lx, -H248_ERR_HEADER);
	if (h248_tok_is(w, H248_TOK_AUTH)) {
		/* authenticationHeader (Annex B): not implemented */
		osmo_strlcpy(lx->token, w, sizeof(lx->token));
		return h248_fail(lx, -H248_ERR_UNSUPPORTED);
	}
	slash = strchr(w, '/');
	if (!slash)
		return h248_fail(lx, -H248_ERR_HEADER);
	*slash = '\0';
	if (!h248_tok_is(w, H248_TOK_MEGACO))
		return h248_fail(lx, -H248_ERR_HEADER);
	if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 2)
		return h248_fail(lx, -H248_ERR_HEADER);
	v = strtoul(slash + 1, &end, 10);
	if (*end)
		return h248_fail(lx, -H248_ERR_HEADER);
	if (v < 1 || v > 3)
		return h248_fail(lx, -H248_ERR_VERSION);
	*version = v;
	rc = h248_sep(lx);
	if (rc < 0)
		return rc;
	rc = h248_value_text(lx, mid, H248_MID_MAX, false);
	if (rc == 0 && !strcasecmp(mid, "MTP")) {
		/* an SS7 point code: MTP{hex} */
		osmo_strlcpy(lx->token, mid, sizeof(lx->token));
		return h248_fail(lx, -H248_ERR_UNSUPPORTED);
	}
	if (rc < 0)
		return rc == -H248_ERR_TOO_LONG ? rc : h248_fail(lx, -H248_ERR_HEADER);
	if (!h248_mid_ok(mid))
		return h248_fail(lx, -H248_ERR_HEADER);
	return h248_sep(lx);
}

bool h248_value_ok(const char *s)
{
	struct h248_lex lx = { .buf = s, .len = strlen(s) };
	char v[H248_TEXT_MAX + 1];

	return lx.len && h248_value_text(&lx, v, H248_TEXT_MAX, true) == 0 && lx.pos == lx.len;
}

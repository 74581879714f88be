/* LocalConnectionOptions (RFC 3435 3.2.2.10): "p:20, a:PCMA;G729, e:off".
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mgcp/mgcp_msg.h"

/* Keys RFC 3435 defines that we check but do not act on. */
static const char *const lco_passive_keys[] = { "b", "t", "gc", "r", "k", "nt" };

static bool lco_token_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (!isgraph((unsigned char)s[i]) || s[i] == ',')
			return false;
	}
	return true;
}

/* "N" or "N-M" milliseconds. */
static int lco_ptime(struct mgcp_lco *lco, const char *v, size_t len)
{
	unsigned int a = 0, b = 0;
	bool second = false;
	size_t i;
	int digits = 0;

	for (i = 0; i < len; i++) {
		char c = v[i];

		if (c == '-' && !second && digits) {
			second = true;
			digits = 0;
			continue;
		}
		if (!isdigit((unsigned char)c) || ++digits > 5)
			return -MGCP_ERR_LCO;
		if (second)
			b = b * 10 + (c - '0');
		else
			a = a * 10 + (c - '0');
	}
	if (!digits)
		return -MGCP_ERR_LCO;
	if (!second)
		b = a;
	if (a == 0 || a > 65535 || b > 65535 || b < a)
		return -MGCP_ERR_LCO;
	lco->has_ptime = true;
	lco->ptime_min = a;
	lco->ptime_max = b;
	return 0;
}

static int lco_codecs(struct mgcp_lco *lco, const char *v, size_t len)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		size_t n;

		if (i < len && v[i] != ';')
			continue;
		n = i - start;
		if (n == 0 || n > MGCP_CODEC_NAME_MAX || !lco_token_ok(v + start, n) || memchr(v + start, ';', n))
			return -MGCP_ERR_LCO;
		if (lco->n_codecs >= MGCP_LCO_CODECS_MAX)
			return -MGCP_ERR_LCO_VALUE;
		memcpy(lco->codecs[lco->n_codecs], v + start, n);
		lco->codecs[lco->n_codecs][n] = '\0';
		lco->n_codecs++;
		start = i + 1;
	}
	return 0;
}

static int lco_onoff(int8_t *out, const char *v, size_t len)
{
	if (len == 2 && !strncasecmp(v, "on", 2))
		*out = 1;
	else if (len == 3 && !strncasecmp(v, "off", 3))
		*out = 0;
	else
		return -MGCP_ERR_LCO_VALUE;
	return 0;
}

static bool lco_is_passive(const char *k, size_t klen)
{
	unsigned int i;

	/* vendor (x-) and package (pkg/name) extensions are kept too */
	if (klen > 2 && (k[0] == 'x' || k[0] == 'X') && k[1] == '-')
		return true;
	if (memchr(k, '/', klen))
		return true;
	for (i = 0; i < ARRAY_SIZE(lco_passive_keys); i++) {
		if (strlen(lco_passive_keys[i]) == klen && !strncasecmp(k, lco_passive_keys[i], klen))
			return true;
	}
	return false;
}

static int lco_keep(struct mgcp_lco *lco, const char *item, size_t len)
{
	size_t have = strlen(lco->other);

	if (have + len + (have ? 2 : 0) > MGCP_VALUE_MAX)
		return -MGCP_ERR_TOO_LONG;
	if (have) {
		memcpy(lco->other + have, ", ", 2);
		have += 2;
	}
	memcpy(lco->other + have, item, len);
	lco->other[have + len] = '\0';
	return 0;
}

int mgcp_lco_parse(struct mgcp_lco *lco, const char *value)
{
	const char *p = value;
	unsigned int seen = 0;	/* bits: a, p, e, s */
	int rc;

	memset(lco, 0, sizeof(*lco));
	lco->echo = -1;
	lco->silence = -1;
	lco->present = true;
	if (strlen(value) > MGCP_VALUE_MAX)
		return -MGCP_ERR_TOO_LONG;
	while (*p) {
		const char *end, *colon, *k, *v, *item;
		size_t klen, vlen, ilen;
		unsigned int bit = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		item = p;
		ilen = end - p;
		while (ilen && (item[ilen - 1] == ' ' || item[ilen - 1] == '\t'))
			ilen--;
		colon = memchr(item, ':', ilen);
		if (!colon)
			return -MGCP_ERR_LCO;
		k = item;
		klen = colon - item;
		v = colon + 1;
		while (v < item + ilen && (*v == ' ' || *v == '\t'))
			v++;
		vlen = item + ilen - v;
		if (!lco_token_ok(k, klen) || !lco_token_ok(v, vlen))
			return -MGCP_ERR_LCO;

		if (klen == 1 && (*k == 'a' || *k == 'A')) {
			bit = 1;
			rc = lco_codecs(lco, v, vlen);
		} else if (klen == 1 && (*k == 'p' || *k == 'P')) {
			bit = 2;
			rc = lco_ptime(lco, v, vlen);
		} else if (klen == 1 && (*k == 'e' || *k == 'E')) {
			bit = 4;
			rc = lco_onoff(&lco->echo, v, vlen);
		} else if (klen == 1 && (*k == 's' || *k == 'S')) {
			bit = 8;
			rc = lco_onoff(&lco->silence, v, vlen);
		} else if (lco_is_passive(k, klen)) {
			rc = lco_keep(lco, item, ilen);
		} else {
			return -MGCP_ERR_LCO_EXT;
		}
		if (rc < 0)
			return rc;
		if (bit & seen)
			return -MGCP_ERR_LCO;
		seen |= bit;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			return -MGCP_ERR_LCO;	/* trailing comma */
	}
	if (!seen && !lco->other[0])
		return -MGCP_ERR_LCO;
	return 0;
}

int mgcp_lco_encode(const struct mgcp_lco *lco, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	int n;

#define LCO_OUT(...)                                                                       \
	do {                                                                               \
		n = snprintf(buf + len, size - len, "%s", len ? ", " : "");                 \
		if (n < 0 || (size_t)n >= size - len)                                      \
			return -MGCP_ERR_SPACE;                                            \
		len += n;                                                                  \
		n = snprintf(buf + len, size - len, __VA_ARGS__);                          \
		if (n < 0 || (size_t)n >= size - len)                                      \
			return -MGCP_ERR_SPACE;                                            \
		len += n;                                                                  \
	} while (0)

	if (size == 0)
		return -MGCP_ERR_SPACE;
	buf[0] = '\0';
	if (lco->has_ptime) {
		if (lco->ptime_min == lco->ptime_max)
			LCO_OUT("p:%u", lco->ptime_min);
		else
			LCO_OUT("p:%u-%u", lco->ptime_min, lco->ptime_max);
	}
	if (lco->n_codecs) {
		LCO_OUT("a:%s", lco->codecs[0]);
		for (i = 1; i < lco->n_codecs && i < MGCP_LCO_CODECS_MAX; i++) {
			n = snprintf(buf + len, size - len, ";%s", lco->codecs[i]);
			if (n < 0 || (size_t)n >= size - len)
				return -MGCP_ERR_SPACE;
			len += n;
		}
	}
	if (lco->echo >= 0)
		LCO_OUT("e:%s", lco->echo ? "on" : "off");
	if (lco->silence >= 0)
		LCO_OUT("s:%s", lco->silence ? "on" : "off");
	if (lco->other[0])
		LCO_OUT("%s", lco->other);
#undef LCO_OUT
	return len;
}

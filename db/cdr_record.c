/* CDR records: bounded fields, UUIDs and the spool encoding.
 *
 * The spool payload is a version octet followed by tag-length-value items,
 * so that fields added by later call-control work (or a newer tandemd) do not
 * break replay of an older or newer spool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "db/cdr_record.h"

#define CDR_ENC_VERSION 1

const struct value_string cdr_releaser_names[] = {
	{ CDR_REL_UNKNOWN, "unknown" },
	{ CDR_REL_CALLING, "calling" },
	{ CDR_REL_CALLED, "called" },
	{ CDR_REL_TANDEMD, "tandemd" },
	{ 0, NULL }
};

const struct value_string cdr_cause_location_names[] = {
	{ CDR_LOC_USER, "user" },
	{ CDR_LOC_TRANSIT, "transit network" },
	{ CDR_LOC_BEYOND_IW, "network beyond interworking point" },
	{ 0, NULL }
};

/* Tags of the spool encoding; values are part of the on-disk format. */
enum cdr_tag {
	CDR_T_UUID = 1,
	CDR_T_START = 2,
	CDR_T_ANSWER = 3,
	CDR_T_END = 4,
	CDR_T_CALLING_IN = 5,
	CDR_T_CALLED_IN = 6,
	CDR_T_CALLING_OUT = 7,
	CDR_T_CALLED_OUT = 8,
	CDR_T_CALLING_IN_NAI = 9,
	CDR_T_CALLED_IN_NAI = 10,
	CDR_T_CALLING_OUT_NAI = 11,
	CDR_T_CALLED_OUT_NAI = 12,
	CDR_T_INGRESS = 13,
	CDR_T_EGRESS = 14,
	CDR_T_ROUTE = 15,
	CDR_T_CIC = 16,
	CDR_T_OPC = 17,
	CDR_T_DPC = 18,
	CDR_T_SIP_CALL_ID = 19,
	CDR_T_CAUSE = 20,
	CDR_T_LOCATION = 21,
	CDR_T_RELEASED_BY = 22,
	CDR_T_CODEC = 23,
	CDR_T_TRANSCODED = 24,
	CDR_T_PDD = 25,
	CDR_T_INSTANCE = 26,
};

int64_t cdr_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void cdr_uuid_random(uint8_t uuid[16])
{
	/* A small pool keeps this to one getrandom() per 16 calls. */
	static uint8_t pool[256];
	static size_t left;

	if (left < 16) {
		if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool)) {
			/* Never blocks once the pool is seeded; this is the
			 * early-boot fallback, still unique per process. */
			static uint64_t seq;
			int64_t t = cdr_now_us();

			seq++;
			memcpy(pool, &t, sizeof(t));
			memcpy(pool + 8, &seq, sizeof(seq));
			left = 16;
		} else {
			left = sizeof(pool);
		}
	}
	memcpy(uuid, pool + sizeof(pool) - left, 16);
	left -= 16;
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

void cdr_uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

/* An empty record: every optional field unset, which is neither 0 nor "". */
static void cdr_record_clear(struct cdr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->calling_in_nai = rec->called_in_nai = CDR_UNSET;
	rec->calling_out_nai = rec->called_out_nai = CDR_UNSET;
	rec->cic = rec->opc = rec->dpc = CDR_UNSET;
	rec->cause = rec->cause_location = CDR_UNSET;
	rec->transcoded = CDR_UNSET;
	rec->pdd_ms = CDR_UNSET;
}

void cdr_record_init(struct cdr_record *rec)
{
	cdr_record_clear(rec);
	cdr_uuid_random(rec->uuid);
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid.
 * Follows RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

bool cdr_record_set_str(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t n = strlen((const char *)s), i = 0, o = 0;
	bool changed = false;

	while (i < n) {
		size_t l = utf8_seq_len(s + i, n - i);

		if (l == 0 || (l == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
			if (o + 1 >= size)
				break;
			dst[o++] = '?';
			i++;
			changed = true;
			continue;
		}
		if (o + l >= size)
			break;
		memcpy(dst + o, s + i, l);
		o += l;
		i += l;
	}
	if (i < n)
		changed = true;
	dst[o] = '\0';
	return changed;
}

struct enc {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
};

static void enc_put(struct enc *e, uint8_t tag, const void *val, size_t len)
{
	if (len > 255 || e->len + 2 + len > e->size) {
		e->overflow = true;
		return;
	}
	e->buf[e->len++] = tag;
	e->buf[e->len++] = len;
	memcpy(e->buf + e->len, val, len);
	e->len += len;
}

static void enc_str(struct enc *e, uint8_t tag, const char *s)
{
	if (s[0])
		enc_put(e, tag, s, strlen(s));
}

static void enc_int(struct enc *e, uint8_t tag, int64_t v, size_t width)
{
	uint8_t b[8];

	for (size_t i = 0; i < width; i++)
		b[i] = v >> (8 * (width - 1 - i));
	enc_put(e, tag, b, width);
}

static void enc_opt32(struct enc *e, uint8_t tag, int32_t v)
{
	if (v != CDR_UNSET)
		enc_int(e, tag, v, 4);
}

int cdr_record_encode(const struct cdr_record *rec, uint8_t *buf, size_t size)
{
	struct enc e = { .buf = buf, .size = size };

	if (size < 1)
		return -ENOSPC;
	buf[e.len++] = CDR_ENC_VERSION;
	enc_put(&e, CDR_T_UUID, rec->uuid, 16);
	enc_int(&e, CDR_T_START, rec->start_us, 8);
	if (rec->answer_us)
		enc_int(&e, CDR_T_ANSWER, rec->answer_us, 8);
	enc_int(&e, CDR_T_END, rec->end_us, 8);
	enc_str(&e, CDR_T_CALLING_IN, rec->calling_in);
	enc_str(&e, CDR_T_CALLED_IN, rec->called_in);
	enc_str(&e, CDR_T_CALLING_OUT, rec->calling_out);
	enc_str(&e, CDR_T_CALLED_OUT, rec->called_out);
	enc_opt32(&e, CDR_T_CALLING_IN_NAI, rec->calling_in_nai);
	enc_opt32(&e, CDR_T_CALLED_IN_NAI, rec->called_in_nai);
	enc_opt32(&e, CDR_T_CALLING_OUT_NAI, rec->calling_out_nai);
	enc_opt32(&e, CDR_T_CALLED_OUT_NAI, rec->called_out_nai);
	enc_str(&e, CDR_T_INGRESS, rec->ingress_trunk);
	enc_str(&e, CDR_T_EGRESS, rec->egress_trunk);
	enc_str(&e, CDR_T_ROUTE, rec->route);
	enc_opt32(&e, CDR_T_CIC, rec->cic);
	enc_opt32(&e, CDR_T_OPC, rec->opc);
	enc_opt32(&e, CDR_T_DPC, rec->dpc);
	enc_str(&e, CDR_T_SIP_CALL_ID, rec->sip_call_id);
	enc_opt32(&e, CDR_T_CAUSE, rec->cause);
	enc_opt32(&e, CDR_T_LOCATION, rec->cause_location);
	if (rec->released_by != CDR_REL_UNKNOWN)
		enc_int(&e, CDR_T_RELEASED_BY, rec->released_by, 1);
	enc_str(&e, CDR_T_CODEC, rec->codec);
	enc_opt32(&e, CDR_T_TRANSCODED, rec->transcoded);
	enc_opt32(&e, CDR_T_PDD, rec->pdd_ms);
	enc_str(&e, CDR_T_INSTANCE, rec->instance);
	return e.overflow ? -ENOSPC : (int)e.len;
}

static int64_t dec_int(const uint8_t *v, size_t len)
{
	uint64_t x = 0;

	for (size_t i = 0; i < len; i++)
		x = (x << 8) | v[i];
	/* sign-extend from len bytes */
	if (len < 8 && len > 0 && (v[0] & 0x80))
		x |= ~(uint64_t)0 << (8 * len);
	return (int64_t)x;
}

static int dec_str(char *dst, size_t size, const uint8_t *v, size_t len)
{
	char tmp[256];

	/* Re-validate: a spool is only as trustworthy as the disk under it. */
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	if (memchr(v, 0, len) || len >= size)
		return -EBADMSG;
	cdr_record_set_str(dst, size, tmp);
	return 0;
}

static int dec_i32(int32_t *dst, const uint8_t *v, size_t len, int64_t min, int64_t max)
{
	int64_t x;

	if (len != 4)
		return -EBADMSG;
	x = dec_int(v, len);
	if (x < min || x > max)
		return -EBADMSG;
	*dst = x;
	return 0;
}

int cdr_record_decode(struct cdr_record *rec, const uint8_t *buf, size_t len)
{
	size_t i = 1;
	unsigned int seen = 0;
	int rc = 0;

	cdr_record_clear(rec);
	if (len < 1 || buf[0] != CDR_ENC_VERSION)
		return -EBADMSG;
	while (i < len && rc == 0) {
		uint8_t tag, l;
		const uint8_t *v;

		if (len - i < 2)
			return -EBADMSG;
		tag = buf[i];
		l = buf[i + 1];
		v = buf + i + 2;
		if (len - i - 2 < l)
			return -EBADMSG;
		i += 2 + l;
		if (tag < 32)
			seen |= 1u << tag;
		switch (tag) {
		case CDR_T_UUID:
			if (l != 16)
				return -EBADMSG;
			memcpy(rec->uuid, v, 16);
			break;
		case CDR_T_START:
		case CDR_T_ANSWER:
		case CDR_T_END:
			if (l != 8)
				return -EBADMSG;
			*(tag == CDR_T_START ? &rec->start_us :
			  tag == CDR_T_ANSWER ? &rec->answer_us : &rec->end_us) = dec_int(v, l);
			break;
		case CDR_T_CALLING_IN: rc = dec_str(rec->calling_in, sizeof(rec->calling_in), v, l); break;
		case CDR_T_CALLED_IN: rc = dec_str(rec->called_in, sizeof(rec->called_in), v, l); break;
		case CDR_T_CALLING_OUT: rc = dec_str(rec->calling_out, sizeof(rec->calling_out), v, l); break;
		case CDR_T_CALLED_OUT: rc = dec_str(rec->called_out, sizeof(rec->called_out), v, l); break;
		case CDR_T_CALLING_IN_NAI: rc = dec_i32(&rec->calling_in_nai, v, l, 0, 127); break;
		case CDR_T_CALLED_IN_NAI: rc = dec_i32(&rec->called_in_nai, v, l, 0, 127); break;
		case CDR_T_CALLING_OUT_NAI: rc = dec_i32(&rec->calling_out_nai, v, l, 0, 127); break;
		case CDR_T_CALLED_OUT_NAI: rc = dec_i32(&rec->called_out_nai, v, l, 0, 127); break;
		case CDR_T_INGRESS: rc = dec_str(rec->ingress_trunk, sizeof(rec->ingress_trunk), v, l); break;
		case CDR_T_EGRESS: rc = dec_str(rec->egress_trunk, sizeof(rec->egress_trunk), v, l); break;
		case CDR_T_ROUTE: rc = dec_str(rec->route, sizeof(rec->route), v, l); break;
		case CDR_T_CIC: rc = dec_i32(&rec->cic, v, l, 0, 65535); break;
		case CDR_T_OPC: rc = dec_i32(&rec->opc, v, l, 0, 16777215); break;
		case CDR_T_DPC: rc = dec_i32(&rec->dpc, v, l, 0, 16777215); break;
		case CDR_T_SIP_CALL_ID: rc = dec_str(rec->sip_call_id, sizeof(rec->sip_call_id), v, l); break;
		case CDR_T_CAUSE: rc = dec_i32(&rec->cause, v, l, 0, 127); break;
		case CDR_T_LOCATION: rc = dec_i32(&rec->cause_location, v, l, 0, 15); break;
		case CDR_T_RELEASED_BY:
			if (l != 1 || v[0] > CDR_REL_TANDEMD)
				return -EBADMSG;
			rec->released_by = v[0];
			break;
		case CDR_T_CODEC: rc = dec_str(rec->codec, sizeof(rec->codec), v, l); break;
		case CDR_T_TRANSCODED: rc = dec_i32(&rec->transcoded, v, l, 0, 1); break;
		case CDR_T_PDD: rc = dec_i32(&rec->pdd_ms, v, l, 0, INT32_MAX); break;
		case CDR_T_INSTANCE: rc = dec_str(rec->instance, sizeof(rec->instance), v, l); break;
		default:
			break;
		}
	}
	if (rc < 0)
		return rc;
	/* A record without its key or times cannot be billed or deduplicated. */
	if (!(seen & (1u << CDR_T_UUID)) || !(seen & (1u << CDR_T_START)) ||
	    !(seen & (1u << CDR_T_END)))
		return -EBADMSG;
	return 0;
}

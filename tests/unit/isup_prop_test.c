/* Property tests: random valid messages built from the format table.
 *
 * decode(encode(m)) == m for generated messages, and
 * encode(decode(b)) == b for every buffer the decoder accepts, including
 * mutated and truncated ones.  Fixed seed, so every run is the same.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tests/unit/isup_testutil.h"

#define ITERATIONS	4000

/* xorshift32: deterministic, no libc state */
static uint32_t prng_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static unsigned int prng_below(uint32_t *s, unsigned int n)
{
	return prng_next(s) % n;
}

static void prng_fill(uint32_t *s, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = prng_next(s) & 0xff;
}

static unsigned int count_rows(void)
{
	unsigned int n = 0;

	while (isup_fmt_get(n))
		n++;
	return n;
}

static struct isup_msg *random_msg(void *ctx, uint32_t *s)
{
	unsigned int nrows = count_rows(), i, nopt;
	const struct isup_fmt *fmt;
	enum isup_variant variant;
	struct isup_msg *msg;
	uint8_t data[255];
	uint8_t type;

	do {
		variant = prng_below(s, _NUM_ISUP_VARIANT);
		if (prng_below(s, 10) == 0) {
			/* a type unknown in this variant, kept whole */
			type = prng_next(s) & 0xff;
			fmt = isup_fmt_find(variant, type);
		} else {
			fmt = isup_fmt_get(prng_below(s, nrows));
			type = fmt->type;
		}
	} while (fmt && !(fmt->variants & ISUP_VBIT(variant)));

	msg = isup_msg_alloc(ctx, variant, type);
	ck_assert_ptr_nonnull(msg);
	if (prng_below(s, 2)) {
		msg->has_cic = true;
		msg->cic = prng_next(s) & (variant == ISUP_VARIANT_ANSI ? 0x3fff : 0x0fff);
		msg->cic_spare = prng_below(s, 4) == 0 ? prng_next(s) & 0x3 : 0;
	}
	if (!fmt || fmt->kind == ISUP_FMT_OPAQUE) {
		size_t len = prng_below(s, 40);

		prng_fill(s, data, len);
		msg->body = talloc_memdup(msg, data, len ? len : 1);
		msg->body_len = len;
		return msg;
	}
	for (i = 0; i < fmt->num_fixed; i++) {
		prng_fill(s, data, fmt->fixed[i].len);
		isup_msg_add_param(msg, ISUP_PART_FIXED, fmt->fixed[i].code, data, fmt->fixed[i].len);
	}
	for (i = 0; i < fmt->num_var; i++) {
		uint8_t len = 1 + prng_below(s, 40);

		prng_fill(s, data, len);
		isup_msg_add_param(msg, ISUP_PART_VARIABLE, fmt->var[i], data, len);
	}
	if (fmt->optional) {
		nopt = prng_below(s, 6);
		for (i = 0; i < nopt; i++) {
			uint8_t len = prng_below(s, 30), code = 1 + prng_below(s, 255);

			prng_fill(s, data, len);
			isup_msg_add_param(msg, ISUP_PART_OPTIONAL, code, data, len);
		}
		if (nopt == 0 && prng_below(s, 4) == 0)
			msg->opt_empty_ptr = true;
	}
	return msg;
}

/* encode(decode(b)) must give b back whenever the decoder accepts b */
static void check_accepted_roundtrip(enum isup_variant variant, unsigned int flags,
				     const uint8_t *b, size_t len)
{
	struct isup_msg *m;
	uint8_t *copy = malloc(len ? len : 1);

	/* an exact-size heap copy lets ASan flag any overread */
	memcpy(copy, b, len);
	if (isup_decode_ex(tt_ctx, variant, flags, copy, len, &m, NULL) == 0) {
		isup_t_assert_encodes(m, flags & ISUP_DEC_CIC, copy, len);
		talloc_free(m);
	}
	free(copy);
}

START_TEST(test_roundtrip_generated)
{
	uint32_t seed = 0x15c0ffee;
	uint8_t buf[ISUP_MAX_MSG_LEN], mut[ISUP_MAX_MSG_LEN];
	unsigned int it, k;

	for (it = 0; it < ITERATIONS; it++) {
		struct isup_msg *m = random_msg(tt_ctx, &seed), *m2;
		unsigned int flags = m->has_cic ? ISUP_DEC_CIC : 0;
		int len, rc;

		len = isup_encode_ex(m, m->has_cic, buf, sizeof(buf));
		ck_assert_msg(len > 0, "iteration %u: encode %s failed: %s", it,
			      isup_msg_type_name(m->type), isup_strerror(len));
		rc = isup_decode_ex(tt_ctx, m->variant, flags, buf, len, &m2, NULL);
		ck_assert_msg(rc == 0, "iteration %u: decode %s: %s", it,
			      isup_msg_type_name(m->type), isup_strerror(rc));
		if (!isup_msg_fmt(m)) {
			/* unknown: the body is authoritative; params are a view */
			ck_assert_uint_eq(m2->body_len, m->body_len);
			ck_assert(m->body_len == 0 || memcmp(m2->body, m->body, m->body_len) == 0);
		} else {
			ck_assert_msg(isup_msg_equal(m, m2), "iteration %u: %s differs", it,
				      isup_msg_type_name(m->type));
		}
		isup_t_assert_encodes(m2, m->has_cic, buf, len);

		/* mutate: flip octets, truncate, append */
		for (k = 0; k < 4; k++) {
			size_t mlen = len;

			memcpy(mut, buf, len);
			switch (prng_below(&seed, 3)) {
			case 0:
				mut[prng_below(&seed, len)] ^= 1 + prng_below(&seed, 255);
				break;
			case 1:
				mlen = prng_below(&seed, len);
				break;
			default:
				if (mlen < sizeof(mut))
					mut[mlen++] = prng_next(&seed) & 0xff;
				break;
			}
			check_accepted_roundtrip(m->variant, flags, mut, mlen);
			check_accepted_roundtrip(m->variant, flags | ISUP_DEC_STRICT, mut, mlen);
		}
		talloc_free(m2);
		talloc_free(m);
	}
}
END_TEST

/* fully random buffers: never crash, and accepted ones round-trip */
START_TEST(test_random_buffers)
{
	uint32_t seed = 0xdecade01;
	uint8_t buf[64];
	unsigned int it;

	for (it = 0; it < 20000; it++) {
		size_t len = prng_below(&seed, sizeof(buf));
		enum isup_variant v = prng_below(&seed, _NUM_ISUP_VARIANT);

		prng_fill(&seed, buf, len);
		/* bias towards known types with small pointers */
		if (len > 0 && prng_below(&seed, 2))
			buf[0] = isup_fmt_get(prng_below(&seed, count_rows()))->type;
		if (len > 3 && prng_below(&seed, 2))
			buf[1] = buf[2] = buf[3] = prng_below(&seed, 6);
		check_accepted_roundtrip(v, 0, buf, len);
		check_accepted_roundtrip(v, ISUP_DEC_CIC, buf, len);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isup_prop");
	TCase *tc = tt_tcase(s, "prop");

	tcase_add_test(tc, test_roundtrip_generated);
	tcase_add_test(tc, test_random_buffers);
	return tt_run(s);
}

/* Unit tests: ISUP message table, decoder and encoder, errors, variants.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tests/unit/isup_testutil.h"
#include "isup/isup_params.h"

#define V_ITU		(1 << ISUP_VARIANT_ITU)
#define V_ANSI		(1 << ISUP_VARIANT_ANSI)
#define V_CHINA		(1 << ISUP_VARIANT_CHINA)
#define V_ITUCN		(V_ITU | V_CHINA)
#define V_ALL		(V_ITU | V_ANSI | V_CHINA)

/* Hand-built vectors (no CIC): variants they are valid in, the octets,
 * the expected number of parameters and whether the body is opaque. */
static const struct vec {
	unsigned int variants;
	const char *hex;
	unsigned int nparams;
	bool opaque;
} vecs[] = {
	/* IAM: NCI FCI CPC TMR, CdPN 1234567F, CgPN 123456789, national 0xfe */
	{ V_ITUCN, "01 00 2001 0a 00 02 08 06 0310214365f7 0a 07 831321436587 09 fe 02 abcd 00", 7 },
	/* ANSI IAM: NCI FCI CPC, USI and CdPN variable, CgPN + charge number */
	{ V_ANSI, "01 00 2001 0a 03 06 0c 03 8090a2 06 031021436507 0a 05 0313214365 eb 05 0310214365 00", 7 },
	{ V_ALL, "02 02 00 03 80 4305", 1 },
	{ V_ALL, "03 0100 00", 1 },
	{ V_ALL, "04 0300 00", 1 },
	{ V_ALL, "05 01", 1 },
	{ V_ALL, "06 1614 00", 1 },
	{ V_ALL, "06 1614 01 29 01 01 00", 2 },
	{ V_ALL, "07 1614 00", 1 },
	{ V_ALL, "08 00", 0 },
	{ V_ALL, "09 01 29 01 01 00", 1 },
	{ V_ALL, "0c 02 00 02 8a91", 1 },
	{ V_ALL, "0c 02 05 03 808a21 2c 01 81 00", 2 },
	{ V_ALL, "0d 00 00", 1 },
	{ V_ALL, "0e 01 00", 1 },
	{ V_ITUCN, "10 00", 0 },
	{ V_ANSI, "10", 0 },
	{ V_ALL, "11", 0 },
	{ V_ALL, "12", 0 },
	{ V_ALL, "13", 0 },
	{ V_ALL, "14", 0 },
	{ V_ALL, "15", 0 },
	{ V_ALL, "16", 0 },
	{ V_ALL, "17 01 01 1f", 1 },
	{ V_ALL, "18 00 01 02 07ff", 2 },
	{ V_ALL, "19 00 01 02 07ff", 2 },
	{ V_ALL, "1a 00 01 05 1f01020304", 2 },
	{ V_ALL, "1b 01 01 02 0780", 2 },
	{ V_ALL, "1f 02 00", 1 },
	{ V_ALL, "20 02 00", 1 },
	{ V_ALL, "21 02 02 00 02 809d", 2 },
	{ V_ALL, "24", 0 },
	{ V_ALL, "28 06161400", 0, true },
	{ V_ALL, "29 01 02 0700", 1 },
	{ V_ALL, "2a 01 01 07", 1 },
	{ V_ALL, "2b 02 03 01 07 08 0101010101010101", 2 },
	{ V_ALL, "2c 01 00", 1 },
	{ V_ALL, "2c 02 01 2c 01 81 00", 2 },
	{ V_ALL, "2d 02 00 03 aabbcc", 1 },
	{ V_ALL, "2e", 0 },
	{ V_ALL, "2f 02 00 03 80e105", 1 },
	{ V_ALL, "30", 0 },
	{ V_ALL, "31 aabb", 0, true },
	{ V_ALL, "32 00", 0 },
	{ V_ALL, "33 00", 0 },
	{ V_ALL, "34 00", 0 },
	{ V_ALL, "35 01 39 02 0281 00", 1 },
	{ V_ALL, "36 00", 0 },
	{ V_ALL, "37 00", 0 },
	{ V_ALL, "38 01 03 02 1234 00", 1 },
	{ V_ALL, "40 00", 0 },
	{ V_ALL, "41 01 78 04 80808000 00", 1 },
	{ V_ALL, "42 00", 0 },
	{ V_ALL, "43 01 7d 04 03101234 00", 1 },
	{ V_ANSI, "1c 0102", 0, true },
	{ V_ANSI, "1d 0102", 0, true },
	{ V_ANSI, "1e 0102", 0, true },
	{ V_ANSI, "22 01", 0, true },
	{ V_ANSI, "23 01", 0, true },
	{ V_ANSI, "25 01", 0, true },
	{ V_ANSI, "26 01", 0, true },
	{ V_ANSI, "27 00", 0, true },
	{ V_ANSI, "e9", 0 },
	{ V_ANSI, "ea 05", 1 },
	{ V_ANSI, "eb 01 02 00", 2 },
	{ V_ANSI, "ec", 0 },
	{ V_ANSI, "ed 00", 0 },
};

static void check_vec(const struct vec *v, enum isup_variant variant)
{
	uint8_t buf[512], cbuf[514];
	struct isup_err_detail err;
	struct isup_msg *msg, *copy;
	size_t len = isup_t_hex(v->hex, buf, sizeof(buf));
	int rc;

	rc = isup_decode(tt_ctx, variant, buf, len, &msg, &err);
	ck_assert_msg(rc == 0, "%s (%s): %s", v->hex, get_value_string(isup_variant_names, variant),
		      isup_strerror(rc));
	ck_assert_int_eq(msg->type, buf[0]);
	ck_assert_msg(isup_msg_fmt(msg) != NULL, "%s: type not in table", v->hex);
	ck_assert_uint_eq(msg->num_params, v->nparams);
	ck_assert(!msg->trailer && !msg->layout);
	ck_assert_int_eq(msg->body != NULL, v->opaque);
	isup_t_assert_encodes(msg, false, buf, len);
	/* strict mode accepts every vector */
	talloc_free(msg);
	rc = isup_decode_ex(tt_ctx, variant, ISUP_DEC_STRICT, buf, len, &msg, NULL);
	ck_assert_int_eq(rc, 0);
	/* a compact decode (a call's long-lived IAM) is the same message */
	rc = isup_decode_ex(tt_ctx, variant, ISUP_DEC_COMPACT, buf, len, &copy, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert(isup_msg_equal(msg, copy));
	isup_t_assert_encodes(copy, false, buf, len);
	talloc_free(copy);
	talloc_free(msg);

	/* the same with a CIC in front: 0x0123 in ITU/China, 0x2abc in ANSI */
	cbuf[0] = variant == ISUP_VARIANT_ANSI ? 0xbc : 0x23;
	cbuf[1] = variant == ISUP_VARIANT_ANSI ? 0x2a : 0x01;
	memcpy(cbuf + 2, buf, len);
	rc = isup_decode_cic(tt_ctx, variant, cbuf, len + 2, &msg, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert(msg->has_cic);
	ck_assert_uint_eq(msg->cic, variant == ISUP_VARIANT_ANSI ? 0x2abc : 0x123);
	ck_assert_uint_eq(msg->cic_spare, 0);
	isup_t_assert_encodes(msg, true, cbuf, len + 2);
	talloc_free(msg);
}

START_TEST(test_vectors_all_types)
{
	unsigned int i, v;

	for (i = 0; i < ARRAY_SIZE(vecs); i++) {
		for (v = 0; v < _NUM_ISUP_VARIANT; v++) {
			if (vecs[i].variants & (1u << v))
				check_vec(&vecs[i], v);
		}
	}
}
END_TEST

/* every row of the format table, in every variant it serves, has a vector */
START_TEST(test_table_covered)
{
	const struct isup_fmt *f;
	unsigned int i, j, v;
	uint8_t buf[512];

	for (i = 0; (f = isup_fmt_get(i)); i++) {
		for (v = 0; v < _NUM_ISUP_VARIANT; v++) {
			bool found = false;

			if (!(f->variants & ISUP_VBIT(v)))
				continue;
			ck_assert_ptr_eq(isup_fmt_find(v, f->type), f);
			for (j = 0; j < ARRAY_SIZE(vecs) && !found; j++) {
				isup_t_hex(vecs[j].hex, buf, sizeof(buf));
				found = (vecs[j].variants & (1u << v)) && buf[0] == f->type;
			}
			ck_assert_msg(found, "no vector for %s in %s", isup_msg_type_name(f->type),
				      get_value_string(isup_variant_names, v));
		}
	}
}
END_TEST

START_TEST(test_iam_fields)
{
	uint8_t buf[128];
	size_t len = isup_t_hex(vecs[0].hex, buf, sizeof(buf));
	const struct isup_param *p;
	struct isup_number num;
	struct isup_fci fci;
	struct isup_msg *msg;

	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, buf, len, &msg, NULL), 0);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_CALLED, &num), 0);
	ck_assert_str_eq(num.digits, "1234567F");
	ck_assert_int_eq(num.nai, ISUP_NAI_NATIONAL);
	ck_assert_int_eq(num.npi, ISUP_NPI_E164);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_CALLING, &num), 0);
	ck_assert_str_eq(num.digits, "123456789");
	ck_assert_int_eq(num.screen, ISUP_SCREEN_NETWORK);
	ck_assert_int_eq(isup_msg_get_bf(msg, ISUP_PAR_FCI, &fci, sizeof(fci)), 0);
	ck_assert_int_eq(fci.isup_all_the_way, 1);
	ck_assert_int_eq(fci.isdn_access, 1);
	p = isup_msg_find_param(msg, 0xfe);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->part, ISUP_PART_OPTIONAL);
	ck_assert_int_eq(p->len, 2);
	ck_assert_int_eq(p->data[0], 0xab);
	ck_assert_ptr_null(isup_msg_find_next(msg, p, 0xfe));
	ck_assert_int_eq(isup_msg_get_cause(msg, &(struct isup_cause){ 0 }),
			 -ISUP_ERR_MISSING_MANDATORY);
	talloc_free(msg);
}
END_TEST

START_TEST(test_ansi_iam)
{
	uint8_t buf[128];
	size_t len = isup_t_hex(vecs[1].hex, buf, sizeof(buf));
	struct isup_number num;
	struct isup_usi usi;
	struct isup_msg *msg;

	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ANSI, buf, len, &msg, NULL), 0);
	ck_assert_ptr_null(isup_msg_find_param(msg, ISUP_PAR_TMR));
	ck_assert_int_eq(msg->params[3].code, ISUP_PAR_USI);
	ck_assert_int_eq(msg->params[3].part, ISUP_PART_VARIABLE);
	ck_assert_int_eq(isup_usi_decode(&usi, msg->params[3].data, msg->params[3].len), 0);
	ck_assert_int_eq(usi.itc, 0);
	ck_assert_int_eq(usi.transfer_rate, 0x10);
	ck_assert_int_eq(usi.l1_protocol, 2);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_CALLED, &num), 0);
	ck_assert_str_eq(num.digits, "12345670");
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_ANSI_CHARGE_NUMBER, &num), 0);
	ck_assert_str_eq(num.digits, "123456");
	ck_assert_str_eq(isup_param_name(ISUP_VARIANT_ANSI, 0xeb), "Charge number");
	talloc_free(msg);

	/* read with the ITU layout the same octets mean something else */
	if (isup_decode(tt_ctx, ISUP_VARIANT_ITU, buf, len, &msg, NULL) == 0) {
		ck_assert_ptr_nonnull(isup_msg_find_param(msg, ISUP_PAR_TMR));
		ck_assert_ptr_null(isup_msg_find_param(msg, ISUP_PAR_USI));
		talloc_free(msg);
	}
}
END_TEST

START_TEST(test_cic_bits)
{
	uint8_t buf[] = { 0xff, 0xff, ISUP_MSG_BLO };
	struct isup_msg *msg;

	ck_assert_int_eq(isup_decode_cic(tt_ctx, ISUP_VARIANT_ITU, buf, 3, &msg, NULL), 0);
	ck_assert_uint_eq(msg->cic, 0xfff);
	ck_assert_uint_eq(msg->cic_spare, 0xf);
	isup_t_assert_encodes(msg, true, buf, 3);
	talloc_free(msg);
	ck_assert_int_eq(isup_decode_cic(tt_ctx, ISUP_VARIANT_CHINA, buf, 3, &msg, NULL), 0);
	ck_assert_uint_eq(msg->cic, 0xfff);
	talloc_free(msg);
	ck_assert_int_eq(isup_decode_cic(tt_ctx, ISUP_VARIANT_ANSI, buf, 3, &msg, NULL), 0);
	ck_assert_uint_eq(msg->cic, 0x3fff);
	ck_assert_uint_eq(msg->cic_spare, 3);
	isup_t_assert_encodes(msg, true, buf, 3);
	/* a CIC wider than the variant's field is refused */
	msg->cic = 0x4000;
	ck_assert_int_eq(isup_encode_cic(msg, buf, sizeof(buf)), -ISUP_ERR_INVAL);
	talloc_free(msg);
}
END_TEST

/* Every prefix of a valid IAM fails cleanly (ASan catches overreads). */
START_TEST(test_truncated_iam)
{
	uint8_t buf[128], cbuf[130];
	size_t len = isup_t_hex(vecs[0].hex, buf, sizeof(buf)), n;
	struct isup_err_detail err;
	struct isup_msg *msg;
	int rc;

	cbuf[0] = 1;
	cbuf[1] = 0;
	memcpy(cbuf + 2, buf, len);
	for (n = 0; n < len; n++) {
		/* exact-size heap copies so that ASan sees any overread */
		uint8_t *b = malloc(n ? n : 1), *cb = malloc(n + 2);

		memcpy(b, buf, n);
		memcpy(cb, cbuf, n + 2);
		rc = isup_decode_ex(tt_ctx, ISUP_VARIANT_ITU, ISUP_DEC_STRICT, b, n, &msg, &err);
		ck_assert_msg(rc < 0, "prefix %zu accepted", n);
		ck_assert_int_eq(err.rc, rc);
		ck_assert_msg(rc == -ISUP_ERR_TRUNCATED || rc == -ISUP_ERR_POINTER ||
			      rc == -ISUP_ERR_LENGTH, "prefix %zu: %s", n, isup_strerror(rc));
		ck_assert(err.offset <= n);
		ck_assert_ptr_null(msg);
		rc = isup_decode_ex(tt_ctx, ISUP_VARIANT_ITU, ISUP_DEC_STRICT | ISUP_DEC_CIC, cb,
				    n + 2, &msg, &err);
		ck_assert_msg(rc < 0, "CIC prefix %zu accepted", n);
		/* lenient mode only accepts a prefix that ends between two
		 * optional parameters, and says the end octet is missing */
		rc = isup_decode(tt_ctx, ISUP_VARIANT_ITU, b, n, &msg, NULL);
		if (rc == 0) {
			ck_assert(msg->eop_missing);
			isup_t_assert_encodes(msg, false, b, n);
			talloc_free(msg);
		}
		free(b);
		free(cb);
	}
	rc = isup_decode_cic(tt_ctx, ISUP_VARIANT_ITU, cbuf, 1, &msg, &err);
	ck_assert_int_eq(rc, -ISUP_ERR_TRUNCATED);
	ck_assert(!err.has_msg_type);
}
END_TEST

static int decode_hex(const char *hex, unsigned int flags, struct isup_msg **msg,
		      struct isup_err_detail *err)
{
	uint8_t buf[512];
	size_t len = isup_t_hex(hex, buf, sizeof(buf));

	return isup_decode_ex(tt_ctx, ISUP_VARIANT_ITU, flags, buf, len, msg, err);
}

START_TEST(test_errors)
{
	struct isup_err_detail err;
	struct isup_msg *msg;
	int i;

	/* pointer to CdPN beyond the end */
	ck_assert_int_eq(decode_hex("01 00 2001 0a 00 f0 00 02 0310", 0, &msg, &err), -ISUP_ERR_POINTER);
	ck_assert(err.has_param && err.param_code == ISUP_PAR_CALLED && err.offset == 6);
	ck_assert(err.has_msg_type && err.msg_type == ISUP_MSG_IAM);
	/* zero pointer to a mandatory variable parameter */
	ck_assert_int_eq(decode_hex("0c 00 00 02 8090", 0, &msg, &err), -ISUP_ERR_POINTER);
	/* pointer into the pointer block */
	ck_assert_int_eq(decode_hex("2b 01 03 01 07 01 00", 0, &msg, &err), -ISUP_ERR_POINTER);
	/* optional part pointer past the end, and overlapping the variable part */
	ck_assert_int_eq(decode_hex("06 1614 05", 0, &msg, &err), -ISUP_ERR_POINTER);
	ck_assert_int_eq(decode_hex("0c 02 02 02 8090 00", 0, &msg, &err), -ISUP_ERR_POINTER);
	/* length overflow: CdPN says 0x30 octets, optional param says 9 */
	ck_assert_int_eq(decode_hex("01 00 2001 0a 00 02 00 30 0310", 0, &msg, &err), -ISUP_ERR_LENGTH);
	ck_assert_int_eq(err.param_code, ISUP_PAR_CALLED);
	ck_assert_int_eq(decode_hex("06 1614 01 29 09 01 00", 0, &msg, &err), -ISUP_ERR_LENGTH);
	ck_assert_int_eq(err.param_code, ISUP_PAR_OBCI);
	/* optional parameter code without its length octet */
	ck_assert_int_eq(decode_hex("06 1614 01 29", 0, &msg, &err), -ISUP_ERR_TRUNCATED);
	/* mandatory variable parameter of length 0 */
	ck_assert_int_eq(decode_hex("0c 02 00 00", 0, &msg, &err), -ISUP_ERR_MISSING_MANDATORY);
	ck_assert_int_eq(err.param_code, ISUP_PAR_CAUSE);
	/* unknown message: strict refuses, lenient keeps it whole */
	ck_assert_int_eq(decode_hex("ff 00", ISUP_DEC_STRICT, &msg, &err), -ISUP_ERR_UNKNOWN_MSG);
	ck_assert_int_eq(decode_hex("ff 00", 0, &msg, &err), 0);
	ck_assert_ptr_null(isup_msg_fmt(msg));
	ck_assert_uint_eq(msg->body_len, 1);
	talloc_free(msg);
	/* trailing octets: strict refuses, lenient keeps them */
	ck_assert_int_eq(decode_hex("06 1614 00 ff", ISUP_DEC_STRICT, &msg, &err), -ISUP_ERR_TRAILING);
	ck_assert_int_eq(err.offset, 4);
	ck_assert_int_eq(decode_hex("06 1614 00 ff", 0, &msg, &err), 0);
	ck_assert_uint_eq(msg->trailer_len, 1);
	talloc_free(msg);
	/* bad arguments */
	ck_assert_int_eq(isup_decode(tt_ctx, 7, (const uint8_t *)"\x06", 1, &msg, NULL), -ISUP_ERR_INVAL);
	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, NULL, 0, &msg, &err), -ISUP_ERR_TRUNCATED);
	/* every error code has a name */
	for (i = ISUP_ERR_TRUNCATED; i <= ISUP_ERR_NOMEM; i++)
		ck_assert_str_ne(isup_strerror(-i), "unknown");
	ck_assert_str_eq(isup_strerror(-ISUP_ERR_POINTER), "pointer out of range");
}
END_TEST

START_TEST(test_encode_errors)
{
	struct isup_msg *msg = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_IAM);
	uint8_t big[255], out[8];

	ck_assert_int_eq(isup_encode(msg, NULL, 0), -ISUP_ERR_MISSING_MANDATORY);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_NCI, (const uint8_t *)"\x00", 1), 0);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_FCI, (const uint8_t *)"\x20", 1), 1);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_CPC, (const uint8_t *)"\x0a", 1), 2);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_TMR, (const uint8_t *)"\x00", 1), 3);
	memset(big, 0x11, sizeof(big));
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_CALLED, big, 255), 4);
	ck_assert_int_eq(msg->params[4].part, ISUP_PART_VARIABLE);
	/* FCI has one octet instead of two */
	ck_assert_int_eq(isup_encode(msg, NULL, 0), -ISUP_ERR_LENGTH);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_FCI, (const uint8_t *)"\x20\x01", 2), 1);
	ck_assert_int_eq(isup_encode(msg, out, sizeof(out)), -ISUP_ERR_SPACE);
	/* an optional part after a 255-octet CdPN cannot be pointed to */
	ck_assert_int_eq(isup_msg_add_param(msg, ISUP_PART_OPTIONAL, 0x0a, big, 4), 5);
	ck_assert_int_eq(isup_encode_alloc(tt_ctx, msg, (uint8_t **)&out), -ISUP_ERR_POINTER);
	ck_assert_int_eq(isup_msg_del_param(msg, 0x0a), 1);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_CALLED, big, 3), 4);
	/* an optional parameter with code 0 would end the part early */
	ck_assert_int_eq(isup_msg_add_param(msg, ISUP_PART_OPTIONAL, 0, big, 1), 5);
	ck_assert_int_eq(isup_encode(msg, NULL, 0) , -ISUP_ERR_INVAL);
	talloc_free(msg);
}
END_TEST

START_TEST(test_build_rel)
{
	struct isup_msg *msg = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_REL);
	struct isup_cause c = { .location = 10, .value = 17 }, c2;
	uint8_t *out;
	uint8_t exp[] = { 0x0c, 0x02, 0x00, 0x02, 0x8a, 0x91 };
	uint8_t expc[] = { 0x05, 0x00, 0x0c, 0x02, 0x00, 0x02, 0x8a, 0x91 };

	ck_assert_int_eq(isup_msg_set_cause(msg, &c), 0);
	isup_t_assert_encodes(msg, false, exp, sizeof(exp));
	msg->has_cic = true;
	msg->cic = 5;
	ck_assert_int_eq(isup_encode_alloc(tt_ctx, msg, &out), sizeof(expc));
	ck_assert(memcmp(out, expc, sizeof(expc)) == 0);
	ck_assert_int_eq(isup_msg_get_cause(msg, &c2), 0);
	ck_assert_int_eq(c2.value, 17);
	ck_assert_int_eq(c2.location, 10);
	talloc_free(out);
	talloc_free(msg);
}
END_TEST

/* Valid but unusual layouts re-encode byte for byte. */
START_TEST(test_layouts)
{
	static const char *const odd[] = {
		"0c 03 00 ff 02 8090",			/* gap before the cause */
		"2b 05 01 02 0101 01 01",		/* CQR variable params swapped */
		"0c 02 05 02 8090 ee 2c 01 81 00",	/* gap before optional part */
		"06 1614 01 00",			/* pointer to an empty part */
		"06 1614 01 29 01 01",			/* no end of optional octet */
		"0c 02 00 02 8090 0000",		/* trailing octets */
	};
	uint8_t buf[64];
	struct isup_msg *msg;
	unsigned int i;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(odd); i++) {
		len = isup_t_hex(odd[i], buf, sizeof(buf));
		ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, buf, len, &msg, NULL), 0);
		isup_t_assert_encodes(msg, false, buf, len);
		talloc_free(msg);
		/* odd layouts survive a compact decode too */
		ck_assert_int_eq(isup_decode_ex(tt_ctx, ISUP_VARIANT_ITU, ISUP_DEC_COMPACT, buf, len,
						&msg, NULL), 0);
		isup_t_assert_encodes(msg, false, buf, len);
		talloc_free(msg);
	}
	/* a same-length change keeps the gap; a new length canonicalises */
	len = isup_t_hex(odd[0], buf, sizeof(buf));
	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, buf, len, &msg, NULL), 0);
	ck_assert_ptr_nonnull(msg->layout);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x91", 2), 0);
	len = isup_t_hex("0c 03 00 ff 02 8091", buf, sizeof(buf));
	isup_t_assert_encodes(msg, false, buf, len);
	ck_assert_int_eq(isup_msg_set_param(msg, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x91\x01", 3), 0);
	len = isup_t_hex("0c 02 00 03 809101", buf, sizeof(buf));
	isup_t_assert_encodes(msg, false, buf, len);
	talloc_free(msg);
}
END_TEST

/* Q.764 2.9.5: an unknown message still shows its compatibility info. */
START_TEST(test_unknown_compat)
{
	struct isup_msg_compat mci;
	struct isup_msg *msg;

	ck_assert_int_eq(decode_hex("50 01 38 01 8a 00", 0, &msg, NULL), 0);
	ck_assert_ptr_null(isup_msg_fmt(msg));
	ck_assert_uint_eq(msg->body_len, 5);
	ck_assert_int_eq(isup_msg_get_msg_compat(msg, &mci), 0);
	ck_assert_int_eq(mci.instr.release, 1);
	ck_assert_int_eq(mci.instr.discard_msg, 1);
	ck_assert_int_eq(mci.instr.transit, 0);
	isup_t_assert_encodes(msg, false, (const uint8_t *)"\x50\x01\x38\x01\x8a\x00", 6);
	talloc_free(msg);
	/* an unknown body that is not an optional part is still kept */
	ck_assert_int_eq(decode_hex("51 ff", 0, &msg, NULL), 0);
	ck_assert_uint_eq(msg->num_params, 0);
	isup_t_assert_encodes(msg, false, (const uint8_t *)"\x51\xff", 2);
	talloc_free(msg);
	/* ITU does not know the ANSI-only CVR */
	ck_assert_int_eq(decode_hex("eb 01 02 00", ISUP_DEC_STRICT, &msg, NULL), -ISUP_ERR_UNKNOWN_MSG);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_int_eq(isup_variant_parse("itu"), ISUP_VARIANT_ITU);
	ck_assert_int_eq(isup_variant_parse("ANSI"), ISUP_VARIANT_ANSI);
	ck_assert_int_eq(isup_variant_parse("china"), ISUP_VARIANT_CHINA);
	ck_assert_int_eq(isup_variant_parse("japan"), -ISUP_ERR_INVAL);
	ck_assert_int_eq(isup_variant_parse(NULL), -ISUP_ERR_INVAL);
	ck_assert_str_eq(get_value_string(isup_variant_names, ISUP_VARIANT_CHINA), "china");
	ck_assert_str_eq(isup_msg_type_name(ISUP_MSG_CGBA), "CGBA");
	ck_assert_str_eq(isup_msg_type_name(0xfe), "unknown");
	ck_assert_str_eq(isup_param_name(ISUP_VARIANT_ITU, 0xc0), "Generic number");
	ck_assert_str_eq(isup_param_name(ISUP_VARIANT_ANSI, 0xc0), "Generic address");
	ck_assert_str_eq(isup_param_name(ISUP_VARIANT_ITU, 0xfe), "unknown");
	ck_assert_str_eq(get_value_string(isup_part_names, ISUP_PART_VARIABLE), "variable");
	ck_assert_str_eq(get_value_string(isup_fmt_kind_names, ISUP_FMT_OPAQUE), "opaque");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isup_msg");
	TCase *tc = tt_tcase(s, "msg");

	tcase_add_test(tc, test_vectors_all_types);
	tcase_add_test(tc, test_table_covered);
	tcase_add_test(tc, test_iam_fields);
	tcase_add_test(tc, test_ansi_iam);
	tcase_add_test(tc, test_cic_bits);
	tcase_add_test(tc, test_truncated_iam);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_encode_errors);
	tcase_add_test(tc, test_build_rel);
	tcase_add_test(tc, test_layouts);
	tcase_add_test(tc, test_unknown_compat);
	tcase_add_test(tc, test_names);
	return tt_run(s);
}

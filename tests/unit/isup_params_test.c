/* Unit tests: typed ISUP parameters and number helpers.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tests/unit/isup_testutil.h"
#include "isup/isup_params.h"

/* decode the hex as the kind, check digits, re-encode byte-exact */
static void number_rt(enum isup_number_kind kind, const char *hex, const char *digits)
{
	uint8_t buf[64], out[64];
	size_t len = isup_t_hex(hex, buf, sizeof(buf));
	struct isup_number num;
	int rc;

	rc = isup_number_decode(&num, kind, buf, len);
	ck_assert_msg(rc == 0, "%s: %s", hex, isup_strerror(rc));
	ck_assert_str_eq(num.digits, digits);
	rc = isup_number_encode(out, sizeof(out), kind, &num);
	ck_assert_int_eq(rc, len);
	ck_assert(memcmp(out, buf, len) == 0);
}

START_TEST(test_numbers)
{
	uint8_t buf[64];
	struct isup_number num = { 0 };
	char s[8];
	bool odd;
	int i;

	number_rt(ISUP_NUMBER_CALLED, "8310 214365 07", "1234567");	/* odd */
	number_rt(ISUP_NUMBER_CALLED, "0310 21436587", "12345678");	/* even */
	number_rt(ISUP_NUMBER_CALLED, "0310 214365f7", "1234567F");	/* ST */
	number_rt(ISUP_NUMBER_CALLED, "0310 cb", "BC");			/* codes 11, 12 */
	number_rt(ISUP_NUMBER_CALLED, "8310 f0", "0");			/* filler 0xf ... */
	number_rt(ISUP_NUMBER_CALLED, "0390", "");			/* empty, INN set */
	number_rt(ISUP_NUMBER_CALLING, "0317", "");			/* CgPN not available */
	number_rt(ISUP_NUMBER_CALLING, "04 13 1032547698", "0123456789");
	number_rt(ISUP_NUMBER_REDIRECTING, "8414 21 03", "123");
	number_rt(ISUP_NUMBER_GENERIC, "06 8313 2103", "123");
	number_rt(ISUP_NUMBER_SUBSEQUENT, "80 4305", "345");
	number_rt(ISUP_NUMBER_SUBSEQUENT, "00 43", "34");
	/* the filler nibble is kept */
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_CALLED, (const uint8_t *)"\x83\x10\xf0", 3), 0);
	ck_assert_int_eq(num.filler, 0xf);
	/* 32 digits fit, 33 do not */
	memset(buf, 0x11, sizeof(buf));
	buf[0] = 0x04;
	buf[1] = 0x10;
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_CALLED, buf, 2 + 16), 0);
	ck_assert_int_eq(strlen(num.digits), ISUP_NUMBER_MAX_DIGITS);
	buf[0] = 0x84;
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_CALLED, buf, 2 + 17), -ISUP_ERR_UNSUPPORTED);
	/* too short, odd with no digit octet, unknown kind */
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_CALLED, buf, 1), -ISUP_ERR_BAD_PARAM);
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_GENERIC, buf, 2), -ISUP_ERR_BAD_PARAM);
	ck_assert_int_eq(isup_number_decode(&num, ISUP_NUMBER_CALLED, (const uint8_t *)"\x83\x10", 2), -ISUP_ERR_BAD_PARAM);
	ck_assert_int_eq(isup_number_decode(&num, 9, buf, 4), -ISUP_ERR_INVAL);
	/* encoding checks characters, field widths and space */
	memset(&num, 0, sizeof(num));
	OSMO_STRLCPY_ARRAY(num.digits, "12*");
	ck_assert_int_eq(isup_number_encode(buf, sizeof(buf), ISUP_NUMBER_CALLED, &num), -ISUP_ERR_INVAL);
	OSMO_STRLCPY_ARRAY(num.digits, "12ab");
	ck_assert_int_eq(isup_number_encode(buf, sizeof(buf), ISUP_NUMBER_CALLED, &num), 4);
	ck_assert_int_eq(buf[2], 0x21);
	ck_assert_int_eq(buf[3], 0xba);
	ck_assert_int_eq(isup_number_encode(buf, 3, ISUP_NUMBER_CALLED, &num), -ISUP_ERR_SPACE);
	num.npi = 8;
	ck_assert_int_eq(isup_number_encode(buf, sizeof(buf), ISUP_NUMBER_CALLED, &num), -ISUP_ERR_INVAL);
	/* raw helpers */
	ck_assert_int_eq(isup_digits_from_str("123", buf, 1, &odd, 0), -ISUP_ERR_SPACE);
	ck_assert_int_eq(isup_digits_from_str("123", buf, 2, &odd, 0), 2);
	ck_assert(odd);
	ck_assert_int_eq(isup_digits_to_str(buf, 2, true, s, 3, NULL), 3);
	ck_assert_str_eq(s, "123");
	ck_assert_int_eq(isup_digits_to_str(buf, 2, false, s, 3, NULL), -ISUP_ERR_INVAL);
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(isup_digits_from_str((char[]){ "0123456789ABCDEF"[i], 0 }, buf, 1, &odd, 0), 1);
	ck_assert_int_eq(isup_number_kind_of(ISUP_VARIANT_ITU, ISUP_PAR_ANSI_CHARGE_NUMBER), -ISUP_ERR_INVAL);
	ck_assert_int_eq(isup_number_kind_of(ISUP_VARIANT_ITU, ISUP_PAR_LOCATION), ISUP_NUMBER_CALLING);
	ck_assert_str_eq(get_value_string(isup_number_kind_names, ISUP_NUMBER_GENERIC), "generic");
	ck_assert_str_eq(get_value_string(isup_nai_names, ISUP_NAI_INTERNATIONAL), "international number");
	ck_assert_str_eq(get_value_string(isup_apri_names, ISUP_APRI_RESTRICTED), "presentation restricted");
	ck_assert_str_eq(get_value_string(isup_screening_names, ISUP_SCREEN_NETWORK), "network provided");
	ck_assert_str_eq(get_value_string(isup_npi_names, ISUP_NPI_E164), "ISDN (telephony) E.164");
}
END_TEST

/* every bit-field type: all 256 (or 65536) values round-trip */
START_TEST(test_bitfields_exhaustive)
{
	static const uint8_t codes[] = {
		ISUP_PAR_NCI, ISUP_PAR_FCI, ISUP_PAR_CPC, ISUP_PAR_TMR, ISUP_PAR_TMU,
		ISUP_PAR_TMR_PRIME, ISUP_PAR_BCI, ISUP_PAR_OBCI, ISUP_PAR_EVENT_INFO,
		ISUP_PAR_REDIRECTION_INFO, ISUP_PAR_HOP_COUNTER, ISUP_PAR_SUSP_RES_IND,
		ISUP_PAR_CGSMT, ISUP_PAR_INFO_IND, ISUP_PAR_INFO_REQ_IND,
		ISUP_PAR_CONTINUITY_IND, ISUP_PAR_ECHO_CTRL, ISUP_PAR_UTI,
	};
	unsigned int i, v;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct isup_bf_type *t = isup_bf_type_find(ISUP_VARIANT_ITU, codes[i]);
		unsigned int max = t->len == 2 ? 65536 : 256;

		ck_assert_ptr_nonnull(t);
		for (v = 0; v < max; v++) {
			uint8_t in[2] = { v & 0xff, v >> 8 }, out[2];
			uint8_t st[64];

			ck_assert_int_eq(isup_bf_decode(t, st, in, t->len), 0);
			ck_assert_int_eq(isup_bf_encode(t, out, sizeof(out), st), t->len);
			ck_assert(memcmp(in, out, t->len) == 0);
		}
		ck_assert_int_eq(isup_bf_decode(t, (uint8_t[64]){ 0 }, (const uint8_t *)"\0\0\0", 3),
				 -ISUP_ERR_BAD_PARAM);
	}
	ck_assert_ptr_null(isup_bf_type_find(ISUP_VARIANT_ITU, ISUP_PAR_CAUSE));
}
END_TEST

START_TEST(test_bitfield_structs)
{
	struct isup_nci nci;
	struct isup_bci bci = { .charge = 2, .called_status = 1, .called_category = 1,
				.isup_all_the_way = 1, .isdn_access = 1 };
	struct isup_event_info ev;
	struct isup_hop_counter hop = { .count = 32 };
	uint8_t out[4];

	ck_assert_int_eq(isup_nci_decode(&nci, (const uint8_t *)"\x15", 1), 0);
	ck_assert_int_eq(nci.satellite, 1);
	ck_assert_int_eq(nci.continuity, 1);
	ck_assert_int_eq(nci.echo_device, 1);
	ck_assert_int_eq(isup_bci_encode(out, sizeof(out), &bci), 2);
	ck_assert_int_eq(out[0], 0x16);
	ck_assert_int_eq(out[1], 0x14);
	ck_assert_int_eq(isup_bci_encode(out, 1, &bci), -ISUP_ERR_SPACE);
	ck_assert_int_eq(isup_event_info_decode(&ev, (const uint8_t *)"\x81", 1), 0);
	ck_assert_int_eq(ev.event, 1);
	ck_assert_int_eq(ev.pres_restricted, 1);
	/* 32 does not fit in the 5-bit hop counter */
	ck_assert_int_eq(isup_hop_counter_encode(out, sizeof(out), &hop), -ISUP_ERR_INVAL);
	hop.count = 31;
	ck_assert_int_eq(isup_hop_counter_encode(out, sizeof(out), &hop), 1);
	ck_assert_int_eq(out[0], 31);
}
END_TEST

static void cause_rt(const char *hex)
{
	uint8_t buf[64], out[64];
	size_t len = isup_t_hex(hex, buf, sizeof(buf));
	struct isup_cause c;

	ck_assert_int_eq(isup_cause_decode(&c, buf, len), 0);
	ck_assert_int_eq(isup_cause_encode(out, sizeof(out), &c), len);
	ck_assert(memcmp(out, buf, len) == 0);
}

START_TEST(test_cause)
{
	struct isup_cause c;
	uint8_t buf[40];

	cause_rt("8a91");
	cause_rt("0a8091");		/* with recommendation octet 1a */
	cause_rt("8a 9f 0102030405");	/* diagnostics */
	cause_rt("c2 10");		/* ANSI coding, ext bit clear on the value */
	ck_assert_int_eq(isup_cause_decode(&c, (const uint8_t *)"\x8a\x91", 2), 0);
	ck_assert_int_eq(c.location, 10);
	ck_assert_int_eq(c.value, 17);
	ck_assert_int_eq(c.coding_standard, 0);
	ck_assert_int_eq(isup_cause_decode(&c, (const uint8_t *)"\xe2\x90", 2), 0);
	ck_assert_int_eq(c.coding_standard, 3);
	ck_assert_int_eq(isup_cause_decode(&c, (const uint8_t *)"\x8a", 1), -ISUP_ERR_BAD_PARAM);
	ck_assert_int_eq(isup_cause_decode(&c, (const uint8_t *)"\x0a\x80", 2), -ISUP_ERR_BAD_PARAM);
	ck_assert_int_eq(isup_cause_decode(&c, (const uint8_t *)"\x0a\x00\x90", 3), -ISUP_ERR_UNSUPPORTED);
	memset(buf, 0x80, sizeof(buf));
	ck_assert_int_eq(isup_cause_decode(&c, buf, 2 + ISUP_CAUSE_MAX_DIAG), 0);
	ck_assert_int_eq(isup_cause_decode(&c, buf, 3 + ISUP_CAUSE_MAX_DIAG), -ISUP_ERR_UNSUPPORTED);
	c.value = 128;
	ck_assert_int_eq(isup_cause_encode(buf, sizeof(buf), &c), -ISUP_ERR_INVAL);
	c.value = 16;
	ck_assert_int_eq(isup_cause_encode(buf, 1, &c), -ISUP_ERR_SPACE);
}
END_TEST

START_TEST(test_range_status_and_csi)
{
	struct isup_range_status rs;
	struct isup_circuit_state cs;
	uint8_t out[300];
	uint8_t big[256];

	ck_assert_int_eq(isup_range_status_decode(&rs, (const uint8_t *)"\x1f", 1), 0);
	ck_assert_int_eq(rs.range, 31);
	ck_assert_int_eq(rs.status_len, 0);
	ck_assert_uint_eq(isup_range_status_len(31), 4);
	ck_assert_uint_eq(isup_range_status_len(0), 1);
	ck_assert(!isup_range_status_get(&rs, 0));
	ck_assert_int_eq(isup_range_status_set(&rs, 0, true), -ISUP_ERR_INVAL);
	rs.status_len = isup_range_status_len(rs.range);
	ck_assert_int_eq(isup_range_status_set(&rs, 31, true), 0);
	ck_assert_int_eq(isup_range_status_set(&rs, 1, true), 0);
	ck_assert_int_eq(isup_range_status_set(&rs, 1, false), 0);
	ck_assert(isup_range_status_get(&rs, 31));
	ck_assert_int_eq(isup_range_status_encode(out, sizeof(out), &rs), 5);
	ck_assert_int_eq(out[4], 0x80);
	ck_assert_int_eq(isup_range_status_encode(out, 4, &rs), -ISUP_ERR_SPACE);
	ck_assert_int_eq(isup_range_status_decode(&rs, out, 0), -ISUP_ERR_BAD_PARAM);
	memset(big, 0, sizeof(big));
	ck_assert_int_eq(isup_range_status_decode(&rs, big, 34), -ISUP_ERR_UNSUPPORTED);

	ck_assert_int_eq(isup_circuit_state_decode(&cs, (const uint8_t *)"\x01\x0d\x36", 3), 0);
	ck_assert_int_eq(cs.count, 3);
	ck_assert_int_eq(ISUP_CSI_MAINT(cs.state[1]), 1);
	ck_assert_int_eq(ISUP_CSI_CALL(cs.state[1]), 3);
	ck_assert_int_eq(ISUP_CSI_HW(cs.state[2]), 3);
	ck_assert_int_eq(isup_circuit_state_encode(out, sizeof(out), &cs), 3);
	ck_assert_int_eq(isup_circuit_state_decode(&cs, big, 255), 0);
	ck_assert_int_eq(isup_circuit_state_decode(&cs, big, 0), -ISUP_ERR_BAD_PARAM);
}
END_TEST

START_TEST(test_misc_params)
{
	struct isup_generic_notif g;
	struct isup_usi u;
	struct isup_msg_compat m;
	struct isup_param_compat pc;
	struct isup_prop_delay d;
	struct isup_uui uui;
	uint8_t out[64];
	const uint8_t usi[] = { 0x88, 0x98, 0x8f, 0xa1, 0x12 };
	const uint8_t pci[] = { 0x0a, 0x82, 0xfe, 0x1a, 0x05, 0x81 };

	ck_assert_int_eq(isup_generic_notif_decode(&g, (const uint8_t *)"\x01\x81", 2), 0);
	ck_assert_int_eq(g.count, 2);
	ck_assert_int_eq(g.ext[1], 1);
	ck_assert_int_eq(isup_generic_notif_encode(out, sizeof(out), &g), 2);
	ck_assert_int_eq(out[1], 0x81);
	ck_assert_int_eq(isup_generic_notif_decode(&g, out, 0), -ISUP_ERR_BAD_PARAM);

	/* unrestricted digital, multirate x15, layer 1 rate adaption, rest */
	ck_assert_int_eq(isup_usi_decode(&u, usi, sizeof(usi)), 0);
	ck_assert(u.has_multiplier);
	ck_assert_int_eq(u.multiplier, 15);
	ck_assert_int_eq(u.l1_protocol, 1);
	ck_assert_int_eq(u.rest_len, 1);
	ck_assert_int_eq(isup_usi_encode(out, sizeof(out), &u), sizeof(usi));
	ck_assert(memcmp(out, usi, sizeof(usi)) == 0);
	ck_assert_int_eq(isup_usi_decode(&u, (const uint8_t *)"\x00\x90", 2), -ISUP_ERR_UNSUPPORTED);
	ck_assert_int_eq(isup_usi_decode(&u, usi, 1), -ISUP_ERR_BAD_PARAM);

	ck_assert_int_eq(isup_msg_compat_decode(&m, (const uint8_t *)"\x95", 1), 0);
	ck_assert_int_eq(m.instr.transit, 1);
	ck_assert_int_eq(m.instr.notify, 1);
	ck_assert_int_eq(m.instr.pass_on_not_possible, 1);
	ck_assert_int_eq(isup_msg_compat_encode(out, sizeof(out), &m), 1);
	ck_assert_int_eq(out[0], 0x95);
	ck_assert_int_eq(isup_msg_compat_decode(&m, (const uint8_t *)"\x15\x81", 2), 0);
	ck_assert_int_eq(m.instr.more_len, 1);
	ck_assert_int_eq(isup_msg_compat_decode(&m, (const uint8_t *)"\x15", 1), -ISUP_ERR_BAD_PARAM);

	ck_assert_int_eq(isup_param_compat_decode(&pc, pci, sizeof(pci)), 0);
	ck_assert_int_eq(pc.count, 2);
	ck_assert_int_eq(pc.entry[0].code, 0x0a);
	ck_assert_int_eq(pc.entry[0].instr.release, 1);
	ck_assert_ptr_nonnull(isup_param_compat_find(&pc, 0xfe));
	ck_assert_int_eq(isup_param_compat_find(&pc, 0xfe)->discard_param, 1);
	ck_assert_int_eq(isup_param_compat_find(&pc, 0xfe)->more_len, 2);
	ck_assert_ptr_null(isup_param_compat_find(&pc, 0x01));
	ck_assert_int_eq(isup_param_compat_encode(out, sizeof(out), &pc), sizeof(pci));
	ck_assert(memcmp(out, pci, sizeof(pci)) == 0);
	ck_assert_int_eq(isup_param_compat_decode(&pc, pci, 3), -ISUP_ERR_BAD_PARAM);

	ck_assert_int_eq(isup_prop_delay_decode(&d, (const uint8_t *)"\x01\x02", 2), 0);
	ck_assert_int_eq(d.ms, 0x102);
	ck_assert_int_eq(isup_prop_delay_encode(out, sizeof(out), &d), 2);
	ck_assert_int_eq(isup_prop_delay_decode(&d, out, 3), -ISUP_ERR_BAD_PARAM);

	ck_assert_int_eq(isup_uui_decode(&uui, (const uint8_t *)"\x04\x41", 2), 0);
	ck_assert_int_eq(isup_uui_encode(out, sizeof(out), &uui), 2);
	ck_assert_int_eq(isup_uui_decode(&uui, out, 0), -ISUP_ERR_BAD_PARAM);
}
END_TEST

START_TEST(test_msg_number_setters)
{
	struct isup_msg *msg = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_IAM);
	struct isup_number n = { .nai = ISUP_NAI_INTERNATIONAL, .npi = ISUP_NPI_E164 }, r;

	OSMO_STRLCPY_ARRAY(n.digits, "4930123456");
	ck_assert_int_eq(isup_msg_set_number(msg, ISUP_PAR_CALLED, &n), 0);
	ck_assert_int_eq(msg->params[0].part, ISUP_PART_VARIABLE);
	ck_assert_int_eq(isup_msg_set_number(msg, ISUP_PAR_CALLING, &n), 0);
	ck_assert_int_eq(msg->params[1].part, ISUP_PART_OPTIONAL);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_CALLED, &r), 0);
	ck_assert_str_eq(r.digits, "4930123456");
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_REDIRECTING, &r), -ISUP_ERR_MISSING_MANDATORY);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_CAUSE, &r), -ISUP_ERR_INVAL);
	talloc_free(msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isup_params");
	TCase *tc = tt_tcase(s, "params");

	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_bitfields_exhaustive);
	tcase_add_test(tc, test_bitfield_structs);
	tcase_add_test(tc, test_cause);
	tcase_add_test(tc, test_range_status_and_csi);
	tcase_add_test(tc, test_misc_params);
	tcase_add_test(tc, test_msg_number_setters);
	return tt_run(s);
}

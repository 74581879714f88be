/* Typed ISUP parameters (Q.763 section 3).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "isup/isup_params.h"

/* ---- bit-field parameters, generated from the lists in the header ---- */

#define ISUP_BF_ENTRY(S, n, o, s, w) \
	{ .name = #n, .octet = (o), .shift = (s), .width = (w), .offset = offsetof(struct S, n) },

#define ISUP_BF_DEFINE(type, FIELDS, plen) \
	static const struct isup_bf isup_##type##_fields[] = { FIELDS(ISUP_BF_ENTRY, isup_##type) }; \
	static const struct isup_bf_type isup_##type##_bf = { \
		.name = #type, .len = (plen), .fields = isup_##type##_fields, \
		.num_fields = ARRAY_SIZE(isup_##type##_fields), \
		.struct_size = sizeof(struct isup_##type), \
	}; \
	int isup_##type##_decode(struct isup_##type *out, const uint8_t *data, size_t len) \
	{ \
		return isup_bf_decode(&isup_##type##_bf, out, data, len); \
	} \
	int isup_##type##_encode(uint8_t *buf, size_t size, const struct isup_##type *in) \
	{ \
		return isup_bf_encode(&isup_##type##_bf, buf, size, in); \
	}

int isup_bf_decode(const struct isup_bf_type *t, void *out, const uint8_t *data, size_t len)
{
	unsigned int i;

	memset(out, 0, t->struct_size);
	if (len != t->len)
		return -ISUP_ERR_BAD_PARAM;
	for (i = 0; i < t->num_fields; i++) {
		const struct isup_bf *f = &t->fields[i];
		unsigned int mask = (1u << f->width) - 1;

		((uint8_t *)out)[f->offset] = (data[f->octet] >> f->shift) & mask;
	}
	return 0;
}

int isup_bf_encode(const struct isup_bf_type *t, uint8_t *buf, size_t size, const void *in)
{
	unsigned int i;

	if (size < t->len)
		return -ISUP_ERR_SPACE;
	for (i = 0; i < t->num_fields; i++) {
		const struct isup_bf *f = &t->fields[i];
		unsigned int v = ((const uint8_t *)in)[f->offset];

		if (v >> f->width)
			return -ISUP_ERR_INVAL;
	}
	memset(buf, 0, t->len);
	for (i = 0; i < t->num_fields; i++) {
		const struct isup_bf *f = &t->fields[i];
		unsigned int v = ((const uint8_t *)in)[f->offset];

		buf[f->octet] |= (uint8_t)(v << f->shift);
	}
	return t->len;
}

ISUP_BF_DEFINE(nci, ISUP_NCI_FIELDS, 1)
ISUP_BF_DEFINE(fci, ISUP_FCI_FIELDS, 2)
ISUP_BF_DEFINE(cpc, ISUP_CPC_FIELDS, 1)
ISUP_BF_DEFINE(tmr, ISUP_TMR_FIELDS, 1)
ISUP_BF_DEFINE(bci, ISUP_BCI_FIELDS, 2)
ISUP_BF_DEFINE(obci, ISUP_OBCI_FIELDS, 1)
ISUP_BF_DEFINE(event_info, ISUP_EVENT_FIELDS, 1)
ISUP_BF_DEFINE(redir_info, ISUP_REDIR_INFO_FIELDS, 2)
ISUP_BF_DEFINE(hop_counter, ISUP_HOP_FIELDS, 1)
ISUP_BF_DEFINE(susres, ISUP_SUSRES_FIELDS, 1)
ISUP_BF_DEFINE(cgsmt, ISUP_CGSMT_FIELDS, 1)
ISUP_BF_DEFINE(info_ind, ISUP_INFO_IND_FIELDS, 2)
ISUP_BF_DEFINE(info_req, ISUP_INFO_REQ_FIELDS, 2)
ISUP_BF_DEFINE(cot_ind, ISUP_COT_IND_FIELDS, 1)
ISUP_BF_DEFINE(echo_ctrl, ISUP_ECHO_FIELDS, 1)
ISUP_BF_DEFINE(uti, ISUP_UTI_FIELDS, 1)

/* which parameter codes use which bit-field layout; the same for every
 * variant (ANSI gives some values other meanings, not other bits) */
static const struct {
	uint8_t code;
	const struct isup_bf_type *type;
} isup_bf_codes[] = {
	{ ISUP_PAR_NCI, &isup_nci_bf },
	{ ISUP_PAR_FCI, &isup_fci_bf },
	{ ISUP_PAR_CPC, &isup_cpc_bf },
	{ ISUP_PAR_TMR, &isup_tmr_bf },
	{ ISUP_PAR_TMR_PRIME, &isup_tmr_bf },
	{ ISUP_PAR_TMU, &isup_tmr_bf },
	{ ISUP_PAR_BCI, &isup_bci_bf },
	{ ISUP_PAR_OBCI, &isup_obci_bf },
	{ ISUP_PAR_EVENT_INFO, &isup_event_info_bf },
	{ ISUP_PAR_REDIRECTION_INFO, &isup_redir_info_bf },
	{ ISUP_PAR_HOP_COUNTER, &isup_hop_counter_bf },
	{ ISUP_PAR_SUSP_RES_IND, &isup_susres_bf },
	{ ISUP_PAR_CGSMT, &isup_cgsmt_bf },
	{ ISUP_PAR_INFO_IND, &isup_info_ind_bf },
	{ ISUP_PAR_INFO_REQ_IND, &isup_info_req_bf },
	{ ISUP_PAR_CONTINUITY_IND, &isup_cot_ind_bf },
	{ ISUP_PAR_ECHO_CTRL, &isup_echo_ctrl_bf },
	{ ISUP_PAR_UTI, &isup_uti_bf },
};

const struct isup_bf_type *isup_bf_type_find(enum isup_variant variant, uint8_t code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(isup_bf_codes); i++) {
		if (isup_bf_codes[i].code == code)
			return isup_bf_codes[i].type;
	}
	return NULL;
}

/* ---- cause indicators ---- */

int isup_cause_decode(struct isup_cause *out, const uint8_t *data, size_t len)
{
	size_t p = 0;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -ISUP_ERR_BAD_PARAM;
	out->coding_standard = (data[0] >> 5) & 0x03;
	out->spare = (data[0] >> 4) & 0x01;
	out->location = data[0] & 0x0f;
	p = 1;
	if (!(data[0] & 0x80)) {
		/* octet 1a: the recommendation, itself the last octet */
		if (!(data[1] & 0x80))
			return -ISUP_ERR_UNSUPPORTED;
		out->has_recommendation = true;
		out->recommendation = data[1] & 0x7f;
		p = 2;
		if (len < 3)
			return -ISUP_ERR_BAD_PARAM;
	}
	out->value = data[p] & 0x7f;
	out->value_ext_clear = !(data[p] & 0x80);
	p++;
	if (len - p > ISUP_CAUSE_MAX_DIAG)
		return -ISUP_ERR_UNSUPPORTED;
	out->diag_len = len - p;
	memcpy(out->diag, data + p, out->diag_len);
	return 0;
}

int isup_cause_encode(uint8_t *buf, size_t size, const struct isup_cause *in)
{
	size_t p = 0, need = 2 + (in->has_recommendation ? 1 : 0) + in->diag_len;

	if (in->coding_standard > 3 || in->spare > 1 || in->location > 15 ||
	    in->recommendation > 0x7f || in->value > 0x7f || in->diag_len > ISUP_CAUSE_MAX_DIAG)
		return -ISUP_ERR_INVAL;
	if (size < need)
		return -ISUP_ERR_SPACE;
	buf[p++] = (in->has_recommendation ? 0 : 0x80) | in->coding_standard << 5 |
		   in->spare << 4 | in->location;
	if (in->has_recommendation)
		buf[p++] = 0x80 | in->recommendation;
	buf[p++] = (in->value_ext_clear ? 0 : 0x80) | in->value;
	memcpy(buf + p, in->diag, in->diag_len);
	return (int)need;
}

/* ---- range and status ---- */

unsigned int isup_range_status_len(uint8_t range)
{
	return ((unsigned int)range + 1 + 7) / 8;
}

int isup_range_status_decode(struct isup_range_status *out, const uint8_t *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return -ISUP_ERR_BAD_PARAM;
	if (len - 1 > ISUP_RS_MAX_STATUS)
		return -ISUP_ERR_UNSUPPORTED;
	out->range = data[0];
	out->status_len = len - 1;
	memcpy(out->status, data + 1, out->status_len);
	return 0;
}

int isup_range_status_encode(uint8_t *buf, size_t size, const struct isup_range_status *in)
{
	if (in->status_len > ISUP_RS_MAX_STATUS)
		return -ISUP_ERR_INVAL;
	if (size < 1u + in->status_len)
		return -ISUP_ERR_SPACE;
	buf[0] = in->range;
	memcpy(buf + 1, in->status, in->status_len);
	return 1 + in->status_len;
}

bool isup_range_status_get(const struct isup_range_status *rs, unsigned int i)
{
	if (i / 8 >= rs->status_len)
		return false;
	return (rs->status[i / 8] >> (i % 8)) & 1;
}

int isup_range_status_set(struct isup_range_status *rs, unsigned int i, bool on)
{
	if (i / 8 >= rs->status_len)
		return -ISUP_ERR_INVAL;
	if (on)
		rs->status[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		rs->status[i / 8] &= (uint8_t)~(1u << (i % 8));
	return 0;
}

/* ---- circuit state indicator ---- */

int isup_circuit_state_decode(struct isup_circuit_state *out, const uint8_t *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return -ISUP_ERR_BAD_PARAM;
	if (len > sizeof(out->state))
		return -ISUP_ERR_UNSUPPORTED;
	out->count = len;
	memcpy(out->state, data, len);
	return 0;
}

int isup_circuit_state_encode(uint8_t *buf, size_t size, const struct isup_circuit_state *in)
{
	if (size < in->count)
		return -ISUP_ERR_SPACE;
	memcpy(buf, in->state, in->count);
	return in->count;
}

/* ---- generic notification indicator ---- */

int isup_generic_notif_decode(struct isup_generic_notif *out, const uint8_t *data, size_t len)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (len < 1)
		return -ISUP_ERR_BAD_PARAM;
	if (len > ISUP_GNI_MAX)
		return -ISUP_ERR_UNSUPPORTED;
	for (i = 0; i < len; i++) {
		out->value[i] = data[i] & 0x7f;
		out->ext[i] = data[i] >> 7;
	}
	out->count = len;
	return 0;
}

int isup_generic_notif_encode(uint8_t *buf, size_t size, const struct isup_generic_notif *in)
{
	unsigned int i;

	if (in->count > ISUP_GNI_MAX)
		return -ISUP_ERR_INVAL;
	if (size < in->count)
		return -ISUP_ERR_SPACE;
	for (i = 0; i < in->count; i++) {
		if (in->value[i] > 0x7f || in->ext[i] > 1)
			return -ISUP_ERR_INVAL;
		buf[i] = (uint8_t)(in->ext[i] << 7 | in->value[i]);
	}
	return in->count;
}

/* ---- user service information ---- */

int isup_usi_decode(struct isup_usi *out, const uint8_t *data, size_t len)
{
	size_t p = 2;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -ISUP_ERR_BAD_PARAM;
	/* octets 3 and 4 must be single (ext bit set); the 1988 octets
	 * 4a/4b are not modelled */
	if (!(data[0] & 0x80) || !(data[1] & 0x80))
		return -ISUP_ERR_UNSUPPORTED;
	out->coding_standard = (data[0] >> 5) & 0x03;
	out->itc = data[0] & 0x1f;
	out->transfer_mode = (data[1] >> 5) & 0x03;
	out->transfer_rate = data[1] & 0x1f;
	if (out->transfer_rate == 0x18) {
		if (len < 3 || !(data[2] & 0x80))
			return -ISUP_ERR_UNSUPPORTED;
		out->has_multiplier = true;
		out->multiplier = data[2] & 0x7f;
		p = 3;
	}
	if (p < len && ((data[p] >> 5) & 0x03) == 1) {
		out->has_l1 = true;
		out->l1_ext = data[p] >> 7;
		out->l1_protocol = data[p] & 0x1f;
		p++;
	}
	if (len - p > ISUP_USI_MAX_REST)
		return -ISUP_ERR_UNSUPPORTED;
	out->rest_len = len - p;
	memcpy(out->rest, data + p, out->rest_len);
	return 0;
}

int isup_usi_encode(uint8_t *buf, size_t size, const struct isup_usi *in)
{
	size_t p = 0, need = 2 + in->has_multiplier + in->has_l1 + in->rest_len;

	if (in->coding_standard > 3 || in->itc > 0x1f || in->transfer_mode > 3 ||
	    in->transfer_rate > 0x1f || in->multiplier > 0x7f || in->l1_protocol > 0x1f ||
	    in->l1_ext > 1 || in->rest_len > ISUP_USI_MAX_REST ||
	    in->has_multiplier != (in->transfer_rate == 0x18))
		return -ISUP_ERR_INVAL;
	if (size < need)
		return -ISUP_ERR_SPACE;
	buf[p++] = 0x80 | in->coding_standard << 5 | in->itc;
	buf[p++] = 0x80 | in->transfer_mode << 5 | in->transfer_rate;
	if (in->has_multiplier)
		buf[p++] = 0x80 | in->multiplier;
	if (in->has_l1)
		buf[p++] = (uint8_t)(in->l1_ext << 7 | 0x20 | in->l1_protocol);
	memcpy(buf + p, in->rest, in->rest_len);
	return (int)need;
}

/* ---- compatibility information ---- */

/* Decode one instruction octet plus its extension octets; msg selects
 * the 3.33 meaning of bits E..G.  \returns octets used or negative */
static int isup_instr_decode(struct isup_compat_instr *in, bool msg, const uint8_t *data,
			     size_t len)
{
	size_t p = 1;

	memset(in, 0, sizeof(*in));
	if (len < 1)
		return -ISUP_ERR_BAD_PARAM;
	in->transit = data[0] & 0x01;
	in->release = (data[0] >> 1) & 0x01;
	in->notify = (data[0] >> 2) & 0x01;
	in->discard_msg = (data[0] >> 3) & 0x01;
	if (msg) {
		in->pass_on_not_possible = (data[0] >> 4) & 0x01;
		in->bn_interworking = (data[0] >> 5) & 0x03;
	} else {
		in->discard_param = (data[0] >> 4) & 0x01;
		in->pass_on_not_possible = (data[0] >> 5) & 0x03;
	}
	if (!(data[0] & 0x80)) {
		while (p < len) {
			if (in->more_len >= sizeof(in->more))
				return -ISUP_ERR_UNSUPPORTED;
			in->more[in->more_len++] = data[p];
			if (data[p++] & 0x80)
				break;
		}
		if (!(data[p - 1] & 0x80))
			return -ISUP_ERR_BAD_PARAM;
	}
	return (int)p;
}

static int isup_instr_encode(uint8_t *buf, size_t size, bool msg,
			     const struct isup_compat_instr *in)
{
	uint8_t o;

	if (in->transit > 1 || in->release > 1 || in->notify > 1 || in->discard_msg > 1 ||
	    in->more_len > sizeof(in->more))
		return -ISUP_ERR_INVAL;
	if (msg && (in->pass_on_not_possible > 1 || in->bn_interworking > 3 || in->discard_param))
		return -ISUP_ERR_INVAL;
	if (!msg && (in->discard_param > 1 || in->pass_on_not_possible > 3 || in->bn_interworking))
		return -ISUP_ERR_INVAL;
	if (size < 1u + in->more_len)
		return -ISUP_ERR_SPACE;
	o = in->transit | in->release << 1 | in->notify << 2 | in->discard_msg << 3;
	if (msg)
		o |= in->pass_on_not_possible << 4 | in->bn_interworking << 5;
	else
		o |= in->discard_param << 4 | in->pass_on_not_possible << 5;
	if (!in->more_len)
		o |= 0x80;
	buf[0] = o;
	memcpy(buf + 1, in->more, in->more_len);
	return 1 + in->more_len;
}

int isup_msg_compat_decode(struct isup_msg_compat *out, const uint8_t *data, size_t len)
{
	int rc = isup_instr_decode(&out->instr, true, data, len);

	if (rc < 0)
		return rc;
	return (size_t)rc == len ? 0 : -ISUP_ERR_BAD_PARAM;
}

int isup_msg_compat_encode(uint8_t *buf, size_t size, const struct isup_msg_compat *in)
{
	return isup_instr_encode(buf, size, true, &in->instr);
}

int isup_param_compat_decode(struct isup_param_compat *out, const uint8_t *data, size_t len)
{
	size_t p = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -ISUP_ERR_BAD_PARAM;
	while (p < len) {
		if (out->count >= ISUP_PCI_MAX)
			return -ISUP_ERR_UNSUPPORTED;
		if (len - p < 2)
			return -ISUP_ERR_BAD_PARAM;
		out->entry[out->count].code = data[p++];
		rc = isup_instr_decode(&out->entry[out->count].instr, false, data + p, len - p);
		if (rc < 0)
			return rc;
		p += rc;
		out->count++;
	}
	return 0;
}

int isup_param_compat_encode(uint8_t *buf, size_t size, const struct isup_param_compat *in)
{
	size_t p = 0;
	unsigned int i;
	int rc;

	if (in->count > ISUP_PCI_MAX)
		return -ISUP_ERR_INVAL;
	for (i = 0; i < in->count; i++) {
		if (size - p < 1)
			return -ISUP_ERR_SPACE;
		buf[p++] = in->entry[i].code;
		rc = isup_instr_encode(buf + p, size - p, false, &in->entry[i].instr);
		if (rc < 0)
			return rc;
		p += rc;
	}
	return (int)p;
}

const struct isup_compat_instr *isup_param_compat_find(const struct isup_param_compat *pci,
						       uint8_t code)
{
	unsigned int i;

	for (i = 0; i < pci->count && i < ISUP_PCI_MAX; i++) {
		if (pci->entry[i].code == code)
			return &pci->entry[i].instr;
	}
	return NULL;
}

/* ---- opaque and counters ---- */

int isup_uui_decode(struct isup_uui *out, const uint8_t *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return -ISUP_ERR_BAD_PARAM;
	if (len > sizeof(out->data))
		return -ISUP_ERR_UNSUPPORTED;
	out->len = len;
	memcpy(out->data, data, len);
	return 0;
}

int isup_uui_encode(uint8_t *buf, size_t size, const struct isup_uui *in)
{
	if (size < in->len)
		return -ISUP_ERR_SPACE;
	memcpy(buf, in->data, in->len);
	return in->len;
}

int isup_prop_delay_decode(struct isup_prop_delay *out, const uint8_t *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len != 2)
		return -ISUP_ERR_BAD_PARAM;
	out->ms = (uint16_t)(data[0] << 8 | data[1]);
	return 0;
}

int isup_prop_delay_encode(uint8_t *buf, size_t size, const struct isup_prop_delay *in)
{
	if (size < 2)
		return -ISUP_ERR_SPACE;
	buf[0] = in->ms >> 8;
	buf[1] = in->ms & 0xff;
	return 2;
}

/* ---- getters ---- */

int isup_msg_get_number(const struct isup_msg *msg, uint8_t code, struct isup_number *num)
{
	const struct isup_param *p = isup_msg_find_param(msg, code);
	int kind = isup_number_kind_of(msg->variant, code);

	if (kind < 0)
		return kind;
	if (!p)
		return -ISUP_ERR_MISSING_MANDATORY;
	return isup_number_decode(num, kind, p->data, p->len);
}

int isup_msg_set_number(struct isup_msg *msg, uint8_t code, const struct isup_number *num)
{
	int kind = isup_number_kind_of(msg->variant, code);
	uint8_t buf[3 + ISUP_NUMBER_MAX_DIGITS / 2 + 1];
	int rc;

	if (kind < 0)
		return kind;
	rc = isup_number_encode(buf, sizeof(buf), kind, num);
	if (rc < 0)
		return rc;
	rc = isup_msg_set_param(msg, code, buf, rc);
	return rc < 0 ? rc : 0;
}

int isup_msg_get_cause(const struct isup_msg *msg, struct isup_cause *cause)
{
	const struct isup_param *p = isup_msg_find_param(msg, ISUP_PAR_CAUSE);

	if (!p)
		return -ISUP_ERR_MISSING_MANDATORY;
	return isup_cause_decode(cause, p->data, p->len);
}

int isup_msg_set_cause(struct isup_msg *msg, const struct isup_cause *cause)
{
	uint8_t buf[3 + ISUP_CAUSE_MAX_DIAG];
	int rc = isup_cause_encode(buf, sizeof(buf), cause);

	if (rc < 0)
		return rc;
	rc = isup_msg_set_param(msg, ISUP_PAR_CAUSE, buf, rc);
	return rc < 0 ? rc : 0;
}

int isup_msg_get_msg_compat(const struct isup_msg *msg, struct isup_msg_compat *mci)
{
	const struct isup_param *p = isup_msg_find_param(msg, ISUP_PAR_MSG_COMPAT);

	if (!p)
		return -ISUP_ERR_MISSING_MANDATORY;
	return isup_msg_compat_decode(mci, p->data, p->len);
}

int isup_msg_get_param_compat(const struct isup_msg *msg, struct isup_param_compat *pci)
{
	const struct isup_param *p = isup_msg_find_param(msg, ISUP_PAR_PARAM_COMPAT);

	if (!p)
		return -ISUP_ERR_MISSING_MANDATORY;
	return isup_param_compat_decode(pci, p->data, p->len);
}

int isup_msg_get_bf(const struct isup_msg *msg, uint8_t code, void *out, size_t out_size)
{
	const struct isup_bf_type *t = isup_bf_type_find(msg->variant, code);
	const struct isup_param *p = isup_msg_find_param(msg, code);

	if (!t || out_size != t->struct_size)
		return -ISUP_ERR_INVAL;
	if (!p)
		return -ISUP_ERR_MISSING_MANDATORY;
	return isup_bf_decode(t, out, p->data, p->len);
}

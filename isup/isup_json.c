/* JSON form of ISUP messages: field names are a stable interface,
 * documented in doc/isup-json.md.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/utils.h>

#include "isup/isup_json.h"
#include "isup/isup_params.h"

static json_t *isup_json_hex(const uint8_t *data, size_t len)
{
	char *s = malloc(len * 2 + 1);
	json_t *j;

	if (!s)
		return NULL;
	osmo_hexdump_buf(s, len * 2 + 1, data, len, "", true);
	s[len * 2] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

int isup_hex_parse(void *ctx, const char *hex, uint8_t **out)
{
	size_t n = 0, i;
	uint8_t *buf;
	int hi = -1;

	*out = NULL;
	while (isspace((unsigned char)*hex))
		hex++;
	/* operators paste "0x..." from other tools */
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	buf = talloc_size(ctx, strlen(hex) / 2 + 1);
	if (!buf)
		return -ISUP_ERR_NOMEM;
	for (i = 0; hex[i]; i++) {
		int c = (unsigned char)hex[i], v;

		if (isspace(c) || c == ':')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			goto bad;
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		talloc_free(buf);
		return -ISUP_ERR_LENGTH;
	}
	*out = buf;
	return (int)n;
bad:
	talloc_free(buf);
	return -ISUP_ERR_INVAL;
}

/* ---- typed fields: struct <-> JSON ---- */

static int isup_jint(json_t *o, const char *key, int def)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return def;
}

/* Read a hex field into buf. \returns length or negative */
static int isup_jhex(json_t *o, const char *key, uint8_t *buf, size_t size)
{
	json_t *v = json_object_get(o, key);
	uint8_t *tmp;
	int n;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return -ISUP_ERR_INVAL;
	n = isup_hex_parse(NULL, json_string_value(v), &tmp);
	if (n < 0)
		return n;
	if ((size_t)n > size) {
		talloc_free(tmp);
		return -ISUP_ERR_INVAL;
	}
	memcpy(buf, tmp, n);
	talloc_free(tmp);
	return n;
}

static void isup_jset_hex(json_t *o, const char *key, const uint8_t *data, size_t len)
{
	json_object_set_new(o, key, isup_json_hex(data, len));
}

static json_t *isup_number_to_json(int kind, const struct isup_number *n)
{
	json_t *o = json_object();

	if (kind == ISUP_NUMBER_GENERIC)
		json_object_set_new(o, "qualifier", json_integer(n->qualifier));
	if (kind == ISUP_NUMBER_SUBSEQUENT) {
		json_object_set_new(o, "spare", json_integer(n->spare));
	} else {
		json_object_set_new(o, "nai", json_integer(n->nai));
		json_object_set_new(o, "inn_ni", json_integer(n->inn_ni));
		json_object_set_new(o, "npi", json_integer(n->npi));
		json_object_set_new(o, "pres", json_integer(n->pres));
		json_object_set_new(o, "screen", json_integer(n->screen));
	}
	json_object_set_new(o, "digits", json_string(n->digits));
	if (n->filler)
		json_object_set_new(o, "filler", json_integer(n->filler));
	return o;
}

static int isup_number_from_json(json_t *o, struct isup_number *n)
{
	json_t *d = json_object_get(o, "digits");

	memset(n, 0, sizeof(*n));
	n->qualifier = isup_jint(o, "qualifier", 0);
	n->spare = isup_jint(o, "spare", 0);
	n->nai = isup_jint(o, "nai", 0);
	n->inn_ni = isup_jint(o, "inn_ni", 0);
	n->npi = isup_jint(o, "npi", 0);
	n->pres = isup_jint(o, "pres", 0);
	n->screen = isup_jint(o, "screen", 0);
	n->filler = isup_jint(o, "filler", 0);
	if (d && !json_is_string(d))
		return -ISUP_ERR_INVAL;
	if (d) {
		if (strlen(json_string_value(d)) > ISUP_NUMBER_MAX_DIGITS)
			return -ISUP_ERR_INVAL;
		OSMO_STRLCPY_ARRAY(n->digits, json_string_value(d));
	}
	return 0;
}

static json_t *isup_instr_to_json(const struct isup_compat_instr *in, bool msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "transit", json_integer(in->transit));
	json_object_set_new(o, "release", json_integer(in->release));
	json_object_set_new(o, "notify", json_integer(in->notify));
	json_object_set_new(o, "discard_msg", json_integer(in->discard_msg));
	if (!msg)
		json_object_set_new(o, "discard_param", json_integer(in->discard_param));
	json_object_set_new(o, "pass_on_not_possible", json_integer(in->pass_on_not_possible));
	if (msg)
		json_object_set_new(o, "bn_interworking", json_integer(in->bn_interworking));
	if (in->more_len)
		isup_jset_hex(o, "more", in->more, in->more_len);
	return o;
}

static int isup_instr_from_json(json_t *o, struct isup_compat_instr *in)
{
	int n;

	memset(in, 0, sizeof(*in));
	in->transit = isup_jint(o, "transit", 0);
	in->release = isup_jint(o, "release", 0);
	in->notify = isup_jint(o, "notify", 0);
	in->discard_msg = isup_jint(o, "discard_msg", 0);
	in->discard_param = isup_jint(o, "discard_param", 0);
	in->pass_on_not_possible = isup_jint(o, "pass_on_not_possible", 0);
	in->bn_interworking = isup_jint(o, "bn_interworking", 0);
	n = isup_jhex(o, "more", in->more, sizeof(in->more));
	if (n < 0)
		return n;
	in->more_len = n;
	return 0;
}

/* Decoded fields of a typed parameter: NULL when the code is untyped;
 * *rc gets the decoder's result. */
static json_t *isup_fields_to_json(int variant, uint8_t code, const uint8_t *data, size_t len,
				   int *rc)
{
	const struct isup_bf_type *bt = isup_bf_type_find(variant, code);
	int kind = isup_number_kind_of(variant, code);
	json_t *o;
	unsigned int i;

	*rc = 0;
	if (bt) {
		uint8_t tmp[64];

		*rc = isup_bf_decode(bt, tmp, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		for (i = 0; i < bt->num_fields; i++)
			json_object_set_new(o, bt->fields[i].name,
					    json_integer(tmp[bt->fields[i].offset]));
		return o;
	}
	if (kind >= 0) {
		struct isup_number n;

		*rc = isup_number_decode(&n, kind, data, len);
		return *rc < 0 ? NULL : isup_number_to_json(kind, &n);
	}
	switch (code) {
	case ISUP_PAR_CAUSE: {
		struct isup_cause c;

		*rc = isup_cause_decode(&c, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		json_object_set_new(o, "coding_standard", json_integer(c.coding_standard));
		json_object_set_new(o, "spare", json_integer(c.spare));
		json_object_set_new(o, "location", json_integer(c.location));
		if (c.has_recommendation)
			json_object_set_new(o, "recommendation", json_integer(c.recommendation));
		json_object_set_new(o, "value", json_integer(c.value));
		if (c.value_ext_clear)
			json_object_set_new(o, "value_ext_clear", json_true());
		if (c.diag_len)
			isup_jset_hex(o, "diagnostics", c.diag, c.diag_len);
		return o;
	}
	case ISUP_PAR_RANGE_STATUS: {
		struct isup_range_status r;

		*rc = isup_range_status_decode(&r, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		json_object_set_new(o, "range", json_integer(r.range));
		if (r.status_len)
			isup_jset_hex(o, "status", r.status, r.status_len);
		return o;
	}
	case ISUP_PAR_CIRC_STATE_IND: {
		struct isup_circuit_state cs;
		json_t *a;

		*rc = isup_circuit_state_decode(&cs, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		a = json_array();
		for (i = 0; i < cs.count; i++)
			json_array_append_new(a, json_integer(cs.state[i]));
		json_object_set_new(o, "states", a);
		return o;
	}
	case ISUP_PAR_GENERIC_NOTIF: {
		struct isup_generic_notif g;
		json_t *a;

		*rc = isup_generic_notif_decode(&g, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		a = json_array();
		for (i = 0; i < g.count; i++)
			json_array_append_new(a, json_pack("{s:i,s:i}", "value", g.value[i],
							   "ext", g.ext[i]));
		json_object_set_new(o, "notifications", a);
		return o;
	}
	case ISUP_PAR_USI: {
		struct isup_usi u;

		*rc = isup_usi_decode(&u, data, len);
		if (*rc < 0)
			return NULL;
		o = json_object();
		json_object_set_new(o, "coding_standard", json_integer(u.coding_standard));
		json_object_set_new(o, "itc", json_integer(u.itc));
		json_object_set_new(o, "transfer_mode", json_integer(u.transfer_mode));
		json_object_set_new(o, "transfer_rate", json_integer(u.transfer_rate));
		if (u.has_multiplier)
			json_object_set_new(o, "multiplier", json_integer(u.multiplier));
		if (u.has_l1) {
			json_object_set_new(o, "l1_protocol", json_integer(u.l1_protocol));
			json_object_set_new(o, "l1_ext", json_integer(u.l1_ext));
		}
		if (u.rest_len)
			isup_jset_hex(o, "rest", u.rest, u.rest_len);
		return o;
	}
	case ISUP_PAR_MSG_COMPAT: {
		struct isup_msg_compat m;

		*rc = isup_msg_compat_decode(&m, data, len);
		return *rc < 0 ? NULL : isup_instr_to_json(&m.instr, true);
	}
	case ISUP_PAR_PARAM_COMPAT: {
		struct isup_param_compat *pc = malloc(sizeof(*pc));
		json_t *a;

		if (!pc)
			return NULL;
		*rc = isup_param_compat_decode(pc, data, len);
		if (*rc < 0) {
			free(pc);
			return NULL;
		}
		o = json_object();
		a = json_array();
		for (i = 0; i < pc->count; i++) {
			json_t *e = isup_instr_to_json(&pc->entry[i].instr, false);

			json_object_set_new(e, "code", json_integer(pc->entry[i].code));
			json_array_append_new(a, e);
		}
		json_object_set_new(o, "entries", a);
		free(pc);
		return o;
	}
	case ISUP_PAR_PROP_DELAY: {
		struct isup_prop_delay d;

		*rc = isup_prop_delay_decode(&d, data, len);
		return *rc < 0 ? NULL : json_pack("{s:i}", "ms", d.ms);
	}
	default:
		return NULL;
	}
}

/* Encode typed fields into buf. \returns length or negative */
static int isup_fields_from_json(int variant, uint8_t code, json_t *o, uint8_t *buf, size_t size)
{
	const struct isup_bf_type *bt = isup_bf_type_find(variant, code);
	int kind = isup_number_kind_of(variant, code);
	unsigned int i;
	int rc, n;

	if (!json_is_object(o))
		return -ISUP_ERR_INVAL;
	if (bt) {
		uint8_t tmp[64];

		memset(tmp, 0, sizeof(tmp));
		for (i = 0; i < bt->num_fields; i++) {
			int v = isup_jint(o, bt->fields[i].name, 0);

			if (v < 0 || v > 255)
				return -ISUP_ERR_INVAL;
			tmp[bt->fields[i].offset] = v;
		}
		return isup_bf_encode(bt, buf, size, tmp);
	}
	if (kind >= 0) {
		struct isup_number num;

		rc = isup_number_from_json(o, &num);
		return rc < 0 ? rc : isup_number_encode(buf, size, kind, &num);
	}
	switch (code) {
	case ISUP_PAR_CAUSE: {
		struct isup_cause c = { 0 };

		c.coding_standard = isup_jint(o, "coding_standard", 0);
		c.spare = isup_jint(o, "spare", 0);
		c.location = isup_jint(o, "location", 0);
		c.has_recommendation = json_object_get(o, "recommendation") != NULL;
		c.recommendation = isup_jint(o, "recommendation", 0);
		c.value = isup_jint(o, "value", 0);
		c.value_ext_clear = isup_jint(o, "value_ext_clear", 0);
		n = isup_jhex(o, "diagnostics", c.diag, sizeof(c.diag));
		if (n < 0)
			return n;
		c.diag_len = n;
		return isup_cause_encode(buf, size, &c);
	}
	case ISUP_PAR_RANGE_STATUS: {
		struct isup_range_status r = { 0 };

		r.range = isup_jint(o, "range", 0);
		n = isup_jhex(o, "status", r.status, sizeof(r.status));
		if (n < 0)
			return n;
		r.status_len = n;
		return isup_range_status_encode(buf, size, &r);
	}
	case ISUP_PAR_CIRC_STATE_IND: {
		struct isup_circuit_state cs = { 0 };
		json_t *a = json_object_get(o, "states");

		if (!json_is_array(a) || json_array_size(a) > sizeof(cs.state))
			return -ISUP_ERR_INVAL;
		for (i = 0; i < json_array_size(a); i++)
			cs.state[i] = json_integer_value(json_array_get(a, i));
		cs.count = json_array_size(a);
		return isup_circuit_state_encode(buf, size, &cs);
	}
	case ISUP_PAR_GENERIC_NOTIF: {
		struct isup_generic_notif g = { 0 };
		json_t *a = json_object_get(o, "notifications");

		if (!json_is_array(a) || json_array_size(a) > ISUP_GNI_MAX)
			return -ISUP_ERR_INVAL;
		for (i = 0; i < json_array_size(a); i++) {
			g.value[i] = isup_jint(json_array_get(a, i), "value", 0);
			g.ext[i] = isup_jint(json_array_get(a, i), "ext", 0);
		}
		g.count = json_array_size(a);
		return isup_generic_notif_encode(buf, size, &g);
	}
	case ISUP_PAR_USI: {
		struct isup_usi u = { 0 };

		u.coding_standard = isup_jint(o, "coding_standard", 0);
		u.itc = isup_jint(o, "itc", 0);
		u.transfer_mode = isup_jint(o, "transfer_mode", 0);
		u.transfer_rate = isup_jint(o, "transfer_rate", 0);
		u.has_multiplier = json_object_get(o, "multiplier") != NULL;
		u.multiplier = isup_jint(o, "multiplier", 0);
		u.has_l1 = json_object_get(o, "l1_protocol") != NULL;
		u.l1_protocol = isup_jint(o, "l1_protocol", 0);
		u.l1_ext = isup_jint(o, "l1_ext", 1);
		n = isup_jhex(o, "rest", u.rest, sizeof(u.rest));
		if (n < 0)
			return n;
		u.rest_len = n;
		return isup_usi_encode(buf, size, &u);
	}
	case ISUP_PAR_MSG_COMPAT: {
		struct isup_msg_compat m;

		rc = isup_instr_from_json(o, &m.instr);
		return rc < 0 ? rc : isup_msg_compat_encode(buf, size, &m);
	}
	case ISUP_PAR_PARAM_COMPAT: {
		struct isup_param_compat pc = { 0 };
		json_t *a = json_object_get(o, "entries");

		if (!json_is_array(a) || json_array_size(a) > ISUP_PCI_MAX)
			return -ISUP_ERR_INVAL;
		for (i = 0; i < json_array_size(a); i++) {
			json_t *e = json_array_get(a, i);

			pc.entry[i].code = isup_jint(e, "code", 0);
			rc = isup_instr_from_json(e, &pc.entry[i].instr);
			if (rc < 0)
				return rc;
		}
		pc.count = json_array_size(a);
		return isup_param_compat_encode(buf, size, &pc);
	}
	case ISUP_PAR_PROP_DELAY: {
		struct isup_prop_delay d = { .ms = isup_jint(o, "ms", 0) };

		return isup_prop_delay_encode(buf, size, &d);
	}
	default:
		return -ISUP_ERR_UNSUPPORTED;
	}
}

/* ---- messages ---- */

json_t *isup_json_from_msg(const struct isup_msg *msg)
{
	json_t *o = json_object(), *params = json_array();
	unsigned int i;

	if (!o || !params) {
		json_decref(o);
		json_decref(params);
		return NULL;
	}
	json_object_set_new(o, "variant", json_string(get_value_string(isup_variant_names,
								       msg->variant)));
	json_object_set_new(o, "type", json_integer(msg->type));
	json_object_set_new(o, "name", json_string(isup_msg_type_name(msg->type)));
	json_object_set_new(o, "long_name",
			    json_string(get_value_string(isup_msg_type_long_names, msg->type)));
	json_object_set_new(o, "known", json_boolean(isup_msg_fmt(msg) != NULL));
	if (msg->has_cic) {
		json_object_set_new(o, "cic", json_integer(msg->cic));
		if (msg->cic_spare)
			json_object_set_new(o, "cic_spare", json_integer(msg->cic_spare));
	}
	for (i = 0; i < msg->num_params; i++) {
		const struct isup_param *p = &msg->params[i];
		json_t *jp = json_object(), *fields;
		int rc;

		json_object_set_new(jp, "part", json_string(get_value_string(isup_part_names,
									     p->part)));
		json_object_set_new(jp, "code", json_integer(p->code));
		json_object_set_new(jp, "name", json_string(isup_param_name(msg->variant, p->code)));
		json_object_set_new(jp, "len", json_integer(p->len));
		json_object_set_new(jp, "raw", isup_json_hex(p->data, p->len));
		fields = isup_fields_to_json(msg->variant, p->code, p->data, p->len, &rc);
		if (fields)
			json_object_set_new(jp, "fields", fields);
		else if (rc < 0)
			json_object_set_new(jp, "fields_error", json_string(isup_strerror(rc)));
		json_array_append_new(params, jp);
	}
	json_object_set_new(o, "params", params);
	if (msg->body)
		json_object_set_new(o, "body", isup_json_hex(msg->body, msg->body_len));
	if (msg->opt_empty_ptr)
		json_object_set_new(o, "opt_empty_ptr", json_true());
	if (msg->eop_missing)
		json_object_set_new(o, "eop_missing", json_true());
	if (msg->trailer)
		json_object_set_new(o, "trailer", isup_json_hex(msg->trailer, msg->trailer_len));
	if (msg->layout) {
		json_t *ptrs = json_array();

		for (i = 0; i < msg->layout->num_ptrs; i++)
			json_array_append_new(ptrs, json_integer(msg->layout->ptrs[i]));
		json_object_set_new(o, "layout", json_pack("{s:o,s:o}", "pointers", ptrs, "area",
							   isup_json_hex(msg->layout->area,
									 msg->layout->area_len)));
	}
	return o;
}

#define JERR(...) do { snprintf(errbuf, errlen, __VA_ARGS__); rc = -ISUP_ERR_INVAL; goto fail; } while (0)

/* Read a hex string member into a talloc buffer under ctx. */
static int isup_jhex_alloc(void *ctx, json_t *v, uint8_t **out, size_t *len)
{
	int n;

	if (!json_is_string(v))
		return -ISUP_ERR_INVAL;
	n = isup_hex_parse(ctx, json_string_value(v), out);
	if (n < 0)
		return n;
	*len = n;
	return 0;
}

int isup_json_to_msg(void *ctx, json_t *obj, int variant, bool with_cic,
		     struct isup_msg **out, char *errbuf, size_t errlen)
{
	struct isup_msg *msg = NULL;
	json_t *v, *params;
	size_t i;
	int rc, type;

	*out = NULL;
	if (!json_is_object(obj))
		return snprintf(errbuf, errlen, "top level is not an object"), -ISUP_ERR_INVAL;
	if (variant < 0) {
		v = json_object_get(obj, "variant");
		variant = v ? isup_variant_parse(json_string_value(v)) : ISUP_VARIANT_ITU;
		if (variant < 0)
			return snprintf(errbuf, errlen, "bad \"variant\""), -ISUP_ERR_INVAL;
	}
	v = json_object_get(obj, "type");
	if (json_is_integer(v)) {
		type = json_integer_value(v);
	} else if ((v = json_object_get(obj, "name")) && json_is_string(v)) {
		type = get_string_value(isup_msg_type_names, json_string_value(v));
	} else {
		return snprintf(errbuf, errlen, "missing \"type\""), -ISUP_ERR_INVAL;
	}
	if (type < 0 || type > 255)
		return snprintf(errbuf, errlen, "bad message type"), -ISUP_ERR_INVAL;

	msg = isup_msg_alloc(ctx, variant, type);
	if (!msg)
		return -ISUP_ERR_NOMEM;
	if (with_cic) {
		v = json_object_get(obj, "cic");
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0xffff)
			JERR("missing or bad \"cic\"");
		msg->has_cic = true;
		msg->cic = json_integer_value(v);
		msg->cic_spare = isup_jint(obj, "cic_spare", 0);
	}

	params = json_object_get(obj, "params");
	if (params && !json_is_array(params))
		JERR("\"params\" is not an array");
	for (i = 0; params && i < json_array_size(params); i++) {
		json_t *jp = json_array_get(params, i), *raw, *jpart, *fields;
		uint8_t buf[256];
		enum isup_part part;
		int code, len;

		v = json_object_get(jp, "code");
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
			JERR("params[%zu]: missing or bad \"code\"", i);
		code = json_integer_value(v);
		jpart = json_object_get(jp, "part");
		if (jpart) {
			int pv = json_is_string(jpart) ?
				get_string_value(isup_part_names, json_string_value(jpart)) : -1;

			if (pv < 0)
				JERR("params[%zu]: bad \"part\"", i);
			part = pv;
		} else {
			part = isup_msg_part_for(msg, code);
		}
		raw = json_object_get(jp, "raw");
		fields = json_object_get(jp, "fields");
		if (raw) {
			uint8_t *bytes;

			if (!json_is_string(raw))
				JERR("params[%zu]: \"raw\" is not a string", i);
			len = isup_hex_parse(msg, json_string_value(raw), &bytes);
			if (len < 0 || len > 255)
				JERR("params[%zu]: bad hex in \"raw\"", i);
			memcpy(buf, bytes, len);
			talloc_free(bytes);
		} else if (fields) {
			len = isup_fields_from_json(variant, code, fields, buf, sizeof(buf));
			if (len < 0)
				JERR("params[%zu] (code %d): cannot encode \"fields\": %s", i, code,
				     isup_strerror(len));
		} else {
			JERR("params[%zu]: neither \"raw\" nor \"fields\"", i);
		}
		rc = isup_msg_add_param(msg, part, code, buf, len);
		if (rc < 0)
			goto fail;
	}

	if ((v = json_object_get(obj, "body"))) {
		if (isup_jhex_alloc(msg, v, &msg->body, &msg->body_len) < 0)
			JERR("bad hex in \"body\"");
	}
	msg->opt_empty_ptr = isup_jint(obj, "opt_empty_ptr", 0);
	msg->eop_missing = isup_jint(obj, "eop_missing", 0);
	if ((v = json_object_get(obj, "trailer"))) {
		if (isup_jhex_alloc(msg, v, &msg->trailer, &msg->trailer_len) < 0)
			JERR("bad hex in \"trailer\"");
	}
	if ((v = json_object_get(obj, "layout"))) {
		json_t *ptrs = json_object_get(v, "pointers");
		struct isup_layout *lay = talloc_zero(msg, struct isup_layout);

		if (!lay)
			return -ISUP_ERR_NOMEM;
		msg->layout = lay;
		if (!json_is_array(ptrs) || json_array_size(ptrs) > ARRAY_SIZE(lay->ptrs))
			JERR("bad \"layout\".\"pointers\"");
		for (i = 0; i < json_array_size(ptrs); i++)
			lay->ptrs[i] = json_integer_value(json_array_get(ptrs, i));
		lay->num_ptrs = json_array_size(ptrs);
		if (isup_jhex_alloc(lay, json_object_get(v, "area"), &lay->area, &lay->area_len) < 0)
			JERR("bad \"layout\".\"area\"");
	}
	*out = msg;
	return 0;
fail:
	talloc_free(msg);
	return rc;
}

/* Table-driven ISUP decoder and encoder (Q.763 section 1.5 layout).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <talloc.h>

#include "isup/isup_msg.h"

const struct value_string isup_part_names[] = {
	{ ISUP_PART_FIXED, "fixed" },
	{ ISUP_PART_VARIABLE, "variable" },
	{ ISUP_PART_OPTIONAL, "optional" },
	{ 0, NULL }
};

static unsigned int isup_cic_bits(enum isup_variant variant)
{
	/* T1.113 uses 14 of the 16 bits; ITU and China use 12 */
	return variant == ISUP_VARIANT_ANSI ? 14 : 12;
}

static int isup_fail(struct isup_err_detail *err, int code, size_t offset,
		     bool has_param, uint8_t param)
{
	if (err) {
		err->rc = -code;
		err->offset = offset;
		err->has_param = has_param;
		err->param_code = param;
	}
	return -code;
}

struct isup_msg *isup_msg_alloc(void *ctx, enum isup_variant variant, uint8_t type)
{
	struct isup_msg *msg = talloc_zero(ctx, struct isup_msg);

	if (!msg)
		return NULL;
	talloc_set_name_const(msg, "isup_msg");
	msg->variant = variant;
	msg->type = type;
	return msg;
}

/* A decoded message is built from one talloc pool sized for its input, so
 * that its parameter copies are bump allocations, not one malloc each:
 * talloc calls were most of the cost of decoding an IAM. */
static struct isup_msg *isup_msg_alloc_pooled(void *ctx, enum isup_variant variant, size_t len)
{
	struct isup_msg *msg;

	msg = talloc_pooled_object(ctx, struct isup_msg, 24,
				   len + 16 * sizeof(struct isup_param) + 24 * 16);
	if (!msg)
		return NULL;
	memset(msg, 0, sizeof(*msg));
	talloc_set_name_const(msg, "isup_msg");
	msg->variant = variant;
	return msg;
}

const struct isup_fmt *isup_msg_fmt(const struct isup_msg *msg)
{
	return isup_fmt_find(msg->variant, msg->type);
}

int isup_msg_add_param(struct isup_msg *msg, enum isup_part part, uint8_t code,
		       const uint8_t *data, uint8_t len)
{
	struct isup_param *params, *p;

	if (msg->num_params == msg->params_cap) {
		unsigned int cap = msg->params_cap ? msg->params_cap * 2 : 8;

		params = talloc_realloc(msg, msg->params, struct isup_param, cap);
		if (!params)
			return -ISUP_ERR_NOMEM;
		msg->params = params;
		msg->params_cap = cap;
	}
	p = &msg->params[msg->num_params];
	memset(p, 0, sizeof(*p));
	p->code = code;
	p->part = part;
	p->len = len;
	if (len) {
		p->data = talloc_memdup(msg, data, len);
		if (!p->data)
			return -ISUP_ERR_NOMEM;
	}
	return msg->num_params++;
}

/* A decoded parameter refers into msg->wire, the message's one copy of its
 * input, instead of owning a copy of its own. */
static bool isup_param_in_wire(const struct isup_msg *msg, const struct isup_param *p)
{
	return msg->wire && p->data >= msg->wire && p->data < msg->wire + msg->wire_len;
}

static void isup_param_free_data(struct isup_msg *msg, struct isup_param *p)
{
	if (!isup_param_in_wire(msg, p))
		talloc_free(p->data);
	p->data = NULL;
}

static int isup_msg_add_wire_param(struct isup_msg *msg, enum isup_part part, uint8_t code,
				   const uint8_t *data, uint8_t len)
{
	int rc = isup_msg_add_param(msg, part, code, NULL, 0);

	if (rc < 0)
		return rc;
	msg->params[rc].len = len;
	msg->params[rc].data = len ? (uint8_t *)data : NULL;
	return rc;
}

enum isup_part isup_msg_part_for(const struct isup_msg *msg, uint8_t code)
{
	const struct isup_fmt *fmt = isup_msg_fmt(msg);
	unsigned int i;

	if (!fmt)
		return ISUP_PART_OPTIONAL;
	for (i = 0; i < fmt->num_fixed; i++) {
		if (fmt->fixed[i].code == code)
			return ISUP_PART_FIXED;
	}
	for (i = 0; i < fmt->num_var; i++) {
		if (fmt->var[i] == code)
			return ISUP_PART_VARIABLE;
	}
	return ISUP_PART_OPTIONAL;
}

int isup_msg_set_param(struct isup_msg *msg, uint8_t code, const uint8_t *data, uint8_t len)
{
	unsigned int i;
	uint8_t *copy = NULL;

	for (i = 0; i < msg->num_params; i++) {
		if (msg->params[i].code != code)
			continue;
		if (len) {
			copy = talloc_memdup(msg, data, len);
			if (!copy)
				return -ISUP_ERR_NOMEM;
		}
		isup_param_free_data(msg, &msg->params[i]);
		msg->params[i].data = copy;
		msg->params[i].len = len;
		return i;
	}
	return isup_msg_add_param(msg, isup_msg_part_for(msg, code), code, data, len);
}

int isup_msg_del_param(struct isup_msg *msg, uint8_t code)
{
	unsigned int i, j = 0;
	int n = 0;

	for (i = 0; i < msg->num_params; i++) {
		if (msg->params[i].code == code) {
			isup_param_free_data(msg, &msg->params[i]);
			n++;
			continue;
		}
		msg->params[j++] = msg->params[i];
	}
	msg->num_params = j;
	return n;
}

const struct isup_param *isup_msg_find_next(const struct isup_msg *msg,
					    const struct isup_param *prev, uint8_t code)
{
	unsigned int i = prev ? (unsigned int)(prev - msg->params) + 1 : 0;

	for (; i < msg->num_params; i++) {
		if (msg->params[i].code == code)
			return &msg->params[i];
	}
	return NULL;
}

const struct isup_param *isup_msg_find_param(const struct isup_msg *msg, uint8_t code)
{
	return isup_msg_find_next(msg, NULL, code);
}

static const struct isup_param *isup_find_part(const struct isup_msg *msg, uint8_t code,
					       enum isup_part part)
{
	unsigned int i;

	for (i = 0; i < msg->num_params; i++) {
		if (msg->params[i].code == code && msg->params[i].part == part)
			return &msg->params[i];
	}
	return NULL;
}

static bool isup_bytes_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b)
{
	unsigned int i;

	if (a->variant != b->variant || a->type != b->type || a->has_cic != b->has_cic)
		return false;
	if (a->has_cic && (a->cic != b->cic || a->cic_spare != b->cic_spare))
		return false;
	if (a->num_params != b->num_params || a->opt_empty_ptr != b->opt_empty_ptr ||
	    a->eop_missing != b->eop_missing)
		return false;
	for (i = 0; i < a->num_params; i++) {
		const struct isup_param *pa = &a->params[i], *pb = &b->params[i];

		if (pa->code != pb->code || pa->part != pb->part ||
		    !isup_bytes_equal(pa->data, pa->len, pb->data, pb->len))
			return false;
	}
	if ((a->body == NULL) != (b->body == NULL) ||
	    !isup_bytes_equal(a->body, a->body_len, b->body, b->body_len))
		return false;
	if (!isup_bytes_equal(a->trailer, a->trailer_len, b->trailer, b->trailer_len))
		return false;
	if ((a->layout == NULL) != (b->layout == NULL))
		return false;
	if (a->layout) {
		if (!isup_bytes_equal(a->layout->ptrs, a->layout->num_ptrs,
				      b->layout->ptrs, b->layout->num_ptrs) ||
		    !isup_bytes_equal(a->layout->area, a->layout->area_len,
				      b->layout->area, b->layout->area_len))
			return false;
	}
	return true;
}

/* Parse fixed, pointer, variable and optional parts from buf[start..len). */
static int isup_decode_params(struct isup_msg *msg, const struct isup_fmt *fmt, unsigned int flags,
			      const uint8_t *buf, size_t len, size_t start,
			      struct isup_err_detail *err)
{
	size_t p = start, ptr_base, ptr_end, vend, expect, end, area_end;
	unsigned int i, nptr, nopt = 0;
	bool canonical = true;
	int rc;

	for (i = 0; i < fmt->num_fixed; i++) {
		uint8_t flen = fmt->fixed[i].len;

		if (len - p < flen)
			return isup_fail(err, ISUP_ERR_TRUNCATED, len, true, fmt->fixed[i].code);
		rc = isup_msg_add_wire_param(msg, ISUP_PART_FIXED, fmt->fixed[i].code, buf + p, flen);
		if (rc < 0)
			return isup_fail(err, ISUP_ERR_NOMEM, p, false, 0);
		p += flen;
	}

	nptr = fmt->num_var + (fmt->optional ? 1 : 0);
	ptr_base = p;
	if (len - p < nptr)
		return isup_fail(err, ISUP_ERR_TRUNCATED, len, false, 0);
	ptr_end = ptr_base + nptr;
	vend = ptr_end;
	expect = ptr_end;

	for (i = 0; i < fmt->num_var; i++) {
		size_t pp = ptr_base + i, tgt;
		uint8_t vlen;

		if (buf[pp] == 0)
			return isup_fail(err, ISUP_ERR_POINTER, pp, true, fmt->var[i]);
		tgt = pp + buf[pp];
		/* a pointer into the pointer block itself is never valid */
		if (tgt < ptr_end || tgt >= len)
			return isup_fail(err, ISUP_ERR_POINTER, pp, true, fmt->var[i]);
		vlen = buf[tgt];
		if (len - tgt - 1 < vlen)
			return isup_fail(err, ISUP_ERR_LENGTH, tgt, true, fmt->var[i]);
		if (vlen == 0)
			return isup_fail(err, ISUP_ERR_MISSING_MANDATORY, tgt, true, fmt->var[i]);
		rc = isup_msg_add_wire_param(msg, ISUP_PART_VARIABLE, fmt->var[i], buf + tgt + 1, vlen);
		if (rc < 0)
			return isup_fail(err, ISUP_ERR_NOMEM, tgt, false, 0);
		if (tgt != expect)
			canonical = false;
		expect = tgt + 1 + vlen;
		if (expect > vend)
			vend = expect;
	}
	end = vend;
	area_end = vend;

	if (fmt->optional && buf[ptr_base + fmt->num_var] != 0) {
		size_t pp = ptr_base + fmt->num_var;
		size_t q = pp + buf[pp];

		/* the optional part may not overlap the variable part */
		if (q < vend || q >= len)
			return isup_fail(err, ISUP_ERR_POINTER, pp, false, 0);
		if (q != expect)
			canonical = false;
		area_end = q;
		for (;;) {
			uint8_t code, olen;

			if (q >= len) {
				if (flags & ISUP_DEC_STRICT)
					return isup_fail(err, ISUP_ERR_TRUNCATED, len, false, 0);
				msg->eop_missing = true;
				break;
			}
			code = buf[q];
			if (code == ISUP_PAR_EOP) {
				q++;
				break;
			}
			if (len - q < 2)
				return isup_fail(err, ISUP_ERR_TRUNCATED, len, true, code);
			olen = buf[q + 1];
			if (len - q - 2 < olen)
				return isup_fail(err, ISUP_ERR_LENGTH, q + 1, true, code);
			rc = isup_msg_add_wire_param(msg, ISUP_PART_OPTIONAL, code, buf + q + 2, olen);
			if (rc < 0)
				return isup_fail(err, ISUP_ERR_NOMEM, q, false, 0);
			nopt++;
			q += 2 + olen;
		}
		if (nopt == 0)
			msg->opt_empty_ptr = true;
		end = q;
	}

	if (end < len) {
		if (flags & ISUP_DEC_STRICT)
			return isup_fail(err, ISUP_ERR_TRAILING, end, false, 0);
		msg->trailer = talloc_memdup(msg, buf + end, len - end);
		if (!msg->trailer)
			return isup_fail(err, ISUP_ERR_NOMEM, end, false, 0);
		msg->trailer_len = len - end;
	}

	if (!canonical) {
		struct isup_layout *lay = talloc_zero(msg, struct isup_layout);

		if (!lay)
			return isup_fail(err, ISUP_ERR_NOMEM, ptr_base, false, 0);
		lay->num_ptrs = nptr;
		memcpy(lay->ptrs, buf + ptr_base, nptr);
		lay->area_len = area_end - ptr_end;
		if (lay->area_len) {
			lay->area = talloc_memdup(lay, buf + ptr_end, lay->area_len);
			if (!lay->area)
				return isup_fail(err, ISUP_ERR_NOMEM, ptr_base, false, 0);
		}
		msg->layout = lay;
	}
	return 0;
}

static void isup_msg_clear_params(struct isup_msg *msg)
{
	TALLOC_FREE(msg->params);
	msg->num_params = 0;
	msg->params_cap = 0;
	TALLOC_FREE(msg->trailer);
	msg->trailer_len = 0;
	TALLOC_FREE(msg->layout);
	msg->opt_empty_ptr = false;
	msg->eop_missing = false;
}

int isup_decode_ex(void *ctx, enum isup_variant variant, unsigned int flags,
		   const uint8_t *buf, size_t len, struct isup_msg **out,
		   struct isup_err_detail *err)
{
	const struct isup_fmt *fmt;
	struct isup_msg *msg;
	size_t off = 0;
	int rc;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	if ((unsigned int)variant >= _NUM_ISUP_VARIANT || (!buf && len))
		return isup_fail(err, ISUP_ERR_INVAL, 0, false, 0);
	if (len > ISUP_MAX_MSG_LEN)
		return isup_fail(err, ISUP_ERR_LENGTH, ISUP_MAX_MSG_LEN, false, 0);

	if (flags & ISUP_DEC_COMPACT)
		msg = isup_msg_alloc(ctx, variant, 0);
	else
		msg = isup_msg_alloc_pooled(ctx, variant, len);
	if (!msg)
		return isup_fail(err, ISUP_ERR_NOMEM, 0, false, 0);
	if (len) {
		msg->wire = talloc_memdup(msg, buf, len);
		if (!msg->wire) {
			talloc_free(msg);
			return isup_fail(err, ISUP_ERR_NOMEM, 0, false, 0);
		}
		msg->wire_len = len;
		buf = msg->wire;
	}

	if (flags & ISUP_DEC_CIC) {
		unsigned int bits = isup_cic_bits(variant);
		uint16_t raw;

		if (len < 2) {
			rc = isup_fail(err, ISUP_ERR_TRUNCATED, len, false, 0);
			goto fail;
		}
		/* CIC is little endian: least significant octet first */
		raw = (uint16_t)(buf[0] | ((uint16_t)buf[1] << 8));
		msg->has_cic = true;
		msg->cic = raw & ((1u << bits) - 1);
		msg->cic_spare = raw >> bits;
		off = 2;
	}
	if (len - off < 1) {
		rc = isup_fail(err, ISUP_ERR_TRUNCATED, len, false, 0);
		goto fail;
	}
	msg->type = buf[off++];
	if (err) {
		err->has_msg_type = true;
		err->msg_type = msg->type;
	}

	fmt = isup_fmt_find(variant, msg->type);
	if (!fmt && (flags & ISUP_DEC_STRICT)) {
		rc = isup_fail(err, ISUP_ERR_UNKNOWN_MSG, off - 1, false, 0);
		goto fail;
	}
	if (!fmt || fmt->kind == ISUP_FMT_OPAQUE) {
		/* talloc_memdup of 0 octets still yields a non-NULL marker */
		msg->body = talloc_memdup(msg, buf + off, len - off);
		if (!msg->body) {
			rc = isup_fail(err, ISUP_ERR_NOMEM, off, false, 0);
			goto fail;
		}
		msg->body_len = len - off;
		/* Best effort for Q.764 2.9.5: expose the optional part of an
		 * unknown message; the body stays authoritative. */
		if (!fmt && isup_decode_params(msg, &isup_fmt_generic, 0, buf, len, off, NULL) < 0)
			isup_msg_clear_params(msg);
		*out = msg;
		return 0;
	}

	rc = isup_decode_params(msg, fmt, flags, buf, len, off, err);
	if (rc < 0)
		goto fail;
	*out = msg;
	return 0;

fail:
	talloc_free(msg);
	return rc;
}

int isup_decode(void *ctx, enum isup_variant variant, const uint8_t *buf, size_t len,
		struct isup_msg **out, struct isup_err_detail *err)
{
	return isup_decode_ex(ctx, variant, 0, buf, len, out, err);
}

int isup_decode_cic(void *ctx, enum isup_variant variant, const uint8_t *buf, size_t len,
		    struct isup_msg **out, struct isup_err_detail *err)
{
	return isup_decode_ex(ctx, variant, ISUP_DEC_CIC, buf, len, out, err);
}

/* Bounded output cursor: every write checks the remaining space. */
struct isup_wr {
	uint8_t *buf;
	size_t size;
	size_t pos;
	bool overflow;
};

static void isup_put(struct isup_wr *w, const uint8_t *data, size_t n)
{
	if (w->overflow || w->size - w->pos < n) {
		w->overflow = true;
		return;
	}
	if (n)
		memcpy(w->buf + w->pos, data, n);
	w->pos += n;
}

static void isup_put8(struct isup_wr *w, uint8_t v)
{
	isup_put(w, &v, 1);
}

/* Whether the stored non-canonical layout still fits the parameters. */
static bool isup_layout_usable(const struct isup_msg *msg, const struct isup_fmt *fmt,
			       const struct isup_param **var, unsigned int nopt)
{
	const struct isup_layout *lay = msg->layout;
	unsigned int i, nptr = fmt->num_var + (fmt->optional ? 1 : 0);

	if (!lay || lay->num_ptrs != nptr)
		return false;
	for (i = 0; i < fmt->num_var; i++) {
		size_t at = (size_t)i + lay->ptrs[i];

		if (lay->ptrs[i] == 0 || at < nptr)
			return false;
		at -= nptr;
		if (at >= lay->area_len || lay->area_len - at - 1 < var[i]->len ||
		    lay->area[at] != var[i]->len)
			return false;
	}
	if (fmt->optional) {
		uint8_t op = lay->ptrs[fmt->num_var];

		if (op == 0)
			return nopt == 0 && !msg->opt_empty_ptr;
		if ((size_t)fmt->num_var + op != nptr + lay->area_len)
			return false;
		return nopt > 0 || msg->opt_empty_ptr;
	}
	return true;
}

static int isup_encode_params(const struct isup_msg *msg, const struct isup_fmt *fmt,
			      struct isup_wr *w)
{
	const struct isup_param *var[ISUP_FMT_MAX_VAR];
	unsigned int i, nopt = 0, nptr = fmt->num_var + (fmt->optional ? 1 : 0);

	for (i = 0; i < fmt->num_fixed; i++) {
		const struct isup_param *p = isup_find_part(msg, fmt->fixed[i].code, ISUP_PART_FIXED);

		if (!p)
			return -ISUP_ERR_MISSING_MANDATORY;
		if (p->len != fmt->fixed[i].len)
			return -ISUP_ERR_LENGTH;
		isup_put(w, p->data, p->len);
	}
	for (i = 0; i < fmt->num_var; i++) {
		var[i] = isup_find_part(msg, fmt->var[i], ISUP_PART_VARIABLE);
		if (!var[i] || var[i]->len == 0)
			return -ISUP_ERR_MISSING_MANDATORY;
	}
	for (i = 0; i < msg->num_params; i++) {
		if (msg->params[i].part == ISUP_PART_OPTIONAL)
			nopt++;
	}
	if (nopt && !fmt->optional)
		return -ISUP_ERR_INVAL;

	if (isup_layout_usable(msg, fmt, var, nopt)) {
		const struct isup_layout *lay = msg->layout;
		size_t area_start;

		isup_put(w, lay->ptrs, nptr);
		area_start = w->pos;
		isup_put(w, lay->area, lay->area_len);
		if (w->overflow)
			return -ISUP_ERR_SPACE;
		for (i = 0; i < fmt->num_var; i++) {
			size_t at = (size_t)i + lay->ptrs[i] - nptr;

			memcpy(w->buf + area_start + at + 1, var[i]->data, var[i]->len);
		}
	} else {
		size_t off = nptr;

		for (i = 0; i < fmt->num_var; i++) {
			/* each pointer counts from its own octet */
			size_t ptr = off - i;

			if (ptr > 255)
				return -ISUP_ERR_POINTER;
			isup_put8(w, ptr);
			off += 1 + var[i]->len;
		}
		if (fmt->optional) {
			size_t ptr = off - fmt->num_var;

			if (nopt == 0 && !msg->opt_empty_ptr)
				ptr = 0;
			if (ptr > 255)
				return -ISUP_ERR_POINTER;
			isup_put8(w, ptr);
		}
		for (i = 0; i < fmt->num_var; i++) {
			isup_put8(w, var[i]->len);
			isup_put(w, var[i]->data, var[i]->len);
		}
	}

	if (fmt->optional && (nopt || msg->opt_empty_ptr)) {
		for (i = 0; i < msg->num_params; i++) {
			const struct isup_param *p = &msg->params[i];

			if (p->part != ISUP_PART_OPTIONAL)
				continue;
			/* a code 0 would read back as the end of the part */
			if (p->code == ISUP_PAR_EOP)
				return -ISUP_ERR_INVAL;
			isup_put8(w, p->code);
			isup_put8(w, p->len);
			isup_put(w, p->data, p->len);
		}
		if (!(msg->eop_missing && nopt))
			isup_put8(w, ISUP_PAR_EOP);
	}
	return 0;
}

int isup_encode_ex(const struct isup_msg *msg, bool with_cic, uint8_t *buf, size_t size)
{
	struct isup_wr w = { .buf = buf, .size = buf ? size : 0 };
	const struct isup_fmt *fmt;
	int rc;

	if ((unsigned int)msg->variant >= _NUM_ISUP_VARIANT)
		return -ISUP_ERR_INVAL;
	if (with_cic) {
		unsigned int bits = isup_cic_bits(msg->variant);
		uint32_t raw;

		if (msg->cic >> bits || msg->cic_spare >> (16 - bits))
			return -ISUP_ERR_INVAL;
		raw = msg->cic | ((uint32_t)msg->cic_spare << bits);
		isup_put8(&w, raw & 0xff);
		isup_put8(&w, raw >> 8);
	}
	isup_put8(&w, msg->type);

	fmt = isup_msg_fmt(msg);
	if (msg->body && (!fmt || fmt->kind == ISUP_FMT_OPAQUE)) {
		isup_put(&w, msg->body, msg->body_len);
	} else if (fmt && fmt->kind == ISUP_FMT_OPAQUE) {
		/* an opaque message built without a body is just the type */
	} else {
		rc = isup_encode_params(msg, fmt ? fmt : &isup_fmt_generic, &w);
		if (rc < 0)
			return rc;
		isup_put(&w, msg->trailer, msg->trailer_len);
	}
	if (w.overflow)
		return -ISUP_ERR_SPACE;
	if (w.pos > ISUP_MAX_MSG_LEN)
		return -ISUP_ERR_LENGTH;
	return (int)w.pos;
}

int isup_encode(const struct isup_msg *msg, uint8_t *buf, size_t size)
{
	return isup_encode_ex(msg, false, buf, size);
}

int isup_encode_cic(const struct isup_msg *msg, uint8_t *buf, size_t size)
{
	return isup_encode_ex(msg, true, buf, size);
}

int isup_encode_alloc(void *ctx, const struct isup_msg *msg, uint8_t **out)
{
	uint8_t tmp[ISUP_MAX_MSG_LEN + 2];
	int rc;

	*out = NULL;
	rc = isup_encode_ex(msg, msg->has_cic, tmp, sizeof(tmp));
	if (rc < 0)
		return rc;
	*out = talloc_memdup(ctx, tmp, rc ? rc : 1);
	if (!*out)
		return -ISUP_ERR_NOMEM;
	return rc;
}

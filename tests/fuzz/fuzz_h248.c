/* libFuzzer target for the H.248.1 text codec (Annex B).
 *
 * Beyond "no crash, no out-of-bounds read" it checks the codec's promises:
 * a rejected message says which H.248.1 error code to answer with; nothing
 * stays allocated, whether the message parses or not; whatever parses is
 * written out in each form (compact/pretty, long/short tokens), and each
 * form parses back to a message that writes out byte for byte the same
 * compact text (the builder's form is a fixed point).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "mgcp/h248_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[H248_MSG_MAX * 4], out2[H248_MSG_MAX * 4], form[H248_MSG_MAX * 4];
	void *ctx = talloc_named_const(NULL, 0, "fuzz");
	struct h248_err_detail err;
	struct h248_msg *msg, *again;
	unsigned int flags;
	int rc, n, n2, nf;

	rc = h248_msg_parse(ctx, (const char *)data, size, &msg, &err);
	if (rc < 0) {
		if (err.rc != rc || err.code < 400 || err.code > 599 || msg)
			abort();
		if (talloc_total_blocks(ctx) != 1)
			abort();
		talloc_free(ctx);
		return 0;
	}
	n = h248_msg_encode(msg, 0, out, sizeof(out));
	if (n < 0 || (size_t)n != strlen(out))
		abort();
	for (flags = 0; flags < 4; flags++) {
		nf = h248_msg_encode(msg, flags, form, sizeof(form));
		if (nf < 0)
			abort();
		rc = h248_msg_parse(ctx, form, nf, &again, &err);
		if (rc == -H248_ERR_TOO_LONG)
			continue;	/* the pretty form may be longer than the input */
		if (rc < 0)
			abort();
		n2 = h248_msg_encode(again, 0, out2, sizeof(out2));
		if (n2 != n || memcmp(out, out2, n))
			abort();
		talloc_free(again);
	}
	talloc_free(msg);
	if (talloc_total_blocks(ctx) != 1)
		abort();
	talloc_free(ctx);
	return 0;
}

/* libFuzzer target for the MGCP codec (RFC 3435 messages with SDP).
 *
 * Beyond "no crash, no out-of-bounds read" it checks the codec's promises:
 * a rejected message says which return code to answer with exactly when a
 * transaction id of a command was read; whatever parses is written back
 * out, and that text parses again and writes out byte for byte the same
 * (the builder's form is a fixed point).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mgcp/mgcp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mgcp_msg msg, again;
	static char out[MGCP_MSG_MAX * 2], out2[MGCP_MSG_MAX * 2];
	struct mgcp_err_detail err;
	size_t used = 0;
	int rc, n, n2;

	rc = mgcp_msg_parse(&msg, (const char *)data, size, &used, &err);
	if (rc < 0) {
		if (err.rc != rc)
			abort();
		if ((err.mgcp_code != 0) != (err.has_trans_id && !err.is_response))
			abort();
		if (err.mgcp_code && (err.mgcp_code < 400 || err.mgcp_code > 599))
			abort();
		return 0;
	}
	if (used > size)
		abort();
	n = mgcp_msg_encode(&msg, out, sizeof(out));
	if (n < 0)
		abort();
	if ((size_t)n != strlen(out))
		abort();
	rc = mgcp_msg_parse(&again, out, n, NULL, &err);
	if (rc == -MGCP_ERR_TOO_LONG)
		return 0;	/* the canonical form may be longer than the input */
	if (rc < 0)
		abort();
	n2 = mgcp_msg_encode(&again, out2, sizeof(out2));
	if (n2 != n || memcmp(out, out2, n))
		abort();
	return 0;
}

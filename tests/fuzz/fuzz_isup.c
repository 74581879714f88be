/* libFuzzer target for the ISUP codec.
 *
 * The first octet picks the variant and whether a CIC leads the message;
 * the rest is the message.  Beyond "no crash, no out-of-bounds read" it
 * checks the codec's promise: whatever decodes re-encodes to the same
 * octets, and that encoding decodes to an equal message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "isup/isup_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum isup_variant variants[] = { ISUP_VARIANT_ITU, ISUP_VARIANT_ANSI,
						      ISUP_VARIANT_CHINA };
	struct isup_err_detail err;
	struct isup_msg *msg, *again;
	enum isup_variant variant;
	unsigned int flags = 0;
	uint8_t *out;
	void *ctx;
	int len;

	if (size < 1)
		return 0;
	variant = variants[(data[0] & 0x0f) % 3];
	if (data[0] & 0x10)
		flags |= ISUP_DEC_CIC;
	if (data[0] & 0x20)
		flags |= ISUP_DEC_STRICT;
	data++;
	size--;

	ctx = talloc_named_const(NULL, 0, "fuzz");
	if (isup_decode_ex(ctx, variant, flags, data, size, &msg, &err) == 0) {
		len = isup_encode_alloc(ctx, msg, &out);
		if (len < 0)
			abort();
		if ((size_t)len != size || memcmp(out, data, size) != 0)
			abort();
		if (isup_decode_ex(ctx, variant, flags, out, len, &again, &err) != 0)
			abort();
		if (!isup_msg_equal(msg, again))
			abort();
	} else if (err.rc >= 0) {
		abort();
	}
	talloc_free(ctx);
	return 0;
}

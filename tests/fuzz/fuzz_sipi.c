/* libFuzzer target for the SIP-I body parser and the header parsers.
 *
 * Input: line 1 is the Content-Type, line 2 the Content-Disposition
 * (empty: none), the rest the body octets.  A first octet below 0x20
 * picks the profile mode (and is skipped); otherwise the mode is SIP-I.  Beyond "no crash, no leak, no out-of-bounds
 * read" it checks that whatever parses re-builds and parses again to the
 * same SDP and ISUP message, and feeds line 1 to the Reason, URI and
 * History-Info/Diversion parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "isup/sipi_body.h"
#include "isup/sipi_number.h"
#include "isup/sipi_reason.h"
#include "isup/sipi_redir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *line(void *ctx, const uint8_t **data, size_t *size)
{
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t n = nl ? (size_t)(nl - *data) : *size;
	char *s = talloc_strndup(ctx, (const char *)*data, n);

	*data += nl ? n + 1 : n;
	*size -= nl ? n + 1 : n;
	return s;
}

static void check_rebuild(void *ctx, const struct sipi_profile *in, const struct sipi_body_result *r)
{
	struct sipi_profile p = *in;
	struct sipi_body *b;
	struct sipi_body_result *again;

	if (!r->isup || r->isup_ignored || !r->sdp || strlen(r->sdp) != r->sdp_len)
		return;
	/* send it on as the variant it came in */
	p.variant = r->variant;
	if (sipi_body_build(ctx, &p, r->sdp, r->isup, &b) < 0)
		return;	/* e.g. a boundary cannot be found: not a parser bug */
	if (sipi_body_parse_raw(ctx, &p, b->content_type, b->content_disposition, b->data, b->len, &again) != 0)
		abort();
	if (strcmp(again->sdp, r->sdp) != 0 || !again->isup || !isup_msg_equal(again->isup, r->isup))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *ctx = talloc_named_const(NULL, 0, "fuzz");
	struct sipi_profile p;
	struct sipi_body_result *r;
	struct sipi_redirection redir;
	struct sipi_reason re;
	struct isup_number num;
	char *ct, *cd;

	if (size && data[0] < 0x20) {
		sipi_profile_init(&p, (enum sipi_mode)(data[0] % _NUM_SIPI_MODE));
		data++;
		size--;
	} else {
		sipi_profile_init(&p, SIPI_MODE_SIPI);
	}
	p.isup_required = true;
	ct = line(ctx, &data, &size);
	cd = line(ctx, &data, &size);
	if (sipi_body_parse_raw(ctx, &p, *ct ? ct : NULL, *cd ? cd : NULL, data, size, &r) == 0)
		check_rebuild(ctx, &p, r);
	sipi_reason_parse(ct, &re);
	sipi_number_from_uri(ct, &num, NULL);
	sipi_history_info_parse(ct, &redir);
	sipi_diversion_parse(ct, &redir);
	talloc_free(ctx);
	return 0;
}

/* tandem-mgw H.248: Move (H.248.1 clause 7.2.4).
 *
 * "Context = 7 { Move = rtp/3 }" takes an RTP termination out of the
 * context it is in and puts it into context 7 (or a new one, "$"); its
 * connection follows onto the endpoint the target context needs, sockets
 * and all, so the remote end sees nothing change.  The termination keeps
 * its name and its Statistics.  Descriptors given with Move apply after
 * it, as with Modify.  A source context left empty goes.
 *
 * What Move refuses: the NULL context as target (7.2.4 forbids it: 421,
 * as Add there), a third termination in the target (434), an unknown
 * termination (430), one already in the target (433), wildcards and TDM
 * terminations, idle ones included (501: a timeslot would take the
 * target's connection and leave its old context's behind, which nobody
 * has asked for yet).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

unsigned int mgw_h248_move(struct mgw_h248 *h, struct mgw_h248_ctx *ctx, const struct h248_cmd *c,
			   struct h248_cmd *r)
{
	struct mgw_h248_ctx *from = NULL;
	struct mgw_h248_term *term;
	unsigned int rc;

	if (!strcasecmp(c->term_id, "ROOT"))
		return H248_EC_BAD_ID;
	if (strchr(c->term_id, '*') || strchr(c->term_id, '$'))
		return H248_EC_NOT_IMPLEMENTED;
	term = mgw_h248_term_find(h, c->term_id, &from);
	if (!term) {
		if (!mgw_h248_tdm_endpoint(h, c->term_id))
			return H248_EC_UNKNOWN_TERM;
		/* an idle timeslot: in the NULL context, which Move may not take from */
		return H248_EC_NOT_IMPLEMENTED;
	}
	if (from == ctx)
		return H248_EC_TERM_IN_CONTEXT;
	if (term->tdm)
		return H248_EC_NOT_IMPLEMENTED;
	rc = mgw_h248_ctx_move(term, ctx);
	if (term->ctx != ctx)
		return rc;
	LOGP(DMGW, LOGL_INFO, "H.248 %s moved from context %u to %u (%s)\n", term->name, from->id, ctx->id,
	     term->conn->ep->name);
	if (mgw_h248_ctx_n_terms(from) == 0)
		mgw_h248_ctx_free(from);
	if (!rc)
		rc = mgw_h248_media_apply(term, c, false);
	if (!rc)
		rc = mgw_h248_events_apply(h, term, c);
	if (rc)
		return rc;
	if (c->media.present && mgw_h248_media_reply(term, r, false) < 0)
		return H248_EC_INTERNAL;
	mgw_h248_ctr_inc(h, MGW_H248_CTR_MOVE_OK);
	return 0;
}

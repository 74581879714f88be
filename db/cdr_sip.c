/* CDRs for INVITEs that tandemd refuses before call control exists.
 *
 * Until routing defines named trunks (issue 6) the ingress trunk is the
 * source IP address of the INVITE: what an operator would use to tell
 * peers apart.  The port is left out because it changes per TCP connection.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>

#include "db/cdr_record.h"
#include "db/cdr_sip.h"
#include "db/cdr_writer.h"

/* The number a URL carries: the user part of a sip: URI, or a tel: URI's
 * subscriber (Sofia keeps it in url_host). */
static const char *url_number(const url_t *url)
{
	if (!url)
		return NULL;
	if (url->url_type == url_tel)
		return url->url_host;
	return url->url_user;
}

int cdr_sip_refused(struct cdr_writer *w, struct nua_s *nua, const struct sip_s *sip, int cause,
		    int location)
{
	const sip_p_asserted_identity_t *pai;
	struct cdr_record rec;
	msg_t *msg;

	if (!w)
		return -ENODEV;
	cdr_record_init(&rec);
	rec.start_us = rec.end_us = cdr_now_us();
	rec.cause = cause;
	rec.cause_location = location;
	rec.released_by = CDR_REL_TANDEMD;
	if (sip) {
		pai = sip_p_asserted_identity(sip);
		if (pai)
			cdr_record_set(&rec, calling_in, url_number(pai->paid_url));
		else if (sip->sip_from)
			cdr_record_set(&rec, calling_in, url_number(sip->sip_from->a_url));
		if (sip->sip_request)
			cdr_record_set(&rec, called_in, url_number(sip->sip_request->rq_url));
		if (sip->sip_call_id)
			cdr_record_set(&rec, sip_call_id, sip->sip_call_id->i_id);
	}
	msg = nua ? nua_current_request(nua) : NULL;
	if (msg) {
		su_addrinfo_t *ai = msg_addrinfo(msg);
		char host[NI_MAXHOST];

		if (ai && ai->ai_addr &&
		    getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0,
				NI_NUMERICHOST) == 0)
			cdr_record_set(&rec, ingress_trunk, host);
	}
	return cdr_writer_submit(w, &rec);
}

/* CDRs for call attempts tandemd refuses on its SIP side. */
#pragma once

struct nua_s;
struct sip_s;
struct cdr_writer;

/*! Record an INVITE that tandemd released itself with Q.850 @cause at
 *  @location: numbers from P-Asserted-Identity (else From) and the
 *  Request-URI, the SIP Call-ID, and the source address as ingress trunk.
 *  Call only from the nua callback of that INVITE (the source address comes
 *  from nua_current_request()).  \returns 0 or negative; failures are
 *  counted by the writer. */
int cdr_sip_refused(struct cdr_writer *w, struct nua_s *nua, const struct sip_s *sip, int cause,
		    int location);

/* The DTMF digits of a call's circuit over MGCP (RFC 3435 2.3.3, 2.3.4,
 * 4.4.1; DTMF package D, RFC 3660): RQNT on the circuit's endpoint once
 * its connection exists, NTFY back with the digits in ObservedEvents.
 *
 * The request asks for every digit with the Notify action and no
 * QuarantineHandling loop control, so the gateway works step by step
 * (RFC 3435's default): after one NTFY it waits for a new RQNT, keeping
 * what it hears meanwhile in its quarantine list.  So each NTFY that
 * names the call's request arms it again, with a new RequestIdentifier
 * and quarantined events processed.  The first RQNT of a call discards
 * the quarantine, which may hold digits of the circuit's previous call.
 *
 * Detection is best effort: a gateway that refuses the RQNT (512, 518,
 * 522...) leaves the call's audio as it is, so the call goes on; one
 * that does not answer at all is DOWN like for any other command.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/tandem_log.h"

/* Every DTMF digit, each notified at once (RFC 3435 3.2.2.4 eventRange). */
#define DTMF_EVENTS "D/[0-9#*A-D](N)"

static void dtmf_rqnt_cb(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv)
{
	struct cc_media *m = priv;

	m->rqnt = NULL;
	if (resp && resp->code >= 200 && resp->code <= 299)
		return;
	/* the call keeps its audio: only its digits are not heard */
	m->dtmf_req[0] = '\0';
	if (!resp) {
		LOGPFSML(m->fi, LOGL_ERROR, "RQNT for the digits of %s unanswered\n", m->endpoint);
		return;
	}
	cc_media_gw_ctr(m->gw, MGCP_CA_CTR_DTMF_REFUSED);
	LOGPFSML(m->fi, LOGL_NOTICE, "gateway refused to detect the digits of %s: %u %s\n", m->endpoint,
		 resp->code, resp->comment);
}

void cc_media_mgcp_dtmf_arm(struct cc_media *m)
{
	struct mgcp_msg *cmd;
	int rc = -ENOMEM;

	if (!m->ops || !m->ops->dtmf || m->gw->no_dtmf || (!m->conn_circuit[0] && !m->conn_sip[0]))
		return;
	/* a request still under way is replaced: its outcome no longer matters */
	mgcp_ca_trans_orphan(m->rqnt);
	m->rqnt = NULL;
	cmd = talloc_zero(m, struct mgcp_msg);
	if (cmd) {
		mgcp_msg_init_cmd(cmd, MGCP_VERB_RQNT, 1, m->endpoint);
		/* any fresh hex id of the agent is a RequestIdentifier unique to this request */
		mgcp_ca_new_call_id(m->gw->ca, m->dtmf_req);
		osmo_strlcpy(cmd->request_id, m->dtmf_req, sizeof(cmd->request_id));
		cmd->present |= MGCP_P_REQUEST_ID;
		rc = mgcp_msg_add_other(cmd, "R", DTMF_EVENTS);
		if (rc == 0 && m->n_rqnt == 0)
			rc = mgcp_msg_add_other(cmd, "Q", "discard");
		if (rc == 0)
			rc = mgcp_ca_send(m->gw->ca, cmd, dtmf_rqnt_cb, m, &m->rqnt);
		talloc_free(cmd);
	}
	if (rc < 0) {
		m->dtmf_req[0] = '\0';
		LOGPFSML(m->fi, LOGL_ERROR, "cannot send RQNT for the digits of %s: %d\n", m->endpoint, rc);
		return;
	}
	m->n_rqnt++;
}

void cc_media_mgcp_dtmf_stop(struct cc_media *m)
{
	mgcp_ca_trans_orphan(m->rqnt);
	m->rqnt = NULL;
	m->dtmf_req[0] = '\0';
}

/* The digit of one ObservedEvents item ("D/5", "d/#", "5", "D/5@1A"),
 * or 0 when it is no DTMF digit (another package's event, a timer). */
static char observed_digit(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	char c;

	if (slash) {
		if (slash - s != 1 || toupper((unsigned char)s[0]) != 'D')
			return 0;
		n -= slash + 1 - s;
		s = slash + 1;
	}
	/* a connection named after the event is no part of it */
	if (n > 1 && s[1] == '@')
		n = 1;
	if (n != 1)
		return 0;
	c = toupper((unsigned char)s[0]);
	return isdigit((unsigned char)c) || c == '*' || c == '#' || (c >= 'A' && c <= 'D') ? c : 0;
}

/* The digits of ObservedEvents, in order, into @out (NUL-terminated). */
static size_t observed_digits(const char *o, char *out, size_t size)
{
	size_t n = 0, len;
	const char *e;

	while (o && *o && n + 1 < size) {
		while (*o == ' ' || *o == '\t' || *o == ',')
			o++;
		for (e = o; *e && *e != ','; e++)
			;
		len = e - o;
		while (len && (o[len - 1] == ' ' || o[len - 1] == '\t'))
			len--;
		if (len && (out[n] = observed_digit(o, len)))
			n++;
		o = e;
	}
	out[n] = '\0';
	return n;
}

void cc_media_mgcp_ntfy(struct cc_media_gw *gw, const struct mgcp_msg *ntfy)
{
	char digits[MGCP_VALUE_MAX + 1];
	struct cc_media *m;
	size_t i, n;

	n = observed_digits(mgcp_msg_get_other(ntfy, "O"), digits, sizeof(digits));
	llist_for_each_entry(m, &gw->users, list) {
		if (!m->dtmf_req[0] || !(ntfy->present & MGCP_P_REQUEST_ID) ||
		    strcasecmp(m->dtmf_req, ntfy->request_id) || strcasecmp(m->endpoint, ntfy->endpoint))
			continue;
		LOGPFSML(m->fi, LOGL_DEBUG, "NTFY %u, request %s: \"%s\"\n", ntfy->trans_id, ntfy->request_id,
			 mgcp_msg_get_other(ntfy, "O") ?: "");
		/* the gateway notified once and waits for the next request */
		cc_media_mgcp_dtmf_arm(m);
		for (i = 0; i < n; i++) {
			cc_media_gw_ctr(gw, MGCP_CA_CTR_DTMF_DIGITS);
			cc_media_gw_dtmf(m, digits[i]);
		}
		return;
	}
	cc_media_gw_ctr(gw, MGCP_CA_CTR_DTMF_UNMATCHED);
	LOGP(DMGCP, LOGL_NOTICE, "mgw %s: NTFY %u on %s, request %s, which no call has\n", gw->ca->cfg.name,
	     ntfy->trans_id, ntfy->endpoint, ntfy->present & MGCP_P_REQUEST_ID ? ntfy->request_id : "-");
}

/* tandemd's H.248.1 controller (MGC): one struct h248_ca per media gateway.
 *
 * A UDP socket in the osmocom select loop, the transaction layer of
 * mgcp/h248_tl.c (retransmission, Pending, duplicates), the gateway's
 * registration by ServiceChange on ROOT, and asynchronous Add, Modify,
 * Subtract and AuditValue for a call.  It knows nothing about calls:
 * call control builds the terminations and keeps the context ids.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "mgcp/h248_msg.h"
#include "mgcp/h248_tl.h"

/*! Longest gateway name and address text. */
#define H248_CA_NAME_MAX 32
#define H248_CA_ADDR_MAX 64
/*! H.248.1 Annex D.1: the well-known text port, ours and the gateway's. */
#define H248_CA_DEFAULT_PORT 2944
/*! Most terminations in one Add or Modify request. */
#define H248_CA_TERMS_MAX 4
/*! Context id argument: let the gateway choose ("$"). */
#define H248_CA_CTX_CHOOSE UINT32_MAX
/*! Context id argument: the NULL context ("-"). */
#define H248_CA_CTX_NULL 0

/*! Registration state of a gateway. */
enum h248_ca_state {
	H248_CA_ST_UNKNOWN,	/*!< not heard from yet */
	H248_CA_ST_REGISTERED,	/*!< ServiceChange accepted, or it answered us */
	H248_CA_ST_GRACEFUL,	/*!< going out of service: no new contexts */
	H248_CA_ST_DOWN,	/*!< Forced out of service, or a request timed out */
};
extern const struct value_string h248_ca_state_names[];

/*! Timers of our own (osmo_tdef); the transaction layer's X1..X7 are in
 *  the same group. */
enum h248_ca_timer {
	H248_CA_T_PROBE = 20,	/*!< AuditValue on ROOT to learn the gateway is there, s; 0 = off */
};

/*! Rate counters of a gateway (the transaction layer has its own). */
enum h248_ca_ctr {
	H248_CA_CTR_SC_RESTART,		/*!< ServiceChange Restart accepted */
	H248_CA_CTR_SC_DISCONNECTED,
	H248_CA_CTR_SC_FAILOVER,
	H248_CA_CTR_SC_FORCED,
	H248_CA_CTR_SC_GRACEFUL,
	H248_CA_CTR_SC_OTHER,		/*!< Handoff, extensions, or on a termination */
	H248_CA_CTR_CONTEXTS_LOST,	/*!< a known gateway restarted or was forced out */
	H248_CA_CTR_RX_NOTIFY,
	H248_CA_CTR_RX_UNSUPPORTED,	/*!< other commands from the gateway, answered 501 */
	H248_CA_CTR_RX_FOREIGN,		/*!< datagrams not from the gateway, dropped */
	H248_CA_CTR_REQ_OK,
	H248_CA_CTR_REQ_ERROR,		/*!< the gateway answered with an Error */
	H248_CA_CTR_REQ_TIMEOUT,	/*!< no reply (or too many Pendings) */
	H248_CA_CTR_REQ_REFUSED,	/*!< not sent: gateway not registered, stopped, table full */
	H248_CA_CTR_ORPHAN_SUBTRACT,	/*!< contexts subtracted after their user left */
	H248_CA_CTR_PROBE_FAIL,		/*!< the ROOT probe went unanswered */
	H248_CA_CTR_AUDIT_RUN,		/*!< the gateway's contexts were to be audited */
	H248_CA_CTR_AUDIT_OK,		/*!< a call's context is still there (counted by the user) */
	H248_CA_CTR_AUDIT_LOST,		/*!< a call's context or termination is gone (the user) */
	H248_CA_CTR_AUDIT_UNSURE,	/*!< an audit answered with another Error: the call stays */
	H248_CA_CTR_HANDOFF,		/*!< ServiceChange Handoff sent to the gateway */
	/* the Error codes of the gateway's replies, one counter each; the
	 * table h248_ca_err_ctrs[] in mgcp/h248_ca.c maps codes to them */
	H248_CA_CTR_ERR_400,
	H248_CA_CTR_ERR_401,
	H248_CA_CTR_ERR_403,
	H248_CA_CTR_ERR_406,
	H248_CA_CTR_ERR_410,
	H248_CA_CTR_ERR_411,
	H248_CA_CTR_ERR_412,
	H248_CA_CTR_ERR_421,
	H248_CA_CTR_ERR_430,
	H248_CA_CTR_ERR_431,
	H248_CA_CTR_ERR_433,
	H248_CA_CTR_ERR_434,
	H248_CA_CTR_ERR_435,
	H248_CA_CTR_ERR_440,
	H248_CA_CTR_ERR_44X,		/*!< 442..449: the gateway did not take what we wrote */
	H248_CA_CTR_ERR_500,
	H248_CA_CTR_ERR_501,
	H248_CA_CTR_ERR_502,
	H248_CA_CTR_ERR_503,
	H248_CA_CTR_ERR_510,
	H248_CA_CTR_ERR_515,
	H248_CA_CTR_ERR_OTHER,
};

/*! Why the user should audit the calls' contexts on a gateway. */
enum h248_ca_audit_why {
	H248_CA_AUDIT_DISCONNECTED,	/*!< ServiceChange Disconnected from a gateway we knew */
	H248_CA_AUDIT_FAILOVER,		/*!< ServiceChange Failover */
	H248_CA_AUDIT_HANDOFF,		/*!< ServiceChange Handoff (another MGC sent it to us) */
	H248_CA_AUDIT_BACK,		/*!< a DOWN gateway (requests timed out) answered again */
};
extern const struct value_string h248_ca_audit_why_names[];

/*! Configuration of a gateway. */
struct h248_ca_cfg {
	char name[H248_CA_NAME_MAX];
	char remote_addr[H248_CA_ADDR_MAX];
	uint16_t remote_port;
	char local_addr[H248_CA_ADDR_MAX];
	uint16_t local_port;		/*!< 0: any (tests) */
	unsigned int version;		/*!< highest H.248 version we speak (1..3) */
	char mid[H248_MID_MAX + 1];	/*!< our mId; "" = "[local_addr]:port" */
};

/*! Media of one termination in a request. */
struct h248_ca_media {
	uint16_t stream;		/*!< Stream id; 0 = parameters straight in Media */
	enum h248_mode mode;		/*!< H248_MODE_NONE: no LocalControl */
	const char *local;		/*!< Local SDP ("$" where the gateway chooses), NULL: none */
	const char *remote;		/*!< Remote SDP, NULL: none */
};

/*! Events to arm on one termination: an Events descriptor. */
struct h248_ca_events {
	uint32_t request_id;
	/*! DTMF digits (of H248_DD_DIGITS) to be notified of, each as its dd
	 *  event; "" disarms every event */
	const char *dd_digits;
};

/*! One termination of an Add or Modify. */
struct h248_ca_term {
	const char *id;			/*!< "tdm/S/T", "rtp/N", or "$" in an Add */
	const struct h248_ca_media *media; /*!< NULL: no Media descriptor */
	const struct h248_ca_events *events; /*!< NULL: no Events descriptor */
};

/*! One termination named in a reply. */
struct h248_ca_term_reply {
	const char *id;			/*!< what the gateway chose for "$" */
	const char *local;		/*!< its Local SDP, NULL when none came */
};

/*! The outcome of a request; every pointer is valid during the callback only. */
struct h248_ca_result {
	/*! 0: replied without Error; -EPROTO: replied with Error @code;
	 *  -ETIMEDOUT / -EBUSY: no reply; -ENOTCONN: the controller stopped */
	int rc;
	unsigned int code;		/*!< H.248.1 error code, 0 when none */
	const char *text;		/*!< its text, "" when none */
	bool has_ctx;			/*!< the reply named a context id */
	uint32_t ctx_id;
	unsigned int n_terms;
	struct h248_ca_term_reply terms[H248_CA_TERMS_MAX];
	const struct h248_trans *reply;	/*!< the whole reply, NULL when none */
};

struct h248_ca;
struct h248_ca_req;

/*! A request ended; the request is freed after the call. */
typedef void (*h248_ca_cb)(void *data, const struct h248_ca_result *res);

/*! What the gateway tells its user.  No callback may free the gateway. */
struct h248_ca_ops {
	/*! The registration state changed. */
	void (*state)(struct h248_ca *ca, enum h248_ca_state st, void *priv);
	/*! Every context on the gateway is gone (a Restart of a gateway we
	 *  knew, or Forced on ROOT): clear the calls that used them.  With
	 *  H248_SC_HANDOFF the contexts are still there: we are about to
	 *  hand the gateway to another MGC (h248_ca_handoff()), which cannot
	 *  know our calls; end them and subtract what they have. */
	void (*contexts_lost)(struct h248_ca *ca, enum h248_sc_method method, const char *reason, void *priv);
	/*! A Notify arrived (already answered); h248_dd_observed() reads its
	 *  DTMF digits. */
	void (*notify)(struct h248_ca *ca, uint32_t ctx_id, const struct h248_cmd *cmd, void *priv);
	/*! The gateway is REGISTERED again and may or may not still have our
	 *  contexts: the user audits each of them (h248_ca_audit()). */
	void (*audit_needed)(struct h248_ca *ca, enum h248_ca_audit_why why, void *priv);
};

/*! One media gateway as the controller sees it. */
struct h248_ca {
	struct llist_head list;		/*!< for the user's registry */
	struct h248_ca_cfg cfg;
	enum h248_ca_state state;
	/*! what the gateway last said: method and reason of its ServiceChange */
	enum h248_sc_method last_method;
	char last_reason[H248_TEXT_MAX + 1];
	unsigned int version;		/*!< the version agreed (cfg.version until a ServiceChange) */
	bool known;			/*!< it was registered once: a Restart loses contexts */
	/*! we handed it to another MGC: only its ServiceChange brings it back */
	bool handed_off;
	/*! our Handoff awaits its reply; the state to go back to if refused */
	bool handing_off;
	enum h248_ca_state handoff_prev;
	struct osmo_fd ofd;
	struct osmo_sockaddr remote;
	struct h248_tl *tl;		/*!< while started */
	struct osmo_tdef *tdefs;	/*!< X1..X7 of the transaction layer, then ours */
	struct rate_ctr_group *ctrs;
	const struct h248_ca_ops *ops;
	void *priv;
	unsigned int idx;
	struct llist_head reqs;		/*!< struct h248_ca_req awaiting replies */
	struct osmo_timer_list probe;
	bool probing;
};

/*! A gateway with default config, not started; @idx numbers its counters. */
struct h248_ca *h248_ca_alloc(void *ctx, const char *name, unsigned int idx);

/*! Open the socket and probe the gateway.  \returns 0 or a negative errno. */
int h248_ca_start(struct h248_ca *ca);

/*! End every request (callbacks get -ENOTCONN) and close the socket. */
void h248_ca_stop(struct h248_ca *ca);

/*! Whether the socket is open. */
bool h248_ca_started(const struct h248_ca *ca);

/*! The local port the socket is bound to (0 when stopped). */
uint16_t h248_ca_local_port(const struct h248_ca *ca);

/*! Add @n terminations to context @ctx_id (H248_CA_CTX_CHOOSE: a new one)
 *  in one transaction.  @cb gets the outcome from the select loop, never
 *  from inside this call; *@reqp (may be NULL) the request, for
 *  h248_ca_req_cancel().  \returns 0, -ENOTCONN (stopped or the gateway
 *  not registered), -E2BIG, -ENOSPC or -EINVAL. */
int h248_ca_add(struct h248_ca *ca, uint32_t ctx_id, const struct h248_ca_term *terms, unsigned int n,
		h248_ca_cb cb, void *data, struct h248_ca_req **reqp);

/*! Modify @n terminations of context @ctx_id; as h248_ca_add(). */
int h248_ca_modify(struct h248_ca *ca, uint32_t ctx_id, const struct h248_ca_term *terms, unsigned int n,
		   h248_ca_cb cb, void *data, struct h248_ca_req **reqp);

/*! Subtract @term_id ("*": all of them, and the context goes) from
 *  context @ctx_id, asking for the Statistics; as h248_ca_add(). */
int h248_ca_subtract(struct h248_ca *ca, uint32_t ctx_id, const char *term_id, h248_ca_cb cb, void *data,
		     struct h248_ca_req **reqp);

/*! AuditValue of @term_id ("ROOT" in H248_CA_CTX_NULL: the gateway) for
 *  its Media and Statistics; as h248_ca_add(), allowed in any state. */
int h248_ca_audit(struct h248_ca *ca, uint32_t ctx_id, const char *term_id, h248_ca_cb cb, void *data,
		  struct h248_ca_req **reqp);

/*! Hand the gateway over to the MGC @mgc_id (an mId, e.g.
 *  "[192.0.2.1]:2944"): ServiceChange Handoff on ROOT with MgcIdToTry
 *  (H.248.1 7.2.8).  First ops->contexts_lost(H248_SC_HANDOFF) has the
 *  user end its calls there and subtract their contexts (the new MGC
 *  cannot know them); the gateway is GRACEFUL (no new contexts) until the
 *  reply.  Accepted: DOWN until the gateway registers with us again;
 *  refused: back as it was; unanswered: DOWN as after any timeout.
 *  \returns 0, -ENOTCONN (stopped, or not REGISTERED/GRACEFUL),
 *  -EINVAL (a bad mId) or -ENOMEM. */
int h248_ca_handoff(struct h248_ca *ca, const char *mgc_id);

/*! Count an audit's outcome, or any of our counters, on @ca. */
void h248_ca_ctr_inc(struct h248_ca *ca, enum h248_ca_ctr c);

/*! The counter of the gateway's Error @code (H248_CA_CTR_ERR_OTHER when
 *  it has none of its own). */
enum h248_ca_ctr h248_ca_err_ctr(unsigned int code);

/*! The user of @req no longer wants its outcome; an Add that still
 *  succeeds in a context of its own gets that context subtracted. */
void h248_ca_req_cancel(struct h248_ca_req *req);

/*! Requests awaiting a reply. */
unsigned int h248_ca_outstanding(const struct h248_ca *ca);

/* Internal to mgcp/h248_ca*.c. */
void h248_ca_set_state(struct h248_ca *ca, enum h248_ca_state st);
void h248_ca_audit_needed(struct h248_ca *ca, enum h248_ca_audit_why why);
void h248_ca_rx_request(struct h248_ca *ca, const struct h248_msg *msg, const struct h248_trans *t);
void h248_ca_probe_schedule(struct h248_ca *ca, unsigned long secs);
void h248_ca_reqs_abort(struct h248_ca *ca);

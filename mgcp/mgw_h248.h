/* tandem-mgw's H.248.1 gateway side: the association with one controller,
 * its contexts and terminations.
 *
 * Terminations are named by the gateway: "tdm/S/T" is timeslot T of span S
 * (the ds/e1-S/T endpoint of MGCP; the ABNF's pathNAME allows no "-"),
 * "rtp/N" an RTP termination the controller created with Add = $.  A
 * context is carried by one MGCP-style endpoint: the ds/e1 endpoint of its
 * TDM termination, else an rtpbridge, so two terminations in a context
 * bridge exactly like two MGCP connections on an endpoint.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/tdef.h>

#include "mgcp/h248_msg.h"
#include "mgcp/h248_tl.h"

struct mgw;
struct mgw_conn;
struct sockaddr_in;
struct mgw_endpoint;
struct vty;

/*! Default H.248 port (H.248.1 Annex D.1). */
#define MGW_H248_PORT 2944
/*! Terminations in one context: a two-party bridge. */
#define MGW_H248_TERMS_PER_CTX 2
/*! Contexts at most (each holds an endpoint, so never more than those). */
#define MGW_H248_CTX_MAX 1024
/*! Longest termination name we give ("tdm/4/31", "rtp/4294967295"). */
#define MGW_H248_TERM_NAME_MAX 23

/*! Rate counters of the gateway side; every failure path has one. */
enum mgw_h248_ctr {
	MGW_H248_CTR_ADD_OK,
	MGW_H248_CTR_MODIFY_OK,
	MGW_H248_CTR_SUBTRACT_OK,
	MGW_H248_CTR_AUDIT_OK,
	MGW_H248_CTR_ERR_BAD_ID,	/*!< 410 */
	MGW_H248_CTR_ERR_UNKNOWN_CONTEXT, /*!< 411 */
	MGW_H248_CTR_ERR_NO_CONTEXT,	/*!< 412 */
	MGW_H248_CTR_ERR_UNKNOWN_ACTION, /*!< 421 */
	MGW_H248_CTR_ERR_UNKNOWN_TERM,	/*!< 430 */
	MGW_H248_CTR_ERR_NO_WILDCARD_MATCH, /*!< 431 */
	MGW_H248_CTR_ERR_TERM_IN_CONTEXT, /*!< 433 */
	MGW_H248_CTR_ERR_MAX_TERMS,	/*!< 434 */
	MGW_H248_CTR_ERR_NOT_IN_CONTEXT, /*!< 435 */
	MGW_H248_CTR_ERR_DESC_NOT_LEGAL, /*!< 447 */
	MGW_H248_CTR_ERR_SDP,		/*!< 441 missing or 449 bad SDP */
	MGW_H248_CTR_ERR_MEDIA,		/*!< 515 no codec in common */
	MGW_H248_CTR_ERR_MODE,		/*!< 517 */
	MGW_H248_CTR_ERR_NOT_IMPLEMENTED, /*!< 501 */
	MGW_H248_CTR_ERR_RESOURCES,	/*!< 510 */
	MGW_H248_CTR_ERR_OTHER,
	MGW_H248_CTR_SC_TX,		/*!< ServiceChange sent (first time) */
	MGW_H248_CTR_SC_TIMEOUT,	/*!< never answered */
	MGW_H248_CTR_SC_REJECTED,	/*!< answered with an Error */
	MGW_H248_CTR_RX_FOREIGN,	/*!< datagrams not from the controller */
	MGW_H248_CTR_RX_REPLY_TO_NOTHING, /*!< a request of the controller's we did not expect */
	MGW_H248_CTR_ERR_UNKNOWN_PACKAGE, /*!< 440 */
	MGW_H248_CTR_ERR_NO_SUCH_EVENT,	/*!< 451 */
	MGW_H248_CTR_ERR_UNKNOWN_PARAM,	/*!< 446 */
	MGW_H248_CTR_NOTIFY_TX,		/*!< Notify of an observed event sent */
	MGW_H248_CTR_NOTIFY_FAIL,	/*!< Notify not sent, unanswered or refused */
	MGW_H248_CTR_SIGNAL_OK,		/*!< Signals descriptor applied */
	MGW_H248_CTR_ERR_NO_SUCH_SIGNAL, /*!< 452 */
	MGW_H248_CTR_SC_RX,		/*!< ServiceChange of the controller's executed */
	MGW_H248_CTR_HANDOFF,		/*!< registering with another controller (MgcIdToTry) */
	MGW_H248_CTR_SC_ADDRESS,	/*!< controller moved to its ServiceChangeAddress */
	MGW_H248_CTR_MOVE_OK,
	MGW_H248_CTR_AUDITCAP_OK,
};

/*! Timers of the gateway side, in the "h248" group beside the transaction
 *  layer's T1..T7 (enum h248_tl_timer). */
enum mgw_h248_timer {
	MGW_H248_T_RETRY = 10,	/*!< T10: ServiceChange again after it went unanswered */
};

/*! One termination in a context. */
struct mgw_h248_term {
	struct mgw_h248_ctx *ctx;
	char name[MGW_H248_TERM_NAME_MAX + 1];
	/*! TDM: the ds/e1 endpoint of the timeslot; NULL for RTP */
	struct mgw_endpoint *tdm;
	/*! RTP: its connection (an MGCP connection in all but name) */
	struct mgw_conn *conn;
	uint16_t stream_id;	/*!< the controller's stream number, replies use it */
	int mode;		/*!< enum h248_mode last set */
	struct timespec added;
	/*! dd events armed by the last Events descriptor: bit N is DTMF event N
	 *  (mgw_dtmf_event()); TDM terminations only */
	uint32_t dd_events;
	uint32_t events_rid;	/*!< that descriptor's RequestID */
};

/*! A context. */
struct mgw_h248_ctx {
	struct llist_head list;
	struct mgw_h248 *h;
	uint32_t id;
	/*! the endpoint carrying the media, NULL while it needs none */
	struct mgw_endpoint *ep;
	struct mgw_h248_term *terms[MGW_H248_TERMS_PER_CTX];
};

/*! Registration with the controller (osmo_fsm states). */
enum mgw_h248_state {
	MGW_H248_ST_IDLE,
	MGW_H248_ST_REGISTERING,	/*!< ServiceChange sent, no reply yet */
	MGW_H248_ST_IN_SERVICE,
	MGW_H248_ST_DISCONNECTED,	/*!< no reply: retry after T10 */
	MGW_H248_ST_HANDOFF,		/*!< sent elsewhere: register there once our reply is out */
};

/*! Configuration (VTY and config file). */
struct mgw_h248_cfg {
	uint16_t local_port;
	char *ctrl_ip;		/*!< NULL: H.248 off */
	uint16_t ctrl_port;
	unsigned int version;
};

/*! The H.248 side of the gateway. */
struct mgw_h248 {
	struct mgw *mgw;
	struct mgw_h248_cfg cfg;
	struct osmo_fd ofd;
	struct h248_tl *tl;
	struct osmo_fsm_inst *fi;
	struct rate_ctr_group *ctrs;
	struct osmo_tdef *tdefs;
	struct llist_head ctxs;
	unsigned int n_ctxs;
	uint32_t next_ctx_id;
	uint32_t next_rtp_id;
	char reason[H248_TEXT_MAX + 1];	/*!< ServiceChange reply seen last */
	/*! where our requests go when not to the configured controller
	 *  (ServiceChangeAddress, MgcIdToTry, Handoff); "" / 0: configured */
	char peer_ip[16];
	uint16_t peer_port;
	/*! the controller we registered with (MgcIdToTry, Handoff), whose
	 *  datagrams we read beside the peer's; "" / 0: the configured one */
	char assoc_ip[16];
	uint16_t assoc_port;
	/*! while a datagram is taken: its source, where replies go (7.2.8) */
	const struct sockaddr_in *rx_from;
	/*! where MgcIdToTry or a Handoff sends us next, and how */
	char next_ip[16];
	uint16_t next_port;
	enum h248_sc_method next_method;
	const char *next_reason;
	/*! the ServiceChange we sent last (a redirect repeats it) */
	enum h248_sc_method sc_method;
	const char *sc_reason;
	unsigned int redirects;	/*!< MgcIdToTry followed since the last acceptance */
};

/*! The H.248 side with its defaults, under @mgw (off until configured). */
struct mgw_h248 *mgw_h248_alloc(struct mgw *mgw);

/*! Open the socket and register with the controller; 0 when H.248 is off. */
int mgw_h248_start(struct mgw_h248 *h);

/*! Tell the controller we go (ServiceChange Forced), drop every context. */
void mgw_h248_stop(struct mgw_h248 *h);

/*! Count one event of @ctr. */
void mgw_h248_ctr_inc(struct mgw_h248 *h, enum mgw_h248_ctr ctr);

/*! Name of the registration state. */
const char *mgw_h248_state_name(const struct mgw_h248 *h);

/* mgw_h248_reg.c: ServiceChange towards the controller */

/*! Start registering (ServiceChange Restart, "901 Cold Boot"). */
int mgw_h248_reg_start(struct mgw_h248 *h);
/*! Send the one-shot ServiceChange Forced of a gateway going down. */
void mgw_h248_reg_shutdown(struct mgw_h248 *h);

/* mgw_h248_cmd.c: the controller's requests */

/*! Execute the request transaction @t and send its reply. */
void mgw_h248_request(struct mgw_h248 *h, const struct h248_trans *t);

/* mgw_h248_ctx.c: contexts and terminations */

/*! A context by id, or NULL. */
struct mgw_h248_ctx *mgw_h248_ctx_find(struct mgw_h248 *h, uint32_t id);
/*! A new empty context; NULL when MGW_H248_CTX_MAX are in use. */
struct mgw_h248_ctx *mgw_h248_ctx_alloc(struct mgw_h248 *h);
/*! Free a context with its terminations and their connections. */
void mgw_h248_ctx_free(struct mgw_h248_ctx *ctx);
/*! Number of terminations in @ctx. */
unsigned int mgw_h248_ctx_n_terms(const struct mgw_h248_ctx *ctx);
/*! The termination named @name, in whichever context, or NULL. */
struct mgw_h248_term *mgw_h248_term_find(struct mgw_h248 *h, const char *name, struct mgw_h248_ctx **ctx);
/*! The ds/e1 endpoint "tdm/S/T" names, or NULL. */
struct mgw_endpoint *mgw_h248_tdm_endpoint(struct mgw_h248 *h, const char *name);
/*! Add the TDM termination of @ep to @ctx; 0 or an H.248.1 error code. */
unsigned int mgw_h248_ctx_add_tdm(struct mgw_h248_ctx *ctx, struct mgw_endpoint *ep, struct mgw_h248_term **out);
/*! Add a new RTP termination to @ctx; 0 or an H.248.1 error code. */
unsigned int mgw_h248_ctx_add_rtp(struct mgw_h248_ctx *ctx, struct mgw_h248_term **out);
/*! Take @term out of its context and free it (its connection too). */
void mgw_h248_term_free(struct mgw_h248_term *term);
/*! The termination name of timeslot endpoint @ep ("tdm/S/T"). */
void mgw_h248_tdm_name(const struct mgw_endpoint *ep, char *buf, size_t size);
/*! Move RTP termination @term into context @to, its connection onto the
 *  endpoint @to needs; 0 or an H.248.1 error code: nothing changed, unless
 *  @term is in @to after all (moved, but its media failed to set up).
 *  The source context stays, even when empty. */
unsigned int mgw_h248_ctx_move(struct mgw_h248_term *term, struct mgw_h248_ctx *to);

/* mgw_h248_audit.c: AuditValue and AuditCapabilities */

/*! Execute AuditValue or AuditCapabilities @c of action @a in context @ctx
 *  (NULL: the NULL context or ALL); its reply is @r in @ra of @rt, more
 *  replies (wildcards) and actions (context ALL) are appended there.
 *  0 or an H.248.1 error code. */
unsigned int mgw_h248_audit(struct mgw_h248 *h, const struct h248_action *a, struct mgw_h248_ctx *ctx,
			    struct h248_trans *rt, struct h248_action *ra, const struct h248_cmd *c,
			    struct h248_cmd *r);
/*! 0 when a command of @kind may stand in context ALL ("*"), else the
 *  H.248.1 error code to answer it with. */
unsigned int mgw_h248_ctx_all_refuse(enum h248_cmd_kind kind);

/* mgw_h248_move.c */

/*! Execute Move @c into context @ctx (7.2.4); reply @r.  0 or an H.248.1
 *  error code.  An emptied source context is freed. */
unsigned int mgw_h248_move(struct mgw_h248 *h, struct mgw_h248_ctx *ctx, const struct h248_cmd *c,
			   struct h248_cmd *r);

/* mgw_h248_media.c: Media descriptors and Statistics */

/*! Apply the Media descriptor of @c to @term (codec from the Local choices
 *  and the Remote offer, remote address, mode); 0 or an H.248.1 code. */
unsigned int mgw_h248_media_apply(struct mgw_h248_term *term, const struct h248_cmd *c, bool creating);
/*! Put @term's Media (mode, filled-in Local, Remote) into reply command @r. */
int mgw_h248_media_reply(struct mgw_h248_term *term, struct h248_cmd *r, bool with_remote);
/*! Put @term's Statistics into reply command @r. */
int mgw_h248_stats_reply(struct mgw_h248_term *term, struct h248_cmd *r);

/* mgw_h248_events.c: Events descriptor (dd package) and Notify */

/*! Apply the Events descriptor of @c to @term (NULL: an idle timeslot);
 *  0 or an H.248.1 error code. */
unsigned int mgw_h248_events_apply(struct mgw_h248 *h, struct mgw_h248_term *term, const struct h248_cmd *c);
/*! Digit @digit was detected on @ep, which carries an H.248 context: Notify
 *  the controller if the TDM termination asked for it. */
void mgw_h248_notify_digit(struct mgw_h248 *h, struct mgw_endpoint *ep, char digit);

/* mgw_h248_handoff.c: the controller moves (ServiceChangeAddress,
 * MgcIdToTry, ServiceChange Handoff) */

/*! Most MgcIdToTry redirects followed in a row before giving up. */
#define MGW_H248_REDIRECTS_MAX 4

/*! Read "[a.b.c.d]:port", "[a.b.c.d]", "a.b.c.d:port" or a bare port
 *  (then @def_ip) into @ip and @port; -EINVAL for anything else (domain
 *  names, device names). */
int mgw_h248_addr_parse(const char *s, const char *def_ip, char ip[16], uint16_t *port);
/*! Where our requests go now. */
void mgw_h248_peer(const struct mgw_h248 *h, const char **ip, uint16_t *port);
/*! Back to the configured controller (start, retry after T10). */
void mgw_h248_ctrl_reset(struct mgw_h248 *h);
/*! Another controller takes over: requests to it, datagrams from it only. */
void mgw_h248_ctrl_move(struct mgw_h248 *h, const char *ip, uint16_t port);
/*! Whether datagram source @from is our controller (the one we registered
 *  with, or its ServiceChangeAddress). */
bool mgw_h248_from_ctrl(const struct mgw_h248 *h, const struct sockaddr_in *from);
/*! Where to send a datagram: the source of the one being taken (a reply),
 *  else the peer; -EINVAL without a usable address. */
int mgw_h248_dest(const struct mgw_h248 *h, struct sockaddr_in *to);
/*! Act on the ServiceChange reply @reply: its ServiceChangeAddress moves
 *  the controller; returns true when it carries a usable MgcIdToTry (set
 *  as h->next_ip/next_port). */
bool mgw_h248_sc_reply_seen(struct mgw_h248 *h, const struct h248_trans *reply);
/*! Execute the controller's ServiceChange @c (action @a); reply @r.  0 or
 *  an H.248.1 error code. */
unsigned int mgw_h248_sc_request(struct mgw_h248 *h, const struct h248_action *a, const struct h248_cmd *c,
				 struct h248_cmd *r);
/*! Register with h->next_ip/next_port once the current transaction's reply
 *  is out (ServiceChange h->next_method). */
void mgw_h248_reg_redirect(struct mgw_h248 *h);

/* mgw_h248_signals.c: Signals descriptor (cg and dd packages) */

struct mgw_tone;
/*! Whether the Signals descriptor of @c can be played on @term (NULL: an
 *  idle timeslot); 0 or an H.248.1 error code.  Changes nothing. */
unsigned int mgw_h248_signals_check(const struct mgw_h248_term *term, const struct h248_cmd *c);
/*! Apply the Signals descriptor of @c to @term (NULL: an idle timeslot):
 *  it replaces the signal playing; 0 or an H.248.1 error code. */
unsigned int mgw_h248_signals_apply(struct mgw_h248 *h, struct mgw_h248_term *term, const struct h248_cmd *c);
/*! The signal @term plays, or NULL. */
struct mgw_tone *mgw_h248_signal_of(const struct mgw_h248_term *term);
/*! Stop the signal @term plays (an event was detected on it, 7.1.9). */
void mgw_h248_signal_stop(struct mgw_h248_term *term);
/*! Put @term's current Signals into reply command @r when AuditValue
 *  request @c asks for them (Audit { Signals }); 0 or -ENOMEM. */
int mgw_h248_signals_audit(const struct mgw_h248_term *term, const struct h248_cmd *c, struct h248_cmd *r);

/* mgw_h248_vty.c */

/*! Install the "h248" config commands and "show h248". */
void mgw_h248_vty_init(struct mgw_h248 *h, int node);
/*! Write the H.248 part of the mgw node. */
void mgw_h248_config_write(struct vty *vty, const struct mgw_h248 *h);

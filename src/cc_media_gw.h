/* Inside the call media code (src/cc_media*.c): the configured media
 * gateways, the ISUP trunk -> gateway table, the SDP offer/answer, and
 * the gateway-control protocols (MGCP in src/cc_media_mgcp.c, H.248 in
 * src/cc_media_h248.c) behind one ops table.  Call control uses
 * src/cc_media.h only.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>

#include <osmocom/core/fsm.h>

#include "mgcp/h248_ca.h"
#include "mgcp/mgcp_ca.h"
#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_sdp.h"

struct vty;
struct cc_media;

/*! Most media gateways. */
#define CC_MEDIA_GW_MAX 16
/*! Most ISUP trunks with a ` media-gateway` line. */
#define CC_MEDIA_TRUNKS_MAX 64
/*! Most codecs a call negotiates with. */
#define CC_MEDIA_CODECS_MAX 8
/*! Most audits of the calls' media outstanding at once on a gateway
 *  (the H.248 transaction table holds 256 requests). */
#define CC_MEDIA_AUDIT_WINDOW 64

/*! The protocol a gateway is controlled with (` protocol` in its node). */
enum cc_media_proto {
	CC_MEDIA_PROTO_MGCP,
	CC_MEDIA_PROTO_H248,
};
extern const struct value_string cc_media_proto_names[];

struct cc_media_gw;
struct cc_media_neg;

/*! What a gateway-control protocol does for the calls.  The outcome of
 *  create and modify comes back, from the select loop, through
 *  cc_media_gw_created() and cc_media_gw_modified(). */
struct cc_media_proto_ops {
	/*! Open the controller's socket. */
	int (*start)(struct cc_media_gw *gw);
	void (*stop)(struct cc_media_gw *gw);
	/*! Whether a new call may use the gateway now. */
	bool (*usable)(const struct cc_media_gw *gw);
	/*! The circuit's endpoint or termination from the trunk's pattern
	 *  ("{cic}" replaced); the length, -ENOSPC or -EINVAL. */
	int (*endpoint)(const char *pattern, uint16_t cic, char *buf, size_t len);
	/*! Create the circuit side and the SIP side (with m->offer's
	 *  address when there is one). */
	int (*create)(struct cc_media *m);
	/*! Set the SIP side's mode, and with @neg the peer's address and codec. */
	int (*modify)(struct cc_media *m, enum mgcp_conn_mode mode, const struct cc_media_neg *neg);
	/*! Delete what the call has on the gateway (this outlives the call)
	 *  and forget a request under way (undone by the controller if it
	 *  still succeeds). */
	void (*release)(struct cc_media *m);
	/*! The gateway lost what the call had: forget it without deleting. */
	void (*forget)(struct cc_media *m);
	/*! Ask the gateway whether it is there (`media-gateway NAME audit`). */
	int (*audit)(struct cc_media_gw *gw);
};

extern const struct cc_media_proto_ops cc_media_mgcp_ops;
extern const struct cc_media_proto_ops cc_media_h248_ops;

/*! A configured media gateway and the calls using it. */
struct cc_media_gw {
	struct llist_head list;
	/*! the gateway's configuration (name, addresses, codecs, circuit
	 *  mode) and media counters, whatever the protocol; and the MGCP call
	 *  agent of an MGCP gateway */
	struct mgcp_ca *ca;
	enum cc_media_proto proto;
	const struct cc_media_proto_ops *pops;
	/*! the controller of an H.248 gateway, NULL otherwise */
	struct h248_ca *h248;
	/*! `no dtmf-detect`: the circuit's digits are not asked for (a
	 *  gateway without the H.248 `dd` package refuses an Add that asks) */
	bool no_dtmf;
	/*! struct cc_media using the gateway, told about RSIP */
	struct llist_head users;
	/*! the operator's test call (`media-gateway NAME test-call ...`) */
	struct cc_media *test;
	char test_sdp[1024];
	uint8_t test_cause;
	/*! audits of the calls' media (H.248 AuditValue, MGCP AUCX) awaiting
	 *  replies: at most CC_MEDIA_AUDIT_WINDOW, the rest wait (audit_wanted) */
	unsigned int audits_out;
};

/*! Process-wide state of the media code. */
struct cc_media_global {
	void *ctx;
	struct llist_head gws;
	unsigned int n_gws;
	unsigned int next_idx;
	bool started;
	struct {
		char trunk[32];
		char gw[MGCP_CA_NAME_MAX];
	} trunks[CC_MEDIA_TRUNKS_MAX];
};

extern struct cc_media_global *g_cc_media;

/*! The gateway called @name, or NULL. */
struct cc_media_gw *cc_media_gw_find(const char *name);
/*! Find or create the gateway @name (NULL when the table is full). */
struct cc_media_gw *cc_media_gw_get(const char *name);
/*! Count a media event on the gateway. */
void cc_media_gw_ctr(struct cc_media_gw *gw, enum mgcp_ca_ctr c);

/*! Set (gw non-NULL) or clear the gateway of ISUP trunk @trunk; -ENOSPC when full. */
int cc_media_trunk_set(const char *trunk, const char *gw);
/*! The gateway name of @trunk, or NULL. */
const char *cc_media_trunk_gw(const char *trunk);

/*! Install the media-gateway node and the ISUP trunk's ` media-gateway` (src/cc_media_vty.c). */
void cc_media_vty_init(void);

/*! What the SIP peer's SDP gives the call. */
struct cc_media_neg {
	enum mgcp_codec codec;		/*!< the chosen audio codec */
	uint8_t pt;			/*!< its payload type in the peer's SDP */
	bool te;			/*!< telephone-event agreed */
	uint8_t te_pt;
	unsigned int audio_idx;		/*!< index of the m-line used */
	/*! the peer's audio address and the chosen payload types, for the gateway */
	struct mgcp_sdp remote;
};

/*! enum sip_codec -> enum mgcp_codec (MGCP_CODEC_NONE for an unknown value). */
enum mgcp_codec cc_media_sip_codec(int sip_codec);

/*! Read the SIP peer's SDP (Sofia's parser) and choose among @codecs
 *  (enum sip_codec, in order of preference).
 *  \returns 0, -EINVAL (does not parse, no usable audio stream) or
 *  -ENOTSUP (no codec in common). */
int cc_media_sdp_negotiate(const char *sdp, const int *codecs, unsigned int n, struct cc_media_neg *neg);

/*! The SDP answer (RFC 3264) to @offer: every m-line of the offer in its
 *  order, the chosen audio one at the gateway's address and port with the
 *  negotiated codec(s), the others rejected (port 0).  \returns a talloc
 *  string under @ctx, or NULL. */
char *cc_media_sdp_answer(void *ctx, const char *offer, const struct cc_media_neg *neg,
			  const struct mgcp_sdp *gw);

/*! The SDP offer: the gateway's address and port with the codecs of
 *  @codecs that the gateway listed.  \returns a talloc string under @ctx,
 *  or NULL when nothing is common. */
char *cc_media_sdp_offer(void *ctx, const struct mgcp_sdp *gw, const int *codecs, unsigned int n);

/*! Where the creation of a call's media is (MGCP: one CRCX per side). */
enum cc_media_step {
	CC_MEDIA_STEP_CIRCUIT,	/*!< circuit side requested */
	CC_MEDIA_STEP_SIP,	/*!< SIP side requested */
};

/*! The media of one call. */
struct cc_media {
	struct llist_head list;		/*!< in gw->users */
	struct cc_media_gw *gw;
	struct osmo_fsm_inst *fi;
	const struct cc_media_ops *ops;
	void *priv;
	enum cc_media_step step;
	/*! the MGCP endpoint, or the H.248 TDM termination */
	char endpoint[MGCP_ENDPOINT_MAX + 1];
	/* MGCP */
	char call_id[MGCP_ID_MAX + 1];
	char conn_circuit[MGCP_ID_MAX + 1];
	char conn_sip[MGCP_ID_MAX + 1];
	struct mgcp_ca_trans *pending;
	/*! MGCP DTMF: the RQNT under way, the RequestIdentifier of the
	 *  circuit's digits ("" while none is armed), RQNTs sent */
	struct mgcp_ca_trans *rqnt;
	char dtmf_req[MGCP_ID_MAX + 1];
	unsigned int n_rqnt;
	/* H.248: the context (0: none yet), the RTP termination, the request under way */
	uint32_t ctx_id;
	char rtp_term[H248_NAME_MAX + 1];
	struct h248_ca_req *req;
	/*! the call's media is to be audited (H.248 or MGCP); H.248: the
	 *  AuditValue under way */
	bool audit_wanted;
	struct h248_ca_req *audit_req;
	/*! SIP -> ISUP: the peer's offer; ISUP -> SIP: NULL */
	char *offer;
	struct cc_media_neg neg;
	bool have_neg;
	int codecs[CC_MEDIA_CODECS_MAX];
	unsigned int n_codecs;
	enum mgcp_codec codec;
	char *local_sdp;
	/*! the gateway's side of the SIP-side connection, with the o= id and
	 *  version of the SDP the SIP peer saw last */
	struct mgcp_sdp local;
	/*! we made an offer (creation without one, cc_media_offer_again())
	 *  whose answer cc_media_set_answer() takes */
	bool awaiting_answer;
	/*! the modification under way only changes the direction */
	bool mode_only;
	/*! the modification under way is for a mid-call offer: the offer and
	 *  what it gives, kept apart until the gateway takes it */
	char *reoffer;
	struct cc_media_neg reneg;
};

/*! The audio codecs of the call for the gateway, in order (the negotiated
 *  one once known), limited to the gateway's configured ones. */
unsigned int cc_media_call_codecs(const struct cc_media *m, enum mgcp_codec *out);

/*! The protocol's outcome of create: @rc 0 with the gateway's SIP-side
 *  SDP @local, or < 0 (then what exists is released, cause 47). */
void cc_media_gw_created(struct cc_media *m, int rc, const struct mgcp_sdp *local);

/*! The protocol's outcome of modify: @rc 0, -EPROTO when the gateway
 *  refused (@code, its answer), another error when it did not answer;
 *  @local the gateway's SIP-side SDP when it sent one. */
void cc_media_gw_modified(struct cc_media *m, int rc, unsigned int code, const struct mgcp_sdp *local);

/*! The gateway heard DTMF @digit in the circuit of @m: tell call control. */
void cc_media_gw_dtmf(struct cc_media *m, char digit);

/*! The gateway lost the media of the calls for which @covers is true
 *  (all when NULL): they fail with cause 41. */
void cc_media_gw_lost(struct cc_media_gw *gw, bool (*covers)(const struct cc_media *m, const void *arg),
		      const void *arg);

/*! Every call on @gw fails with cause 41 and deletes what it has there
 *  (the gateway still has it; we hand the gateway to another MGC). */
void cc_media_gw_clear(struct cc_media_gw *gw);

/*! An ISUP trunk's endpoint pattern with "{cic}" replaced by @cic (no
 *  check of the name: each protocol has its own rules).  \returns the
 *  length, or -ENOSPC when @buf is too small */
int cc_media_pattern_fill(const char *pattern, uint16_t cic, char *buf, size_t len);

/*! The gateway restarted (RSIP): fail the calls on the endpoints it names. */
void cc_media_gw_rsip(struct cc_media_gw *gw, const struct mgcp_msg *rsip);

/*! MGCP: ask the gateway for the DTMF digits of the call's circuit (RQNT),
 *  when call control wants them and the gateway is not `no dtmf-detect`.
 *  Best effort: a refusal is logged and counted, the call goes on. */
void cc_media_mgcp_dtmf_arm(struct cc_media *m);

/*! MGCP: forget the call's DTMF request (the RQNT under way is orphaned). */
void cc_media_mgcp_dtmf_stop(struct cc_media *m);

/*! MGCP: a NTFY from the gateway (answered already): its digits go to the
 *  call whose request it names, which is armed again. */
void cc_media_mgcp_ntfy(struct cc_media_gw *gw, const struct mgcp_msg *ntfy);

/*! MGCP: the gateway was disconnected (RSIP "RM: disconnected"): audit
 *  the calls on the endpoints @rsip_ep covers (src/cc_media_mgcp_audit.c). */
void cc_media_mgcp_audit(struct cc_media_gw *gw, const char *rsip_ep);

/*! Control @gw with @proto from its next start. */
int cc_media_gw_set_proto(struct cc_media_gw *gw, enum cc_media_proto proto);

/*! Start one gateway's controller (cc_media_start() starts them all). */
int cc_media_gw_start(struct cc_media_gw *gw);

/*! Hook the H.248 controller of @gw to the calls (src/cc_media_h248.c). */
void cc_media_h248_setup(struct cc_media_gw *gw);

/*! The gateway's timers, of the protocol it uses. */
struct osmo_tdef *cc_media_gw_tdefs(struct cc_media_gw *gw);

/*! The gateway registry and the FSM, without the VTY (unit tests). */
int cc_media_core_init(void *ctx);

/*! Register the per-call media FSM. */
int cc_media_fsm_init(void);

/* H.248.1 transaction layer over an unreliable transport (Annex D.1):
 * retransmission of requests, duplicate detection with the replies kept
 * for resending, TransactionPending both ways, ImmAckRequired and
 * TransactionResponseAck.
 *
 * One struct h248_tl serves one association (one controller and one
 * gateway).  It knows no socket: it hands finished datagrams to the send
 * callback and takes received ones in h248_tl_rx(), so the controller
 * (tandemd) and the gateway (tandem-mgw) share it.  Each request goes in
 * a datagram of its own.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include "mgcp/h248_msg.h"

/*! Most of our requests awaiting a reply, and most received requests
 *  remembered for duplicate detection. */
#define H248_TL_OUT_MAX 256
#define H248_TL_IN_MAX 1024

/*! Timers of an association (osmo_tdef X numbers). */
enum h248_tl_timer {
	H248_TL_T_RTO_INIT = 1,	/*!< first retransmission after this, then doubling */
	H248_TL_T_RTO_MAX = 2,	/*!< the retransmission interval grows to this */
	H248_TL_T_GIVE_UP = 3,	/*!< no reply (nor Pending) this long: the request failed */
	H248_TL_T_PROV = 4,	/*!< our answer takes longer than this: send Pending */
	H248_TL_T_PENDING = 5,	/*!< after a Pending, wait this long for the reply (repeating every X2) */
	H248_TL_T_LONG = 6,	/*!< LONG-TIMER: how long a reply is kept for duplicates */
	H248_TL_T_MAX_PENDING = 7, /*!< most Pendings accepted for one request (count) */
};

extern const struct osmo_tdef h248_tl_tdefs_default[];

/*! A timer group under ctx: the transaction layer's timers followed by
 *  the user's own one (extra), reset to their defaults, so that the VTY
 *  can set them all before the transaction layer exists.  \returns NULL
 *  on ENOMEM */
struct osmo_tdef *h248_tl_tdefs_alloc(void *ctx, const struct osmo_tdef *extra);

/*! Rate counters of an association. */
enum h248_tl_ctr {
	H248_TL_CTR_TX_REQUEST,
	H248_TL_CTR_TX_REPLY,
	H248_TL_CTR_TX_PENDING,
	H248_TL_CTR_TX_ACK,
	H248_TL_CTR_TX_ERROR,		/*!< our error answers to malformed input */
	H248_TL_CTR_RETRANS,
	H248_TL_CTR_RX_REQUEST,
	H248_TL_CTR_RX_REPLY,
	H248_TL_CTR_RX_ERROR_REPLY,	/*!< replies carrying an Error descriptor */
	H248_TL_CTR_RX_PENDING,
	H248_TL_CTR_RX_ACK,
	H248_TL_CTR_RX_DUP_REQUEST,
	H248_TL_CTR_RX_DUP_REPLY,	/*!< a reply to nothing we wait for */
	H248_TL_CTR_RX_MALFORMED,
	H248_TL_CTR_RX_MSG_ERROR,	/*!< a message-level Error from the peer */
	H248_TL_CTR_TIMEOUT,
	H248_TL_CTR_TOO_MANY_PENDING,
	H248_TL_CTR_TABLE_FULL,
	H248_TL_CTR_SEND_FAIL,
};

struct h248_tl;

/*! What the owner of an association provides.  No callback may free the
 *  association. */
struct h248_tl_ops {
	/*! Send one datagram to the peer; returns 0 or a negative errno. */
	int (*send)(void *priv, const char *buf, size_t len);
	/*! A new request (never a duplicate) arrived.  The owner answers it,
	 *  now or later, with h248_tl_reply(); @msg is freed on return. */
	void (*request)(void *priv, const struct h248_msg *msg, const struct h248_trans *t);
};

/*! The outcome of one of our requests: @rc 0 with the peer's @reply (freed
 *  on return), -ETIMEDOUT when nothing came, -EBUSY after too many Pendings. */
typedef void (*h248_tl_reply_cb)(void *data, uint32_t id, int rc, const struct h248_trans *reply);

/*! One association. */
struct h248_tl {
	unsigned int version;		/*!< H.248 version we speak */
	char mid[H248_MID_MAX + 1];	/*!< our mId */
	unsigned int enc_flags;		/*!< enum h248_enc_flags for what we send */
	const struct h248_tl_ops *ops;
	void *priv;
	int log_subsys;			/*!< log category: the owner's (DMGCP, DMGW) */
	struct osmo_tdef *tdefs;
	struct rate_ctr_group *ctrs;
	uint32_t next_id;
	struct llist_head out;		/*!< our requests awaiting replies */
	unsigned int n_out;
	struct llist_head in;		/*!< requests received (executing or answered) */
	unsigned int n_in;
};

/*! A new association; @idx numbers its rate counter group. */
struct h248_tl *h248_tl_alloc(void *ctx, unsigned int version, const char *mid, const struct h248_tl_ops *ops,
			      void *priv, unsigned int idx);

/*! Send @msg, which holds exactly one request transaction; its id is
 *  chosen here and returned (> 0), or a negative error.  Version and mId
 *  of @msg are set to the association's (so for h248_tl_reply()).  @cb is called
 *  exactly once, unless the association is freed first. */
int64_t h248_tl_request(struct h248_tl *tl, struct h248_msg *msg, h248_tl_reply_cb cb, void *data);

/*! Answer a received request: @msg holds one reply transaction with the
 *  request's id.  The reply is kept for LONG-TIMER to answer duplicates. */
int h248_tl_reply(struct h248_tl *tl, struct h248_msg *msg);

/*! Take one received datagram. */
void h248_tl_rx(struct h248_tl *tl, const char *buf, size_t len);

/*! Requests of ours awaiting a reply. */
unsigned int h248_tl_outstanding(const struct h248_tl *tl);

/*! Forget the requests received and the replies kept for their duplicates:
 *  another peer took over, whose transaction ids are its own (Annex D.1). */
void h248_tl_forget_received(struct h248_tl *tl);

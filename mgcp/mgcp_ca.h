/* The MGCP call agent (RFC 3435): tandemd's side of one media gateway.
 *
 * One struct mgcp_ca per configured gateway: a UDP socket in the osmocom
 * select loop, the transactions sent to the gateway (ids, retransmission
 * with exponential back-off, provisional responses, response
 * acknowledgement, timeout), the commands the gateway sends (RSIP, NTFY)
 * and an AUEP keepalive that tells whether the gateway is up.  It knows
 * nothing about calls: src/cc_media.c builds the CRCX/MDCX/DLCX.
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

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_msg.h"

/*! Longest gateway name. */
#define MGCP_CA_NAME_MAX 32
/*! Longest address text. */
#define MGCP_CA_ADDR_MAX 64
/*! Most codecs a gateway is configured with. */
#define MGCP_CA_CODECS_MAX 4
/*! Most transactions outstanding towards one gateway; more are refused. */
#define MGCP_CA_TRANS_MAX 2048
/*! Completed transactions remembered to spot duplicate responses, and
 *  answered gateway commands remembered to answer their retransmissions. */
#define MGCP_CA_HIST 256
/*! RFC 3435 3.5: the call agent's default port. */
#define MGCP_CA_DEFAULT_LOCAL_PORT 2727
/*! RFC 3435 3.5: the gateway's default port. */
#define MGCP_CA_DEFAULT_REMOTE_PORT 2427

/*! Whether the gateway answers. */
enum mgcp_ca_state {
	MGCP_CA_ST_UNKNOWN,	/*!< nothing heard yet */
	MGCP_CA_ST_UP,		/*!< it answered the last transaction */
	MGCP_CA_ST_DOWN,	/*!< a transaction timed out */
};
extern const struct value_string mgcp_ca_state_names[];

/*! Timers of a gateway (osmo_tdef X numbers, `timer X1 200` in the VTY). */
enum mgcp_ca_timer {
	MGCP_CA_T_RTO_INIT = -1,	/*!< first retransmission after, ms (200) */
	MGCP_CA_T_RTO_MAX = -2,		/*!< back-off ceiling, ms (4000) */
	MGCP_CA_T_RETRANS = -3,		/*!< retransmissions before giving up (7) */
	MGCP_CA_T_MAX = -4,		/*!< T-max: no transaction lasts longer, s (20) */
	MGCP_CA_T_PROV = -5,		/*!< wait for the final after a 1xx, s (30) */
	MGCP_CA_T_KEEPALIVE = -6,	/*!< AUEP interval, s; 0 = off (30) */
};

/*! Rate counters of a gateway. */
enum mgcp_ca_ctr {
	MGCP_CA_CTR_TX_CMD,
	MGCP_CA_CTR_TX_RETRANS,
	MGCP_CA_CTR_RX_FINAL,
	MGCP_CA_CTR_RX_PROVISIONAL,
	MGCP_CA_CTR_RX_ERROR,		/*!< final response 4xx/5xx */
	MGCP_CA_CTR_RX_DUPLICATE,	/*!< response to a completed transaction */
	MGCP_CA_CTR_RX_UNKNOWN,		/*!< response to no transaction of ours */
	MGCP_CA_CTR_RX_MALFORMED,
	MGCP_CA_CTR_RX_RSIP,
	MGCP_CA_CTR_RX_NTFY,
	MGCP_CA_CTR_RX_UNSUPPORTED,	/*!< other commands, answered 504 */
	MGCP_CA_CTR_RX_CMD_DUPLICATE,	/*!< retransmitted command, answered again */
	MGCP_CA_CTR_TX_ACK,		/*!< 000 response acknowledgements */
	MGCP_CA_CTR_TIMEOUT,
	MGCP_CA_CTR_OVERFLOW,		/*!< too many transactions outstanding */
	MGCP_CA_CTR_TX_ERROR,		/*!< sendto() failed */
	MGCP_CA_CTR_MEDIA_FAIL,		/*!< a call's media failed (cause 47/41) */
	MGCP_CA_CTR_MEDIA_NO_CODEC,	/*!< no codec common with the SIP peer */
	MGCP_CA_CTR_ORPHAN_DLCX,	/*!< connections deleted after their call left */
	MGCP_CA_CTR_MEDIA_REFUSED,	/*!< calls refused media: gateway down */
	MGCP_CA_CTR_DTMF_REFUSED,	/*!< RQNT for a call's digits answered with an error */
	MGCP_CA_CTR_DTMF_UNMATCHED,	/*!< NTFY naming no call's request */
	MGCP_CA_CTR_DTMF_DIGITS,	/*!< digits of NTFYs passed to calls */
};

/*! Configuration of a gateway. */
struct mgcp_ca_cfg {
	char name[MGCP_CA_NAME_MAX];
	char remote_addr[MGCP_CA_ADDR_MAX];
	uint16_t remote_port;
	char local_addr[MGCP_CA_ADDR_MAX];
	uint16_t local_port;		/*!< 0: any (tests) */
	/*! endpoint domain of the AUEP keepalive ("*@DOMAIN") */
	char domain[MGCP_ENDPOINT_MAX + 1];
	/*! codecs of the circuit side (LCO "a:"), in order; none = the gateway's choice */
	unsigned int n_codecs;
	enum mgcp_codec codecs[MGCP_CA_CODECS_MAX];
	/*! ConnectionMode of the circuit side's CRCX (sendrecv; a gateway that
	 *  wants a remote end for it, like osmo-mgw's rtpbridge, needs recvonly) */
	enum mgcp_conn_mode circuit_mode;
};

struct mgcp_ca;
struct mgcp_ca_trans;

/*! A transaction ended: @resp is the final response, or NULL on timeout
 *  (or when the agent stops).  The transaction is freed after the call. */
typedef void (*mgcp_ca_resp_cb)(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv);

/*! What the gateway tells its user. */
struct mgcp_ca_ops {
	/*! RSIP received (already answered 200). */
	void (*rsip)(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv);
	/*! NTFY received (already answered 200). */
	void (*ntfy)(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv);
	/*! The gateway went UP or DOWN. */
	void (*state)(struct mgcp_ca *ca, enum mgcp_ca_state st, void *priv);
};

/*! A recently completed transaction or answered command. */
struct mgcp_ca_hist {
	uint32_t trans_id;
	/*! our transaction: a 000 was sent for its final; a gateway
	 *  command: the code we answered */
	uint16_t code;
};

/*! One media gateway as seen by the call agent. */
struct mgcp_ca {
	struct llist_head list;		/*!< for the user's registry */
	struct mgcp_ca_cfg cfg;
	enum mgcp_ca_state state;
	struct osmo_fd ofd;
	struct osmo_sockaddr remote;
	struct osmo_tdef *tdefs;
	struct rate_ctr_group *ctrs;
	const struct mgcp_ca_ops *ops;
	void *priv;

	uint32_t next_trans_id;
	unsigned int n_trans;
	/*! outstanding transactions, hashed on the id */
	struct llist_head trans[64];
	/*! ring of completed transactions and of answered gateway commands */
	struct mgcp_ca_hist done[MGCP_CA_HIST];
	unsigned int done_pos;
	struct mgcp_ca_hist cmds[MGCP_CA_HIST];
	unsigned int cmds_pos;

	struct osmo_timer_list keepalive;
	struct mgcp_ca_trans *keepalive_trans;
	uint32_t call_id_seq;
};

/*! Allocate a gateway with default config (not started); @idx numbers its counters. */
struct mgcp_ca *mgcp_ca_alloc(void *ctx, const char *name, unsigned int idx);

/*! Open the socket and start the keepalive.  \returns 0 or a negative errno. */
int mgcp_ca_start(struct mgcp_ca *ca);

/*! End every transaction (callbacks get NULL) and close the socket. */
void mgcp_ca_stop(struct mgcp_ca *ca);

/*! Whether the socket is open. */
bool mgcp_ca_started(const struct mgcp_ca *ca);

/*! The local port the socket is bound to (0 when stopped). */
uint16_t mgcp_ca_local_port(const struct mgcp_ca *ca);

/*! Resolve cfg.remote_addr/remote_port; \returns 0 or -EINVAL. */
int mgcp_ca_set_remote(struct mgcp_ca *ca);

/*! Send a command.  A transaction id is assigned (overwriting
 *  cmd->trans_id), the command is retransmitted until a final response,
 *  and @cb (may be NULL) gets the outcome from the select loop, never
 *  from inside this call.  *@tp (may be NULL) gets the transaction.
 *  \returns 0, -ENOSPC when too many are outstanding, -ENOTCONN when
 *  stopped, -EINVAL when @cmd does not encode. */
int mgcp_ca_send(struct mgcp_ca *ca, struct mgcp_msg *cmd, mgcp_ca_resp_cb cb, void *priv,
		 struct mgcp_ca_trans **tp);

/*! The caller of @t no longer wants its outcome.  A CRCX that still
 *  succeeds has its connection deleted by the agent (DLCX). */
void mgcp_ca_trans_orphan(struct mgcp_ca_trans *t);

/*! Number of transactions outstanding. */
unsigned int mgcp_ca_outstanding(const struct mgcp_ca *ca);

/*! Wait in ms after transmission number @n (0 = the first send) before
 *  the next one, per the X1/X2 back-off; 0 when no retransmission follows
 *  (the timeout then comes after the last wait). */
unsigned long mgcp_ca_rto(const struct mgcp_ca *ca, unsigned int n);

/*! A fresh CallId (hex) for @ca into @buf (MGCP_ID_MAX + 1 octets). */
void mgcp_ca_new_call_id(struct mgcp_ca *ca, char *buf);

/*! Replace "{cic}" in @pattern by @cic.  \returns the length, or -ENOSPC
 *  when @buf is too small or the result exceeds MGCP_ENDPOINT_MAX,
 *  -EINVAL when the result is not an endpoint name. */
int mgcp_ca_endpoint_expand(const char *pattern, uint16_t cic, char *buf, size_t len);

/*! Whether the endpoint named in an RSIP (possibly wildcarded with a
 *  trailing "*" or "$" in its local name: "*@mgw", "rtpbridge/ *@mgw")
 *  covers @endpoint.  Comparison ignores case. */
bool mgcp_ca_endpoint_covers(const char *rsip_ep, const char *endpoint);

/* Internal to mgcp/mgcp_ca*.c. */
void mgcp_ca_rx_command(struct mgcp_ca *ca, const struct mgcp_msg *cmd, const struct osmo_sockaddr *from);
void mgcp_ca_reply(struct mgcp_ca *ca, unsigned int code, uint32_t trans_id, const char *comment,
		   const struct osmo_sockaddr *to);
void mgcp_ca_set_state(struct mgcp_ca *ca, enum mgcp_ca_state st);
void mgcp_ca_keepalive_schedule(struct mgcp_ca *ca, bool now);
void mgcp_ca_rx_malformed(struct mgcp_ca *ca, const struct mgcp_err_detail *err,
			  const struct osmo_sockaddr *from);

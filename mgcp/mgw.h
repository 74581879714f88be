/* tandem-mgw: the gateway object, its endpoints and connections.
 *
 * One talloc tree: struct mgw owns the endpoints, each endpoint its
 * connections, each connection its sockets and transcoder.  Freeing a
 * connection closes its sockets (talloc destructor).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/tdef.h>

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_msg.h"
#include "mgcp/mgw_rtp.h"
#include "mgcp/mgw_span.h"

/*! Default MGCP port of a gateway (RFC 3435 3.5). */
#define MGW_MGCP_PORT 2427
/*! Default telnet port of tandem-mgw's VTY. */
#define MGW_VTY_PORT 4281
/*! Most rtpbridge endpoints: 2 connections x 2 sockets each must stay
 *  below select()'s 1024 file descriptors in libosmocore 1.7. */
#define MGW_ENDPOINTS_MAX 200
/*! Sockets the media may use: select()'s 1024 minus room for MGCP, VTY, logging. */
#define MGW_FDS_MAX 1000
/*! Connections per rtpbridge endpoint. */
#define MGW_CONNS_PER_EP 2
/*! Codecs in the preference list. */
#define MGW_CODEC_PREF_MAX 3
/*! telephone-event payload type a ds/e1 connection offers (RFC 4733). */
#define MGW_DTMF_PT_OFFER 101
/*! NTFYs waiting for their answer; beyond, the oldest is given up. */
#define MGW_NTFY_PENDING_MAX 64
/*! Times an NTFY is sent before it is given up. */
#define MGW_NTFY_TRIES 5
/*! DTMF digits kept between a NTFY and the next RQNT; beyond, the oldest go. */
#define MGW_QUARANTINE_MAX 16
/*! Responses kept for retransmitted commands (RFC 3435 3.5). */
#define MGW_TRANS_CACHE_MAX 1024

/*! The gateway's rate counters; each failure path has its own. */
enum mgw_ctr {
	MGW_CTR_MGCP_RX,
	MGW_CTR_MGCP_MALFORMED,
	MGW_CTR_MGCP_UNANSWERABLE,
	MGW_CTR_MGCP_RETRANSMIT,
	MGW_CTR_MGCP_RESPONSE_RX,
	MGW_CTR_MGCP_TX_FAIL,
	MGW_CTR_MGCP_UNSUPPORTED,
	MGW_CTR_CRCX_OK,
	MGW_CTR_CRCX_FAIL,
	MGW_CTR_MDCX_OK,
	MGW_CTR_MDCX_FAIL,
	MGW_CTR_DLCX_OK,
	MGW_CTR_DLCX_FAIL,
	MGW_CTR_AUDIT_OK,
	MGW_CTR_AUDIT_FAIL,
	MGW_CTR_RQNT_FAIL,
	MGW_CTR_RSIP_TX,
	MGW_CTR_RSIP_TIMEOUT,
	MGW_CTR_RSIP_REJECTED,
	MGW_CTR_RTP_RX,
	MGW_CTR_RTP_TX,
	MGW_CTR_RTP_DROP_SHORT,
	MGW_CTR_RTP_DROP_VERSION,
	MGW_CTR_RTP_DROP_CSRC,
	MGW_CTR_RTP_DROP_EXT,
	MGW_CTR_RTP_DROP_PADDING,
	MGW_CTR_RTP_DROP_EMPTY,
	MGW_CTR_RTP_DROP_PT,
	MGW_CTR_RTP_DROP_SOURCE,
	MGW_CTR_RTP_DROP_LATE,
	MGW_CTR_RTP_DROP_PAYLOAD,
	MGW_CTR_RTP_DROP_MODE,
	MGW_CTR_RTP_TX_FAIL,
	MGW_CTR_RTP_PORTS_EXHAUSTED,
	MGW_CTR_RTCP_RX,
	MGW_CTR_RTCP_BAD,
	MGW_CTR_XCODE_OVERFLOW,
	MGW_CTR_XCODE_CONCEALED,
	MGW_CTR_XCODE_FAIL,
	MGW_CTR_SPAN_TX,
	MGW_CTR_SPAN_TX_FAIL,
	MGW_CTR_SPAN_RX,
	MGW_CTR_SPAN_LOST,
	MGW_CTR_SPAN_OOO,
	MGW_CTR_SPAN_MALFORMED,
	MGW_CTR_JB_LATE,
	MGW_CTR_JB_UNDERRUN,
	MGW_CTR_DTMF_RX_EVENT,
	MGW_CTR_DTMF_DETECTED,
	MGW_CTR_DTMF_TX_EVENT,
	MGW_CTR_NTFY_TX,
	MGW_CTR_NTFY_FAIL,
	MGW_CTR_NTFY_RETRANSMIT,
	MGW_CTR_RTCP_TX,
	MGW_CTR_RTCP_TX_FAIL,
};

/*! Configuration; VTY and config file share it. */
struct mgw_cfg {
	char *bind_ip;
	uint16_t bind_port;
	char *domain;
	char *ca_ip;		/*!< call agent for RSIP, NULL for none */
	uint16_t ca_port;
	char *rtp_ip;
	uint16_t rtp_port_min;
	uint16_t rtp_port_max;
	unsigned int num_endpoints;
	unsigned int n_codec_pref;
	enum mgcp_codec codec_pref[MGW_CODEC_PREF_MAX];
};

struct mgw_endpoint;
struct mgw_xcode;
struct mgw_chan;
struct mgw_span;
struct mgw_tone;
struct mgw_h248;

/*! One RTP connection of an endpoint. */
struct mgw_conn {
	struct mgw_endpoint *ep;
	char id[MGCP_ID_MAX + 1];
	char call_id[MGCP_ID_MAX + 1];
	enum mgcp_conn_mode mode;
	enum mgcp_codec codec;
	uint8_t pt;
	unsigned int ptime;
	bool vad;		/*!< LCO s:on: G.729 Annex B VAD/DTX when we encode */
	uint64_t sdp_version;	/*!< o= version of our SDP, bumped on each change */

	struct osmo_fd rtp;
	struct osmo_fd rtcp;
	uint16_t local_port;
	bool has_remote;
	struct sockaddr_in remote;

	/* what we send */
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts_base;
	/*! turns the peer's packets into ours when codec or ptime differ */
	struct mgw_xcode *xcode;

	/* what we receive */
	struct mgw_rtp_stats rx;
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes;
	uint64_t rtcp_rx;

	/*! the timeslot side of a ds/e1 endpoint's connection, else NULL */
	struct mgw_chan *chan;
	/*! RFC 4733 telephone-event payload type from the remote SDP, -1 none */
	int dtmf_pt;
	/*! RTCP (RFC 3550 6): reports sent, the timer that sends them */
	struct osmo_timer_list rtcp_timer;
	uint64_t rtcp_tx;
	uint32_t last_tx_ts;		/*!< RTP timestamp of the last packet sent */
	uint32_t rtcp_expected_prior, rtcp_received_prior;
	uint32_t last_sr_ntp;		/*!< middle 32 bits of the last SR's NTP time */
	struct timespec last_sr_at;	/*!< when it arrived */
	/*! H.248 Signals: sent in its RTP instead of the timeslot's audio
	 *  (ds/e1 endpoints only); a talloc child of the connection */
	struct mgw_tone *tone;
};

/*! An endpoint: rtpbridge/N joins its two connections; ds/e1-S/T joins
 *  its one connection to timeslot T of span S. */
struct mgw_endpoint {
	struct mgw *mgw;
	unsigned int nr;
	char name[32];		/*!< local name, "rtpbridge/N" or "ds/e1-S/T" */
	struct mgw_conn *conns[MGW_CONNS_PER_EP];
	unsigned int max_conns;
	struct mgw_span *span;	/*!< ds/e1 endpoints: their span, else NULL */
	unsigned int ts;	/*!< ds/e1 endpoints: their timeslot, 1..31 */
	/*! RQNT: events to notify (bit per DTMF digit index), request id, where */
	uint32_t dtmf_notify;
	char request_id[MGCP_ID_MAX + 1];
	bool has_notified_entity;
	struct sockaddr_in notified_entity;
	/*! RQNT's QuarantineHandling (RFC 3435 4.4.1): loop keeps the request
	 *  armed after a NTFY; step (the default) spends it, and the digits
	 *  heard until the next RQNT wait in the quarantine list */
	bool dtmf_loop;
	bool dtmf_spent;
	char quarantine[MGW_QUARANTINE_MAX + 1];
	/*! carries an H.248 context (mgcp/mgw_h248.h): MGCP commands leave it alone */
	bool h248;
	/*! H.248 Signals: played into the timeslot instead of its media */
	struct mgw_tone *tone;
	/*! H.248: taken out of service by the controller's ServiceChange */
	bool h248_oos;
};

/*! The gateway. */
struct mgw {
	void *ctx;
	const char *config_file;
	struct mgw_cfg cfg;
	struct timespec started;
	volatile bool quit;
	bool running;

	struct osmo_fd mgcp_ofd;
	struct mgw_endpoint *endpoints;
	unsigned int n_endpoints;
	uint32_t next_conn_id;
	uint32_t next_trans_id;
	uint16_t next_rtp_port;

	struct llist_head trans_cache;	/* struct mgw_trans, oldest first */
	unsigned int n_trans_cache;

	struct rate_ctr_group *ctrs;
	struct osmo_tdef *tdefs;
	struct osmo_fsm_inst *rsip_fi;

	struct mgw_span *spans[MGW_SPANS_MAX];	/* configured spans, NULL-padded */
	struct sockaddr_in cmd_from;	/* sender of the command being executed */
	struct llist_head ntfy_pending;	/* NTFYs not answered yet, oldest first */
	unsigned int n_ntfy_pending;
	/*! the H.248 side (mgcp/mgw_h248.h), off unless a controller is set */
	struct mgw_h248 *h248;
};

/*! The VTY's commands reach the gateway through this. */
extern struct mgw *g_mgw;

/*! Timers (osmo_tdef, shown and set with "timer" in the mgw node). */
enum mgw_timer {
	MGW_T_RSIP = -1,	/*!< X1: RSIP and NTFY retransmission interval */
	MGW_T_RSIP_DISC = -2,	/*!< X2: RSIP retry after the call agent stayed silent */
	MGW_T_HIST = -3,	/*!< X3: responses kept for retransmissions (T-hist) */
	MGW_T_RTCP = -4,	/*!< X4: RTCP report interval (RFC 3550 6.2's 5 s minimum) */
};

/*! Count one event of @ctr. */
void mgw_ctr_inc(struct mgw *mgw, enum mgw_ctr ctr);

/*! Create the gateway with default configuration (not started). */
struct mgw *mgw_alloc(void *ctx);

/*! Bind the MGCP socket, create the endpoints, send RSIP; < 0 on failure. */
int mgw_start(struct mgw *mgw);

/*! Send the shutdown RSIP and close every connection. */
void mgw_stop(struct mgw *mgw);

/*! Read @file (VTY syntax); on error print FILE:LINE: reason and return < 0. */
int mgw_config_read(struct mgw *mgw, const char *file);

struct vty;
/*! Settings read when the gateway starts: say so when changed live. */
void mgw_vty_note_restart(struct vty *vty);
/*! Whether @ip is an IPv4 address; tells the VTY user when not. */
bool mgw_vty_ip_ok(struct vty *vty, const char *ip);

/*! Install tandem-mgw's VTY commands. */
void mgw_vty_init(struct mgw *mgw);

/* mgw_mgcp.c: the MGCP side */

/*! Open the MGCP UDP socket. */
int mgw_mgcp_open(struct mgw *mgw);
/*! Bind a UDP socket on @ip:@port and register it with @cb; 0 or a negative errno. */
int mgw_udp_open(struct osmo_fd *ofd, const char *ip, uint16_t port, int (*cb)(struct osmo_fd *, unsigned int),
		 void *data);
/*! Handle one received datagram from @from; answers it when it is a command. */
void mgw_mgcp_rx(struct mgw *mgw, const char *buf, size_t len, const struct sockaddr_in *from);
/*! Send @msg to @to; returns 0 or a negative errno/codec error. */
int mgw_mgcp_send(struct mgw *mgw, const struct mgcp_msg *msg, const struct sockaddr_in *to);
/*! Send the encoded message @buf of @len octets to @to. */
int mgw_mgcp_send_raw(struct mgw *mgw, const char *buf, size_t len, const struct sockaddr_in *to);
/*! Drop every cached response. */
void mgw_trans_flush(struct mgw *mgw);

/* mgw_cmd.c: the commands */

/*! Execute command @cmd and fill the response @resp. */
void mgw_cmd_exec(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp);
/*! Apply mode, LCO and remote SDP of @cmd to @conn as CRCX (@creating)
 *  or MDCX would; 0 or an RFC 3435 code.  H.248 uses it too. */
unsigned int mgw_conn_apply(struct mgw *mgw, struct mgw_conn *conn, const struct mgcp_msg *cmd, bool creating);
/*! Put @conn's local SDP into @resp (MGCP_P_SDP). */
void mgw_conn_local_sdp(struct mgw *mgw, struct mgw_conn *conn, struct mgcp_msg *resp);

/* mgw_rsip.c: restart procedure towards the call agent (osmo_fsm) */

/*! Start the RSIP procedure (a no-op without a call agent). */
int mgw_rsip_start(struct mgw *mgw);
/*! A response arrived; true when it answered our RSIP. */
bool mgw_rsip_response(struct mgw *mgw, const struct mgcp_msg *resp);
/*! Send the one-shot shutdown RSIP (RM: forced). */
void mgw_rsip_shutdown(struct mgw *mgw);
/*! Name of the restart procedure's state. */
const char *mgw_rsip_state_name(struct mgw *mgw);

/* mgw_dtmf_rqnt.c, mgw_dtmf_ntfy.c: RQNT for DTMF events and signals, NTFY */

/*! Arm (or disarm) DTMF notification on @ep from RQNT @cmd; returns 0 or
 *  an RFC 3435 code (@why may get a comment). */
unsigned int mgw_rqnt_apply(struct mgw *mgw, struct mgw_endpoint *ep, const struct mgcp_msg *cmd, const char **why);
/*! Digit @digit was detected on @ep: NTFY when the call agent asked. */
void mgw_endp_notify_digit(struct mgw_endpoint *ep, char digit);
/*! A response arrived; true when it answered one of our NTFYs. */
bool mgw_ntfy_response(struct mgw *mgw, const struct mgcp_msg *resp);
/*! Forget every NTFY still waiting for its answer. */
void mgw_ntfy_flush(struct mgw *mgw);

/* mgw_endp.c: endpoints and connections */

/*! Create the configured endpoints. */
int mgw_endp_init(struct mgw *mgw);
/*! Endpoint by local name ("rtpbridge/3", case-insensitive), or NULL. */
struct mgw_endpoint *mgw_endp_find(struct mgw *mgw, const char *local);
/*! Number of connections of @ep. */
unsigned int mgw_endp_n_conns(const struct mgw_endpoint *ep);
/*! Connection of @ep by id, or NULL. */
struct mgw_conn *mgw_conn_find(struct mgw_endpoint *ep, const char *id);
/*! Create a connection on @ep with its RTP/RTCP sockets; NULL when out of ports. */
struct mgw_conn *mgw_conn_alloc(struct mgw_endpoint *ep, const char *call_id);
/*! Delete a connection. */
void mgw_conn_free(struct mgw_conn *conn);
/*! Codec, ptime, mode or remote changed: set up transcoders of @ep anew. */
int mgw_endp_update_media(struct mgw_endpoint *ep);
/*! The other connection of @conn's endpoint (itself in loopback), or NULL. */
struct mgw_conn *mgw_conn_peer(struct mgw_conn *conn);
/*! Lost packets of @conn's received stream. */
int32_t mgw_conn_lost(const struct mgw_conn *conn);

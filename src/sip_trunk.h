/* SIP trunks: the SIP peers tandemd exchanges calls with, each with its
 * own addresses, transport, interworking profile, access list, digest
 * credentials, 100rel policy, codec list and OPTIONS keepalive.
 *
 * This header is the contract between the trunk code (src/sip_trunk*.c)
 * and call control (src/cc_*.c): call control only uses what is here.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

#include "isup/sipi_profile.h"

struct rate_ctr_group;
struct nua_s;
struct nua_handle_s;
struct sip_s;

/*! Most trunks, peers per trunk, ACL entries per trunk, codecs per trunk. */
#define SIP_TRUNK_MAX		64
#define SIP_TRUNK_PEERS_MAX	8
#define SIP_TRUNK_ACL_MAX	32
#define SIP_TRUNK_CODECS_MAX	8
#define SIP_TRUNK_NAME_MAX	32
/*! Longest host name or address text of a peer. */
#define SIP_TRUNK_HOST_MAX	128
/*! Longest digest user name, password or realm. */
#define SIP_TRUNK_CRED_MAX	64
/*! Longest `local-bind` address text (an IPv6 literal and its NUL). */
#define SIP_TRUNK_BIND_ADDR_MAX	46

/*! Transport towards the trunk's peers. */
enum sip_trunk_transport {
	SIP_TRUNK_UDP,
	SIP_TRUNK_TCP,
};
extern const struct value_string sip_trunk_transport_names[];

/*! 100rel (RFC 3262) policy of a trunk. */
enum sip_trunk_100rel {
	SIP_TRUNK_100REL_OFF,		/*!< never send reliable 18x, never require it */
	SIP_TRUNK_100REL_SUPPORTED,	/*!< Supported: 100rel; reliable 18x when the peer supports it */
	SIP_TRUNK_100REL_REQUIRED,	/*!< Require: 100rel on our INVITEs */
};
extern const struct value_string sip_trunk_100rel_names[];

/*! Keepalive state of a trunk (OPTIONS pings). */
enum sip_trunk_state {
	SIP_TRUNK_ST_UP,	/*!< answering, or keepalive disabled */
	SIP_TRUNK_ST_DOWN,	/*!< stopped answering OPTIONS: no calls sent to it */
};
extern const struct value_string sip_trunk_state_names[];

/*! Media codecs a trunk offers/accepts, in order of preference. */
enum sip_codec {
	SIP_CODEC_PCMA,
	SIP_CODEC_PCMU,
	SIP_CODEC_G729,
	SIP_CODEC_TELEPHONE_EVENT,
};
extern const struct value_string sip_codec_names[];

/*! One peer address of a trunk. */
struct sip_trunk_peer {
	char host[SIP_TRUNK_HOST_MAX];
	uint16_t port;		/*!< 5060 when not configured */
};

/*! One access-list entry: an IPv4/IPv6 prefix allowed to send requests. */
struct sip_trunk_acl {
	struct sockaddr_storage addr;
	unsigned int prefix_len;
};

/*! One SIP trunk. */
struct sip_trunk {
	struct llist_head list;
	char name[SIP_TRUNK_NAME_MAX];
	unsigned int num_peers;
	struct sip_trunk_peer peers[SIP_TRUNK_PEERS_MAX];
	enum sip_trunk_transport transport;
	/*! SIP-I, SIP-T or plain SIP; with the cause table */
	enum sipi_mode mode;
	enum sipi_cause_map cause_map;
	/*! an empty ACL admits the peers' own addresses only */
	unsigned int num_acl;
	struct sip_trunk_acl acl[SIP_TRUNK_ACL_MAX];
	/*! digest we answer challenges with (outgoing); empty user: none */
	char auth_out_user[SIP_TRUNK_CRED_MAX];
	char auth_out_pass[SIP_TRUNK_CRED_MAX];
	/*! digest we demand of the peer (incoming); empty user: none */
	char auth_in_user[SIP_TRUNK_CRED_MAX];
	char auth_in_pass[SIP_TRUNK_CRED_MAX];
	char auth_in_realm[SIP_TRUNK_CRED_MAX];
	enum sip_trunk_100rel rel100;
	unsigned int num_codecs;
	enum sip_codec codecs[SIP_TRUNK_CODECS_MAX];
	/*! OPTIONS keepalive interval in seconds, 0 = off */
	unsigned int keepalive_s;
	/*! failed keepalives in a row before the trunk is DOWN */
	unsigned int keepalive_fail_max;
	enum sip_trunk_state state;
	/*! per-trunk counters (enum sip_trunk_ctr) */
	struct rate_ctr_group *ctrs;
	/*! `local-bind`: the trunk's own listener (address text, empty =
	 *  the SIP agent's), on the trunk's transport */
	char bind_addr[SIP_TRUNK_BIND_ADDR_MAX];
	uint16_t bind_port;
	/*! private to src/sip_trunk*.c (keepalive handle, timers...) */
	void *priv;
};

/*! Per-trunk rate counters. */
enum sip_trunk_ctr {
	SIP_TRUNK_CTR_CALL_IN,
	SIP_TRUNK_CTR_CALL_OUT,
	SIP_TRUNK_CTR_ANSWERED,
	SIP_TRUNK_CTR_FAILED,
	SIP_TRUNK_CTR_ACL_REJECT,
	SIP_TRUNK_CTR_AUTH_FAIL,
	SIP_TRUNK_CTR_KEEPALIVE_FAIL,
	SIP_TRUNK_CTR_DOWN,
	SIP_TRUNK_CTR_BIND_FAIL,
};

/*! The trunk called name, or NULL. */
struct sip_trunk *sip_trunk_find(const char *name);

/*! The trunk an incoming request belongs to: the first trunk whose ACL
 *  (or, with an empty ACL, whose peer addresses) admits the source
 *  address.  NULL when no trunk admits it: the request is then refused
 *  403 by the caller and counted. */
struct sip_trunk *sip_trunk_by_source(const struct sockaddr *src);

/*! Admission of an incoming dialog-creating request (INVITE): the
 *  source must be admitted by a trunk (sip_trunk_by_source()), then the
 *  trunk's incoming digest, when configured, must verify.  With no trunk
 *  configured at all every source is admitted with *out = NULL (the
 *  global profile of call control applies).
 *  \returns 0 with *out set; or a negative errno after the request has
 *  been answered here (403 for the ACL, 401 challenge or 403 for digest) */
int sip_trunk_admit(struct nua_s *nua, struct nua_handle_s *nh, const struct sip_s *sip,
		    struct sip_trunk **out);

/*! The NUTAG_AUTH() string ("Digest:\"realm\":user:pass") answering a
 *  peer's challenge for realm with the trunk's outgoing credentials.
 *  \returns the length, or -ENOENT when the trunk has none. */
int sip_trunk_auth_string(const struct sip_trunk *t, const char *realm, char *buf, size_t len);

/*! Whether calls may be sent to the trunk now (configured, keepalive up). */
bool sip_trunk_usable(const struct sip_trunk *t);

/*! The Request-URI for a call to number on the trunk's first usable peer,
 *  e.g. "sip:4930123@127.0.0.1:5062;transport=udp", written to buf.
 *  \returns the length or a negative errno (-ENOSPC, -ENOENT). */
int sip_trunk_request_uri(const struct sip_trunk *t, const char *number, char *buf, size_t len);

/*! Count on a trunk. */
void sip_trunk_ctr_inc(struct sip_trunk *t, enum sip_trunk_ctr c);

/*! Install the trunk VTY node (before the config is read). */
void sip_trunk_vty_init(void);

/*! After the SIP agent started: start the keepalives. */
void sip_trunk_start(void);

/*! Stop keepalives (before the SIP agent stops). */
void sip_trunk_stop(void);

/* ---- Added by the trunk implementation (src/sip_trunk*.c) ---- */

/*! Counters of what belongs to no trunk (requests from unknown sources). */
enum sip_trunk_global_ctr {
	SIP_TRUNKS_CTR_UNKNOWN_SOURCE,
	SIP_TRUNKS_CTR_NO_SOURCE,
	SIP_TRUNKS_CTR_MALFORMED,
};

/*! The trunks in configuration order (entries are struct sip_trunk). */
struct llist_head *sip_trunk_list(void);

/*! Number of trunks configured. */
unsigned int sip_trunk_count(void);

/*! Find or create the trunk called name, under talloc ctx.
 *  \returns NULL with *err set to -EINVAL (bad name), -ENOSPC (too many
 *  trunks) or -ENOMEM. */
struct sip_trunk *sip_trunk_get(void *ctx, const char *name, int *err);

/*! Remove and free a trunk (its keepalive, digest state and counters go
 *  with it). */
void sip_trunk_del(struct sip_trunk *t);

/*! Parse "A.B.C.D[/M]" or "X:X::X:X[/M]" into an ACL entry.
 *  \returns 0, -EINVAL (not an address, bad length) or -EDOM (host bits
 *  set beyond the prefix length). */
int sip_trunk_acl_parse(const char *text, struct sip_trunk_acl *out);

/*! "A.B.C.D/M" of an entry, for `write` and `show`. */
int sip_trunk_acl_str(const struct sip_trunk_acl *a, char *buf, size_t len);

/*! Whether an ACL entry covers src (an IPv4-mapped IPv6 source counts as
 *  IPv4). */
bool sip_trunk_acl_match(const struct sip_trunk_acl *a, const struct sockaddr *src);

/*! Whether the trunk admits requests from src: its ACL, or with an empty
 *  ACL one of its peers given as a literal address (ports are ignored). */
bool sip_trunk_admits(const struct sip_trunk *t, const struct sockaddr *src);

/*! Add a peer (port 0 = 5060).  \returns 0, -EEXIST, -EINVAL or -ENOSPC. */
int sip_trunk_peer_add(struct sip_trunk *t, const char *host, uint16_t port);

/*! Remove a peer (port 0 = any port).  \returns 0 or -ENOENT. */
int sip_trunk_peer_del(struct sip_trunk *t, const char *host, uint16_t port);

/*! A nua event: consumed (true) when nh is one of the trunks' keepalive
 *  handles.  Call first thing in the agent's nua callback. */
bool sip_trunk_nua_event(int event, int status, const char *phrase, struct nua_handle_s *nh,
			 const struct sip_s *sip);

/*! Free every trunk (shutdown, after sip_trunk_stop() and the SIP agent's
 *  stop, while logging still works: the trunk FSMs log their end). */
void sip_trunk_free_all(void);

/*! The configuration of a trunk changed: restart its keepalive and drop
 *  its digest state, if running. */
void sip_trunk_reconfigured(struct sip_trunk *t);

/*! The nua a trunk's calls and keepalives go through: its own bind's
 *  (`local-bind`), else the SIP agent's.  NULL while the trunk's bind is
 *  down or restarting: no call can be sent to the trunk then. */
struct nua_s *sip_trunk_nua(const struct sip_trunk *t);

/*! The trunk whose own bind nua is; NULL for the agent's listener. */
struct sip_trunk *sip_trunk_by_nua(const struct nua_s *nua);

/*! Check a `local-bind` for t before it is set: a literal address, no
 *  other trunk's bind and not the SIP agent's, and (unless it is the
 *  bind t runs on) free on the trunk's transport right now.
 *  \returns 0, or -EINVAL, -EEXIST, -EADDRINUSE, -EADDRNOTAVAIL with
 *  the reason in why. */
int sip_trunk_bind_check(const struct sip_trunk *t, const char *addr, uint16_t port, char *why, size_t len);

/*! The calls on t now: its bind changes only when there are none. */
unsigned int sip_trunk_bind_calls(const struct sip_trunk *t);

/*! The SIP agent saw nua (not its own) finish its shutdown. */
void sip_trunk_bind_shutdown_done(struct nua_s *nua);

/*! "sip:ADDR:PORT;transport=T" of the trunk's bind into buf (empty
 *  without a bind).  \returns the length or -ENOSPC. */
int sip_trunk_bind_url(const struct sip_trunk *t, char *buf, size_t len);

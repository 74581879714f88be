/* The session description (RFC 4566) carried in MGCP messages: one audio
 * stream, which is all a media gateway connection has.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include "mgcp/mgcp_err.h"

/*! Most payload types on the m= line. */
#define MGCP_SDP_PT_MAX 16
/*! Longest address text (an IPv6 address). */
#define MGCP_SDP_ADDR_MAX 45
/*! Longest encoding name in a=rtpmap. */
#define MGCP_SDP_NAME_MAX 31
/*! Longest a=fmtp value. */
#define MGCP_SDP_FMTP_MAX 63
/*! Most lines in a description; more is refused as oversized. */
#define MGCP_SDP_LINES_MAX 64

/*! a= direction attribute of the media. */
enum mgcp_sdp_dir {
	MGCP_SDP_DIR_NONE = 0,
	MGCP_SDP_DIR_SENDRECV,
	MGCP_SDP_DIR_SENDONLY,
	MGCP_SDP_DIR_RECVONLY,
	MGCP_SDP_DIR_INACTIVE,
};

extern const struct value_string mgcp_sdp_dir_names[];

/*! One payload type of the audio stream. */
struct mgcp_sdp_pt {
	uint8_t pt;				/*!< 0..127 */
	char name[MGCP_SDP_NAME_MAX + 1];	/*!< from a=rtpmap, "" if none */
	uint32_t rate;				/*!< from a=rtpmap, 0 if none */
	char fmtp[MGCP_SDP_FMTP_MAX + 1];	/*!< from a=fmtp, "" if none */
};

/*! An audio session description. */
struct mgcp_sdp {
	uint64_t sess_id;		/*!< o= session id */
	uint64_t sess_version;		/*!< o= session version */
	bool ipv6;			/*!< c= is IN IP6 */
	char addr[MGCP_SDP_ADDR_MAX + 1]; /*!< c= connection address */
	bool has_media;			/*!< an m=audio line was seen */
	uint16_t port;			/*!< m=audio port */
	unsigned int n_pt;
	struct mgcp_sdp_pt pts[MGCP_SDP_PT_MAX];
	uint16_t ptime;			/*!< a=ptime in ms, 0 if none */
	enum mgcp_sdp_dir dir;
};

/*! Parse @len octets of SDP text; returns 0 or -MGCP_ERR_SDP, -MGCP_ERR_SDP_UNSUPPORTED, -MGCP_ERR_TOO_LONG.
 *  @bad_line (may be NULL) gets the 1-based line at fault. */
int mgcp_sdp_parse(struct mgcp_sdp *sdp, const char *buf, size_t len, unsigned int *bad_line);

/*! Write @sdp with CRLF line ends; returns the length or -MGCP_ERR_SPACE. */
int mgcp_sdp_encode(const struct mgcp_sdp *sdp, char *buf, size_t size);

/*! Add a payload type; -MGCP_ERR_TOO_MANY when the list is full. */
int mgcp_sdp_add_pt(struct mgcp_sdp *sdp, uint8_t pt, const char *name, uint32_t rate, const char *fmtp);

/*! The encoding name of @p: its rtpmap name, else the static RFC 3551 one, else NULL. */
const char *mgcp_sdp_pt_name(const struct mgcp_sdp_pt *p);

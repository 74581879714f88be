/* The SAToP span driver (RFC 4553): an unstructured E1 over UDP.
 *
 * A packet is [RTP header, optional] [control word] [payload-bytes of the
 * E1 bit stream], in that order as RFC 4553 figure 1b has it for an IP
 * PSN.  The control word is 0000 L R RSV(2) FRG(2) LEN(6) SEQ(16): L set
 * when our TDM side has failed (never here: our "TDM" is the endpoints),
 * R while we are in loss of packet state, RSV and FRG zero, LEN zero
 * because payloads of 64 octets or more never need padding.  The RTP
 * header, when on, carries payload type 96, the control word's sequence
 * number, a timestamp in 125 us units and a random SSRC.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "src/tandem_log.h"

#define SATOP_CW_LEN 4
#define SATOP_MAX_PKT (MGW_RTP_HDR_LEN + SATOP_CW_LEN + MGW_SATOP_PAYLOAD_MAX)

struct satop_priv {
	struct osmo_fd ofd;
	struct sockaddr_in remote;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
};

int mgw_satop_parse(const uint8_t *buf, size_t len, bool rtp_header, unsigned int payload_bytes,
		    struct mgw_satop_pkt *pkt)
{
	size_t off = 0;
	uint16_t rtp_seq = 0;

	if (len < (rtp_header ? MGW_RTP_HDR_LEN : 0) + SATOP_CW_LEN)
		return -MGW_SPAN_ERR_SHORT;
	if (rtp_header) {
		/* no CSRC, extension or padding in a pseudowire's RTP header */
		if ((buf[0] & 0xc0) != 0x80 || (buf[0] & 0x3f) || (buf[1] & 0x7f) != MGW_SATOP_RTP_PT)
			return -MGW_SPAN_ERR_RTP;
		rtp_seq = (buf[2] << 8) | buf[3];
		off = MGW_RTP_HDR_LEN;
	}
	/* bits 0-3, RSV, FRG and LEN must be zero */
	if ((buf[off] & 0xf3) || buf[off + 1])
		return -MGW_SPAN_ERR_CW;
	pkt->l_bit = buf[off] & 0x08;
	pkt->r_bit = buf[off] & 0x04;
	pkt->seq = (buf[off + 2] << 8) | buf[off + 3];
	if (rtp_header && rtp_seq != pkt->seq)
		return -MGW_SPAN_ERR_SEQ;
	off += SATOP_CW_LEN;
	pkt->payload_len = len - off;
	pkt->payload = pkt->payload_len ? buf + off : NULL;
	/* RFC 4553 5.3: with L set the payload may be left out */
	if (pkt->payload_len != payload_bytes && !(pkt->l_bit && pkt->payload_len == 0))
		return -MGW_SPAN_ERR_LENGTH;
	return 0;
}

size_t mgw_satop_build_hdr(uint8_t *buf, bool rtp_header, bool l_bit, bool r_bit, uint16_t seq, uint32_t ts,
			   uint32_t ssrc)
{
	size_t off = 0;

	if (rtp_header) {
		mgw_rtp_build(buf, MGW_SATOP_RTP_PT, false, seq, ts, ssrc);
		off = MGW_RTP_HDR_LEN;
	}
	buf[off] = (l_bit ? 0x08 : 0) | (r_bit ? 0x04 : 0);
	buf[off + 1] = 0;
	buf[off + 2] = seq >> 8;
	buf[off + 3] = seq;
	return off + SATOP_CW_LEN;
}

static int satop_rx_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct mgw_span *span = ofd->data;
	struct satop_priv *p = span->drv_priv;
	uint8_t buf[SATOP_MAX_PKT + 1];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct mgw_satop_pkt pkt;
	ssize_t n;
	int rc;

	n = recvfrom(ofd->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return 0;
	if (from.sin_addr.s_addr != p->remote.sin_addr.s_addr || from.sin_port != p->remote.sin_port) {
		mgw_span_rx_bad(span, MGW_SPAN_ERR_SOURCE);
		return 0;
	}
	rc = mgw_satop_parse(buf, n, span->rtp_header, span->payload_bytes, &pkt);
	if (rc < 0) {
		mgw_span_rx_bad(span, -rc);
		return 0;
	}
	mgw_span_rx(span, pkt.seq, pkt.l_bit, pkt.r_bit, pkt.payload, span->payload_bytes / MGW_E1_TIMESLOTS);
	return 0;
}

static void satop_close(struct mgw_span *span)
{
	struct satop_priv *p = span->drv_priv;

	if (!p)
		return;
	if (p->ofd.fd >= 0) {
		osmo_fd_unregister(&p->ofd);
		close(p->ofd.fd);
	}
	TALLOC_FREE(span->drv_priv);
}

static int satop_open(struct mgw_span *span)
{
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(span->local_port) };
	struct satop_priv *p;
	int fd, rc;

	if (!mgw_span_configured(span)) {
		LOGP(DMGW, LOGL_ERROR, "span %u: no satop local/remote configured\n", span->nr);
		return -EINVAL;
	}
	p = talloc_zero(span, struct satop_priv);
	if (!p)
		return -ENOMEM;
	p->ofd.fd = -1;
	span->drv_priv = p;
	p->remote.sin_family = AF_INET;
	p->remote.sin_port = htons(span->remote_port);
	if (inet_pton(AF_INET, span->local_ip, &local.sin_addr) != 1 ||
	    inet_pton(AF_INET, span->remote_ip, &p->remote.sin_addr) != 1) {
		satop_close(span);
		return -EINVAL;
	}
	if (getrandom(&p->seq, sizeof(p->seq), GRND_NONBLOCK) != sizeof(p->seq))
		p->seq = 1;
	if (getrandom(&p->ssrc, sizeof(p->ssrc), GRND_NONBLOCK) != sizeof(p->ssrc))
		p->ssrc = 0x5a7f0000 | span->nr;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		satop_close(span);
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		rc = -errno;
		close(fd);
		LOGP(DMGW, LOGL_ERROR, "span %u: cannot bind %s:%u: %s\n", span->nr, span->local_ip, span->local_port,
		     strerror(-rc));
		satop_close(span);
		return rc;
	}
	osmo_fd_setup(&p->ofd, fd, OSMO_FD_READ, satop_rx_cb, span, 0);
	if (osmo_fd_register(&p->ofd) < 0) {
		close(fd);
		p->ofd.fd = -1;
		satop_close(span);
		return -EIO;
	}
	return 0;
}

static int satop_tx(struct mgw_span *span, const uint8_t *frames, unsigned int n_frames)
{
	struct satop_priv *p = span->drv_priv;
	uint8_t buf[SATOP_MAX_PKT];
	size_t hl, plen = (size_t)n_frames * MGW_E1_TIMESLOTS;

	if (!p || plen > MGW_SATOP_PAYLOAD_MAX)
		return -EINVAL;
	hl = mgw_satop_build_hdr(buf, span->rtp_header, false, mgw_span_lops(span), p->seq, p->ts, p->ssrc);
	memcpy(buf + hl, frames, plen);
	p->seq++;
	p->ts += n_frames;
	if (sendto(p->ofd.fd, buf, hl + plen, 0, (struct sockaddr *)&p->remote, sizeof(p->remote)) < 0)
		return -errno;
	return 0;
}

const struct mgw_span_driver mgw_span_satop_driver = {
	.name = "satop",
	.open = satop_open,
	.close = satop_close,
	.tx = satop_tx,
};

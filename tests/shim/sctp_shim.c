/* Test-only LD_PRELOAD shim: SCTP one-to-one sockets carried over TCP.
 *
 * This kernel has no SCTP and libosmo-sigtran 1.6 speaks M3UA only over
 * SCTP.  When socket(AF_INET*, SOCK_STREAM, IPPROTO_SCTP) fails, this shim
 * hands out a TCP socket instead and answers the SCTP calls libosmocore,
 * libosmo-netif and libosmo-sigtran make on it.  SCTP keeps message
 * boundaries and TCP does not; M3UA PDUs carry their own length (RFC 4666
 * 3.1: octets 4-7 of the common header), so a receive reads exactly one PDU.
 *
 * It must be loaded into both ends (osmo-stp and each ASP).  Where the
 * kernel has SCTP, socket() succeeds and the shim stays out of the way.
 *
 * Never link this into, or install it with, a shipped binary.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define SHIM_MAX_FD	4096
/* Largest PDU accepted; M3UA over SCTP never comes near it. */
#define SHIM_MAX_PDU	65536
/* How long a receive waits for the rest of a PDU whose first octet has
 * arrived (loopback only, so this is a fault bound, not a latency). */
#define SHIM_PDU_WAIT_MS	2000
#define M3UA_PPID	3

enum shim_state {
	SHIM_NONE,	/* not ours: forward everything */
	SHIM_TCP,	/* an SCTP socket we turned into TCP */
};

struct shim_fd {
	enum shim_state state;
	/* SCTP_EVENTS as last set, so that notifications are only
	 * delivered when the application asked for them */
	struct sctp_event_subscribe events;
	bool up_reported;	/* SCTP_COMM_UP delivered */
	bool down_reported;	/* shutdown / loss delivered; next read is EOF */
	bool eof;
};

static struct shim_fd shim_fds[SHIM_MAX_FD];
static bool shim_debug;

#define REAL(name) real_##name
#define DECLARE_REAL(ret, name, ...) static ret (*real_##name)(__VA_ARGS__)

DECLARE_REAL(int, socket, int, int, int);
DECLARE_REAL(int, accept, int, struct sockaddr *, socklen_t *);
DECLARE_REAL(int, accept4, int, struct sockaddr *, socklen_t *, int);
DECLARE_REAL(int, close, int);
DECLARE_REAL(int, setsockopt, int, int, int, const void *, socklen_t);
DECLARE_REAL(int, getsockopt, int, int, int, void *, socklen_t *);
DECLARE_REAL(int, sctp_bindx, int, struct sockaddr *, int, int);
DECLARE_REAL(int, sctp_connectx, int, struct sockaddr *, int, sctp_assoc_t *);
DECLARE_REAL(int, sctp_recvmsg, int, void *, size_t, struct sockaddr *, socklen_t *,
	     struct sctp_sndrcvinfo *, int *);
DECLARE_REAL(int, sctp_send, int, const void *, size_t, const struct sctp_sndrcvinfo *, int);
DECLARE_REAL(int, sctp_sendmsg, int, const void *, size_t, struct sockaddr *, socklen_t,
	     uint32_t, uint32_t, uint16_t, uint32_t, uint32_t);

static void *shim_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	/* libsctp may not be loaded by the process at all when it only
	 * uses plain sockets; then its SCTP calls never reach us anyway. */
	if (!p && shim_debug)
		fprintf(stderr, "sctp_shim: %s not found: %s\n", name, dlerror());
	return p;
}

#define RESOLVE(name) \
	do { \
		if (!real_##name) \
			real_##name = shim_sym(#name); \
	} while (0)

__attribute__((constructor)) static void shim_init(void)
{
	shim_debug = getenv("SCTP_SHIM_DEBUG") != NULL;
}

static struct shim_fd *shim_get(int fd)
{
	if (fd < 0 || fd >= SHIM_MAX_FD || shim_fds[fd].state != SHIM_TCP)
		return NULL;
	return &shim_fds[fd];
}

static void shim_adopt(int fd)
{
	if (fd < 0 || fd >= SHIM_MAX_FD)
		return;
	memset(&shim_fds[fd], 0, sizeof(shim_fds[fd]));
	shim_fds[fd].state = SHIM_TCP;
	if (shim_debug)
		fprintf(stderr, "sctp_shim: fd %d is SCTP over TCP\n", fd);
}

int socket(int domain, int type, int protocol)
{
	int fd, saved;

	RESOLVE(socket);
	fd = REAL(socket)(domain, type, protocol);
	if (fd >= 0 || protocol != IPPROTO_SCTP || (type & 0xff) != SOCK_STREAM ||
	    (domain != AF_INET && domain != AF_INET6))
		return fd;
	saved = errno;
	if (saved != EPROTONOSUPPORT && saved != ESOCKTNOSUPPORT && saved != EAFNOSUPPORT)
		return fd;
	fd = REAL(socket)(domain, type, IPPROTO_TCP);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	if (fd >= SHIM_MAX_FD) {
		RESOLVE(close);
		REAL(close)(fd);
		errno = EMFILE;
		return -1;
	}
	shim_adopt(fd);
	return fd;
}

static int shim_after_accept(int lfd, int fd)
{
	if (fd >= 0 && shim_get(lfd)) {
		if (fd >= SHIM_MAX_FD) {
			RESOLVE(close);
			REAL(close)(fd);
			errno = EMFILE;
			return -1;
		}
		shim_adopt(fd);
		/* SCTP sockets inherit the listener's event subscription */
		shim_fds[fd].events = shim_fds[lfd].events;
	}
	return fd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	RESOLVE(accept);
	return shim_after_accept(fd, REAL(accept)(fd, addr, len));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	RESOLVE(accept4);
	return shim_after_accept(fd, REAL(accept4)(fd, addr, len, flags));
}

int close(int fd)
{
	RESOLVE(close);
	if (fd >= 0 && fd < SHIM_MAX_FD)
		shim_fds[fd].state = SHIM_NONE;
	return REAL(close)(fd);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct shim_fd *s = shim_get(fd);

	RESOLVE(setsockopt);
	if (!s || level != IPPROTO_SCTP)
		return REAL(setsockopt)(fd, level, name, val, len);
	switch (name) {
	case SCTP_EVENTS:
		memset(&s->events, 0, sizeof(s->events));
		memcpy(&s->events, val, len < sizeof(s->events) ? len : sizeof(s->events));
		return 0;
	case SCTP_NODELAY:
		return REAL(setsockopt)(fd, IPPROTO_TCP, TCP_NODELAY, val, len);
	default:
		/* INITMSG, RTOINFO, ASSOCINFO, PEER_ADDR_PARAMS, ...: TCP
		 * has no such knobs; accepting them is the plausible answer */
		return 0;
	}
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct shim_fd *s = shim_get(fd);

	RESOLVE(getsockopt);
	if (!s || level != IPPROTO_SCTP)
		return REAL(getsockopt)(fd, level, name, val, len);
	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	switch (name) {
	case SCTP_EVENTS:
		/* libosmo-netif sizes struct sctp_event_subscribe from this */
		if (*len > sizeof(s->events))
			*len = sizeof(s->events);
		memcpy(val, &s->events, *len);
		return 0;
	case SCTP_STATUS: {
		struct sctp_status st = { 0 };

		st.sstat_state = SCTP_ESTABLISHED;
		st.sstat_instrms = 2;
		st.sstat_outstrms = 2;
		st.sstat_fragmentation_point = SHIM_MAX_PDU;
		if (*len > sizeof(st))
			*len = sizeof(st);
		memcpy(val, &st, *len);
		return 0;
	}
	default:
		memset(val, 0, *len);
		return 0;
	}
}

int sctp_bindx(int fd, struct sockaddr *addrs, int addrcnt, int flags)
{
	socklen_t alen;

	if (!shim_get(fd)) {
		RESOLVE(sctp_bindx);
		if (!REAL(sctp_bindx)) {
			errno = ENOSYS;
			return -1;
		}
		return REAL(sctp_bindx)(fd, addrs, addrcnt, flags);
	}
	if (addrcnt < 1 || !addrs) {
		errno = EINVAL;
		return -1;
	}
	if (flags == SCTP_BINDX_REM_ADDR)
		return 0;
	/* TCP has one address per end: bind the first, as a single-homed
	 * SCTP endpoint would; further addresses cannot be expressed. */
	alen = addrs->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	return bind(fd, addrs, alen);
}

int sctp_connectx(int fd, struct sockaddr *addrs, int addrcnt, sctp_assoc_t *id)
{
	socklen_t alen;

	if (!shim_get(fd)) {
		RESOLVE(sctp_connectx);
		if (!REAL(sctp_connectx)) {
			errno = ENOSYS;
			return -1;
		}
		return REAL(sctp_connectx)(fd, addrs, addrcnt, id);
	}
	if (addrcnt < 1 || !addrs) {
		errno = EINVAL;
		return -1;
	}
	if (id)
		*id = 1;
	alen = addrs->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	return connect(fd, addrs, alen);
}

static int64_t shim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read exactly len octets, waiting a bounded time for the rest once the
 * read has started.  \returns len, 0 on EOF before the first octet, or -1. */
static ssize_t shim_read_full(int fd, uint8_t *buf, size_t len, bool started)
{
	int64_t deadline = shim_now_ms() + SHIM_PDU_WAIT_MS;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		if (n > 0) {
			got += n;
			started = true;
			continue;
		}
		if (n == 0) {
			if (!started)
				return 0;
			errno = ECONNRESET;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (!started)
			return -1;	/* nothing there: EAGAIN to the caller */
		{
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int64_t left = deadline - shim_now_ms();

			if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
				errno = ECONNRESET;
				return -1;
			}
		}
	}
	return len;
}

/* Deliver an SCTP notification the way the kernel does: as the message
 * body, with MSG_NOTIFICATION in the flags. */
static int shim_notify_assoc(void *buf, size_t len, int *msg_flags, uint16_t state, uint16_t error)
{
	struct sctp_assoc_change sac = {
		.sac_type = SCTP_ASSOC_CHANGE,
		.sac_length = sizeof(sac),
		.sac_state = state,
		.sac_error = error,
		.sac_outbound_streams = 2,
		.sac_inbound_streams = 2,
		.sac_assoc_id = 1,
	};
	size_t n = len < sizeof(sac) ? len : sizeof(sac);

	memcpy(buf, &sac, n);
	if (msg_flags)
		*msg_flags = MSG_NOTIFICATION | MSG_EOR;
	return n;
}

static int shim_notify_shutdown(void *buf, size_t len, int *msg_flags)
{
	struct sctp_shutdown_event sse = {
		.sse_type = SCTP_SHUTDOWN_EVENT,
		.sse_length = sizeof(sse),
		.sse_assoc_id = 1,
	};
	size_t n = len < sizeof(sse) ? len : sizeof(sse);

	memcpy(buf, &sse, n);
	if (msg_flags)
		*msg_flags = MSG_NOTIFICATION | MSG_EOR;
	return n;
}

static void shim_fill_sinfo(struct sctp_sndrcvinfo *sinfo, const uint8_t *hdr)
{
	if (!sinfo)
		return;
	memset(sinfo, 0, sizeof(*sinfo));
	/* RFC 4666 1.4.7: management on stream 0, transfer (class 1) on a
	 * non-zero stream; osmo-stp rejects DATA on stream 0. */
	sinfo->sinfo_stream = hdr[2] == 1 ? 1 : 0;
	sinfo->sinfo_ppid = htonl(M3UA_PPID);
	sinfo->sinfo_assoc_id = 1;
}

int sctp_recvmsg(int fd, void *msg, size_t len, struct sockaddr *from, socklen_t *fromlen,
		 struct sctp_sndrcvinfo *sinfo, int *msg_flags)
{
	struct shim_fd *s = shim_get(fd);
	uint8_t hdr[8];
	uint8_t *pdu;
	uint32_t pdu_len;
	ssize_t n;
	size_t copy;

	if (!s) {
		RESOLVE(sctp_recvmsg);
		if (!REAL(sctp_recvmsg)) {
			errno = ENOSYS;
			return -1;
		}
		return REAL(sctp_recvmsg)(fd, msg, len, from, fromlen, sinfo, msg_flags);
	}
	if (msg_flags)
		*msg_flags = 0;
	if (from && fromlen)
		getpeername(fd, from, fromlen);
	if (s->eof)
		return 0;
	if (!s->up_reported) {
		s->up_reported = true;
		if (s->events.sctp_association_event)
			return shim_notify_assoc(msg, len, msg_flags, SCTP_COMM_UP, 0);
	}

	n = shim_read_full(fd, hdr, sizeof(hdr), false);
	if (n <= 0) {
		bool reset = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;

		if (n < 0 && !reset)
			return -1;
		/* The peer went away: report it as SCTP would, then EOF. */
		s->eof = true;
		if (!s->down_reported) {
			s->down_reported = true;
			if (!reset && s->events.sctp_shutdown_event)
				return shim_notify_shutdown(msg, len, msg_flags);
			if (s->events.sctp_association_event)
				return shim_notify_assoc(msg, len, msg_flags, SCTP_COMM_LOST, 0);
		}
		return 0;
	}
	pdu_len = (uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 | (uint32_t)hdr[6] << 8 | hdr[7];
	if (pdu_len < sizeof(hdr) || pdu_len > SHIM_MAX_PDU) {
		if (shim_debug)
			fprintf(stderr, "sctp_shim: fd %d: bad PDU length %u\n", fd, pdu_len);
		s->eof = true;
		errno = ECONNRESET;
		return -1;
	}
	pdu = malloc(pdu_len);
	if (!pdu) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(pdu, hdr, sizeof(hdr));
	if (pdu_len > sizeof(hdr) && shim_read_full(fd, pdu + sizeof(hdr), pdu_len - sizeof(hdr), true) < 0) {
		free(pdu);
		s->eof = true;
		return -1;
	}
	copy = pdu_len < len ? pdu_len : len;
	memcpy(msg, pdu, copy);
	free(pdu);
	shim_fill_sinfo(sinfo, hdr);
	if (msg_flags)
		*msg_flags = copy == pdu_len ? MSG_EOR : MSG_TRUNC;
	if (shim_debug)
		fprintf(stderr, "sctp_shim: fd %d: received %u octets\n", fd, pdu_len);
	return copy;
}

/* Write the whole PDU: SCTP sends a message or nothing. */
static int shim_write_full(int fd, const void *buf, size_t len)
{
	int64_t deadline = shim_now_ms() + SHIM_PDU_WAIT_MS;
	const uint8_t *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && done > 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int64_t left = deadline - shim_now_ms();

			if (left > 0 && poll(&pfd, 1, (int)left) > 0)
				continue;
			errno = ECONNRESET;
		}
		return -1;
	}
	return len;
}

int sctp_send(int fd, const void *msg, size_t len, const struct sctp_sndrcvinfo *sinfo,
	      int flags)
{
	if (!shim_get(fd)) {
		RESOLVE(sctp_send);
		if (!REAL(sctp_send)) {
			errno = ENOSYS;
			return -1;
		}
		return REAL(sctp_send)(fd, msg, len, sinfo, flags);
	}
	return shim_write_full(fd, msg, len);
}

int sctp_sendmsg(int fd, const void *msg, size_t len, struct sockaddr *to, socklen_t tolen,
		 uint32_t ppid, uint32_t flags, uint16_t stream_no, uint32_t timetolive,
		 uint32_t context)
{
	if (!shim_get(fd)) {
		RESOLVE(sctp_sendmsg);
		if (!REAL(sctp_sendmsg)) {
			errno = ENOSYS;
			return -1;
		}
		return REAL(sctp_sendmsg)(fd, msg, len, to, tolen, ppid, flags, stream_no,
					  timetolive, context);
	}
	return shim_write_full(fd, msg, len);
}

/* The Sofia-in-osmocom loop bridge: Sofia's timers must fire while only the
 * osmocom loop runs and no fd is active. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>

#include <osmocom/core/application.h>
#include <osmocom/core/timer.h>

#include "src/sip_agent.h"
#include "src/sip_loop.h"
#include "src/tandem_log.h"
#include "tests/unit/testlib.h"

static int silent_socket(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct client_state {
	int final_status;
	bool shutdown;
};

static void client_cb(nua_event_t event, int status, char const *phrase, nua_t *nua,
		      nua_magic_t *magic, nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip,
		      tagi_t tags[])
{
	struct client_state *st = (struct client_state *)magic;

	if (event == nua_r_options && status >= 200)
		st->final_status = status;
	if (event == nua_r_shutdown && status >= 200)
		st->shutdown = true;
}

/* Timer E: an OPTIONS to a peer that never answers is retransmitted at
 * 0.5 s, 1 s, 2 s... driven only by sip_loop_iterate(). */
START_TEST(test_timers_fire_while_idle)
{
	struct client_state st = { 0 };
	struct sip_loop *loop;
	nua_handle_t *nh;
	nua_t *nua;
	uint16_t port;
	char url[64];
	double t0, stamps[8];
	int fd, n = 0;

	fd = silent_socket(&port);
	loop = sip_loop_alloc(tt_ctx);
	ck_assert_ptr_nonnull(loop);
	nua = nua_create(sip_loop_root(loop), client_cb, (nua_magic_t *)&st,
			 NUTAG_URL("sip:127.0.0.1:0;transport=udp"), TAG_END());
	ck_assert_ptr_nonnull(nua);

	snprintf(url, sizeof(url), "sip:peer@127.0.0.1:%u", port);
	nh = nua_handle(nua, NULL, SIPTAG_TO_STR(url), TAG_END());
	nua_options(nh, TAG_END());

	t0 = now_s();
	while (now_s() - t0 < 2.2 && n < 8) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[2048];

		sip_loop_iterate(loop, false);
		while (poll(&pfd, 1, 0) == 1 && n < 8) {
			ck_assert_int_gt(recv(fd, buf, sizeof(buf), 0), 0);
			ck_assert(strncmp(buf, "OPTIONS ", 8) == 0);
			stamps[n++] = now_s() - t0;
		}
	}
	/* Sent at ~0, retransmitted at ~0.5 and ~1.5 s. */
	ck_assert_int_ge(n, 3);
	ck_assert(stamps[1] > 0.35 && stamps[1] < 0.9);
	ck_assert(stamps[2] > 1.3 && stamps[2] < 2.1);
	ck_assert_int_eq(st.final_status, 0);

	nua_handle_destroy(nh);
	nua_shutdown(nua);
	t0 = now_s();
	while (!st.shutdown && now_s() - t0 < 5)
		sip_loop_iterate(loop, false);
	ck_assert(st.shutdown);
	nua_destroy(nua);
	sip_loop_free(loop);
	close(fd);
}
END_TEST

START_TEST(test_cfg_url)
{
	struct sip_cfg cfg = { .local_addr = "127.0.0.1", .local_port = 5060,
			       .transport = SIP_TRANSPORT_UDP_TCP };
	char *url;

	url = sip_cfg_url(tt_ctx, &cfg);
	ck_assert_str_eq(url, "sip:127.0.0.1:5060");
	talloc_free(url);

	cfg.transport = SIP_TRANSPORT_UDP;
	cfg.local_addr = "::1";
	cfg.local_port = 5080;
	url = sip_cfg_url(tt_ctx, &cfg);
	ck_assert_str_eq(url, "sip:[::1]:5080;transport=udp");
	talloc_free(url);

	cfg.transport = SIP_TRANSPORT_TCP;
	url = sip_cfg_url(tt_ctx, &cfg);
	ck_assert_str_eq(url, "sip:[::1]:5080;transport=tcp");
	talloc_free(url);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sip_loop");
	TCase *tc;
	void *log_ctx = talloc_named_const(NULL, 0, "log");

	tandem_log_init(log_ctx);
	log_set_all_filter(osmo_stderr_target, 0);
	tc = tt_tcase(s, "loop");
	tcase_add_test(tc, test_timers_fire_while_idle);
	tcase_add_test(tc, test_cfg_url);
	return tt_run(s);
}

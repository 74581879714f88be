/* Unit tests of the SIP trunk table (src/sip_trunk.c): access lists
 * (IPv4/IPv6 prefixes and their edges), admission by source, peers,
 * Request-URIs, digest strings, bounds.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/utils.h>

#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "tests/unit/testlib.h"

/* A socket address from text (v4 or v6), in static storage. */
static const struct sockaddr *sa(const char *text)
{
	static struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else
		ck_abort_msg("bad test address %s", text);
	return (const struct sockaddr *)&ss;
}

static bool acl_matches(const char *acl, const char *src)
{
	struct sip_trunk_acl a;

	ck_assert_int_eq(sip_trunk_acl_parse(acl, &a), 0);
	return sip_trunk_acl_match(&a, sa(src));
}

static void drain(void)
{
	while (!llist_empty(sip_trunk_list()))
		sip_trunk_del(llist_first_entry(sip_trunk_list(), struct sip_trunk, list));
}

static struct sip_trunk *mk(const char *name)
{
	int err = 0;
	struct sip_trunk *t = sip_trunk_get(tt_ctx, name, &err);

	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(test_acl_parse)
{
	struct sip_trunk_acl a;
	char buf[64];

	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/8", &a), 0);
	ck_assert_int_eq(a.addr.ss_family, AF_INET);
	ck_assert_uint_eq(a.prefix_len, 8);
	ck_assert_int_eq(sip_trunk_acl_str(&a, buf, sizeof(buf)), 10);
	ck_assert_str_eq(buf, "10.0.0.0/8");
	/* a bare address is a host */
	ck_assert_int_eq(sip_trunk_acl_parse("192.0.2.7", &a), 0);
	ck_assert_uint_eq(a.prefix_len, 32);
	ck_assert_int_eq(sip_trunk_acl_parse("2001:db8::/32", &a), 0);
	ck_assert_int_eq(a.addr.ss_family, AF_INET6);
	sip_trunk_acl_str(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8::/32");
	ck_assert_int_eq(sip_trunk_acl_parse("::1", &a), 0);
	ck_assert_uint_eq(a.prefix_len, 128);
	ck_assert_int_eq(sip_trunk_acl_parse("0.0.0.0/0", &a), 0);
	ck_assert_int_eq(sip_trunk_acl_parse("::/0", &a), 0);
	ck_assert_int_eq(sip_trunk_acl_parse("192.168.4.0/22", &a), 0);
	/* host bits beyond the prefix */
	ck_assert_int_eq(sip_trunk_acl_parse("10.1.0.0/8", &a), -EDOM);
	ck_assert_int_eq(sip_trunk_acl_parse("192.168.5.0/22", &a), -EDOM);
	ck_assert_int_eq(sip_trunk_acl_parse("2001:db8::1/64", &a), -EDOM);
	/* malformed */
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/33", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("::/129", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("/8", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/-1", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/8x", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/0008", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("carrier.example", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("", &a), -EINVAL);
	ck_assert_int_eq(sip_trunk_acl_parse("1111:2222:3333:4444:5555:6666:7777:8888:9999/64", &a), -EINVAL);
}
END_TEST

START_TEST(test_acl_match)
{
	struct sip_trunk_acl a;
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6 };

	ck_assert(acl_matches("10.0.0.0/8", "10.0.0.0"));
	ck_assert(acl_matches("10.0.0.0/8", "10.255.255.255"));
	ck_assert(!acl_matches("10.0.0.0/8", "11.0.0.0"));
	ck_assert(!acl_matches("10.0.0.0/8", "9.255.255.255"));
	/* a prefix that ends inside an octet */
	ck_assert(acl_matches("192.168.4.0/22", "192.168.7.255"));
	ck_assert(!acl_matches("192.168.4.0/22", "192.168.8.0"));
	ck_assert(!acl_matches("192.168.4.0/22", "192.168.3.255"));
	ck_assert(acl_matches("192.0.2.6/31", "192.0.2.7"));
	ck_assert(!acl_matches("192.0.2.6/31", "192.0.2.8"));
	ck_assert(acl_matches("192.0.2.7", "192.0.2.7"));
	ck_assert(!acl_matches("192.0.2.7", "192.0.2.6"));
	/* /0 admits its own family only */
	ck_assert(acl_matches("0.0.0.0/0", "203.0.113.9"));
	ck_assert(!acl_matches("0.0.0.0/0", "2001:db8::1"));
	ck_assert(acl_matches("::/0", "2001:db8::1"));
	ck_assert(!acl_matches("::/0", "127.0.0.1"));
	ck_assert(acl_matches("2001:db8::/32", "2001:db8:ffff::1"));
	ck_assert(!acl_matches("2001:db8::/32", "2001:db9::1"));
	ck_assert(acl_matches("2001:db8::/33", "2001:db8:7fff::"));
	ck_assert(!acl_matches("2001:db8::/33", "2001:db8:8000::"));
	ck_assert(acl_matches("::1", "::1"));
	ck_assert(!acl_matches("::1", "::2"));
	/* an IPv4-mapped IPv6 source is its IPv4 address */
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &mapped.sin6_addr);
	ck_assert_int_eq(sip_trunk_acl_parse("10.0.0.0/8", &a), 0);
	ck_assert(sip_trunk_acl_match(&a, (struct sockaddr *)&mapped));
	ck_assert_int_eq(sip_trunk_acl_parse("::ffff:0:0/96", &a), 0);
	ck_assert(!sip_trunk_acl_match(&a, (struct sockaddr *)&mapped));
	ck_assert(!sip_trunk_acl_match(&a, NULL));
}
END_TEST

START_TEST(test_by_source)
{
	struct sip_trunk *a, *b, *c;

	ck_assert_ptr_null(sip_trunk_by_source(sa("127.0.0.1")));
	a = mk("a");
	b = mk("b");
	c = mk("c");
	ck_assert_int_eq(sip_trunk_peer_add(a, "127.0.0.2", 5062), 0);
	ck_assert_int_eq(sip_trunk_peer_add(a, "carrier.example", 0), 0);
	ck_assert_int_eq(sip_trunk_peer_add(b, "127.0.0.2", 5070), 0);
	ck_assert_int_eq(sip_trunk_acl_parse("127.0.0.0/8", &b->acl[b->num_acl++]), 0);
	ck_assert_int_eq(sip_trunk_peer_add(c, "2001:db8::5", 0), 0);
	/* empty ACL: the peers' literal addresses, any port */
	ck_assert(sip_trunk_admits(a, sa("127.0.0.2")));
	ck_assert(!sip_trunk_admits(a, sa("127.0.0.3")));
	/* an ACL replaces the peers */
	ck_assert(sip_trunk_admits(b, sa("127.0.0.3")));
	ck_assert(!sip_trunk_admits(b, sa("10.0.0.1")));
	/* the first trunk in configuration order */
	ck_assert_ptr_eq(sip_trunk_by_source(sa("127.0.0.2")), a);
	ck_assert_ptr_eq(sip_trunk_by_source(sa("127.9.9.9")), b);
	ck_assert_ptr_eq(sip_trunk_by_source(sa("2001:db8::5")), c);
	ck_assert_ptr_null(sip_trunk_by_source(sa("2001:db8::6")));
	ck_assert_ptr_null(sip_trunk_by_source(sa("192.0.2.1")));
	ck_assert_ptr_null(sip_trunk_by_source(NULL));
	ck_assert_ptr_eq(sip_trunk_find("b"), b);
	ck_assert_ptr_null(sip_trunk_find("d"));
	ck_assert_ptr_null(sip_trunk_find(NULL));
	ck_assert_uint_eq(sip_trunk_count(), 3);
	drain();
	ck_assert_uint_eq(sip_trunk_count(), 0);
}
END_TEST

START_TEST(test_request_uri)
{
	struct sip_trunk *t = mk("t");
	char buf[256];

	ck_assert_int_eq(sip_trunk_request_uri(t, "4930123", buf, sizeof(buf)), -ENOENT);
	ck_assert(!sip_trunk_usable(t));
	ck_assert(!sip_trunk_usable(NULL));
	ck_assert_int_eq(sip_trunk_peer_add(t, "127.0.0.1", 5062), 0);
	ck_assert(sip_trunk_usable(t));
	ck_assert_int_eq(sip_trunk_request_uri(t, "4930123", buf, sizeof(buf)), 40);
	ck_assert_str_eq(buf, "sip:4930123@127.0.0.1:5062;transport=udp");
	ck_assert_int_eq(sip_trunk_request_uri(t, "+4930123", buf, sizeof(buf)), 41);
	ck_assert_str_eq(buf, "sip:+4930123@127.0.0.1:5062;transport=udp");
	/* too small: nothing half-written is claimed */
	ck_assert_int_eq(sip_trunk_request_uri(t, "4930123", buf, 40), -ENOSPC);
	/* no number, or characters a URI would need escaped */
	ck_assert_int_eq(sip_trunk_request_uri(t, "", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(sip_trunk_request_uri(t, "49@x", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(sip_trunk_request_uri(t, "49#", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(sip_trunk_request_uri(t, "4+9", buf, sizeof(buf)), -EINVAL);
	/* IPv6 in brackets, TCP */
	sip_trunk_peer_del(t, "127.0.0.1", 0);
	ck_assert_int_eq(sip_trunk_peer_add(t, "2001:db8::1", 0), 0);
	t->transport = SIP_TRUNK_TCP;
	sip_trunk_request_uri(t, "1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sip:1@[2001:db8::1]:5060;transport=tcp");
	/* with keepalive, the first peer still alive */
	ck_assert_int_eq(sip_trunk_peer_add(t, "peer2.example", 5080), 0);
	t->keepalive_s = 30;
	sip_trunk_priv(t)->ka[0].up = false;
	sip_trunk_priv(t)->ka[1].up = true;
	sip_trunk_request_uri(t, "1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sip:1@peer2.example:5080;transport=tcp");
	t->state = SIP_TRUNK_ST_DOWN;
	ck_assert(!sip_trunk_usable(t));
	drain();
}
END_TEST

START_TEST(test_auth_string)
{
	struct sip_trunk *t = mk("t");
	char buf[64];

	ck_assert_int_eq(sip_trunk_auth_string(t, "r", buf, sizeof(buf)), -ENOENT);
	strcpy(t->auth_out_user, "alice");
	strcpy(t->auth_out_pass, "s:cret");
	ck_assert_int_eq(sip_trunk_auth_string(t, "carrier", buf, sizeof(buf)), 29);
	ck_assert_str_eq(buf, "Digest:\"carrier\":alice:s:cret");
	/* the realm as the challenge quotes it */
	sip_trunk_auth_string(t, "\"carrier\"", buf, sizeof(buf));
	ck_assert_str_eq(buf, "Digest:\"carrier\":alice:s:cret");
	sip_trunk_auth_string(t, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Digest:\"\":alice:s:cret");
	ck_assert_int_eq(sip_trunk_auth_string(t, "a\"b", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(sip_trunk_auth_string(t, "carrier", buf, 29), -ENOSPC);
	ck_assert_int_eq(sip_trunk_auth_string(NULL, "carrier", buf, sizeof(buf)), -ENOENT);
	drain();
}
END_TEST

START_TEST(test_bounds)
{
	struct sip_trunk *t;
	char name[64];
	int err = 0, i;

	ck_assert_ptr_null(sip_trunk_get(tt_ctx, "", &err));
	ck_assert_int_eq(err, -EINVAL);
	memset(name, 'a', SIP_TRUNK_NAME_MAX);
	name[SIP_TRUNK_NAME_MAX] = '\0';
	ck_assert_ptr_null(sip_trunk_get(tt_ctx, name, &err));
	name[SIP_TRUNK_NAME_MAX - 1] = '\0';
	ck_assert_ptr_nonnull(sip_trunk_get(tt_ctx, name, &err));
	ck_assert_ptr_null(sip_trunk_get(tt_ctx, "a\"b", &err));
	t = mk("t");
	ck_assert_ptr_eq(mk("t"), t);
	/* defaults */
	ck_assert_int_eq(t->mode, SIPI_MODE_SIP);
	ck_assert_int_eq(t->transport, SIP_TRUNK_UDP);
	ck_assert_int_eq(t->state, SIP_TRUNK_ST_UP);
	/* peers */
	ck_assert_int_eq(sip_trunk_peer_add(t, "", 0), -EINVAL);
	ck_assert_int_eq(sip_trunk_peer_add(t, "a b", 0), -EINVAL);
	ck_assert_int_eq(sip_trunk_peer_add(t, "1:2", 0), -EINVAL);
	memset(name, 'h', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(sip_trunk_peer_add(t, name, 0), 0);
	for (i = 1; i < SIP_TRUNK_PEERS_MAX; i++) {
		snprintf(name, sizeof(name), "10.0.0.%d", i);
		ck_assert_int_eq(sip_trunk_peer_add(t, name, 0), 0);
	}
	ck_assert_int_eq(sip_trunk_peer_add(t, "10.0.0.1", 5060), -EEXIST);
	ck_assert_int_eq(sip_trunk_peer_add(t, "10.0.0.1", 5061), -ENOSPC);
	ck_assert_int_eq(sip_trunk_peer_del(t, "10.0.0.1", 5061), -ENOENT);
	ck_assert_int_eq(sip_trunk_peer_del(t, "10.0.0.1", 5060), 0);
	ck_assert_int_eq(sip_trunk_peer_del(t, "10.0.0.2", 0), 0);
	ck_assert_uint_eq(t->num_peers, SIP_TRUNK_PEERS_MAX - 2);
	ck_assert_str_eq(t->peers[1].host, "10.0.0.3");
	/* trunks */
	for (i = sip_trunk_count(); i < SIP_TRUNK_MAX; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		mk(name);
	}
	ck_assert_ptr_null(sip_trunk_get(tt_ctx, "one-more", &err));
	ck_assert_int_eq(err, -ENOSPC);
	sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_CALL_IN);
	sip_trunk_ctr_inc(NULL, SIP_TRUNK_CTR_CALL_IN);
	drain();
}
END_TEST


/* `local-bind`: the listener URL, the checks before it is set, and a
 * trunk whose bind does not listen takes no calls. */
START_TEST(test_bind)
{
	struct sip_trunk *a = mk("a"), *b = mk("b");
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char url[96], why[160];
	int fd;

	ck_assert_int_eq(sip_trunk_bind_url(a, url, sizeof(url)), 0);
	ck_assert_str_eq(url, "");
	ck_assert_int_eq(sip_trunk_peer_add(a, "127.0.0.2", 0), 0);
	ck_assert(sip_trunk_usable(a));
	osmo_strlcpy(a->bind_addr, "127.0.0.1", sizeof(a->bind_addr));
	a->bind_port = 5070;
	ck_assert_int_gt(sip_trunk_bind_url(a, url, sizeof(url)), 0);
	ck_assert_str_eq(url, "sip:127.0.0.1:5070;transport=udp");
	ck_assert_int_eq(sip_trunk_bind_url(a, url, 10), -ENOSPC);
	/* configured but not listening (not started here): no calls */
	ck_assert(!sip_trunk_usable(a));
	ck_assert_ptr_null(sip_trunk_nua(a));
	osmo_strlcpy(b->bind_addr, "::1", sizeof(b->bind_addr));
	b->bind_port = 5071;
	b->transport = SIP_TRUNK_TCP;
	ck_assert_int_gt(sip_trunk_bind_url(b, url, sizeof(url)), 0);
	ck_assert_str_eq(url, "sip:[::1]:5071;transport=tcp");

	/* not an address; another trunk's bind (the same, or a wildcard) */
	ck_assert_int_eq(sip_trunk_bind_check(b, "carrier.example", 5070, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "'carrier.example' is not an IPv4 or IPv6 address");
	ck_assert_int_eq(sip_trunk_bind_check(b, "127.0.0.1", 5070, why, sizeof(why)), -EEXIST);
	ck_assert_str_eq(why, "127.0.0.1 port 5070 is SIP trunk a's local-bind");
	ck_assert_int_eq(sip_trunk_bind_check(b, "0.0.0.0", 5070, why, sizeof(why)), -EEXIST);
	/* a port in use (held here), an address that is not ours */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	ck_assert_int_eq(sip_trunk_bind_check(a, "127.0.0.1", ntohs(sin.sin_port), why, sizeof(why)),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(why, "(udp) is in use"));
	/* the same port over TCP is free */
	a->transport = SIP_TRUNK_TCP;
	ck_assert_int_eq(sip_trunk_bind_check(a, "127.0.0.1", ntohs(sin.sin_port), why, sizeof(why)), 0);
	close(fd);
	ck_assert_int_eq(sip_trunk_bind_check(a, "192.0.2.77", 5070, why, sizeof(why)), -EADDRNOTAVAIL);
	ck_assert_ptr_nonnull(strstr(why, "cannot bind 192.0.2.77 port 5070"));
	drain();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sip_trunk");
	TCase *tc = tt_tcase(s, "trunk");

	tcase_add_test(tc, test_acl_parse);
	tcase_add_test(tc, test_acl_match);
	tcase_add_test(tc, test_by_source);
	tcase_add_test(tc, test_request_uri);
	tcase_add_test(tc, test_auth_string);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_bind);
	return tt_run(s);
}

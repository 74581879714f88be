/* h248_tool: the H.248.1 text codec from the command line, for the tests.
 *
 *   h248_tool [-s] [-p] < message     parse, then write it back out
 *                                     (-s short tokens, -p pretty form)
 *   h248_tool -j < message            parse, then print what was read as JSON
 *
 * A message that does not parse gives exit status 2 and, on stderr,
 * "error RC CODE TRANS-ID LINE TOKEN" (TRANS-ID "-" when none was read).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "mgcp/h248_msg.h"

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_items(const char *key, const struct llist_head *items)
{
	const struct h248_item *it;
	bool first = true;

	printf(", ");
	json_str(key);
	printf(": [");
	llist_for_each_entry(it, items, list) {
		printf("%s", first ? "" : ", ");
		if (it->timestamp) {
			char both[H248_NAME_MAX * 2 + 2];

			snprintf(both, sizeof(both), "%s:%s", it->timestamp, it->name);
			json_str(both);
		} else {
			json_str(it->name);
		}
		first = false;
	}
	printf("]");
}

static void json_cmd(const struct h248_cmd *c)
{
	const struct h248_stream *s;
	bool first = true;

	printf("{\"cmd\": ");
	json_str(get_value_string(h248_cmd_names, c->kind));
	printf(", \"term\": ");
	json_str(c->term_id);
	printf(", \"streams\": [");
	llist_for_each_entry(s, &c->media.streams, list) {
		printf("%s{\"id\": %u, \"mode\": ", first ? "" : ", ", s->id);
		json_str(get_value_string(h248_mode_names, s->lc.mode));
		printf(", \"rv\": %d, \"rg\": %d, \"local\": ", s->lc.reserve_value, s->lc.reserve_group);
		json_str(s->local);
		printf(", \"remote\": ");
		json_str(s->remote);
		printf("}");
		first = false;
	}
	printf("]");
	if (c->events.present)
		printf(", \"events_rid\": %u", c->events.request_id);
	if (c->observed.present)
		printf(", \"observed_rid\": %u", c->observed.request_id);
	json_items("events", &c->events.items);
	json_items("signals", &c->signals.items);
	json_items("observed", &c->observed.items);
	json_items("stats", &c->stats.items);
	json_items("audit", &c->audit.items);
	if (c->sc.present) {
		printf(", \"method\": ");
		json_str(get_value_string(h248_sc_method_names, c->sc.method));
		printf(", \"reason\": ");
		json_str(c->sc.reason);
		printf(", \"address\": ");
		json_str(c->sc.address);
		printf(", \"profile\": ");
		json_str(c->sc.profile);
		printf(", \"delay\": %d", c->sc.has_delay ? (int)c->sc.delay : -1);
	}
	if (c->error.present)
		printf(", \"error\": %u", c->error.code);
	printf("}");
}

static void json_msg(const struct h248_msg *msg)
{
	const struct h248_trans *t;
	const struct h248_action *a;
	const struct h248_cmd *c;
	bool ft = true, fa, fc;

	printf("{\"version\": %u, \"mid\": ", msg->version);
	json_str(msg->mid);
	if (msg->error.present)
		printf(", \"error\": %u", msg->error.code);
	printf(", \"trans\": [");
	llist_for_each_entry(t, &msg->trans, list) {
		printf("%s{\"kind\": ", ft ? "" : ", ");
		json_str(get_value_string(h248_trans_kind_names, t->kind));
		printf(", \"id\": %u, \"acks\": [", t->id);
		for (unsigned int i = 0; i < t->n_acks; i++)
			printf("%s[%u, %u]", i ? ", " : "", t->acks[i].first, t->acks[i].last);
		printf("]");
		if (t->error.present)
			printf(", \"error\": %u", t->error.code);
		printf(", \"actions\": [");
		fa = true;
		llist_for_each_entry(a, &t->actions, list) {
			printf("%s{\"ctx\": ", fa ? "" : ", ");
			if (a->ctx == H248_CTX_ID)
				printf("\"%u\"", a->ctx_id);
			else
				json_str(get_value_string(h248_ctx_kind_names, a->ctx));
			if (a->error.present)
				printf(", \"error\": %u", a->error.code);
			printf(", \"cmds\": [");
			fc = true;
			llist_for_each_entry(c, &a->cmds, list) {
				printf("%s", fc ? "" : ", ");
				json_cmd(c);
				fc = false;
			}
			printf("]}");
			fa = false;
		}
		printf("]}");
		ft = false;
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	static char in[H248_MSG_MAX + 2], out[H248_MSG_MAX * 2];
	unsigned int flags = 0;
	bool json = false;
	struct h248_err_detail err;
	struct h248_msg *msg;
	size_t len;
	void *ctx;
	int opt, rc;

	while ((opt = getopt(argc, argv, "spj")) != -1) {
		switch (opt) {
		case 's':
			flags |= H248_ENC_SHORT;
			break;
		case 'p':
			flags |= H248_ENC_PRETTY;
			break;
		case 'j':
			json = true;
			break;
		default:
			fprintf(stderr, "usage: h248_tool [-s] [-p] [-j] < message\n");
			return 1;
		}
	}
	len = fread(in, 1, sizeof(in), stdin);
	ctx = talloc_named_const(NULL, 0, "h248_tool");
	rc = h248_msg_parse(ctx, in, len, &msg, &err);
	if (rc < 0) {
		fprintf(stderr, "error %d %u ", rc, err.code);
		if (err.has_trans_id)
			fprintf(stderr, "%u", err.trans_id);
		else
			fprintf(stderr, "-");
		fprintf(stderr, " %u %s (%s)\n", err.line, err.token[0] ? err.token : "-", h248_strerror(rc));
		talloc_free(ctx);
		return 2;
	}
	if (json) {
		json_msg(msg);
	} else {
		rc = h248_msg_encode(msg, flags, out, sizeof(out));
		if (rc < 0) {
			fprintf(stderr, "encode: %s\n", h248_strerror(rc));
			talloc_free(ctx);
			return 3;
		}
		fwrite(out, 1, rc, stdout);
	}
	talloc_free(ctx);
	return 0;
}

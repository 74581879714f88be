/* h248_ca_tool: tandemd's H.248 controller (mgcp/h248_ca*) driven line by
 * line, for the system tests against the real tandem-mgw.
 *
 *   h248_ca_tool -l LOCAL-PORT -r GATEWAY-PORT [-v VERSION] [-p PROBE-S] [-T X=MS]...
 *   (-T sets transaction layer timer X, e.g. -T 3=300: give up after 300 ms)
 *
 * Commands on stdin, one a line:
 *   add CTX SPEC...       CTX: $ (choose), - (NULL) or a number
 *   modify CTX SPEC...    SPEC: ID[,mode=M][,local=PTS][,remote=PORT/PTS]
 *   subtract CTX TERM     (PTS as "8+0"; local and remote go in Stream 1)
 *   audit CTX TERM
 *   state | counters | quit
 * Everything that happens is one JSON object a line on stdout: "result"
 * (rc, code, ctx, terms), "state", "lost", "notify", "counters".
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>

#include "mgcp/h248_ca.h"
#include "src/tandem_log.h"

#define LINE_MAX_LEN 1024

static struct h248_ca *g_ca;
static bool g_quit;
static char g_line[LINE_MAX_LEN + 1];
static size_t g_line_len;

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void result_cb(void *data, const struct h248_ca_result *res)
{
	unsigned int i;

	printf("{\"ev\": \"result\", \"op\": ");
	json_str(data);
	printf(", \"rc\": %d, \"code\": %u, \"text\": ", res->rc, res->code);
	json_str(res->text);
	if (res->has_ctx)
		printf(", \"ctx\": %u", res->ctx_id);
	else
		printf(", \"ctx\": null");
	printf(", \"terms\": [");
	for (i = 0; i < res->n_terms; i++) {
		printf("%s{\"id\": ", i ? ", " : "");
		json_str(res->terms[i].id);
		printf(", \"local\": ");
		json_str(res->terms[i].local);
		printf("}");
	}
	printf("]}\n");
}

static void state_cb(struct h248_ca *ca, enum h248_ca_state st, void *priv)
{
	printf("{\"ev\": \"state\", \"state\": \"%s\"}\n", get_value_string(h248_ca_state_names, st));
}

static void lost_cb(struct h248_ca *ca, enum h248_sc_method method, const char *reason, void *priv)
{
	printf("{\"ev\": \"lost\", \"method\": \"%s\", \"reason\": ", get_value_string(h248_sc_method_names, method));
	json_str(reason);
	printf("}\n");
}

static void notify_cb(struct h248_ca *ca, uint32_t ctx_id, const struct h248_cmd *cmd, void *priv)
{
	printf("{\"ev\": \"notify\", \"ctx\": %u, \"term\": ", ctx_id);
	json_str(cmd->term_id);
	printf("}\n");
}

static const struct h248_ca_ops tool_ops = { .state = state_cb, .contexts_lost = lost_cb, .notify = notify_cb };

static int parse_ctx(const char *s, uint32_t *ctx)
{
	char *end;
	unsigned long v;

	if (!strcmp(s, "$")) {
		*ctx = H248_CA_CTX_CHOOSE;
		return 0;
	}
	if (!strcmp(s, "-")) {
		*ctx = H248_CA_CTX_NULL;
		return 0;
	}
	v = strtoul(s, &end, 10);
	if (*end || !v || v >= H248_CA_CTX_CHOOSE)
		return -EINVAL;
	*ctx = v;
	return 0;
}

/* "8+0" -> "8 0" */
static void pts(char *s)
{
	for (; *s; s++)
		if (*s == '+')
			*s = ' ';
}

/* One termination SPEC into @t and @m; the SDP texts live under @ctx. */
static int parse_spec(void *ctx, char *spec, struct h248_ca_term *t, struct h248_ca_media *m)
{
	char *save = NULL, *tok = strtok_r(spec, ",", &save);
	int mode;

	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	t->id = tok;
	while ((tok = strtok_r(NULL, ",", &save))) {
		t->media = m;
		if (!strncmp(tok, "mode=", 5)) {
			mode = get_string_value(h248_mode_names, tok + 5);
			if (mode < 0)
				return -EINVAL;
			m->mode = mode;
		} else if (!strncmp(tok, "local=", 6)) {
			pts(tok + 6);
			m->stream = 1;
			m->local = talloc_asprintf(ctx, "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP %s", tok + 6);
		} else if (!strncmp(tok, "remote=", 7)) {
			char *slash = strchr(tok + 7, '/');

			if (!slash)
				return -EINVAL;
			*slash = '\0';
			pts(slash + 1);
			m->stream = 1;
			m->remote = talloc_asprintf(ctx, "v=0\nc=IN IP4 127.0.0.1\nm=audio %s RTP/AVP %s", tok + 7,
						    slash + 1);
		} else {
			return -EINVAL;
		}
	}
	return t->id ? 0 : -EINVAL;
}

static void print_ctrs(const char *prefix, const struct rate_ctr_group *g, bool *first)
{
	unsigned int i;

	for (i = 0; i < g->desc->num_ctr; i++) {
		printf("%s\"%s%s\": %llu", *first ? "" : ", ", prefix, g->desc->ctr_desc[i].name,
		       (unsigned long long)rate_ctr_group_get_ctr((struct rate_ctr_group *)g, i)->current);
		*first = false;
	}
}

static void cmd_terms(char *op, char **argv, int argc)
{
	void *tmp = talloc_new(NULL);
	struct h248_ca_term terms[H248_CA_TERMS_MAX];
	struct h248_ca_media media[H248_CA_TERMS_MAX];
	uint32_t ctx;
	int i, rc = 0;

	if (argc < 2 || argc - 1 > H248_CA_TERMS_MAX || parse_ctx(argv[0], &ctx) < 0)
		rc = -EINVAL;
	for (i = 1; !rc && i < argc; i++)
		rc = parse_spec(tmp, argv[i], &terms[i - 1], &media[i - 1]);
	if (!rc && !strcmp(op, "add"))
		rc = h248_ca_add(g_ca, ctx, terms, argc - 1, result_cb, op, NULL);
	else if (!rc)
		rc = h248_ca_modify(g_ca, ctx, terms, argc - 1, result_cb, op, NULL);
	if (rc)
		printf("{\"ev\": \"result\", \"op\": \"%s\", \"rc\": %d, \"sent\": false}\n", op, rc);
	talloc_free(tmp);
}

static void run_line(char *line)
{
	static char op_add[] = "add", op_modify[] = "modify", op_subtract[] = "subtract", op_audit[] = "audit";
	char *argv[2 + H248_CA_TERMS_MAX], *save = NULL, *tok;
	int argc = 0, rc = -EINVAL;
	uint32_t ctx;

	for (tok = strtok_r(line, " \t\r", &save); tok && argc < (int)ARRAY_SIZE(argv);
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	if (!argc)
		return;
	if (!strcmp(argv[0], "add") || !strcmp(argv[0], "modify")) {
		cmd_terms(!strcmp(argv[0], "add") ? op_add : op_modify, argv + 1, argc - 1);
	} else if (!strcmp(argv[0], "subtract") || !strcmp(argv[0], "audit")) {
		bool sub = !strcmp(argv[0], "subtract");

		if (argc == 3 && parse_ctx(argv[1], &ctx) == 0)
			rc = sub ? h248_ca_subtract(g_ca, ctx, argv[2], result_cb, op_subtract, NULL)
				 : h248_ca_audit(g_ca, ctx, argv[2], result_cb, op_audit, NULL);
		if (rc)
			printf("{\"ev\": \"result\", \"op\": \"%s\", \"rc\": %d, \"sent\": false}\n", argv[0], rc);
	} else if (!strcmp(argv[0], "state")) {
		printf("{\"ev\": \"state\", \"state\": \"%s\", \"version\": %u, \"outstanding\": %u}\n",
		       get_value_string(h248_ca_state_names, g_ca->state), g_ca->version, h248_ca_outstanding(g_ca));
	} else if (!strcmp(argv[0], "counters")) {
		bool first = false;

		printf("{\"ev\": \"counters\"");
		print_ctrs("", g_ca->ctrs, &first);
		if (g_ca->tl)
			print_ctrs("tl:", g_ca->tl->ctrs, &first);
		printf("}\n");
	} else if (!strcmp(argv[0], "quit")) {
		g_quit = true;
	} else {
		printf("{\"ev\": \"error\", \"line\": ");
		json_str(argv[0]);
		printf("}\n");
	}
}

static int stdin_cb(struct osmo_fd *ofd, unsigned int what)
{
	char buf[512];
	ssize_t n = read(ofd->fd, buf, sizeof(buf));
	ssize_t i;

	if (n <= 0) {
		g_quit = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			/* a line longer than any command is cut, then refused */
			if (g_line_len < LINE_MAX_LEN)
				g_line[g_line_len++] = buf[i];
			continue;
		}
		g_line[g_line_len] = '\0';
		g_line_len = 0;
		run_line(g_line);
	}
	return 0;
}

int main(int argc, char **argv)
{
	void *root = talloc_named_const(NULL, 0, "h248_ca_tool");
	struct osmo_fd in = { .fd = -1 };
	int opt, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tandem_log_init(root);
	rate_ctr_init(root);
	g_ca = h248_ca_alloc(root, "gw", 0);
	if (!g_ca)
		return 1;
	g_ca->ops = &tool_ops;
	while ((opt = getopt(argc, argv, "l:r:v:p:T:")) != -1) {
		switch (opt) {
		case 'l':
			g_ca->cfg.local_port = atoi(optarg);
			break;
		case 'r':
			g_ca->cfg.remote_port = atoi(optarg);
			break;
		case 'v':
			g_ca->cfg.version = atoi(optarg);
			break;
		case 'p':
			osmo_tdef_set(g_ca->tdefs, H248_CA_T_PROBE, atoi(optarg), OSMO_TDEF_S);
			break;
		case 'T':
			if (!strchr(optarg, '=') ||
			    osmo_tdef_set(g_ca->tdefs, atoi(optarg), atoi(strchr(optarg, '=') + 1), OSMO_TDEF_MS) < 0) {
				fprintf(stderr, "h248_ca_tool: bad timer %s\n", optarg);
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: %s -l LOCAL-PORT -r GATEWAY-PORT [-v VERSION] [-p PROBE-S] [-T X=MS]\n", argv[0]);
			return 1;
		}
	}
	rc = h248_ca_start(g_ca);
	if (rc < 0) {
		fprintf(stderr, "h248_ca_tool: cannot start: %s\n", strerror(-rc));
		return 1;
	}
	osmo_fd_setup(&in, 0, OSMO_FD_READ, stdin_cb, NULL, 0);
	osmo_fd_register(&in);
	printf("{\"ev\": \"started\", \"port\": %u}\n", h248_ca_local_port(g_ca));
	while (!g_quit)
		osmo_select_main(0);
	osmo_fd_unregister(&in);
	talloc_free(g_ca);
	talloc_free(root);
	return 0;
}

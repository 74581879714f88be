/* isup_peer: a scripted ISUP test peer (SIPp's role, for ISUP).
 *
 * It connects to an STP as an M3UA ASP through libosmo-sigtran, like
 * tandemd, and plays a scenario file line by line: send messages, expect
 * messages with field checks and a timeout.  It exits 0 when the scenario
 * completes and 1 at the first mismatch, naming the line.
 *
 * Usage: isup_peer -c PEER.cfg -s SCENARIO [-t SECONDS] [-l]
 *
 * -l: after a passed scenario, keep the association up (print "LINGER")
 * until SIGTERM, so that the STP does not report our point code
 * inaccessible (DUNA) while the harness still looks at tandemd.
 *
 * PEER.cfg holds the "cs7 instance 0" ASP config (and logging).  The
 * scenario format is described in doc/ss7.md ("The ISUP test peer"):
 *
 *   opc 2.2.2              # our point code (default: the instance's)
 *   dpc 1.1.1              # tandemd's point code
 *   variant itu            # itu, ansi or china
 *   timeout 5              # default expect timeout in seconds
 *   ignore GRS             # from here on, skip this type when expecting
 *   unignore GRS           # and from here on, no longer
 *   expect GRS cic=1 range=7
 *   send GRA cic=1 range=7 status=00000000
 *   send IAM cic=3 called=12345
 *   expect ACM cic=3 timeout=10
 *   send REL cic=3 cause=17
 *   send REL cic=$ cause=22 diag=841094039909   (diagnostic in hex)
 *   expect RLC cic=3
 *   send CGB cic=1 range=3 status=1111 type=maintenance
 *   expect CFN cic=5 cause=97 diag=fe
 *   send raw cic=5 hex=fe00      # any octets after the CIC
 *   expect-none 1          # nothing but ignored types for 1 s
 *   mark NAME              # print "MARK NAME" for the harness
 *   wait-file NAME         # wait until the harness creates NAME
 *   sleep 0.5
 *   send IAM cic=3 called=1 continuity=1   # NCI continuity check indicator
 *   send COT cic=3 cot=ok                  # continuity indicator: ok or fail
 *   send SUS cic=3 susres=network          # suspend/resume: network or user
 *   send CPG cic=3 p24=02 p2c=f9           # any parameter: p + code in hex = octets
 *   expect ACM cic=3 p11=0601 p29=none     # exact octets, or none: absent
 *
 * cic=* in an expect matches any CIC and remembers it; cic=$ then means
 * that CIC in later lines.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/application.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/mtp_sap.h>
#include <osmocom/sigtran/osmo_ss7.h>
#include <osmocom/sigtran/protocol/mtp.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/vty.h>

#include "isup/isup_msg.h"
#include "isup/isup_params.h"

#define PEER_MAX_LINES	512
#define PEER_MAX_FIELDS	12
#define PEER_LINE_MAX	512

enum peer_op {
	OP_SEND,
	OP_EXPECT,
	OP_EXPECT_NONE,
	OP_SLEEP,
	OP_MARK,
	OP_WAIT_FILE,
	OP_IGNORE,
	OP_UNIGNORE,
};

struct peer_field {
	char key[16];
	char val[PEER_LINE_MAX];
};

struct peer_step {
	unsigned int lineno;
	enum peer_op op;
	char arg[64];		/* message type, mark name, file name */
	double secs;
	unsigned int num_fields;
	struct peer_field fields[PEER_MAX_FIELDS];
};

struct peer_rx {
	struct llist_head list;
	uint8_t *data;
	size_t len;
};

struct peer {
	void *ctx;
	struct osmo_ss7_instance *inst;
	uint32_t opc, dpc;
	bool opc_set, dpc_set;
	enum isup_variant variant;
	double timeout;
	bool ignore[256];
	struct peer_step *steps;
	unsigned int num_steps;
	unsigned int cur;
	int last_cic;
	struct llist_head rxq;
	struct osmo_timer_list timer;
	struct osmo_timer_list poll;
	double waited;
	bool step_started;
	bool done;
	int result;
};

static struct peer g_peer;
static volatile sig_atomic_t g_term;

static void term_handler(int sig)
{
	g_term = 1;
}

static const struct log_info peer_log_info = {
	.cat = NULL,
	.num_cat = 0,
};

static struct vty_app_info peer_vty_info = {
	.name = "isup_peer",
	.version = "1",
	.go_parent_cb = osmo_ss7_vty_go_parent,
};

static void finish(int result, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void finish(int result, const char *fmt, ...)
{
	va_list ap;

	if (g_peer.done)
		return;
	va_start(ap, fmt);
	if (result)
		printf("FAIL line %u: ", g_peer.cur < g_peer.num_steps ? g_peer.steps[g_peer.cur].lineno : 0);
	else
		printf("PASS: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	g_peer.done = true;
	g_peer.result = result;
}

static const char *field(const struct peer_step *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->num_fields; i++)
		if (!strcmp(s->fields[i].key, key))
			return s->fields[i].val;
	return NULL;
}

static int msg_type_parse(const char *name)
{
	const struct value_string *vs;

	for (vs = isup_msg_type_names; vs->str; vs++)
		if (!strcasecmp(vs->str, name))
			return vs->value;
	return -1;
}

/* ---- scenario file ---- */

static int parse_step(char *line, unsigned int lineno, struct peer_step *s)
{
	char *save = NULL, *tok, *eq;
	const char *op;

	memset(s, 0, sizeof(*s));
	s->lineno = lineno;
	op = strtok_r(line, " \t", &save);
	if (!strcmp(op, "send"))
		s->op = OP_SEND;
	else if (!strcmp(op, "expect"))
		s->op = OP_EXPECT;
	else if (!strcmp(op, "expect-none"))
		s->op = OP_EXPECT_NONE;
	else if (!strcmp(op, "sleep"))
		s->op = OP_SLEEP;
	else if (!strcmp(op, "mark"))
		s->op = OP_MARK;
	else if (!strcmp(op, "wait-file"))
		s->op = OP_WAIT_FILE;
	else if (!strcmp(op, "ignore"))
		s->op = OP_IGNORE;
	else if (!strcmp(op, "unignore"))
		s->op = OP_UNIGNORE;
	else
		return -EINVAL;
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		return -EINVAL;
	if (s->op == OP_SLEEP || s->op == OP_EXPECT_NONE) {
		s->secs = atof(tok);
		return s->secs >= 0 ? 0 : -EINVAL;
	}
	osmo_strlcpy(s->arg, tok, sizeof(s->arg));
	if ((s->op == OP_SEND || s->op == OP_EXPECT || s->op == OP_IGNORE ||
	     s->op == OP_UNIGNORE) && strcasecmp(tok, "raw") &&
	    msg_type_parse(tok) < 0)
		return -EINVAL;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		eq = strchr(tok, '=');
		if (!eq || s->num_fields >= PEER_MAX_FIELDS || eq - tok >= 16)
			return -EINVAL;
		*eq = '\0';
		osmo_strlcpy(s->fields[s->num_fields].key, tok, sizeof(s->fields[0].key));
		osmo_strlcpy(s->fields[s->num_fields].val, eq + 1, sizeof(s->fields[0].val));
		s->num_fields++;
	}
	return 0;
}

static int load_scenario(struct peer *p, const char *path)
{
	char line[PEER_LINE_MAX], orig[PEER_LINE_MAX], *nl, *c, *kw, *val, *save;
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = 0, pc;

	if (!f) {
		fprintf(stderr, "isup_peer: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	p->steps = talloc_zero_array(p->ctx, struct peer_step, PEER_MAX_LINES);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		if ((c = strchr(line, '#')))
			*c = '\0';
		osmo_strlcpy(orig, line, sizeof(orig));
		kw = strtok_r(line, " \t", &save);
		if (!kw)
			continue;
		val = strtok_r(NULL, " \t", &save);
		if (!strcmp(kw, "opc") || !strcmp(kw, "dpc")) {
			pc = val ? osmo_ss7_pointcode_parse(p->inst, val) : -1;
			if (pc < 0)
				goto bad;
			if (kw[0] == 'o') {
				p->opc = pc;
				p->opc_set = true;
			} else {
				p->dpc = pc;
				p->dpc_set = true;
			}
			continue;
		}
		if (!strcmp(kw, "variant")) {
			int v = val ? isup_variant_parse(val) : -1;

			if (v < 0)
				goto bad;
			p->variant = v;
			continue;
		}
		if (!strcmp(kw, "timeout")) {
			p->timeout = val ? atof(val) : 0;
			if (p->timeout <= 0)
				goto bad;
			continue;
		}
		if (p->num_steps >= PEER_MAX_LINES)
			goto bad;
		if (parse_step(orig, lineno, &p->steps[p->num_steps]) < 0)
			goto bad;
		p->num_steps++;
	}
	goto out;
bad:
	fprintf(stderr, "isup_peer: %s:%u: invalid scenario line\n", path, lineno);
	rc = -EINVAL;
out:
	fclose(f);
	return rc;
}

/* ---- building messages ---- */

static int parse_cic(struct peer *p, const char *v)
{
	if (!v)
		return -1;
	if (!strcmp(v, "$"))
		return p->last_cic;
	return atoi(v);
}

static int bits_to_status(const char *bits, struct isup_range_status *rs)
{
	size_t i, n = strlen(bits);

	if (n > ISUP_RS_MAX_STATUS * 8)
		return -EINVAL;
	rs->status_len = isup_range_status_len(rs->range);
	for (i = 0; i < n; i++)
		if (bits[i] == '1' && isup_range_status_set(rs, i, true) < 0)
			return -EINVAL;
	return 0;
}

/* Parameters that are one indicator bit (bit A): field name, parameter
 * and the word that means 1. */
static const struct {
	const char *key;
	uint8_t code;
	const char *one;
} bit_fields[] = {
	{ "cot", ISUP_PAR_CONTINUITY_IND, "ok" },
	{ "susres", ISUP_PAR_SUSP_RES_IND, "network" },
};

/* A field "pXX" (XX: parameter code in hex) names a parameter by code;
 * \returns the code, or -1 for other fields. */
static int param_field_code(const char *key)
{
	char *end;
	long code;

	if (key[0] != 'p' || strlen(key) != 3)
		return -1;
	code = strtol(key + 1, &end, 16);
	return *end || code <= 0 || code > 0xff ? -1 : (int)code;
}

/* Set every pXX=HEX field as parameter XX of msg. */
static int add_raw_params(const struct peer_step *s, struct isup_msg *msg)
{
	uint8_t buf[255];
	unsigned int i;
	int code, len;

	for (i = 0; i < s->num_fields; i++) {
		code = param_field_code(s->fields[i].key);
		if (code < 0)
			continue;
		len = osmo_hexparse(s->fields[i].val, buf, sizeof(buf));
		if (len < 0 || isup_msg_set_param(msg, code, buf, len) < 0)
			return -EINVAL;
	}
	return 0;
}

/* Check every pXX=HEX (or pXX=none) field against msg. */
static int check_raw_params(const struct peer_step *s, const struct isup_msg *msg, char *why, size_t why_len)
{
	const struct isup_param *par;
	unsigned int i;
	const char *got;
	int code;

	for (i = 0; i < s->num_fields; i++) {
		code = param_field_code(s->fields[i].key);
		if (code < 0)
			continue;
		par = isup_msg_find_param(msg, code);
		got = par ? osmo_hexdump_nospc(par->data, par->len) : "none";
		if (strcasecmp(s->fields[i].val, got)) {
			snprintf(why, why_len, "expected parameter 0x%02x %s, got %s", code, s->fields[i].val, got);
			return -1;
		}
	}
	return 0;
}

static int add_common_params(struct peer *p, const struct peer_step *s, struct isup_msg *msg)
{
	unsigned int i;
	const char *v;
	uint8_t buf[64];
	int len;

	if ((v = field(s, "cause"))) {
		struct isup_cause cause = { .location = 2, .value = atoi(v) };
		const char *d = field(s, "diag");
		int n;

		if (d) {
			n = osmo_hexparse(d, cause.diag, sizeof(cause.diag));
			if (n < 0)
				return -EINVAL;
			cause.diag_len = n;
		}
		if (isup_msg_set_cause(msg, &cause) < 0)
			return -EINVAL;
	}
	if ((v = field(s, "type"))) {
		uint8_t t = !strcmp(v, "hardware") || !strcmp(v, "1");

		if (isup_msg_set_param(msg, ISUP_PAR_CGSMT, &t, 1) < 0)
			return -EINVAL;
	}
	if ((v = field(s, "range"))) {
		struct isup_range_status rs = { .range = atoi(v) };
		const char *st = field(s, "status");

		if (st && bits_to_status(st, &rs) < 0)
			return -EINVAL;
		len = isup_range_status_encode(buf, sizeof(buf), &rs);
		if (len < 0 || isup_msg_set_param(msg, ISUP_PAR_RANGE_STATUS, buf, len) < 0)
			return -EINVAL;
	}
	if ((v = field(s, "called"))) {
		struct isup_number num = { .nai = 3, .npi = 1 };

		osmo_strlcpy(num.digits, v, sizeof(num.digits));
		if (isup_msg_set_number(msg, ISUP_PAR_CALLED, &num) < 0)
			return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(bit_fields); i++) {
		uint8_t ind;

		if (!(v = field(s, bit_fields[i].key)))
			continue;
		ind = !strcmp(v, bit_fields[i].one);
		if (isup_msg_set_param(msg, bit_fields[i].code, &ind, 1) < 0)
			return -EINVAL;
	}
	if (msg->type == ISUP_MSG_IAM) {
		static const uint8_t fci[2] = { 0x60, 0x01 }, cpc = 0x0a, tmr = 0;
		uint8_t nci = (v = field(s, "continuity")) ? (atoi(v) & 3) << 2 : 0;

		isup_msg_set_param(msg, ISUP_PAR_NCI, &nci, 1);
		isup_msg_set_param(msg, ISUP_PAR_FCI, fci, 2);
		isup_msg_set_param(msg, ISUP_PAR_CPC, &cpc, 1);
		if (p->variant != ISUP_VARIANT_ANSI)
			isup_msg_set_param(msg, ISUP_PAR_TMR, &tmr, 1);
	}
	if (msg->type == ISUP_MSG_ACM || msg->type == ISUP_MSG_CON) {
		static const uint8_t bci[2] = { 0x16, 0x14 };

		isup_msg_set_param(msg, ISUP_PAR_BCI, bci, 2);
	}
	if (msg->type == ISUP_MSG_CPG) {
		/* event information is mandatory: alerting unless given */
		static const uint8_t ev = 1;

		isup_msg_set_param(msg, ISUP_PAR_EVENT_INFO, &ev, 1);
	}
	return add_raw_params(s, msg);
}

static bool peer_active(struct peer *p)
{
	struct osmo_ss7_route *rt = osmo_ss7_route_lookup(p->inst, p->dpc);

	return rt && rt->dest.as && osmo_ss7_as_active(rt->dest.as);
}

static int send_bytes(struct peer *p, const uint8_t *data, size_t len, int cic)
{
	struct osmo_mtp_prim *omp;
	struct msgb *msg = msgb_alloc_headroom(sizeof(*omp) + len + 128, 128, "isup_peer");

	if (!msg)
		return -ENOMEM;
	omp = (struct osmo_mtp_prim *)msgb_put(msg, sizeof(*omp));
	osmo_prim_init(&omp->oph, MTP_SAP_USER, OSMO_MTP_PRIM_TRANSFER, PRIM_OP_REQUEST, msg);
	omp->u.transfer.opc = p->opc;
	omp->u.transfer.dpc = p->dpc;
	omp->u.transfer.sls = cic & 0x0f;
	omp->u.transfer.sio = MTP_SIO(MTP_SI_ISUP, p->inst->cfg.network_indicator);
	msg->l2h = msgb_put(msg, len);
	memcpy(msg->l2h, data, len);
	printf("tx %s\n", osmo_hexdump_nospc(data, len));
	fflush(stdout);
	return osmo_ss7_user_mtp_xfer_req(p->inst, omp);
}

static int do_send(struct peer *p, const struct peer_step *s)
{
	int cic = parse_cic(p, field(s, "cic"));
	uint8_t buf[ISUP_MAX_MSG_LEN];
	struct isup_msg *msg;
	int len, rc;

	if (cic < 0 || cic > 16383)
		return -EINVAL;
	if (!strcasecmp(s->arg, "raw")) {
		const char *hex = field(s, "hex");

		buf[0] = cic & 0xff;
		buf[1] = cic >> 8;
		len = hex ? osmo_hexparse(hex, buf + 2, sizeof(buf) - 2) : -1;
		if (len < 0)
			return -EINVAL;
		return send_bytes(p, buf, len + 2, cic);
	}
	msg = isup_msg_alloc(p->ctx, p->variant, msg_type_parse(s->arg));
	if (!msg)
		return -ENOMEM;
	msg->has_cic = true;
	msg->cic = cic;
	rc = add_common_params(p, s, msg);
	len = rc < 0 ? rc : isup_encode_cic(msg, buf, sizeof(buf));
	talloc_free(msg);
	if (len < 0)
		return -EINVAL;
	return send_bytes(p, buf, len, cic);
}

/* ---- checking received messages ---- */

static int check_msg(struct peer *p, const struct peer_step *s, const uint8_t *data, size_t len,
		     char *why, size_t why_len)
{
	struct isup_msg *msg = NULL;
	const char *v;
	int type = msg_type_parse(s->arg), rc;
	struct isup_cause cause;
	unsigned int k;

	rc = isup_decode_cic(p->ctx, p->variant, data, len, &msg, NULL);
	if (rc < 0) {
		snprintf(why, why_len, "undecodable message: %s", isup_strerror(rc));
		return -1;
	}
	rc = -1;
	if (msg->type != type) {
		snprintf(why, why_len, "expected %s, got %s", s->arg, isup_msg_type_name(msg->type));
		goto out;
	}
	v = field(s, "cic");
	if (v && !strcmp(v, "*")) {
		p->last_cic = msg->cic;
	} else if (v && parse_cic(p, v) != msg->cic) {
		snprintf(why, why_len, "expected CIC %s, got %u", v, msg->cic);
		goto out;
	}
	if ((v = field(s, "cic-not")) && atoi(v) == msg->cic) {
		snprintf(why, why_len, "expected a CIC other than %s", v);
		goto out;
	}
	if ((v = field(s, "cause")) || field(s, "diag")) {
		if (isup_msg_get_cause(msg, &cause) < 0) {
			snprintf(why, why_len, "no cause indicators");
			goto out;
		}
		if (v && cause.value != atoi(v)) {
			snprintf(why, why_len, "expected cause %s, got %u", v, cause.value);
			goto out;
		}
		if ((v = field(s, "diag")) &&
		    strcasecmp(v, osmo_hexdump_nospc(cause.diag, cause.diag_len))) {
			snprintf(why, why_len, "expected diagnostic %s, got %s", v,
				 osmo_hexdump_nospc(cause.diag, cause.diag_len));
			goto out;
		}
	}
	if (field(s, "range") || field(s, "status")) {
		const struct isup_param *par = isup_msg_find_param(msg, ISUP_PAR_RANGE_STATUS);
		struct isup_range_status rs;
		char bits[ISUP_RS_MAX_STATUS * 8 + 1];
		unsigned int i;

		if (!par || isup_range_status_decode(&rs, par->data, par->len) < 0) {
			snprintf(why, why_len, "no range and status");
			goto out;
		}
		if ((v = field(s, "range")) && rs.range != atoi(v)) {
			snprintf(why, why_len, "expected range %s, got %u", v, rs.range);
			goto out;
		}
		for (i = 0; i <= rs.range && i < sizeof(bits) - 1; i++)
			bits[i] = isup_range_status_get(&rs, i) ? '1' : '0';
		bits[i] = '\0';
		if ((v = field(s, "status")) && strcmp(v, bits)) {
			snprintf(why, why_len, "expected status %s, got %s", v, bits);
			goto out;
		}
	}
	if ((v = field(s, "type"))) {
		struct isup_cgsmt t;
		unsigned int want = !strcmp(v, "hardware") || !strcmp(v, "1");

		if (isup_msg_get_bf(msg, ISUP_PAR_CGSMT, &t, sizeof(t)) < 0 || t.type != want) {
			snprintf(why, why_len, "expected supervision type %s", v);
			goto out;
		}
	}
	if ((v = field(s, "called"))) {
		struct isup_number num;

		if (isup_msg_get_number(msg, ISUP_PAR_CALLED, &num) < 0 || strcmp(num.digits, v)) {
			snprintf(why, why_len, "expected called number %s", v);
			goto out;
		}
	}
	if ((v = field(s, "continuity"))) {
		struct isup_nci nci;

		if (isup_msg_get_bf(msg, ISUP_PAR_NCI, &nci, sizeof(nci)) < 0 ||
		    nci.continuity != atoi(v)) {
			snprintf(why, why_len, "expected continuity indicator %s", v);
			goto out;
		}
	}
	for (k = 0; k < ARRAY_SIZE(bit_fields); k++) {
		const struct isup_param *par = isup_msg_find_param(msg, bit_fields[k].code);

		if (!(v = field(s, bit_fields[k].key)))
			continue;
		if (!par || par->len < 1 || (par->data[0] & 1) != !strcmp(v, bit_fields[k].one)) {
			snprintf(why, why_len, "expected %s=%s", bit_fields[k].key, v);
			goto out;
		}
	}
	if (check_raw_params(s, msg, why, why_len) < 0)
		goto out;
	if ((v = field(s, "states"))) {
		const struct isup_param *par = isup_msg_find_param(msg, ISUP_PAR_CIRC_STATE_IND);

		if (!par || strcasecmp(v, osmo_hexdump_nospc(par->data, par->len))) {
			snprintf(why, why_len, "expected circuit states %s, got %s", v,
				 par ? osmo_hexdump_nospc(par->data, par->len) : "none");
			goto out;
		}
	}
	rc = 0;
out:
	talloc_free(msg);
	return rc;
}

/* ---- the player ---- */

static void step_run(struct peer *p);

static void step_next(struct peer *p)
{
	osmo_timer_del(&p->timer);
	osmo_timer_del(&p->poll);
	p->cur++;
	p->step_started = false;
	p->waited = 0;
	step_run(p);
}

static struct peer_rx *rx_pop(struct peer *p)
{
	struct peer_rx *rx, *tmp;

	llist_for_each_entry_safe(rx, tmp, &p->rxq, list) {
		if (rx->len >= 3 && p->ignore[rx->data[2]]) {
			llist_del(&rx->list);
			talloc_free(rx);
			continue;
		}
		llist_del(&rx->list);
		return rx;
	}
	return NULL;
}

static void schedule(struct osmo_timer_list *t, double secs)
{
	osmo_timer_schedule(t, (long)secs, (long)((secs - (long)secs) * 1e6));
}

static void step_run(struct peer *p)
{
	struct peer_step *s;
	struct peer_rx *rx;
	char why[1024];
	const char *v;

	while (!p->done) {
		if (p->cur >= p->num_steps) {
			finish(0, "%u steps", p->num_steps);
			return;
		}
		s = &p->steps[p->cur];
		switch (s->op) {
		case OP_SEND:
			if (!peer_active(p)) {
				/* wait for the association, bounded */
				if (p->waited >= p->timeout) {
					finish(1, "AS not active after %.1f s", p->timeout);
					return;
				}
				p->waited += 0.05;
				schedule(&p->poll, 0.05);
				return;
			}
			if (do_send(p, s) < 0) {
				finish(1, "cannot build or send %s", s->arg);
				return;
			}
			p->cur++;
			p->waited = 0;
			continue;
		case OP_EXPECT:
			rx = rx_pop(p);
			if (!rx) {
				if (!p->step_started) {
					v = field(s, "timeout");
					p->step_started = true;
					schedule(&p->timer, v ? atof(v) : p->timeout);
				}
				return;
			}
			if (check_msg(p, s, rx->data, rx->len, why, sizeof(why)) < 0) {
				finish(1, "%s (message %s)", why, osmo_hexdump_nospc(rx->data, rx->len));
				talloc_free(rx);
				return;
			}
			talloc_free(rx);
			printf("ok line %u: %s\n", s->lineno, s->arg);
			fflush(stdout);
			osmo_timer_del(&p->timer);
			p->cur++;
			p->step_started = false;
			continue;
		case OP_EXPECT_NONE:
			rx = rx_pop(p);
			if (rx) {
				finish(1, "unexpected message %s", osmo_hexdump_nospc(rx->data, rx->len));
				talloc_free(rx);
				return;
			}
			if (!p->step_started) {
				p->step_started = true;
				schedule(&p->timer, s->secs);
			}
			return;
		case OP_SLEEP:
			if (!p->step_started) {
				p->step_started = true;
				schedule(&p->timer, s->secs);
			}
			return;
		case OP_IGNORE:
		case OP_UNIGNORE:
			p->ignore[msg_type_parse(s->arg)] = s->op == OP_IGNORE;
			p->cur++;
			continue;
		case OP_MARK:
			printf("MARK %s\n", s->arg);
			fflush(stdout);
			p->cur++;
			continue;
		case OP_WAIT_FILE:
			if (access(s->arg, F_OK) == 0) {
				p->cur++;
				p->waited = 0;
				continue;
			}
			if (p->waited >= p->timeout * 4) {
				finish(1, "file %s did not appear", s->arg);
				return;
			}
			p->waited += 0.05;
			schedule(&p->poll, 0.05);
			return;
		}
	}
}

static void timer_cb(void *data)
{
	struct peer *p = data;
	struct peer_step *s = &p->steps[p->cur];

	switch (s->op) {
	case OP_EXPECT:
		finish(1, "timeout waiting for %s", s->arg);
		break;
	default:
		step_next(p);
		break;
	}
}

static void poll_cb(void *data)
{
	step_run(data);
}

static int prim_cb(struct osmo_prim_hdr *oph, void *priv)
{
	struct peer *p = priv;
	struct osmo_mtp_prim *omp = (struct osmo_mtp_prim *)oph;
	struct peer_rx *rx;

	if (oph->primitive == OSMO_MTP_PRIM_TRANSFER && oph->operation == PRIM_OP_INDICATION &&
	    (omp->u.transfer.sio & 0x0f) == MTP_SI_ISUP) {
		rx = talloc_zero(p->ctx, struct peer_rx);
		rx->len = msgb_l2len(oph->msg);
		rx->data = talloc_memdup(rx, msgb_l2(oph->msg), rx->len);
		printf("rx %s\n", osmo_hexdump_nospc(rx->data, rx->len));
		fflush(stdout);
		llist_add_tail(&rx->list, &p->rxq);
		if (!p->done)
			step_run(p);
	}
	msgb_free(oph->msg);
	return 0;
}

static void linger_cb(void *data)
{
	struct peer *p = data;

	p->done = true;
}

static struct osmo_ss7_user peer_user = {
	.name = "isup_peer",
	.prim_cb = prim_cb,
	.priv = &g_peer,
};

int main(int argc, char **argv)
{
	const char *cfg = NULL, *scn = NULL;
	struct peer *p = &g_peer;
	struct osmo_ss7_as *as;
	bool linger = false;
	int c, rc;

	p->ctx = talloc_named_const(NULL, 0, "isup_peer");
	p->timeout = 5;
	p->variant = ISUP_VARIANT_ITU;
	INIT_LLIST_HEAD(&p->rxq);
	while ((c = getopt(argc, argv, "c:s:t:l")) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			break;
		case 's':
			scn = optarg;
			break;
		case 't':
			p->timeout = atof(optarg);
			break;
		case 'l':
			linger = true;
			break;
		default:
			fprintf(stderr, "usage: isup_peer -c PEER.cfg -s SCENARIO [-t SECONDS]\n");
			return 2;
		}
	}
	if (!cfg || !scn) {
		fprintf(stderr, "usage: isup_peer -c PEER.cfg -s SCENARIO [-t SECONDS]\n");
		return 2;
	}
	msgb_talloc_ctx_init(p->ctx, 0);
	osmo_init_logging2(p->ctx, &peer_log_info);
	peer_vty_info.tall_ctx = p->ctx;
	vty_init(&peer_vty_info);
	logging_vty_add_cmds();
	osmo_ss7_init();
	osmo_ss7_vty_init_asp(p->ctx);
	rc = vty_read_config_file(cfg, NULL);
	if (rc < 0) {
		fprintf(stderr, "isup_peer: cannot read %s\n", cfg);
		return 2;
	}
	p->inst = osmo_ss7_instance_find(0);
	if (!p->inst) {
		fprintf(stderr, "isup_peer: %s has no cs7 instance 0\n", cfg);
		return 2;
	}
	p->opc = p->inst->cfg.primary_pc;
	if (load_scenario(p, scn) < 0)
		return 2;
	if (!p->dpc_set) {
		fprintf(stderr, "isup_peer: the scenario needs a dpc line\n");
		return 2;
	}
	if (!osmo_ss7_route_find_dpc_mask(p->inst->rtable_system, 0, 0)) {
		llist_for_each_entry(as, &p->inst->as_list, list) {
			osmo_ss7_route_create(p->inst->rtable_system, 0, 0, as->cfg.name);
			break;
		}
	}
	osmo_ss7_user_register(p->inst, MTP_SI_ISUP, &peer_user);
	osmo_timer_setup(&p->timer, timer_cb, p);
	osmo_timer_setup(&p->poll, poll_cb, p);
	step_run(p);
	while (!p->done)
		osmo_select_main(0);
	/* let the last message leave before the association goes */
	p->done = false;
	osmo_timer_setup(&p->timer, linger_cb, p);
	schedule(&p->timer, 0.2);
	while (!p->done)
		osmo_select_main(0);
	if (linger && p->result == 0) {
		signal(SIGTERM, term_handler);
		printf("LINGER\n");
		fflush(stdout);
		while (!g_term)
			osmo_select_main(0);
	}
	return p->result;
}

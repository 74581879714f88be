/* CDRs as COPY text rows.
 *
 * COPY's text format needs only backslash, newline, carriage return and the
 * delimiter escaped; everything else, including quotes and semicolons that
 * arrive in SIP user parts, is data.  No SQL text is ever built from a field.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/cdr_copy.h"
#include "db/cdr_record.h"

const char cdr_copy_columns[] =
	"(call_id, start_time, answer_time, end_time, "
	"calling_in, calling_in_nai, called_in, called_in_nai, "
	"calling_out, calling_out_nai, called_out, called_out_nai, "
	"ingress_trunk, egress_trunk, route, cic, opc, dpc, sip_call_id, "
	"cause, cause_location, released_by, codec, transcoded, pdd_ms, instance)";

struct out {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void out_raw(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->len + n > o->size) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_tab(struct out *o)
{
	out_raw(o, "\t", 1);
}

static void out_null(struct out *o)
{
	out_raw(o, "\\N", 2);
}

static void out_str(struct out *o, const char *s)
{
	const char *run = s;

	if (!s[0]) {
		out_null(o);
		return;
	}
	for (; *s; s++) {
		const char *esc = NULL;

		switch (*s) {
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		}
		if (!esc)
			continue;
		out_raw(o, run, s - run);
		out_raw(o, esc, 2);
		run = s + 1;
	}
	out_raw(o, run, s - run);
}

static void out_int(struct out *o, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

	out_raw(o, tmp, n);
}

static void out_opt(struct out *o, int32_t v)
{
	if (v == CDR_UNSET)
		out_null(o);
	else
		out_int(o, v);
}

void cdr_format_time(long long us, char *buf, size_t size)
{
	time_t secs = us / 1000000;
	long long ms = (us % 1000000) / 1000;
	struct tm tm;

	if (ms < 0) {
		ms += 1000;
		secs--;
	}
	gmtime_r(&secs, &tm);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%03lld+00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static void out_time(struct out *o, int64_t us)
{
	char tmp[48];

	cdr_format_time(us, tmp, sizeof(tmp));
	out_raw(o, tmp, strlen(tmp));
}

int cdr_copy_format(const struct cdr_record *r, char *buf, size_t size, size_t *len)
{
	struct out o = { .buf = buf, .size = size, .len = *len };
	char uuid[37];

	cdr_uuid_format(r->uuid, uuid);
	out_raw(&o, uuid, 36);
	out_tab(&o);
	out_time(&o, r->start_us);
	out_tab(&o);
	if (r->answer_us)
		out_time(&o, r->answer_us);
	else
		out_null(&o);
	out_tab(&o);
	out_time(&o, r->end_us);
	out_tab(&o);
	out_str(&o, r->calling_in);
	out_tab(&o);
	out_opt(&o, r->calling_in_nai);
	out_tab(&o);
	out_str(&o, r->called_in);
	out_tab(&o);
	out_opt(&o, r->called_in_nai);
	out_tab(&o);
	out_str(&o, r->calling_out);
	out_tab(&o);
	out_opt(&o, r->calling_out_nai);
	out_tab(&o);
	out_str(&o, r->called_out);
	out_tab(&o);
	out_opt(&o, r->called_out_nai);
	out_tab(&o);
	out_str(&o, r->ingress_trunk);
	out_tab(&o);
	out_str(&o, r->egress_trunk);
	out_tab(&o);
	out_str(&o, r->route);
	out_tab(&o);
	out_opt(&o, r->cic);
	out_tab(&o);
	out_opt(&o, r->opc);
	out_tab(&o);
	out_opt(&o, r->dpc);
	out_tab(&o);
	out_str(&o, r->sip_call_id);
	out_tab(&o);
	out_opt(&o, r->cause);
	out_tab(&o);
	out_opt(&o, r->cause_location);
	out_tab(&o);
	if (r->released_by == CDR_REL_UNKNOWN)
		out_null(&o);
	else
		out_str(&o, get_value_string(cdr_releaser_names, r->released_by));
	out_tab(&o);
	out_str(&o, r->codec);
	out_tab(&o);
	if (r->transcoded == CDR_UNSET)
		out_null(&o);
	else
		out_raw(&o, r->transcoded ? "t" : "f", 1);
	out_tab(&o);
	out_opt(&o, r->pdd_ms);
	out_tab(&o);
	/* NOT NULL in the table: the writer always stamps its instance. */
	if (r->instance[0])
		out_str(&o, r->instance);
	else
		out_raw(&o, "unknown", 7);
	out_raw(&o, "\n", 1);
	if (o.overflow)
		return -ENOSPC;
	*len = o.len;
	return 0;
}

/* Unit tests of the CDR spool format, its checksums, record encoding and
 * the COPY and CSV escaping. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/cdr_copy.h"
#include "db/cdr_crc.h"
#include "db/cdr_csv.h"
#include "db/cdr_record.h"
#include "db/cdr_spool.h"
#include "tests/unit/testlib.h"

static char tmpdir[64];
static char spool_path[128];

static void dir_setup(void)
{
	tt_setup();
	strcpy(tmpdir, "/tmp/cdr-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(spool_path, sizeof(spool_path), "%s/cdr.spool", tmpdir);
}

static void dir_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	tt_teardown();
}

static void full_record(struct cdr_record *r)
{
	cdr_record_init(r);
	r->start_us = 1795600000123456LL;
	r->answer_us = r->start_us + 2500000;
	r->end_us = r->start_us + 62500000;
	cdr_record_set(r, calling_in, "+4930123456");
	cdr_record_set(r, called_in, "4989765");
	cdr_record_set(r, calling_out, "004930123456");
	cdr_record_set(r, called_out, "89765");
	r->calling_in_nai = 4;
	r->called_in_nai = 3;
	r->calling_out_nai = 2;
	r->called_out_nai = 1;
	cdr_record_set(r, ingress_trunk, "sip-carrier-a");
	cdr_record_set(r, egress_trunk, "isup-1");
	cdr_record_set(r, route, "de-mobile");
	r->cic = 17;
	r->opc = 2057;
	r->dpc = 4114;
	cdr_record_set(r, sip_call_id, "abc@10.0.0.1");
	r->cause = 16;
	r->cause_location = 0;
	r->released_by = CDR_REL_CALLED;
	cdr_record_set(r, codec, "G729");
	r->transcoded = 1;
	r->pdd_ms = 1800;
	cdr_record_set(r, instance, "tandem-1");
}

START_TEST(crc32c_check_value)
{
	/* the standard check value of CRC-32C */
	ck_assert_uint_eq(cdr_crc32c(0, "123456789", 9), 0xe3069283);
	/* continuing a CRC equals computing it in one go */
	ck_assert_uint_eq(cdr_crc32c(cdr_crc32c(0, "1234", 4), "56789", 5), 0xe3069283);
}
END_TEST

START_TEST(record_round_trip)
{
	struct cdr_record a, b;
	uint8_t buf[CDR_REC_ENC_MAX];
	int n;

	full_record(&a);
	n = cdr_record_encode(&a, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(cdr_record_decode(&b, buf, n), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);

	/* an attempt with nothing but key and times keeps every field unset */
	cdr_record_init(&a);
	a.start_us = a.end_us = 1;
	n = cdr_record_encode(&a, buf, sizeof(buf));
	ck_assert_int_eq(cdr_record_decode(&b, buf, n), 0);
	ck_assert_int_eq(b.cic, CDR_UNSET);
	ck_assert_int_eq(b.answer_us, 0);
	ck_assert_int_eq(b.transcoded, CDR_UNSET);
	ck_assert_int_eq(b.released_by, CDR_REL_UNKNOWN);
}
END_TEST

START_TEST(record_bounds_fit_encoding)
{
	struct cdr_record a, b;
	uint8_t buf[CDR_REC_ENC_MAX];
	char big[1024];
	int n;

	/* every field at its bound still encodes */
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	full_record(&a);
	ck_assert(cdr_record_set(&a, calling_in, big));
	ck_assert(cdr_record_set(&a, called_in, big));
	ck_assert(cdr_record_set(&a, calling_out, big));
	ck_assert(cdr_record_set(&a, called_out, big));
	ck_assert(cdr_record_set(&a, ingress_trunk, big));
	ck_assert(cdr_record_set(&a, egress_trunk, big));
	ck_assert(cdr_record_set(&a, route, big));
	ck_assert(cdr_record_set(&a, sip_call_id, big));
	ck_assert(cdr_record_set(&a, codec, big));
	ck_assert(cdr_record_set(&a, instance, big));
	ck_assert_uint_eq(strlen(a.calling_in), CDR_NUMBER_MAX);
	ck_assert_uint_eq(strlen(a.sip_call_id), CDR_CALL_ID_MAX);
	n = cdr_record_encode(&a, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, CDR_SPOOL_PAYLOAD_MAX);
	ck_assert_int_eq(cdr_record_decode(&b, buf, n), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	/* a buffer too small is an error, not an overflow */
	ck_assert_int_eq(cdr_record_encode(&a, buf, 100), -ENOSPC);
}
END_TEST

START_TEST(record_set_str_sanitises)
{
	char f[8];

	ck_assert(!cdr_record_set_str(f, sizeof(f), "+49'\";"));
	ck_assert_str_eq(f, "+49'\";");
	/* controls and invalid UTF-8 become '?' */
	ck_assert(cdr_record_set_str(f, sizeof(f), "a\tb\n\xff"));
	ck_assert_str_eq(f, "a?b??");
	/* overlong and surrogate encodings are invalid too */
	ck_assert(cdr_record_set_str(f, sizeof(f), "\xc0\xaf\xed\xa0\x80"));
	ck_assert_str_eq(f, "?????");
	/* cut on a character boundary, never inside one */
	ck_assert(cdr_record_set_str(f, sizeof(f), "abcdef\xc3\xa9"));
	ck_assert_str_eq(f, "abcdef");
	ck_assert(!cdr_record_set_str(f, sizeof(f), "ab\xc3\xa9\xe2\x82\xac"));
	ck_assert_str_eq(f, "ab\xc3\xa9\xe2\x82\xac");
	ck_assert(!cdr_record_set_str(f, sizeof(f), NULL));
	ck_assert_str_eq(f, "");
}
END_TEST

START_TEST(record_decode_rejects_garbage)
{
	struct cdr_record a, b;
	uint8_t buf[CDR_REC_ENC_MAX];
	int n;

	full_record(&a);
	n = cdr_record_encode(&a, buf, sizeof(buf));
	/* truncated anywhere: never accepted with a torn value */
	for (int cut = 0; cut < n; cut++) {
		int rc = cdr_record_decode(&b, buf, cut);

		if (rc == 0)
			ck_assert_int_eq(memcmp(b.uuid, a.uuid, 16), 0);
	}
	ck_assert_int_eq(cdr_record_decode(&b, buf, 0), -EBADMSG);
	buf[0] = 99; /* unknown version */
	ck_assert_int_eq(cdr_record_decode(&b, buf, n), -EBADMSG);
	/* a value out of range (cause 200) */
	{
		const uint8_t bad[] = { 1, 1, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					2, 8, 0, 0, 0, 0, 0, 0, 0, 1, 4, 8, 0, 0, 0, 0, 0, 0, 0, 1,
					20, 4, 0, 0, 0, 200 };

		ck_assert_int_eq(cdr_record_decode(&b, bad, sizeof(bad)), -EBADMSG);
		/* the same without the cause decodes, and unknown tags are skipped */
		uint8_t ok[sizeof(bad) + 3];

		memcpy(ok, bad, sizeof(bad) - 6);
		ok[sizeof(bad) - 6] = 200;
		ok[sizeof(bad) - 5] = 1;
		ok[sizeof(bad) - 4] = 7;
		ck_assert_int_eq(cdr_record_decode(&b, ok, sizeof(bad) - 3), 0);
		ck_assert_int_eq(b.cause, CDR_UNSET);
	}
}
END_TEST

START_TEST(frame_check)
{
	uint8_t f[CDR_SPOOL_FRAME_MAX];
	const char *why;
	int n = cdr_spool_frame(f, (const uint8_t *)"hello", 5);

	ck_assert_int_eq(n, CDR_SPOOL_HDR_LEN + 5);
	ck_assert_int_eq(f[0], 0xcd);
	ck_assert_int_eq(f[1], 0x52);
	ck_assert_int_eq(cdr_spool_frame_check(f, n, &why), n);
	ck_assert_int_eq(cdr_spool_frame_check(f, n - 1, &why), -EAGAIN);
	f[10] ^= 1;
	ck_assert_int_eq(cdr_spool_frame_check(f, n, &why), 0);
	ck_assert_str_eq(why, "checksum mismatch");
	f[10] ^= 1;
	f[3] = 0;
	f[2] = 0;
	ck_assert_int_eq(cdr_spool_frame_check(f, n, &why), 0);
	ck_assert_str_eq(why, "bad length");
	f[0] = 0;
	ck_assert_int_eq(cdr_spool_frame_check(f, n, &why), 0);
	ck_assert_str_eq(why, "bad magic");
	ck_assert_int_eq(cdr_spool_frame(f, f, 0), -EINVAL);
	ck_assert_int_eq(cdr_spool_frame(f, f, CDR_SPOOL_PAYLOAD_MAX + 1), -EINVAL);
}
END_TEST

struct collect {
	int n;
	char seen[64][16];
};

static int collect_cb(void *data, const uint8_t *p, size_t len)
{
	struct collect *c = data;

	if (len >= 3 && !memcmp(p, "BAD", 3))
		return -EBADMSG;
	if (c->n < 64) {
		memcpy(c->seen[c->n], p, len < 15 ? len : 15);
		c->seen[c->n][len < 15 ? len : 15] = '\0';
	}
	c->n++;
	return 0;
}

static int bad_seen;

static void bad_cb(void *data, uint64_t off, uint64_t len, const char *why)
{
	bad_seen++;
}

static void append_n(struct cdr_spool *sp, int from, int to)
{
	char rec[16];

	for (int i = from; i < to; i++) {
		int n = snprintf(rec, sizeof(rec), "rec-%03d", i);

		ck_assert_int_eq(cdr_spool_append(sp, (uint8_t *)rec, n), 0);
	}
}

START_TEST(spool_append_read_commit)
{
	struct cdr_spool *sp;
	struct collect c = { 0 };
	uint64_t end;

	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, NULL, NULL, &sp), 0);
	append_n(sp, 0, 10);
	ck_assert_uint_eq(sp->pending, 10);
	ck_assert_int_eq(cdr_spool_read(sp, 0, 4, collect_cb, &c, &end), 4);
	ck_assert_str_eq(c.seen[3], "rec-003");
	ck_assert_int_eq(cdr_spool_commit(sp, end, 4), 0);
	ck_assert_uint_eq(sp->pending, 6);
	ck_assert_int_eq(cdr_spool_sync(sp), 0);
	/* a second writer is locked out */
	{
		struct cdr_spool *other;

		ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, NULL, NULL, &other),
				 -EWOULDBLOCK);
	}
	cdr_spool_close(sp);

	/* reopened: the committed four are not replayed */
	c.n = 0;
	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, collect_cb, NULL, &c, &sp), 0);
	ck_assert_uint_eq(sp->pending, 6);
	ck_assert_str_eq(c.seen[0], "rec-004");
	c.n = 0;
	ck_assert_int_eq(cdr_spool_read(sp, sp->commit_off, 100, collect_cb, &c, &end), 6);
	ck_assert_uint_eq(end, sp->size);
	ck_assert_int_eq(cdr_spool_commit(sp, end, 6), 0);
	ck_assert_uint_eq(cdr_spool_backlog(sp), 0);
	cdr_spool_close(sp);
}
END_TEST

START_TEST(spool_recycles_when_drained)
{
	struct cdr_spool *sp;
	uint64_t end;
	int n;

	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, NULL, NULL, &sp), 0);
	append_n(sp, 0, 5000);
	ck_assert_uint_gt(sp->size, 64 * 1024);
	n = cdr_spool_read(sp, 0, 10000, NULL, NULL, &end);
	ck_assert_int_eq(n, 5000);
	ck_assert_int_eq(cdr_spool_commit(sp, end, n), 0);
	ck_assert_uint_eq(sp->size, 0);
	ck_assert_uint_eq(sp->commit_off, 0);
	append_n(sp, 0, 3);
	cdr_spool_close(sp);
	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, NULL, NULL, &sp), 0);
	ck_assert_uint_eq(sp->pending, 3);
	cdr_spool_close(sp);
}
END_TEST

START_TEST(spool_corrupt_region_moved_aside)
{
	struct cdr_spool *sp;
	struct collect c = { 0 };
	uint64_t end, rec_len;
	char bad_path[160];
	struct stat st;
	int fd;

	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, NULL, NULL, &sp), 0);
	append_n(sp, 0, 10);
	ck_assert_int_eq(cdr_spool_append(sp, (const uint8_t *)"BAD-rec", 7), 0);
	append_n(sp, 11, 12);
	rec_len = sp->size / 12;
	cdr_spool_close(sp);

	/* flip one payload byte of record 4; tear the end like a power cut */
	fd = open(spool_path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "X", 1, 4 * rec_len + CDR_SPOOL_HDR_LEN + 2), 1);
	ck_assert_int_eq(pwrite(fd, "\xcd\x52\x00\x07\x00", 5, 12 * rec_len), 5);
	close(fd);

	bad_seen = 0;
	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, collect_cb, bad_cb, &c, &sp), 0);
	/* record 4, the undecodable one and the torn tail went aside */
	ck_assert_int_eq(bad_seen, 3);
	ck_assert_uint_eq(sp->pending, 10);
	ck_assert_uint_eq(sp->size, 12 * rec_len);
	snprintf(bad_path, sizeof(bad_path), "%s.bad", spool_path);
	ck_assert_int_eq(stat(bad_path, &st), 0);
	ck_assert_uint_eq(st.st_size, 2 * rec_len + 5);

	/* reading again hands over the good ones, and copies nothing twice */
	c.n = 0;
	ck_assert_int_eq(cdr_spool_read(sp, 0, 100, collect_cb, &c, &end), 10);
	ck_assert_str_eq(c.seen[3], "rec-003");
	ck_assert_str_eq(c.seen[4], "rec-005");
	ck_assert_str_eq(c.seen[9], "rec-011");
	ck_assert_int_eq(bad_seen, 3);
	ck_assert_int_eq(stat(bad_path, &st), 0);
	ck_assert_uint_eq(st.st_size, 2 * rec_len + 5);
	/* new records follow the last good one */
	append_n(sp, 12, 13);
	c.n = 0;
	ck_assert_int_eq(cdr_spool_read(sp, end, 100, collect_cb, &c, &end), 1);
	ck_assert_str_eq(c.seen[0], "rec-012");
	cdr_spool_close(sp);
}
END_TEST

START_TEST(spool_garbage_file)
{
	struct cdr_spool *sp;
	uint8_t junk[10000];
	int fd;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (i * 7919) ^ (i >> 3);
	fd = open(spool_path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, junk, sizeof(junk)), sizeof(junk));
	close(fd);
	bad_seen = 0;
	ck_assert_int_eq(cdr_spool_open(tt_ctx, spool_path, NULL, bad_cb, NULL, &sp), 0);
	ck_assert_uint_eq(sp->pending, 0);
	ck_assert_int_eq(bad_seen, 1);
	ck_assert_uint_eq(sp->size, 0);
	cdr_spool_close(sp);
}
END_TEST

START_TEST(copy_escaping)
{
	struct cdr_record r;
	char buf[CDR_COPY_LINE_MAX];
	size_t len = 0;
	char uuid[37];
	char *line;

	cdr_record_init(&r);
	r.start_us = r.end_us = 1795600000123456LL;
	/* set directly: the writer escapes whatever a record holds */
	strcpy(r.calling_in, "a\\b\tc\nd\re");
	strcpy(r.sip_call_id, "x'y\"z;");
	r.cause = 41;
	r.released_by = CDR_REL_TANDEMD;
	ck_assert_int_eq(cdr_copy_format(&r, buf, sizeof(buf), &len), 0);
	buf[len] = '\0';
	cdr_uuid_format(r.uuid, uuid);
	line = talloc_asprintf(tt_ctx,
			       "%s\t2026-11-25 09:46:40.123+00\t\\N\t2026-11-25 09:46:40.123+00\t"
			       "a\\\\b\\tc\\nd\\re\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t"
			       "\\N\t\\N\t\\N\tx'y\"z;\t41\t\\N\ttandemd\t\\N\t\\N\t\\N\tunknown\n",
			       uuid);
	ck_assert_str_eq(buf, line);
	/* too small a buffer leaves it untouched */
	len = 0;
	ck_assert_int_eq(cdr_copy_format(&r, buf, 20, &len), -ENOSPC);
	ck_assert_uint_eq(len, 0);
	talloc_free(line);
}
END_TEST

START_TEST(time_format)
{
	char b[48];

	cdr_format_time(0, b, sizeof(b));
	ck_assert_str_eq(b, "1970-01-01 00:00:00.000+00");
	cdr_format_time(-1000, b, sizeof(b));
	ck_assert_str_eq(b, "1969-12-31 23:59:59.999+00");
	cdr_format_time(1795600000999999LL, b, sizeof(b));
	ck_assert_str_eq(b, "2026-11-25 09:46:40.999+00");
}
END_TEST

START_TEST(csv_fields)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cdr_csv_field(f, "plain");
	cdr_csv_sep(f, 1);
	cdr_csv_field(f, "a,b");
	cdr_csv_sep(f, 2);
	cdr_csv_field(f, "say \"hi\"");
	cdr_csv_sep(f, 3);
	cdr_csv_field(f, NULL);
	cdr_csv_sep(f, 4);
	cdr_csv_field(f, "two\r\nlines");
	cdr_csv_sep(f, 5);
	cdr_csv_field(f, " edge");
	cdr_csv_eol(f);
	fclose(f);
	ck_assert_str_eq(out, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"two\r\nlines\",\" edge\"\r\n");
	free(out);
}
END_TEST

START_TEST(uuid_v4)
{
	uint8_t a[16], b[16];
	char s[37];

	cdr_uuid_random(a);
	cdr_uuid_random(b);
	ck_assert_int_ne(memcmp(a, b, 16), 0);
	ck_assert_int_eq(a[6] >> 4, 4);
	ck_assert_int_eq(a[8] >> 6, 2);
	cdr_uuid_format(a, s);
	ck_assert_uint_eq(strlen(s), 36);
	ck_assert_int_eq(s[14], '4');
	ck_assert_int_eq(s[8], '-');
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cdr");
	TCase *tc = tt_tcase(s, "record");
	TCase *sp = tcase_create("spool");

	tcase_add_test(tc, crc32c_check_value);
	tcase_add_test(tc, record_round_trip);
	tcase_add_test(tc, record_bounds_fit_encoding);
	tcase_add_test(tc, record_set_str_sanitises);
	tcase_add_test(tc, record_decode_rejects_garbage);
	tcase_add_test(tc, frame_check);
	tcase_add_test(tc, copy_escaping);
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, csv_fields);
	tcase_add_test(tc, uuid_v4);
	tcase_add_checked_fixture(sp, dir_setup, dir_teardown);
	tcase_add_test(sp, spool_append_read_commit);
	tcase_add_test(sp, spool_recycles_when_drained);
	tcase_add_test(sp, spool_corrupt_region_moved_aside);
	tcase_add_test(sp, spool_garbage_file);
	suite_add_tcase(s, sp);
	return tt_run(s);
}

/* One call detail record: what tandemd knows about one call attempt. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

/* Field bounds: the same as the varchar sizes in db/sql/001_cdr.sql, so a
 * record that fits here always fits the table. */
#define CDR_NUMBER_MAX 64
#define CDR_NAME_MAX 64
#define CDR_CALL_ID_MAX 255
#define CDR_CODEC_MAX 32

/*! Largest encoded record (spool payload); every field at its bound fits. */
#define CDR_REC_ENC_MAX 2048

/*! Integer fields use this for "not known" (stored as NULL). */
#define CDR_UNSET (-1)

/*! Which side released the call first. */
enum cdr_releaser {
	CDR_REL_UNKNOWN,
	CDR_REL_CALLING,	/*!< the calling party (ingress side) */
	CDR_REL_CALLED,		/*!< the called party (egress side) */
	CDR_REL_TANDEMD,	/*!< tandemd itself (no route, overload, timer) */
};
extern const struct value_string cdr_releaser_names[];

/*! Q.850 cause locations tandemd writes itself. */
enum cdr_cause_location {
	CDR_LOC_USER = 0,
	CDR_LOC_TRANSIT = 3,	/*!< TN: what a tandem exchange releasing a call reports */
	CDR_LOC_BEYOND_IW = 10,	/*!< BI: network beyond the interworking point */
};
extern const struct value_string cdr_cause_location_names[];

/*! One call attempt.  Strings are NUL-terminated, bounded and valid UTF-8
 *  (use cdr_record_set_str); integers are CDR_UNSET when not known.
 *  Times are microseconds since the Unix epoch (UTC); answer_us is 0 for an
 *  unanswered attempt. */
struct cdr_record {
	uint8_t uuid[16];
	int64_t start_us;
	int64_t answer_us;
	int64_t end_us;
	char calling_in[CDR_NUMBER_MAX + 1];
	char called_in[CDR_NUMBER_MAX + 1];
	char calling_out[CDR_NUMBER_MAX + 1];
	char called_out[CDR_NUMBER_MAX + 1];
	int32_t calling_in_nai, called_in_nai, calling_out_nai, called_out_nai;
	char ingress_trunk[CDR_NAME_MAX + 1];
	char egress_trunk[CDR_NAME_MAX + 1];
	char route[CDR_NAME_MAX + 1];
	int32_t cic, opc, dpc;
	char sip_call_id[CDR_CALL_ID_MAX + 1];
	int32_t cause, cause_location;
	enum cdr_releaser released_by;
	char codec[CDR_CODEC_MAX + 1];
	int32_t transcoded;	/*!< 0, 1 or CDR_UNSET */
	int32_t pdd_ms;
	char instance[CDR_NAME_MAX + 1];
};

/*! Clear @rec: empty strings, every integer CDR_UNSET, a fresh random UUID. */
void cdr_record_init(struct cdr_record *rec);

/*! Copy @src into the bounded field @dst of @size bytes: invalid UTF-8 and
 *  control characters become '?' (PostgreSQL refuses invalid UTF-8, and a
 *  billing field has no use for controls), and overlong text is cut on a
 *  character boundary.  \returns true when the value was changed. */
bool cdr_record_set_str(char *dst, size_t size, const char *src);

/*! Set field @f of @rec from @src; see cdr_record_set_str(). */
#define cdr_record_set(rec, f, src) cdr_record_set_str((rec)->f, sizeof((rec)->f), (src))

/*! Current wall-clock time in microseconds since the epoch. */
int64_t cdr_now_us(void);

/*! Fill @uuid with a random (version 4) UUID. */
void cdr_uuid_random(uint8_t uuid[16]);

/*! Format @uuid as 36 characters plus NUL into @buf. */
void cdr_uuid_format(const uint8_t uuid[16], char buf[37]);

/*! Encode @rec for the spool into @buf.  \returns the length or negative. */
int cdr_record_encode(const struct cdr_record *rec, uint8_t *buf, size_t size);

/*! Decode a spool payload into @rec.  Unknown tags are skipped so a newer
 *  tandemd's spool replays in an older one.  \returns 0 or -EBADMSG. */
int cdr_record_decode(struct cdr_record *rec, const uint8_t *buf, size_t len);

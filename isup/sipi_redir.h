/* Redirection: redirecting number, original called number and
 * redirection information <-> History-Info (RFC 7044, RFC 4458 cause)
 * and Diversion (RFC 5806).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>

#include "isup/isup_msg.h"
#include "isup/isup_params.h"
#include "isup/sipi_profile.h"

/*! Most History-Info or Diversion entries read. */
#define SIPI_REDIR_MAX_ENTRIES	16

/*! The redirection facts of a call, in ISUP terms. */
struct sipi_redirection {
	bool has_redirecting;
	struct isup_number redirecting;
	bool has_original;
	struct isup_number original;
	bool has_info;
	struct isup_redir_info info;
};

/*! One row of the redirecting reason table (Q.763 3.45). */
struct sipi_redir_reason_row {
	uint8_t reason;
	/*! RFC 4458 cause URI parameter of History-Info */
	uint16_t hi_cause;
	/*! RFC 5806 Diversion reason */
	const char *diversion;
};
/*! The redirecting reason table. \param[out] n rows */
const struct sipi_redir_reason_row *sipi_redir_reason_table(unsigned int *n);

/*! Read the redirection parameters of an IAM. \returns 0 (nothing
 *  present is not an error) or -SIPI_ERR_BAD_NUMBER */
int sipi_redir_from_iam(const struct isup_msg *iam, struct sipi_redirection *r);
/*! Set the redirection parameters of an IAM. \returns 0 or negative */
int sipi_redir_to_iam(struct isup_msg *iam, const struct sipi_redirection *r);

/*! Format History-Info: the original called number (index 1), the
 *  redirecting number when it differs, then the target with the RFC
 *  4458 cause of the last redirection.  *out is NULL when r holds no
 *  redirecting number. \returns 0 or negative sipi_err */
int sipi_history_info_format(void *ctx, const struct sipi_profile *p, const struct sipi_redirection *r,
			     const struct isup_number *target, char **out);
/*! Read History-Info: entries whose URI carries cause= are
 *  redirections; the entry before the first is the original called
 *  number, the entry before the last the redirecting number.
 *  \returns 0 (r->has_redirecting says whether one was found) or
 *  -SIPI_ERR_BAD_HEADER */
int sipi_history_info_parse(const char *value, struct sipi_redirection *r);

/*! Format Diversion: the redirecting number (counter, reason), then the
 *  original called number when it differs. */
int sipi_diversion_format(void *ctx, const struct sipi_profile *p, const struct sipi_redirection *r, char **out);
/*! Read Diversion (most recent first). */
int sipi_diversion_parse(const char *value, struct sipi_redirection *r);

struct isup_cause;
/*! Cause 22 "number changed" with a new number in its diagnostic: the
 *  Contact of a 301 Moved Permanently (Q.1912.5 / RFC 3398 map 22 to 301
 *  when the diagnostic gives a usable number, else to 410).  The
 *  diagnostic is read as a called party number parameter's contents.
 *  eturns the length of the URI written to buf (without <>), or
 *  -SIPI_ERR_INVAL (not cause 22, or no diagnostic) or
 *  -SIPI_ERR_BAD_NUMBER */
int sipi_contact_from_cause(char *buf, size_t size, const struct sipi_profile *p, const struct isup_cause *c);

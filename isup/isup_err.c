/* ISUP codec error names.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "isup/isup_err.h"

const struct value_string isup_err_names[] = {
	{ ISUP_ERR_NONE, "no error" },
	{ ISUP_ERR_TRUNCATED, "message truncated" },
	{ ISUP_ERR_POINTER, "pointer out of range" },
	{ ISUP_ERR_LENGTH, "parameter length overflow" },
	{ ISUP_ERR_MISSING_MANDATORY, "missing mandatory parameter" },
	{ ISUP_ERR_UNKNOWN_MSG, "unknown message type" },
	{ ISUP_ERR_BAD_PARAM, "bad parameter contents" },
	{ ISUP_ERR_UNSUPPORTED, "parameter coding not supported" },
	{ ISUP_ERR_TRAILING, "trailing octets after message" },
	{ ISUP_ERR_SPACE, "output buffer too small" },
	{ ISUP_ERR_INVAL, "invalid argument" },
	{ ISUP_ERR_NOMEM, "out of memory" },
	{ 0, NULL }
};

const char *isup_strerror(int rc)
{
	return get_value_string(isup_err_names, rc < 0 ? -rc : rc);
}

/* Pre-flight check of a multipart body before Sofia-SIP parses it.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

/*! Walk a multipart body the way msg_multipart_parse() splits it and
 *  refuse what would make Sofia assert (a NUL octet in the header lines
 *  of a part) or what it would reject anyway.
 *  \param[in] boundary the unquoted boundary parameter
 *  \param[in] buf body octets; buf[len] must be readable (NUL)
 *  \returns the number of parts, or a negative sipi_err */
int sipi_mime_check(const char *boundary, const char *buf, size_t len);

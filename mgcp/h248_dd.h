/* The H.248.1 DTMF detection package "dd" (Annex E.6): its per-digit
 * event names, shared by tandemd's controller and tandem-mgw's gateway.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

struct h248_cmd;

/*! Digits of the dd package, in the order of RFC 4733 event codes 0..15. */
#define H248_DD_DIGITS "0123456789*#ABCD"
/*! Number of per-digit dd events. */
#define H248_DD_EVENTS 16

/*! The event name ("d5", "ds", "do", "da") of DTMF digit @digit, without
 *  the package; NULL when @digit is none. */
const char *h248_dd_event(char digit);

/*! The digit of dd event @name ("d5", no package), or 0. */
char h248_dd_digit(const char *name);

/*! The digits of the "dd/dX" ObservedEvents of Notify @cmd, in order, as
 *  a NUL-terminated string in @buf (at most @size - 1 of them);
 *  \returns their number. */
size_t h248_dd_observed(const struct h248_cmd *cmd, char *buf, size_t size);

/* The mapping tables as Markdown, for doc/interworking.md.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/*! Names of the generated sections, NULL-terminated.  In the doc each
 *  sits between "<!-- BEGIN sipi:NAME -->" and "<!-- END sipi:NAME -->"
 *  lines. */
extern const char *const sipi_doc_sections[];

/*! Render one section from the code's tables.
 *  \returns the Markdown (talloc child of ctx), or NULL for an unknown
 *  name or no memory */
char *sipi_doc_section(void *ctx, const char *name);

/* Reading tandem-mgw's config file, with FILE:LINE on error
 * (the reader is shared with tandemd: src/vty_config.c).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mgcp/mgw.h"
#include "src/vty_config.h"

int mgw_config_read(struct mgw *mgw, const char *file)
{
	int rc = tandem_vty_read_config("tandem-mgw", file);

	if (rc == 0)
		mgw->config_file = file;
	return rc;
}

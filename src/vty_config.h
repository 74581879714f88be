/* Reading a VTY-syntax config file with FILE:LINE errors (tandemd, tandem-mgw). */
#pragma once

/*! Read @file through the VTY parser.  On error print
 *  "@prog: FILE:LINE: invalid config line '...'" to stderr.
 *  \returns 0, or a negative errno. */
int tandem_vty_read_config(const char *prog, const char *file);

/* Reading a VTY-syntax config file, for tandemd and tandem-mgw.
 *
 * libosmocore reads the file through the VTY parser but does not say which
 * line failed.  We feed it through a one-byte-at-a-time cookie stream that
 * counts newlines, so that on failure we know exactly how far it got and can
 * name FILE:LINE, as an operator needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/vty/vty.h>

#include "src/vty_config.h"

struct cfg_reader {
	FILE *file;
	unsigned int newlines;	/* newlines handed to the parser so far */
	char line[512];		/* the line being handed over, for the error */
	size_t line_len;
	bool line_done;
};

static ssize_t cfg_reader_read(void *cookie, char *buf, size_t size)
{
	struct cfg_reader *r = cookie;
	int c;

	if (size == 0)
		return 0;
	c = fgetc(r->file);
	if (c == EOF)
		return 0;
	if (r->line_done) {
		r->line_len = 0;
		r->line_done = false;
	}
	if (c == '\n') {
		r->newlines++;
		r->line_done = true;
	} else if (r->line_len < sizeof(r->line) - 1) {
		r->line[r->line_len++] = c;
	}
	r->line[r->line_len] = '\0';
	buf[0] = c;
	return 1;
}

int tandem_vty_read_config(const char *prog, const char *file)
{
	cookie_io_functions_t io = { .read = cfg_reader_read };
	struct cfg_reader r = { .line_done = true };
	FILE *stream;
	unsigned int lineno;
	int rc;

	r.file = fopen(file, "r");
	if (!r.file) {
		fprintf(stderr, "%s: %s: cannot open config file: %s\n", prog, file, strerror(errno));
		return -errno;
	}
	stream = fopencookie(&r, "r", io);
	if (!stream) {
		fclose(r.file);
		return -ENOMEM;
	}
	setvbuf(stream, NULL, _IONBF, 0);

	rc = vty_read_config_filep(stream, NULL);
	fclose(stream);
	fclose(r.file);
	if (rc < 0) {
		/* The parser stops right after the line it rejected. */
		lineno = r.line_done ? r.newlines : r.newlines + 1;
		fprintf(stderr, "%s: %s:%u: invalid config line '%s': %s\n", prog, file, lineno, r.line,
			"unknown command, bad argument or wrong node");
		return -EINVAL;
	}
	return 0;
}

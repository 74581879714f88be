/* tandem-isup: decode ISUP hex to JSON and encode JSON back to hex.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <talloc.h>

#include "isup/isup_json.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tandem-isup decode [--variant itu|ansi|china] [--cic] [--strict] [HEX]\n"
		"       tandem-isup encode [--variant itu|ansi|china] [--cic] < message.json\n"
		"\n"
		"decode  print the ISUP message given in hex (argument or stdin) as JSON\n"
		"encode  read that JSON on stdin and print the message in hex\n"
		"\n"
		"  -v, --variant V  protocol variant (default itu; encode: the JSON's \"variant\")\n"
		"  -c, --cic        the hex starts with / the output gets the 2-octet CIC\n"
		"  -s, --strict     reject unknown messages and trailing octets\n"
		"  -h, --help       this text\n"
		"\n"
		"Field names: doc/isup-json.md.  Exit status 0 on success, 1 on error.\n");
}

static char *read_all(void *ctx, FILE *f)
{
	size_t len = 0, cap = 4096;
	char *buf = talloc_size(ctx, cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = talloc_realloc_size(ctx, buf, cap);
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static int do_decode(void *ctx, int variant, unsigned int flags, const char *hex)
{
	struct isup_err_detail err;
	struct isup_msg *msg;
	uint8_t *bytes;
	json_t *j;
	char *s;
	int len, rc;

	len = isup_hex_parse(ctx, hex, &bytes);
	if (len < 0) {
		fprintf(stderr, "tandem-isup: bad hex input: %s\n",
			len == -ISUP_ERR_LENGTH ? "odd number of hex digits"
						: "only hex digits, spaces and ':' are allowed");
		return 1;
	}
	rc = isup_decode_ex(ctx, variant < 0 ? ISUP_VARIANT_ITU : variant, flags, bytes, len,
			    &msg, &err);
	if (rc < 0) {
		fprintf(stderr, "tandem-isup: cannot decode: %s at octet %zu", isup_strerror(rc),
			err.offset);
		if (err.has_msg_type)
			fprintf(stderr, ", message %s (0x%02x)", isup_msg_type_name(err.msg_type),
				err.msg_type);
		if (err.has_param)
			fprintf(stderr, ", parameter 0x%02x", err.param_code);
		fprintf(stderr, "\n");
		return 1;
	}
	j = isup_json_from_msg(msg);
	s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!s) {
		fprintf(stderr, "tandem-isup: out of memory\n");
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

static int do_encode(void *ctx, int variant, bool with_cic)
{
	char errbuf[256] = "";
	struct isup_msg *msg;
	json_error_t jerr;
	uint8_t *out;
	json_t *j;
	int rc, i;

	j = json_loadf(stdin, 0, &jerr);
	if (!j) {
		fprintf(stderr, "tandem-isup: bad JSON on stdin, line %d: %s\n", jerr.line, jerr.text);
		return 1;
	}
	rc = isup_json_to_msg(ctx, j, variant, with_cic, &msg, errbuf, sizeof(errbuf));
	json_decref(j);
	if (rc < 0) {
		fprintf(stderr, "tandem-isup: bad message JSON: %s\n", errbuf[0] ? errbuf : isup_strerror(rc));
		return 1;
	}
	rc = isup_encode_alloc(ctx, msg, &out);
	if (rc < 0) {
		fprintf(stderr, "tandem-isup: cannot encode: %s\n", isup_strerror(rc));
		return 1;
	}
	for (i = 0; i < rc; i++)
		printf("%02x", out[i]);
	printf("\n");
	return 0;
}

/* Parse options; getopt stops at the command word unless optstring
 * lacks '+', so this runs before and after it.
 * \returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, const char *optstring, int *variant,
		      unsigned int *flags)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "cic", no_argument, NULL, 'c' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			*variant = isup_variant_parse(optarg);
			if (*variant < 0) {
				fprintf(stderr, "tandem-isup: unknown variant '%s' (itu, ansi, china)\n",
					optarg);
				return 1;
			}
			break;
		case 'c':
			*flags |= ISUP_DEC_CIC;
			break;
		case 's':
			*flags |= ISUP_DEC_STRICT;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	unsigned int flags = 0;
	int variant = -1, rc;
	const char *cmd;
	void *ctx;

	rc = parse_opts(argc, argv, "+v:csh", &variant, &flags);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = argv[optind];
	/* options may also follow the command word, before or after HEX:
	 * rescan from the command word with a fresh (permuting) getopt */
	argv += optind;
	argc -= optind;
	optind = 0;
	rc = parse_opts(argc, argv, "v:csh", &variant, &flags);
	if (rc >= 0)
		return rc;

	ctx = talloc_named_const(NULL, 0, "tandem-isup");
	if (strcmp(cmd, "decode") == 0) {
		if (optind < argc - 1) {
			usage(stderr);
			rc = 1;
		} else if (optind == argc - 1) {
			rc = do_decode(ctx, variant, flags, argv[optind]);
		} else {
			char *in = read_all(ctx, stdin);

			rc = in ? do_decode(ctx, variant, flags, in) : 1;
		}
	} else if (strcmp(cmd, "encode") == 0) {
		if (optind != argc) {
			usage(stderr);
			rc = 1;
		} else {
			rc = do_encode(ctx, variant, flags & ISUP_DEC_CIC);
		}
	} else {
		fprintf(stderr, "tandem-isup: unknown command '%s'\n", cmd);
		usage(stderr);
		rc = 1;
	}
	talloc_free(ctx);
	return rc;
}

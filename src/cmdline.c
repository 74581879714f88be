/* The command line every Tandem daemon shares: -c FILE, -V, -h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "src/cmdline.h"

static void tandem_cmdline_help(const char *prog, const char *about)
{
	printf("Usage: %s [-c FILE] [-V] [-h]\n"
	       "%s Runs in the foreground.\n\n"
	       "  -c, --config-file FILE  read the configuration from FILE (default %s.cfg)\n"
	       "  -V, --version           print the version and exit\n"
	       "  -h, --help              print this help and exit\n",
	       prog, about, prog);
}

int tandem_cmdline(const char *prog, const char *about, int argc, char **argv,
		   const char **config_file)
{
	static const struct option opts[] = {
		{ "config-file", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* a static default: the string outlives main()'s use of it */
	static char default_file[64];
	int c;

	snprintf(default_file, sizeof(default_file), "%s.cfg", prog);
	*config_file = default_file;
	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*config_file = optarg;
			break;
		case 'V':
			printf("%s %s\n", prog, PACKAGE_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			tandem_cmdline_help(prog, about);
			return EXIT_SUCCESS;
		default:
			tandem_cmdline_help(prog, about);
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return EXIT_FAILURE;
	}
	return -1;
}

/* tandemd: the Tandem SIP-I/SIP-T softswitch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <talloc.h>

#include "config.h"
#include "src/app.h"

static void print_help(void)
{
	printf("Usage: tandemd [-c FILE] [-V] [-h]\n"
	       "Tandem SIP-I/SIP-T softswitch. Runs in the foreground.\n\n"
	       "  -c, --config-file FILE  read the configuration from FILE (default tandemd.cfg)\n"
	       "  -V, --version           print the version and exit\n"
	       "  -h, --help              print this help and exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config-file", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_file = "tandemd.cfg";
	struct tandem_app *app;
	void *ctx;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_file = optarg;
			break;
		case 'V':
			printf("tandemd %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			print_help();
			return EXIT_SUCCESS;
		default:
			print_help();
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tandemd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_FAILURE;
	}

	ctx = talloc_named_const(NULL, 0, "tandemd");
	app = tandem_app_alloc(ctx);
	if (!app)
		return EXIT_FAILURE;
	rc = tandem_config_read(app, config_file);
	if (rc == 0)
		rc = tandem_app_start(app);
	if (rc == 0)
		rc = tandem_app_run(app);
	talloc_free(ctx);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

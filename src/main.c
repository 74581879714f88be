/* tandemd: the Tandem SIP-I/SIP-T softswitch. */
#include <stdlib.h>

#include <talloc.h>

#include "src/app.h"
#include "src/cmdline.h"

int main(int argc, char **argv)
{
	const char *config_file;
	struct tandem_app *app;
	void *ctx;
	int rc;

	rc = tandem_cmdline("tandemd", "Tandem SIP-I/SIP-T softswitch.", argc, argv, &config_file);
	if (rc >= 0)
		return rc;

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

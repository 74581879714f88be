/* The tandemd application object: what lives for the whole process. */
#pragma once

#include <stdbool.h>
#include <time.h>

struct sip_loop;
struct sip_agent;

struct tandem_app {
	void *ctx;		/* talloc root of the daemon */
	const char *config_file;
	struct sip_loop *loop;
	struct sip_agent *sip;
	struct timespec started;
	volatile bool quit;
};

/* The VTY's commands reach the daemon through this. */
extern struct tandem_app *g_app;

/*! Create the application: loop, logging, VTY and SIP agent, not yet configured. */
struct tandem_app *tandem_app_alloc(void *ctx);

/*! Read @file (VTY syntax); on error print FILE:LINE: reason and return < 0. */
int tandem_config_read(struct tandem_app *app, const char *file);

/*! Start the listeners (VTY telnet, SIP) once the config is read. */
int tandem_app_start(struct tandem_app *app);

/*! Run the event loop until SIGTERM/SIGINT, then shut down cleanly. */
int tandem_app_run(struct tandem_app *app);

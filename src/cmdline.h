/* The command line every Tandem daemon shares: -c FILE, -V, -h. */
#pragma once

/*! Parse a daemon's command line.  @prog names it ("tandemd"), @about is
 *  its one-line description for -h; *@config_file defaults to "@prog.cfg".
 *  \returns -1 to go on, else the exit status to return from main(). */
int tandem_cmdline(const char *prog, const char *about, int argc, char **argv,
		   const char **config_file);

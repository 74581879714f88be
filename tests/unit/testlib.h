/* Shared fixture for Tandem's Check unit tests.
 *
 * Every test gets a fresh talloc context; the teardown fails the test when
 * anything allocated under it is still alive, so a leak is a test failure.
 */
#pragma once

#include <check.h>
#include <talloc.h>

extern void *tt_ctx;

/*! Checked-fixture setup: create the per-test talloc context. */
void tt_setup(void);
/*! Checked-fixture teardown: fail on leaked talloc blocks, then free. */
void tt_teardown(void);

/*! Add a test case with the leak-checking fixture to a suite. */
TCase *tt_tcase(Suite *s, const char *name);

/*! Run a suite; returns the process exit code (0 when all passed). */
int tt_run(Suite *s);

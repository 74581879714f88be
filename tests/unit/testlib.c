/* Shared fixture for Tandem's Check unit tests. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/testlib.h"

void *tt_ctx;

void tt_setup(void)
{
	tt_ctx = talloc_named_const(NULL, 0, "test");
}

void tt_teardown(void)
{
	size_t blocks = talloc_total_blocks(tt_ctx);

	if (blocks != 1)
		talloc_report_full(tt_ctx, stderr);
	ck_assert_msg(blocks == 1, "talloc leak: %zu blocks still under the test context", blocks - 1);
	talloc_free(tt_ctx);
	tt_ctx = NULL;
}

TCase *tt_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return tc;
}

int tt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

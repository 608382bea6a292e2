/* cat/select: against catR's reference values in ../shared/golden/catr. */
#include "check_concerto.h"

#include "golden.h"

TCase *tcase_cat_select(void)
{
    TCase *tc = cc_test_tcase("cat/select");

    return tc;
}

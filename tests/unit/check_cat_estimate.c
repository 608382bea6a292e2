/* cat/estimate: against catR's reference values in ../shared/golden/catr. */
#include "check_concerto.h"

#include "golden.h"

TCase *tcase_cat_estimate(void)
{
    TCase *tc = cc_test_tcase("cat/estimate");

    return tc;
}

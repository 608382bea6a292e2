/* cat/simulate: against catR's reference values in ../shared/golden/catr. */
#include "check_concerto.h"

#include "golden.h"

TCase *tcase_cat_simulate(void)
{
    TCase *tc = cc_test_tcase("cat/simulate");

    return tc;
}

/* cat/model: against catR's reference values in ../shared/golden/catr. */
#include "check_concerto.h"

#include "golden.h"

TCase *tcase_cat_model(void)
{
    TCase *tc = cc_test_tcase("cat/model");

    return tc;
}

/* catapi/request: the JSON requests of `concertoctl cat`. */
#include "check_concerto.h"

TCase *tcase_catapi_request(void)
{
    TCase *tc = cc_test_tcase("catapi/request");

    return tc;
}

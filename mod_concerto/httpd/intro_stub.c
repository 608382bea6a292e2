/* TEMPORARY: stands in for the lead's cc_run_intro until it is on main. */
#include "runner/service.h"

#include <apr_strings.h>
#include <string.h>

apr_status_t cc_run_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out);

apr_status_t cc_run_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out)
{
    (void)db;
    memset(out, 0, sizeof(*out));
    if (strcmp(slug, "demo-cat") != 0) {
        out->http_status = 404;
        out->code = CC_RUN_TEST_NOT_FOUND;
        out->message = "no such test";
        return APR_SUCCESS;
    }
    out->http_status = 200;
    out->json = apr_pstrdup(
        pool, "{\"code\":0,\"data\":{\"templateHtml\":\"<div class=\\\"cc cc-page cc-start\\\"><h1 "
              "class=\\\"cc-h1\\\" tabindex=\\\"-1\\\" data-cc-focus>Demo</h1><div "
              "class=\\\"cc-nav\\\"><button type=\\\"button\\\" class=\\\"cc-button "
              "cc-button-primary\\\" name=\\\"next\\\">Start</button></div></div>\","
              "\"templateCss\":\"\",\"templateJs\":\"\",\"templateHead\":\"\","
              "\"templateParams\":{\"title\":\"Demo </script> test\"}},\"hash\":null,"
              "\"token\":null,\"timeLimit\":0}");
    return APR_SUCCESS;
}

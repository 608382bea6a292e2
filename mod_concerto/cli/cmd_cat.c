/* concertoctl cat: one JSON request to the CAT engine on stdin, the result
 * on stdout (see catapi/request.h). Needs no database. */
#include "cli.h"

#include "catapi/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* All of stdin, up to limit + 1 bytes (so that a larger input shows). */
static char *read_all(FILE *in, size_t limit, size_t *len)
{
    size_t cap = 65536, n = 0, got;
    char *buf = malloc(cap), *bigger;

    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            if (cap > limit)
                break;
            cap *= 2;
            bigger = realloc(buf, cap);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0)
            break;
    }
    *len = n;
    return buf;
}

int cli_cmd_cat(cli_context *ctx, int argc, const char *const *argv)
{
    char errbuf[512], *request, *result = NULL;
    size_t len = 0;
    int rc;

    (void)ctx;
    (void)argv;
    if (argc > 1) {
        cli_error("cat takes no arguments: it reads one JSON request on stdin");
        return CLI_USAGE;
    }
    request = read_all(stdin, CC_CATAPI_MAX_REQUEST, &len);
    if (request == NULL) {
        cli_error("cat: out of memory reading the request");
        return CLI_FAILED;
    }
    if (ferror(stdin)) {
        free(request);
        cli_error("cat: cannot read the request from stdin");
        return CLI_FAILED;
    }
    if (len > CC_CATAPI_MAX_REQUEST) {
        free(request);
        cli_error("cat: the request on stdin is larger than 64 MiB");
        return CLI_USAGE;
    }
    rc = cc_catapi_handle(request, len, &result, errbuf, sizeof(errbuf));
    free(request);
    if (rc != CC_CATAPI_OK) {
        cli_error("cat: %s", errbuf);
        return rc == CC_CATAPI_ENOMEM ? CLI_FAILED : CLI_USAGE;
    }
    rc = fputs(result, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) == EOF;
    free(result);
    if (rc) {
        cli_error("cat: cannot write the result");
        return CLI_FAILED;
    }
    return CLI_OK;
}

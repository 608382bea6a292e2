/* libFuzzer target: `concertoctl cat` requests through the JSON layer
 * (catapi/request.c) into the engine (mod_concerto/cat). Built and run by
 * tests/fuzz/run.sh.
 *
 * An input starting with '{' is a request as it is. Any other input is
 * decoded into a well-formed request (function, model, a small bank with
 * extreme or ordinary numbers, responses, options), so that the fuzzer
 * reaches the engine's numerics and not only the parser.
 *
 * Beyond the sanitizers it checks the contract of cc_catapi_handle: an
 * answer is valid JSON without NaN, a refusal is one non-empty line with a
 * known status, never both. */
#include "catapi/request.h"

#include <json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    const uint8_t *p;
    size_t n;
} input;

static unsigned byte(input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

/* Interesting numbers first, then a scaled byte pair. */
static double number(input *in)
{
    static const double special[] = {0,     1,      -1,     0.5,    -0.5,   2,      -2,
                                     1e-10, -1e-10, 1e-300, 40,     -40,    700,    -700,
                                     1e10,  -1e10,  1e300,  -1e300, 0.9999, 1.0001, 5e-324};
    unsigned k = byte(in);

    if (k < sizeof(special) / sizeof(special[0]))
        return special[k];
    return ((double)(int)(k << 8 | byte(in)) - 32768.0) / 4096.0;
}

static void put_num(char **w, char *end, double v)
{
    *w += snprintf(*w, (size_t)(end - *w), "%.17g", v);
}

static void build(input *in, char *buf, size_t size)
{
    static const char *const fns[] = {"Pi",       "Ii",       "Ji",       "OIi",
                                      "thetaEst", "semTheta", "nextItem", "randomCAT"};
    static const char *const models[] = {"null",     "\"GRM\"", "\"MGRM\"", "\"PCM\"",
                                         "\"GPCM\"", "\"RSM\"", "\"NRM\""};
    static const int cols[] = {4, 4, 5, 3, 4, 4, 6};
    static const char *const methods[] = {"ML", "BM", "EAP", "WL", "ROB"};
    static const char *const priors[] = {"norm", "unif", "Jeffreys"};
    static const char *const crits[] = {"MFI",  "bOpt",   "thOpt",       "MLWI",        "MPWI",
                                        "MEI",  "MEPV",   "KL",          "KLP",         "GDI",
                                        "GDIP", "random", "progressive", "proportional"};
    static const char *const cps[] = {"null",   "\"fixed4\"", "\"var\"",
                                      "\"BM\"", "\"EAP\"",    "\"WL\""};
    char *w = buf, *end = buf + size - 64;
    unsigned fn = byte(in) % 8, m = byte(in) % 7, n = 1 + byte(in) % 8, i, j, given;
    const char *bank_key = fn >= 6 ? "itemBank" : "it";

    w += snprintf(w, (size_t)(end - w), "{\"fn\":\"%s\",\"args\":{\"model\":%s,\"%s\":[", fns[fn],
                  models[m], bank_key);
    for (i = 0; i < n && w < end; i++) {
        if (i)
            *w++ = ',';
        *w++ = '[';
        for (j = 0; j < (unsigned)cols[m] && w < end; j++) {
            if (j)
                *w++ = ',';
            if (byte(in) == 255)
                w += snprintf(w, (size_t)(end - w), "null");
            else
                put_num(&w, end, number(in));
        }
        *w++ = ']';
    }
    w += snprintf(w, (size_t)(end - w), "]");
    given = fn >= 6 ? byte(in) % (n + 1) : n;
    if (fn == 3 || fn == 4 || fn == 5 || (fn == 6 && given > 0)) {
        if (fn == 6) {
            w += snprintf(w, (size_t)(end - w), ",\"out\":[");
            for (i = 0; i < given; i++)
                w += snprintf(w, (size_t)(end - w), "%s%u", i ? "," : "", i + 1);
            w += snprintf(w, (size_t)(end - w), "]");
        }
        w += snprintf(w, (size_t)(end - w), ",\"x\":[");
        for (i = 0; i < given; i++) {
            unsigned x = byte(in);
            if (x == 255)
                w += snprintf(w, (size_t)(end - w), "%snull", i ? "," : "");
            else
                w += snprintf(w, (size_t)(end - w), "%s%u", i ? "," : "", x % 4);
        }
        w += snprintf(w, (size_t)(end - w), "]");
    }
    if (fn == 7)
        w += snprintf(w, (size_t)(end - w),
                      ",\"genSeed\":%u,\"start\":{\"nrItems\":%u},\"test\":{\"method\":\"%s\","
                      "\"itemSelect\":\"%s\"},\"stop\":{\"rule\":\"%s\",\"thr\":",
                      byte(in), byte(in) % 3, methods[byte(in) % 5], crits[byte(in) % 14],
                      byte(in) & 1 ? "precision" : "length");
    else if (fn == 6)
        w += snprintf(w, (size_t)(end - w),
                      ",\"criterion\":\"%s\",\"randomesque\":%u,\"theta\":", crits[byte(in) % 14],
                      1 + byte(in) % 3);
    else if (fn == 5)
        w += snprintf(w, (size_t)(end - w), ",\"sem.type\":\"%s\",\"sem.exact\":%s,\"thEst\":",
                      byte(in) & 1 ? "new" : "classic", byte(in) & 1 ? "true" : "false");
    else if (fn < 4)
        w += snprintf(w, (size_t)(end - w), ",\"th\":");
    else
        w += snprintf(w, (size_t)(end - w), ",\"current.th\":");
    put_num(&w, end, number(in));
    if (fn == 7)
        w += snprintf(w, (size_t)(end - w), "},\"trueTheta\":");
    else
        w += snprintf(w, (size_t)(end - w), ",\"D\":");
    put_num(&w, end, fabs(number(in)) + 0.1);
    if (fn >= 4 && fn <= 6) {
        w +=
            snprintf(w, (size_t)(end - w), ",\"method\":\"%s\",\"priorDist\":\"%s\",\"priorPar\":[",
                     methods[byte(in) % 5], priors[byte(in) % 3]);
        put_num(&w, end, number(in));
        *w++ = ',';
        put_num(&w, end, number(in));
        w += snprintf(w, (size_t)(end - w), "],\"parInt\":[");
        put_num(&w, end, number(in));
        *w++ = ',';
        put_num(&w, end, number(in));
        w += snprintf(w, (size_t)(end - w), ",%u]", 2 + byte(in) % 60);
        if (fn == 4)
            w += snprintf(w, (size_t)(end - w), ",\"constantPatt\":%s,\"weight\":\"%s\"",
                          cps[byte(in) % 6], byte(in) & 1 ? "Tukey" : "Huber");
    }
    snprintf(w, (size_t)(buf + size - w), "}}");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512], *out = NULL, *built = NULL;
    const char *req = (const char *)data;
    size_t len = size;
    int rc;

    if (size > 0 && data[0] != '{') {
        input in = {data + 1, size - 1};
        built = malloc(16384);
        if (built == NULL)
            return 0;
        build(&in, built, 16384);
        req = built;
        len = strlen(built);
        if (getenv("FUZZ_CATAPI_SHOW"))
            fprintf(stderr, "%s\n", built);
    }
    rc = cc_catapi_handle(req, len, &out, err, sizeof(err));
    if (rc == CC_CATAPI_OK) {
        json_tokener *tok;
        json_object *v;
        if (out == NULL || strstr(out, "\"NaN\"") != NULL)
            abort(); /* no answer, or a NaN by accident */
        tok = json_tokener_new();
        v = json_tokener_parse_ex(tok, out, (int)strlen(out) + 1);
        if (json_tokener_get_error(tok) != json_tokener_success)
            abort(); /* an answer that is not JSON */
        json_object_put(v);
        json_tokener_free(tok);
        free(out);
    } else {
        if (out != NULL || rc < CC_CATAPI_EBADREQ || rc > CC_CATAPI_ENOTIMPL)
            abort();
        if (err[0] == '\0' || strchr(err, '\n') != NULL)
            abort(); /* a refusal must say why, on one line */
    }
    free(built);
    return 0;
}

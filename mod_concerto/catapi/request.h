/* JSON requests to the CAT engine: catR's functions by name, with catR's
 * argument names and result names. Used by `concertoctl cat`, and meant for
 * the REST API and the 1EdTech CAT service as well.
 *
 * A request is one JSON object {"fn": NAME, "args": {...}}, NAME one of
 * Pi, Ii, OIi, thetaEst, semTheta, nextItem, randomCAT. Conventions:
 *   - item numbers are 1-based, as in catR;
 *   - "model" null or absent means dichotomous items, else GRM, MGRM, PCM,
 *     GPCM, RSM or NRM;
 *   - item parameter matrices (it, itemBank) are arrays of rows; null is
 *     catR's NA (an absent category); a flat array of numbers is one item;
 *   - responses (x, responses) are integers, null for a missing response;
 *   - an argument given as null counts as not given (catR's default);
 *   - a scalar may be written as a 1-element array and a 1-element vector
 *     as a scalar (R does not tell them apart);
 *   - an unknown argument is an error (a typo would otherwise be ignored).
 * Results use catR's names. Numbers that are not finite are written as the
 * strings "Inf", "-Inf" and "NaN", as the golden catR data does (JSON has no
 * such numbers): semTheta gives "Inf" for constant patterns under
 * constantPatt fixed4/fixed7/var.
 *
 * Plain C11 and json-c; no APR, no httpd. */
#ifndef CC_CATAPI_REQUEST_H
#define CC_CATAPI_REQUEST_H

#include <stddef.h>

struct json_object;

/* Results of cc_catapi_handle and cc_catapi_call. */
enum {
    CC_CATAPI_OK = 0,
    CC_CATAPI_EBADREQ = 1,  /* malformed JSON, unknown fn, bad or missing argument, bad bank */
    CC_CATAPI_EREFUSED = 2, /* a valid request the engine refuses (as catR refuses it) */
    CC_CATAPI_ENOMEM = 3,   /* out of memory */
    CC_CATAPI_ENOTIMPL = 4  /* fn known but not built into this engine */
};

/* Limits. A request above them is refused with a message saying so. */
#define CC_CATAPI_MAX_REQUEST ((size_t)64 << 20) /* bytes of JSON */
#define CC_CATAPI_MAX_ITEMS 100000               /* rows of an item bank */
#define CC_CATAPI_MAX_COLS 64                    /* parameter columns of an item bank */
#define CC_CATAPI_MAX_VALUES 2000000             /* items x columns of an item bank */
#define CC_CATAPI_MAX_DEPTH 16                   /* nesting of the JSON request */

/* Answers one request of len bytes (need not be NUL-terminated). On
 * success returns CC_CATAPI_OK and sets *out_json to the result as compact
 * JSON (NUL-terminated, malloc'd: free() it). Otherwise *out_json is NULL,
 * errbuf (when errlen > 0) receives one line without a newline saying what
 * is wrong (naming the argument, the 1-based row or item), and the return
 * value is one of the codes above. Thread-safe; no global state. */
int cc_catapi_handle(const char *json, size_t len, char **out_json, char *errbuf, size_t errlen);

/* The same for a request already parsed: fn and its args object (NULL for
 * none). On success *result is a new json-c value (json_object_put() it). */
int cc_catapi_call(const char *fn, struct json_object *args, struct json_object **result,
                   char *errbuf, size_t errlen);

/* A JSON number for v, in the shortest form that reads back as the same
 * double; "Inf", "-Inf" or "NaN" (strings) when v is not finite. */
struct json_object *cc_catapi_number(double v);

#endif

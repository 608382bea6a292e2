/* Reading the catR reference data in ../shared/golden/catr for the CAT
 * engine's tests. */
#ifndef CHECK_GOLDEN_H
#define CHECK_GOLDEN_H

#include "cat/bank.h"

#include <json.h>

/* The parsed file (e.g. "pi.json"); the test fails when it cannot be read.
 * Kept for the life of the process. */
json_object *golden_load(const char *file);
/* A member that must exist. */
json_object *golden_get(json_object *obj, const char *key);
/* A number, "Inf", "-Inf", "NaN" or null (NAN). */
double golden_num(json_object *value);
/* An array of numbers into out (at most max); returns the count. */
int golden_nums(json_object *array, double *out, int max);
/* Responses: integers, null = CC_MISSING. Returns the count. */
int golden_ints(json_object *array, int *out, int max);
/* catR's model name from a record's "catR_model" (null = dichotomous). */
cc_model golden_model(json_object *record);
/* A bank from a matrix given as an array of rows; fails the test on error. */
void golden_bank_from_rows(json_object *rows, cc_model model, cc_bank *out);
/* A named bank of banks.json or speed_banks.json. */
void golden_bank(const char *name, cc_bank *out);

/* |a - b| <= abs_tol + rel_tol * |b|, with NaN == NaN and Inf == Inf. */
int golden_close(double a, double b, double abs_tol, double rel_tol);

#endif

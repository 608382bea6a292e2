/* cat/rng: the engine's reproducible random numbers. */
#include "check_concerto.h"

#include "cat/rng.h"

START_TEST(same_seed_same_sequence)
{
    cc_rng a, b, c;
    int k, differ = 0;

    cc_rng_seed(&a, 42);
    cc_rng_seed(&b, 42);
    cc_rng_seed(&c, 43);
    for (k = 0; k < 1000; k++) {
        double u = cc_rng_uniform(&a);
        ck_assert(u == cc_rng_uniform(&b));
        differ += (u != cc_rng_uniform(&c));
    }
    ck_assert_int_gt(differ, 990);
}
END_TEST

START_TEST(uniform_range_and_mean)
{
    cc_rng rng;
    double sum = 0, lo = 1, hi = 0;
    int k, n = 100000;

    cc_rng_seed(&rng, 7);
    for (k = 0; k < n; k++) {
        double u = cc_rng_uniform_fn(&rng);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    /* Mean of n uniforms: sd 1/sqrt(12 n) ~ 0.0009. */
    ck_assert_msg(sum / n > 0.495 && sum / n < 0.505, "mean %g", sum / n);
    ck_assert(lo < 0.001 && hi > 0.999);
}
END_TEST

TCase *tcase_cat_rng(void)
{
    TCase *tc = cc_test_tcase("cat/rng");

    tcase_add_test(tc, same_seed_same_sequence);
    tcase_add_test(tc, uniform_range_and_mean);
    return tc;
}

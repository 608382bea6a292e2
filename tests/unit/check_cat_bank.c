/* cat/bank: loading and validating item banks. */
#include "check_concerto.h"

#include "cat/bank.h"
#include "cat/model.h"
#include "cat/rng.h"
#include "golden.h"

#include <math.h>
#include <string.h>

static cc_cat_status init(cc_model model, int n, int cols, const double *par, cc_cat_error *err)
{
    cc_bank bank;
    cc_cat_status st = cc_bank_init(&bank, model, n, cols, par, err);

    if (st == CC_CAT_OK)
        cc_bank_free(&bank);
    return st;
}

START_TEST(every_golden_bank_loads)
{
    static const char *const names[] = {"dicho_1PL_50", "dicho_2PL_500",  "dicho_3PL_1000",
                                        "dicho_4PL_50", "poly_GRM_50",    "poly_MGRM_500",
                                        "poly_PCM_50",  "poly_GPCM_500",  "poly_RSM_50",
                                        "poly_NRM_500", "dicho_3PL_10000"};
    json_object *banks = golden_get(golden_load("banks.json"), "banks");
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        cc_bank bank;
        json_object *record = NULL, *ncat;
        int k;
        golden_bank(names[i], &bank);
        if (json_object_object_get_ex(banks, names[i], &record)) {
            ncat = golden_get(record, "n_categories");
            ck_assert_int_eq(bank.n_items, (int)json_object_array_length(ncat));
            for (k = 0; k < bank.n_items; k++)
                ck_assert_int_eq(bank.n_cat[k],
                                 json_object_get_int(json_object_array_get_idx(ncat, (size_t)k)));
        }
        cc_bank_free(&bank);
    }
}
END_TEST

START_TEST(bad_banks_name_item_and_reason)
{
    const double dicho_bad_c[] = {1, 0, 0, 1, 1, 0, 0.9, 0.5};
    const double dicho_inf[] = {1, 0, 0, 1, 1, INFINITY, 0, 1, 1, 0, 0, 1};
    const double dicho_neg_a[] = {-1, 0, 0, 1};
    const double grm_unordered[] = {1, -1, 0, 1, 1, 0.5, -0.5, 1};
    const double grm_gap[] = {1, -1, NAN, 1};
    const double pcm_none[] = {NAN, NAN};
    const double nrm_half[] = {1, 0.5, 1, NAN};
    cc_cat_error err;

    ck_assert_int_eq(init(CC_MODEL_DICHO, 2, 4, dicho_bad_c, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "item 2"));
    ck_assert_int_eq(init(CC_MODEL_DICHO, 3, 4, dicho_inf, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "finite"));
    ck_assert_int_eq(init(CC_MODEL_DICHO, 1, 4, dicho_neg_a, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "positive"));
    ck_assert_int_eq(init(CC_MODEL_GRM, 2, 4, grm_unordered, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "increase"));
    ck_assert_int_eq(init(CC_MODEL_GRM, 1, 4, grm_gap, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(init(CC_MODEL_PCM, 1, 2, pcm_none, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(init(CC_MODEL_NRM, 1, 4, nrm_half, &err), CC_CAT_EINVAL);
}
END_TEST

START_TEST(layouts_and_sizes)
{
    const double one[] = {1, 0, 0, 1};
    const double mgrm_bad[] = {1, 0, 0.5, 0.9};
    cc_cat_error err;

    ck_assert_int_eq(init(CC_MODEL_DICHO, 1, 3, one, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "4"));
    ck_assert_int_eq(init(CC_MODEL_DICHO, 0, 4, one, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "empty"));
    ck_assert_int_eq(init(CC_MODEL_NRM, 1, 3, one, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(init(CC_MODEL_MGRM, 1, 4, mgrm_bad, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "decrease"));
}
END_TEST

START_TEST(responses_checked_against_categories)
{
    cc_bank bank;
    const int items[] = {0, 1, 3};
    const int good[] = {0, CC_MISSING, 1};
    const int too_high[] = {0, 3, 1};
    const int bad_item[] = {60};
    cc_cat_error err;

    golden_bank("poly_GRM_50", &bank);
    /* Item 2 of poly_GRM_50 has 2 categories. */
    ck_assert_int_eq(bank.n_cat[1], 2);
    ck_assert_int_eq(cc_check_responses(&bank, items, good, 3, &err), CC_CAT_OK);
    ck_assert_int_eq(cc_check_responses(&bank, items, too_high, 3, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "only categories 0 to 1"));
    ck_assert_int_eq(cc_check_responses(&bank, bad_item, good, 1, &err), CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(models_by_name)
{
    cc_model m;
    cc_cat_error err;

    ck_assert_int_eq(cc_model_from_name(NULL, &m, &err), CC_CAT_OK);
    ck_assert_int_eq(m, CC_MODEL_DICHO);
    ck_assert_int_eq(cc_model_from_name("GPCM", &m, &err), CC_CAT_OK);
    ck_assert_int_eq(m, CC_MODEL_GPCM);
    ck_assert_str_eq(cc_model_name(CC_MODEL_NRM), "NRM");
    ck_assert_int_eq(cc_model_from_name("3PL", &m, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "3PL"));
}
END_TEST

START_TEST(subset_keeps_rows)
{
    cc_bank bank, sub;
    const int rows[] = {4, 0};
    cc_cat_error err;

    golden_bank("poly_PCM_50", &bank);
    ck_assert_int_eq(cc_bank_subset(&sub, &bank, rows, 2, &err), CC_CAT_OK);
    ck_assert_int_eq(sub.n_items, 2);
    ck_assert_int_eq(sub.n_cat[0], bank.n_cat[4]);
    ck_assert(memcmp(cc_bank_row(&sub, 1), cc_bank_row(&bank, 0),
                     sizeof(double) * (size_t)bank.n_cols) == 0);
    cc_bank_free(&sub);
    ck_assert_int_eq(cc_bank_subset(&sub, &bank, rows, 0, &err), CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

/* A dichotomous bank with extreme parameters: a from 1e-3 to 60, c from 0
 * to 0.999, d from c + 1e-7 to 1, and exact duplicates. */
static void extreme_bank(cc_bank *bank)
{
    static const double as[] = {1e-3, 0.05, 1, 7, 60};
    static const double cs[] = {0, 1e-9, 0.2, 0.49, 0.999};
    double par[5 * 5 * 4 * 4 + 8];
    int n = 0, i, j, k;

    for (i = 0; i < 5; i++)
        for (j = 0; j < 5; j++)
            for (k = 0; k < 4; k++) {
                double c = cs[j], d[] = {c + 1e-7, (c + 1) / 2, 1 - 1e-12, 1};
                par[4 * n] = as[i];
                par[4 * n + 1] = -3 + 0.37 * (n % 17);
                par[4 * n + 2] = c;
                par[4 * n + 3] = d[k];
                n++;
            }
    for (i = 0; i < 2; i++, n++) /* duplicates of items 1 and 2 */
        memcpy(par + 4 * n, par + 4 * i, sizeof(double) * 4);
    ck_assert_int_eq(cc_bank_init(bank, CC_MODEL_DICHO, n, 4, par, NULL), CC_CAT_OK);
}

/* The selection cache: info_order is a permutation, info_peak never
 * increases and bounds every item's information (10^5 sampled thetas per
 * bank, at D = 1, 1.702 and 0.3, against cc_item_info), and is tight (the
 * best item's peak is within 1e-5 of its information at theta*). */
START_TEST(selection_cache_bounds_information)
{
    static const char *const names[] = {"dicho_1PL_50", "dicho_2PL_500",   "dicho_3PL_1000",
                                        "dicho_4PL_50", "dicho_3PL_10000", NULL};
    static const double Ds[] = {1, 1.702, 0.3};
    cc_rng rng;
    size_t bi;
    long n_checked = 0;

    cc_rng_seed(&rng, 2024);
    for (bi = 0; bi < sizeof(names) / sizeof(names[0]); bi++) {
        cc_bank bank, poly;
        int N, r, s, *rank_of, *seen;
        double best_at_star = 0;

        if (names[bi])
            golden_bank(names[bi], &bank);
        else
            extreme_bank(&bank);
        N = bank.n_items;
        ck_assert_ptr_nonnull(bank.info_order);
        rank_of = malloc(sizeof(int) * (size_t)N);
        seen = calloc((size_t)N, sizeof(int));
        for (r = 0; r < N; r++) {
            int i = bank.info_order[r];
            ck_assert(i >= 0 && i < N && !seen[i]);
            seen[i] = 1;
            rank_of[i] = r;
            ck_assert(bank.info_peak[r] > 0 || cc_bank_row(&bank, i)[0] < 1e-100);
            if (r > 0)
                ck_assert(bank.info_peak[r] <= bank.info_peak[r - 1]);
            ck_assert(bank.info_loga[r] == log(cc_bank_row(&bank, i)[0]));
        }
        for (r = 0; r < N; r++) {
            const double *row = cc_bank_row(&bank, r);
            double ts = row[1] + bank.info_zstar[r] / row[0];
            double I = cc_item_info(&bank, r, ts, 1, NULL, NULL), h = 1e-3 / row[0];
            /* theta* is the peak */
            ck_assert(I >= cc_item_info(&bank, r, ts - h, 1, NULL, NULL));
            ck_assert(I >= cc_item_info(&bank, r, ts + h, 1, NULL, NULL));
            ck_assert(I <= bank.info_peak[rank_of[r]]);
            if (I > best_at_star)
                best_at_star = I;
        }
        ck_assert(bank.info_peak[0] <= best_at_star * (1 + 1e-5));
        for (s = 0; s < 100000; s++) {
            int i = (int)(cc_rng_uniform(&rng) * N);
            const double *row = cc_bank_row(&bank, i);
            double D = Ds[s % 3], u = cc_rng_uniform(&rng), z, th, I;
            /* mostly near the item's peak, some far out */
            z = u < 0.8 ? (cc_rng_uniform(&rng) - 0.5) * 30 : (cc_rng_uniform(&rng) - 0.5) * 2000;
            if (u > 0.99)
                z = bank.info_zstar[i] + (cc_rng_uniform(&rng) - 0.5) * 1e-6;
            th = row[1] + z / (D * row[0]);
            I = cc_item_info(&bank, i, th, D, NULL, NULL);
            ck_assert_msg(I <= D * D * bank.info_peak[rank_of[i]],
                          "bank %zu item %d theta %.17g D %g: information %.17g above the cached "
                          "peak %.17g",
                          bi, i + 1, th, D, I, D * D * bank.info_peak[rank_of[i]]);
            n_checked++;
        }
        free(rank_of);
        free(seen);
        /* A subset gets its own cache; polytomous banks get none. */
        {
            int rows[] = {N - 1, 0, N / 2};
            cc_bank sub;
            ck_assert_int_eq(cc_bank_subset(&sub, &bank, rows, 3, NULL), CC_CAT_OK);
            ck_assert_ptr_nonnull(sub.info_order);
            ck_assert(sub.info_peak[0] >= sub.info_peak[1] && sub.info_peak[1] >= sub.info_peak[2]);
            ck_assert_int_eq(sub.info_order[0] + sub.info_order[1] + sub.info_order[2], 3);
            ck_assert(sub.info_zstar[1] == bank.info_zstar[0]);
            cc_bank_free(&sub);
            ck_assert_ptr_null(sub.info_order);
        }
        cc_bank_free(&bank);
        golden_bank("poly_GRM_50", &poly);
        ck_assert_ptr_null(poly.info_order);
        ck_assert_ptr_null(poly.info_peak);
        cc_bank_free(&poly);
    }
    ck_assert_int_eq(n_checked, 6 * 100000L);
}
END_TEST

TCase *tcase_cat_bank(void)
{
    TCase *tc = cc_test_tcase("cat/bank");

    tcase_add_test(tc, every_golden_bank_loads);
    tcase_add_test(tc, bad_banks_name_item_and_reason);
    tcase_add_test(tc, layouts_and_sizes);
    tcase_add_test(tc, responses_checked_against_categories);
    tcase_add_test(tc, models_by_name);
    tcase_add_test(tc, subset_keeps_rows);
    tcase_add_test(tc, selection_cache_bounds_information);
    return tc;
}

/* runner/plot: the results page's SVG. */
#include "check_concerto.h"

#include "runner/plot.h"

#include <math.h>
#include <string.h>

static int count(const char *text, const char *what)
{
    int n = 0;

    for (text = strstr(text, what); text; text = strstr(text + 1, what))
        n++;
    return n;
}

START_TEST(plot_of_a_session)
{
    double theta[] = {0.5, -0.25, 0.1, 7.5}, sem[] = {1.2, INFINITY, 0.5, 0.4},
           score[] = {1, 0, NAN, 1};
    const char *svg = cc_plot_theta_svg(cc_test_pool, theta, sem, score, 4);

    ck_assert_ptr_nonnull(strstr(svg, "role=\"img\""));
    ck_assert_ptr_nonnull(strstr(svg, "viewBox=\"0 0 640 300\""));
    ck_assert_ptr_null(strstr(svg, "width="));
    ck_assert_int_eq(count(svg, "<circle"), 4);
    ck_assert_int_eq(count(svg, "cc-plot-point-right"), 2);
    ck_assert_int_eq(count(svg, "cc-plot-point-wrong"), 2);
    ck_assert_int_eq(count(svg, "<polygon class=\"cc-plot-band\""), 1);
    /* The values for screen readers, minus as U+2212, an unknown SEM said so. */
    ck_assert_ptr_nonnull(strstr(svg, "After question 2: \xe2\x88\x92"
                                      "0.25, standard error not known."));
    /* A theta beyond 3 widens the scale to whole units (here to +6, the most). */
    ck_assert_ptr_nonnull(strstr(svg, ">+6</text>"));
    /* Every coordinate a number ("dominant" holds "nan": look for it as a value). */
    ck_assert_ptr_null(strstr(svg, "\"nan"));
    ck_assert_ptr_null(strstr(svg, "nan,"));
    ck_assert_ptr_null(strstr(svg, ",nan"));
    ck_assert_ptr_null(strstr(svg, "inf"));
}
END_TEST

START_TEST(band_inside_the_scale)
{
    double theta[] = {0.4, -2.85}, sem[] = {2.5, 0.35}, score[] = {1, 0};
    const char *svg = cc_plot_theta_svg(cc_test_pool, theta, sem, score, 2);

    /* -2.85 - 0.35 needs -4; the first item's wide band does not widen it. */
    ck_assert_ptr_nonnull(strstr(svg, ">\xe2\x88\x92"
                                      "4</text>"));
    ck_assert_ptr_null(strstr(svg, ">\xe2\x88\x92"
                                   "5</text>"));
    ck_assert_ptr_nonnull(strstr(svg, ">+3</text>"));
    ck_assert_ptr_null(strstr(svg, ">+4</text>"));
}
END_TEST

START_TEST(empty_and_long_plots)
{
    double theta[100], sem[100], score[100];
    const char *svg = cc_plot_theta_svg(cc_test_pool, NULL, NULL, NULL, 0);
    int k;

    ck_assert_ptr_nonnull(strstr(svg, "No questions were answered."));
    ck_assert_int_eq(count(svg, "<circle"), 0);
    ck_assert_ptr_nonnull(strstr(svg, "</svg>"));
    for (k = 0; k < 100; k++) {
        theta[k] = sin(k);
        sem[k] = 1.0 / (k + 1);
        score[k] = k % 2;
    }
    svg = cc_plot_theta_svg(cc_test_pool, theta, sem, score, 100);
    ck_assert_int_eq(count(svg, "<circle"), 100);
    /* Item numbers thinned out to at most about 30 labels. */
    ck_assert_int_le(count(svg, "text-anchor=\"middle\">"), 36);
    ck_assert_ptr_nonnull(strstr(svg, ">100</text>"));
}
END_TEST

TCase *tcase_runner_plot(void)
{
    TCase *tc = cc_test_tcase("runner/plot");

    tcase_add_test(tc, plot_of_a_session);
    tcase_add_test(tc, band_inside_the_scale);
    tcase_add_test(tc, empty_and_long_plots);
    return tc;
}

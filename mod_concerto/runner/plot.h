/* The results page's plot: the ability estimate after each item with its
 * band of +- one standard error, drawn by the server as inline SVG (no
 * script, no external resource), with a <title> and a <desc> listing the
 * values for screen readers. Class names are those cc-base.css styles. */
#ifndef CC_PLOT_H
#define CC_PLOT_H

#include <apr_pools.h>

/* theta[k], sem[k] after item k+1; score[k] > 0 marks a right answer,
 * NAN a skipped one. A non-finite SEM draws the band to the edge. n may be
 * 0 (an empty plot with its axes). */
const char *cc_plot_theta_svg(apr_pool_t *pool, const double *theta, const double *sem,
                              const double *score, int n);

/* A number as the pages show it: 2 decimals, minus as U+2212, "not
 * known" when it is not finite. */
const char *cc_number_text(apr_pool_t *pool, double v);

#endif

#include "plot.h"

#include "core/template.h"

#include <apr_strings.h>
#include <math.h>

/* Geometry of the viewBox, in SVG user units. */
enum { PLOT_W = 640, PLOT_H = 300, PAD_LEFT = 48, PAD_RIGHT = 16, PAD_TOP = 14, PAD_BOTTOM = 42 };

typedef struct frame {
    double lo, hi; /* theta range shown */
    int n;
} frame;

static double x_of(const frame *f, int k)
{
    double width = PLOT_W - PAD_LEFT - PAD_RIGHT;

    return f->n > 1 ? PAD_LEFT + width * k / (f->n - 1) : PAD_LEFT + width / 2;
}

static double y_of(const frame *f, double v)
{
    if (!(v > f->lo)) /* also NAN and -inf */
        v = f->lo;
    if (v > f->hi)
        v = f->hi;
    return PAD_TOP + (PLOT_H - PAD_TOP - PAD_BOTTOM) * (f->hi - v) / (f->hi - f->lo);
}

/* theta + or - one SEM; an unknown SEM reaches the edge of the plot. */
static double edge(double theta, double sem, int sign)
{
    return theta + sign * (isfinite(sem) ? sem : INFINITY);
}

/* At least -3..3, widened to whole units around the estimates and their
 * bands (bands wider than 1.5 either side, as after the first item, do not
 * widen it; never past -6..6: a band beyond that says nothing more). */
static void choose_range(frame *f, const double *theta, const double *sem, int n)
{
    int k;

    f->lo = -3;
    f->hi = 3;
    for (k = 0; k < n; k++) {
        double band = isfinite(sem[k]) && sem[k] <= 1.5 ? sem[k] : 0;
        if (!isfinite(theta[k]))
            continue;
        f->lo = fmax(-6, fmin(f->lo, floor(theta[k] - band)));
        f->hi = fmin(6, fmax(f->hi, ceil(theta[k] + band)));
    }
}

const char *cc_number_text(apr_pool_t *pool, double v)
{
    if (!isfinite(v))
        return "not known";
    return v < -0.005 ? apr_psprintf(pool, "\xe2\x88\x92%.2f", -v)
                      : apr_psprintf(pool, "%.2f", fabs(v));
}

/* Pieces joined once at the end: the output stays linear in n. */
static void add(apr_array_header_t *parts, const char *text)
{
    APR_ARRAY_PUSH(parts, const char *) = text;
}

static const char *describe(apr_pool_t *pool, const double *theta, const double *sem, int n)
{
    apr_array_header_t *parts = apr_array_make(pool, n + 1, sizeof(const char *));
    int k;

    if (n == 0)
        return "No questions were answered.";
    for (k = 0; k < n; k++)
        add(parts,
            apr_psprintf(pool, "%sAfter question %d: %s, standard error %s.", k ? " " : "", k + 1,
                         cc_number_text(pool, theta[k]), cc_number_text(pool, sem[k])));
    return apr_array_pstrcat(pool, parts, 0);
}

const char *cc_plot_theta_svg(apr_pool_t *pool, const double *theta, const double *sem,
                              const double *score, int n)
{
    apr_array_header_t *parts = apr_array_make(pool, 4 * n + 32, sizeof(const char *));
    apr_array_header_t *upper = apr_array_make(pool, n + 1, sizeof(const char *));
    apr_array_header_t *lower = apr_array_make(pool, n + 1, sizeof(const char *));
    apr_array_header_t *line = apr_array_make(pool, n + 1, sizeof(const char *));
    frame f;
    int k, v, step;

    f.n = n;
    choose_range(&f, theta, sem, n);
    add(parts, apr_psprintf(pool,
                            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                            "role=\"img\" aria-labelledby=\"cc-plot-title cc-plot-desc\">"
                            "<title id=\"cc-plot-title\">Ability estimate after each "
                            "question</title><desc id=\"cc-plot-desc\">%s</desc>",
                            PLOT_W, PLOT_H, cc_html_escape(pool, describe(pool, theta, sem, n))));
    step = (int)(f.hi - f.lo) > 8 ? 2 : 1;
    for (v = (int)f.lo + ((int)f.lo % step != 0); v <= (int)f.hi; v += step)
        add(parts, apr_psprintf(pool,
                                "<line class=\"cc-plot-grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
                                "y2=\"%.1f\"/><text class=\"cc-plot-label\" x=\"%d\" y=\"%.1f\" "
                                "text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>",
                                PAD_LEFT, PLOT_W - PAD_RIGHT, y_of(&f, v), y_of(&f, v),
                                PAD_LEFT - 8, y_of(&f, v),
                                v < 0 ? apr_psprintf(pool, "\xe2\x88\x92%d", -v)
                                      : apr_psprintf(pool, v ? "+%d" : "%d", v)));
    for (k = 0; k < n; k++) {
        int back = n - 1 - k; /* the band's lower edge runs right to left */
        add(upper,
            apr_psprintf(pool, "%.1f,%.1f ", x_of(&f, k), y_of(&f, edge(theta[k], sem[k], 1))));
        add(lower, apr_psprintf(pool, "%.1f,%.1f ", x_of(&f, back),
                                y_of(&f, edge(theta[back], sem[back], -1))));
        add(line, apr_psprintf(pool, "%.1f,%.1f ", x_of(&f, k), y_of(&f, theta[k])));
    }
    if (n > 0)
        add(parts,
            apr_psprintf(pool,
                         "<polygon class=\"cc-plot-band\" points=\"%s%s\"/>"
                         "<polyline class=\"cc-plot-line\" points=\"%s\"/>",
                         apr_array_pstrcat(pool, upper, 0), apr_array_pstrcat(pool, lower, 0),
                         apr_array_pstrcat(pool, line, 0)));
    step = n <= 30 ? 1 : (n + 29) / 30;
    for (k = 0; k < n; k++) {
        add(parts, apr_psprintf(pool,
                                "<circle class=\"cc-plot-point %s\" cx=\"%.1f\" cy=\"%.1f\" "
                                "r=\"4.5\"/>",
                                !isnan(score[k]) && score[k] > 0 ? "cc-plot-point-right"
                                                                 : "cc-plot-point-wrong",
                                x_of(&f, k), y_of(&f, theta[k])));
        if (k % step == 0 || k == n - 1)
            add(parts, apr_psprintf(pool,
                                    "<text class=\"cc-plot-label\" x=\"%.1f\" y=\"%d\" "
                                    "text-anchor=\"middle\">%d</text>",
                                    x_of(&f, k), PLOT_H - PAD_BOTTOM + 18, k + 1));
    }
    add(parts, apr_psprintf(pool,
                            "<line class=\"cc-plot-axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
                            "y2=\"%d\"/><text class=\"cc-plot-label\" x=\"%d\" y=\"%d\" "
                            "text-anchor=\"middle\">question</text></svg>",
                            PAD_LEFT, PLOT_W - PAD_RIGHT, PLOT_H - PAD_BOTTOM, PLOT_H - PAD_BOTTOM,
                            (PAD_LEFT + PLOT_W - PAD_RIGHT) / 2, PLOT_H - 6));
    return apr_array_pstrcat(pool, parts, 0);
}

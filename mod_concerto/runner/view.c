#include "view.h"

#include "cat/rng.h"
#include "runner/plot.h"

#include <apr_strings.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A setting as text: strings as they are, numbers and booleans written
 * here; fallback when absent, null or another type. The settings object
 * may be shared by threads (a cached test), and json_object_get_string on
 * a number or a boolean writes into it, so only strings are read so. */
static const char *text_setting(apr_pool_t *pool, json_object *settings, const char *name,
                                const char *fallback)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(settings, name, &v) || v == NULL)
        return fallback;
    switch (json_object_get_type(v)) {
    case json_type_string:
        return json_object_get_string(v);
    case json_type_int:
        return apr_psprintf(pool, "%" APR_INT64_T_FMT, (apr_int64_t)json_object_get_int64(v));
    case json_type_double:
        return apr_psprintf(pool, "%g", json_object_get_double(v));
    case json_type_boolean:
        return json_object_get_boolean(v) ? "true" : "false";
    default:
        return fallback;
    }
}

/* A label setting: fallback also when it is empty. */
static const char *label_setting(apr_pool_t *pool, json_object *settings, const char *name,
                                 const char *fallback)
{
    const char *text = text_setting(pool, settings, name, NULL);

    return text && *text ? text : fallback;
}

/* true/false, or Concerto's "1"/"0". */
static int flag_setting(json_object *settings, const char *name, int fallback)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(settings, name, &v) || v == NULL)
        return fallback;
    if (json_object_is_type(v, json_type_string))
        return !strcmp(json_object_get_string(v), "1") ||
               !strcasecmp(json_object_get_string(v), "true");
    return json_object_get_boolean(v);
}

/* The named template, or a failure naming it and the setting. */
static apr_status_t find(apr_pool_t *pool, const cc_view_source *src, json_object *settings,
                         const char *setting, const char *fallback, const cc_template **tpl,
                         const char **errmsg)
{
    const char *name = label_setting(pool, settings, setting, fallback);
    const char *why = NULL;
    apr_status_t rv = src->lookup(src->baton, pool, name, tpl, &why);

    if (rv == APR_SUCCESS && *tpl)
        return APR_SUCCESS;
    *errmsg = apr_psprintf(pool, "the template \"%s\" (setting %s) %s", name, setting,
                           rv == APR_SUCCESS || rv == APR_NOTFOUND ? "does not exist"
                           : why                                   ? why
                                                                   : "cannot be read");
    return rv == APR_SUCCESS ? APR_NOTFOUND : rv;
}

/* Render options: these name/value pairs, embedded templates from src. */
static cc_template_opts render_opts(const cc_view_source *src, const char *const *pairs,
                                    apr_size_t n)
{
    cc_template_opts opts;

    memset(&opts, 0, sizeof(opts));
    opts.pairs = pairs;
    opts.npairs = n;
    opts.lookup = src->lookup;
    opts.lookup_baton = src->baton;
    return opts;
}

/* The HTML of a part (its other parts are not used). */
static apr_status_t render_part(apr_pool_t *pool, const cc_view_source *src, const cc_template *tpl,
                                const char *const *pairs, apr_size_t n, const char **html,
                                const char **errmsg)
{
    cc_template_opts opts = render_opts(src, pairs, n);

    return cc_template_render_text(pool, tpl->html, &opts, html, NULL, errmsg);
}

/* A whole page: head, html, css and js. */
static apr_status_t render_page(apr_pool_t *pool, const cc_view_source *src, const cc_template *tpl,
                                const char *const *pairs, apr_size_t n, cc_template *out,
                                const char **errmsg)
{
    cc_template_opts opts = render_opts(src, pairs, n);

    return cc_template_render(pool, tpl, &opts, out, errmsg);
}

#define NPAIRS(a) (sizeof(a) / sizeof((a)[0]) / 2)

/* Settings that name templates, with the starter's names as defaults. */
static const char *const template_settings[][2] = {
    {"startTemplate", "cc-start"},
    {"itemTemplate", "cc-item-page"},
    {"resultsTemplate", "cc-results"},
    {"itemPartTemplate", "cc-item"},
    {"optionTemplate", "cc-option"},
    {"backButtonTemplate", "cc-back-button"},
    {"traitTableTemplate", "cc-trait-table"},
    {"traitRowTemplate", "cc-trait-row"},
};

int cc_view_template_names(apr_pool_t *pool, json_object *settings, const char ***names)
{
    int n = (int)(sizeof(template_settings) / sizeof(template_settings[0])), k;

    *names = apr_palloc(pool, sizeof(char *) * (size_t)n);
    for (k = 0; k < n; k++)
        (*names)[k] =
            label_setting(pool, settings, template_settings[k][0], template_settings[k][1]);
    return n;
}

apr_status_t cc_view_intro(apr_pool_t *pool, json_object *settings, const cc_view_source *src,
                           cc_template *out, const char **errmsg)
{
    const cc_template *tpl = NULL;
    apr_status_t rv = find(pool, src, settings, "startTemplate", "cc-start", &tpl, errmsg);
    const char *pairs[] = {
        "title",
        text_setting(pool, settings, "title", ""),
        "instructions",
        text_setting(pool, settings, "instructions", ""),
        "startButtonLabel",
        label_setting(pool, settings, "startButtonLabel", "Start"),
        "footer",
        text_setting(pool, settings, "footer", ""),
    };

    if (rv != APR_SUCCESS)
        return rv;
    return render_page(pool, src, tpl, pairs, NPAIRS(pairs), out, errmsg);
}

/* ---- item pages ---------------------------------------------------------- */

static const char *member_text(json_object *obj, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(obj, key, &v) && v ? json_object_get_string(v) : "";
}

/* A responseOptions flag: "1", 1 or true. */
static int option_flag(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_string))
        return !strcmp(json_object_get_string(v), "1") ||
               !strcasecmp(json_object_get_string(v), "true");
    return json_object_get_boolean(v);
}

/* The display order of an item's options: as stored, or with
 * optionsRandomOrder shuffled once per session and item (the same order
 * every time the page is shown); options with a fixedIndex keep their
 * place. Answers are option values, so the order never changes scoring. */
static size_t *option_order(apr_pool_t *pool, json_object *response, json_object *options, size_t n,
                            unsigned long long seed, long item_id)
{
    size_t *order = apr_palloc(pool, sizeof(size_t) * (n + 1)), *loose, k, m = 0;
    cc_rng rng;

    for (k = 0; k < n; k++)
        order[k] = k;
    if (n < 2 || !option_flag(response, "optionsRandomOrder"))
        return order;
    loose = apr_palloc(pool, sizeof(size_t) * n);
    for (k = 0; k < n; k++) {
        const char *fixed = member_text(json_object_array_get_idx(options, k), "fixedIndex");
        if (*fixed == '\0' || !strcmp(fixed, "0"))
            loose[m++] = k;
    }
    cc_rng_seed(&rng, seed ^ ((unsigned long long)item_id * 0x9E3779B97F4A7C15ULL));
    for (k = m; k > 1; k--) { /* Fisher-Yates over the loose places */
        size_t j = (size_t)(cc_rng_uniform(&rng) * (double)k), t = order[loose[k - 1]];
        if (j >= k)
            j = k - 1;
        order[loose[k - 1]] = order[loose[j]];
        order[loose[j]] = t;
    }
    return order;
}

/* One item (its client copy) with its options rendered. */
static apr_status_t render_item(apr_pool_t *pool, const cc_view_source *src, json_object *settings,
                                json_object *item, const char *value, unsigned long long seed,
                                const char **html, const char **errmsg)
{
    const cc_template *item_tpl = NULL, *option_tpl = NULL;
    json_object *response = NULL, *options = NULL;
    apr_array_header_t *parts;
    const char *id = member_text(item, "id");
    size_t k, n, *order;
    apr_status_t rv;

    if ((rv = find(pool, src, settings, "itemPartTemplate", "cc-item", &item_tpl, errmsg)) !=
            APR_SUCCESS ||
        (rv = find(pool, src, settings, "optionTemplate", "cc-option", &option_tpl, errmsg)) !=
            APR_SUCCESS)
        return rv;
    json_object_object_get_ex(item, "responseOptions", &response);
    if (response)
        json_object_object_get_ex(response, "options", &options);
    n = options ? json_object_array_length(options) : 0;
    parts = apr_array_make(pool, (int)n + 1, sizeof(const char *));
    order = option_order(pool, response, options, n, seed, strtol(id, NULL, 10));
    for (k = 0; k < n; k++) {
        json_object *option = json_object_array_get_idx(options, order[k]);
        const char *option_value = member_text(option, "value");
        const char *pairs[] = {
            "itemId",      id,
            "optionIndex", apr_psprintf(pool, "%" APR_SIZE_T_FMT, k + 1),
            "value",       option_value,
            "label",       member_text(option, "label"),
            "checked",     value && !strcmp(value, option_value) ? "checked" : "",
        };
        const char *one = NULL;
        if ((rv = render_part(pool, src, option_tpl, pairs, NPAIRS(pairs), &one, errmsg)) !=
            APR_SUCCESS)
            return rv;
        APR_ARRAY_PUSH(parts, const char *) = k ? apr_pstrcat(pool, "\n", one, NULL) : one;
    }
    {
        const char *pairs[] = {
            "itemId",       id,
            "question",     member_text(item, "question"),
            "instructions", member_text(item, "instructions"),
            "optionCount",  apr_psprintf(pool, "%" APR_SIZE_T_FMT, n),
            "options",      apr_array_pstrcat(pool, parts, 0),
        };
        return render_part(pool, src, item_tpl, pairs, NPAIRS(pairs), html, errmsg);
    }
}

static const char *progress_text(apr_pool_t *pool, const cc_assess_page *page)
{
    if (page->linear)
        return apr_psprintf(pool, "Page %d of %d", page->page, page->n_pages);
    return apr_psprintf(pool, "Question %d (at most %d)", page->answered + 1, page->max_items);
}

static apr_status_t items_page(apr_pool_t *pool, json_object *settings, const cc_assess_page *page,
                               const char *alert, const cc_view_source *src, cc_template *out,
                               const char **errmsg)
{
    const cc_template *tpl = NULL, *back_tpl = NULL;
    json_object *items = json_tokener_parse(page->items_json);
    apr_array_header_t *parts = apr_array_make(pool, page->n_items + 1, sizeof(const char *));
    const char *back = "", *next_label = label_setting(pool, settings, "nextButtonLabel", "Next");
    int progress_max, k, last_page = page->linear && page->page >= page->n_pages;
    apr_status_t rv = find(pool, src, settings, "itemTemplate", "cc-item-page", &tpl, errmsg);

    for (k = 0; rv == APR_SUCCESS && items && k < (int)json_object_array_length(items); k++) {
        const char *html = NULL;
        rv = render_item(pool, src, settings, json_object_array_get_idx(items, (size_t)k),
                         k < page->n_items ? page->values[k] : NULL, page->seed, &html, errmsg);
        if (rv == APR_SUCCESS)
            APR_ARRAY_PUSH(parts, const char *) = k ? apr_pstrcat(pool, "\n", html, NULL) : html;
    }
    json_object_put(items);
    if (rv == APR_SUCCESS && page->can_go_back) {
        const char *pairs[] = {"backButtonLabel",
                               label_setting(pool, settings, "backButtonLabel", "Back")};
        rv = find(pool, src, settings, "backButtonTemplate", "cc-back-button", &back_tpl, errmsg);
        if (rv == APR_SUCCESS)
            rv = render_part(pool, src, back_tpl, pairs, NPAIRS(pairs), &back, errmsg);
    }
    if (rv != APR_SUCCESS)
        return rv;
    if (last_page)
        next_label = label_setting(pool, settings, "lastPageButtonLabel", next_label);
    progress_max = page->linear ? page->n_pages : page->max_items;
    {
        const char *pairs[] = {
            "title",
            text_setting(pool, settings, "title", ""),
            "progressText",
            flag_setting(settings, "showPageInfo", 1) ? progress_text(pool, page) : "",
            "progressValue",
            apr_itoa(pool, page->linear ? page->page - 1 : page->answered),
            "progressMax",
            apr_itoa(pool, progress_max > 0 ? progress_max : 1),
            "alert",
            alert ? alert : "",
            "items",
            apr_array_pstrcat(pool, parts, 0),
            "backButton",
            back,
            "nextButtonLabel",
            next_label,
            "footer",
            text_setting(pool, settings, "footer", ""),
        };
        return render_page(pool, src, tpl, pairs, NPAIRS(pairs), out, errmsg);
    }
}

/* ---- the results page ---------------------------------------------------- */

static const char *score_text(apr_pool_t *pool, double v)
{
    return apr_psprintf(pool, "%g", v);
}

static const char *stop_reason_text(apr_pool_t *pool, const cc_assess_page *page)
{
    const char *why = page->stop_reason ? page->stop_reason : "";

    if (!strcmp(why, "minAccuracy"))
        return "The test ended as soon as your result was precise enough.";
    if (!strcmp(why, "timeOut"))
        return "The test ended because its time ran out.";
    if (!strcmp(why, "maxItems") && !page->linear)
        return apr_psprintf(pool, "The test ended after %d questions, the most it asks.",
                            page->answered);
    return "";
}

static const char *capitalised(apr_pool_t *pool, const char *text)
{
    char *copy = apr_pstrdup(pool, text);

    copy[0] = (char)toupper((unsigned char)copy[0]);
    return copy;
}

static apr_status_t trait_table(apr_pool_t *pool, json_object *settings, const cc_assess_page *page,
                                const cc_view_source *src, const char **html, const char **errmsg)
{
    const cc_template *table_tpl = NULL, *row_tpl = NULL;
    apr_array_header_t *rows = apr_array_make(pool, page->n_traits + 1, sizeof(const char *));
    apr_status_t rv;
    int k;

    *html = "";
    if (page->n_traits < 2)
        return APR_SUCCESS;
    if ((rv = find(pool, src, settings, "traitTableTemplate", "cc-trait-table", &table_tpl,
                   errmsg)) != APR_SUCCESS ||
        (rv = find(pool, src, settings, "traitRowTemplate", "cc-trait-row", &row_tpl, errmsg)) !=
            APR_SUCCESS)
        return rv;
    for (k = 0; k < page->n_traits; k++) {
        const cc_assess_trait *t = &page->traits[k];
        const char *pairs[] = {
            "trait",    capitalised(pool, t->name),     "theta", cc_number_text(pool, t->theta),
            "sem",      cc_number_text(pool, t->sem),   "score", score_text(pool, t->score),
            "maxScore", score_text(pool, t->max_score),
        };
        const char *row = NULL;
        if ((rv = render_part(pool, src, row_tpl, pairs, NPAIRS(pairs), &row, errmsg)) !=
            APR_SUCCESS)
            return rv;
        APR_ARRAY_PUSH(rows, const char *) = k ? apr_pstrcat(pool, "\n", row, NULL) : row;
    }
    {
        const char *pairs[] = {"rows", apr_array_pstrcat(pool, rows, 0)};
        return render_part(pool, src, table_tpl, pairs, NPAIRS(pairs), html, errmsg);
    }
}

static const char *plot_caption(apr_pool_t *pool, json_object *settings, const cc_assess_page *page)
{
    if (page->n_history == 0)
        return "";
    if (strcmp(text_setting(pool, settings, "model", "dichotomous"), "dichotomous") != 0)
        return "The line is the estimate after each question; the shaded band is one standard "
               "error either side.";
    return "The line is the estimate of your ability after each question; the shaded band is "
           "one standard error either side. Filled dots are right answers, hollow dots wrong or "
           "skipped ones.";
}

static apr_status_t results_page(apr_pool_t *pool, json_object *settings,
                                 const cc_assess_page *page, const cc_view_source *src,
                                 cc_template *out, const char **errmsg)
{
    const cc_template *tpl = NULL;
    const char *traits = NULL;
    apr_status_t rv = find(pool, src, settings, "resultsTemplate", "cc-results", &tpl, errmsg);

    if (rv == APR_SUCCESS)
        rv = trait_table(pool, settings, page, src, &traits, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    {
        const char *pairs[] = {
            "resultsTitle",
            label_setting(pool, settings, "resultsTitle", "Your results"),
            "title",
            text_setting(pool, settings, "title", ""),
            "resultsIntro",
            text_setting(pool, settings, "resultsIntro", ""),
            "theta",
            cc_number_text(pool, page->theta),
            "sem",
            cc_number_text(pool, page->sem),
            "totalScore",
            score_text(pool, page->total_score),
            "maxScore",
            score_text(pool, page->max_score),
            "itemsAdministered",
            apr_itoa(pool, page->answered),
            "stopReasonText",
            stop_reason_text(pool, page),
            "plotSvg",
            cc_plot_theta_svg(pool, page->theta_history, page->sem_history, page->score_history,
                              page->n_history),
            "plotCaption",
            plot_caption(pool, settings, page),
            "traitTable",
            traits,
            "footer",
            text_setting(pool, settings, "footer", ""),
        };
        return render_page(pool, src, tpl, pairs, NPAIRS(pairs), out, errmsg);
    }
}

apr_status_t cc_view_page(apr_pool_t *pool, json_object *settings, const cc_assess_page *page,
                          const char *alert, const cc_view_source *src, cc_template *out,
                          const char **errmsg)
{
    if (page->finished)
        return results_page(pool, settings, page, src, out, errmsg);
    return items_page(pool, settings, page, alert, src, out, errmsg);
}

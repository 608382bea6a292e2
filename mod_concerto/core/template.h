/* The template renderer: Concerto's view templates (head, html, css, js)
 * with their inserts, in one pass, without a database (embedded templates
 * and translations come through callbacks the caller provides).
 *
 * Inserts (NAME, KEY: one or more of [A-Za-z0-9_.-]; blanks - space, tab,
 * CR, LF - are allowed just inside the braces and around ',' and '='):
 *
 *   {{name}}        the parameter's value, HTML-escaped (& < > " ')
 *   {{{name}}}      the parameter's value as it is (raw HTML)
 *   {{template:NAME}}
 *   {{template:NAME,html=false,css=false,js=false}}
 *                   another template, as <style>css</style>html<script>js</script>
 *                   rendered with the same parameters and options; a part
 *                   that is empty in the source is left out with its tags,
 *                   and html/css/js=false (or f, 0; true, t, 1 to keep it;
 *                   any letter case) leaves a part out. Its head is not used
 *                   (as in Concerto). A missing template, a bad option, a
 *                   cycle or nesting deeper than max_depth is an error.
 *   {{trans:KEY}}   the translation of KEY from the callback, as it is;
 *                   without a callback, or when it has none, KEY itself
 *                   (Concerto's c.trans returns the key)
 *
 * A parameter insert whose name has no value (absent, or a NULL value in
 * the pair list) is removed, or kept as it was written when keep_missing is
 * set (Concerto's removeMissing = TRUE / FALSE). Anything else in double
 * braces (other characters, an unclosed "{{") is not an insert and is
 * copied as text; in "{{{template:X}}}" only the inner "{{template:X}}" is
 * an insert (triple braces are for parameters). Bytes outside inserts,
 * UTF-8 included, are copied unchanged.
 *
 * Deliberate difference from Concerto: inserted text (parameter values,
 * translations) is never scanned again. Concerto repeats its substitution
 * until no insert is left, so a participant's answer shown back as
 * "{{other}}" or "{{template:admin}}" was expanded; here it is shown as
 * text. Embedded templates are author content and are expanded.
 *
 * Results and error messages are allocated on the caller's pool; the work
 * is done in a subpool. Time and memory are linear in the output. */
#ifndef CC_TEMPLATE_H
#define CC_TEMPLATE_H

#include <apr_errno.h>
#include <apr_pools.h>
#include <apr_tables.h>

/* Defaults of cc_template_opts' limits. */
#define CC_TEMPLATE_MAX_OUTPUT ((apr_size_t)4 * 1024 * 1024)
#define CC_TEMPLATE_MAX_DEPTH 8
/* The largest max_depth accepted (larger values are clamped to it). */
#define CC_TEMPLATE_DEPTH_LIMIT 64

/* A view template (Concerto's ViewTemplate). NULL parts count as "". */
typedef struct cc_template {
    const char *name; /* for cycle detection and messages; may be NULL */
    const char *head;
    const char *html;
    const char *css;
    const char *js;
} cc_template;

/* Finds the template named by a {{template:NAME}} insert (a name, or an id
 * if the caller wants to accept ids). Sets *tpl and returns APR_SUCCESS;
 * returns APR_NOTFOUND (or APR_SUCCESS with *tpl NULL) when there is no such
 * template; any other status is a failure described by *errmsg. pool lives
 * until the render call returns; the template must too. Each name is looked
 * up once per render call. */
typedef apr_status_t cc_template_lookup_fn(void *baton, apr_pool_t *pool, const char *name,
                                           const cc_template **tpl, const char **errmsg);

/* The translation of key, or NULL when there is none. */
typedef const char *cc_template_trans_fn(void *baton, apr_pool_t *pool, const char *key);

/* Options of one render call. A zeroed struct gives the defaults: no
 * parameters, missing inserts removed, 4 MiB output, depth 8, no lookup
 * (a {{template:}} insert is then an error), no translations. */
typedef struct cc_template_opts {
    /* Parameters: a table and/or a list of npairs name/value pairs
     * (pairs[2i] = name, pairs[2i+1] = value or NULL for "no value").
     * Names are case-sensitive (as R's list names, unlike apr_table_get);
     * in the table the first entry of a name counts; a pair overrides the
     * table. */
    const apr_table_t *params;
    const char *const *pairs;
    apr_size_t npairs;
    /* 0: remove inserts of parameters without value (Concerto's default);
     * 1: keep them as written. */
    int keep_missing;
    /* Largest result in bytes, all parts together (0: the default). */
    apr_size_t max_output;
    /* Deepest nesting of {{template:}} (0: the default; at most
     * CC_TEMPLATE_DEPTH_LIMIT). */
    int max_depth;
    cc_template_lookup_fn *lookup;
    void *lookup_baton;
    cc_template_trans_fn *trans;
    void *trans_baton;
} cc_template_opts;

/* Renders the four parts of tpl into out (every part non-NULL; out->name =
 * tpl->name). opts may be NULL. On failure returns APR_ENOSPC (result over
 * max_output), APR_NOTFOUND (an embedded template does not exist), APR_EINVAL
 * (a cycle, nesting too deep, a bad {{template:}} option, no lookup
 * callback) or the lookup's status, with a readable *errmsg naming the
 * template chain; *out is then unchanged. */
apr_status_t cc_template_render(apr_pool_t *pool, const cc_template *tpl,
                                const cc_template_opts *opts, cc_template *out,
                                const char **errmsg);

/* The same for one text (Concerto's concerto.template.insertParams); text
 * NULL counts as "". out_len may be NULL. */
apr_status_t cc_template_render_text(apr_pool_t *pool, const char *text,
                                     const cc_template_opts *opts, const char **out,
                                     apr_size_t *out_len, const char **errmsg);

/* text with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39; (safe in
 * element content and in quoted attribute values). NULL gives "". */
char *cc_html_escape(apr_pool_t *pool, const char *text);

/* text as the inside of a JSON string literal (no quotes added): " \ and
 * control characters escaped, and also < > & ' U+2028 U+2029 as \uXXXX so
 * that the literal is safe inside an HTML <script> element and in JavaScript
 * source; bytes that are not valid UTF-8 become \ufffd. NULL gives "". */
char *cc_json_escape(apr_pool_t *pool, const char *text);

/* One insert as the renderer reads it (see above); other code that rewrites
 * or inspects templates (content import/export) reads them the same way. */
typedef enum {
    CC_INSERT_PARAM,    /* {{name}} */
    CC_INSERT_RAW,      /* {{{name}}} */
    CC_INSERT_TEMPLATE, /* {{template:NAME[,options]}} */
    CC_INSERT_TRANS     /* {{trans:KEY}} */
} cc_insert_kind;

typedef struct cc_insert {
    cc_insert_kind kind;
    const char *name; /* parameter name, template name or key (not terminated) */
    apr_size_t name_len;
    const char *opts; /* {{template:}}: the text between the name and "}}" */
    apr_size_t opts_len;
    apr_size_t len; /* of the whole insert, braces included */
} cc_insert;

/* s starts with "{{": 1 and *ins when an insert starts there; 0 when it is
 * text (move on by one character). */
int cc_template_scan_insert(const char *s, cc_insert *ins);

#endif

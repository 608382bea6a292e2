#include "template.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <string.h>
#include <strings.h>

/* A growing output buffer in the scratch pool. */
typedef struct tbuf {
    char *data;
    apr_size_t len;
    apr_size_t cap;
} tbuf;

typedef struct render_ctx {
    apr_pool_t *pool;    /* the caller's: results and messages */
    apr_pool_t *scratch; /* buffers, names, lookups */
    apr_hash_t *params;  /* name -> value (const char *) */
    apr_hash_t *cache;   /* embedded name -> const cc_template * */
    const cc_template_opts *opts;
    int keep_missing;
    int max_depth;
    apr_size_t max_output;
    apr_size_t emitted; /* bytes written so far, every part together */
    /* The templates being rendered, outermost first: the top one (when it
     * has a name) and one per {{template:}} insert in progress. */
    const char *chain[CC_TEMPLATE_DEPTH_LIMIT + 2];
    int nchain;
    int level; /* {{template:}} inserts in progress */
    const char *errmsg;
} render_ctx;

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_blank(const char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

static const char *skip_name(const char *p)
{
    while (is_name_char(*p))
        p++;
    return p;
}

/* Every character scanned is a blank, a name character, ':', ',' or '=',
 * none of which can start another "{{", so a text of n bytes is scanned
 * O(n) times in all. */
int cc_template_scan_insert(const char *s, cc_insert *ins)
{
    const char *p, *name;

    if (s[2] == '{') {
        p = skip_blank(s + 3);
        name = p;
        p = skip_name(p);
        if (p == name)
            return 0;
        ins->kind = CC_INSERT_RAW;
        ins->name = name;
        ins->name_len = (apr_size_t)(p - name);
        p = skip_blank(p);
        if (p[0] != '}' || p[1] != '}' || p[2] != '}')
            return 0;
        ins->len = (apr_size_t)(p + 3 - s);
        return 1;
    }
    p = skip_blank(s + 2);
    name = p;
    p = skip_name(p);
    if (p == name)
        return 0;
    ins->opts = NULL;
    ins->opts_len = 0;
    if (*p == ':') {
        apr_size_t word = (apr_size_t)(p - name);
        if (word == 8 && memcmp(name, "template", 8) == 0)
            ins->kind = CC_INSERT_TEMPLATE;
        else if (word == 5 && memcmp(name, "trans", 5) == 0)
            ins->kind = CC_INSERT_TRANS;
        else
            return 0;
        p = skip_blank(p + 1);
        name = p;
        p = skip_name(p);
        if (p == name)
            return 0;
        ins->name = name;
        ins->name_len = (apr_size_t)(p - name);
        if (ins->kind == CC_INSERT_TEMPLATE) {
            ins->opts = p;
            while (is_name_char(*p) || is_blank(*p) || *p == ',' || *p == '=')
                p++;
            ins->opts_len = (apr_size_t)(p - ins->opts);
        } else {
            p = skip_blank(p);
        }
    } else {
        ins->kind = CC_INSERT_PARAM;
        ins->name = name;
        ins->name_len = (apr_size_t)(p - name);
        p = skip_blank(p);
    }
    if (p[0] != '}' || p[1] != '}')
        return 0;
    ins->len = (apr_size_t)(p + 2 - s);
    return 1;
}

/* "a -> b -> c", with extra (if not NULL) appended. */
static const char *chain_text(render_ctx *ctx, const char *extra)
{
    apr_array_header_t *parts = apr_array_make(ctx->scratch, ctx->nchain + 1, sizeof(char *));
    int i;

    for (i = 0; i < ctx->nchain; i++)
        APR_ARRAY_PUSH(parts, const char *) = ctx->chain[i];
    if (extra != NULL)
        APR_ARRAY_PUSH(parts, const char *) = extra;
    if (parts->nelts == 0)
        return "";
    {
        const char **names = (const char **)parts->elts;
        const char *out = names[0];
        for (i = 1; i < parts->nelts; i++)
            out = apr_pstrcat(ctx->scratch, out, " -> ", names[i], NULL);
        return apr_pstrdup(ctx->pool, out);
    }
}

static apr_status_t emit(render_ctx *ctx, tbuf *b, const char *s, apr_size_t n)
{
    if (n == 0)
        return APR_SUCCESS;
    if (n > ctx->max_output - ctx->emitted) {
        ctx->errmsg = apr_psprintf(
            ctx->pool,
            "the rendered template%s%s%s is larger than the limit of %" APR_SIZE_T_FMT " bytes",
            ctx->nchain ? " (" : "", ctx->nchain ? chain_text(ctx, NULL) : "",
            ctx->nchain ? ")" : "", ctx->max_output);
        return APR_ENOSPC;
    }
    if (b->len + n + 1 > b->cap) {
        apr_size_t cap = b->cap ? b->cap * 2 : 256;
        char *data;
        while (cap < b->len + n + 1)
            cap *= 2;
        data = apr_palloc(ctx->scratch, cap);
        if (b->len)
            memcpy(data, b->data, b->len);
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    ctx->emitted += n;
    return APR_SUCCESS;
}

static apr_status_t emit_str(render_ctx *ctx, tbuf *b, const char *s)
{
    return emit(ctx, b, s, strlen(s));
}

static const char *html_entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

static apr_status_t emit_html(render_ctx *ctx, tbuf *b, const char *v)
{
    const char *run = v, *p;
    apr_status_t rv;

    for (p = v; *p; p++) {
        const char *entity = html_entity(*p);
        if (entity == NULL)
            continue;
        if ((rv = emit(ctx, b, run, (apr_size_t)(p - run))) != APR_SUCCESS ||
            (rv = emit_str(ctx, b, entity)) != APR_SUCCESS)
            return rv;
        run = p + 1;
    }
    return emit(ctx, b, run, (apr_size_t)(p - run));
}

static int parse_bool(const char *s, apr_size_t n, int *value)
{
    static const char *const yes[] = {"true", "t", "1"}, *const no[] = {"false", "f", "0"};
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (n == strlen(yes[i]) && strncasecmp(s, yes[i], n) == 0) {
            *value = 1;
            return 1;
        }
        if (n == strlen(no[i]) && strncasecmp(s, no[i], n) == 0) {
            *value = 0;
            return 1;
        }
    }
    return 0;
}

/* ",html=false, css = 0" after the name of a {{template:}} insert. */
static apr_status_t parse_template_opts(render_ctx *ctx, const cc_insert *ins, int show[3])
{
    static const char *const parts[3] = {"html", "css", "js"};
    const char *p = ins->opts, *end = ins->opts + ins->opts_len;

    show[0] = show[1] = show[2] = 1;
    /* The text ends before "}}", so every scan below stops by end. */
    for (;;) {
        const char *key, *val;
        apr_size_t key_len, val_len;
        int i, found = 0, value = 0;

        p = skip_blank(p);
        if (p >= end)
            return APR_SUCCESS;
        if (*p != ',')
            break;
        key = skip_blank(p + 1);
        p = skip_name(key);
        key_len = (apr_size_t)(p - key);
        p = skip_blank(p);
        if (*p != '=')
            break;
        val = skip_blank(p + 1);
        p = skip_name(val);
        val_len = (apr_size_t)(p - val);
        for (i = 0; i < 3; i++) {
            if (key_len == strlen(parts[i]) && memcmp(key, parts[i], key_len) == 0) {
                found = 1;
                break;
            }
        }
        if (!found || !parse_bool(val, val_len, &value))
            break;
        show[i] = value;
    }
    ctx->errmsg = apr_psprintf(ctx->pool,
                               "{{template:%.*s%.*s}}: bad option; options are html=, css= and "
                               "js=, each true or false",
                               (int)ins->name_len, ins->name, (int)ins->opts_len, ins->opts);
    return APR_EINVAL;
}

static int in_chain(const render_ctx *ctx, const char *name)
{
    int i;

    for (i = 0; i < ctx->nchain; i++)
        if (strcmp(ctx->chain[i], name) == 0)
            return 1;
    return 0;
}

static apr_status_t render_part(render_ctx *ctx, tbuf *b, const char *text);

static apr_status_t embed(render_ctx *ctx, tbuf *b, const cc_insert *ins)
{
    int show[3];
    const char *name = apr_pstrmemdup(ctx->scratch, ins->name, ins->name_len);
    const char *canonical;
    const cc_template *tpl;
    apr_status_t rv = parse_template_opts(ctx, ins, show);

    if (rv != APR_SUCCESS)
        return rv;
    if (in_chain(ctx, name)) {
        ctx->errmsg = apr_psprintf(ctx->pool, "templates embed each other in a cycle: %s",
                                   chain_text(ctx, name));
        return APR_EINVAL;
    }
    if (ctx->level >= ctx->max_depth) {
        ctx->errmsg = apr_psprintf(ctx->pool, "templates are nested more than %d deep: %s",
                                   ctx->max_depth, chain_text(ctx, name));
        return APR_EINVAL;
    }
    tpl = apr_hash_get(ctx->cache, ins->name, (apr_ssize_t)ins->name_len);
    if (tpl == NULL) {
        const char *lookup_msg = NULL;
        if (ctx->opts == NULL || ctx->opts->lookup == NULL) {
            ctx->errmsg = apr_psprintf(ctx->pool,
                                       "{{template:%s}} cannot be shown here: no template "
                                       "lookup was given",
                                       name);
            return APR_EINVAL;
        }
        rv = ctx->opts->lookup(ctx->opts->lookup_baton, ctx->scratch, name, &tpl, &lookup_msg);
        if (rv == APR_NOTFOUND || (rv == APR_SUCCESS && tpl == NULL)) {
            ctx->errmsg = apr_psprintf(
                ctx->pool, "template '%s' not found%s%s", name, ctx->nchain ? " (embedded in " : "",
                ctx->nchain ? apr_pstrcat(ctx->scratch, chain_text(ctx, NULL), ")", NULL) : "");
            return APR_NOTFOUND;
        }
        if (rv != APR_SUCCESS) {
            ctx->errmsg = apr_psprintf(ctx->pool, "template '%s' could not be read: %s", name,
                                       lookup_msg ? lookup_msg : "unknown error");
            return rv;
        }
        apr_hash_set(ctx->cache, name, (apr_ssize_t)ins->name_len, tpl);
    }
    canonical = tpl->name && *tpl->name ? tpl->name : name;
    if (canonical != name && in_chain(ctx, canonical)) {
        ctx->errmsg = apr_psprintf(ctx->pool, "templates embed each other in a cycle: %s",
                                   chain_text(ctx, canonical));
        return APR_EINVAL;
    }

    ctx->chain[ctx->nchain++] = canonical;
    ctx->level++;
    if (show[1] && tpl->css && *tpl->css) {
        if ((rv = emit_str(ctx, b, "<style>")) != APR_SUCCESS ||
            (rv = render_part(ctx, b, tpl->css)) != APR_SUCCESS ||
            (rv = emit_str(ctx, b, "</style>")) != APR_SUCCESS)
            return rv;
    }
    if (show[0] && (rv = render_part(ctx, b, tpl->html)) != APR_SUCCESS)
        return rv;
    if (show[2] && tpl->js && *tpl->js) {
        if ((rv = emit_str(ctx, b, "<script>")) != APR_SUCCESS ||
            (rv = render_part(ctx, b, tpl->js)) != APR_SUCCESS ||
            (rv = emit_str(ctx, b, "</script>")) != APR_SUCCESS)
            return rv;
    }
    ctx->level--;
    ctx->nchain--;
    return APR_SUCCESS;
}

static apr_status_t do_insert(render_ctx *ctx, tbuf *b, const char *at, const cc_insert *ins)
{
    const char *value;

    switch (ins->kind) {
    case CC_INSERT_PARAM:
    case CC_INSERT_RAW:
        value = apr_hash_get(ctx->params, ins->name, (apr_ssize_t)ins->name_len);
        if (value != NULL)
            return ins->kind == CC_INSERT_RAW ? emit_str(ctx, b, value) : emit_html(ctx, b, value);
        return ctx->keep_missing ? emit(ctx, b, at, ins->len) : APR_SUCCESS;
    case CC_INSERT_TRANS:
        value = NULL;
        if (ctx->opts != NULL && ctx->opts->trans != NULL)
            value = ctx->opts->trans(ctx->opts->trans_baton, ctx->scratch,
                                     apr_pstrmemdup(ctx->scratch, ins->name, ins->name_len));
        return value != NULL ? emit_str(ctx, b, value) : emit(ctx, b, ins->name, ins->name_len);
    case CC_INSERT_TEMPLATE:
    default:
        return embed(ctx, b, ins);
    }
}

static apr_status_t render_part(render_ctx *ctx, tbuf *b, const char *text)
{
    const char *run, *p;
    apr_status_t rv;

    if (text == NULL)
        return APR_SUCCESS;
    run = p = text;
    for (;;) {
        const char *brace = strchr(p, '{');
        cc_insert ins;

        if (brace == NULL)
            return emit(ctx, b, run, strlen(run));
        p = brace + 1;
        if (*p != '{' || !cc_template_scan_insert(brace, &ins))
            continue;
        if ((rv = emit(ctx, b, run, (apr_size_t)(brace - run))) != APR_SUCCESS ||
            (rv = do_insert(ctx, b, brace, &ins)) != APR_SUCCESS)
            return rv;
        run = p = brace + ins.len;
    }
}

static void ctx_init(render_ctx *ctx, apr_pool_t *pool, apr_pool_t *scratch,
                     const cc_template_opts *opts)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->pool = pool;
    ctx->scratch = scratch;
    ctx->opts = opts;
    ctx->params = apr_hash_make(scratch);
    ctx->cache = apr_hash_make(scratch);
    ctx->max_output = CC_TEMPLATE_MAX_OUTPUT;
    ctx->max_depth = CC_TEMPLATE_MAX_DEPTH;
    if (opts == NULL)
        return;
    ctx->keep_missing = opts->keep_missing != 0;
    if (opts->max_output > 0)
        ctx->max_output = opts->max_output;
    if (opts->max_depth > 0)
        ctx->max_depth =
            opts->max_depth < CC_TEMPLATE_DEPTH_LIMIT ? opts->max_depth : CC_TEMPLATE_DEPTH_LIMIT;
    if (opts->params != NULL) {
        const apr_array_header_t *arr = apr_table_elts(opts->params);
        const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
        int i;
        for (i = 0; i < arr->nelts; i++)
            if (e[i].key != NULL && e[i].val != NULL &&
                apr_hash_get(ctx->params, e[i].key, APR_HASH_KEY_STRING) == NULL)
                apr_hash_set(ctx->params, e[i].key, APR_HASH_KEY_STRING, e[i].val);
    }
    if (opts->pairs != NULL) {
        apr_size_t i;
        for (i = 0; i < opts->npairs; i++)
            if (opts->pairs[2 * i] != NULL)
                apr_hash_set(ctx->params, opts->pairs[2 * i], APR_HASH_KEY_STRING,
                             opts->pairs[2 * i + 1]);
    }
}

/* Renders one part into a fresh buffer and copies it to the caller's pool. */
static apr_status_t render_to(render_ctx *ctx, const char *text, const char **out,
                              apr_size_t *out_len)
{
    tbuf b = {NULL, 0, 0};
    apr_status_t rv;

    if (text != NULL) {
        apr_size_t n = strlen(text);
        b.cap = n + n / 8 + 64;
        b.data = apr_palloc(ctx->scratch, b.cap);
    }
    rv = render_part(ctx, &b, text);
    if (rv != APR_SUCCESS)
        return rv;
    *out = b.len ? apr_pstrmemdup(ctx->pool, b.data, b.len) : apr_pstrdup(ctx->pool, "");
    if (out_len != NULL)
        *out_len = b.len;
    return APR_SUCCESS;
}

apr_status_t cc_template_render_text(apr_pool_t *pool, const char *text,
                                     const cc_template_opts *opts, const char **out,
                                     apr_size_t *out_len, const char **errmsg)
{
    apr_pool_t *scratch;
    render_ctx ctx;
    apr_status_t rv = apr_pool_create(&scratch, pool);

    if (rv != APR_SUCCESS) {
        *errmsg = "out of memory";
        return rv;
    }
    ctx_init(&ctx, pool, scratch, opts);
    rv = render_to(&ctx, text, out, out_len);
    if (rv != APR_SUCCESS)
        *errmsg = ctx.errmsg ? ctx.errmsg : "the template could not be rendered";
    apr_pool_destroy(scratch);
    return rv;
}

apr_status_t cc_template_render(apr_pool_t *pool, const cc_template *tpl,
                                const cc_template_opts *opts, cc_template *out, const char **errmsg)
{
    apr_pool_t *scratch;
    render_ctx ctx;
    cc_template result;
    apr_status_t rv = apr_pool_create(&scratch, pool);

    if (rv != APR_SUCCESS) {
        *errmsg = "out of memory";
        return rv;
    }
    ctx_init(&ctx, pool, scratch, opts);
    result.name = tpl->name;
    if (tpl->name != NULL && *tpl->name)
        ctx.chain[ctx.nchain++] = tpl->name;
    if ((rv = render_to(&ctx, tpl->head, &result.head, NULL)) == APR_SUCCESS &&
        (rv = render_to(&ctx, tpl->html, &result.html, NULL)) == APR_SUCCESS &&
        (rv = render_to(&ctx, tpl->css, &result.css, NULL)) == APR_SUCCESS &&
        (rv = render_to(&ctx, tpl->js, &result.js, NULL)) == APR_SUCCESS)
        *out = result;
    else
        *errmsg = ctx.errmsg ? ctx.errmsg : "the template could not be rendered";
    apr_pool_destroy(scratch);
    return rv;
}

char *cc_html_escape(apr_pool_t *pool, const char *text)
{
    apr_size_t n = 0;
    const char *p;
    char *out, *o;

    if (text == NULL)
        return apr_pstrdup(pool, "");
    for (p = text; *p; p++) {
        const char *entity = html_entity(*p);
        n += entity ? strlen(entity) : 1;
    }
    out = o = apr_palloc(pool, n + 1);
    for (p = text; *p; p++) {
        const char *entity = html_entity(*p);
        if (entity) {
            apr_size_t len = strlen(entity);
            memcpy(o, entity, len);
            o += len;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* The length of a valid UTF-8 sequence at s (2 to 4), or 0. */
static int utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    int n, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0; /* overlong */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

/* Writes the escaped form of text to out (when not NULL); returns its length. */
static apr_size_t json_escape_into(char *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    apr_size_t n = 0;

    while (*s) {
        char tmp[8];
        const char *rep = tmp;
        apr_size_t len;
        int adv = 1;
        unsigned char c = *s;

        if (c == '"') {
            rep = "\\\"";
        } else if (c == '\\') {
            rep = "\\\\";
        } else if (c == '\n') {
            rep = "\\n";
        } else if (c == '\r') {
            rep = "\\r";
        } else if (c == '\t') {
            rep = "\\t";
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'') {
            tmp[0] = '\\';
            tmp[1] = 'u';
            tmp[2] = '0';
            tmp[3] = '0';
            tmp[4] = hex[c >> 4];
            tmp[5] = hex[c & 15];
            tmp[6] = '\0';
        } else if (c < 0x80) {
            tmp[0] = (char)c;
            tmp[1] = '\0';
        } else if ((adv = utf8_seq_len(s)) == 0) {
            adv = 1;
            rep = "\\ufffd";
        } else if (adv == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) {
            rep = s[2] == 0xa8 ? "\\u2028" : "\\u2029";
        } else {
            memcpy(tmp, s, (size_t)adv);
            tmp[adv] = '\0';
        }
        len = strlen(rep);
        if (out != NULL)
            memcpy(out + n, rep, len);
        n += len;
        s += adv;
    }
    return n;
}

char *cc_json_escape(apr_pool_t *pool, const char *text)
{
    apr_size_t n;
    char *out;

    if (text == NULL)
        return apr_pstrdup(pool, "");
    n = json_escape_into(NULL, text);
    out = apr_palloc(pool, n + 1);
    json_escape_into(out, text);
    out[n] = '\0';
    return out;
}

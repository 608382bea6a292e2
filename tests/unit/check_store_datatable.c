/* store/datatable: data tables, CSV import and export, on real SQLite. */
#include "check_concerto.h"

#include "store/datatable.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdlib.h>
#include <string.h>

/* CSV from memory, handed out in chunks of at most `chunk` bytes. */
typedef struct mem_reader {
    const char *data;
    apr_size_t len, pos, chunk;
} mem_reader;

static apr_status_t mem_read(void *baton, char *buf, apr_size_t *len)
{
    mem_reader *m = baton;
    apr_size_t n = m->len - m->pos;

    if (n > *len)
        n = *len;
    if (m->chunk && n > m->chunk)
        n = m->chunk;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *len = n;
    return APR_SUCCESS;
}

typedef struct mem_writer {
    apr_pool_t *pool;
    char *data;
    apr_size_t len, cap;
    int fail_after; /* calls before failing; 0 = never */
    int calls;
} mem_writer;

static apr_status_t mem_write(void *baton, const char *data, apr_size_t len)
{
    mem_writer *w = baton;

    if (w->fail_after && ++w->calls >= w->fail_after)
        return APR_ENOSPC;
    if (w->len + len + 1 > w->cap) {
        apr_size_t cap = (w->len + len + 1) * 2;
        char *grown = apr_palloc(w->pool, cap);
        memcpy(grown, w->data, w->len);
        w->data = grown;
        w->cap = cap;
    }
    memcpy(w->data + w->len, data, len);
    w->len += len;
    w->data[w->len] = '\0';
    return APR_SUCCESS;
}

static apr_status_t import_chunked(cc_db *db, const char *table, const char *csv, apr_size_t chunk,
                                   const cc_dt_import_options *opts, apr_int64_t *rows,
                                   const char **errmsg)
{
    mem_reader m = {csv, strlen(csv), 0, chunk};

    *errmsg = NULL;
    return cc_datatable_import(db, cc_test_pool, table, mem_read, &m, opts, rows, errmsg);
}

static apr_status_t import(cc_db *db, const char *table, const char *csv,
                           const cc_dt_import_options *opts, apr_int64_t *rows, const char **errmsg)
{
    return import_chunked(db, table, csv, 0, opts, rows, errmsg);
}

static const char *export_text(cc_db *db, const char *table, int crlf)
{
    mem_writer w = {cc_test_pool, "", 0, 0, 0, 0};
    const char *errmsg = NULL;
    apr_int64_t rows = -1;
    apr_status_t rv =
        cc_datatable_export(db, cc_test_pool, table, mem_write, &w, crlf, &rows, &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "export %s: %s", table, errmsg ? errmsg : "?");
    return w.data;
}

/* A table with one column of every type. */
static const cc_dt_column all_types[] = {
    {"b", CC_DT_BOOLEAN, 0, 0, 1, NULL},    {"bi", CC_DT_BIGINT, 0, 0, 1, NULL},
    {"d", CC_DT_DATE, 0, 0, 1, NULL},       {"dt", CC_DT_DATETIME, 0, 0, 1, NULL},
    {"dec", CC_DT_DECIMAL, 10, 2, 1, NULL}, {"f", CC_DT_FLOAT, 0, 0, 1, NULL},
    {"i", CC_DT_INTEGER, 0, 0, 1, NULL},    {"j", CC_DT_JSON, 0, 0, 1, NULL},
    {"si", CC_DT_SMALLINT, 0, 0, 1, NULL},  {"s", CC_DT_STRING, 3, 0, 1, NULL},
    {"t", CC_DT_TEXT, 0, 0, 0, NULL}};
#define N_ALL_TYPES ((int)(sizeof(all_types) / sizeof(all_types[0])))

static cc_db *db_with_all_types(void)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *errmsg = NULL;
    apr_status_t rv = cc_datatable_create(db, cc_test_pool, "Everything", "all types", all_types,
                                          N_ALL_TYPES, "admin", &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "create: %s", errmsg ? errmsg : "?");
    return db;
}

START_TEST(create_describe_drop)
{
    cc_db *db = db_with_all_types();
    cc_datatable *dt = NULL;
    apr_array_header_t *names = NULL;
    const char *errmsg = NULL;
    int i;

    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "Everything", &dt, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(dt->name, "Everything");
    ck_assert_str_eq(dt->description, "all types");
    ck_assert_int_eq(dt->ncols, N_ALL_TYPES + 1);
    ck_assert_str_eq(dt->cols[0].name, "id");
    ck_assert_int_eq(dt->cols[0].type, CC_DT_BIGINT);
    ck_assert_int_eq(dt->cols[0].nullable, 0);
    for (i = 0; i < N_ALL_TYPES; i++) {
        const cc_dt_column *c = &dt->cols[i + 1];
        ck_assert_str_eq(c->name, all_types[i].name);
        ck_assert_msg(c->type == all_types[i].type, "column %s: type %s, expected %s", c->name,
                      cc_dt_type_name(c->type), cc_dt_type_name(all_types[i].type));
        ck_assert_int_eq(c->nullable, all_types[i].nullable);
    }
    ck_assert_str_eq(cc_dt_type_format(cc_test_pool, &dt->cols[5]), "decimal(10,2)");
    ck_assert_str_eq(cc_dt_type_format(cc_test_pool, &dt->cols[10]), "string(3)");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT updated_by FROM data_table WHERE name = 'Everything'"),
                     "admin");
    ck_assert_int_eq(cc_datatable_list(db, cc_test_pool, &names, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(names->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(names, 0, const char *), "Everything");

    ck_assert_int_eq(cc_datatable_drop(db, cc_test_pool, "Everything", &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "data_table", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "sqlite_master", "name = 'Everything'"), 0);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "Everything", &dt, &errmsg),
                     APR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(errmsg, "no data table \"Everything\""));
    ck_assert_int_eq(cc_datatable_drop(db, cc_test_pool, "Everything", &errmsg), APR_NOTFOUND);
    /* A table that is not a data table is neither described nor dropped. */
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "role", &dt, &errmsg), APR_NOTFOUND);
    ck_assert_int_eq(cc_datatable_drop(db, cc_test_pool, "role", &errmsg), APR_NOTFOUND);
    ck_assert_int_ge(cc_test_count(db, cc_test_pool, "role", NULL), 0);
}
END_TEST

START_TEST(presets_have_the_columns_of_8_2)
{
    static const char *const items[] = {"id:bigint:0",
                                        "fixedIndex:integer:1",
                                        "trait:string(1024):1",
                                        "question:text:0",
                                        "responseOptions:text:0",
                                        "p1:float:1",
                                        "p2:float:1",
                                        "p3:float:1",
                                        "p4:float:1",
                                        "skippable:boolean:1",
                                        "instructions:text:1",
                                        "itemSet:string(32):1",
                                        NULL};
    static const char *const responses[] = {"id:bigint:0",
                                            "item_id:bigint:0",
                                            "response:string(1024):0",
                                            "score:float:1",
                                            "timeTaken:float:0",
                                            "session_id:string(1024):0",
                                            "theta:float:1",
                                            "sem:float:1",
                                            "trait:string(1024):1",
                                            "skipped:boolean:0",
                                            "createdTime:datetime:1",
                                            "updateTime:datetime:1",
                                            NULL};
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *errmsg = NULL;
    int p;

    ck_assert_int_eq(cc_datatable_create_preset(db, cc_test_pool, "assessmentItems",
                                                CC_DT_PRESET_ITEMS, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_create_preset(db, cc_test_pool, "assessmentResponses",
                                                CC_DT_PRESET_RESPONSES, &errmsg),
                     APR_SUCCESS);
    for (p = 0; p < 2; p++) {
        const char *const *want = p ? responses : items;
        cc_datatable *dt = NULL;
        int i;
        ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool,
                                               p ? "assessmentResponses" : "assessmentItems", &dt,
                                               &errmsg),
                         APR_SUCCESS);
        for (i = 0; want[i]; i++) {
            const char *got;
            ck_assert_int_lt(i, dt->ncols);
            got = apr_psprintf(cc_test_pool, "%s:%s:%d", dt->cols[i].name,
                               cc_dt_type_format(cc_test_pool, &dt->cols[i]), dt->cols[i].nullable);
            ck_assert_str_eq(got, want[i]);
        }
        ck_assert_int_eq(i, dt->ncols);
    }
    /* camelCase is the physical name: quoted SQL finds it. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "\"assessmentItems\"", "\"fixedIndex\" = 1"),
                     0);
    ck_assert_int_eq(cc_dt_preset_parse("items", &(cc_dt_preset){0}), APR_SUCCESS);
    ck_assert_int_eq(cc_dt_preset_parse("assessmentResponses", &(cc_dt_preset){0}), APR_SUCCESS);
    ck_assert_int_eq(cc_dt_preset_parse("flat", &(cc_dt_preset){0}), APR_EINVAL);
}
END_TEST

START_TEST(name_validation)
{
    static const char *const good[] = {"a", "assessmentItems", "T_1", "x2y", NULL};
    static const char *const bad[] = {"",
                                      "1abc",
                                      "_x",
                                      "a-b",
                                      "a b",
                                      "na\xc3\xafve",
                                      "a;DROP",
                                      "select",
                                      "Order",
                                      "test",
                                      "data_table",
                                      "Concerto_user",
                                      "concerto_anything",
                                      "sqlite_master",
                                      "pg_x",
                                      NULL};
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *errmsg = NULL;
    char long_name[80];
    cc_dt_column col = {"c", CC_DT_TEXT, 0, 0, 1, NULL};
    cc_dt_column two[2] = {{"Col", CC_DT_TEXT, 0, 0, 1, NULL}, {"col", CC_DT_TEXT, 0, 0, 1, NULL}};
    int i;

    for (i = 0; good[i]; i++)
        ck_assert_msg(cc_datatable_check_name(cc_test_pool, good[i], &errmsg) == APR_SUCCESS,
                      "%s refused: %s", good[i], errmsg);
    for (i = 0; bad[i]; i++) {
        errmsg = NULL;
        ck_assert_msg(cc_datatable_check_name(cc_test_pool, bad[i], &errmsg) == APR_EINVAL,
                      "table name \"%s\" accepted", bad[i]);
        ck_assert_ptr_nonnull(errmsg);
    }
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    ck_assert_int_eq(cc_datatable_check_name(cc_test_pool, long_name, &errmsg), APR_SUCCESS);
    long_name[64] = 'a';
    long_name[65] = '\0';
    ck_assert_int_eq(cc_datatable_check_name(cc_test_pool, long_name, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "longer than 64"));
    /* columns: keywords refused, system table names fine */
    ck_assert_int_eq(cc_datatable_check_column_name(cc_test_pool, "from", &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "SQL keyword"));
    ck_assert_int_eq(cc_datatable_check_column_name(cc_test_pool, "test", &errmsg), APR_SUCCESS);

    /* creation applies the rules, and names are unique ignoring case */
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "select", NULL, &col, 1, NULL, &errmsg),
                     APR_EINVAL);
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "Items", NULL, &col, 1, NULL, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "ITEMS", NULL, &col, 1, NULL, &errmsg),
                     APR_EEXIST);
    ck_assert_ptr_nonnull(strstr(errmsg, "already exists"));
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "t2", NULL, two, 2, NULL, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "two columns"));
    col.name = "ID";
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "t3", NULL, &col, 1, NULL, &errmsg),
                     APR_EINVAL);
    col.name = "where";
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "t4", NULL, &col, 1, NULL, &errmsg),
                     APR_EINVAL);
    /* a table that exists but is no data table */
    cc_test_exec(db, "CREATE TABLE other_thing (x INTEGER)");
    col.name = "c";
    ck_assert_int_eq(
        cc_datatable_create(db, cc_test_pool, "Other_Thing", NULL, &col, 1, NULL, &errmsg),
        APR_EEXIST);
    /* no table at all: zero columns besides id is fine */
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "bare", NULL, NULL, 0, NULL, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "data_table", NULL), 2);
}
END_TEST

START_TEST(type_specs)
{
    static const struct {
        const char *spec, *canonical;
    } ok[] = {{"float", "float"},
              {"string", "string(1024)"},
              {"string(32)", "string(32)"},
              {"decimal", "decimal(10,2)"},
              {"decimal(12,4)", "decimal(12,4)"},
              {"decimal(5)", "decimal(5,0)"},
              {"BOOLEAN", "boolean"},
              {"json", "json"},
              {NULL, NULL}};
    static const char *const bad[] = {"varchar",      "float(3)",  "string(0)", "string(x)",
                                      "decimal(3,4)", "string(32", "",          NULL};
    const char *errmsg = NULL;
    int i;

    for (i = 0; ok[i].spec; i++) {
        cc_dt_column col = {"c", CC_DT_TEXT, 0, 0, 1, NULL};
        ck_assert_msg(cc_dt_type_parse(cc_test_pool, ok[i].spec, &col, &errmsg) == APR_SUCCESS,
                      "%s: %s", ok[i].spec, errmsg);
        ck_assert_str_eq(cc_dt_type_format(cc_test_pool, &col), ok[i].canonical);
    }
    for (i = 0; bad[i]; i++) {
        cc_dt_column col = {"c", CC_DT_TEXT, 0, 0, 1, NULL};
        ck_assert_msg(cc_dt_type_parse(cc_test_pool, bad[i], &col, &errmsg) == APR_EINVAL,
                      "type \"%s\" accepted", bad[i]);
    }
}
END_TEST

/* The value of column col in the row with id. */
static const char *cell(cc_db *db, const char *table, const char *col, int id)
{
    return cc_test_value(
        db, cc_test_pool,
        apr_psprintf(cc_test_pool, "SELECT \"%s\" FROM \"%s\" WHERE id = %d", col, table, id));
}

START_TEST(csv_quoting_and_line_ends)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_dt_column cols[] = {{"a", CC_DT_TEXT, 0, 0, 1, NULL},
                           {"b", CC_DT_TEXT, 0, 0, 0, NULL},
                           {"n", CC_DT_INTEGER, 0, 0, 1, NULL}};
    const char *errmsg = NULL;
    apr_int64_t rows = 0;
    /* BOM, CRLF, quoted comma, doubled quotes, embedded LF and CRLF, an
     * empty unquoted field (NULL) and a quoted one (""), a non-nullable
     * text left empty (""), blank lines, no final line end. */
    const char *csv = "\xEF\xBB\xBF"
                      "n,a,b\r\n"
                      "1,\"x,y\",\"say \"\"hi\"\"\"\r\n"
                      "\r\n"
                      "2,\"two\nlines\",\"crlf\r\ninside\"\r\n"
                      "3,,\"\"\n"
                      "\n"
                      ",\"\",\n"
                      "5,plain,last";
    apr_size_t chunk;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "q", NULL, cols, 3, NULL, &errmsg),
                     APR_SUCCESS);
    /* Every chunk size gives the same: boundaries inside BOM, CRLF, "". */
    for (chunk = 1; chunk <= 7; chunk += 3) {
        /* and batches of 1, 4 (one full and a rest) and 7 rows (a rest) */
        cc_dt_import_options opts = {CC_DT_PRESET_NONE, 0, 1, 0, (int)chunk};
        ck_assert_msg(import_chunked(db, "q", csv, chunk, &opts, &rows, &errmsg) == APR_SUCCESS,
                      "chunk %d: %s", (int)chunk, errmsg);
        ck_assert_int_eq(rows, 5);
        ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", NULL), 5);
    }
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", "a = 'x,y' AND b = 'say \"hi\"'"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q",
                                   "a = 'two' || char(10) || 'lines' AND "
                                   "b = 'crlf' || char(13) || char(10) || 'inside'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", "n = 3 AND a IS NULL AND b = ''"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", "n IS NULL AND a = '' AND b = ''"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", "n = 5 AND b = 'last'"), 1);
    /* export writes NULL as nothing and "" as "", LF line ends */
    ck_assert_ptr_nonnull(strstr(export_text(db, "q", 0), ",,\"\",3\n"));
    ck_assert_ptr_nonnull(strstr(export_text(db, "q", 1), "\"say \"\"hi\"\"\",1\r\n"));
}
END_TEST

/* The import must fail with a message containing want, and leave q empty. */
static void import_fails(cc_db *db, const char *csv, const char *want)
{
    const char *errmsg = NULL;
    apr_int64_t rows = 99;
    apr_status_t rv = import(db, "q", csv, NULL, &rows, &errmsg);

    ck_assert_msg(rv != APR_SUCCESS, "imported: %s", csv);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, want) != NULL, "message \"%s\" lacks \"%s\"", errmsg, want);
    ck_assert_int_eq(rows, 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", NULL), 0);
}

START_TEST(csv_errors_name_the_line)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_dt_column cols[] = {{"a", CC_DT_TEXT, 0, 0, 1, NULL},
                           {"p2", CC_DT_FLOAT, 0, 0, 1, NULL},
                           {"must", CC_DT_INTEGER, 0, 0, 0, NULL}};
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "q", NULL, cols, 3, NULL, &errmsg),
                     APR_SUCCESS);
    import_fails(db, "", "the file is empty");
    import_fails(db, "a,p2,must\n1,2,3\n\"x\n\ny,1,2\n",
                 "line 3: the quoted field that starts here"
                 " is not closed");
    import_fails(db, "a,p2,must\nab\"c,1,2\n", "line 2, field 1: a \" inside a field");
    import_fails(db, "a,p2,must\n\"ab\"c,1,2\n", "line 2, field 1: 'c' after the closing quote");
    import_fails(db, "a,p2,must\n1,2\n", "line 2: 2 fields, but the header names 3 columns");
    import_fails(db, "a,p2,must\n1,2,3,4\n", "line 2: 4 fields");
    import_fails(db, "a,p2,must,zz\n", "line 1: the header names \"zz\", which is no column");
    import_fails(db, "a,p2,A,must\n", "line 1: column a appears twice");
    import_fails(db, "a,p2\nx,1\n", "the header lacks column must, which cannot be empty");
    /* line numbers count the lines inside quoted fields */
    import_fails(db, "a,p2,must\n\"1\n2\n3\",1,1\r\n\"4\r\n5\",2,2\nx,abc,3\n",
                 "line 7, column p2: \"abc\" is not a number");
    import_fails(db, "a,p2,must\nx,1,\n",
                 "line 2, column must: is empty, and this column "
                 "cannot be empty");
    import_fails(db, "a,p2,must\nx\xff,1,2\n", "line 2, column a: is not valid UTF-8");
    import_fails(db, "a,p2,must\nx\xc3\x28,1,2\n", "not valid UTF-8");
}
END_TEST

START_TEST(csv_limits)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_dt_column col = {"a", CC_DT_TEXT, 0, 0, 1, NULL};
    cc_dt_import_options small = {CC_DT_PRESET_NONE, 0, 0, 64, 0};
    const char *errmsg = NULL;
    apr_int64_t rows = 0;
    char *big = apr_palloc(cc_test_pool, 200);
    mem_reader m = {"a\nx\0y\n", 6, 0, 0};

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "q", NULL, &col, 1, NULL, &errmsg),
                     APR_SUCCESS);
    memset(big, 'x', 199);
    big[199] = '\0';
    ck_assert_int_eq(import(db, "q", apr_pstrcat(cc_test_pool, "a\nok\n", big, "\n", NULL), &small,
                            &rows, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "line 3: the record is longer than 64 bytes"));
    ck_assert_int_eq(import(db, "q", apr_pstrcat(cc_test_pool, "a\nok\n", big, "\n", NULL), NULL,
                            &rows, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(rows, 2);
    ck_assert_int_eq(cc_datatable_import(db, cc_test_pool, "q", mem_read, &m, NULL, &rows, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "line 2: a NUL byte"));
    /* A row the database refuses (a duplicate id) names its line, or the
     * lines of its batch. */
    {
        char *dup = apr_pstrdup(cc_test_pool, "id,a\n");
        cc_dt_import_options batched = {CC_DT_PRESET_NONE, 0, 1, 0, 10};
        int i;
        for (i = 1; i <= 60; i++)
            dup = apr_psprintf(cc_test_pool, "%s%d,row %d\n", dup, i == 49 ? 103 : 100 + i, i);
        ck_assert_int_eq(import(db, "q", dup, NULL, &rows, &errmsg), APR_EGENERAL);
        ck_assert_msg(strstr(errmsg, "line 50: the database refused the row: ") &&
                          strstr(errmsg, "UNIQUE"),
                      "%s", errmsg);
        ck_assert_int_eq(import(db, "q", dup, &batched, &rows, &errmsg), APR_EGENERAL);
        ck_assert_msg(strstr(errmsg, "lines 42 to 51: the database refused one of these rows"),
                      "%s", errmsg);
        ck_assert_int_eq(cc_test_count(db, cc_test_pool, "q", NULL), 2);
    }
    ck_assert_int_eq(import(db, "nothere", "a\n1\n", NULL, &rows, &errmsg), APR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(errmsg, "no data table \"nothere\""));
}
END_TEST

/* Import "v\n<value>\n" into column v of the given type; returns the
 * stored value (via export normalisation) or the error message. */
static const char *one_value(cc_db *db, const char *type, const char *value, int *ok)
{
    static int serial;
    const char *table = apr_psprintf(cc_test_pool, "v%d", ++serial);
    cc_dt_column col = {"v", CC_DT_TEXT, 0, 0, 1, NULL};
    const char *errmsg = NULL;
    apr_int64_t rows = 0;
    cc_datatable *dt = NULL;
    cc_rows *out = NULL;

    ck_assert_int_eq(cc_dt_type_parse(cc_test_pool, type, &col, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, table, NULL, &col, 1, NULL, &errmsg),
                     APR_SUCCESS);
    *ok = import(db, table, apr_pstrcat(cc_test_pool, "v\n", value, "\n", NULL), NULL, &rows,
                 &errmsg) == APR_SUCCESS;
    if (!*ok)
        return errmsg;
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, table, &dt, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_rows(db, cc_test_pool, dt, 0, 10, &out, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(out->nrows, 1);
    return out->values[0][1] ? out->values[0][1] : "(NULL)";
}

START_TEST(type_checks)
{
    static const struct {
        const char *type, *in, *out; /* out NULL: must fail with message msg */
        const char *msg;
    } cases[] = {
        {"boolean", "1", "1", NULL},
        {"boolean", "TRUE", "1", NULL},
        {"boolean", "false", "0", NULL},
        {"boolean", "yes", NULL, "\"yes\" is not a boolean"},
        {"integer", " 42 ", "42", NULL},
        {"integer", "+007", "7", NULL},
        {"integer", "abc", NULL, "\"abc\" is not a whole number"},
        {"integer", "1.5", NULL, "is not a whole number"},
        {"integer", "2147483648", NULL, "out of range for integer"},
        {"smallint", "-32768", "-32768", NULL},
        {"smallint", "40000", NULL, "out of range for smallint (-32768 to 32767)"},
        {"bigint", "-9223372036854775808", "-9223372036854775808", NULL},
        {"bigint", "9223372036854775808", NULL, "out of range for bigint"},
        {"float", "1", "1", NULL},
        {"float", "0.1", "0.1", NULL},
        {"float", "-2.5e-3", "-0.0025", NULL},
        {"float", "1e999", NULL, "is not a number"},
        {"float", "nan", NULL, "\"nan\" is not a number"},
        {"float", "0x10", NULL, "is not a number"},
        {"float", " ", "(NULL)", NULL}, /* blank: NULL ("" alone would be a blank line) */
        {"decimal", "1.5", "1.50", NULL},
        {"decimal", "-0.00", "0.00", NULL},
        {"decimal", "12345678.99", "12345678.99", NULL},
        {"decimal", "123456789", NULL, "does not fit decimal(10,2)"},
        {"decimal", "1.234", NULL, "does not fit decimal(10,2)"},
        {"decimal", "1.230", "1.23", NULL},
        {"decimal", "1e3", NULL, "is not a decimal number"},
        {"date", "2024-02-29", "2024-02-29", NULL},
        {"date", "2023-02-29", NULL, "is not a date (YYYY-MM-DD)"},
        {"date", "2024-1-2", NULL, "is not a date"},
        {"datetime", "2024-01-02 03:04:05", "2024-01-02 03:04:05", NULL},
        {"datetime", "2024-01-02T03:04", "2024-01-02 03:04:00", NULL},
        {"datetime", "2024-01-02 03:04:05.250", "2024-01-02 03:04:05.25", NULL},
        {"datetime", "2024-01-02 24:00:00", NULL, "is not a date and time"},
        {"datetime", "2024-01-02 03:04:05Z", NULL, "is not a date and time"},
        {"json", "\"{\"\"a\"\":[1,2.50,true,null]}\"", "{\"a\":[1,2.50,true,null]}", NULL},
        {"json", "1.50", "1.50", NULL},
        {"json", "{a:1}", NULL, "is not valid JSON"},
        {"json", "\"[1,]\"", NULL, "is not valid JSON"},
        {"string(3)", "abc", "abc", NULL},
        {"string(3)", "\xc3\xa4\xc3\xb6\xc3\xbc", "\xc3\xa4\xc3\xb6\xc3\xbc", NULL},
        {"string(3)", "abcd", NULL, "\"abcd\" is 4 characters long; the column holds at most 3"},
        {"text", " spaced ", " spaced ", NULL},
        {NULL, NULL, NULL, NULL}};
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    int i;

    for (i = 0; cases[i].type; i++) {
        int ok = 0;
        const char *got = one_value(db, cases[i].type, cases[i].in, &ok);
        if (cases[i].out) {
            ck_assert_msg(ok, "%s %s refused: %s", cases[i].type, cases[i].in, got);
            ck_assert_msg(!strcmp(got, cases[i].out), "%s %s stored as %s, expected %s",
                          cases[i].type, cases[i].in, got, cases[i].out);
        } else {
            ck_assert_msg(!ok, "%s %s accepted as %s", cases[i].type, cases[i].in, got);
            ck_assert_msg(strstr(got, cases[i].msg) && strstr(got, "line 2, column v: "),
                          "%s %s: message \"%s\" lacks \"%s\"", cases[i].type, cases[i].in, got,
                          cases[i].msg);
        }
    }
}
END_TEST

static char *items_csv(int n, int bad_line)
{
    apr_size_t cap = (apr_size_t)n * 120 + 200, len;
    char *csv = malloc(cap);
    int i;

    ck_assert_ptr_nonnull(csv);
    len = (apr_size_t)snprintf(csv, cap, "question,responseOptions,p1,p2,p3,p4,trait,skippable\n");
    for (i = 1; i <= n; i++)
        len += (apr_size_t)snprintf(
            csv + len, cap - len,
            "\"Item %d, what is %d+%d?\",\"{\"\"type\"\":\"\"options\"\"}\","
            "%.3f,%s,0.2,1,num,%d\n",
            i, i, i, 0.5 + (i % 20) / 10.0, i + 1 == bad_line ? "abc" : "-0.25", i % 2);
    return csv;
}

START_TEST(ten_thousand_rows_fast_and_rollback)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    char *csv = items_csv(10000, 0), *bad = items_csv(10000, 9001);
    cc_dt_import_options create = {CC_DT_PRESET_ITEMS, 0, 0, 0, 0};
    cc_dt_import_options replace = {CC_DT_PRESET_NONE, 0, 1, 0, 0};
    const char *errmsg = NULL;
    apr_int64_t rows = 0;
    apr_time_t start = apr_time_now();
    double seconds;
    double limit = 1.0;

#if defined(__SANITIZE_ADDRESS__)
    limit = 4.0; /* the sanitizer build is several times slower */
#endif
    ck_assert_msg(import(db, "bank", csv, &create, &rows, &errmsg) == APR_SUCCESS, "%s", errmsg);
    seconds = (double)(apr_time_now() - start) / APR_USEC_PER_SEC;
    ck_assert_int_eq(rows, 10000);
    ck_assert_msg(seconds < limit, "10000 rows took %.3f s", seconds);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "bank", NULL), 10000);
    ck_assert_str_eq(cell(db, "bank", "question", 10000), "Item 10000, what is 10000+10000?");

    /* An error on line 9001 (after 8999 good rows) leaves all as it was,
     * even with --replace. */
    ck_assert_int_eq(import(db, "bank", bad, &replace, &rows, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "line 9001, column p2: \"abc\" is not a number"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "bank", NULL), 10000);
    ck_assert_int_eq(import(db, "bank", bad, NULL, &rows, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "bank", NULL), 10000);
    /* A table created for a failed import is gone, registration too. */
    ck_assert_int_eq(import(db, "bank2", bad, &create, &rows, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "sqlite_master", "name = 'bank2'"), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "data_table", "name = 'bank2'"), 0);
    /* In batches of 100 rows (as on a server): the same table. */
    {
        cc_dt_import_options batched = {CC_DT_PRESET_ITEMS, 0, 0, 0, 100};
        ck_assert_int_eq(import(db, "bank3", csv, &batched, &rows, &errmsg), APR_SUCCESS);
        ck_assert_int_eq(rows, 10000);
        ck_assert_str_eq(export_text(db, "bank3", 0), export_text(db, "bank", 0));
    }
    /* --replace with a good file: exactly the new rows */
    ck_assert_msg(import(db, "bank", csv, &replace, &rows, &errmsg) == APR_SUCCESS, "%s", errmsg);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "bank", NULL), 10000);
    free(csv);
    free(bad);
}
END_TEST

START_TEST(export_round_trips)
{
    cc_db *db = db_with_all_types();
    /* canonical values of every type, NULLs, "", quotes, newlines */
    const char *csv =
        "id,b,bi,d,dt,dec,f,i,j,si,s,t\n"
        "1,1,9223372036854775807,2024-02-29,2024-01-02 03:04:05,12345678.90,0.1,-5,"
        "\"{\"\"a\"\":[1,2.50]}\",-32768,\xc3\xa4\xc3\xb6\xc3\xbc,\"line\nbreak, \"\"quoted\"\"\"\n"
        "2,0,,,,,,,,,,\"\"\n"
        "7,,-1,,2024-12-31 23:59:59.5,-0.01,1e+20,2147483647,1.50,7,\"\",plain\n";
    cc_dt_import_options from_header = {CC_DT_PRESET_NONE, 1, 0, 0, 2};
    const char *errmsg = NULL, *first;
    apr_int64_t rows = 0, id = 0;
    const char *names[] = {"t", "f"};
    const char *values[] = {"auto", "2"};

    ck_assert_msg(import(db, "Everything", csv, NULL, &rows, &errmsg) == APR_SUCCESS, "%s", errmsg);
    first = export_text(db, "Everything", 0);
    ck_assert_str_eq(first, csv);
    /* into a table made from the header (all text), and out again */
    ck_assert_msg(import(db, "copy", first, &from_header, &rows, &errmsg) == APR_SUCCESS, "%s",
                  errmsg);
    ck_assert_int_eq(rows, 3);
    ck_assert_str_eq(export_text(db, "copy", 0), csv);
    /* ids given by the file: the next automatic id comes after them */
    ck_assert_int_eq(
        cc_datatable_describe(db, cc_test_pool, "Everything", &(cc_datatable *){NULL}, &errmsg),
        APR_SUCCESS);
    {
        cc_datatable *dt = NULL;
        cc_rows *page = NULL;
        ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "Everything", &dt, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 2, names, values, &id, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq(id, 8);
        ck_assert_int_eq(cc_datatable_rows(db, cc_test_pool, dt, 2, 5, &page, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq(page->nrows, 2);
        ck_assert_str_eq(page->values[0][0], "7");
        ck_assert_str_eq(page->values[1][0], "8");
        ck_assert_str_eq(page->values[1][6], "2");
        ck_assert_ptr_null(page->values[1][1]);
        values[1] = "two";
        ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 2, names, values, &id, &errmsg),
                         APR_EINVAL);
        ck_assert_ptr_nonnull(strstr(errmsg, "column f: \"two\" is not a number"));
        ck_assert_int_eq(
            cc_datatable_insert(db, cc_test_pool, dt, 1, names + 1, values + 1, &id, &errmsg),
            APR_EINVAL);
    }
}
END_TEST

START_TEST(find_and_update_rows)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_datatable *dt = NULL;
    apr_array_header_t *ids = NULL;
    const char *errmsg = NULL;
    const char *names[] = {"item_id", "session_id", "response", "timeTaken", "skipped", "theta"};
    const char *row1[] = {"7", "i1", "a", "1.5", "0", "0.25"};
    const char *row2[] = {"7", "i2", "b", "2", "1", NULL};
    const char *keys[] = {"item_id", "session_id"};
    const char *change[] = {"response", "score", "theta"};
    const char *change_values[] = {"c", "1", "-0.5"};
    apr_int64_t id1 = 0, id2 = 0;

    ck_assert_int_eq(
        cc_datatable_create_preset(db, cc_test_pool, "answers", CC_DT_PRESET_RESPONSES, &errmsg),
        APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "answers", &dt, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 6, names, row1, &id1, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 6, names, row2, &id2, &errmsg),
                     APR_SUCCESS);
    /* by two columns; "7.0" is normalised like an insert's value would be */
    ck_assert_int_eq(cc_datatable_find(db, cc_test_pool, dt, 2, keys, (const char *[]){"7", "i2"},
                                       &ids, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(ids->nelts, 1);
    ck_assert_int_eq(APR_ARRAY_IDX(ids, 0, apr_int64_t), id2);
    ck_assert_int_eq(
        cc_datatable_find(db, cc_test_pool, dt, 1, keys, (const char *[]){"7"}, &ids, &errmsg),
        APR_SUCCESS);
    ck_assert_int_eq(ids->nelts, 2);
    ck_assert_int_eq(APR_ARRAY_IDX(ids, 0, apr_int64_t), id1);
    ck_assert_int_eq(cc_datatable_find(db, cc_test_pool, dt, 1, (const char *[]){"theta"},
                                       (const char *[]){NULL}, &ids, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(ids->nelts, 1);
    ck_assert_int_eq(APR_ARRAY_IDX(ids, 0, apr_int64_t), id2);
    ck_assert_int_eq(
        cc_datatable_find(db, cc_test_pool, dt, 1, keys, (const char *[]){"x"}, &ids, &errmsg),
        APR_EINVAL);
    ck_assert_int_eq(cc_datatable_find(db, cc_test_pool, dt, 1, (const char *[]){"nope"},
                                       (const char *[]){"1"}, &ids, &errmsg),
                     APR_EINVAL);
    /* update: only the row named changes */
    ck_assert_int_eq(
        cc_datatable_update(db, cc_test_pool, dt, id1, 3, change, change_values, &errmsg),
        APR_SUCCESS);
    ck_assert_int_eq(
        cc_test_count(db, cc_test_pool, "answers", "response = 'c' AND score = 1 AND theta = -0.5"),
        1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "answers", "response = 'b' AND score IS NULL"),
                     1);
    ck_assert_int_eq(
        cc_datatable_update(db, cc_test_pool, dt, 999, 3, change, change_values, &errmsg),
        APR_NOTFOUND);
    ck_assert_int_eq(cc_datatable_update(db, cc_test_pool, dt, id1, 1, (const char *[]){"id"},
                                         (const char *[]){"5"}, &errmsg),
                     APR_EINVAL);
    change_values[1] = "one";
    ck_assert_int_eq(
        cc_datatable_update(db, cc_test_pool, dt, id1, 3, change, change_values, &errmsg),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "column score"));
    ck_assert_int_eq(cc_datatable_update(db, cc_test_pool, dt, id1, 1, (const char *[]){"response"},
                                         (const char *[]){NULL}, &errmsg),
                     APR_EINVAL);
}
END_TEST

START_TEST(export_large_and_failing_writer)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    char *csv = items_csv(2500, 0);
    cc_dt_import_options create = {CC_DT_PRESET_ITEMS, 0, 0, 0, 0};
    mem_writer w = {cc_test_pool, "", 0, 0, 2, 0};
    const char *errmsg = NULL, *out;
    apr_int64_t rows = 0;
    apr_size_t lines = 0;
    const char *p;

    ck_assert_int_eq(import(db, "bank", csv, &create, &rows, &errmsg), APR_SUCCESS);
    free(csv);
    /* three batches of 1000; every row once, in id order */
    out = export_text(db, "bank", 0);
    for (p = out; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    ck_assert_int_eq(lines, 2501);
    ck_assert_ptr_nonnull(strstr(out, "\n1000,,num,\"Item 1000,"));
    ck_assert_ptr_nonnull(strstr(out, "\n1001,,num,\"Item 1001,"));
    ck_assert_ptr_nonnull(strstr(out, "\n2500,,num,\"Item 2500,"));
    ck_assert_int_eq(
        cc_datatable_export(db, cc_test_pool, "bank", mem_write, &w, 0, &rows, &errmsg),
        APR_ENOSPC);
    ck_assert_ptr_nonnull(strstr(errmsg, "cannot write the CSV"));
    ck_assert_int_eq(
        cc_datatable_export(db, cc_test_pool, "none", mem_write, &w, 0, &rows, &errmsg),
        APR_NOTFOUND);
}
END_TEST

static const char *revision_of(cc_db *db, const char *table)
{
    return cc_test_value(
        db, cc_test_pool,
        apr_psprintf(cc_test_pool, "SELECT revision FROM data_table WHERE name = '%s'", table));
}

START_TEST(writes_bump_the_revision)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_dt_import_options create = {CC_DT_PRESET_ITEMS, 0, 0, 0, 0};
    cc_dt_import_options replace = {CC_DT_PRESET_NONE, 0, 1, 0, 0};
    cc_datatable *dt = NULL;
    const char *errmsg = NULL;
    const char *names[] = {"question", "responseOptions"};
    const char *values[] = {"q", "{}"};
    apr_int64_t rows = 0, id = 0;

    ck_assert_int_eq(
        import(db, "bank", "question,responseOptions\nq1,{}\n", &create, &rows, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(revision_of(db, "bank"), "1");
    ck_assert_int_eq(
        import(db, "bank", "question,responseOptions\nq2,{}\n", &replace, &rows, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(revision_of(db, "bank"), "2");
    /* A refused import changes nothing, the revision neither. */
    ck_assert_int_eq(import(db, "bank", "question,p1\nq3,abc\n", NULL, &rows, &errmsg), APR_EINVAL);
    ck_assert_str_eq(revision_of(db, "bank"), "2");
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "bank", &dt, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 2, names, values, &id, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(revision_of(db, "bank"), "3");
    /* The runner's answers keep it. */
    ck_assert_int_eq(
        cc_datatable_insert_keep_revision(db, cc_test_pool, dt, 2, names, values, &id, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(revision_of(db, "bank"), "3");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "bank", NULL), 3);
}
END_TEST

TCase *tcase_store_datatable(void)
{
    TCase *tc = cc_test_tcase("store/datatable");

    tcase_add_test(tc, create_describe_drop);
    tcase_add_test(tc, presets_have_the_columns_of_8_2);
    tcase_add_test(tc, name_validation);
    tcase_add_test(tc, type_specs);
    tcase_add_test(tc, csv_quoting_and_line_ends);
    tcase_add_test(tc, csv_errors_name_the_line);
    tcase_add_test(tc, csv_limits);
    tcase_add_test(tc, type_checks);
    tcase_add_test(tc, ten_thousand_rows_fast_and_rollback);
    tcase_add_test(tc, export_round_trips);
    tcase_add_test(tc, export_large_and_failing_writer);
    tcase_add_test(tc, find_and_update_rows);
    tcase_add_test(tc, writes_bump_the_revision);
    return tc;
}

# The R engine (concerto:::cc_step) in plain R on a real SQLite database
# with the module's schema (its migrations): code and flow tests taken
# page by page through the same JSON the module sends, the saved state
# carried between steps as the module carries it. Plain R, no testthat.
# Usage: Rscript tests/r/engine.R   (from the repository root; R_LIBS has
# the package installed)
suppressPackageStartupMessages({
  library(concerto)
  library(DBI)
})

source("tests/r/check.R")

db_file <- tempfile(fileext = ".db")
conn <- dbConnect(RSQLite::SQLite(), db_file)
for (f in sort(Sys.glob("mod_concerto/store/migrations/*.sql"))) {
  sql <- paste(readLines(f), collapse = "\n")
  sql <- gsub("@ID@", "INTEGER PRIMARY KEY AUTOINCREMENT", sql, fixed = TRUE)
  sql <- gsub("@TEXT@", "TEXT", sql, fixed = TRUE)
  sql <- gsub("--[^\n]*", "", sql)
  for (stmt in strsplit(sql, ";", fixed = TRUE)[[1]]) if (nzchar(trimws(stmt))) dbExecute(conn, stmt)
}
concerto.db.connect(connection = conn)

now <- 1700000000
add_test <- function(name, type, code = "", variables = list()) {
  dbExecute(conn, "INSERT INTO test (name, slug, type, code, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
            params = list(name, name, type, code, now, now))
  id <- dbGetQuery(conn, "SELECT last_insert_rowid() AS id")$id
  for (v in variables)
    dbExecute(conn, paste("INSERT INTO test_variable (test_id, name, type, value, passable_through_url)",
                          "VALUES (?, ?, ?, ?, ?)"),
              params = list(id, v[[1]], v[[2]], if (length(v) > 2) v[[3]] else NA,
                            if (length(v) > 3) v[[4]] else 0))
  id
}
add_template <- function(name, html) {
  invisible(dbExecute(conn, "INSERT INTO view_template (name, html, head, css, js, created, updated) VALUES (?, ?, '', '', '', ?, ?)",
            params = list(name, html, now, now)))
}

session_id <- 0L
# One request, as the module sends it; returns the answer as a list.
step <- function(test_id, state = NULL, response = NULL, params = list()) {
  req <- list(action = if (is.null(state)) "start" else "submit",
              session = list(id = session_id, hash = strrep("ab", 20), testId = test_id,
                             params = if (length(params)) params else structure(list(), names = character(0))),
              state = state, response = response, appUrl = "http://example.test",
              filesDir = "/srv/files", filesUrl = "/files")
  json <- concerto:::cc_step(jsonlite::toJSON(req, auto_unbox = TRUE, null = "null"))
  check(is.character(json) && length(json) == 1, "cc_step answers one string")
  jsonlite::fromJSON(json, simplifyVector = FALSE)
}

# --- A code test that shows three pages in a row, writing before each page.
invisible(dbExecute(conn, "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT, what TEXT)"))
add_template("ask", "<p>{{question}}</p><p>{{{raw}}}</p>")
multi <- add_test("multi", 0, code = paste(
  "concerto.table.query(\"INSERT INTO notes (session, what) VALUES ('{{s}}', 'before first')\", list(s = who))",
  "a <- concerto.template.show('ask', params = list(question = 'First <b>?', raw = '<i>x</i>'))",
  "concerto.table.query(\"INSERT INTO notes (session, what) VALUES ('{{s}}', {{w}})\", list(s = who, w = 'second'))",
  "b <- concerto.template.show('ask', params = list(question = paste('You said', a$answer)))",
  "n <- concerto.table.query(\"SELECT count(*) AS n FROM notes WHERE session = '{{s}}'\", list(s = who))$n",
  "total <- as.numeric(a$answer) + as.numeric(b$answer)",
  "concerto.template.show(html = '<p>{{t}} from {{n}} notes</p>', params = list(t = total, n = n), finalize = TRUE)",
  sep = "\n"), variables = list(list("who", 0, "anon", 1), list("total", 1), list("out", 2)))

s1 <- step(multi, params = list(who = "p1"))
check(identical(s1$status, "page"), "multi: the first answer is a page")
check(identical(s1$page$html, "<p>First &lt;b&gt;?</p><p><i>x</i></p>"), "multi: {{x}} escaped, {{{x}}} raw")
check(dbGetQuery(conn, "SELECT count(*) AS n FROM notes")$n == 1, "multi: one write before page 1")
# {{w}} held a name-like value in a bare insert: that is inserted as a name
# and fails; the engine says so instead of running it.
s2 <- step(multi, s1$state, list(answer = "3", submitId = "a1"))
check(identical(s2$status, "error"), "multi: a bare insert holding text is an error")
check(grepl("second", s2$error) || grepl("no such column", s2$error), "multi: the error names the problem")

invisible(dbExecute(conn, "UPDATE test SET code = replace(code, '{{w}})', '''{{w}}'')') WHERE id = ?", params = list(multi)))
s1 <- step(multi, params = list(who = "p2"))
s2 <- step(multi, s1$state, list(answer = "3", submitId = "a1"))
check(identical(s2$status, "page"), "multi: the second page comes")
check(identical(s2$page$html, "<p>You said 3</p><p></p>"), "multi: page 2 sees page 1's answer")
check(dbGetQuery(conn, "SELECT count(*) AS n FROM notes WHERE session = 'p2'")$n == 2,
      "multi: the replay did not repeat the first write")
# The same state submitted twice (the module prevents it; R must at least
# not break): a second run of the same step gives the same page.
s2b <- step(multi, s1$state, list(answer = "3", submitId = "a1"))
check(identical(s2b$page$html, s2$page$html), "multi: a step run twice gives the same page")
s3 <- step(multi, s2$state, list(answer = "4", submitId = "a2"))
check(identical(s3$status, "finished"), "multi: finished after page 3")
# s2b wrote 'second' a second time (it ran the step again from the same
# state); the last step replays both writes from its journal: 3 notes.
check(identical(s3$page$html, "<p>7 from 3 notes</p>"),
      paste("multi: the final page adds both answers and counts the notes:", s3$page$html))
check(dbGetQuery(conn, "SELECT count(*) AS n FROM notes WHERE session = 'p2'")$n == 3,
      "multi: the last step repeated no write")

# --- Only inputs marked passable through the URL take the start's parameters.
urlp <- add_test("urlp", 0, code = "concerto.template.show(html = '{{a}}/{{b}}', params = list(a = a, b = b), finalize = TRUE)",
                 variables = list(list("a", 0, "x", 1), list("b", 0, "dflt", 0)))
u <- step(urlp, params = list(a = "1", b = "2", c = "3"))
check(identical(u$page$html, "1/dflt"), paste("url parameters: passable ones only:", u$page$html))

# --- A wizard test runs its source test with its own values as defaults,
# and a flow can call it from R code too (nested concerto.test.run).
invisible(dbExecute(conn, "INSERT INTO test_wizard (name, test_id, created, updated) VALUES ('w', ?, ?, ?)",
          params = list(urlp, now, now)))
wid <- dbGetQuery(conn, "SELECT id FROM test_wizard WHERE name = 'w'")$id
wiz <- add_test("wiz", 1, variables = list(list("a", 0, "from-wizard", 1), list("b", 0, "wb", 0)))
invisible(dbExecute(conn, "UPDATE test SET source_wizard_id = ? WHERE id = ?", params = list(wid, wiz)))
w <- step(wiz)
check(identical(w$page$html, "from-wizard/wb"), paste("wizard: the source test with the wizard's values:", w$page$html, w$error))
caller <- add_test("caller", 0, code = "r <- concerto.test.run('wiz', list(a = 'given'))")
w <- step(caller)
check(identical(w$page$html, "given/wb"), paste("nested test.run of a wizard test:", w$page$html, w$error))

# --- Random numbers repeat on replay.
rnd <- add_test("rnd", 0, code = paste(
  "x <- sample(1000, 1)",
  "r <- concerto.template.show(html = '<p>{{x}}</p>', params = list(x = x))",
  "concerto.template.show(html = '<p>{{x}}</p>', params = list(x = x), finalize = TRUE)", sep = "\n"))
r1 <- step(rnd)
r2 <- step(rnd, r1$state, list(submitId = "z"))
check(identical(r1$page$html, r2$page$html), "rnd: sample() gives the same value on replay")

# --- Errors: an R error with a traceback, and a parse error.
bad <- add_test("bad", 0, code = "f <- function(x) stop('boom ', x)\ng <- function() f(42)\ng()")
e <- step(bad)
check(identical(e$status, "error"), "bad: status error")
check(grepl("boom 42", e$error) && grepl("bad", e$error), "bad: the message and the test's name")
check(grepl("g()", e$traceback, fixed = TRUE) && grepl("f(42)", e$traceback, fixed = TRUE),
      paste("bad: the traceback shows the calls:", e$traceback))
unparsable <- add_test("unparsable", 0, code = "x <- (1 + \n y <- 2)) )")
e <- step(unparsable)
check(identical(e$status, "error") && grepl("does not parse", e$error), "parse error reported")

# --- A flow: begin -> ask (code test, loops on "again") -> finish,
# with a pointer variable counting rounds and a return function.
asker <- add_test("asker", 0, code = paste(
  "n <- c.get('rounds', flowIndexOffset = -1)",
  "if (is.null(n)) n <- 0",
  "r <- concerto.template.show(html = '<p>round {{n}} of {{max}}</p>', params = list(n = n + 1, max = limit))",
  "rounds <- n + 1",
  "c.set('rounds', rounds, flowIndexOffset = -1)",
  "concerto.table.query(\"INSERT INTO notes (session, what) VALUES ('flow', '{{v}}')\", list(v = r$v))",
  ".branch <- if (rounds < as.numeric(limit)) 'again' else 'done'",
  "answer <- r$v", sep = "\n"),
  variables = list(list("limit", 0, "2"), list("answer", 1), list(".branch", 1),
                   list("again", 2), list("done", 2)))
flow <- add_test("flow", 2, variables = list(list("max", 0, "3"), list("last", 1), list("out", 2)))
node <- function(type, source, title) {
  dbExecute(conn, "INSERT INTO test_node (flow_test_id, source_test_id, title, type) VALUES (?, ?, ?, ?)",
            params = list(flow, source, title, type))
  dbGetQuery(conn, "SELECT last_insert_rowid() AS id")$id
}
port <- function(node_id, name, type, value = NA, string = 1, default = 1, pointer = 0, pv = NA) {
  dbExecute(conn, paste("INSERT INTO test_node_port (node_id, name, type, value, is_string, default_value,",
                        "pointer, pointer_variable) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
            params = list(node_id, name, type, value, string, default, pointer, pv))
  dbGetQuery(conn, "SELECT last_insert_rowid() AS id")$id
}
connect <- function(from, from_port, to, to_port, fun = NA) {
  invisible(dbExecute(conn, paste("INSERT INTO test_node_connection (flow_test_id, source_node_id, source_port_id,",
                        "destination_node_id, destination_port_id, return_function) VALUES (?, ?, ?, ?, ?, ?)"),
            params = list(flow, from, from_port, to, to_port, fun)))
}
b <- node(1, flow, "begin")
f <- node(2, flow, "finish")
a <- node(0, asker, "ask")
b_max <- port(b, "max", 1)
a_limit <- port(a, "limit", 0, default = 0)
a_answer <- port(a, "answer", 1)
invisible(port(a, ".branch", 1))
a_again <- port(a, "again", 2)
a_done <- port(a, "done", 2)
f_last <- port(f, "last", 0, default = 0)
connect(b, NA, a, NA)
connect(a, a_again, a, NA)
connect(a, a_done, f, NA)
connect(b, b_max, a, a_limit)
connect(a, a_answer, f, f_last, "paste0('last=', answer)")

p <- step(flow)
check(identical(p$status, "page") && identical(p$page$html, "<p>round 1 of 3</p>"),
      paste("flow: round 1, the limit from the begin node:", p$page$html, p$error))
p <- step(flow, p$state, list(v = "x1", submitId = "1"))
check(identical(p$page$html, "<p>round 2 of 3</p>"), paste("flow: round 2:", p$page$html, p$error))
p <- step(flow, p$state, list(v = "x2", submitId = "2"))
check(identical(p$page$html, "<p>round 3 of 3</p>"), paste("flow: round 3:", p$page$html, p$error))
p <- step(flow, p$state, list(v = "x3", submitId = "3"))
check(identical(p$status, "finished"), paste("flow: finished after the branch 'done':", p$status, p$error))
check(identical(p$returns$last, "last=x3"), "flow: the finish node got the return function's value")
check(identical(dbGetQuery(conn, "SELECT what FROM notes WHERE session = 'flow' ORDER BY id")$what,
                c("x1", "x2", "x3")), "flow: one write per round, none repeated")

# --- Table queries: binding, numbers, vectors, names, refusals.
invisible(dbExecute(conn, "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, a REAL)"))
invisible(dbExecute(conn, "INSERT INTO items VALUES (1, 'one', 1.5), (2, 'it''s', 0.5), (3, 'three', 2)"))
concerto:::run_reset()
q <- concerto.table.query("SELECT id FROM {{t}} WHERE id IN ({{ids}}) AND label <> '{{x}}' ORDER BY id",
                          list(t = "items", ids = c(1, 2, 3), x = "one"))
check(identical(as.integer(q$id), 2:3), "query: a name, a vector and a quoted value")
q <- concerto.table.query("SELECT label FROM items WHERE label = '{{x}}'", list(x = "it's"))
check(identical(q$label, "it's"), "query: a quote in a bound value")
q <- concerto.table.query("SELECT count(*) AS n FROM items WHERE label LIKE '%{{x}}%'", list(x = "e"))
check(q$n == 2, "query: an insert inside a LIKE pattern")
q <- concerto.table.query("SELECT label FROM items WHERE label = '{{x}}'", list(x = "x' OR '1'='1"))
check(nrow(q) == 0, "query: an injection attempt is just a value")
check(inherits(tryCatch(concerto.table.query("SELECT * FROM items WHERE id = {{x}}", list(x = "1 OR 1=1")),
                        error = identity), "error"), "query: a bare insert holding SQL is refused")
check(concerto.table.query("UPDATE items SET a = {{a}} WHERE id = 1", list(a = 3)) == 1,
      "query: an UPDATE gives the rows changed")
check(concerto.table.query("INSERT INTO items (label, a) VALUES ('{{l}}', 1)", list(l = "four")) == 1 &&
        concerto.table.lastInsertId() == 4, "query: lastInsertId after an INSERT")
check(identical(concerto.table.insertParams("x = '{{v}}'", list(v = "a'b")), "x = 'a''b'"),
      "insertParams pastes with quotes doubled")

# --- Templates and helpers.
check(identical(concerto.template.insertParams("{{a}}-{{b}}", list(a = 1), removeMissing = FALSE), "1-{{b}}"),
      "insertParams keeps missing inserts when asked")
check(identical(concerto.template.join(html = "<p>{{a}}</p>", css = "p{}", js = NULL, params = list(a = "&")),
                "<style>p{}</style><p>&amp;</p>"), "join: style, html, no script")
add_template("inner", "<b>{{x}}</b>")
check(identical(concerto.template.insertParams("[{{template:inner}}]", list(x = "y")), "[<b>y</b>]"),
      "insertParams embeds another template")
check(identical(concerto.list.merge(list(a = 1, b = 2), list(b = 3, c = NULL)), list(a = 1, b = 3, c = NULL)),
      "list.merge: the second list wins")
concerto.var.set("dictionary", data.frame(entryKey = "hi", trans = "hello"), global = TRUE)
check(identical(concerto.trans("hi"), "hello") && identical(concerto.trans("other"), "other"), "trans")

dbDisconnect(conn)
report("tests/r/engine.R")

# The R starter content (conf/starter: the flow r-cat and the code test
# r-questionnaire) taken end to end in plain R: the database is made by
# `concertoctl setup --starter conf/starter` (the loader make run uses),
# the engine is concerto:::cc_step, and every page goes through the JSON
# the module sends, the saved state carried between steps as the module
# carries it. A simulated participant answers.
# Usage: Rscript tests/r/starter.R BUILD/concertoctl   (from the repository
# root; R_LIBS has the package installed)
suppressPackageStartupMessages({
  library(concerto)
  library(DBI)
})

source("tests/r/check.R")

ctl <- commandArgs(TRUE)[1]
if (is.na(ctl) || !file.exists(ctl)) stop("usage: starter.R BUILD/concertoctl (run make all first)")
data_dir <- tempfile("starter")
out <- system2(ctl, c("-d", data_dir, "setup", "--starter", "conf/starter"), stdout = TRUE,
               stderr = TRUE, env = "CONCERTO_PASSWORD=pw-for-tests")
check(is.null(attr(out, "status")), paste("concertoctl setup --starter:", paste(out, collapse = " ")))
conn <- dbConnect(RSQLite::SQLite(), file.path(data_dir, "concerto.db"))
concerto.db.connect(connection = conn)
test_id <- function(name) dbGetQuery(conn, "SELECT id FROM test WHERE name = ?", params = list(name))$id

# One request as the module sends it; the answer as a list.
step <- function(session, test, state = NULL, response = NULL) {
  req <- list(action = if (is.null(state)) "start" else "submit",
              session = list(id = session, hash = strrep("cd", 20), testId = test,
                             params = structure(list(), names = character(0))),
              state = state, response = response, appUrl = "http://example.test",
              filesDir = "/srv/files", filesUrl = "/files")
  answer <- jsonlite::fromJSON(concerto:::cc_step(jsonlite::toJSON(req, auto_unbox = TRUE,
                                                                   null = "null")),
                               simplifyVector = FALSE)
  if (identical(answer$status, "error")) cat("R error:", answer$error, "\n", answer$traceback, "\n")
  answer
}
radio_ids <- function(html) {
  as.numeric(unique(sub('name="r', "", regmatches(html, gregexpr('name="r[0-9]+', html))[[1]])))
}
scored <- function(options, value) {
  s <- options$defaultScore
  for (m in options$scoreMap) if (identical(m$value, value)) s <- m$score
  as.numeric(s)
}

# --- r-cat: a participant of true theta 0.8 answers right with the 3PL's
# probability; the first question is once submitted without an answer.
set.seed(7)
bank <- dbGetQuery(conn, "SELECT * FROM demo_cat_items")
params <- as.matrix(bank[, c("p1", "p2", "p3", "p4")])
a <- step(101, test_id("r-cat"))
check(identical(a$status, "page") && grepl("Start the test", a$page$html, fixed = TRUE),
      "r-cat: the first page gives the instructions")
a <- step(101, test_id("r-cat"), a$state, list(buttonPressed = "next", submitId = "start"))
check(identical(a$status, "page") && length(radio_ids(a$page$html)) == 1,
      "r-cat: the next page shows one item")
again <- step(101, test_id("r-cat"), a$state, list(buttonPressed = "next", submitId = "s0"))
check(identical(radio_ids(again$page$html), radio_ids(a$page$html)) &&
        grepl("Please choose an answer", again$page$html, fixed = TRUE),
      "r-cat: no answer shows the same item with a message")
a <- again
asked <- numeric(0)
right <- numeric(0)
while (identical(a$status, "page")) {
  id <- radio_ids(a$page$html)
  row <- match(id, bank$id)
  options <- fromJSON(bank$responseOptions[row])
  values <- vapply(options$options, function(o) o$value, "")
  correct <- values[vapply(values, function(v) scored(options, v) == 1, TRUE)]
  p <- Pi(0.8, params[row, , drop = FALSE], D = 1.702)$Pi
  value <- if (runif(1) < p) correct else setdiff(values, correct)[1]
  asked <- c(asked, id)
  right <- c(right, scored(options, value))
  check(length(asked) <= 20, "r-cat: at most 20 items")
  if (length(asked) > 20) break
  a <- step(101, test_id("r-cat"), a$state,
            setNames(list(value, "next", paste0("s", length(asked)), "2.5"),
                     c(paste0("r", id), "buttonPressed", "submitId", "timeTaken")))
}
n <- length(asked)
rows <- dbGetQuery(conn, "SELECT * FROM r_cat_responses WHERE session_id = 101 ORDER BY id")
check(identical(a$status, "finished") && grepl("Your result", a$page$html),
      paste("r-cat: finished with the results page after", n, "items"))
check(nrow(rows) == n && identical(as.numeric(rows$item_id), asked) && !anyDuplicated(asked),
      "r-cat: one response row per item, no item twice")
check(identical(as.numeric(rows$score), right), "r-cat: scores from the items' score maps")
theta <- thetaEst(params[match(asked, bank$id), , drop = FALSE], right, method = "EAP", D = 1.702)
sem <- semTheta(theta, params[match(asked, bank$id), , drop = FALSE], right, method = "EAP", D = 1.702)
check(abs(rows$theta[n] - theta) < 1e-9 && abs(rows$sem[n] - sem) < 1e-9,
      "r-cat: the last row's theta and SEM are thetaEst/semTheta of the answers")
check(n == 20 || (n >= 8 && sem <= 0.35), "r-cat: stopped by the rule (SEM <= 0.35 after 8, or 20)")
check(n < 8 || rows$sem[n - 1] > 0.35 || n - 1 < 8, "r-cat: did not go on after the rule was met")
check(grepl(sprintf("<dd>%.2f</dd>", theta), a$page$html, fixed = TRUE) &&
        grepl(sprintf("<dd>%d</dd>", n), a$page$html, fixed = TRUE) &&
        grepl("<svg", a$page$html, fixed = TRUE),
      "r-cat: the results page shows theta, the number of items and the plot")
check(identical(a$page$params$itemsAdministered, n),
      "r-cat: itemsAdministered came through the return function length(itemIds)")

# --- r-questionnaire: start, page 1, page 2, Back (answers kept), page 2,
# page 3 with an answer missing (message), page 3, feedback.
q_items <- dbGetQuery(conn, "SELECT * FROM number_attitude_items ORDER BY id")
answer_page <- function(html, values) {
  ids <- radio_ids(html)
  setNames(as.list(values[match(ids, q_items$id)]), paste0("r", ids))
}
chosen <- as.character(c(4, 3, 0, 2, 1, 3, 4, 2, 1))
q <- step(202, test_id("r-questionnaire"))
check(grepl("9 statements", q$page$html), "r-questionnaire: the start page")
q <- step(202, test_id("r-questionnaire"), q$state, list(buttonPressed = "next", submitId = "q0"))
check(identical(radio_ids(q$page$html), c(1, 2, 3)) && !grepl('name="back"', q$page$html),
      "r-questionnaire: page 1 has statements 1-3 and no Back")
q <- step(202, test_id("r-questionnaire"), q$state,
          c(answer_page(q$page$html, chosen), buttonPressed = "next", submitId = "q1"))
q <- step(202, test_id("r-questionnaire"), q$state,
          c(answer_page(q$page$html, chosen), buttonPressed = "back", submitId = "q2"))
check(identical(radio_ids(q$page$html), c(1, 2, 3)) &&
        grepl('value="3" checked', q$page$html, fixed = TRUE),
      "r-questionnaire: Back shows page 1 with the answers given")
q <- step(202, test_id("r-questionnaire"), q$state, list(buttonPressed = "next", submitId = "q3"))
check(identical(radio_ids(q$page$html), c(4, 5, 6)) &&
        grepl('value="2" checked', q$page$html, fixed = TRUE),
      "r-questionnaire: page 2 again, its answers kept")
q <- step(202, test_id("r-questionnaire"), q$state, list(buttonPressed = "next", submitId = "q4"))
partial <- answer_page(q$page$html, chosen)[1:2]
q <- step(202, test_id("r-questionnaire"), q$state,
          c(partial, buttonPressed = "next", submitId = "q5"))
check(identical(radio_ids(q$page$html), c(7, 8, 9)) &&
        grepl("Please answer every statement", q$page$html, fixed = TRUE),
      "r-questionnaire: a missing answer shows page 3 again with a message")
check(dbGetQuery(conn, "SELECT COUNT(*) AS n FROM r_questionnaire_responses")$n == 0,
      "r-questionnaire: nothing written before the last page")
q <- step(202, test_id("r-questionnaire"), q$state,
          c(answer_page(q$page$html, chosen), buttonPressed = "next", submitId = "q6"))
expected <- sum(vapply(seq_len(nrow(q_items)), function(i) {
  scored(fromJSON(q_items$responseOptions[i]), chosen[i])
}, 0))
check(identical(q$status, "finished") &&
        grepl(sprintf("%d <span class=\"cc-score-of\">of 36", expected), q$page$html, fixed = TRUE),
      paste("r-questionnaire: the feedback page shows the score", expected))
check(grepl("comfortable with numbers", q$page$html, fixed = TRUE),
      "r-questionnaire: the sentence for a score of 18 to 26 (of 36)")
saved <- dbGetQuery(conn, "SELECT * FROM r_questionnaire_responses WHERE session_id = 202 ORDER BY item_id")
check(nrow(saved) == 9 && identical(saved$response, chosen) && sum(saved$score) == expected,
      "r-questionnaire: one row per statement, reverse-keyed ones scored 4..0")

dbDisconnect(conn)
unlink(data_dir, recursive = TRUE)
report("tests/r/starter.R")

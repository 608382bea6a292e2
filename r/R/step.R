# The module's one entry point: runs a session of an R test up to its
# next page (or its end) and answers in JSON. The request and the answer
# are described in the module's README (Embedded R) and in cc_step's
# caller, mod_concerto/runner. R errors never leave this function; the
# time limit's interrupt does, on purpose (the module reports it).

# The submitted values as template.show returns them.
response_values <- function(response) {
  if (is.null(response)) return(list())
  lapply(response, function(v) {
    if (is.list(v)) v <- unlist(v)
    if (is.null(v)) character(0) else as.character(v)
  })
}

# The start address's query parameters that the test accepts: those naming
# an input variable marked passable through the URL (as Concerto).
url_params <- function(testId, params) {
  params <- response_values(params)
  if (!length(params)) return(list())
  # The same cache entry concerto.test.run reads next: one load per session.
  test <- concerto.test.get(testId, includeSubObjects = TRUE)
  vars <- test$variables
  allowed <- vars$name[vars$type == VAR_INPUT & vars$passable]
  params[intersect(names(params), allowed)]
}

step_run <- function(req) {
  if (is.null(req$state)) {
    if (!exists(".Random.seed", envir = globalenv(), inherits = FALSE)) set.seed(NULL)
    .run$st$root <- list(testId = req$session$testId,
                         params = url_params(req$session$testId, req$session$params))
    .run$checkpoint <- list(st = .run$st, seed = random_seed())
  } else {
    saved <- state_decode(req$state)
    .run$checkpoint <- saved$checkpoint
    .run$st <- saved$checkpoint$st
    restore_random_seed(saved$checkpoint$seed)
    .run$journal <- saved$journal
    .run$incoming <- response_values(req$response)
    .run$resume_frames <- length(.run$st$flow)
  }
  root <- .run$st$root
  concerto.test.run(root$testId, root$params)
}

# What a page or the end of the test sends back.
page_answer <- function(page) {
  list(status = "page", page = page, state = state_encode())
}

finish_answer <- function(page, returns = NULL) {
  list(status = "finished", page = page, returns = returns)
}

# The calls below the test's own code, one line each, innermost last.
user_traceback <- function(calls) {
  if (!length(calls)) return("")
  marks <- which(vapply(calls, function(cl) identical(cl[[1]], quote(cc_user_code)), logical(1)))
  if (length(marks)) calls <- calls[-seq_len(marks[length(marks)])]
  drop <- c("stop", "withCallingHandlers", "doTryCatch", "tryCatchOne", "tryCatchList",
            "tryCatch", ".handleSimpleError", "h", "eval")
  lines <- vapply(calls, function(cl) paste(deparse(cl, nlines = 1L, width.cutoff = 100L),
                                            collapse = ""), character(1))
  heads <- vapply(calls, function(cl) paste(deparse(cl[[1]]), collapse = ""), character(1))
  lines <- lines[!(heads %in% drop)]
  if (length(lines) > 20) lines <- c("...", utils::tail(lines, 20))
  paste(sprintf("%d: %s", seq_along(lines), lines), collapse = "\n")
}

error_answer <- function(e) {
  where <- if (length(.run$tests)) paste0(" (test \"", .run$tests[length(.run$tests)], "\")") else ""
  call <- conditionCall(e)
  # stop() at the top of a test's code: the call is the engine's eval.
  if (identical(call, quote(eval(e, env)))) call <- NULL
  prefix <- if (!is.null(call)) paste0("Error in ", paste(deparse(call, nlines = 1L), collapse = ""),
                                       ": ") else "Error: "
  list(status = "error", error = paste0(prefix, conditionMessage(e), where),
       traceback = user_traceback(.run$calls))
}

to_json <- function(x) {
  as.character(jsonlite::toJSON(x, auto_unbox = TRUE, null = "null", na = "null", digits = NA,
                                force = TRUE))
}

# request: the module's JSON (a string) or the same as a list.
cc_step <- function(request) {
  run_reset()
  answer <- tryCatch({
    req <- if (is.character(request)) jsonlite::fromJSON(request, simplifyVector = FALSE) else request
    .run$request <- req
    withCallingHandlers(finish_answer(NULL, step_run(req)),
                        error = function(e) .run$calls <- sys.calls())
  },
  concerto_page = function(cond) page_answer(cond$page),
  concerto_finish = function(cond) finish_answer(cond$page),
  error = error_answer)
  out <- tryCatch(to_json(answer), error = function(e)
    to_json(list(status = "error", error = paste("the answer cannot be sent as JSON:",
                                                 conditionMessage(e)), traceback = "")))
  run_reset()
  out
}

.onLoad <- function(libname, pkgname) run_reset()

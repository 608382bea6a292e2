# How a session continues on any child of any server.
#
# The module calls R once per request, and R keeps nothing between
# requests: the session's state goes to the database after every page.
# What is stored is a checkpoint and a journal:
#   - the checkpoint is the whole session state (flow frames, globals,
#     events, loaded definitions, the random number generator) as it was
#     when the deepest flow started its current node, taken whenever only
#     flow frames are on the stack (a code test that is running cannot be
#     saved half-way, so inside one the older checkpoint stays);
#   - the journal lists, in order, the results of what the run did since:
#     each page's submitted values and each database write's result.
# The next request restores the checkpoint, walks down the saved flow
# frames to the current node and runs it again from its start. Pages and
# writes already in the journal are not repeated: template.show returns
# the values submitted then and a write returns its result then. The first
# page past the journal gets the values just submitted; the next one is
# shown and ends the request. Database reads run again and see current
# data; random numbers repeat exactly (the generator is part of the
# checkpoint); Sys.time() does not repeat.

# The state of the request being served (reset by cc_step).
.run <- new.env(parent = emptyenv())

run_reset <- function() {
  for (name in ls(.run, all.names = TRUE)) rm(list = name, envir = .run)
  .run$st <- new_state()
  .run$journal <- list()
  .run$replay_pos <- 0L
  .run$incoming <- NULL
  .run$resume_frames <- 0L
  .run$depth <- 0L # frames of the calls running now (the saved stack may be deeper)
  .run$tests <- character(0) # names of the tests being run, for messages
}

new_state <- function() {
  list(flow = list(), globals = list(), events = list(), cache = list(tests = list(),
       templates = list()), globalTemplateParams = list(), session = list(), loader = NULL)
}

random_seed <- function() {
  if (exists(".Random.seed", envir = globalenv(), inherits = FALSE))
    get(".Random.seed", envir = globalenv(), inherits = FALSE) else NULL
}

restore_random_seed <- function(seed) {
  if (is.null(seed)) {
    if (exists(".Random.seed", envir = globalenv(), inherits = FALSE))
      rm(".Random.seed", envir = globalenv())
    set.seed(NULL)
  } else {
    assign(".Random.seed", seed, envir = globalenv())
  }
}

# Is the run past everything it had to replay?
run_is_live <- function() .run$replay_pos >= length(.run$journal) && is.null(.run$incoming)

# Called when a flow node starts: a new checkpoint when nothing but flow
# frames is on the stack and nothing is left to replay.
maybe_checkpoint <- function() {
  if (!run_is_live()) return(invisible(FALSE))
  for (frame in .run$st$flow[seq_len(.run$depth)])
    if (!identical(frame$type, 2L)) return(invisible(FALSE))
  .run$checkpoint <- list(st = .run$st, seed = random_seed())
  .run$journal <- list()
  .run$replay_pos <- 0L
  invisible(TRUE)
}

# A page or a write: replayed from the journal when it is there, else done
# now and recorded. key identifies the action, so that a run that took
# another path than before is noticed instead of given wrong answers.
journal_effect <- function(kind, key, live) {
  pos <- .run$replay_pos
  if (pos < length(.run$journal)) {
    entry <- .run$journal[[pos + 1L]]
    if (!identical(entry$kind, kind) || !identical(entry$key, key))
      stop("the test did not repeat what it did before this page (expected ",
           entry$kind, " \"", substr(entry$key, 1, 60), "\", got ", kind, " \"",
           substr(key, 1, 60), "\"): code before a page must not depend on the time or on ",
           "data the page changes", call. = FALSE)
    .run$replay_pos <- pos + 1L
    return(entry$result)
  }
  result <- live()
  .run$journal[[length(.run$journal) + 1L]] <- list(kind = kind, key = key, result = result)
  .run$replay_pos <- length(.run$journal)
  result
}

state_encode <- function() {
  saved <- list(format = 1L, checkpoint = .run$checkpoint, journal = .run$journal)
  jsonlite::base64_enc(memCompress(serialize(saved, NULL, xdr = TRUE), type = "gzip"))
}

state_decode <- function(text) {
  saved <- tryCatch(unserialize(memDecompress(jsonlite::base64_dec(text), type = "gzip")),
                    error = function(e) NULL)
  if (!is.list(saved) || !identical(saved$format, 1L))
    stop("the session's saved R state cannot be read", call. = FALSE)
  saved
}

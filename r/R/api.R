# Variables, events, translations and small helpers of the R API (spec 3.5).

scope_index <- function(global, flowIndexOffset, flowIndex) {
  if (isTRUE(global)) return(0L)
  idx <- if (is.null(flowIndex)) .run$depth + flowIndexOffset else flowIndex
  as.integer(max(0, min(idx, .run$depth)))
}

# A flow-local variable of the current frame (or of the frame flowIndexOffset
# above, or of frame flowIndex); global = TRUE: a session-wide variable.
concerto.var.get <- function(name, global = FALSE, all = FALSE, flowIndexOffset = 0,
                             posOffset = 0, flowIndex = NULL) {
  idx <- scope_index(global, flowIndexOffset, flowIndex)
  scope <- if (idx == 0L) .run$st$globals else .run$st$flow[[idx]]$globals
  if (isTRUE(all)) return(scope)
  scope[[name]]
}

# Sets a variable in the same scopes as concerto.var.get; returns value.
concerto.var.set <- function(name, value, global = FALSE, flowIndexOffset = 0, posOffset = 0,
                             flowIndex = NULL) {
  idx <- scope_index(global, flowIndexOffset, flowIndex)
  if (idx == 0L) .run$st$globals[name] <- list(value) else
    .run$st$flow[[idx]]$globals[name] <- list(value)
  invisible(value)
}


# The dynamic inputs given to the current test by its node.
concerto.var.getDynamicInputs <- function() {
  n <- .run$depth
  if (n == 0) list() else .run$st$flow[[n]]$dynamicInputs
}

# The translation of key from the session's dictionary (a data.frame with
# columns entryKey and trans in the global variable "dictionary"); the key
# itself when there is none.
concerto.trans <- function(key) {
  dict <- concerto.var.get("dictionary", global = TRUE)
  if (is.data.frame(dict) && all(c("entryKey", "trans") %in% names(dict))) {
    hit <- which(dict$entryKey == key)
    if (length(hit) && !is.na(dict$trans[hit[1]])) return(as.character(dict$trans[hit[1]]))
  }
  key
}

# Event handlers kept with the session (onBeforeTemplateShow,
# onTemplateSubmit, or any name of the author's).
concerto.event.add <- function(name, fun) {
  if (!is.function(fun)) stop("fun must be a function", call. = FALSE)
  .run$st$events[[name]] <- c(.run$st$events[[name]], list(fun))
  invisible(NULL)
}

concerto.event.remove <- function(name, fun = NULL) {
  handlers <- .run$st$events[[name]]
  keep <- if (is.null(fun)) list() else Filter(function(f) !identical(f, fun), handlers)
  .run$st$events[name] <- list(if (length(keep)) keep else NULL)
  invisible(NULL)
}

concerto.event.fire <- function(name, args = list()) {
  for (f in .run$st$events[[name]]) do.call(f, args, envir = globalenv())
  invisible(NULL)
}

# list2's entries over list1's.
concerto.list.merge <- function(list1, list2) {
  if (is.null(list1)) list1 <- list()
  for (name in names(list2)) list1[name] <- list(list2[[name]])
  list1
}

# Prints obj under a time-stamped title; inside mod_concerto it goes to the
# session log.
concerto.log <- function(obj, title = "") {
  cat("[", format(Sys.time(), "%Y-%m-%d %H:%M:%OS3"), "] ", title, "\n", sep = "")
  print(obj)
  invisible(obj)
}

session_field <- function(name) {
  v <- .run$request[[name]]
  if (is.null(v)) "" else as.character(v)
}

# The absolute path of a public file.
concerto.file.getPath <- function(filename) file.path(session_field("filesDir"), filename)
concerto.file.getPublicPath <- concerto.file.getPath

# The address of a public file; noCache adds a time stamp.
concerto.file.getUrl <- function(filename, noCache = FALSE) {
  url <- paste0(session_field("appUrl"), session_field("filesUrl"), "/", filename)
  if (isTRUE(noCache)) paste0(url, "?ts=", as.integer(Sys.time())) else url
}

# The address that takes the participant back to this session.
concerto.session.getResumeUrl <- function() {
  paste0(session_field("appUrl"), "/test/session/", .run$request$session$hash)
}

# The session's id, hash, test id and URL parameters.
concerto.session.get <- function() .run$request$session

# Concerto's JSON helpers: lists as they are, single values unboxed.
fromJSON <- function(txt, simplifyVector = FALSE, ...) {
  jsonlite::fromJSON(txt, simplifyVector = simplifyVector, ...)
}

toJSON <- function(x, auto_unbox = TRUE, ...) {
  as.character(jsonlite::toJSON(x, auto_unbox = auto_unbox, null = "null", digits = NA, ...))
}

# Concerto's short names (c.get, c.set, c.getDynamicInputs, c.trans) live in
# an environment between test code and the package: R would take names
# like c.get for methods of c() if the package defined them.
.aliases <- new.env(parent = emptyenv())

make_aliases <- function() {
  env <- new.env(parent = asNamespace("concerto"))
  assign("c.get", concerto.var.get, envir = env)
  assign("c.set", concerto.var.set, envir = env)
  assign("c.getDynamicInputs", concerto.var.getDynamicInputs, envir = env)
  assign("c.trans", concerto.trans, envir = env)
  env
}

# The enclosure of test code, port expressions and return functions: the
# short names, then the package's namespace (its unexported helpers too).
test_env_parent <- function() {
  if (is.null(.aliases$env)) .aliases$env <- make_aliases()
  .aliases$env
}

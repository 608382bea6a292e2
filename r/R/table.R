# concerto.table.*: SQL written by test authors with {{name}} inserts.
# Concerto pasted the values in (escaping quotes only); here every value
# is bound as a parameter:
#   - a string literal that holds inserts ('{{x}}', '%{{x}}%') becomes one
#     bound parameter with the inserts filled in;
#   - an insert in double quotes or backticks ("{{col}}") is a name: it is
#     inserted only when it has no quote characters;
#   - a bare insert is bound when its values are numbers (a vector gives
#     "%s, %s" for IN lists), inserted when it looks like a name (a table
#     or column, letters, digits, _ and .), NULL when missing, and refused
#     otherwise, with a message saying to quote it.

# text split at the matches of pattern: plain, match, plain, ..., plain
# (regmatches(invert = NA) does the same, more slowly).
split_tokens <- function(text, pattern, perl = FALSE) {
  m <- gregexpr(pattern, text, perl = perl)[[1]]
  if (m[1L] == -1L) return(text)
  len <- attr(m, "match.length")
  plain <- substring(text, c(1L, m + len), c(m - 1L, nchar(text)))
  tokens <- substring(text, m, m + len - 1L)
  c(rbind(plain[-length(plain)], tokens), plain[length(plain)])
}

insert_value_text <- function(v) {
  if (is.null(v) || length(v) == 0) return("")
  if (is.list(v)) v <- unlist(v)
  v <- as.character(v)
  v[is.na(v)] <- ""
  paste(v, collapse = ", ")
}

is_number_text <- function(v) {
  grepl("^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$", v)
}

fill_inserts <- function(text, params) {
  pieces <- regmatches(text, gregexpr("\\{\\{[^{}]*\\}\\}", text), invert = NA)[[1]]
  out <- character(length(pieces))
  for (k in seq_along(pieces)) {
    p <- pieces[k]
    out[k] <- if (k %% 2 == 0) insert_value_text(params[[trimws(substr(p, 3, nchar(p) - 2))]]) else p
  }
  paste(out, collapse = "")
}

# The pieces of author SQL that matter here: string literals, quoted
# inserts, bare inserts and percent signs (everything else is copied).
SQL_TOKENS <- paste0("'(?:[^']|'')*'", "|\"\\{\\{[^{}]*\\}\\}\"", "|`\\{\\{[^{}]*\\}\\}`",
                     "|\\{\\{[^{}]*\\}\\}", "|%")

bare_insert <- function(name, v) {
  if (is.list(v)) v <- unlist(v)
  if (is.null(v) || length(v) == 0 || all(is.na(v))) return(list(sql = "NULL", values = character(0)))
  if (is.numeric(v) || is.logical(v) || all(is_number_text(as.character(v)))) {
    if (is.logical(v)) v <- as.integer(v)
    return(list(sql = paste(rep("%s", length(v)), collapse = ", "),
                values = gsub("^\\s+|\\s+$", "", as.character(v))))
  }
  if (length(v) == 1 && grepl("^[A-Za-z_][A-Za-z0-9_.]*$", v)) return(list(sql = v, values = character(0)))
  stop("{{", name, "}}: the value \"", insert_value_text(v), "\" is neither a number ",
       "nor a name; to use it as text, put the insert in quotes: '{{", name, "}}'", call. = FALSE)
}

# Turns author SQL into list(sql = with %s markers, values = character).
sql_bind <- function(sql, params = list()) {
  pieces <- split_tokens(sql, SQL_TOKENS, perl = TRUE)
  values <- character(0)
  for (k in seq_along(pieces)) {
    p <- pieces[k]
    if (k %% 2 == 1) {
      if (grepl("'", p, fixed = TRUE)) stop("the SQL has an unterminated string literal", call. = FALSE)
      next
    }
    first <- substr(p, 1L, 1L)
    if (p == "%") {
      pieces[k] <- "%%"
    } else if (first == "'") {
      inner <- gsub("''", "'", substr(p, 2L, nchar(p) - 1L), fixed = TRUE)
      if (grepl("{{", inner, fixed = TRUE)) {
        pieces[k] <- "%s"
        values[length(values) + 1L] <- fill_inserts(inner, params)
      } else {
        pieces[k] <- gsub("%", "%%", p, fixed = TRUE)
      }
    } else if (first == "\"" || first == "`") {
      name <- gsub("^\\s+|\\s+$", "", substr(p, 4L, nchar(p) - 3L))
      v <- insert_value_text(params[[name]])
      if (grepl("[\"`'\\\\]", v) || v == "")
        stop("{{", name, "}} must be a name (no quotes) to be used as one", call. = FALSE)
      pieces[k] <- paste0(first, gsub("%", "%%", v, fixed = TRUE), first)
    } else {
      name <- gsub("^\\s+|\\s+$", "", substr(p, 3L, nchar(p) - 2L))
      bound <- bare_insert(name, params[[name]])
      pieces[k] <- bound$sql
      values <- c(values, bound$values)
    }
  }
  list(sql = paste(pieces, collapse = ""), values = values)
}

is_select <- function(sql) {
  grepl("^\\s*(\\(\\s*)*(select|show|with|pragma|explain|values)\\b", sql, ignore.case = TRUE)
}

# Runs author SQL. SELECT (and SHOW, WITH, PRAGMA, EXPLAIN) give a
# data.frame of at most n rows (-1: all); other statements give the number
# of rows affected. Writes are journaled (see replay.R): a page shown again
# after a submit does not repeat them.
concerto.table.query <- function(sql, params = list(), n = -1, connection = NULL) {
  if (!is.null(connection)) stop("connection= is not supported: the module's database is used",
                                 call. = FALSE)
  sql <- trimws(sql)
  bound <- sql_bind(sql, params)
  if (is_select(sql)) {
    res <- db_run(bound$sql, bound$values, select = TRUE)
    if (n >= 0 && nrow(res) > n) res <- res[seq_len(n), , drop = FALSE]
    return(res)
  }
  res <- journal_effect("write", sql, function() db_run(bound$sql, bound$values, select = FALSE))
  .run$last_insert_id <- res$lastInsertId
  res$affected
}

# The SQL with the inserts pasted in, quotes doubled: for showing or logging
# a statement; concerto.table.query binds instead.
concerto.table.insertParams <- function(sql, params = list(), connection = NULL) {
  pieces <- regmatches(sql, gregexpr("\\{\\{[^{}]*\\}\\}", sql), invert = NA)[[1]]
  for (k in seq_along(pieces)) if (k %% 2 == 0) {
    v <- insert_value_text(params[[trimws(substr(pieces[k], 3, nchar(pieces[k]) - 2))]])
    pieces[k] <- gsub("'", "''", v, fixed = TRUE)
  }
  paste(pieces, collapse = "")
}

# The id given to the row of the last INSERT made with concerto.table.query.
concerto.table.lastInsertId <- function(connection = NULL) {
  if (is.null(.run$last_insert_id)) NA_real_ else .run$last_insert_id
}

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

# Turns author SQL into list(sql = with %s markers, values = character).
sql_bind <- function(sql, params = list()) {
  chars <- strsplit(sql, "", fixed = TRUE)[[1]]
  n <- length(chars)
  out <- character(0)
  values <- character(0)
  i <- 1L
  emit <- function(s) out[length(out) + 1L] <<- s
  while (i <= n) {
    ch <- chars[i]
    if (ch == "'") {
      # A string literal, '' being a quote inside it.
      j <- i + 1L
      repeat {
        if (j > n) stop("the SQL has an unterminated string literal", call. = FALSE)
        if (chars[j] == "'") {
          if (j < n && chars[j + 1L] == "'") j <- j + 2L else break
        } else j <- j + 1L
      }
      literal <- paste(chars[i:j], collapse = "")
      inner <- gsub("''", "'", substr(literal, 2, nchar(literal) - 1), fixed = TRUE)
      if (grepl("{{", inner, fixed = TRUE)) {
        emit("%s")
        values[length(values) + 1L] <- fill_inserts(inner, params)
      } else {
        emit(gsub("%", "%%", literal, fixed = TRUE))
      }
      i <- j + 1L
    } else if ((ch == "\"" || ch == "`") && i + 1L < n && chars[i + 1L] == "{" &&
               chars[i + 2L] == "{") {
      close <- regexpr(paste0("^", ch, "\\{\\{[^{}]*\\}\\}", ch),
                       paste(chars[i:n], collapse = ""))
      if (close < 0) { emit(ch); i <- i + 1L; next }
      len <- attr(close, "match.length")
      token <- paste(chars[i:(i + len - 1L)], collapse = "")
      name <- trimws(substr(token, 4, len - 3))
      v <- insert_value_text(params[[name]])
      if (grepl("[\"`'\\\\]", v) || v == "")
        stop("{{", name, "}} must be a name (no quotes) to be used as one", call. = FALSE)
      emit(paste0(ch, gsub("%", "%%", v, fixed = TRUE), ch))
      i <- i + len
    } else if (ch == "{" && i < n && chars[i + 1L] == "{") {
      rest <- paste(chars[i:min(n, i + 200L)], collapse = "")
      m <- regexpr("^\\{\\{[^{}]*\\}\\}", rest)
      if (m < 0) { emit("{"); i <- i + 1L; next }
      len <- attr(m, "match.length")
      name <- trimws(substr(rest, 3, len - 2))
      v <- params[[name]]
      if (is.list(v)) v <- unlist(v)
      if (is.null(v) || length(v) == 0 || all(is.na(v))) {
        emit("NULL")
      } else if (is.numeric(v) || is.logical(v) || all(is_number_text(as.character(v)))) {
        if (is.logical(v)) v <- as.integer(v)
        emit(paste(rep("%s", length(v)), collapse = ", "))
        values <- c(values, trimws(as.character(v)))
      } else if (length(v) == 1 && grepl("^[A-Za-z_][A-Za-z0-9_.]*$", v)) {
        emit(v)
      } else {
        stop("{{", name, "}}: the value \"", insert_value_text(v), "\" is neither a number ",
             "nor a name; to use it as text, put the insert in quotes: '{{", name, "}}'",
             call. = FALSE)
      }
      i <- i + len
    } else {
      emit(if (ch == "%") "%%" else ch)
      i <- i + 1L
    }
  }
  list(sql = paste(out, collapse = ""), values = values)
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

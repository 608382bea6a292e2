# The database under the R API. Inside Apache the module registers two
# native routines in R's embedding DLL (cc_db_query, cc_db_driver) that use
# the request's apr_dbd connection; in plain R a DBI connection set by
# concerto.db.connect() is used instead. Statements reach this layer with
# apr_dbd's portable markers (%s, a literal % written %%) and a character
# vector of values, one per marker (NA is SQL NULL).

.db <- new.env(parent = emptyenv())

embedded_routine <- function(name) {
  tryCatch(getNativeSymbolInfo(name, PACKAGE = "(embedding)"), error = function(e) NULL)
}

db_backend <- function() {
  if (is.null(.db$embedded_query)) {
    query <- embedded_routine("cc_db_query")
    if (!is.null(query)) {
      .db$embedded_query <- query
      .db$embedded_driver <- embedded_routine("cc_db_driver")
    } else {
      .db$embedded_query <- FALSE
    }
  }
  if (!isFALSE(.db$embedded_query)) return("embedded")
  if (!is.null(.db$conn)) return("dbi")
  stop("no database: inside mod_concerto the module provides it; in plain R call ",
       "concerto.db.connect() first", call. = FALSE)
}

# Connects plain R to a database through DBI: a DBI connection object, or
# driver = "sqlite" with dbname = the file. Inside Apache this is not needed.
concerto.db.connect <- function(driver = "sqlite", username = NULL, password = NULL,
                                dbname = NULL, host = NULL, unix_socket = NULL, port = NULL,
                                connection = NULL) {
  if (!is.null(connection)) {
    .db$conn <- connection
  } else if (identical(driver, "sqlite") || identical(driver, "sqlite3")) {
    if (!requireNamespace("DBI", quietly = TRUE) || !requireNamespace("RSQLite", quietly = TRUE))
      stop("concerto.db.connect(\"sqlite\") needs the DBI and RSQLite packages", call. = FALSE)
    if (is.null(dbname)) stop("dbname (the SQLite file) is required", call. = FALSE)
    .db$conn <- DBI::dbConnect(RSQLite::SQLite(), dbname)
  } else {
    stop("driver must be \"sqlite\" or a DBI connection must be given as connection=",
         call. = FALSE)
  }
  invisible(.db$conn)
}

# Forgets the plain-R connection (the caller closes it).
concerto.db.disconnect <- function() {
  .db$conn <- NULL
  invisible(NULL)
}

db_driver <- function() {
  if (db_backend() == "embedded") return(.Call(.db$embedded_driver))
  if (inherits(.db$conn, "SQLiteConnection")) "sqlite3" else class(.db$conn)[1]
}

# Text columns from the module become numbers and logicals where they all are.
typed_frame <- function(columns) {
  columns <- lapply(columns, function(v) utils::type.convert(v, as.is = TRUE, na.strings = character(0)))
  as.data.frame(columns, stringsAsFactors = FALSE, check.names = FALSE, optional = TRUE)
}

# Runs one statement. select = TRUE: a data.frame (convert = FALSE keeps
# the module's text as text); else list(affected, lastInsertId).
db_run <- function(sql, values = character(0), select = TRUE, convert = TRUE) {
  values <- as.character(values)
  if (db_backend() == "embedded") {
    res <- .Call(.db$embedded_query, sql, values, isTRUE(select))
    if (!select) return(res)
    return(if (convert) typed_frame(res) else as.data.frame(res, stringsAsFactors = FALSE,
                                                           check.names = FALSE, optional = TRUE))
  }
  # DBI: ? markers, a literal % again.
  parts <- strsplit(sql, "%%", fixed = TRUE)[[1]]
  dbi_sql <- paste(gsub("%s", "?", parts, fixed = TRUE), collapse = "%")
  if (endsWith(sql, "%%")) dbi_sql <- paste0(dbi_sql, "%")
  args <- if (length(values)) list(params = unname(as.list(values))) else list()
  if (select) {
    res <- do.call(DBI::dbGetQuery, c(list(.db$conn, dbi_sql), args))
    return(as.data.frame(res, stringsAsFactors = FALSE))
  }
  affected <- do.call(DBI::dbExecute, c(list(.db$conn, dbi_sql), args))
  id <- NA_real_
  if (grepl("^\\s*insert", sql, ignore.case = TRUE) && inherits(.db$conn, "SQLiteConnection"))
    id <- as.numeric(DBI::dbGetQuery(.db$conn, "SELECT last_insert_rowid() AS id")$id)
  list(affected = as.integer(affected), lastInsertId = id)
}

# Loading tests and templates from the database. A session keeps the
# definitions it loaded first (they are part of its saved state), so an
# edit made while people take a test does not change the test under them.

text_frame <- function(sql, values) {
  res <- db_run(sql, values, select = TRUE, convert = FALSE)
  res
}

as_id <- function(v) suppressWarnings(as.numeric(v))

flag <- function(v) !is.na(v) & as.character(v) %in% c("1", "TRUE", "true", "t")

lookup_test_row <- function(testId) {
  cols <- "id, name, slug, type, code, source_wizard_id"
  if (is.numeric(testId) || grepl("^[0-9]+$", as.character(testId))) {
    row <- text_frame(paste("SELECT", cols, "FROM test WHERE id = %s"), as.character(testId))
  } else {
    row <- text_frame(paste("SELECT", cols, "FROM test WHERE name = %s OR slug = %s"),
                      c(testId, testId))
  }
  if (nrow(row) == 0) stop("there is no test \"", testId, "\"", call. = FALSE)
  row[1, , drop = FALSE]
}

load_test <- function(testId, includeSubObjects) {
  row <- lookup_test_row(testId)
  id <- as_id(row$id)
  test <- list(id = id, name = as.character(row$name), slug = as.character(row$slug),
               type = as.integer(row$type), code = as.character(row$code),
               sourceWizard = as_id(row$source_wizard_id))
  if (is.na(test$code)) test$code <- ""
  vars <- text_frame("SELECT id, name, type, value FROM test_variable WHERE test_id = %s ORDER BY id",
                     as.character(id))
  test$variables <- data.frame(id = as_id(vars$id), name = as.character(vars$name),
                               type = as.integer(vars$type), value = as.character(vars$value),
                               stringsAsFactors = FALSE)
  if (test$type == 1L) {
    if (is.na(test$sourceWizard)) stop("wizard test \"", test$name, "\" has no wizard", call. = FALSE)
    w <- text_frame("SELECT test_id FROM test_wizard WHERE id = %s", as.character(test$sourceWizard))
    if (nrow(w) == 0) stop("the wizard of test \"", test$name, "\" does not exist", call. = FALSE)
    test$sourceTest <- as_id(w$test_id[1])
  }
  if (includeSubObjects && test$type == 2L) {
    nodes <- text_frame(paste("SELECT id, type, source_test_id, title FROM test_node",
                              "WHERE flow_test_id = %s ORDER BY id"), as.character(id))
    test$nodes <- data.frame(id = as_id(nodes$id), type = as.integer(nodes$type),
                             source_test_id = as_id(nodes$source_test_id),
                             title = as.character(nodes$title), stringsAsFactors = FALSE)
    ports <- text_frame(paste("SELECT p.id, p.node_id, p.variable_id, p.name, p.type, p.value,",
                              "p.is_string, p.default_value, p.dynamic, p.pointer,",
                              "p.pointer_variable FROM test_node_port p JOIN test_node n",
                              "ON n.id = p.node_id WHERE n.flow_test_id = %s ORDER BY p.id"),
                        as.character(id))
    test$ports <- data.frame(id = as_id(ports$id), node_id = as_id(ports$node_id),
                             variable_id = as_id(ports$variable_id),
                             name = as.character(ports$name), type = as.integer(ports$type),
                             value = as.character(ports$value), string = flag(ports$is_string),
                             default_value = flag(ports$default_value),
                             dynamic = flag(ports$dynamic), pointer = flag(ports$pointer),
                             pointer_variable = as.character(ports$pointer_variable),
                             stringsAsFactors = FALSE)
    conns <- text_frame(paste("SELECT id, source_node_id, source_port_id, destination_node_id,",
                              "destination_port_id, return_function FROM test_node_connection",
                              "WHERE flow_test_id = %s ORDER BY id"), as.character(id))
    test$connections <- data.frame(id = as_id(conns$id),
                                   source_node_id = as_id(conns$source_node_id),
                                   source_port_id = as_id(conns$source_port_id),
                                   destination_node_id = as_id(conns$destination_node_id),
                                   destination_port_id = as_id(conns$destination_port_id),
                                   return_function = as.character(conns$return_function),
                                   stringsAsFactors = FALSE)
    if (!any(test$nodes$type == 1L))
      stop("flow test \"", test$name, "\" has no begin node", call. = FALSE)
    test$graph <- flow_graph(test)
  }
  test
}

records <- function(frame) {
  lapply(seq_len(nrow(frame)), function(i) lapply(frame, `[[`, i))
}

# The flow's nodes, ports and connections as records indexed the way the
# engine walks them (data.frame rows are slow to take one by one).
flow_graph <- function(test) {
  ports <- records(test$ports)
  conns <- records(test$connections)
  nodes <- records(test$nodes)
  key <- function(v) as.character(v)
  graph <- list(nodes = list(), ports = list(), data_in = list())
  for (p in ports) graph$ports[[key(p$id)]] <- p
  for (n in nodes) {
    n$ports <- Filter(function(p) p$node_id == n$id, ports)
    n$exits <- Filter(function(cn) cn$source_node_id == n$id && is.na(cn$destination_port_id), conns)
    graph$nodes[[key(n$id)]] <- n
  }
  for (cn in conns) if (!is.na(cn$destination_port_id) && !is.na(cn$source_port_id)) {
    k <- key(cn$destination_port_id)
    graph$data_in[[k]] <- c(graph$data_in[[k]], list(cn))
  }
  graph
}

# A test by id or name (or slug), with its variables and, for flows, its
# nodes, ports and connections; a wizard test also names its sourceTest.
concerto.test.get <- function(testId, cache = NULL, includeSubObjects = FALSE) {
  key <- paste0(as.character(testId), if (includeSubObjects) "+" else "")
  found <- .run$st$cache$tests[[key]]
  if (!is.null(found)) return(found)
  test <- load_test(testId, includeSubObjects)
  .run$st$cache$tests[[key]] <- test
  test
}

# Removes carriage returns, as code pasted from Windows editors has them.
concerto.test.sanitizeSource <- function(src) gsub("\r", "", src, fixed = TRUE)

# A view template by id or name: list(id, name, head, html, css, js).
concerto.template.get <- function(templateId, cache = NULL) {
  key <- as.character(templateId)
  found <- .run$st$cache$templates[[key]]
  if (!is.null(found)) return(found)
  cols <- "SELECT id, name, head, html, css, js FROM view_template WHERE "
  row <- if (is.numeric(templateId) || grepl("^[0-9]+$", key))
    text_frame(paste0(cols, "id = %s"), key) else text_frame(paste0(cols, "name = %s"), key)
  if (nrow(row) == 0) stop("there is no template \"", key, "\"", call. = FALSE)
  t <- lapply(as.list(row[1, , drop = FALSE]), function(v) if (is.na(v)) "" else as.character(v))
  t$id <- as_id(t$id)
  .run$st$cache$templates[[key]] <- t
  t
}

# Running tests (spec section 2): code tests evaluate their R code, flow
# tests run their nodes, wizard tests run their source test with their own
# values as defaults. Every code and flow test runs in a frame on
# .run$st$flow, which holds its parameters and its flow-local variables.

VAR_INPUT <- 0L
VAR_RETURN <- 1L
VAR_BRANCH <- 2L
NODE_REGULAR <- 0L
NODE_BEGIN <- 1L
NODE_FINISH <- 2L

var_names <- function(test, type) test$variables$name[test$variables$type == type]

# Defaults for inputs not given (as stored: text), and the meta entries.
complete_params <- function(test, params) {
  given <- names(params)
  if (is.null(given)) given <- character(0)
  inputs <- test$variables[test$variables$type == VAR_INPUT, , drop = FALSE]
  for (k in seq_len(nrow(inputs))) {
    name <- inputs$name[k]
    if (!(name %in% given))
      params[name] <- list(if (is.na(inputs$value[k])) NULL else inputs$value[k])
  }
  params$.inputs <- given[!startsWith(given, ".")]
  params$.returns <- var_names(test, VAR_RETURN)
  params$.branches <- var_names(test, VAR_BRANCH)
  for (meta in c(".dynamicInputs", ".dynamicReturns", ".dynamicBranches"))
    if (is.null(params[[meta]])) params[meta] <- list(character(0))
  params
}

# Runs a test by id or name and returns its return values (a named list).
concerto.test.run <- function(testId, params = list(), extraReturns = c()) {
  test <- concerto.test.get(testId, includeSubObjects = TRUE)
  if (test$type == 1L) {
    # A wizard test: its variables' values are the defaults of its source test.
    inputs <- test$variables[test$variables$type == VAR_INPUT, , drop = FALSE]
    for (k in seq_len(nrow(inputs)))
      if (!(inputs$name[k] %in% names(params)) && !is.na(inputs$value[k]))
        params[inputs$name[k]] <- list(inputs$value[k])
    return(concerto.test.run(test$sourceTest, params, extraReturns))
  }
  if (!(test$type %in% c(0L, 2L)))
    stop("test \"", test$name, "\" is a native adaptive test: it runs by its address, not from R",
         call. = FALSE)
  depth <- .run$depth + 1L
  resuming <- depth <= .run$resume_frames && identical(.run$st$flow[[depth]]$id, test$id)
  if (resuming) {
    if (depth == .run$resume_frames) .run$resume_frames <- 0L
  } else {
    .run$resume_frames <- 0L
    .run$st$flow <- .run$st$flow[seq_len(depth - 1L)]
    params <- complete_params(test, params)
    dynamic <- params[intersect(params$.dynamicInputs, names(params))]
    .run$st$flow[[depth]] <- list(id = test$id, type = test$type, name = test$name,
                                  params = params, globals = list(), dynamicInputs = dynamic)
    for (name in names(params)) concerto.var.set(name, params[[name]], flowIndex = depth)
  }
  .run$tests <- c(.run$tests, test$name)
  .run$depth <- depth
  result <- if (test$type == 0L) run_code_test(test, depth, extraReturns) else
    run_flow_test(test, depth, extraReturns, resuming)
  .run$tests <- .run$tests[-length(.run$tests)]
  .run$st$flow <- .run$st$flow[seq_len(depth - 1L)]
  .run$depth <- depth - 1L
  result
}

# The marker frame of test code: error tracebacks start after it.
cc_user_code <- function(exprs, env) {
  for (e in exprs) eval(e, env)
  invisible(NULL)
}

parse_test_code <- function(test) {
  tryCatch(parse(text = concerto.test.sanitizeSource(test$code), keep.source = FALSE),
           error = function(e) {
             stop("the R code of test \"", test$name, "\" does not parse: ",
                  sub("^<text>:", "line ", conditionMessage(e)), call. = FALSE)
           })
}

run_code_test <- function(test, depth, extraReturns) {
  env <- new.env(parent = test_env_parent())
  params <- .run$st$flow[[depth]]$params
  for (name in names(params)) assign(name, params[[name]], envir = env)
  cc_user_code(parse_test_code(test), env)
  result <- list()
  returns <- test$variables[test$variables$type == VAR_RETURN, , drop = FALSE]
  for (k in seq_len(nrow(returns))) {
    name <- returns$name[k]
    result[name] <- list(if (exists(name, envir = env, inherits = FALSE))
      get(name, envir = env, inherits = FALSE) else if (is.na(returns$value[k])) NULL else
        returns$value[k])
  }
  for (name in extraReturns)
    if (exists(name, envir = env, inherits = FALSE))
      result[name] <- list(get(name, envir = env, inherits = FALSE))
  result
}

flow_frame <- function(depth) .run$st$flow[[depth]]

run_flow_test <- function(test, depth, extraReturns, resuming) {
  if (!resuming) {
    begin <- test$nodes$id[test$nodes$type == NODE_BEGIN][1]
    .run$st$flow[[depth]]$execIndex <- 0L
    .run$st$flow[[depth]]$nodeExec <- list()
    .run$st$flow[[depth]]$portValues <- list()
    .run$st$flow[[depth]]$currentNode <- begin
    .run$st$flow[[depth]]$finishRan <- FALSE
    .run$st$flow[[depth]]$result <- list()
  }
  node <- flow_frame(depth)$currentNode
  while (!is.null(node)) {
    .run$st$flow[[depth]]$currentNode <- node
    maybe_checkpoint()
    node <- run_node(test, depth, node)
  }
  if (!isTRUE(flow_frame(depth)$finishRan)) {
    finish <- test$nodes$id[test$nodes$type == NODE_FINISH]
    if (length(finish)) {
      .run$st$flow[[depth]]$currentNode <- finish[1]
      maybe_checkpoint()
      run_node(test, depth, finish[1])
    }
  }
  result <- flow_frame(depth)$result
  globals <- flow_frame(depth)$globals
  for (name in extraReturns) if (!is.null(globals[[name]])) result[name] <- list(globals[[name]])
  result
}

port_key <- function(id) as.character(id)

set_port_value <- function(depth, port, value) {
  .run$st$flow[[depth]]$portValues[port_key(port$id)] <- list(value)
  if (isTRUE(port$pointer) && !is.na(port$pointer_variable) && nzchar(port$pointer_variable))
    concerto.var.set(port$pointer_variable, value, flowIndex = depth)
}

# The value of an input port: a pointer to a flow variable, else the
# connection from the most recently run source node (through its return
# function), else the port's own value (text with inserts, or an R
# expression).
eval_port <- function(test, depth, port, dynamic) {
  frame <- flow_frame(depth)
  if (isTRUE(port$pointer) && !is.na(port$pointer_variable) && nzchar(port$pointer_variable)) {
    v <- frame$globals[[port$pointer_variable]]
    if (!is.null(v)) return(v)
  }
  conns <- test$graph$data_in[[port_key(port$id)]]
  if (length(conns)) {
    stamps <- vapply(conns, function(cn) {
      s <- frame$nodeExec[[port_key(cn$source_node_id)]]
      if (is.null(s)) -1 else s
    }, numeric(1))
    if (max(stamps) >= 0) {
      conn <- conns[[which.max(stamps)]]
      source <- test$graph$ports[[port_key(conn$source_port_id)]]
      body <- conn$return_function
      if (is.na(body) || !nzchar(trimws(body))) body <- paste0("`", source$name, "`")
      fun <- eval(parse(text = paste0("function(`", source$name, "`) {\n", body, "\n}"),
                        keep.source = FALSE), list2env(dynamic, parent = test_env_parent()))
      v <- fun(frame$portValues[[port_key(source$id)]])
      .run$st$flow[[depth]]$portValues[port_key(port$id)] <- list(v)
      if (!is.null(v)) return(v)
    }
  }
  if (isTRUE(port$default_value) && !is.na(port$variable_id)) return(NULL)
  value <- port$value
  if (is.na(value)) return(NULL)
  if (isTRUE(port$string)) return(insert_keep_missing(value, dynamic))
  if (!nzchar(trimws(value))) return(NULL)
  eval(parse(text = value, keep.source = FALSE), list2env(dynamic, parent = test_env_parent()))
}

insert_keep_missing <- function(text, values) {
  if (!length(values) || !grepl("{{", text, fixed = TRUE)) return(text)
  pieces <- regmatches(text, gregexpr("\\{\\{[^{}]*\\}\\}", text), invert = NA)[[1]]
  for (k in seq_along(pieces)) if (k %% 2 == 0) {
    v <- values[[trimws(substr(pieces[k], 3, nchar(pieces[k]) - 2))]]
    if (!is.null(v) && !all(is.na(v))) pieces[k] <- insert_value_text(v)
  }
  paste(pieces, collapse = "")
}

ports_of <- function(ports, type) Filter(function(p) p$type == type, ports)

# Runs one node; returns the id of the next node, or NULL at the end.
run_node <- function(test, depth, node_id) {
  node <- test$graph$nodes[[port_key(node_id)]]
  if (is.null(node)) stop("flow test \"", test$name, "\" has no node ", node_id, call. = FALSE)
  index <- flow_frame(depth)$execIndex + 1L
  .run$st$flow[[depth]]$execIndex <- index
  .run$st$flow[[depth]]$nodeExec[[port_key(node_id)]] <- index
  inputs <- ports_of(node$ports, VAR_INPUT)
  dynamic <- list()
  for (p in inputs) if (isTRUE(p$dynamic)) dynamic[p$name] <- list(eval_port(test, depth, p, list()))
  params <- dynamic
  for (p in inputs) if (!isTRUE(p$dynamic)) {
    v <- eval_port(test, depth, p, dynamic)
    if (!is.null(v)) params[p$name] <- list(v)
  }
  returns <- ports_of(node$ports, VAR_RETURN)
  branches <- ports_of(node$ports, VAR_BRANCH)
  if (node$type == NODE_FINISH) {
    .run$st$flow[[depth]]$result <- params[!startsWith(names(params), ".")]
    .run$st$flow[[depth]]$finishRan <- TRUE
    return(NULL)
  }
  branch <- NULL
  if (node$type == NODE_BEGIN) {
    flow_params <- flow_frame(depth)$params
    for (p in returns) set_port_value(depth, p, flow_params[[p$name]])
  } else {
    names_of <- function(ports) vapply(ports, function(p) p$name, "")
    dynamic_returns <- names_of(Filter(function(p) isTRUE(p$dynamic), returns))
    params$.dynamicInputs <- names(dynamic)
    params$.dynamicReturns <- dynamic_returns
    params$.dynamicBranches <- names_of(Filter(function(p) isTRUE(p$dynamic), branches))
    res <- concerto.test.run(node$source_test_id, params, extraReturns = dynamic_returns)
    for (p in returns) set_port_value(depth, p, res[[p$name]])
    branch <- res[[".branch"]]
  }
  next_node(node, branches, branch)
}

next_node <- function(node, branches, branch) {
  exits <- node$exits
  if (length(branches)) {
    chosen <- !is.null(branch) && length(branch) == 1 && !is.na(branch)
    pick <- if (chosen) Filter(function(p) p$name == as.character(branch), branches) else branches[1]
    if (!length(pick)) return(NULL)
    via <- Filter(function(cn) !is.na(cn$source_port_id) && cn$source_port_id == pick[[1]]$id, exits)
    if (length(via)) return(via[[1]]$destination_node_id)
    if (chosen) return(NULL)
  }
  bare <- Filter(function(cn) is.na(cn$source_port_id), exits)
  if (length(bare)) bare[[1]]$destination_node_id else NULL
}

# catR's randomCAT (catR 3.17 arguments, defaults, and a list of class
# "cat" as its value) on the engine's simulated test
# (mod_concerto/cat/simulate.c, through src/concerto_cat.c). The four
# option lists are completed with catR's defaults, checked and coded here.

start_defaults <- list(fixItems = NULL, seed = NULL, nrItems = 1, theta = 0, D = 1,
                       randomesque = 1, random.seed = NULL, startSelect = "MFI",
                       cb.control = FALSE, random.cb = NULL)
test_defaults <- list(method = "BM", priorDist = "norm", priorPar = c(0, 1), weight = "Huber",
                      tuCo = 1, sem.type = "classic", sem.exact = FALSE, se.ase = 10,
                      range = c(-4, 4), D = 1, parInt = c(-4, 4, 33), itemSelect = "MFI",
                      infoType = "observed", randomesque = 1, random.seed = NULL, AP = 1,
                      proRule = "length", proThr = 20, constantPatt = NULL)
stop_defaults <- list(rule = "length", thr = 20, alpha = 0.05)
final_defaults <- list(method = "BM", priorDist = "norm", priorPar = c(0, 1), weight = "Huber",
                       tuCo = 1, sem.type = "classic", sem.exact = FALSE, range = c(-4, 4),
                       D = 1, parInt = c(-4, 4, 33), alpha = 0.05)

# The engine's codes, in the order of its enums (cc_criterion,
# cc_start_select, cc_stop_rule).
item_criteria <- c("MFI", "bOpt", "thOpt", "MLWI", "MPWI", "MEI", "MEPV", "KL", "KLP", "GDI",
                   "GDIP", "random", "progressive", "proportional")
start_selections <- c("MFI", "bOpt", "thOpt", "progressive", "proportional")
stop_rules <- c("length", "precision", "classification", "minInfo")

# An option list with every element catR knows (missing ones take the
# default); unknown names are refused, as catR's testList does.
complete_list <- function(given, defaults, what) {
  if (is.null(given)) given <- list()
  if (!is.list(given))
    stop("randomCAT: ", what, " must be a list of options", call. = FALSE)
  if (length(given) && (is.null(names(given)) || any(names(given) == "")))
    stop("randomCAT: every element of ", what, " needs a name", call. = FALSE)
  unknown <- setdiff(names(given), names(defaults))
  if (length(unknown))
    stop("randomCAT: ", paste0("'", unknown, "'", collapse = ", "), " is not an option of the ",
         what, " list (options: ", paste(names(defaults), collapse = ", "), ")", call. = FALSE)
  for (k in names(defaults))
    if (is.null(given[[k]])) given[k] <- list(defaults[[k]])
  given[names(defaults)]
}

# A seed as the engine takes it: NA means "draw one from R's generator".
seed_value <- function(seed, what) {
  if (is.null(seed) || (length(seed) == 1L && is.na(seed))) return(NA_real_)
  if (!is.numeric(seed) || length(seed) != 1L || !is.finite(seed))
    stop("randomCAT: ", what, " must be NULL or a number", call. = FALSE)
  as.double(round(seed))
}

whole <- function(v, what, lowest = 0) {
  if (!is.numeric(v) || length(v) != 1L || !is.finite(v) || v != floor(v) || v < lowest)
    stop("randomCAT: ", what, " must be a whole number of at least ", lowest, call. = FALSE)
  as.double(v)
}

# Random start items (start$seed given): drawn with R's generator, seeded
# by start$seed (NA: the current stream), among the available items in
# bank order, as catR documents. The caller's stream is restored after a
# seeded draw.
draw_start_items <- function(seed, n, pool) {
  if (n > length(pool))
    stop("randomCAT: start$nrItems (", n, ") is more than the ", length(pool),
         " available items", call. = FALSE)
  if (!is.na(seed)) {
    env <- globalenv()
    had <- exists(".Random.seed", envir = env, inherits = FALSE)
    old <- if (had) get(".Random.seed", envir = env, inherits = FALSE)
    on.exit(if (had) assign(".Random.seed", old, envir = env) else
      rm(".Random.seed", envir = env))
    set.seed(seed)
  }
  pool[sample.int(length(pool), n)]
}

# list(fixed items (0-based), start abilities, c(random, seed, nrItems, D,
# randomesque, random.seed, startSelect)) in src/concerto_cat.c's order.
# Random start items are drawn here and passed as fixed ones.
code_start <- function(start, n_items, avail, cb) {
  fix <- start$fixItems
  if (!is.null(fix)) {
    fix <- as.integer(fix)
    if (anyNA(fix) || any(fix < 1L | fix > n_items))
      stop("randomCAT: start$fixItems must be item numbers of the bank (1 to ", n_items, ")",
           call. = FALSE)
  } else if (!is.null(start$seed)) {
    pool <- if (is.null(avail)) seq_len(n_items) else which(avail != 0L)
    fix <- draw_start_items(seed_value(start$seed, "start$seed"),
                            whole(start$nrItems, "start$nrItems"), pool)
  }
  if (cb && isTRUE(start$cb.control))
    stop("randomCAT: content balancing of the starting items (start$cb.control) is not ",
         "supported; the adaptive items are balanced", call. = FALSE)
  theta <- number(start$theta, "start$theta", length(start$theta))
  list(fix = if (is.null(fix)) integer(0) else fix - 1L, theta = theta,
       c(0, NA_real_, whole(start$nrItems, "start$nrItems"), number(start$D, "start$D"),
         whole(start$randomesque, "start$randomesque", 1),
         seed_value(start$random.seed, "start$random.seed"),
         choice(start$startSelect, start_selections, "start$startSelect")))
}

code_test <- function(test) {
  est <- est_vector(test$D, test$method, test$priorDist, test$priorPar, test$weight, test$tuCo,
                    test$range, test$parInt, test$constantPatt)
  list(est, c(choice(test$sem.type, c("classic", "new"), "test$sem.type"),
              as.double(isTRUE(test$sem.exact)), whole(test$se.ase, "test$se.ase"),
              choice(test$itemSelect, item_criteria, "test$itemSelect"),
              choice(test$infoType, c("observed", "Fisher"), "test$infoType"),
              whole(test$randomesque, "test$randomesque", 1), number(test$AP, "test$AP"),
              choice(test$proRule, c("length", "precision"), "test$proRule"),
              number(test$proThr, "test$proThr"),
              seed_value(test$random.seed, "test$random.seed")))
}

code_stop <- function(stop_list, min.length) {
  rule <- stop_list$rule
  if (!is.character(rule) || length(rule) < 1L || anyNA(match(rule, stop_rules)))
    stop("randomCAT: stop$rule must hold one or more of ",
         paste0("\"", stop_rules, "\"", collapse = ", "), call. = FALSE)
  if (!is.numeric(stop_list$thr) || length(stop_list$thr) != length(rule))
    stop("randomCAT: stop$thr must give one threshold per rule, in the order of stop$rule",
         call. = FALSE)
  list(match(rule, stop_rules) - 1L, number(stop_list$thr, "stop$thr", length(rule)),
       c(number(stop_list$alpha, "stop$alpha"), whole(min.length, "min.length")))
}

code_final <- function(final) {
  list(est_vector(final$D, final$method, final$priorDist, final$priorPar, final$weight,
                  final$tuCo, final$range, final$parInt),
       c(choice(final$sem.type, c("classic", "new"), "final$sem.type"),
         as.double(isTRUE(final$sem.exact)), number(final$alpha, "final$alpha")))
}

randomCAT <- function(trueTheta, itemBank, model = NULL, responses = NULL, min.length = 0,
                      a.stratified = NULL, genSeed = NULL, cbControl = NULL, nAvailable = NULL,
                      start = list(fixItems = NULL, seed = NULL, nrItems = 1, theta = 0, D = 1,
                                   randomesque = 1, random.seed = NULL, startSelect = "MFI",
                                   cb.control = FALSE, random.cb = NULL),
                      test = list(method = "BM", priorDist = "norm", priorPar = c(0, 1),
                                  weight = "Huber", tuCo = 1, sem.type = "classic",
                                  sem.exact = FALSE, se.ase = 10, range = c(-4, 4), D = 1,
                                  parInt = c(-4, 4, 33), itemSelect = "MFI",
                                  infoType = "observed", randomesque = 1, random.seed = NULL,
                                  AP = 1, proRule = "length", proThr = 20,
                                  constantPatt = NULL),
                      stop = list(rule = "length", thr = 20, alpha = 0.05),
                      final = list(method = "BM", priorDist = "norm", priorPar = c(0, 1),
                                   weight = "Huber", tuCo = 1, sem.type = "classic",
                                   sem.exact = FALSE, range = c(-4, 4), D = 1,
                                   parInt = c(-4, 4, 33), alpha = 0.05),
                      allTheta = FALSE, save.output = FALSE,
                      output = c("path", "name", "csv")) {
  if (missing(trueTheta)) {
    if (is.null(responses))
      stop("randomCAT: trueTheta is needed unless responses are given", call. = FALSE)
    trueTheta <- NA_real_
  } else if (!is.numeric(trueTheta) || length(trueTheta) != 1L) {
    stop("randomCAT: trueTheta must be a number", call. = FALSE)
  }
  if (!is.null(a.stratified))
    stop("randomCAT: a-stratified sampling (a.stratified) is not supported by this engine",
         call. = FALSE)
  start <- complete_list(start, start_defaults, "start")
  test <- complete_list(test, test_defaults, "test")
  stop_list <- complete_list(stop, stop_defaults, "stop")
  final <- complete_list(final, final_defaults, "final")

  # Content balancing: the bank's last column holds each item's group.
  groups <- NULL
  cbGroup <- NULL
  if (!is.null(cbControl)) {
    if (is.null(dim(itemBank)) || ncol(itemBank) < 2)
      stop("randomCAT: with cbControl, itemBank needs a last column with each item's group",
           call. = FALSE)
    cbGroup <- as.character(itemBank[, ncol(itemBank)])
    itemBank <- itemBank[, -ncol(itemBank), drop = FALSE]
    which <- match(cbGroup, as.character(cbControl$names))
    if (anyNA(which) || !is.numeric(cbControl$props) ||
        length(cbControl$props) != length(cbControl$names) || any(cbControl$props <= 0))
      stop("randomCAT: the groups in itemBank's last column must be among cbControl$names, ",
           "with one positive cbControl$props each", call. = FALSE)
    groups <- list(as.double(cbControl$props), which - 1L)
  }
  bank <- item_matrix(itemBank, "itemBank")
  n_items <- nrow(bank)
  avail <- NULL
  if (!is.null(nAvailable)) {
    if (length(nAvailable) != n_items || anyNA(nAvailable))
      stop("randomCAT: nAvailable must have one 0/1 value per item of the bank", call. = FALSE)
    avail <- as.integer(nAvailable != 0)
  }
  resp <- NULL
  if (!is.null(responses)) {
    if (length(responses) != n_items)
      stop("randomCAT: responses must give one response per item of the bank (", n_items,
           ")", call. = FALSE)
    resp <- responses(responses, n_items, "responses")
  }

  r <- .Call(C_random_cat, bank, model_name(model), as.double(trueTheta), resp,
             if (is.null(resp)) seed_value(genSeed, "genSeed") else NA_real_,
             code_start(start, n_items, avail, !is.null(cbControl)), code_test(test),
             code_stop(stop_list, min.length), code_final(final), avail, groups)
  items <- r[[1]]
  n_start <- r[[10]]
  thetaProv <- r[[3]]
  seProv <- r[[4]]
  # catR estimates after the start items unless allTheta = TRUE.
  if (!isTRUE(allTheta) && n_start > 1L) {
    thetaProv[seq_len(n_start - 1L)] <- NA
    seProv[seq_len(n_start - 1L)] <- NA
  }
  by_theta <- is.null(start$fixItems) && is.null(start$seed) && start$nrItems > 0
  res <- list(trueTheta = trueTheta, model = model, testItems = items,
              itemPar = bank[items, , drop = FALSE],
              itemNames = if (is.null(rownames(bank))) NULL else rownames(bank)[items],
              pattern = r[[2]], thetaProv = thetaProv, seProv = seProv,
              ruleFinal = if (length(r[[8]])) stop_rules[r[[8]] + 1L] else NULL,
              thFinal = r[[5]], seFinal = r[[6]], ciFinal = r[[7]],
              min.length = min.length, a.stratified = a.stratified, genSeed = genSeed,
              startFixItems = start$fixItems, startSeed = start$seed,
              startNrItems = start$nrItems, startTheta = start$theta, startD = start$D,
              startRandomesque = start$randomesque,
              startThStart = if (by_theta) start$theta else NULL,
              startSelect = start$startSelect,
              startCB = !is.null(cbControl) && isTRUE(start$cb.control),
              provMethod = test$method, provDist = test$priorDist, provPar = test$priorPar,
              provWeight = test$weight, provTuCo = test$tuCo, provSemType = test$sem.type,
              provSemExact = test$sem.exact, se.ase = test$se.ase, provRange = test$range,
              provD = if (is.null(model)) test$D else NA,
              itemSelect = test$itemSelect, infoType = test$infoType,
              randomesque = test$randomesque, AP = test$AP,
              constantPattern = test$constantPatt, cbControl = cbControl, cbGroup = cbGroup,
              stopRule = stop_list$rule, stopThr = stop_list$thr, stopAlpha = stop_list$alpha,
              endWarning = r[[9]], finalMethod = final$method, finalDist = final$priorDist,
              finalPar = final$priorPar, finalWeight = final$weight, finalTuCo = final$tuCo,
              finalSemType = final$sem.type, finalSemExact = final$sem.exact,
              finalRange = final$range, finalD = if (is.null(model)) final$D else NA,
              finalAlpha = final$alpha, save.output = save.output, output = output,
              assigned.responses = !is.null(responses))
  if (!is.null(model)) res$infoType <- NULL # catR returns it for dichotomous items only
  class(res) <- "cat"
  if (isTRUE(save.output)) save_cat_output(res, output)
  res
}

# The file save.output writes: output = c(folder or "path" for the working
# directory, file name, "csv" or another type for text). A csv file holds
# the item-by-item table; a text file what print() shows.
save_cat_output <- function(x, output) {
  if (!is.character(output) || length(output) != 3L)
    stop("randomCAT: output must be c(folder, name, type)", call. = FALSE)
  csv <- output[3] == "csv"
  file <- paste0(output[2], if (csv) ".csv" else ".txt")
  if (output[1] != "path") file <- file.path(output[1], file)
  lines <- if (csv) {
    c("item,response,theta,se",
      paste(x$testItems, x$pattern, x$thetaProv, x$seProv, sep = ","))
  } else {
    format_cat(x)
  }
  writeLines(lines, file)
  invisible(file)
}

fmt <- function(v, digits = 4) ifelse(is.na(v), "NA", formatC(v, digits = digits, format = "f"))

# The report print() shows, as lines of text.
format_cat <- function(x) {
  n <- length(x$testItems)
  what <- if (is.null(x$model)) "dichotomous items" else paste(x$model, "items")
  start <- if (!is.null(x$startFixItems)) {
    paste("fixed items", paste(x$startFixItems, collapse = ", "))
  } else if (!is.null(x$startSeed)) {
    paste(x$startNrItems, "random item(s)")
  } else if (x$startNrItems == 0) {
    "none (first item chosen adaptively)"
  } else {
    paste0(x$startSelect, " at theta = ", paste(x$startTheta, collapse = ", "))
  }
  rules <- paste0(x$stopRule, " (", x$stopThr, ")", collapse = " or ")
  table <- data.frame(item = x$testItems, response = x$pattern, theta = fmt(x$thetaProv),
                      se = fmt(x$seProv))
  if (!is.null(x$itemNames)) table$name <- x$itemNames
  c("Simulated adaptive test (catR-compatible randomCAT, mod_concerto engine)",
    paste0("  ", n, " ", what, "; true ability ", fmt(x$trueTheta),
           if (x$assigned.responses) " (responses given)" else ""),
    paste0("  start: ", start),
    paste0("  provisional estimates: ", x$provMethod, "; item selection: ", x$itemSelect,
           if (x$randomesque > 1) paste0(" (randomesque ", x$randomesque, ")") else ""),
    paste0("  stop: ", rules, if (x$min.length > 0) paste0(", at least ", x$min.length,
                                                             " items") else ""),
    "", text_table(table), "",
    if (is.null(x$ruleFinal)) {
      "  Stopped because no item was left to give (no rule was met)."
    } else {
      paste0("  Stopped by: ", paste(x$ruleFinal, collapse = ", "))
    },
    paste0("  Final estimate (", x$finalMethod, "): ", fmt(x$thFinal), ", SE ", fmt(x$seFinal)),
    paste0("  ", 100 * (1 - x$finalAlpha), "% confidence interval: [", fmt(x$ciFinal[1]), ", ",
           fmt(x$ciFinal[2]), "]"))
}

# A data frame as aligned text lines (base R only).
text_table <- function(df) {
  cells <- rbind(names(df), as.matrix(format(df)))
  width <- apply(nchar(cells), 2, max)
  apply(cells, 1, function(row) paste0("  ", paste(sprintf("%*s", width, row), collapse = "  ")))
}

print.cat <- function(x, ...) {
  writeLines(format_cat(x))
  invisible(x)
}

# catR-compatible functions (catR 3.17 argument names, defaults and return
# values) on the project's C engine. Arguments are checked and coded here;
# src/concerto_cat.c passes them to the engine.

# The item parameters as a numeric matrix (a single item may be a vector).
item_matrix <- function(it, what = "it") {
  if (is.data.frame(it)) it <- as.matrix(it)
  if (is.null(dim(it))) it <- rbind(it)
  if (!is.numeric(it) && !all(is.na(it)))
    stop(what, " must be a numeric matrix of item parameters (one row per item)", call. = FALSE)
  storage.mode(it) <- "double"
  it
}

model_name <- function(model) {
  if (is.null(model)) return("")
  if (!is.character(model) || length(model) != 1L)
    stop("model must be NULL (dichotomous items) or one of \"GRM\", \"MGRM\", \"PCM\", ",
         "\"GPCM\", \"RSM\", \"NRM\"", call. = FALSE)
  model
}

number <- function(v, what, len = 1L) {
  if (!is.numeric(v) || length(v) != len || any(!is.finite(v)))
    stop(what, " must be ", if (len == 1L) "a finite number" else
         paste(len, "finite numbers"), call. = FALSE)
  as.double(v)
}

# 0-based code of a choice, with a clear error naming the argument.
choice <- function(value, choices, what) {
  if (!is.character(value) || length(value) != 1L || !(value %in% choices))
    stop(what, " must be one of ", paste0("\"", choices, "\"", collapse = ", "), call. = FALSE)
  match(value, choices) - 1
}

responses <- function(x, n, what = "x") {
  if (is.null(x)) return(double(0))
  if (!is.numeric(x) && !all(is.na(x)))
    stop(what, " must be a vector of responses (0, 1, ...; NA for missing)", call. = FALSE)
  x <- as.double(x)
  if (any(!is.na(x) & (x != floor(x) | x < 0)))
    stop(what, " must hold categories 0, 1, 2, ... (or NA)", call. = FALSE)
  x
}

# The estimation options in the order src/concerto_cat.c reads them.
est_vector <- function(D, method, priorDist, priorPar, weight, tuCo, range, parInt,
                       constantPatt = NULL, current.th = 0, bRange = c(-2, 2)) {
  cp <- if (is.null(constantPatt)) 0 else
    1 + choice(constantPatt, c("fixed4", "fixed7", "var", "BM", "EAP", "WL"), "constantPatt")
  c(choice(method, c("ML", "BM", "EAP", "WL", "ROB"), "method"),
    choice(priorDist, c("norm", "unif", "Jeffreys"), "priorDist"),
    number(priorPar, "priorPar", 2L), number(D, "D"), number(range, "range", 2L),
    number(parInt, "parInt", 3L), choice(weight, c("Huber", "Tukey"), "weight"),
    number(tuCo, "tuCo"), cp, number(current.th, "current.th"), number(bRange, "bRange", 2L))
}

Pi <- function(th, it, model = NULL, D = 1) {
  it <- item_matrix(it)
  m <- .Call(C_pi, number(th, "th"), it, model_name(model), number(D, "D"))
  names(m) <- c("Pi", "dPi", "d2Pi", "d3Pi")
  # Dichotomous items: P(X = 1), a vector over items, as catR gives it.
  if (is.null(model)) m <- lapply(m, function(v) v[, 2])
  m
}

Ii <- function(th, it, model = NULL, D = 1) {
  it <- item_matrix(it)
  r <- .Call(C_ii, number(th, "th"), it, model_name(model), number(D, "D"))
  names(r) <- c("Ii", "dIi", "d2Ii")
  r
}

Ji <- function(th, it, model = NULL, D = 1) {
  it <- item_matrix(it)
  r <- .Call(C_ji, number(th, "th"), it, model_name(model), number(D, "D"))
  names(r) <- c("Ji", "dJi")
  r
}

OIi <- function(th, it, x, model = NULL, D = 1) {
  it <- item_matrix(it)
  .Call(C_oii, number(th, "th"), it, responses(x, nrow(it)), model_name(model), number(D, "D"))
}

thetaEst <- function(it, x, model = NULL, D = 1, method = "BM", priorDist = "norm",
                     priorPar = c(0, 1), weight = "Huber", tuCo = 1, range = c(-4, 4),
                     parInt = c(-4, 4, 33), constantPatt = NULL, current.th = 0,
                     bRange = c(-2, 2)) {
  it <- item_matrix(it)
  est <- est_vector(D, method, priorDist, priorPar, weight, tuCo, range, parInt, constantPatt,
                    current.th, bRange)
  .Call(C_theta_est, it, responses(x, nrow(it)), model_name(model), est)
}

semTheta <- function(thEst, it, x = NULL, model = NULL, D = 1, method = "BM",
                     priorDist = "norm", priorPar = c(0, 1), weight = "Huber", tuCo = 1,
                     sem.type = "classic", parInt = c(-4, 4, 33), constantPatt = NULL,
                     sem.exact = FALSE, trueTh = NULL, range = c(-4, 4)) {
  it <- item_matrix(it)
  if (!is.null(trueTh))
    stop("semTheta: trueTh (the SE at a true ability with sem.exact) is not supported",
         call. = FALSE)
  if (is.null(x)) {
    # catR needs x only for EAP, ROB, constant patterns and the "new" SE.
    if (method %in% c("EAP", "ROB") || !is.null(constantPatt) || identical(sem.type, "new"))
      stop("semTheta: x (the responses) is required with this method, constantPatt or sem.type",
           call. = FALSE)
    x <- rep(0, nrow(it))
  }
  est <- est_vector(D, method, priorDist, priorPar, weight, tuCo, range, parInt, constantPatt)
  sem <- c(choice(sem.type, c("classic", "new"), "sem.type"), as.double(isTRUE(sem.exact)))
  .Call(C_sem_theta, number(thEst, "thEst"), it, responses(x, nrow(it)), model_name(model),
        est, sem)
}

nextItem <- function(itemBank, model = NULL, theta = 0, out = NULL, x = NULL, criterion = "MFI",
                     method = "BM", priorDist = "norm", priorPar = c(0, 1), D = 1,
                     range = c(-4, 4), parInt = c(-4, 4, 33), infoType = "observed",
                     randomesque = 1, random.seed = NULL, rule = "length", thr = 20,
                     SETH = NULL, AP = 1, nAvailable = NULL, maxItems = 50, cbControl = NULL,
                     cbGroup = NULL) {
  bank <- item_matrix(itemBank, "itemBank")
  n_items <- nrow(bank)
  criteria <- c("MFI", "bOpt", "thOpt", "MLWI", "MPWI", "MEI", "MEPV", "KL", "KLP", "GDI",
                "GDIP", "random", "progressive", "proportional")
  crit <- choice(criterion, criteria, "criterion")
  out <- if (is.null(out)) integer(0) else as.integer(out)
  if (any(is.na(out) | out < 1L | out > n_items) || anyDuplicated(out))
    stop("out must list distinct item numbers of the bank (1 to ", n_items, ")", call. = FALSE)
  if (is.null(x)) {
    if (length(out) > 0 && !(criterion %in% c("MFI", "bOpt", "thOpt", "random", "progressive",
                                              "proportional")))
      stop("nextItem: x (the responses to out) is required with criterion ", criterion,
           call. = FALSE)
    x <- rep(NA_real_, length(out))
  }
  x <- responses(x, length(out))
  if (length(x) != length(out))
    stop("x has ", length(x), " values but out has ", length(out), " items", call. = FALSE)
  if (!is.numeric(randomesque) || length(randomesque) != 1L || randomesque < 1)
    stop("randomesque must be a whole number of at least 1", call. = FALSE)
  est <- est_vector(D, method, priorDist, priorPar, "Huber", 1, range, parInt)
  # At most the bank's size (the engine takes ints).
  sel <- c(crit, choice(infoType, c("observed", "Fisher"), "infoType"),
           floor(min(randomesque, n_items)),
           choice(rule, c("length", "precision"), "rule"), number(thr, "thr"),
           if (is.null(SETH)) NA_real_ else number(SETH, "SETH"), number(AP, "AP"),
           min(number(maxItems, "maxItems"), 1e9))
  avail <- NULL
  if (!is.null(nAvailable)) {
    if (length(nAvailable) != n_items)
      stop("nAvailable must have one 0/1 value per item of the bank", call. = FALSE)
    avail <- as.integer(nAvailable)
  }
  groups <- NULL
  if (!is.null(cbControl)) {
    if (is.null(cbGroup) || length(cbGroup) != n_items)
      stop("cbGroup must give the group of every item when cbControl is set", call. = FALSE)
    which <- match(as.character(cbGroup), as.character(cbControl$names))
    if (anyNA(which) || any(cbControl$props <= 0))
      stop("cbGroup must use the names of cbControl$names, with positive cbControl$props",
           call. = FALSE)
    groups <- list(as.double(cbControl$props), which - 1L)
  }
  if (!is.null(random.seed)) set.seed(random.seed)
  r <- .Call(C_next_item, bank, model_name(model), number(theta, "theta"), out - 1L, x, est,
             sel, avail, groups)
  list(item = as.integer(r[1]), par = bank[r[1], ], info = r[2], criterion = criterion,
       randomesque = randomesque, prior.prop = NA, post.prop = NA, cb.prop = NA)
}

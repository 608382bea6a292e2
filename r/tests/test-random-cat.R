# Ji and randomCAT against values computed here from the formulas and from
# the package's own thetaEst/semTheta/Ii (plain R, no testthat), and their
# refusals of bad input.
library(concerto)

near <- function(a, b, tol = 1e-12) isTRUE(all(abs(a - b) <= tol))
errs <- function(expr, pattern) {
  e <- tryCatch({ expr; NULL }, error = function(e) conditionMessage(e))
  !is.null(e) && grepl(pattern, e)
}

# Ji: P' P'' / (P Q) with the derivatives taken numerically from Pi.
it <- rbind(c(1.0, 0.0, 0.00, 1.00), c(1.5, -1.0, 0.20, 1.00), c(0.8, 1.2, 0.10, 0.95))
for (th in c(-1.3, 0, 0.8)) for (D in c(1, 1.702)) {
  p <- Pi(th, it, D = D)
  j <- Ji(th, it, D = D)
  stopifnot(near(j$Ji, p$dPi * p$d2Pi / (p$Pi * (1 - p$Pi)), 1e-13))
  h <- 1e-5
  num <- (Ji(th + h, it, D = D)$Ji - Ji(th - h, it, D = D)$Ji) / (2 * h)
  stopifnot(near(j$dJi, num, 1e-7))
}
stopifnot(identical(names(Ji(0, it)), c("Ji", "dJi")))
# Polytomous: the sum over categories of P' P'' / P.
grm <- rbind(c(1.2, -1, 0, 1.5), c(0.9, -0.5, 0.8, NA))
pg <- Pi(0.3, grm, model = "GRM")
stopifnot(near(Ji(0.3, grm, model = "GRM")$Ji,
               rowSums(pg$dPi * pg$d2Pi / pg$Pi, na.rm = TRUE), 1e-13))

# randomCAT with responses given: every provisional and final estimate is
# thetaEst/semTheta on the items given so far.
bank <- cbind(a = seq(0.7, 1.9, length.out = 60), b = sin(1:60) * 2.2, c = 0.15, d = 1)
answers <- as.numeric(bank[, "b"] < 0.4)
res <- randomCAT(itemBank = bank, responses = answers,
                 test = list(method = "BM"), final = list(method = "ML"),
                 stop = list(rule = "length", thr = 12))
n <- length(res$testItems)
stopifnot(inherits(res, "cat"), n == 12, !anyDuplicated(res$testItems),
          identical(res$pattern, answers[res$testItems]), identical(res$ruleFinal, "length"),
          !res$endWarning, is.na(res$trueTheta), res$assigned.responses,
          identical(res$itemPar, bank[res$testItems, , drop = FALSE]))
stopifnot(res$testItems[1] == which.max(Ii(0, bank)$Ii))
for (k in seq_len(n)) {
  sub <- bank[res$testItems[seq_len(k)], , drop = FALSE]
  th <- thetaEst(sub, res$pattern[seq_len(k)])
  stopifnot(near(res$thetaProv[k], th, 2e-4),
            near(res$seProv[k], semTheta(res$thetaProv[k], sub, res$pattern[seq_len(k)]), 1e-8))
}
all_items <- bank[res$testItems, , drop = FALSE]
stopifnot(near(res$thFinal, thetaEst(all_items, res$pattern, method = "ML"), 2e-4),
          near(res$ciFinal, res$thFinal + c(-1, 1) * qnorm(0.975) * res$seFinal, 1e-10))
# Each adaptive item is the most informative one left at the last estimate.
for (k in 2:n) {
  info <- Ii(res$thetaProv[k - 1], bank)$Ii
  info[res$testItems[seq_len(k - 1)]] <- -Inf
  stopifnot(res$testItems[k] == which.max(info))
}
out <- capture.output(print(res))
stopifnot(any(grepl("Final estimate \\(ML\\)", out)), any(grepl("Stopped by: length", out)))

# Precision rule, and min.length keeping the test going past it.
p <- randomCAT(0.2, bank, genSeed = 4, stop = list(rule = "precision", thr = 0.5))
k <- length(p$testItems)
stopifnot(identical(p$ruleFinal, "precision"), p$seProv[k] <= 0.5, all(p$seProv[-k] > 0.5))
m <- randomCAT(0.2, bank, genSeed = 4, stop = list(rule = "precision", thr = 0.5),
               min.length = k + 3)
stopifnot(length(m$testItems) == k + 3, identical(m$testItems[seq_len(k)], p$testItems))

# The bank runs out: no rule met, endWarning.
small <- randomCAT(0, bank[1:5, ], genSeed = 2, stop = list(rule = "length", thr = 10))
stopifnot(length(small$testItems) == 5, is.null(small$ruleFinal), small$endWarning)

# Repeatable: set.seed replays a test whose draws no argument fixes.
set.seed(77)
a <- randomCAT(0.4, bank, test = list(randomesque = 3))
set.seed(77)
b <- randomCAT(0.4, bank, test = list(randomesque = 3))
stopifnot(identical(a, b))
# Random start items: R's set.seed(start$seed) and sample(), as catR.
r <- randomCAT(0, bank, genSeed = 1, start = list(seed = 3, nrItems = 2))
set.seed(3)
stopifnot(identical(r$testItems[1:2], sample.int(60, 2)))
# Several start abilities: one start item each; allTheta = FALSE hides
# the estimates before the last start item.
s3 <- randomCAT(0, bank, genSeed = 5, start = list(theta = c(-1, 0, 1)))
stopifnot(all(is.na(s3$thetaProv[1:2])), all(!is.na(s3$thetaProv[-(1:2)])))
s3all <- randomCAT(0, bank, genSeed = 5, start = list(theta = c(-1, 0, 1)), allTheta = TRUE)
stopifnot(!anyNA(s3all$thetaProv), identical(s3all$thetaProv[-(1:2)], s3$thetaProv[-(1:2)]))
# nAvailable: items marked 0 are never given.
avail <- rep(1, 60)
avail[order(-Ii(0, bank)$Ii)[1:10]] <- 0
na_run <- randomCAT(0, bank, genSeed = 3, nAvailable = avail)
stopifnot(all(avail[na_run$testItems] == 1))
# Content balancing: two groups at one half each share a test of 10.
grouped <- data.frame(bank, group = rep(c("x", "y"), each = 30))
cb <- randomCAT(0, grouped, genSeed = 6, cbControl = list(names = c("x", "y"), props = c(1, 1)),
                stop = list(rule = "length", thr = 10))
stopifnot(identical(as.vector(table(cb$cbGroup[cb$testItems])), c(5L, 5L)))
# Polytomous items.
gb <- cbind(seq(0.8, 1.6, length.out = 20), -1 + sin(1:20), 0.3 + cos(1:20) / 2, 1.4)
gb[, 2:4] <- t(apply(gb[, 2:4], 1, sort))
g <- randomCAT(0.5, gb, model = "GRM", genSeed = 8, stop = list(rule = "length", thr = 6))
stopifnot(length(g$testItems) == 6, all(g$pattern %in% 0:3), is.null(g$infoType), is.na(g$provD))
# save.output: the item-by-item table as csv.
dir <- tempfile()
dir.create(dir)
saved <- randomCAT(itemBank = bank, responses = answers, save.output = TRUE,
                   stop = list(rule = "length", thr = 5), output = c(dir, "cat", "csv"))
csv <- read.csv(file.path(dir, "cat.csv"))
stopifnot(identical(csv$item, saved$testItems), near(csv$theta, saved$thetaProv, 1e-12))

# Refusals, with a message that names the problem.
stopifnot(errs(randomCAT(itemBank = bank), "trueTheta"),
          errs(randomCAT(0, bank, test = list(metod = "ML")), "'metod' is not an option"),
          errs(randomCAT(0, bank, a.stratified = 3), "a.stratified"),
          errs(randomCAT(0, bank, responses = c(1, 0)), "one response per item"),
          errs(randomCAT(0, bank, stop = list(rule = "lenght", thr = 5)), "stop\\$rule"),
          errs(randomCAT(0, bank, stop = list(rule = c("length", "precision"), thr = 5)),
               "one threshold per rule"),
          errs(randomCAT(0, bank, start = list(fixItems = 61)), "fixItems"),
          errs(randomCAT(0, gb, model = "GRM", test = list(itemSelect = "bOpt")),
               "dichotomous"),
          errs(randomCAT(0, bank, test = list(method = "XX")), "method"))
cat("concerto randomCAT and Ji: all checks passed\n")

# The catR-compatible functions against values computed here from the
# formulas (plain R, no testthat), and their refusals of bad input.
library(concerto)

near <- function(a, b, tol = 1e-12) isTRUE(all(abs(a - b) <= tol))
errs <- function(expr) inherits(tryCatch(expr, error = function(e) e), "error")

# A 4PL item bank: a, b, c, d.
it <- rbind(c(1.0, 0.0, 0.00, 1.00),
            c(1.5, -1.0, 0.20, 1.00),
            c(0.8, 1.2, 0.10, 0.95),
            c(1.2, 0.5, 0.00, 1.00))
p4 <- function(th, a, b, c, d, D = 1) c + (d - c) / (1 + exp(-D * a * (th - b)))

# Pi: probabilities and the first derivative (logistic: dP = D a (P - c)(d - P) / (d - c)).
for (th in c(-2, 0.3, 1.7)) for (D in c(1, 1.702)) {
  p <- Pi(th, it, D = D)
  want <- p4(th, it[, 1], it[, 2], it[, 3], it[, 4], D)
  stopifnot(near(p$Pi, want, 1e-14))
  dwant <- D * it[, 1] * (want - it[, 3]) * (it[, 4] - want) / (it[, 4] - it[, 3])
  stopifnot(near(p$dPi, dwant, 1e-13))
}
stopifnot(identical(names(Pi(0, it)), c("Pi", "dPi", "d2Pi", "d3Pi")))

# Ii: dP^2 / (P Q), the 2PL case D^2 a^2 P Q.
th <- 0.4
p <- Pi(th, it)
stopifnot(near(Ii(th, it)$Ii, p$dPi^2 / (p$Pi * (1 - p$Pi)), 1e-13))
P1 <- p4(th, 1, 0, 0, 1)
stopifnot(near(Ii(th, it[1, , drop = FALSE])$Ii, P1 * (1 - P1), 1e-15))

# OIi of a 2PL item equals its Fisher information whatever the response.
two_pl <- it[c(1, 4), ]
stopifnot(near(OIi(th, two_pl, c(1, 0)), Ii(th, two_pl)$Ii, 1e-13))

# Polytomous: a GRM item's category probabilities sum to one.
grm <- rbind(c(1.2, -1, 0, 1.5), c(0.9, -0.5, 0.8, NA))
pg <- Pi(0.2, grm, model = "GRM")$Pi
stopifnot(near(rowSums(pg, na.rm = TRUE), c(1, 1), 1e-14), is.na(pg[2, 4]))
Pstar <- function(a, b) 1 / (1 + exp(-a * (0.2 - b)))
stopifnot(near(pg[1, 1], 1 - Pstar(1.2, -1), 1e-14))

# thetaEst ML on Rasch items: the root of sum(x - P) = 0, found here by uniroot.
rasch <- cbind(1, c(-1.5, -0.5, 0, 0.7, 1.4), 0, 1)
x <- c(1, 1, 0, 1, 0)
score <- function(t) sum(x - 1 / (1 + exp(-(t - rasch[, 2]))))
root <- uniroot(score, c(-4, 4), tol = 1e-12)$root
ml <- thetaEst(rasch, x, method = "ML")
stopifnot(near(ml, root, 1e-4))
# semTheta ML: 1 / sqrt(test information) at the estimate.
P <- 1 / (1 + exp(-(ml - rasch[, 2])))
stopifnot(near(semTheta(ml, rasch, x, method = "ML"), 1 / sqrt(sum(P * (1 - P))), 1e-10))
# BM with a N(0, 1) prior: the score minus theta is zero; the SE adds the prior's 1.
bm <- thetaEst(rasch, x)
stopifnot(near(score(bm) - bm, 0, 1e-3))
P <- 1 / (1 + exp(-(bm - rasch[, 2])))
stopifnot(near(semTheta(bm, rasch, x), 1 / sqrt(sum(P * (1 - P)) + 1), 1e-10))
# EAP by the trapezoid rule on catR's grid (-4, 4, 33), computed here.
grid <- seq(-4, 4, length.out = 33)
w <- dnorm(grid) * sapply(grid, function(t) prod(ifelse(x == 1, 0, 1) +
  (2 * x - 1) / (1 + exp(-(t - rasch[, 2])))))
w[c(1, 33)] <- w[c(1, 33)] / 2
stopifnot(near(thetaEst(rasch, x, method = "EAP"), sum(grid * w) / sum(w), 1e-12))
# Missing responses are dropped.
stopifnot(near(thetaEst(rbind(rasch, c(1, 0, 0, 1)), c(x, NA), method = "ML"), ml, 1e-12))
# All correct under ML diverges: catR returns the end of range.
stopifnot(thetaEst(rasch, rep(1, 5), method = "ML") == 4,
          thetaEst(rasch, rep(1, 5), method = "ML", range = c(-6, 6)) == 6)

# nextItem MFI: the item of largest information at theta among those not given.
bank <- cbind(a = c(1, 1.4, 0.7, 1.1, 1.9), b = c(-1, 0.2, 0.5, 1.5, -2), c = 0, d = 1)
info <- Ii(0.3, bank)$Ii
nx <- nextItem(bank, theta = 0.3)
stopifnot(nx$item == which.max(info), near(nx$info, max(info), 1e-15),
          identical(nx$par, bank[which.max(info), ]), nx$criterion == "MFI")
nx2 <- nextItem(bank, theta = 0.3, out = which.max(info), x = 1)
info[which.max(info)] <- -Inf
stopifnot(nx2$item == which.max(info))
# bOpt: the closest difficulty.
stopifnot(nextItem(bank, theta = 1.2, criterion = "bOpt")$item == 4)
# nAvailable removes items.
stopifnot(nextItem(bank, theta = 0.3, nAvailable = c(1, 0, 1, 1, 1))$item != 2)
# Content balancing: group A has had no item yet, so its best item is taken.
cb <- cbind(a = c(1, 1.5, 1, 2), b = c(0, 0.1, -0.2, 0.05), c = 0, d = 1)
stopifnot(nextItem(cb, out = 2, x = 1, cbControl = list(names = c("A", "B"), props = c(0.5, 0.5)),
                   cbGroup = c("A", "B", "A", "B"))$item == 1)
# random: reproducible under set.seed, always an available item.
set.seed(5); r1 <- nextItem(bank, criterion = "random", out = c(1, 2))$item
set.seed(5); r2 <- nextItem(bank, criterion = "random", out = c(1, 2))$item
stopifnot(r1 == r2, r1 %in% 3:5)

# Bad input is refused with an error, never a crash.
stopifnot(errs(Pi(0, it, model = "XYZ")), errs(Pi(NA, it)),
          errs(thetaEst(rasch, c(1, 2, 0, 1, 0))),   # 2 is not a 0/1 response
          errs(thetaEst(rasch, x[1:3])),              # one response per item
          grepl("has 5 items", tryCatch(OIi(0, rasch, 1), error = conditionMessage)),
          errs(thetaEst(rasch, x, method = "MAP")),
          errs(thetaEst(cbind(1, 0, 0.5, 0.4), 1)),   # c above d
          errs(nextItem(bank, out = 9)),
          errs(nextItem(bank, criterion = "KL", out = 1)),  # KL needs the responses
          errs(nextItem(cbind(1.2, -1, 0, 1.5), model = "GRM", criterion = "bOpt")),
          errs(semTheta(0, rasch, method = "EAP")))
cat("concerto catR-compatible functions: all checks passed\n")

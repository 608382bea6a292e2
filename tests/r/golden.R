# The package's catR-compatible functions against catR 3.17's own numbers
# (../shared/golden/catr, read from the R file tests/r/golden_to_r.py writes),
# with the tolerances of the golden README. Records tagged "quirk" (catR
# drops the factor D in PCM/GPCM/RSM derivatives; the engine does not) are
# skipped. Prints one line per failure and ends with "N passed, M failed".
#
# Usage: Rscript tests/r/golden.R GOLDEN_DATA.R   (the package installed)
suppressPackageStartupMessages(library(concerto))
source(commandArgs(trailingOnly = TRUE)[1])

passed <- 0L
failed <- 0L
skipped <- 0L
check <- function(name, ok, detail = "") {
  if (isTRUE(ok)) {
    passed <<- passed + 1L
  } else {
    failed <<- failed + 1L
    cat("FAIL", name, detail, "\n")
  }
}
# got and want agree: the same NA positions, |got - want| <= abs + rel |want|
# (Inf only equal to Inf).
near <- function(got, want, abs, rel = 0) {
  got <- as.double(got)
  want <- as.double(want)
  if (length(got) != length(want) || any(is.na(got) != is.na(want))) return(FALSE)
  ok <- !is.na(want)
  inf <- ok & is.infinite(want)
  all(got[inf] == want[inf]) &&
    all(abs(got[ok & !inf] - want[ok & !inf]) <= abs + rel * abs(want[ok & !inf]))
}
worst <- function(got, want) {
  d <- suppressWarnings(max(abs(as.double(got) - as.double(want)), na.rm = TRUE))
  sprintf("(largest difference %.3g)", d)
}
rows <- function(r) do.call(rbind, lapply(r, function(v) as.double(unlist(lapply(v, function(e)
  if (is.null(e)) NA else e)))))
bank <- function(name) rows(golden_banks$banks[[name]]$par)
fails <- function(expr) inherits(tryCatch(expr, error = function(e) e), "error")

# Pi --------------------------------------------------------------------
for (s in golden_pi$sets) {
  if (!is.null(s$quirk)) { skipped <- skipped + 1L; next }
  par <- bank(s$bank)
  for (r in s$results) {
    got <- Pi(r$theta, par, s$catR_model, s$D)
    id <- sprintf("Pi %s D=%g theta=%g", s$bank, s$D, r$theta)
    want <- if (is.null(s$catR_model)) lapply(r[c("P", "dP", "d2P", "d3P")], as.double) else
      lapply(r[c("P", "dP", "d2P", "d3P")], rows)
    tolP <- if (abs(r$theta) >= 40) 2e-10 else 1e-14
    check(paste(id, "P"), near(got$Pi, want$P, tolP), worst(got$Pi, want$P))
    for (k in 2:4)
      check(paste(id, names(want)[k]), near(got[[k]], want[[k]], 1e-12), worst(got[[k]], want[[k]]))
  }
}

# Ii, OIi ----------------------------------------------------------------
for (s in golden_info$sets) {
  if (!is.null(s$quirk)) { skipped <- skipped + 1L; next }
  par <- bank(s$bank)
  for (r in s$results) {
    id <- sprintf("Ii %s D=%g theta=%g", s$bank, s$D, r$theta)
    got <- Ii(r$theta, par, s$catR_model, s$D)
    check(paste(id, "Ii"), near(got$Ii, r$Ii, 1e-13, 1e-10), worst(got$Ii, r$Ii))
    check(paste(id, "dIi"), near(got$dIi, r$dIi, 1e-11, 1e-9), worst(got$dIi, r$dIi))
    check(paste(id, "d2Ii"), near(got$d2Ii, r$d2Ii, 1e-11, 1e-9), worst(got$d2Ii, r$d2Ii))
    check(paste(id, "test info"), near(sum(got$Ii), r$test_info, 1e-13, 1e-10))
    # The engine's OIi differs from catR's where P(x) < 1e-6 (far out:
    # mod_concerto/cat/model.h), so the saturated abilities are left out.
    if (abs(r$theta) < 40) {
      oi <- OIi(r$theta, par, s$x_for_OIi, s$catR_model, s$D)
      check(sub("^Ii", "OIi", id), near(oi, r$OIi, 1e-9, 1e-8), worst(oi, r$OIi))
    }
  }
}

# thetaEst, semTheta -----------------------------------------------------
for (cs in golden_theta_est$cases) {
  if (!is.null(cs$quirk)) { skipped <- skipped + 1L; next }
  par <- rows(cs$par)
  x <- as.double(unlist(lapply(cs$x, function(e) if (is.null(e)) NA else e)))
  model <- cs$catR_model
  for (r in cs$results) {
    id <- sprintf("thetaEst %s %s", cs$id, r$label)
    call_est <- function() thetaEst(par, x, model, r$D, r$method, r$priorDist, r$priorPar,
                                    r$weight, r$tuCo, r$range, r$parInt)
    if (!isTRUE(r$ok)) {
      check(paste(id, "refused as catR refuses"), fails(call_est()))
      next
    }
    th <- call_est()
    if (!isTRUE(r$degenerate))
      check(id, near(th, r$theta, 1e-4), sprintf("got %.10g, catR %.10g", th, r$theta))
    se_call <- function(type = "classic", exact = FALSE)
      semTheta(r$theta, par, x, model, r$D, r$method, r$priorDist, r$priorPar, r$weight,
               r$tuCo, sem.type = type, parInt = r$parInt, sem.exact = exact, range = r$range)
    if (!is.null(r$se)) {
      se <- se_call()
      # Tukey ROB with one item: catR's SE is NaN (0/0), the engine's Inf
      # (no information), as mod_concerto/cat documents.
      if (isTRUE(r$degenerate) && is.nan(r$se)) r$se <- Inf
      check(sub("thetaEst", "semTheta", id), near(se, r$se, 0, 1e-10),
            sprintf("got %.15g, catR %.15g", se, r$se))
    }
    # catR's "new" SE with WL and D != 1 is not the engine's (the unit tests
    # of mod_concerto/cat bound that difference to 1e-2): left out here.
    if (!is.null(r$se_new) && !(r$method == "WL" && r$D != 1)) {
      se <- se_call("new")
      check(sub("thetaEst", "semTheta(new)", id), near(se, r$se_new, 0, 1e-10),
            sprintf("got %.15g, catR %.15g", se, r$se_new))
    }
    if (!is.null(r$se_exact)) {
      # catR estimates each pattern's EAP on its default grid whatever
      # parInt is; the other methods' estimates come from uniroot (tol
      # 1.2e-4), hence the wider tolerance there.
      if (r$method == "EAP") r$parInt <- c(-4, 4, 33)
      se <- se_call(exact = TRUE)
      check(sub("thetaEst", "semTheta(exact)", id),
            near(se, r$se_exact, 0, if (r$method == "EAP") 1e-10 else 1e-4),
            sprintf("got %.15g, catR %.15g", se, r$se_exact))
    }
  }
}
for (cp in golden_theta_est$constant_patterns) {
  par <- bank(cp$bank)[as.integer(cp$items), , drop = FALSE]
  id <- sprintf("thetaEst constantPatt=%s x=%d", cp$constantPatt, cp$x[[1]])
  th <- tryCatch(thetaEst(par, as.double(cp$x), method = cp$method, constantPatt = cp$constantPatt,
                          current.th = cp$current_th, bRange = as.double(cp$bRange)),
                 error = function(e) NA)
  if (isTRUE(cp$theta_ok)) check(id, near(th, cp$theta, 1e-4), sprintf("got %.10g", th))
}

# nextItem ---------------------------------------------------------------
for (sc in golden_next_item$scenarios) {
  if (!is.null(sc$quirk)) { skipped <- skipped + 1L; next }
  par <- bank(sc$bank)
  out <- as.integer(unlist(sc$out))
  x <- as.double(unlist(sc$x))
  for (r in sc$results) {
    o <- r$options
    id <- sprintf("nextItem %s %s", sc$id, r$label)
    call_next <- function() {
      set.seed(r$rng_preseed)
      nextItem(par, sc$catR_model, sc$theta, if (length(out)) out, if (length(out)) x,
               r$criterion, o$method, o$priorDist, o$priorPar, o$D, o$range, o$parInt,
               o$infoType, r$randomesque, r$random.seed, o$rule, o$thr, o$SETH, o$AP,
               maxItems = o$maxItems)
    }
    if (!isTRUE(r$ok)) {
      check(paste(id, "refused as catR refuses"), fails(call_next()))
      next
    }
    res <- call_next()
    if (r$randomesque > 1) {
      check(paste(id, "item among the best"), res$item %in% unlist(r$candidates))
      next
    }
    if (r$criterion %in% c("random", "progressive", "proportional")) {
      # R's generator, seeded as catR's was, gives catR's draws; only
      # proportional selection with equal probabilities depends on R's sort.
      tie <- r$criterion == "proportional" && length(unique(signif(unlist(r$rng$prob_select), 12))) <
        length(unlist(r$rng$prob_select))
      if (!tie) check(id, res$item == r$item, sprintf("got %d, catR %d", res$item, r$item))
      next
    }
    tol <- if (r$criterion == "MEI") 1e-4 else 1e-9
    check(paste(id, "info"), near(res$info, r$info, 1e-15, tol),
          sprintf("got %.15g, catR %.15g", res$info, r$info))
    if (is.null(r$best$rel_gap) || r$best$rel_gap > tol)
      check(paste(id, "item"), res$item == r$item, sprintf("got %d, catR %d", res$item, r$item))
  }
}

cat(sprintf("golden: %d record sets skipped (catR quirk 1, D != 1)\n", skipped))
cat(sprintf("%d passed, %d failed\n", passed, failed))
quit(status = if (failed == 0L) 0L else 1L)

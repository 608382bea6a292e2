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
    ji <- Ji(r$theta, par, s$catR_model, s$D)
    check(sub("^Ii", "Ji", id), near(ji$Ji, r$Ji, 1e-13, 1e-10), worst(ji$Ji, r$Ji))
    check(sub("^Ii", "dJi", id), near(ji$dJi, r$dJi, 1e-11, 1e-9), worst(ji$dJi, r$dJi))
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

# randomCAT ----------------------------------------------------------------
# Tolerances as for the engine's own replay (tests/unit/check_cat_simulate.c):
# EAP theta and SE abs 1e-12; other thetas abs 1e-4 (catR's uniroot); other
# SEs, at our theta, rel 1e-4; the CI as theta plus z times the SE.
unl <- function(v) as.double(unlist(lapply(v, function(e) if (is.null(e)) NA else e)))
theta_near <- function(method, got, want) near(got, want, if (method == "EAP") 1e-12 else 1e-4)
se_near <- function(method, got, want)
  if (method == "EAP") near(got, want, 1e-12) else near(got, want, 0, 1e-4)
ci_near <- function(method, got, want, se)
  near(got, want, if (method == "EAP") 1e-12 * 3 else 1e-4 + 1.96 * 1e-4 * se)
method_of <- function(l) if (is.null(l$method)) "BM" else l$method
cat_fields <- c("trueTheta", "model", "testItems", "itemPar", "itemNames", "pattern",
                "thetaProv", "seProv", "ruleFinal", "thFinal", "seFinal", "ciFinal",
                "endWarning", "provMethod", "itemSelect", "stopRule", "finalMethod",
                "assigned.responses")
rc_designs <- 0L
before_rc <- passed + failed
for (cs in golden_random_cat$cats) {
  par <- bank(cs$bank)
  res <- cs$result
  id <- paste("randomCAT", cs$id)
  tm <- method_of(cs$test)
  fm <- method_of(cs$final)
  want_items <- as.integer(unl(res$testItems))
  want_pattern <- unl(res$pattern)
  args <- list(trueTheta = cs$trueTheta, itemBank = par, model = cs$catR_model, start = cs$start,
               test = cs$test, stop = cs$stop, final = cs$final, allTheta = TRUE)
  if (isTRUE(cs$rng_dependent)) {
    # catR's own draws (R's sample() for randomesque, genPattern's rbinom
    # for the responses) cannot be reproduced by the engine's generator.
    # What is checked: the random start items (R's set.seed(start$seed)
    # and sample(), as catR documents), the shape of our run of the same
    # design (length, rule, randomesque choices among the 3 most
    # informative items at our provisional theta, replay from the same
    # seeds), and catR's provisional and final estimates recomputed by
    # thetaEst/semTheta from the items and responses catR recorded.
    args$genSeed <- cs$genSeed
    set.seed(1)
    got <- do.call(randomCAT, args)
    n_start <- cs$n_start_items
    check(paste(id, "random start items as catR's"),
          identical(got$testItems[seq_len(n_start)], want_items[seq_len(n_start)]),
          sprintf("got %s, catR %s", paste(got$testItems[seq_len(n_start)], collapse = " "),
                  paste(want_items[seq_len(n_start)], collapse = " ")))
    check(paste(id, "length and rule as catR's"),
          length(got$testItems) == length(want_items) && identical(got$ruleFinal, "length") &&
            !anyDuplicated(got$testItems) && all(got$pattern %in% c(0, 1)) &&
            identical(got$endWarning, FALSE))
    k_rand <- cs$test$randomesque
    among <- vapply(seq(n_start + 1L, length(got$testItems)), function(k) {
      info <- Ii(got$thetaProv[k - 1L], par)$Ii
      info[got$testItems[seq_len(k - 1L)]] <- -Inf
      got$testItems[k] %in% order(info, decreasing = TRUE)[seq_len(k_rand)]
    }, NA)
    check(paste(id, "each adaptive item among the", k_rand, "most informative"), all(among),
          sprintf("%d of %d", sum(among), length(among)))
    set.seed(2)
    again <- do.call(randomCAT, args)
    check(paste(id, "the same seeds give the same test"),
          identical(again[c("testItems", "pattern", "thetaProv")],
                    got[c("testItems", "pattern", "thetaProv")]))
    th <- se <- double(length(want_items))
    for (k in seq_along(want_items)) {
      sub_par <- par[want_items[seq_len(k)], , drop = FALSE]
      th[k] <- thetaEst(sub_par, want_pattern[seq_len(k)], method = tm)
      se[k] <- semTheta(th[k], sub_par, want_pattern[seq_len(k)], method = tm)
    }
    check(paste(id, "catR's thetaProv from its items and responses"),
          theta_near(tm, th, unl(res$thetaProv)), worst(th, unl(res$thetaProv)))
    check(paste(id, "catR's seProv from its items and responses"),
          se_near(tm, se, unl(res$seProv)), worst(se, unl(res$seProv)))
    all_par <- par[want_items, , drop = FALSE]
    thf <- thetaEst(all_par, want_pattern, method = fm)
    sef <- semTheta(thf, all_par, want_pattern, method = fm)
    check(paste(id, "catR's thFinal, seFinal, ciFinal from its items and responses"),
          theta_near(fm, thf, res$thFinal) && se_near(fm, sef, res$seFinal) &&
            ci_near(fm, thf + c(-1, 1) * qnorm(0.975) * sef, unl(res$ciFinal), sef),
          sprintf("got %.10g (%.10g), catR %.10g (%.10g)", thf, sef, res$thFinal, res$seFinal))
    next
  }
  rc_designs <- rc_designs + 1L
  args$responses <- unl(cs$responses)
  got <- do.call(randomCAT, args)
  check(paste(id, "a list of class cat"),
        inherits(got, "cat") && all(cat_fields %in% names(got)) &&
          identical(unname(got$itemPar), unname(par[got$testItems, , drop = FALSE])))
  # A near-tie (fragile step) may go either way; the rest of that test
  # then differs and is not compared.
  same <- length(got$testItems) == length(want_items) && all(got$testItems == want_items)
  if (!same) {
    first <- which(got$testItems[seq_along(want_items)] != want_items)[1]
    sel <- cs$steps[[first]]$selection
    check(paste(id, "items as catR's"), !is.null(sel) && isTRUE(sel$fragile),
          sprintf("first difference at step %d: got %d, catR %d", first, got$testItems[first],
                  want_items[first]))
    next
  }
  check(paste(id, "items as catR's"), TRUE)
  check(paste(id, "pattern"), identical(got$pattern, want_pattern))
  check(paste(id, "thetaProv"), theta_near(tm, got$thetaProv, unl(res$thetaProv)),
        worst(got$thetaProv, unl(res$thetaProv)))
  check(paste(id, "seProv"), se_near(tm, got$seProv, unl(res$seProv)),
        worst(got$seProv, unl(res$seProv)))
  check(paste(id, "thFinal"), theta_near(fm, got$thFinal, res$thFinal),
        sprintf("got %.15g, catR %.15g", got$thFinal, res$thFinal))
  check(paste(id, "seFinal"), se_near(fm, got$seFinal, res$seFinal),
        sprintf("got %.15g, catR %.15g", got$seFinal, res$seFinal))
  check(paste(id, "ciFinal"), ci_near(fm, got$ciFinal, unl(res$ciFinal), res$seFinal),
        worst(got$ciFinal, unl(res$ciFinal)))
  check(paste(id, "ruleFinal"), identical(got$ruleFinal, unlist(res$ruleFinal)),
        paste("got", paste(got$ruleFinal, collapse = " ")))
  check(paste(id, "endWarning"), identical(got$endWarning, isTRUE(res$endWarning)))
  # allTheta = FALSE: the estimates during the start items are NA (catR's
  # documented default), the others unchanged.
  n_start <- cs$n_start_items
  args$allTheta <- FALSE
  short <- do.call(randomCAT, args)
  check(paste(id, "allTheta = FALSE"),
        all(is.na(short$thetaProv[seq_len(n_start - 1L)])) &&
          identical(short$thetaProv[n_start:length(want_items)],
                    got$thetaProv[n_start:length(want_items)]))
}
cat(sprintf("golden: randomCAT %d deterministic designs replayed, %d RNG-dependent checked in part\n",
            rc_designs, length(golden_random_cat$cats) - rc_designs))
cat(sprintf("golden: %d checks before randomCAT, %d in randomCAT\n", before_rc, passed + failed - before_rc))

cat(sprintf("golden: %d record sets skipped (catR quirk 1, D != 1)\n", skipped))
cat(sprintf("%d passed, %d failed\n", passed, failed))
quit(status = if (failed == 0L) 0L else 1L)

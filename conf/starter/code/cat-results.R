# cat-results: the last page of r-cat: the estimate, its standard error,
# the number right and a plot of the estimate after each answer (read back
# from r_cat_responses). finalize = TRUE ends the session on this page.

targetSem <- as.numeric(targetSem)
n <- itemsAdministered
history <- concerto.table.query(
  "SELECT theta, sem, score FROM r_cat_responses WHERE session_id = {{session}} ORDER BY id",
  params = list(session = as.numeric(concerto.session.get()$id)))

# Theta +- SEM after each answer as an SVG: a band, a line and one dot per
# answer (filled when right). Values outside [-3, 3] are drawn at the edge.
plot_history <- function(th, se, right) {
  w <- 640; h <- 300; left <- 48; right_margin <- 16; top <- 16; bottom <- 40
  x <- function(i) left + (w - left - right_margin) * if (length(th) > 1) (i - 1) / (length(th) - 1) else 0.5
  y <- function(v) top + (h - top - bottom) * (3 - pmax(-3, pmin(3, v))) / 6
  pts <- function(xs, ys) paste(sprintf("%.1f,%.1f", xs, ys), collapse = " ")
  i <- seq_along(th)
  paste0(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ', w, " ", h, '" role="img" ',
    'aria-labelledby="cc-plot-title cc-plot-desc">',
    '<title id="cc-plot-title">Ability estimate after each question</title>',
    '<desc id="cc-plot-desc">',
    paste(sprintf("question %d: %.2f \u00b1 %.2f", i, th, se), collapse = "; "), "</desc>",
    paste(sprintf('<line class="cc-plot-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>',
                  left, w - right_margin, y(-3:3), y(-3:3)), collapse = ""),
    paste(sprintf('<text class="cc-plot-label" x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>',
                  left - 8, y(-3:3), sub("-", "\u2212", -3:3)), collapse = ""),
    '<polygon class="cc-plot-band" points="', pts(c(x(i), rev(x(i))), c(y(th + se), rev(y(th - se)))), '"/>',
    '<polyline class="cc-plot-line" points="', pts(x(i), y(th)), '"/>',
    paste(sprintf('<circle class="cc-plot-point %s" cx="%.1f" cy="%.1f" r="4.5"/>',
                  ifelse(right > 0, "cc-plot-point-right", "cc-plot-point-wrong"), x(i), y(th)),
          collapse = ""),
    sprintf('<line class="cc-plot-axis" x1="%d" x2="%d" y1="%d" y2="%d"/>',
            left, w - right_margin, h - bottom, h - bottom),
    "</svg>")
}

plot <- if (nrow(history) > 0) {
  plot_history(as.numeric(history$theta), as.numeric(history$sem), as.numeric(history$score))
} else ""
stopReason <- if (sem <= targetSem) {
  sprintf("The test stopped because your result was precise enough (standard error %.2f or less).",
          targetSem)
} else {
  "The test stopped after the largest number of questions it asks."
}

concerto.template.show("cc-results", finalize = TRUE, params = list(
  resultsTitle = "Your result", title = "Numbers and words (R)",
  resultsIntro = paste0("<p>Thank you. This test was run by R code: a flow of three nodes ",
                        "calling catR's nextItem, thetaEst and semTheta. Most people score ",
                        "between &minus;2 and +2; the average is 0.</p>"),
  theta = sprintf("%.2f", theta), sem = sprintf("%.2f", sem),
  totalScore = sum(scores), maxScore = n, itemsAdministered = n,
  stopReasonText = stopReason, plotSvg = plot,
  plotCaption = if (nzchar(plot)) paste("The line is your estimate after each answer; the band is plus or minus one",
                "standard error; filled dots are right answers, hollow dots wrong ones.") else "",
  traitTable = "", footer = ""))

# The check helper of the plain-R test scripts (no testthat): each failed
# check prints a FAIL line; report() prints the counts and sets the exit
# status. Sourced from the repository root.
checks <- 0L
failures <- 0L
check <- function(ok, what) {
  checks <<- checks + 1L
  if (!isTRUE(ok)) {
    failures <<- failures + 1L
    cat("FAIL:", what, "\n")
  }
}
report <- function(script) {
  cat(sprintf("%s: %d checks, %d failed\n", script, checks, failures))
  quit(status = if (failures == 0) 0 else 1)
}

# r-questionnaire: a linear questionnaire in ONE code test: a start page,
# pages of statements with Back and Next, then a feedback page with the
# score. Each concerto.template.show() returns the answers of its page.
# The answers are written only after the last page, so nothing is written
# twice when a page is shown again.

perPage <- as.integer(itemsPerPage)
items <- concerto.table.query("SELECT * FROM {{table}} ORDER BY id",
                              params = list(table = itemTable))
options <- lapply(items$responseOptions, fromJSON)
title <- "Working with numbers (R)"

part <- function(name, values) {
  concerto.template.insertParams(concerto.template.get(name)$html, values)
}
# One statement with its options; `chosen` is the value already chosen or NA.
statement <- function(i, chosen) {
  opts <- options[[i]]$options
  html <- vapply(seq_along(opts), function(k) {
    part("cc-option", list(itemId = items$id[i], optionIndex = k, value = opts[[k]]$value,
                           label = opts[[k]]$label,
                           checked = if (identical(opts[[k]]$value, chosen)) "checked" else ""))
  }, "")
  part("cc-item", list(itemId = items$id[i], question = items$question[i],
                       instructions = if (is.na(items$instructions[i])) "" else items$instructions[i],
                       optionCount = length(opts), options = paste(html, collapse = "\n")))
}

concerto.template.show("cc-start", params = list(
  title = title, startButtonLabel = "Start", footer = "",
  instructions = paste0("<p>", nrow(items), " statements about numbers and calculations, ",
                        perPage, " to a page. Say how much you agree with each; there are no ",
                        "right or wrong answers. You can go back to change an answer.</p>")))

answers <- rep(NA_character_, nrow(items))
pages <- split(seq_len(nrow(items)), ceiling(seq_len(nrow(items)) / perPage))
page <- 1
alert <- ""
while (page <= length(pages)) {
  rows <- pages[[page]]
  response <- concerto.template.show("cc-item-page", params = list(
    title = title, progressText = sprintf("Page %d of %d", page, length(pages)),
    progressValue = page - 1, progressMax = length(pages), alert = alert,
    items = paste(vapply(rows, function(i) statement(i, answers[i]), ""), collapse = "\n"),
    backButton = if (page > 1) part("cc-back-button", list(backButtonLabel = "Back")) else "",
    nextButtonLabel = if (page == length(pages)) "Finish" else "Next", footer = ""))
  for (i in rows) {
    value <- response[[paste0("r", items$id[i])]]
    if (!is.null(value) && nzchar(value)) answers[i] <- value
  }
  alert <- ""
  if (identical(response$buttonPressed, "back")) {
    page <- page - 1
  } else if (anyNA(answers[rows])) {
    alert <- "Please answer every statement on this page before you continue."
  } else {
    page <- page + 1
  }
}

# Score each answer with its item's score map (reverse-keyed items count 4..0).
scoreOf <- function(i) {
  s <- options[[i]]$defaultScore
  for (m in options[[i]]$scoreMap) if (identical(as.character(m$value), answers[i])) s <- m$score
  as.numeric(s)
}
itemScores <- vapply(seq_len(nrow(items)), scoreOf, 0)
score <- sum(itemScores)
maxScore <- 4 * nrow(items)

for (i in seq_len(nrow(items))) {
  concerto.table.query(
    "INSERT INTO r_questionnaire_responses (session_id, item_id, response, score)
     VALUES ({{session}}, {{item}}, '{{response}}', {{score}})",
    params = list(session = as.numeric(concerto.session.get()$id), item = items$id[i],
                  response = answers[i], score = itemScores[i]))
}

share <- score / maxScore
feedback <- if (share >= 0.75) {
  "You feel at ease with numbers: you enjoy them and are confident using them."
} else if (share >= 0.5) {
  "You are fairly comfortable with numbers, though some tasks may still put you off."
} else if (share >= 0.25) {
  "Numbers are not your favourite: you tend to feel unsure when a task involves them."
} else {
  "Working with numbers makes you uneasy. Short, regular practice often helps."
}

concerto.template.show("cc-feedback", finalize = TRUE, params = list(
  resultsTitle = "Your answers", title = title, totalScore = score, maxScore = maxScore,
  feedback = paste0("<p>", feedback, "</p><p>The score adds up your answers, with the ",
                    "two negatively worded statements counted the other way round; higher ",
                    "means a more positive attitude to working with numbers.</p>"),
  footer = ""))

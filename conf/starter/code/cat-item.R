# cat-item: one question of r-cat. Chooses the most informative item at the
# current estimate, shows it, scores the answer, estimates theta and its
# standard error again, stores the answer and branches to `continue` or
# `stop`. Nothing is written before the page is answered, so showing the
# page again (resume, replay) repeats no write.

maxItems <- as.numeric(maxItems)
minItems <- as.numeric(minItems)
targetSem <- as.numeric(targetSem)
D <- as.numeric(scalingConstant)

params <- as.matrix(bank[, c("p1", "p2", "p3", "p4")])
asked <- match(itemIds, bank$id)

# Content balancing: each trait in the proportion it has in the bank.
# randomesque = 3: one of the 3 most informative items, so that not everyone
# gets the same first items (the engine replays R's random numbers exactly
# when the page is answered, so the same item is drawn again then).
traits <- table(bank$trait)
pick <- nextItem(params, theta = theta, out = asked, x = scores, criterion = "MFI",
                 method = "EAP", D = D, randomesque = 3,
                 cbControl = list(names = names(traits), props = as.numeric(traits) / nrow(bank)),
                 cbGroup = bank$trait)
id <- bank$id[pick$item]
item <- concerto.table.query("SELECT * FROM {{table}} WHERE id = {{id}}",
                             params = list(table = itemTable, id = id))
options <- fromJSON(item$responseOptions[1])

# The page: cc-option parts inside a cc-item inside cc-item-page.
part <- function(name, values) {
  concerto.template.insertParams(concerto.template.get(name)$html, values)
}
optionHtml <- vapply(seq_along(options$options), function(k) {
  o <- options$options[[k]]
  part("cc-option", list(itemId = id, optionIndex = k, value = o$value, label = o$label,
                         checked = ""))
}, "")
instructions <- if (is.na(item$instructions[1])) "" else item$instructions[1]
itemHtml <- part("cc-item", list(itemId = id, question = item$question[1],
                                 instructions = instructions, optionCount = length(optionHtml),
                                 options = paste(optionHtml, collapse = "\n")))

# Show it until an answer is chosen.
alert <- ""
repeat {
  response <- concerto.template.show("cc-item-page", params = list(
    title = "Numbers and words (R)",
    progressText = sprintf("Question %d (at most %d)", length(itemIds) + 1, maxItems),
    progressValue = length(itemIds), progressMax = maxItems, alert = alert,
    items = itemHtml, backButton = "", nextButtonLabel = "Next", footer = ""))
  answer <- response[[paste0("r", id)]]
  if (!is.null(answer) && nzchar(answer)) break
  alert <- "Please choose an answer before you continue."
}

# Score it with the item's score map, then estimate again.
score <- as.numeric(options$defaultScore)
for (s in options$scoreMap) {
  if (identical(as.character(s$value), answer)) score <- as.numeric(s$score)
}
itemIds <- c(itemIds, id)
scores <- c(scores, score)
answered <- params[match(itemIds, bank$id), , drop = FALSE]
theta <- thetaEst(answered, scores, method = "EAP", D = D)
sem <- semTheta(theta, answered, scores, method = "EAP", D = D)

timeTaken <- suppressWarnings(as.numeric(response$timeTaken))
if (length(timeTaken) != 1 || is.na(timeTaken)) timeTaken <- 0
concerto.table.query(
  "INSERT INTO r_cat_responses (session_id, item_id, response, score, theta, sem, time_taken)
   VALUES ({{session}}, {{item}}, '{{response}}', {{score}}, {{theta}}, {{sem}}, {{time}})",
  params = list(session = as.numeric(concerto.session.get()$id), item = id, response = answer,
                score = score, theta = theta, sem = sem, time = timeTaken))

# Stop when precise enough (after a minimum), at the maximum, or when no item is left.
n <- length(itemIds)
done <- n >= maxItems || n >= nrow(bank) || (n >= minItems && sem <= targetSem)
.branch <- if (done) "stop" else "continue"

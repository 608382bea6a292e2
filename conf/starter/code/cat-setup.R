# cat-setup: the first node of r-cat. Shows the instructions, reads the IRT
# parameters of the item bank (3PL/4PL: a = p1, b = p2, c = p3, d = p4) and
# starts an empty CAT. The returns reach the other nodes through the flow's
# variables (pointer ports) and, for the bank, through a connection.

concerto.template.show("cc-start", params = list(
  title = "Numbers and words (R)", startButtonLabel = "Start the test", footer = "",
  instructions = paste0(
    "<p>Questions about numbers and about the meaning of words, each with four answers. ",
    "After each answer the next question is chosen to suit you, so some will feel easy and ",
    "some hard. You will get between 8 and 20 questions.</p>",
    "<p>This version of the test is written in R, the way Concerto tests are.</p>")))

bank <- concerto.table.query(
  "SELECT id, trait, p1, p2, p3, p4 FROM {{table}} ORDER BY id",
  params = list(table = itemTable)
)
if (nrow(bank) == 0) stop("the item bank ", itemTable, " has no items")
bank$id <- as.numeric(bank$id)
for (p in c("p1", "p2", "p3", "p4")) bank[[p]] <- as.numeric(bank[[p]])
bank$trait <- as.character(bank$trait)

theta <- as.numeric(startTheta)  # estimate before the first answer
sem <- 1                         # the prior's standard deviation
itemIds <- numeric(0)            # ids of the items asked, in order
scores <- numeric(0)             # their scores (1 right, 0 wrong)

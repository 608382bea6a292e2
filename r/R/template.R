# Pages. concerto.template.show() puts a page in front of the participant
# and returns what they submitted: the request ends at the page and the
# next request continues from the saved state (replay.R).

html_escape <- function(s) {
  s <- gsub("&", "&amp;", s, fixed = TRUE)
  s <- gsub("<", "&lt;", s, fixed = TRUE)
  s <- gsub(">", "&gt;", s, fixed = TRUE)
  s <- gsub("\"", "&quot;", s, fixed = TRUE)
  gsub("'", "&#39;", s, fixed = TRUE)
}

param_text <- function(v) {
  if (is.character(v) && length(v) == 1L) return(v)
  if (is.list(v) || is.data.frame(v)) return(toJSON(v))
  insert_value_text(v)
}

# {{template:NAME[,html=false][,css=false][,js=false]}}: the other
# template's css, html and js with the same params.
embedded_template <- function(spec, params, removeMissing, depth) {
  parts <- trimws(strsplit(spec, ",", fixed = TRUE)[[1]])
  t <- concerto.template.get(parts[1])
  off <- function(part) any(tolower(parts[-1]) == paste0(part, "=false"))
  html <- if (off("html")) NULL else t$html
  css <- if (off("css") || !nzchar(t$css)) NULL else t$css
  js <- if (off("js") || !nzchar(t$js)) NULL else t$js
  text <- paste0(if (!is.null(css)) paste0("<style>", css, "</style>"), html,
                 if (!is.null(js)) paste0("<script>", js, "</script>"))
  insert_params(text, params, removeMissing, depth + 1L)
}

INSERT_PATTERN <- "\\{\\{\\{[^{}]*\\}\\}\\}|\\{\\{[^{}]*\\}\\}"

# One pass over the inserts (vectorised where it can be: pages are built
# from many small templates, so this runs often).
insert_params <- function(html, params, removeMissing, depth = 0L) {
  if (is.null(html) || is.na(html) || !grepl("{{", html, fixed = TRUE)) return(html)
  if (depth > 10L) stop("templates embed each other more than 10 deep", call. = FALSE)
  pieces <- split_tokens(html, INSERT_PATTERN)
  if (length(pieces) < 3L) return(html)
  at <- seq(2L, length(pieces), by = 2L)
  tokens <- pieces[at]
  raw <- startsWith(tokens, "{{{")
  inner <- substr(tokens, 3L + raw, nchar(tokens) - 2L - raw)
  inner <- gsub("^\\s+|\\s+$", "", inner)
  out <- tokens
  escape <- logical(length(tokens))
  for (k in seq_along(tokens)) {
    name <- inner[k]
    if (startsWith(name, "template:")) {
      out[k] <- embedded_template(substring(name, 10L), params, removeMissing, depth)
    } else if (startsWith(name, "trans:")) {
      out[k] <- concerto.trans(gsub("^\\s+|\\s+$", "", substring(name, 7L)))
      escape[k] <- !raw[k]
    } else {
      v <- params[[name]]
      if (!is.null(v) && length(v) && !all(is.na(v))) {
        out[k] <- param_text(v)
        escape[k] <- !raw[k]
      } else if (removeMissing) {
        out[k] <- ""
      }
    }
  }
  if (any(escape)) out[escape] <- html_escape(out[escape])
  pieces[at] <- out
  paste(pieces, collapse = "")
}

# Fills {{name}} (HTML-escaped), {{{name}}} (as it is), {{template:NAME}}
# and {{trans:KEY}}; missing names are removed when removeMissing.
concerto.template.insertParams <- function(html, params = list(), removeMissing = TRUE) {
  insert_params(html, params, removeMissing)
}

# <style>css</style> + html + <script>js</script> with inserts (missing
# kept); NULL leaves a part out.
concerto.template.join <- function(html = "", css = "", js = "", templateId = NULL,
                                   params = list()) {
  if (!is.null(templateId)) {
    t <- concerto.template.get(templateId)
    if (!is.null(html) && !nzchar(html)) html <- t$html
    if (!is.null(css) && !nzchar(css)) css <- t$css
    if (!is.null(js) && !nzchar(js)) js <- t$js
  }
  text <- paste0(if (!is.null(css) && nzchar(css)) paste0("<style>", css, "</style>"), html,
                 if (!is.null(js) && nzchar(js)) paste0("<script>", js, "</script>"))
  insert_params(text, params, removeMissing = FALSE)
}

# The page shown while the next one is prepared.
concerto.template.loader <- function(templateId = -1, html = "", head = "", params = list()) {
  .run$st$loader <- render_parts(templateId, html, head, params, TRUE)
  invisible(NULL)
}

# TRUE while the run is going again through pages already answered.
concerto.template.isResponseQueued <- function() {
  .run$replay_pos < length(.run$journal) || !is.null(.run$incoming)
}

has_template <- function(templateId) {
  !is.null(templateId) && length(templateId) == 1 && !is.na(templateId) &&
    !identical(as.character(templateId), "-1") && nzchar(as.character(templateId))
}

render_parts <- function(templateId, html, head, params, removeMissing) {
  parts <- if (has_template(templateId)) concerto.template.get(templateId)[c("html", "head", "css", "js")] else
    list(html = html, head = head, css = "", js = "")
  lapply(parts, function(p) insert_params(if (is.null(p)) "" else p, params, removeMissing))
}

concerto_condition <- function(class, page) {
  structure(class = c(class, "condition"),
            list(message = paste("concerto", class), call = NULL, page = page))
}

# Shows a page and returns the submitted values: a named list with every
# form field (character; several values for a repeated name) and
# submitId, buttonPressed, isTimeout, timeTaken as the page sent them.
# finalize = TRUE: the page is the last one and the test ends here.
concerto.template.show <- function(templateId = -1, html = "", head = "", params = list(),
                                   timeLimit = 0, finalize = FALSE, removeMissingParams = TRUE,
                                   bgWorkers = list(), skipOnResume = FALSE, cookies = list(),
                                   protectedFilesAccess = FALSE, sessionFilesAccess = FALSE) {
  key <- if (has_template(templateId)) paste0("template ", templateId) else "html page"
  if (!finalize && concerto.template.isResponseQueued()) {
    response <- journal_effect("page", key, function() {
      values <- .run$incoming
      .run$incoming <- NULL
      values
    })
    concerto.event.fire("onTemplateSubmit", list(response = response))
    return(response)
  }
  all_params <- concerto.list.merge(.run$st$globalTemplateParams, params)
  concerto.event.fire("onBeforeTemplateShow", list(params = all_params))
  page <- render_parts(templateId, html, head, all_params, removeMissingParams)
  page$params <- all_params
  page$timeLimit <- as.integer(timeLimit)
  page$finalize <- isTRUE(finalize)
  page$cookies <- cookies
  page$sessionFilesAccess <- isTRUE(sessionFilesAccess)
  if (!is.null(.run$st$loader)) page$loader <- .run$st$loader
  stop(concerto_condition(if (isTRUE(finalize)) "concerto_finish" else "concerto_page", page))
}

#!/usr/bin/env python3
"""Render the starter templates with sample data, as the runner will.

    python3 conf/starter/preview.py [OUTDIR]     (default build/starter-preview)

writes start.html, item.html, questionnaire.html, results.html and feedback.html: whole
pages with the CSS inlined, to open in a browser (no network needed). The
renderer here is a reference for the inserts only: `{{name}}` is replaced by
the HTML-escaped value, `{{{name}}}` by the raw value; anything else is left
alone. check.py uses it to make sure every insert the templates use is
filled and that the results are well-formed.

The SVG plot drawn here (plot_svg) is a sketch of what the server should
draw on the results page; see README.md.
"""

import csv
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEMPLATES = os.path.join(HERE, "templates")

INSERT = re.compile(r"\{\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}\}|\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")


def load_templates():
    with open(os.path.join(TEMPLATES, "templates.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    out = {}
    for t in manifest["templates"]:
        entry = dict(t)
        for part in ("html", "css", "js", "head"):
            if t.get(part):
                with open(os.path.join(TEMPLATES, t[part]), encoding="utf-8") as f:
                    entry[part + "_text"] = f.read()
            else:
                entry[part + "_text"] = ""
        out[t["name"]] = entry
    return out


def inserts(text):
    """[(name, raw)] of the inserts in a template, in order."""
    return [(m.group(1) or m.group(2), m.group(1) is not None)
            for m in INSERT.finditer(text)]


def render(text, values, missing=None):
    """Fill `{{name}}` (escaped) and `{{{name}}}` (raw). Names not in values
    are left as they are and, when `missing` is a set, added to it."""
    def sub(m):
        raw = m.group(1) is not None
        name = m.group(1) or m.group(2)
        if name not in values:
            if missing is not None:
                missing.add(name)
            return m.group(0)
        v = "" if values[name] is None else str(values[name])
        return v if raw else html.escape(v, quote=True)
    return INSERT.sub(sub, text)


def read_items(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_settings(slug):
    with open(os.path.join(HERE, "tests.json"), encoding="utf-8") as f:
        spec = json.load(f)
    return next(t for t in spec["tests"] if t["slug"] == slug)["settings"]


def render_item(tpl, item, number, checked=None, missing=None):
    ro = json.loads(item["responseOptions"])
    opts = []
    for k, o in enumerate(ro["options"], start=1):
        opts.append(render(tpl["cc-option"]["html_text"], {
            "itemId": item["id"], "optionIndex": k, "value": o["value"],
            "label": o["label"],
            "checked": "checked" if checked == o["value"] else "",
        }, missing))
    return render(tpl["cc-item"]["html_text"], {
        "itemId": item["id"], "itemNumber": number,
        "question": item["question"], "instructions": item["instructions"],
        "optionCount": len(ro["options"]), "options": "\n".join(opts),
    }, missing)


def plot_svg(thetas, sems, correct, title="Ability estimate after each question"):
    """Theta +- SEM after each item: a band, a line, one dot per item
    (filled = right answer, hollow = wrong)."""
    w, h = 640, 300
    left, right, top, bottom = 48, 16, 16, 40
    n = len(thetas)
    lo, hi = -3.0, 3.0

    def x(i):
        return left + (w - left - right) * (i / max(1, n - 1) if n > 1 else 0.5)

    def y(v):
        v = max(lo, min(hi, v))
        return top + (h - top - bottom) * (hi - v) / (hi - lo)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" '
           'role="img" aria-labelledby="cc-plot-title cc-plot-desc">' % (w, h),
           '<title id="cc-plot-title">%s</title>' % html.escape(title),
           '<desc id="cc-plot-desc">%s</desc>' % html.escape(
               "; ".join("question %d: %.2f \u00b1 %.2f" % (i + 1, t, s)
                         for i, (t, s) in enumerate(zip(thetas, sems))))]
    for v in range(-3, 4):
        out.append('<line class="cc-plot-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>'
                   % (left, w - right, y(v), y(v)))
        out.append('<text class="cc-plot-label" x="%d" y="%.1f" text-anchor="end" '
                   'dominant-baseline="middle">%s</text>'
                   % (left - 8, y(v), ("%+d" % v if v else "0").replace("-", "\u2212")))
    upper = ["%.1f,%.1f" % (x(i), y(t + s)) for i, (t, s) in enumerate(zip(thetas, sems))]
    lower = ["%.1f,%.1f" % (x(i), y(t - s)) for i, (t, s) in enumerate(zip(thetas, sems))]
    out.append('<polygon class="cc-plot-band" points="%s"/>'
               % " ".join(upper + lower[::-1]))
    out.append('<polyline class="cc-plot-line" points="%s"/>'
               % " ".join("%.1f,%.1f" % (x(i), y(t)) for i, t in enumerate(thetas)))
    for i, (t, ok) in enumerate(zip(thetas, correct)):
        out.append('<circle class="cc-plot-point %s" cx="%.1f" cy="%.1f" r="4.5"/>'
                   % ("cc-plot-point-right" if ok else "cc-plot-point-wrong", x(i), y(t)))
        if n <= 30:
            out.append('<text class="cc-plot-label" x="%.1f" y="%d" text-anchor="middle">%d</text>'
                       % (x(i), h - bottom + 18, i + 1))
    out.append('<line class="cc-plot-axis" x1="%d" x2="%d" y1="%d" y2="%d"/>'
               % (left, w - right, h - bottom, h - bottom))
    out.append('<text class="cc-plot-label" x="%d" y="%d" text-anchor="middle">question</text>'
               % ((left + w - right) // 2, h - 4))
    out.append("</svg>")
    return "\n".join(out)


def page(title, tpl, body):
    css = tpl["cc-item-page"]["css_text"]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>%s</title>\n<style>\nbody{margin:0;background:#eef0f4}\n"
            "@media (prefers-color-scheme: dark){body{background:#0b0f17}}\n%s</style>\n"
            "</head>\n<body>\n<main>\n%s\n</main>\n</body>\n</html>\n"
            % (html.escape(title), css, body))


def pages(missing=None):
    """{file name: page HTML} for the sample pages."""
    tpl = load_templates()
    cat = test_settings("demo-cat")
    q = test_settings("number-attitude")
    bank = read_items("demo-cat-items.csv")
    qitems = read_items("questionnaire-items.csv")
    out = {}

    out["start.html"] = render(tpl["cc-start"]["html_text"], {
        "title": cat["title"], "instructions": cat["instructions"],
        "startButtonLabel": cat["startButtonLabel"], "footer": cat["footer"],
    }, missing)

    item = next((r for r in bank if "add up to 7" in r["question"]), bank[0])
    out["item.html"] = render(tpl["cc-item-page"]["html_text"], {
        "title": cat["title"], "progressText": "Question 6 (at most 25)",
        "progressValue": 5, "progressMax": 25,
        "alert": cat["responseRequiredAlert"],
        "items": render_item(tpl, item, 6, missing=missing),
        "backButton": "", "nextButtonLabel": cat["nextButtonLabel"],
        "footer": cat["footer"],
    }, missing)

    items = "\n".join(render_item(tpl, r, n, checked=c, missing=missing)
                      for n, (r, c) in enumerate(zip(qitems[3:6], ["3", None, "1"]), start=4))
    out["questionnaire.html"] = render(tpl["cc-item-page"]["html_text"], {
        "title": q["title"], "progressText": "Page 2 of 3",
        "progressValue": 1, "progressMax": 3, "alert": "",
        "items": items,
        "backButton": render(tpl["cc-back-button"]["html_text"],
                             {"backButtonLabel": q["backButtonLabel"]}, missing),
        "nextButtonLabel": q["nextButtonLabel"], "footer": q["footer"],
    }, missing)

    thetas = [0.52, 0.98, 0.61, 0.95, 0.71, 0.88, 0.79, 0.93, 0.84, 0.90, 0.87]
    sems = [0.93, 0.78, 0.62, 0.55, 0.49, 0.45, 0.42, 0.39, 0.37, 0.36, 0.34]
    right = [1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    rows = "\n".join(render(tpl["cc-trait-row"]["html_text"], v, missing) for v in [
        {"trait": "numeracy", "theta": "0.91", "sem": "0.38", "score": 5, "maxScore": 8},
        {"trait": "vocabulary", "theta": "0.74", "sem": "0.71", "score": 1, "maxScore": 3}])
    out["results.html"] = render(tpl["cc-results"]["html_text"], {
        "resultsTitle": cat["resultsTitle"], "title": cat["title"],
        "resultsIntro": cat["resultsIntro"],
        "theta": "0.87", "sem": "0.34", "totalScore": sum(right),
        "maxScore": len(right), "itemsAdministered": len(right),
        "stopReasonText": "The test stopped because your result was "
                          "precise enough (standard error 0.35 or less).",
        "plotSvg": plot_svg(thetas, sems, right),
        "plotCaption": "Your estimated ability after each question. The "
                       "shaded band is the estimate plus or minus one "
                       "standard error; filled dots are right answers, "
                       "hollow dots wrong ones.",
        "traitTable": render(tpl["cc-trait-table"]["html_text"],
                             {"rows": rows}, missing),
        "footer": cat["footer"],
    }, missing)

    # r-questionnaire's last page (conf/starter/code/r-questionnaire.R).
    out["feedback.html"] = render(tpl["cc-feedback"]["html_text"], {
        "resultsTitle": "Your answers", "title": "Working with numbers (R)",
        "totalScore": 25, "maxScore": 36,
        "feedback": "<p>You are fairly comfortable with numbers, though some tasks may "
                    "still put you off.</p>",
        "footer": "",
    }, missing)
    return {name: page(name, tpl, body) for name, body in out.items()}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "starter-preview")
    os.makedirs(outdir, exist_ok=True)
    missing = set()
    for name, text in pages(missing).items():
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            f.write(text)
    if missing:
        sys.exit("inserts left unfilled: %s" % ", ".join(sorted(missing)))
    print("wrote %s/{start,item,questionnaire,results,feedback}.html" % outdir)


if __name__ == "__main__":
    main()

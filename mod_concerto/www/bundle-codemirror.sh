#!/bin/sh
# The admin pages' code editor: CodeMirror 5 from Debian's libjs-codemirror
# (MIT licensed; its notices stay at the top of each file), joined into one
# codemirror.js (the editor, the R, HTML, CSS and JavaScript modes, bracket
# matching) and one codemirror.css that embed.sh compiles into the module.
# Nothing is downloaded. Without the package the files say so and the admin
# pages fall back to plain text areas.
# Usage: bundle-codemirror.sh OUTDIR CODEMIRROR_DIR
set -eu
out=$1
cm=$2
mkdir -p "$out"
files="lib/codemirror.js mode/r/r.js mode/xml/xml.js mode/javascript/javascript.js
       mode/css/css.js mode/htmlmixed/htmlmixed.js addon/edit/matchbrackets.js"
missing=
for f in $files lib/codemirror.css; do
    [ -f "$cm/$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
    echo "bundle-codemirror.sh: $cm lacks$missing (apt-get install libjs-codemirror);" \
        "the admin pages get plain text areas" >&2
    echo '/* CodeMirror was not found at build time: plain text areas. */' >"$out/codemirror.js.tmp"
    echo '/* CodeMirror was not found at build time. */' >"$out/codemirror.css.tmp"
else
    for f in $files; do
        cat "$cm/$f"
        echo
    done >"$out/codemirror.js.tmp"
    cp "$cm/lib/codemirror.css" "$out/codemirror.css.tmp"
fi
mv "$out/codemirror.js.tmp" "$out/codemirror.js"
mv "$out/codemirror.css.tmp" "$out/codemirror.css"

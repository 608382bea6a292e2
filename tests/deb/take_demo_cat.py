#!/usr/bin/env python3
"""Take the demo-cat test through the runner's JSON API as a participant
would, answering every item with its first option, until the results page
(code 1). Usage: take_demo_cat.py BASE-URL (e.g. http://127.0.0.1:8080/concerto).
Prints the number of items and the final theta; exits 1 on any other answer."""
import json
import sys
import urllib.error
import urllib.request

MAX_ITEMS = 60


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = sys.argv[1].rstrip("/")
    status, r = post(base + "/api/runner/test/demo-cat/session/start", {})
    if status != 200 or r.get("code") != 0:
        sys.exit("demo-cat: start answered %s %r" % (status, r))
    hash_, n = r["hash"], 0
    while r["code"] == 0:
        if n >= MAX_ITEMS:
            sys.exit("demo-cat: not finished after %d items" % n)
        item = r["data"]["templateParams"]["items"][0]
        first = item["responseOptions"]["options"][0]["value"]
        body = {"values": {"r%d" % item["id"]: str(first), "buttonPressed": "next"},
                "token": r["token"], "submitId": "deb-%d" % n}
        status, r = post("%s/api/runner/test/session/%s/submit" % (base, hash_), body)
        if status != 200 or r.get("code") not in (0, 1):
            sys.exit("demo-cat: submit %d answered %s %r" % (n, status, r))
        n += 1
    params = r["data"]["templateParams"]
    if "cc-results" not in r["data"]["templateHtml"]:
        sys.exit("demo-cat: the last page is not the results page")
    print("demo-cat finished after %d items: theta %.3f, SEM %.3f, stop reason %s"
          % (n, params["theta"], params["sem"], params["stopReason"]))


main()

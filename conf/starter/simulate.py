#!/usr/bin/env python3
"""Simulate demo-cat with the project's CAT engine (build/concertoctl cat,
catR's randomCAT) to see how long the test runs and how precise it is.

Optional, not part of check.py: it needs a built `build/concertoctl`.

    python3 conf/starter/simulate.py [--d 1.702] [--n 40] [--concertoctl PATH]

It reads the settings of demo-cat from tests.json (model, D, scoring method,
criterion, randomesque, stopping rules, content balancing), draws simulees at
true theta -2.5 .. 2.5, and prints per true theta the mean test length, the
share of tests stopped by the SEM rule and the mean final SEM and |error|.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=float, default=None,
                    help="override the scaling constant D of tests.json")
    ap.add_argument("--n", type=int, default=40, help="simulees per theta")
    ap.add_argument("--concertoctl",
                    default=os.path.join(ROOT, "build", "concertoctl"))
    args = ap.parse_args()

    with open(os.path.join(HERE, "tests.json"), encoding="utf-8") as f:
        spec = json.load(f)
    test = next(t for t in spec["tests"] if t["slug"] == "demo-cat")
    s = test["settings"]
    table = s["itemBankTable"]["table"]
    csv_name = next(t["csv"] for t in spec["tables"] if t["name"] == table)
    with open(os.path.join(HERE, csv_name), encoding="utf-8",
              newline="") as f:
        rows = list(csv.DictReader(f))
    bank = [[float(r["p%d" % k]) for k in range(1, 5)] for r in rows]
    groups = [r["trait"] for r in rows]
    D = args.d if args.d is not None else s.get("d", 1)
    cb = s.get("contentBalancing") or []

    print("D=%g %s %s randomesque=%d stop: SEM<=%g (min %d items) or %d items"
          % (D, s["scoringMethod"], s["nextItemCriterion"],
             s["nextItemRandomesque"], s["minAccuracy"],
             s["minAccuracyMinItems"], s["itemNumLimit"]))
    print("%6s %8s %8s %9s %8s" % ("theta", "items", "SEMstop", "finalSEM",
                                   "|error|"))
    seed = 1
    for true in [-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5]:
        lengths, sems, errs, prec = [], [], [], 0
        for _ in range(args.n):
            seed += 1
            req = {"fn": "randomCAT", "args": {
                "trueTheta": true, "itemBank": bank, "genSeed": seed,
                "start": {"nrItems": 1, "theta": s.get("startingTheta", 0),
                          "randomesque": s["nextItemRandomesque"], "D": D,
                          "seed": seed},
                "test": {"method": s["scoringMethod"],
                         "itemSelect": s["nextItemCriterion"],
                         "randomesque": s["nextItemRandomesque"], "D": D,
                         "random.seed": seed},
                "stop": {"rule": ["length", "precision"],
                         "thr": [s["itemNumLimit"], s["minAccuracy"]]},
                "final": {"method": s["scoringMethod"], "D": D},
                "min.length": s["minAccuracyMinItems"],
            }}
            if cb:
                req["args"]["cbControl"] = {
                    "names": [c["name"] for c in cb],
                    "props": [c["proportion"] for c in cb]}
                req["args"]["cbGroup"] = groups
            out = subprocess.run([args.concertoctl, "cat"],
                                 input=json.dumps(req), text=True,
                                 capture_output=True)
            if out.returncode != 0:
                sys.exit("concertoctl cat: " + out.stderr.strip())
            res = json.loads(out.stdout)
            lengths.append(len(res["testItems"]))
            sems.append(float(res["seFinal"]))
            errs.append(abs(float(res["thFinal"]) - true))
            rule = res["ruleFinal"]
            rule = rule if isinstance(rule, list) else [rule]
            prec += "precision" in rule
        print("%6.1f %8.1f %7.0f%% %9.3f %8.3f"
              % (true, statistics.mean(lengths), 100.0 * prec / args.n,
                 statistics.mean(sems), statistics.mean(errs)))


if __name__ == "__main__":
    main()

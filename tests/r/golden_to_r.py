"""Writes catR's golden JSON files as one R file of nested lists, so that
tests/r/golden.R can read them without a JSON package (none is installed
with R here). Numbers keep every digit (repr); the strings "Inf"/"-Inf"/"NaN"
become R's Inf/-Inf/NaN; null becomes NA.

Usage: python3 tests/r/golden_to_r.py GOLDEN_DIR OUT.R"""
import json
import sys

FILES = ["banks", "pi", "info", "theta_est", "next_item", "random_cat"]
SPECIAL = {"Inf": "Inf", "-Inf": "-Inf", "NaN": "NaN"}


def is_number_like(v):
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) or (isinstance(v, str) and v in SPECIAL)


def num(v):
    if v is None:
        return "NA"
    if isinstance(v, str):
        return SPECIAL[v]
    return repr(float(v))


def to_r(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return num(v)
    if isinstance(v, str):
        return SPECIAL.get(v) or json.dumps(v)  # an R string literal (ASCII content)
    if isinstance(v, list):
        if v and all(is_number_like(e) for e in v) and not all(isinstance(e, str) for e in v):
            return "c(" + ",".join(num(e) for e in v) + ")"
        if v and all(isinstance(e, str) for e in v):
            return "c(" + ",".join(json.dumps(e) for e in v) + ")"
        return "list(" + ",".join(to_r(e) for e in v) + ")"
    if isinstance(v, dict):
        return "list(" + ",".join("`%s`=%s" % (k, to_r(e)) for k, e in v.items()) + ")"
    raise TypeError(type(v))


def main():
    golden, out = sys.argv[1], sys.argv[2]
    with open(out, "w") as f:
        for name in FILES:
            with open("%s/%s.json" % (golden, name)) as g:
                data = json.load(g)
            data.pop("meta", None)
            f.write("golden_%s <- %s\n" % (name, to_r(data)))


if __name__ == "__main__":
    main()

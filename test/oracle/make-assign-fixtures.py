#! /usr/bin/env python3
"""make-assign-fixtures.py -- hcron v1.5's own substitution results on random
values, saved as test/fixtures/assign-random.json for test/unit/props.test.mjs.

hcron's code is only imported and called (hcron.assign.hcron_variable_substitution
and eval_assignments) to compute the expected outputs; nothing of it is copied.

    export HCRON_SRC=/tmp/hcron-v1.5      # see shared/tools/hcron-oracle/README.md
    python3 test/oracle/make-assign-fixtures.py [--values 4000] [--sequences 300] [--seed 6] [--out FILE]

The values are drawn from a seeded random.Random, so the same arguments give
the same file on every machine: random mixes of $ # [ ] { } ? ! , : - digits,
names (defined, undefined, None-valued, Unicode), glob characters, Unicode
digits and astral characters, references nested up to 6 deep (hcron's time
grows about 3x per level), unbalanced and doubled brackets.
"""

import argparse
import json
import os
import random
import signal
import sys

HCRON_SRC = os.environ.get("HCRON_SRC")
if not HCRON_SRC:
    sys.exit("make-assign-fixtures: set HCRON_SRC to a copy of hcron v1.5's static/ tree (see shared/tools/hcron-oracle/README.md)")
PKG = os.path.join(HCRON_SRC, "static", "usr", "lib", "hcron")
if not os.path.isdir(os.path.join(PKG, "hcron")):
    PKG = HCRON_SRC
sys.path.insert(0, PKG)

import warnings  # noqa: E402

warnings.simplefilter("ignore")
from hcron.assign import eval_assignments, hcron_variable_substitution  # noqa: E402

# The fixed variable table (insertion order kept; None is hcron's "no value", like template_name).
VARINFO = [
    ("HCRON_EVENT_NAME", "/failover/bob@abc.xyz"),
    ("HCRON_EVENT_CHAIN", "/simple:/failover/common"),
    ("HCRON_SELF_CHAIN", "/failover/common"),
    ("when_year", "*"),
    ("template_name", None),
    ("W", "zero:one:two:three"),
    ("I", "2"),
    ("J", "1:3"),
    ("K", "-1"),
    ("Z", "0"),
    ("E", ""),
    ("MIN", "47"),
    ("host", "h1.abc.xyz"),
    ("S", "a,b?c!d:e[f]g{h}"),
    ("R", "$W[0]"),
    ("H", "#W"),
    ("D", "٣:𝟓:12"),
    ("É", "é:ü:🎉"),
    ("x1", "a b:c\td: e "),
    ("SEP", "."),
    ("Q", "?"),
    ("B", "!"),
    ("C", ","),
    ("COL", ":"),
    ("G", "*o*"),
    ("BR", "[1]"),
]
DEFINED = [k for k, _ in VARINFO]
UNDEFINED = ["U", "undefined_name", "X2", "HCRON_JOBID", "Wx", "é"]

NOISE = "$#[]{}?!,:-0123456789aW_ *./@\t" + "é٣𝟓🎉²\u0301\r"
SLICE_BITS = ["", "0", "1", "2", "-1", "-2", "3", "10", "-10", "01", "٣", "𝟓", "+1", " 1", "1 ", "x", "1x", "--1", "99999999999999999999", "0_1"]
GLOB_BITS = ["*", "?", "t*", "*o*", "[oz]*", "[!z]*", "[a-", "[]]", "\\*", "f*", "*@*", "", "**", "[", "]"]


def rnd_name(r):
    x = r.random()
    if x < 0.6:
        return r.choice(DEFINED)
    if x < 0.85:
        return r.choice(UNDEFINED)
    return "".join(r.choice("aWIJ_0é٣") for _ in range(r.randint(1, 3)))


def rnd_noise(r, n):
    return "".join(r.choice(NOISE) for _ in range(n))


def rnd_item(r, kind, depth):
    x = r.random()
    if depth > 0 and x < 0.25:
        return rnd_ref(r, depth - 1)
    if kind == "[":
        parts = [r.choice(SLICE_BITS)]
        for _ in range(r.choice([0, 0, 1, 2, 3])):
            parts.append(r.choice(SLICE_BITS))
        s = ":".join(parts)
        if r.random() < 0.15:
            s += rnd_noise(r, r.randint(1, 3))
        return s
    return r.choice(GLOB_BITS) + (r.choice(GLOB_BITS) if r.random() < 0.3 else "")


def rnd_body(r, kind, depth):
    s = ""
    x = r.random()
    if x < 0.3:
        s += r.choice(["", ":", "/", ".", "@", ",", "ab", " ", "é", "$SEP", "#I"])
        if r.random() < 0.4:
            s += "?" + r.choice(["", "-", ",", " ", "$SEP", "::", "🎉", "$W"])
        s += "!"
    elif x < 0.35:
        s += rnd_noise(r, r.randint(0, 3))
    items = [rnd_item(r, kind, depth) for _ in range(r.choice([1, 1, 1, 2, 2, 3]))]
    s += ",".join(items)
    if r.random() < 0.05:
        s += rnd_noise(r, r.randint(1, 4))
    return s


def rnd_ref(r, depth):
    s = r.choice("$$$#") + rnd_name(r)
    x = r.random()
    if x < 0.55:
        kind = r.choice("[[[{")
        close = "]" if kind == "[" else "}"
        body = rnd_body(r, kind, depth)
        y = r.random()
        if y < 0.06:
            s += kind + body  # unbalanced
        elif y < 0.1:
            s += kind + kind + body + close + close
        elif y < 0.14:
            s += kind + body + close + r.choice(["[0]", "{*}", "]", "}", "[", "[1:]"])
        else:
            s += kind + body + close
    return s


def rnd_value(r):
    x = r.random()
    if x < 0.1:
        return rnd_noise(r, r.randint(0, 40))
    if x < 0.15:
        # deep nesting of the same reference (hcron: about 3^depth steps)
        n = r.randint(1, 6)
        name = r.choice(["W", "I", "U", "J", "R"])
        return ("$%s[" % name) * n + r.choice(["0", "1", "-1", ":"]) + "]" * n
    out = []
    for _ in range(r.randint(1, 4)):
        y = r.random()
        if y < 0.3:
            out.append(rnd_noise(r, r.randint(0, 5)))
        else:
            out.append(rnd_ref(r, r.randint(0, 6) if r.random() < 0.3 else r.randint(0, 2)))
    return "".join(out)


class Slow(Exception):
    pass


def _alarm(signum, frame):
    raise Slow()


def timed(fn, *args):
    """hcron's result, or None when it takes more than 2 s (the value is then skipped)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(2)
    try:
        return fn(*args)
    except Slow:
        return None
    finally:
        signal.alarm(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--values", type=int, default=4000)
    ap.add_argument("--sequences", type=int, default=300)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "assign-random.json"))
    a = ap.parse_args()
    r = random.Random(a.seed)

    values = []
    skipped = 0
    seen = set()
    while len(values) < a.values:
        v = rnd_value(r)
        if v in seen:
            continue
        seen.add(v)
        res = timed(hcron_variable_substitution, v, dict(VARINFO))
        if res is None:
            skipped += 1
            continue
        values.append([v, res])

    sequences = []
    while len(sequences) < a.sequences:
        names = ["A", "B", "W", "I", "when_minute", "HCRON_EVENT_NAME", "É"]
        assignments = []
        for _ in range(r.randint(1, 6)):
            assignments.append([r.choice(names), rnd_value(r)])
        varinfo = dict(VARINFO)
        if timed(lambda: eval_assignments([tuple(x) for x in assignments], varinfo) or True) is None:
            skipped += 1
            continue
        sequences.append({"assignments": assignments, "result": [[k, v] for k, v in varinfo.items()]})

    doc = {
        "about": "hcron v1.5 hcron.assign results on random values; made by test/oracle/make-assign-fixtures.py (do not edit)",
        "hcron": "v1.5 (4225f957f44ec9a42d86c1a69b5f37cae2a5c4c9)",
        "seed": a.seed,
        "skippedSlow": skipped,
        "varinfo": VARINFO,
        "values": values,
        "sequences": sequences,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print("%s: %d values, %d sequences, %d slow values skipped" % (os.path.normpath(a.out), len(values), len(sequences), skipped))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that two `lindyn validate` output directories hold the same tables.

    python3 Validation/bench/compare_tables.py DIR_A DIR_B

Every table file (errors, stiffness, work-precision, summary; .csv, .md, .json, .tex) and
run.json must be byte for byte the same, except the timing columns (`seconds`,
`total_seconds`: wall times of the methods, which differ from run to run), which are dropped
before comparing. The journal is compared row by row after its timing cells are dropped too.
Used to show that a change to the validation pipeline leaves every result bit-identical
(Notes/performance.md). Exit 0 when the directories agree, 1 with the first differences.
"""
import csv
import io
import json
import os
import sys

TIMING = {"seconds", "total_seconds"}
TABLES = ["errors", "stiffness", "work-precision", "summary"]


def csv_text(text):
    rows = list(csv.reader(io.StringIO(text)))
    keep = [k for k, name in enumerate(rows[0]) if name not in TIMING] if rows else []
    return [[row[k] for k in keep] for row in rows]


def markdown_text(text):
    out, keep = [], None
    for line in text.splitlines():
        if line.startswith("| ") and keep is None:
            cells = line.split(" | ")
            keep = [k for k, c in enumerate(cells) if c.strip(" |").split(" (")[0] not in TIMING]
        if line.startswith("|") and keep is not None:
            cells = line.split(" | ") if line.startswith("| ") else line.split("|")
            out.append([cells[k] for k in keep if k < len(cells)])
        else:
            out.append(line)
    return out


def json_value(text):
    value = json.loads(text)
    columns = [c["name"] if isinstance(c, dict) else c for c in value.get("columns", [])]
    keep = [k for k, name in enumerate(columns) if name not in TIMING]
    if "rows" in value:
        value["rows"] = [[row[k] for k in keep] for row in value["rows"]]
        value["columns"] = [value["columns"][k] for k in keep]
    return value


def journal_rows(text):
    """Rows of this run's points by key, each point's error rows without the timing cells."""
    lines = text.splitlines()
    header = json.loads(lines[0])
    points = {}
    for line in lines[1:]:
        row = json.loads(line)["row"]
        # Version 3 journals hold the record inline; version 2 as a JSON string.
        point = json.loads(row[3]) if isinstance(row[3], str) else row[3]
        point["errors"] = [r[:-1] for r in point["errors"]]  # seconds is the error table's last column
        points[(row[0], row[1], row[2])] = point
    return header["columns"], points


def compare(a, b):
    problems = []
    readers = {"csv": csv_text, "md": markdown_text, "json": json_value, "tex": lambda t: t}
    names = [f"{t}.{e}" for t in TABLES for e in readers] + ["run.json", "journal.jsonl"]
    for name in names:
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        if not os.path.exists(pa) and not os.path.exists(pb):
            continue
        if not (os.path.exists(pa) and os.path.exists(pb)):
            problems.append(f"{name}: only in one directory")
            continue
        ta, tb = open(pa, encoding="utf-8").read(), open(pb, encoding="utf-8").read()
        if name == "journal.jsonl":
            same = journal_rows(ta) == journal_rows(tb)
        elif name == "run.json":
            same = json.loads(ta) == json.loads(tb)
        else:
            read = readers[name.rsplit(".", 1)[1]]
            same = read(ta) == read(tb)
        if not same:
            problems.append(f"{name}: differs")
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    problems = compare(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    if not problems:
        print(f"same tables (timing columns aside): {sys.argv[1]} and {sys.argv[2]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

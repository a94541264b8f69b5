#!/usr/bin/python3
"""Benchmark figures: record one, read hyperfine and Google Benchmark output, combine a run's
figures into bench/results/<date>.json and its markdown table, and compare two result files.

  bench_results.py record --id ID --group G --title T --unit U (--value V | --hyperfine JSON)
                          [--scale K] [--target X --op OP] [--runs N] [--note TEXT]
  bench_results.py median HYPERFINE_JSON [--scale K]
  bench_results.py gbench GBENCH_JSON BENCHMARK COUNTER
  bench_results.py combine FIGURES_JSONL OUT_JSON OUT_MD [--meta KEY=VALUE]... [--notes FILE]
  bench_results.py markdown RESULT_JSON OUT_MD [--notes FILE]
  bench_results.py compare OLD_JSON NEW_JSON

`record` prints the verdict and appends the figure to $CF_BENCH_RESULTS when set; it exits 3
when a target is missed (outside quick mode), so the calling script can say so.
"""

import argparse
import json
import os
import statistics
import sys

OPERATORS = {
    "<": lambda value, target: value < target,
    "<=": lambda value, target: value <= target,
    ">": lambda value, target: value > target,
    ">=": lambda value, target: value >= target,
}
MISSED = 3


def fail(message):
    print(f"bench_results.py: {message}", file=sys.stderr)
    sys.exit(2)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError) as error:
        fail(f"{path}: {error}")


def number(value):
    """A figure as people read it: three significant digits, no exponent below a million."""
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def verdict(figure, quick):
    """met / missed / info (no target) / unjudged (quick mode), and by how much."""
    target, op, value = figure.get("target"), figure.get("op"), figure["value"]
    if target is None:
        return "info", ""
    if quick:
        return "unjudged", "quick mode: completion only"
    met = OPERATORS[op](value, target)
    if target == 0:
        return ("met" if met else "missed"), ""
    change = (value - target) / abs(target) * 100
    if op in ("<", "<="):
        margin = f"{-change:.0f}% under the target" if met else f"{change:.0f}% over the target"
    else:
        margin = f"{change:.0f}% above the target" if met else f"{-change:.0f}% below the target"
    if not met:
        ratio = value / target if op in ("<", "<=") else target / value if value else float("inf")
        margin += f" ({ratio:.2f}x off)"
    return ("met" if met else "missed"), margin


def hyperfine_stats(path, scale):
    result = load_json(path)["results"][0]
    times = [t * scale for t in result["times"]]
    return {
        "median": statistics.median(times),
        "mean": statistics.mean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "min": min(times),
        "max": max(times),
        "runs": len(times),
    }


def command_record(args):
    if (args.value is None) == (args.hyperfine is None):
        fail("record: give exactly one of --value and --hyperfine")
    if (args.target is None) != (args.op is None):
        fail("record: --target and --op go together")
    figure = {"id": args.id, "group": args.group, "title": args.title, "unit": args.unit}
    if args.hyperfine:
        stats = hyperfine_stats(args.hyperfine, args.scale)
        figure["value"] = stats.pop("median")
        figure["runs"] = stats.pop("runs")
        figure["spread"] = stats
    else:
        figure["value"] = args.value * args.scale
        if args.runs is not None:
            figure["runs"] = args.runs
    if args.target is not None:
        figure["target"] = args.target
        figure["op"] = args.op
    if args.note:
        figure["note"] = args.note
    quick = os.environ.get("CF_BENCH_QUICK") == "1"
    state, margin = verdict(figure, quick)
    figure["verdict"] = state
    if margin:
        figure["margin"] = margin
    label = {"met": "PASS", "missed": "FAIL", "info": "INFO", "unjudged": "DONE"}[state]
    goal = f" (target {args.op} {number(args.target)} {args.unit})" if args.target is not None else ""
    print(f"{label} {args.id}: {number(figure['value'])} {args.unit}{goal}{' - ' + margin if margin else ''}")
    results = os.environ.get("CF_BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as file:
            file.write(json.dumps(figure) + "\n")
    sys.exit(MISSED if state == "missed" else 0)


def command_median(args):
    print(f"{hyperfine_stats(args.file, args.scale)['median']:.6f}")


def command_gbench(args):
    """A counter of one benchmark: its median aggregate when repeated, else its only run."""
    entries = [b for b in load_json(args.file)["benchmarks"] if b.get("run_name") == args.benchmark]
    chosen = [b for b in entries if b.get("aggregate_name") == "median"] or [
        b for b in entries if b.get("run_type") == "iteration"
    ]
    if not chosen or args.counter not in chosen[0]:
        fail(f"{args.file}: no counter '{args.counter}' for benchmark '{args.benchmark}'")
    if "error_message" in chosen[0]:
        fail(f"{args.file}: benchmark '{args.benchmark}' failed: {chosen[0]['error_message']}")
    print(chosen[0][args.counter])


def read_notes(path):
    if not path:
        return None
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


def markdown(result):
    meta = result["meta"]
    lines = [f"# Benchmark results {meta.get('date', '')}", ""]
    if result.get("quick"):
        lines += ["**Quick mode**: small sizes, one run each; targets are not judged.", ""]
    for key in ("commit", "build", "machine", "load", "duration", "tools"):
        if key in meta:
            lines.append(f"- {key}: {meta[key]}")
    counts = {}
    for figure in result["figures"]:
        counts[figure["verdict"]] = counts.get(figure["verdict"], 0) + 1
    summary = ", ".join(f"{counts[k]} {k}" for k in ("met", "missed", "info", "unjudged") if k in counts)
    lines += [f"- targets: {summary}", ""]
    if result.get("failed_cases"):
        lines += [f"**Cases that did not complete**: {', '.join(result['failed_cases'])}", ""]
    groups = []
    for figure in result["figures"]:
        if figure["group"] not in groups:
            groups.append(figure["group"])
    for group in groups:
        lines += [f"## {group}", "", "| case | measured | target | result |", "|---|---:|---|---|"]
        for f in (f for f in result["figures"] if f["group"] == group):
            measured = f"{number(f['value'])} {f['unit']}"
            runs = f.get("runs")
            if runs and runs > 1 and "spread" in f:
                measured += f" ({number(f['spread']['min'])}-{number(f['spread']['max'])}, {runs} runs)"
            elif runs:
                measured += f" ({runs} run{'s' if runs > 1 else ''})"
            target = f"{f['op']} {number(f['target'])} {f['unit']}" if "target" in f else ""
            outcome = {"met": "met", "missed": "**MISSED**", "info": "", "unjudged": "not judged"}[f["verdict"]]
            if f.get("margin"):
                outcome += f", {f['margin']}"
            title = f["title"] + (f" ({f['note']})" if f.get("note") else "")
            lines.append(f"| {title} | {measured} | {target} | {outcome} |")
        lines.append("")
    if result.get("notes"):
        lines += ["## Notes", "", result["notes"], ""]
    return "\n".join(lines)


def write(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def command_combine(args):
    figures = []
    with open(args.figures, encoding="utf-8") as file:
        for line in file:
            if line.strip():
                figures.append(json.loads(line))
    meta = {}
    for item in args.meta:
        key, _, value = item.partition("=")
        meta[key] = value
    result = {
        "meta": meta,
        "quick": meta.pop("quick", "0") == "1",
        "failed_cases": [c for c in meta.pop("failed_cases", "").split(",") if c],
        "figures": figures,
    }
    notes = read_notes(args.notes)
    if notes:
        result["notes"] = notes
    write(args.out_json, json.dumps(result, indent=2) + "\n")
    write(args.out_md, markdown(result))


def command_markdown(args):
    result = load_json(args.result)
    notes = read_notes(args.notes)
    if notes:
        result["notes"] = notes
        write(args.result, json.dumps(result, indent=2) + "\n")
    write(args.out_md, markdown(result))


def command_compare(args):
    old, new = load_json(args.old), load_json(args.new)
    before = {f["id"]: f for f in old["figures"]}
    print(f"{'case':44} {'old':>12} {'new':>12} {'change':>8}  unit  result (new)")
    for f in new["figures"]:
        previous = before.pop(f["id"], None)
        old_text = number(previous["value"]) if previous else "-"
        change = ""
        if previous and previous["value"]:
            change = f"{(f['value'] - previous['value']) / abs(previous['value']) * 100:+.0f}%"
        print(f"{f['id']:44} {old_text:>12} {number(f['value']):>12} {change:>8}  {f['unit']:5} {f['verdict']}")
    for f in before.values():
        print(f"{f['id']:44} {number(f['value']):>12} {'-':>12} {'':>8}  {f['unit']:5} (gone)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    record = commands.add_parser("record", help="one figure, with its verdict")
    record.add_argument("--id", required=True)
    record.add_argument("--group", required=True)
    record.add_argument("--title", required=True)
    record.add_argument("--unit", required=True)
    record.add_argument("--value", type=float)
    record.add_argument("--hyperfine", help="hyperfine --export-json file: the median and spread of its runs")
    record.add_argument("--scale", type=float, default=1.0, help="multiplies the value (1000: seconds to ms)")
    record.add_argument("--target", type=float)
    record.add_argument("--op", choices=sorted(OPERATORS))
    record.add_argument("--runs", type=int)
    record.add_argument("--note")
    record.set_defaults(run=command_record)

    median = commands.add_parser("median", help="the median of a hyperfine --export-json file")
    median.add_argument("file")
    median.add_argument("--scale", type=float, default=1.0)
    median.set_defaults(run=command_median)

    gbench = commands.add_parser("gbench", help="a counter from a Google Benchmark JSON file")
    gbench.add_argument("file")
    gbench.add_argument("benchmark")
    gbench.add_argument("counter")
    gbench.set_defaults(run=command_gbench)

    combine = commands.add_parser("combine", help="a run's figures into the result JSON and table")
    combine.add_argument("figures")
    combine.add_argument("out_json")
    combine.add_argument("out_md")
    combine.add_argument("--meta", action="append", default=[])
    combine.add_argument("--notes")
    combine.set_defaults(run=command_combine)

    table = commands.add_parser("markdown", help="the table of a result file again (with notes)")
    table.add_argument("result")
    table.add_argument("out_md")
    table.add_argument("--notes")
    table.set_defaults(run=command_markdown)

    compare = commands.add_parser("compare", help="two result files side by side")
    compare.add_argument("old")
    compare.add_argument("new")
    compare.set_defaults(run=command_compare)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()

"""The human-readable report and the Markdown snippet, from the results dict."""

from __future__ import annotations

from typing import Optional

# Figures reported per workload: (summary key, label, which direction is better).
METRICS = (
    ("rps", "requests/s", "higher"),
    ("p50_ms", "p50 latency ms", "lower"),
    ("p99_ms", "p99 latency ms", "lower"),
    ("cpu_us_per_req", "server CPU us/request", "lower"),
)


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_num(value: Optional[float], key: str) -> str:
    if value is None:
        return "-"
    if key == "rps":
        return f"{value:,.0f}"
    if key in ("p50_ms", "p99_ms", "cpu_us_per_req"):
        return f"{value:.3f}"
    if key.endswith("per_key"):
        return f"{value:.1f}"
    return f"{value:.3g}"


def fmt_ratio(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f}x"


def print_report(results: dict) -> None:
    if not results["workloads"] and not results["memory"]:
        for message in results["errors"]:
            print(f"error: {message}")
        return
    print()
    print(f"redis, osprey: medians over {results['config']['rounds']} round(s). ratio: "
          "osprey/redis, the median of the rounds' ratios (each round runs both servers "
          "back to back); range: its lowest and highest. 'better' says which direction "
          "favours osprey.")
    header = (f"{'workload':<11} {'figure':<22} {'redis':>12} {'osprey':>12} {'ratio':>9} "
              f"{'better':<7} {'range':>13}")
    print(header)
    print("-" * len(header))
    for name, wl in results["workloads"].items():
        r, o = wl["summary"]["redis"], wl["summary"]["osprey"]
        for i, (key, label, better) in enumerate(METRICS):
            paired = wl["ratios"][key]
            spread = f"{paired['min']:.2f}-{paired['max']:.2f}"
            print(f"{name if i == 0 else '':<11} {label:<22} {fmt_num(r[key], key):>12} "
                  f"{fmt_num(o[key], key):>12} {fmt_ratio(paired['median']):>9} "
                  f"{better:<7} {spread:>13}")
        print(f"{'':<11} {'(r/o) util server':<22} {r['server_util']:.0%}/{o['server_util']:.0%}"
              f"  client {r['client_util']:.0%}/{o['client_util']:.0%}"
              f"  waited {r['interference']:.0%}/{o['interference']:.0%}"
              f"  disturbed rounds {r['disturbed_rounds']}/{o['disturbed_rounds']}")
        if min(r["client_util"], o["client_util"]) > 0.9:
            print(f"{'':<11} note: redis-benchmark saturated its core; requests/s and latency "
                  "measure the client, compare CPU/request")
    mem = results.get("memory")
    if mem:
        r, o = mem["redis"], mem["osprey"]
        for i, (key, label) in enumerate((("bytes_per_key", "used_memory B/key"),
                                          ("rss_bytes_per_key", "RSS B/key"))):
            print(f"{'memory' if i == 0 else '':<11} {label:<22} {fmt_num(r[key], key):>12} "
                  f"{fmt_num(o[key], key):>12} {fmt_ratio(ratio(o[key], r[key])):>9} "
                  f"{'lower':<7}")
    print()
    print("Targets (informational):")
    for row in results["targets"]:
        measured = (fmt_ratio(row["measured"]) if row["relative"]
                    else fmt_num(row["measured"], row["metric"]))
        print(f"  {'PASS' if row['pass'] else 'FAIL'}  {row['target']:<32} {row['where']:<10} "
              f"{measured:>9}  goal {row['goal']}")
    if any(wl["summary"][label]["disturbed_rounds"] for wl in results["workloads"].values()
           for label in wl["summary"]):
        print()
        print("warning: other processes disturbed some rounds even after retries (the server "
              "or the client waited for its core); expect noise")
    for message in results["errors"]:
        print(f"error: {message}")


def markdown_snippet(results: dict) -> str:
    cfg = results["config"]
    runs = [wl["summary"][label] for wl in results["workloads"].values()
            for label in wl["summary"]]
    pairs = sum(s["rounds"] for s in runs) // 2
    disturbed = sum(s["disturbed_rounds"] for s in runs) // 2
    lines = [
        f"osprey-server vs redis-server {results['env']['redis_version']}, "
        f"{results['timestamp'][:10]}: {results['env']['cpus']} cores "
        f"({results['env']['cpu_model']}), each server pinned to one core and "
        f"redis-benchmark to the other; {cfg['rounds']} round(s) with fresh servers, "
        "medians. Ratio = osprey/redis, the median of the per-round ratios. "
        f"{disturbed} of {pairs} pairs of runs were disturbed by other load on the machine. "
        "Unpipelined requests/s is limited by redis-benchmark; compare CPU per request. "
        "`make bench` (bench/run_bench.py) to reproduce.",
        "",
        "| workload | redis req/s | osprey req/s | ratio (higher is better) "
        "| redis p99 ms | osprey p99 ms | ratio (lower is better) "
        "| redis CPU µs/req | osprey CPU µs/req | ratio (lower is better) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, wl in results["workloads"].items():
        r, o = wl["summary"]["redis"], wl["summary"]["osprey"]
        label = f"{name} (-c {wl['clients']} -P {wl['pipeline']})"
        cells = [label]
        for key in ("rps", "p99_ms", "cpu_us_per_req"):
            cells += [fmt_num(r[key], key), fmt_num(o[key], key),
                      fmt_ratio(wl["ratios"][key]["median"])]
        lines.append("| " + " | ".join(cells) + " |")
    mem = results.get("memory")
    if mem:
        r, o = mem["redis"], mem["osprey"]
        lines += [
            "",
            f"| memory, {cfg['memory_keys']:,} keys (16-byte keys and values) | redis | osprey "
            "| ratio (lower is better) |",
            "|---|---:|---:|---:|",
            f"| used_memory bytes/key | {r['bytes_per_key']:.1f} | {o['bytes_per_key']:.1f} "
            f"| {fmt_ratio(ratio(o['bytes_per_key'], r['bytes_per_key']))} |",
            f"| RSS bytes/key | {r['rss_bytes_per_key']:.1f} | {o['rss_bytes_per_key']:.1f} "
            f"| {fmt_ratio(ratio(o['rss_bytes_per_key'], r['rss_bytes_per_key']))} |",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------

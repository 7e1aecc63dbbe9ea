"""The machine description and the console table of a benchmark run."""

import os
import platform
import sys

from .api import print_api
from .pages import MAX_QUERIES, MEDIAN_MS, P95_MS


def machine(pg_version: str | None) -> dict:
    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(next(x for x in fh if x.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((x.split(":", 1)[1].strip() for x in fh if x.startswith("model name")), "")
    except OSError:
        pass
    import django
    import weasyprint

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "postgresql": pg_version,
        "sqlite": __import__("sqlite3").sqlite_version,
        # Other work on the machine skews timings: the load average says how much there was.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# The PDF targets, printed beside each case (judged by the reader: timings on a
# busy machine move a lot).
PDF_TARGETS = {
    "site_typical": "target: under 2 s",
    "site_1000": "target: ratio at most 1.3",
    "program_100": "target: under 15 s",
}


def _mark(bad: bool) -> str:
    return "!" if bad else " "


def print_breakdown(line: str, scales: list[str], by_scale: dict, out) -> None:
    """Where each page's time goes: SQL against Python, rows and cost per row; then the
    cProfile summary of the slowest pages."""
    out.write(
        f"\n== {line}: where the time goes (median ms: SQL + Python; CPU ms; rows; ms per row "
        "over the floor) ==\n"
    )
    out.write(f"{'page':<28}" + "".join(f"{'scale ' + s:>40}" for s in scales) + "\n")
    for key in by_scale[scales[0]]:
        cells = []
        for s in scales:
            r = by_scale[s].get(key)
            if r is None or "sql_ms" not in r:
                cells.append(f"{'-':>40}")
                continue
            per_row = f"{r['ms_per_row']:.2f}" if r.get("ms_per_row") is not None else "-"
            cells.append(
                f"{r['sql_ms']:>7.1f} +{r['python_ms']:>6.1f} cpu{r['cpu_ms']:>6.1f}"
                f"{r['rows']:>5}r{per_row:>7}"
            )
        out.write(f"{key:<28}" + "".join(cells) + "\n")
    for s in scales:
        for r in by_scale[s].values():
            if not r.get("profile"):
                continue
            out.write(f"profile, scale {s}, {r['key']} (cProfile; ms per request, cumulative):\n")
            for row in r["profile"][:6]:
                out.write(
                    f"  {row['cumulative_ms']:>8.1f}  {row['calls']:>7g}x  {row['function']}\n"
                )


def print_report(result: dict, out) -> None:
    m = result["machine"]
    out.write(
        f"\nMachine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, SQLite {m['sqlite']}\n"
    )
    for line, entry in result["lines"].items():
        scales = sorted(entry["scales"], key=int)
        out.write(f"\n== {line}: pages (median / p95 ms, queries, x floor) ==\n")
        builds = ", ".join(f"scale {s}: {entry['scales'][s]['build_seconds']} s" for s in scales)
        out.write(f"data build: {builds}\n")
        header = f"{'page':<28}" + "".join(f"{'scale ' + s:>34}" for s in scales)
        out.write(header + "\n")
        by_scale = {s: {r["key"]: r for r in entry["scales"][s]["pages"]} for s in scales}
        for key in by_scale[scales[0]]:
            cells = []
            for s in scales:
                r = by_scale[s].get(key)
                if r is None:
                    cells.append(f"{'-':>34}")
                    continue
                bad_t = s == "1" and (r["median_ms"] > MEDIAN_MS or r["p95_ms"] > P95_MS)
                bad_q = r["queries"] > MAX_QUERIES
                cells.append(
                    f"{r['median_ms']:>9.1f}/{r['p95_ms']:>8.1f}{_mark(bad_t)}"
                    f"{r['queries']:>4}q{_mark(bad_q)}{r['ratio_to_floor']:>7.1f}x"
                )
            out.write(f"{key:<28}" + "".join(cells) + "\n")
        out.write("flags:\n" + "".join(f"  - {f}\n" for f in entry["flags"]) or "  none\n")
        print_breakdown(line, scales, by_scale, out)
        print_api(entry, out)
    if result.get("pdfs"):
        out.write("\n== PDFs (PostgreSQL, scale 1) ==\n")
        rows = {(p["case"], p["mode"]): p for p in result["pdfs"]}
        for case in dict.fromkeys(p["case"] for p in result["pdfs"]):
            full, weasy = rows.get((case, "full")), rows.get((case, "weasy"))
            ratio = full["seconds"] / weasy["seconds"] if full and weasy and weasy["seconds"] else 0
            out.write(
                f"{case:<14} full {full['seconds']:>6.2f} s ({full['pages']} pages, rows "
                f"{full['rows']}), peak RSS {full['peak_rss_mb']} MB; WeasyPrint alone "
                f"{weasy['seconds']:>6.2f} s; ratio {ratio:.2f}  {PDF_TARGETS.get(case, '')}\n"
            )
    imported = result.get("import")
    if imported:
        out.write("\n== CSV import (PostgreSQL, scale 1) ==\n")
        out.write(
            f"{imported['rows']} rows in {imported['import_seconds']} s (target "
            f"< {imported['import_target_seconds']} s); one engagement logged during an import "
            f"in {imported['single_log_during_import_seconds']} s (target < "
            f"{imported['single_log_target_seconds']} s) -> "
            f"{'OK' if imported['ok'] else 'FAILED'}\n"
        )
    load = result.get("load")
    if load:
        out.write(f"\n== Load (gunicorn, {load['workers']} workers, {load['tool']}) ==\n")
        for key in ("staff_mix", "applicant_mix", "healthz"):
            r = load.get(key)
            if r and "requests_per_s" in r:
                cpu = r.get("cpu_ms_per_request")
                out.write(
                    f"{key:<14} {r['requests_per_s']:>8.1f} req/s  {r['requests']:>6} requests "
                    f"{r['errors']} errors  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms "
                    f"({r['connections']} connections)"
                    + (f"  worker CPU {cpu} ms/request" if cpu is not None else "")
                    + "\n"
                )
            elif r:
                out.write(f"{key}: {r}\n")
        for mix in ("staff_mix", "applicant_mix"):
            if f"{mix}_to_healthz" in load:
                # One write per line: Django's OutputWrapper ends every write with one.
                line = f"{mix} / healthz requests per second: {load[f'{mix}_to_healthz']:.3f}"
                if f"{mix}_to_healthz_by_cpu" in load:
                    line += f" (by worker CPU per request: {load[f'{mix}_to_healthz_by_cpu']:.3f})"
                out.write(line + "\n")
        s = load["submissions"]
        out.write(
            f"submissions    {s['attempted']} concurrent in {s['seconds']} s: {s['submitted']} "
            f"submitted, {s['distinct_reference_numbers']} distinct references, "
            f"{s['receipt_rows']} receipts, lost {s['lost']}, duplicated "
            f"{s['duplicated_references']}, HTTP {s['http_status']} -> "
            f"{'OK' if s['ok'] else 'FAILED'}\n"
        )
    out.write(
        f"\nTotal {result['total_seconds']} s. Load average (1, 5, 15 min) at start "
        f"{m.get('load_average_at_start')}, at end {result.get('load_average_at_end')}: other "
        "work on the machine inflates the times.\n"
    )

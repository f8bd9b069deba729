"""Time ``import partnerdomain`` against importing its dependencies alone.

Each figure is the median wall time of fresh interpreters (so nothing is cached in
``sys.modules``), minus nothing: the bare interpreter start is shown for reference.

Run: ``python benchmarks/bench_import.py [--runs 15]``
"""

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "import attrs (the model's only dependency)": "import attrs",
    "import partnerdomain": "import partnerdomain",
    "import attrs, cattrs, statemachine (all runtime dependencies)": (
        "import attrs, cattrs, statemachine"
    ),
}


def median_seconds(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {name: median_seconds(code, args.runs) for name, code in CASES.items()}
    base = results["python -c pass"]
    for name, seconds in results.items():
        print(f"{name:<62} {seconds * 1000:7.1f} ms  (+{(seconds - base) * 1000:6.1f} ms)")
    ours = results["import partnerdomain"] - results["import attrs (the model's only dependency)"]
    print(f"partnerdomain's own import cost beyond attrs: {ours * 1000:.1f} ms")


if __name__ == "__main__":
    main()

"""Run every benchmark module and print one `name: value` line per figure."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failed = 0
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda i: i.name):
        if not info.name.startswith("bench_") or (wanted and info.name not in wanted):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        started = time.perf_counter()
        try:
            results = module.run()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            print(f"# {info.name} failed: {exc!r}", file=sys.stderr)
            failed += 1
            continue
        for name, value in results.items():
            print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}", flush=True)
        print(f"# {info.name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

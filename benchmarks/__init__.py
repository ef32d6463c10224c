"""Benchmarks (`make bench`). Each bench_<area>.py has run() -> {name: value}; data is synthetic."""

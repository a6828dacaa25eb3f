"""Benchmarks, run on demand from the repository root: `python -m bench.bench_<part>`."""

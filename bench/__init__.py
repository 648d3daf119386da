"""Benchmark of netparse: a generator of synthetic dumps, their validation, and a runner."""

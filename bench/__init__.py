"""Benchmarks: speed goals with printed pass/fail against targets, run by hand (see README)."""

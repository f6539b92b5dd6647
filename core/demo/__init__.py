"""Demo data and the orchestration of `make demo`."""

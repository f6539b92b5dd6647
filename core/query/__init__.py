"""The one query service (prepare, route, run, derive) and the writers of its results."""

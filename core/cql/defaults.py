"""Run limits shared by the command line and execution, in a module light enough for start-up."""

DEFAULT_FETCH_SIZE = 5000
MAX_TIMEOUT_S = 86_400.0

"""How the threads of a query share the GIL: the driver decodes each page on its own thread while the caller's
thread converts the previous one, and both need the GIL.

With CPython's default switch interval (5 ms) the decoding thread waits up to 5 ms each time it wants the GIL
back from a converting thread, and the next page is late; at 0.5 ms a 815,677-row CSV export took 6.7-7.4 s
instead of 7.4-8.9 s (`bench/bench_cli_csv.py`), and the GUI thread paints sooner while a worker converts.
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL_S = 0.0005


def share_the_gil_finely() -> None:
    """Shorten the GIL switch interval for this process (the CLI and the GUI call it once, at start)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)

"""A spinner on stderr for work that takes more than a second, on a terminal only.

Short commands print nothing extra, and piped or captured output (CI logs, `| jq`, tests)
never sees a control sequence: rich's status line runs only where stderr is a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

DELAY_SECONDS: Final = 1.0


@contextmanager
def progress(message: str, *, delay: float = DELAY_SECONDS) -> Iterator[None]:
    """Show `message` with a spinner once the block has run for `delay` seconds."""
    if not (
        sys.stderr.isatty() or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE")
    ):
        # Surely not a terminal: rich (a tenth of a second to import) is not needed.
        yield
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.status import Status  # noqa: PLC0415

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    status = Status(message, console=console, spinner="dots")
    lock = threading.Lock()
    state = {"started": False, "done": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                status.start()
                state["started"] = True

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["started"]:
                status.stop()

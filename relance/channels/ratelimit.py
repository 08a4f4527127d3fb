"""A per-process pace for providers that cap how many messages they take per minute.

Messages are spaced evenly (``60 / per_minute`` seconds apart) rather than sent in bursts:
a provider counting per minute or per second then never sees more than the agreed rate. The
limit holds within one process; several workers each get the full rate, so divide it among
them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute is not None and per_minute <= 0:
            raise ValueError(f"a rate must be a positive number of messages, not {per_minute}")
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next: float | None = None
        # Worker threads sharing a transport share its pace too.
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next message may leave; the first one leaves at once."""
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            if self._next is not None and now < self._next:
                self.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval

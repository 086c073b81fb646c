"""Logging helpers for outages: one line per interval, not one per request."""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Let one record per logger through every ``interval`` seconds; drop the rest.

    For loggers that report an outage (the cache, the database): during one, every request
    fails the same way, and a line per request would bury everything else in the log. The
    record let through says how many were dropped since the last one.
    """

    def __init__(self, interval=60):
        super().__init__()
        self.interval = interval
        self._lock = threading.Lock()
        self._last = {}  # logger name -> (monotonic time let through, records dropped since)

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            last, dropped = self._last.get(record.name, (None, 0))
            if last is not None and now - last < self.interval:
                self._last[record.name] = (last, dropped + 1)
                return False
            self._last[record.name] = (now, 0)
        if dropped:
            record.msg = f"{record.msg} ({dropped} similar messages suppressed)"
        return True

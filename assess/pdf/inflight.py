"""One render at a time per document in this process: a second request for the same PDF waits for the first
and then reads the cache, instead of making the same PDF twice. Across processes or hosts two renders may
still happen at once; both write the same bytes to the cache, so that is only wasted work. Pure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_inflight: dict[str, tuple[threading.Lock, int]] = {}
_inflight_lock = threading.Lock()


@contextmanager
def one_at_a_time(key: str) -> Iterator[None]:
    with _inflight_lock:
        lock, users = _inflight.get(key, (threading.Lock(), 0))
        _inflight[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _inflight_lock:
            lock, users = _inflight[key]
            if users <= 1:
                del _inflight[key]
            else:
                _inflight[key] = (lock, users - 1)

"""One render at a time per document in this process: a second request for the same PDF waits for the first
and then reads the cache, instead of making the same PDF twice. Across processes or hosts two renders may
still happen at once; both write the same bytes to the cache, so that is only wasted work. Pure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

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


class _Store(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


class _Rendered(Protocol):
    @property
    def pdf(self) -> bytes: ...

    @property
    def refused(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Served:
    """A PDF from the cache ("hit") or just made and cached ("miss"), with any URL the fetcher refused."""

    body: bytes
    status: str
    refused: tuple[str, ...] = ()


def cached_pdf(store: _Store, key: str, make: Callable[[], _Rendered]) -> Served:
    """The cached PDF under `key`, or `make()` it once (one render at a time per key in this process) and
    cache it. Whatever `make` raises (a time limit, a failure) reaches the caller, and nothing is cached."""
    body = store.get(key)
    if body is not None:
        return Served(body, "hit")
    with one_at_a_time(key):
        body = store.get(key)
        if body is not None:
            return Served(body, "hit")
        rendered = make()
        store.put(key, rendered.pdf)
        return Served(rendered.pdf, "miss", tuple(rendered.refused))

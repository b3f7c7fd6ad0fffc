"""The synthesis stream's look-ahead: the engine works on a thread of its own, a few
parts ahead of the mixer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")


def ahead(items: Iterator[T], depth: int = 6) -> Iterator[T]:
    """``items``, made on a thread of their own up to ``depth`` ahead of the consumer.

    Closing the iterator (or an error on either side) stops the thread and waits for it,
    so the engine is never left synthesising for a render that has ended.
    """
    box: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((_END, exc))
            return
        put((_END, None))

    thread = threading.Thread(target=make, name="synthesis", daemon=True)
    thread.start()
    try:
        while True:
            item, error = box.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


_END = object()
"""Marks the end of :func:`ahead`'s items."""

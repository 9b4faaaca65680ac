"""Start-up work that keeps update handling fast under load (see bench/throughput.py).

- aiogram runs every synchronous filter (the `F.text` magic filters, `lambda` filters)
  in a worker thread with `asyncio.to_thread`, so that a slow one cannot block the event
  loop. Ours are pure and take microseconds; the thread hop costs a hundred times that
  and competes for the GIL with the database's thread. They run inline instead.
- aiogram parses every Bot API answer with `Response[ReturnType]`, a pydantic generic
  model that pydantic caches only weakly: when the garbage collector frees it, the next
  call builds it again (milliseconds each). Holding them keeps them built.
- The classifier trains its model on the first message it sees; training at start-up
  keeps that first person from waiting for it.
- The database works on aiosqlite's thread, which gives up the GIL during every SQLite
  call and must take it back after. While the event loop runs Python code (parsing the
  next Bot API answer, say), that thread waits until the loop blocks on I/O or until the
  interpreter's switch interval (5 ms by default) has passed, and the open transaction,
  with every update queued behind it, waits too. A shorter interval lets it back sooner:
  in bench/throughput.py, interleaved runs, more updates per second in 12 pairs of 13 and a
  lower p99 (README, Performance).
- What start-up built (aiogram's models, the routers, the translations, the classifier)
  lives as long as the process. The garbage collector's full collections walk every
  object it tracks, and a report's workbook allocates enough to set off several: each
  stopped the whole bot for 0.2–0.4 s (bench/report_lag.py). Frozen after start-up,
  those objects are left out of the walk (`gc.freeze`, as CPython's documentation
  suggests for long-lived servers); a full collection then takes 25–60 ms.
"""

from __future__ import annotations

import functools
import gc
import inspect
import sys
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router, methods
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.methods.base import Response, TelegramMethod

from domain import classify

# The parsed answer types, kept alive for the life of the process.
_RESPONSE_TYPES: list[type] = []

# Seconds a thread holding the GIL may run before another thread waiting for it gets it.
GIL_SWITCH_INTERVAL = 0.0005


def _filters(router: Router) -> Iterator[FilterObject]:
    for observer in router.observers.values():
        # A router's own filters (`router.message.filter(...)`, checked for every update
        # that reaches it) are kept by aiogram 3 on the observer's private `_handler`, a
        # HandlerObject that `check_root_filters` runs; nothing public lists them. Inline,
        # they cost an employee's message 0.1 ms of CPU instead of 1.7 (bench/
        # sync_filters.py). tests/bot/test_library_internals.py checks what this relies on.
        yield from observer._handler.filters or ()
        for handler in observer.handlers:
            yield from handler.filters or ()
    for child in router.sub_routers:
        yield from _filters(child)


def _inline(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    async def call(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    return call


def run_sync_filters_inline(router: Router) -> int:
    """Let the synchronous filters of `router` and its children run on the event loop;
    how many were changed."""
    changed = 0
    for flt in _filters(router):
        if flt.awaitable or inspect.iscoroutinefunction(flt.callback):
            continue
        # The parameters were read from the original callback; the wrapper passes them on.
        flt.callback = _inline(flt.callback)
        flt.awaitable = True
        changed += 1
    return changed


def keep_response_types() -> None:
    """Build aiogram's `Response[...]` model of every Bot API method once, and keep it."""
    if _RESPONSE_TYPES:
        return
    returning = {
        cls.__returning__
        for cls in vars(methods).values()
        if isinstance(cls, type) and issubclass(cls, TelegramMethod) and cls is not TelegramMethod
    }
    # A type argument held in a variable: pydantic builds the model at run time, mypy
    # accepts only types written out.
    _RESPONSE_TYPES.extend(Response[r] for r in returning)  # type: ignore[valid-type]


def hand_over_the_gil_sooner() -> None:
    """Shorten the interpreter's switch interval (for the whole process)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


_frozen = False


def freeze_what_start_up_built() -> None:
    """Leave what exists now out of the garbage collector's full collections (once per
    process: the tests start many desks in one)."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def warm_up() -> None:
    """Everything built lazily on the first update, built now."""
    keep_response_types()
    classify("не печатает принтер")

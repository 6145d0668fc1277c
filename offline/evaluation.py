"""How the mock engine runs the program fast, each measure scoped to one evaluation.

`benchmarks/plan_bench.py` measures the plan against its import floor; without these, half
of a plan's CPU time went to work whose result nobody reads:

- **The cyclic garbage collector is paused** while the program runs: the SDK allocates
  hundreds of Outputs, futures and tasks per resource, so the collector ran a dozen full
  collections over every imported module for a 200-API plan, and freed nothing (the peak
  memory is the same without them). It is restored when the evaluation ends, whatever
  happened, so a long-lived process (`diff`, the tests) collects as before.
- **No stack trace per resource.** Since 3.134 the SDK walks the Python stack at every
  registration (`_get_stack_trace` in `pulumi/runtime/resource.py`) and sends it to the
  engine for its error messages; the mock engine never reads it. The function is swapped
  for one returning an empty trace for the evaluation and put back afterwards;
  `tests/offline/test_evaluation.py` fails if the SDK stops calling it that way.
- **Monitor calls run inline.** The SDK hands every monitor call to the event loop's
  default executor (`run_in_executor(None, …)`), a thread pool: a thread switch per
  resource for a call that takes microseconds under mocks. The evaluation's own loop gets
  an executor that runs the call at once, on the loop's thread (`loop.set_default_executor`,
  asyncio's documented hook); `GraphRecorder` never pumps the loop from inside a call.
- **URNs joined at once, type unwrapping remembered** (`offline/sdk_shortcuts.py`): the
  SDK built a URN from Outputs at every registration and for every alias, and unwrapped the
  same declared types for every nested input value.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.proto import source_pb2

from offline.sdk_shortcuts import sdk_shortcuts

T = TypeVar("T")


class InlineExecutor(ThreadPoolExecutor):
    """Runs each submitted call immediately, on the caller's thread; starts no thread.
    (A ThreadPoolExecutor because asyncio accepts no other kind as a default executor.)"""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


def empty_stack_trace() -> source_pb2.StackTrace:
    """What `_get_stack_trace` returns when it finds no user frame."""
    return source_pb2.StackTrace()


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """The cyclic collector off for the block, then as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def without_stack_traces() -> Iterator[None]:
    """Registrations carry no stack trace for the block; the SDK's function is put back."""
    original = resource_runtime._get_stack_trace
    resource_runtime._get_stack_trace = empty_stack_trace
    try:
        yield
    finally:
        resource_runtime._get_stack_trace = original


@contextlib.contextmanager
def fast_evaluation() -> Iterator[None]:
    with paused_collector(), without_stack_traces(), sdk_shortcuts():
        yield

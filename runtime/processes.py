"""Where predictions run when `processes_per_replica > 1`: worker processes with threads.

Each of `processes_per_replica` worker processes (`runtime.worker`) loads its own predictor
and runs `threads_per_process` threads; the front process keeps the limiter, so the
concurrency limits stay per replica. Frames are length-prefixed pickles over a socket pair.

A worker that exits (killed, out of memory, a crash in native code) is replaced: its
unanswered requests get 503, the others keep being served by the remaining workers, and a
new worker loads the predictor meanwhile. A worker whose every thread has run one request
past the request timeout is wedged: its requests were answered 504 and it is killed, so it
is replaced too. A replacement that cannot load leaves the replica short of a worker for
good: liveness then fails and the kubelet restarts the container.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import socket
import struct
import subprocess
import sys
from pathlib import Path
from time import perf_counter
from typing import Any

from runtime.executors import timeout_outcome
from runtime.journal import Journal
from runtime.predictor import Outcome, Request, error_outcome
from runtime.settings import PredictorSettings
from runtime.user_code import LoadError

FRAME_HEADER = struct.Struct("!I")
_REAPED_SECONDS = 2.0


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME_HEADER.pack(len(data)) + data


class _Worker:
    """One worker process and the requests it has not answered yet (with when they left)."""

    def __init__(self, process: subprocess.Popen[bytes], writer: asyncio.StreamWriter) -> None:
        self.process = process
        self.writer = writer
        self.pending: dict[int, tuple[asyncio.Future[Outcome], float]] = {}
        self.ready = False
        self.killed = False


class ProcessExecutor:
    def __init__(
        self,
        project_dir: Path,
        predictor: PredictorSettings,
        processes: int,
        threads: int,
        *,
        timeout: float,
        journal: Journal,
    ) -> None:
        self._init = ("init", str(project_dir), predictor, threads)
        self._count = processes
        self._threads = threads
        self._timeout = timeout
        self._journal = journal
        self._workers: list[_Worker] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._ids = itertools.count()
        self._closing = False
        self.failed: str | None = None
        self.stuck = 0

    async def start(self) -> None:
        spawned = [await self._spawn() for _ in range(self._count)]
        hellos = await asyncio.gather(*(_read_frame(r) for _, r in spawned), return_exceptions=True)
        for hello in hellos:
            if isinstance(hello, BaseException):
                raise LoadError("a worker process exited while loading the predictor")
            if hello[0] != "ready":
                raise LoadError(hello[1], hello[2])
        for worker, reader in spawned:
            self._serve(worker, reader)

    async def _spawn(self) -> tuple[_Worker, asyncio.StreamReader]:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "runtime.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                env=os.environ.copy(),
            )
        reader, writer = await asyncio.open_connection(sock=ours)
        worker = _Worker(process, writer)
        writer.write(frame(self._init))
        return worker, reader

    def _serve(self, worker: _Worker, reader: asyncio.StreamReader) -> None:
        worker.ready = True
        self._workers.append(worker)
        self._background(self._collect(worker, reader))

    def _background(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _collect(self, worker: _Worker, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                request_id, outcome = await _read_frame(reader)
                future, _ = worker.pending.pop(request_id, (None, 0.0))
                if future is not None and not future.done():
                    future.set_result(outcome)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        worker.ready = False
        self._workers.remove(worker)
        lost = [future for future, _ in worker.pending.values() if not future.done()]
        worker.pending.clear()
        for future in lost:
            future.set_result(error_outcome(503, "the worker process exited"))
        worker.writer.close()
        if self._closing:
            return
        code = await asyncio.to_thread(_reaped, worker.process)
        self._journal.error(
            "worker_exited",
            f"worker process {worker.process.pid} exited; starting a replacement",
            pid=worker.process.pid,
            exit_code=code,
            requests_lost=len(lost),
        )
        await self._replace()

    async def _replace(self) -> None:
        worker, reader = await self._spawn()
        try:
            hello = await _read_frame(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            hello = ("failed", "it exited while loading the predictor", None)
        if self._closing:
            worker.writer.close()
            return
        if hello[0] != "ready":
            worker.writer.close()
            self.failed = f"a replacement worker process could not load the predictor: {hello[1]}"
            self._journal.error("worker_failed", self.failed, hello[2])
            return
        self._serve(worker, reader)
        self._journal.event("worker_replaced", pid=worker.process.pid)

    async def run(self, request: Request) -> Outcome:
        # Least pending first: a slow request on one worker does not hold up the next one.
        live = [worker for worker in self._workers if worker.ready]
        if not live:
            return error_outcome(503, "no worker process is running; a replacement is starting")
        worker = min(live, key=lambda w: len(w.pending))
        request_id = next(self._ids)
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        worker.pending[request_id] = (future, perf_counter())
        worker.writer.write(frame((request_id, request)))
        return await future

    def sweep(self) -> None:
        now = perf_counter()
        timeout = self._timeout
        stuck = 0
        for worker in list(self._workers):
            late = [f for f, start in worker.pending.values() if now - start > timeout]
            for future in late:
                if not future.done():
                    future.set_result(timeout_outcome(timeout))
            stuck += len(late)
            if len(late) >= self._threads and not worker.killed:
                # Entries stay pending until the worker answers or dies: they are its
                # threads' work. All of them past the timeout: no thread of it is free.
                worker.killed = True
                self._journal.event(
                    "worker_killed",
                    "WARNING",
                    pid=worker.process.pid,
                    message=f"all its {self._threads} threads ran past {timeout:g} s",
                )
                worker.process.kill()
        self.stuck = stuck

    def abandon(self, outcome: Outcome) -> int:
        count = 0
        for worker in self._workers:
            for future, _ in worker.pending.values():
                if not future.done():
                    future.set_result(outcome)
                    count += 1
        return count

    def serving(self) -> bool:
        return any(worker.ready for worker in self._workers)

    def trouble(self) -> str | None:
        return self.failed

    async def close(self, seconds: float) -> None:
        self._closing = True
        workers = list(self._workers)
        for worker in workers:
            worker.writer.close()
        # A worker exits when its input ends; one that does not is killed.
        waits = [asyncio.to_thread(_reaped, w.process, seconds) for w in workers]
        for worker, code in zip(workers, await asyncio.gather(*waits), strict=True):
            if code is None:
                worker.process.kill()
        for task in self._tasks:
            task.cancel()


def _reaped(process: subprocess.Popen[bytes], seconds: float = _REAPED_SECONDS) -> int | None:
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        return None


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    (size,) = FRAME_HEADER.unpack(await reader.readexactly(FRAME_HEADER.size))
    return pickle.loads(await reader.readexactly(size))  # noqa: S301 - our own child process

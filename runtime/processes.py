"""Where predictions run when `processes_per_replica > 1`: worker processes with threads.

Each of `processes_per_replica` worker processes (`runtime.worker`) loads its own predictor
and runs `threads_per_process` threads; the front process keeps the limiter, so the
concurrency limits stay per replica. Frames are length-prefixed pickles over a socket pair.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.predictor import LoadError, Outcome, Request, error_outcome
from runtime.settings import PredictorSettings

FRAME_HEADER = struct.Struct("!I")
_STOP_SECONDS = 10.0


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME_HEADER.pack(len(data)) + data


class _Worker:
    """One worker process and the requests it has not answered yet."""

    def __init__(self, process: subprocess.Popen[bytes], writer: asyncio.StreamWriter) -> None:
        self.process = process
        self.writer = writer
        self.pending: dict[int, asyncio.Future[Outcome]] = {}
        self.reader_task: asyncio.Task[None] | None = None


class ProcessExecutor:
    def __init__(
        self,
        project_dir: Path,
        predictor: PredictorSettings,
        processes: int,
        threads: int,
        on_crash: Callable[[str], None],
    ) -> None:
        self._init = ("init", str(project_dir), predictor, threads)
        self._count = processes
        self._on_crash = on_crash
        self._workers: list[_Worker] = []
        self._ids = itertools.count()
        self._closing = False

    async def start(self) -> None:
        readers = [await self._spawn() for _ in range(self._count)]
        hellos = await asyncio.gather(*(_read_frame(r) for r in readers), return_exceptions=True)
        for hello in hellos:
            if isinstance(hello, BaseException):
                raise LoadError("a worker process exited while loading the predictor")
            if hello[0] != "ready":
                raise LoadError(hello[1], hello[2])
        for worker, reader in zip(self._workers, readers, strict=True):
            worker.reader_task = asyncio.create_task(self._collect(worker, reader))

    async def _spawn(self) -> asyncio.StreamReader:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "runtime.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                env=os.environ.copy(),
            )
        reader, writer = await asyncio.open_connection(sock=ours)
        self._workers.append(_Worker(process, writer))
        writer.write(frame(self._init))
        return reader

    async def _collect(self, worker: _Worker, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                request_id, outcome = await _read_frame(reader)
                future = worker.pending.pop(request_id, None)
                if future is not None and not future.done():
                    future.set_result(outcome)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        for future in worker.pending.values():
            if not future.done():
                future.set_result(error_outcome(500, "the worker process exited"))
        worker.pending.clear()
        if not self._closing:
            self._on_crash(f"worker process {worker.process.pid} exited")

    async def run(self, request: Request) -> Outcome:
        # Least pending first: a slow request on one worker does not hold up the next one.
        worker = min(self._workers, key=lambda w: len(w.pending))
        request_id = next(self._ids)
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        worker.pending[request_id] = future
        worker.writer.write(frame((request_id, request)))
        return await future

    async def close(self) -> None:
        self._closing = True
        for worker in self._workers:
            worker.writer.close()
        for worker in self._workers:
            try:
                await asyncio.wait_for(asyncio.to_thread(worker.process.wait), _STOP_SECONDS)
            except TimeoutError:
                worker.process.kill()
            if worker.reader_task is not None:
                worker.reader_task.cancel()


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    (size,) = FRAME_HEADER.unpack(await reader.readexactly(FRAME_HEADER.size))
    return pickle.loads(await reader.readexactly(size))  # noqa: S301 - our own child process

"""A worker process (`python -m runtime.worker FD`): one predictor, `threads_per_process` threads.

Spawned by `runtime.processes.ProcessExecutor` with one end of a socket pair; it reads the
init frame, loads the predictor, answers "ready", then runs each request frame in its
thread pool and writes the outcome back. End of input means the replica is stopping (or
the front process is gone): the worker exits at once, without waiting for its threads, since
a thread stuck in `predict` would otherwise keep it alive, orphaned.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import socket
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from runtime.batching import Batching, gather
from runtime.executors import batch_guarded
from runtime.predictor import Predictor, Request, error_outcome, load_predictor
from runtime.processes import FRAME_HEADER, frame
from runtime.user_code import LoadError


def _read(stream: BinaryIO) -> Any:
    header = stream.read(FRAME_HEADER.size)
    if len(header) < FRAME_HEADER.size:
        return None
    (size,) = FRAME_HEADER.unpack(header)
    return pickle.loads(stream.read(size))  # noqa: S301 - frames come from our parent process


def serve(channel: socket.socket) -> int:
    stream = channel.makefile("rb")
    init = _read(stream)
    if init is None:
        return 0
    _, project_dir, settings, threads = init
    try:
        predictor = load_predictor(Path(project_dir), settings)
    except LoadError as error:
        channel.sendall(frame(("failed", f"{error}", traceback.format_exc())))
        return 1
    channel.sendall(frame(("ready", None)))
    lock = threading.Lock()

    def answer(request_id: int, request: Request, call: Predictor) -> None:
        try:
            outcome = call(request)
        except BaseException as error:
            outcome = error_outcome(500, type(error).__name__, traceback.format_exc())
        with lock:
            channel.sendall(frame((request_id, outcome)))

    if settings.batching is not None:
        jobs: queue.SimpleQueue[list[tuple[int, Request]] | None] = queue.SimpleQueue()
        batcher = threading.Thread(
            target=_batches,
            args=(channel, jobs, predictor, settings.batching),
            name="predict-batches",
            daemon=True,
        )
        batcher.start()
        while (message := _read(stream)) is not None:
            jobs.put([message])
        return 0
    pool = ThreadPoolExecutor(threads, thread_name_prefix="predict")
    while (message := _read(stream)) is not None:
        request_id, request = message
        pool.submit(answer, request_id, request, predictor)
    return 0


def _batches(
    channel: socket.socket,
    jobs: queue.SimpleQueue[list[tuple[int, Request]] | None],
    predictor: Predictor,
    batching: Batching,
) -> None:
    """Server-side batching in a worker: batches of the requests read, one at a time."""
    waiting: list[tuple[int, Request]] = []
    ended = False
    while not ended:
        batch, ended = gather(jobs, waiting, batching)
        if batch:
            outcomes = batch_guarded(predictor, [request for _, request in batch])
            channel.sendall(
                b"".join(
                    frame((request_id, outcome))
                    for (request_id, _), outcome in zip(batch, outcomes, strict=True)
                )
            )


def main() -> None:
    # Ctrl-C reaches the whole process group locally; only the front process decides when
    # to stop, and it closes our socket then.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with socket.socket(fileno=int(sys.argv[1])) as channel:
        code = serve(channel)
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: the interpreter would join the pool's threads, stuck ones included.
    os._exit(code)


if __name__ == "__main__":
    main()

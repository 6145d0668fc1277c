"""The logs of a set of pods (an API's replicas, a gateway's, one job's workers: the label
selector of log_targets.py), each line prefixed with the pod it came from.

Without `follow`, each container's log is read with the API server's timestamps and the
lines of all replicas are merged in time order. With `follow`, one reader per container
streams into a queue and lines are passed on as they arrive. Replicas that start while
following are not picked up (run the command again).
"""

from __future__ import annotations

import heapq
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from cortex_kube.connection import Kube
from cortex_spec import naming

_DONE: Final = object()


@dataclass(frozen=True, order=True)
class LogLine:
    when: str  # RFC 3339 with nanoseconds, from the API server: sorts as text
    source: str
    text: str


@dataclass(frozen=True)
class Source:
    pod: str
    container: str
    label: str


def _started(status: dict[str, Any]) -> bool:
    """A container that has run (now or before a restart) has a log; one still waiting for
    its first start has none, and the API server answers 400 for it."""
    state, last = status.get("state") or {}, status.get("lastState") or {}
    return bool(state.get("running") or state.get("terminated") or last.get("terminated"))


def container_names(pod: dict[str, Any]) -> list[str]:
    """The pod's started containers, and its native sidecars (init containers with
    `restartPolicy: Always`): a container-form BatchAPI's own servers run as those
    (job_template.py). A pod not scheduled or still pulling its images has none yet."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    statuses = [
        *(status.get("initContainerStatuses") or []),
        *(status.get("containerStatuses") or []),
    ]
    started = {str(s.get("name")) for s in statuses if _started(s)}
    names = [str(c["name"]) for c in [*sidecars, *(spec.get("containers") or [])]]
    return [name for name in names if name in started]


def sources(kube: Kube, selector: str, what: str, container: str | None = None) -> list[Source]:
    """Every started container (or the one named) of every pod the selector picks, oldest
    pod first."""
    pods = kube.read(
        f"listing the pods of {what}",
        kube.core.list_namespaced_pod,
        naming.NAMESPACE,
        label_selector=selector,
    ).get("items", [])
    found = []
    for pod in sorted(pods, key=lambda p: str(p["metadata"].get("creationTimestamp", ""))):
        name = str(pod["metadata"]["name"])
        names = container_names(pod)
        chosen = [c for c in names if container is None or c == container]
        found += [Source(name, c, name if len(names) == 1 else f"{name}/{c}") for c in chosen]
    return found


def _split(raw: bytes) -> tuple[str, str]:
    text = raw.decode("utf-8", errors="replace")
    when, _, rest = text.partition(" ")
    return (when, rest) if when[:2].isdigit() else ("", text)


def _read(kube: Kube, source: Source, follow: bool, since: int | None) -> Iterator[LogLine]:
    for raw in kube.stream_log(
        source.pod, naming.NAMESPACE, source.container, follow=follow, since_seconds=since
    ):
        when, text = _split(raw)
        yield LogLine(when, source.label, text)


def merged(kube: Kube, found: list[Source], since: int | None) -> Iterator[LogLine]:
    """All lines so far, in time order across replicas (each replica's own order kept)."""
    streams = [list(_read(kube, source, False, since)) for source in found]
    yield from heapq.merge(*streams, key=lambda line: line.when)


def followed(kube: Kube, found: list[Source], since: int | None) -> Iterator[LogLine]:
    """Lines as they arrive from every replica, until every stream ends."""
    lines: queue.Queue[Any] = queue.Queue(maxsize=1000)
    failures: list[BaseException] = []

    def pump(source: Source) -> None:
        try:
            for line in _read(kube, source, True, since):
                lines.put(line)
        except Exception as error:
            failures.append(error)
        finally:
            lines.put(_DONE)

    for source in found:
        threading.Thread(target=pump, args=(source,), daemon=True).start()
    running = len(found)
    while running:
        item = lines.get()
        if item is _DONE:
            running -= 1
            continue
        yield item
    if failures:
        raise failures[0]

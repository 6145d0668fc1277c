"""The local stand-in for the router's TrafficSplitter route, for `cortex-infra serve`.

In the cluster, Envoy splits a TrafficSplitter's requests (`weighted_clusters`) and copies
them to its shadow (`request_mirror_policies`), routing.py. Locally, each API it splits to
runs as its own `cortex-runtime serve` on a port of its own, and this proxy does what the
route does: strip the splitter's endpoint (the APIs answer at `/`), pick an API by weight,
and send a copy of `shadow.weight` percent of the requests to the shadow, whose answer is
dropped. Standard library only; one thread per request, as development traffic needs.
"""

from __future__ import annotations

import http.client
import random
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Final

from runtime import contract

LOCALHOST: Final = "127.0.0.1"
# Hop-by-hop headers (RFC 9110 section 7.6.1) are not forwarded.
HOP_BY_HOP: Final = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}
)
TIMEOUT_SECONDS: Final = 300.0


@dataclass(frozen=True)
class Target:
    """One API of the split, running locally on `port`."""

    name: str
    port: int
    weight: int


def strip(endpoint: str, target: str) -> str:
    """`/rank/x?q` → `/x?q` and `/rank` → `/`, as the router's `regex_rewrite` does."""
    path, mark, query = target.partition("?")
    prefix = endpoint.rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    return path + mark + query


class Split:
    """The routing decision: weights over the primaries, a percentage to the shadow."""

    def __init__(
        self,
        endpoint: str,
        primaries: list[Target],
        shadow: Target | None,
        rng: random.Random | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.primaries = primaries
        self.shadow = shadow
        self.rng = rng or random.Random()  # noqa: S311 - a traffic split, not a secret

    def choose(self) -> Target:
        weights = [t.weight for t in self.primaries]
        return self.rng.choices(self.primaries, weights=weights)[0]

    def mirrors(self) -> bool:
        return self.shadow is not None and self.rng.randrange(100) < self.shadow.weight


def _send(
    target: Target, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection(LOCALHOST, target.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _handler(split: Split) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def do_PUT(self) -> None:
            self._route()

        def do_DELETE(self) -> None:
            self._route()

        def _route(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            path = strip(split.endpoint, self.path)
            if path == contract.HEALTH_PATH:
                self._health()
                return
            if split.mirrors() and split.shadow is not None:
                shadow = split.shadow
                threading.Thread(
                    target=_quietly, args=(shadow, self.command, path, headers, body), daemon=True
                ).start()
            try:
                status, answer_headers, answer = _send(
                    split.choose(), self.command, path, headers, body
                )
            except OSError as error:
                self._reply(502, [("content-type", "application/json")], _error(str(error)))
                return
            kept = [(k, v) for k, v in answer_headers if k.lower() not in HOP_BY_HOP]
            self._reply(status, kept, answer)

        def _health(self) -> None:
            everyone = [*split.primaries, *([split.shadow] if split.shadow else [])]
            for target in everyone:
                try:
                    status, _, _ = _send(target, "GET", contract.HEALTH_PATH, {}, b"")
                except OSError:
                    status = 503
                if status != 200:
                    self._reply(503, [], _error(f"{target.name} is not ready"))
                    return
            self._reply(200, [("content-type", "application/json")], b'{"ok": true}')

        def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                if key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def _error(message: str) -> bytes:
    return ('{"error": "' + message.replace('"', "'") + '"}').encode()


def _quietly(target: Target, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
    """The shadow's copy: fire and forget, as Envoy's mirror; its answer is dropped."""
    try:
        _send(target, method, path, headers, body)
    except OSError:
        return


class SplitServer(ThreadingHTTPServer):
    daemon_threads = True


def server(split: Split, host: str, port: int) -> SplitServer:
    return SplitServer((host, port), _handler(split))

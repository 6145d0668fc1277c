"""A local fake Kubernetes API server on 127.0.0.1, for `get` and `logs` through the real
client: it answers the GET paths those commands use, from documents in the API's shapes
(`documents.py`), and streams pod logs line by line, `follow` included.

It filters pods and Jobs by `labelSelector` (`key` and `key=value` terms, as the API does), answers
unknown paths with a 404 `Status`, records every request path, and requires the bearer
token of its kubeconfig (a 401 `Status` otherwise), so the client's authentication is
exercised too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import yaml

from tests.kube import documents

TOKEN = "fake-token"


@dataclass
class Cluster:
    """What the fake server holds."""

    pods: list[dict[str, Any]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    autoscaler: dict[str, Any] | None = None
    in_flight: dict[str, float] | None = None
    # (pod, container) -> [(RFC 3339 time, text)]; with follow, sent `delay` apart.
    logs: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)


def _selected(item: dict[str, Any], selector: str) -> bool:
    labels = item["metadata"].get("labels", {})
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if key not in labels or (value and labels[key] != value):
            return False
    return True


def _handler(cluster: Cluster) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def _json(self, code: int, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _list(self, kind: str, items: list[dict[str, Any]]) -> None:
            versions = {"DeploymentList": "apps/v1", "JobList": "batch/v1"}
            version = versions.get(kind, "v1")
            document = {"apiVersion": version, "kind": kind, "metadata": {}, "items": items}
            self._json(200, document)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            path, query = unquote(url.path), parse_qs(url.query)
            cluster.requests.append(self.path)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._json(
                    401, {**documents.status_404("token"), "code": 401, "reason": "Unauthorized"}
                )
                return
            lists = {
                "/api/v1/namespaces/cortex/pods": ("PodList", cluster.pods),
                "/apis/batch/v1/namespaces/cortex/jobs": ("JobList", cluster.jobs),
                "/apis/apps/v1/namespaces/cortex/deployments": (
                    "DeploymentList",
                    cluster.deployments,
                ),
                "/api/v1/nodes": ("NodeList", cluster.nodes),
            }
            if path in lists:
                kind, items = lists[path]
                selector = query.get("labelSelector", [""])[0]
                self._list(kind, [item for item in items if _selected(item, selector)])
            elif path == "/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status":
                if cluster.autoscaler is None:
                    self._json(404, documents.status_404('configmaps "cluster-autoscaler-status"'))
                else:
                    self._json(200, cluster.autoscaler)
            elif path.startswith(
                "/api/v1/namespaces/monitoring/services/prometheus-server:80/proxy"
            ):
                if cluster.in_flight is None:
                    self._json(404, documents.status_404('services "prometheus-server"'))
                else:
                    self._json(200, documents.prometheus_vector(cluster.in_flight))
            elif path.startswith("/api/v1/namespaces/cortex/pods/") and path.endswith("/log"):
                pod = path.split("/")[6]
                self._log(pod, query)
            else:
                self._json(404, documents.status_404(path))

        def _log(self, pod: str, query: dict[str, list[str]]) -> None:
            container = query.get("container", [""])[0]
            lines = cluster.logs.get((pod, container))
            if lines is None:
                self._json(404, documents.status_404(f'pods "{pod}"'))
                return
            follow = query.get("follow", ["false"])[0] == "true"
            stamped = query.get("timestamps", ["false"])[0] == "true"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for when, text in lines:
                if follow and cluster.delay:
                    time.sleep(cluster.delay)
                line = (f"{when} {text}" if stamped else text).encode() + b"\n"
                self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    return Handler


@contextmanager
def serving(cluster: Cluster, folder: Path) -> Iterator[Path]:
    """Serve `cluster` on a free loopback port; yields the path of a kubeconfig for it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(cluster))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    kubeconfig = folder / "kubeconfig.yaml"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": f"http://{host!s}:{port}"}}],
                "users": [{"name": "admin", "user": {"token": TOKEN}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "admin"}}],
                "current-context": "fake",
            }
        )
    )
    try:
        yield kubeconfig
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""A minimal LSP client for Red Hat's yaml-language-server (tools/yaml-ls, from npm): open
a YAML file whose modeline names a schema, and collect the diagnostics the server
publishes for it, as an editor (VS Code's YAML extension, Neovim, ...) would show them."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

from tests.conftest import REPO

SERVER = REPO / "tools" / "yaml-ls" / "node_modules" / "yaml-language-server" / "bin"
TIMEOUT = 30.0


def _send(stdin: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    stdin.flush()


def _read(stdout: IO[bytes], into: queue.Queue[dict[str, Any]]) -> None:
    while True:
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            byte = stdout.read(1)
            if not byte:
                return
            header += byte
        length = next(
            int(line.split(b":")[1])
            for line in header.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        body = stdout.read(length)
        if len(body) < length:  # the server was stopped mid-message: the session is over
            return
        into.put(json.loads(body))


class Editor:
    """One yaml-language-server process; `diagnostics(path)` opens a file and waits."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(SERVER / "yaml-language-server"), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.stdin = self.process.stdin
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(
            target=_read, args=(self.process.stdout, self.messages), daemon=True
        ).start()
        _send(
            self.stdin,
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}},
            },
        )
        self._wait(lambda m: m.get("id") == 1)
        _send(self.stdin, {"method": "initialized", "params": {}})
        settings = {"yaml": {"validate": True, "schemaStore": {"enable": False}}}
        _send(
            self.stdin,
            {"method": "workspace/didChangeConfiguration", "params": {"settings": settings}},
        )
        self.version = 0

    def _wait(self, wanted: Any) -> dict[str, Any]:
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if message.get("method") == "workspace/configuration" and "id" in message:
                items = message["params"]["items"]
                _send(self.stdin, {"id": message["id"], "result": [None] * len(items)})
                continue
            if "id" in message and "method" in message:  # any other request: empty answer
                _send(self.stdin, {"id": message["id"], "result": None})
                continue
            if wanted(message):
                return message

    def diagnostics(self, text: str, path: Path) -> list[dict[str, Any]]:
        self.version += 1
        uri = path.resolve().as_uri()
        _send(
            self.stdin,
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "yaml",
                        "version": self.version,
                        "text": text,
                    }
                },
            },
        )
        found = self._wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        _send(
            self.stdin,
            {"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
        )
        result: list[dict[str, Any]] = found["params"]["diagnostics"]
        return result

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

"""The one object store of the runtime (AsyncAPI requests, job records and outcomes): the
S3 form on the moto server over HTTP, and the in-memory form `serve` uses, behave alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from runtime import aws_clients
from runtime.object_store import CorruptObjectError, MemoryStore, ObjectStore, S3Store
from tests.conftest import MotoServer

BUCKET = "objects"


@pytest.fixture(params=["s3", "memory"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    if request.param == "memory":
        return MemoryStore()
    request.getfixturevalue("aws")
    s3 = aws_clients.client("s3", "us-west-2")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    return S3Store(BUCKET, s3)


def test_a_missing_key_reads_as_none_and_deletes_quietly(store: ObjectStore) -> None:
    """Every caller has a "not there (yet)" answer: get and get_json are None, delete is a no-op."""
    assert store.get("a/missing") is None
    assert store.get_json("a/missing") is None
    store.delete("a/missing")
    assert store.count("a/") == 0


def test_json_round_trips_with_sorted_keys(store: ObjectStore) -> None:
    """put_json writes sorted keys as application/json; get_json reads the same document."""
    store.put_json("a/record.json", {"b": 1, "a": [None, "x"]})
    stored = store.get("a/record.json")
    assert stored is not None
    assert stored.body == b'{"a": [null, "x"], "b": 1}'
    assert stored.content_type == "application/json"
    assert store.get_json("a/record.json") == {"a": [None, "x"], "b": 1}


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\xfa", b""])
def test_an_object_that_is_not_json_is_a_corrupt_object_naming_its_key(
    store: ObjectStore, body: bytes
) -> None:
    """Bad JSON, bytes of no Unicode encoding, or nothing at all: CorruptObjectError (a
    ValueError, as json's own) with the key in the message."""
    store.put("a/result.json", body, "application/json")
    with pytest.raises(CorruptObjectError, match=r"a/result\.json is not JSON"):
        store.get_json("a/result.json")


def test_keys_and_counts_stay_under_their_prefix(store: ObjectStore) -> None:
    """A job's `succeeded/` is not its sibling `succeeded-old/`; keys come in key order."""
    for key in ("j/succeeded/2", "j/succeeded/1", "j/succeeded-old/1", "k/succeeded/1"):
        store.put(key, b"")
    assert list(store.keys("j/succeeded/")) == ["j/succeeded/1", "j/succeeded/2"]
    assert store.count("j/succeeded/") == 2
    store.delete("j/succeeded/1")
    assert store.count("j/succeeded/") == 1


def test_an_untyped_put_keeps_the_stores_default_type(store: ObjectStore) -> None:
    """Batch outcome markers are written without a type; both stores say S3's default."""
    store.put("j/failed/3-1", b"")
    stored = store.get("j/failed/3-1")
    assert stored is not None
    assert (stored.body, stored.content_type) == (b"", "binary/octet-stream")


class _Flaky(BaseHTTPRequestHandler):
    """Two 500s, then S3's NoSuchKey: what a retrying client sees through a bad minute."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        if type(self).calls <= 2:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<Error><Code>NoSuchKey</Code><Message>none</Message></Error>"
        self.send_response(404)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture
def flaky(aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Flaky]]:
    del aws  # its credentials and region, with the endpoint pointed at the flaky server
    _Flaky.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield _Flaky
    finally:
        server.shutdown()
        server.server_close()


def test_the_client_retries_server_errors_before_the_store_answers(flaky: type[_Flaky]) -> None:
    """The store adds no retries of its own: the client's standard mode rides out two 500s,
    and the NoSuchKey that follows is a plain None."""
    store = S3Store(BUCKET, aws_clients.client("s3", "us-west-2", retries=2))
    assert store.get("a/status") is None
    assert flaky.calls == 3


def test_the_clients_use_standard_retries_and_the_callers_bounds() -> None:
    """Every runtime client retries in botocore's standard mode; the secret resolver's
    bounds (retries, timeouts) reach the client's config."""
    plain = aws_clients.client("sqs", "us-west-2")
    assert plain.meta.config.retries == {"mode": "standard"}
    bounded = aws_clients.client("s3", "us-west-2", retries=5, connect_seconds=5, read_seconds=10)
    # botocore counts the first call in: 5 retries are 6 attempts.
    assert bounded.meta.config.retries == {"mode": "standard", "total_max_attempts": 6}
    assert (bounded.meta.config.connect_timeout, bounded.meta.config.read_timeout) == (5, 10)
    assert (plain.meta.service_model.service_name, plain.meta.region_name) == ("sqs", "us-west-2")

"""The runtime's boto3 clients: one factory for the AsyncAPI gateway and workers, the job
gateway and workers, and the secret resolver.

Every client uses boto3's standard chain (the pod's IRSA role; locally, the caller's
credentials, or `AWS_ENDPOINT_URL` in the tests) and botocore's `standard` retry mode, which
retries throttling and transient errors with backoff (botocore docs, "Retries": legacy mode
retries fewer kinds of error and has no retry quota).
"""

from __future__ import annotations

from typing import Any


def client(
    service: str,
    region: str | None,
    *,
    retries: int | None = None,
    connect_seconds: float | None = None,
    read_seconds: float | None = None,
) -> Any:
    """A boto3 client; `retries` (after the first call: botocore's `max_attempts`) and the
    timeouts default to botocore's (2 retries in standard mode; 60 s timeouts)."""
    import boto3  # noqa: PLC0415 - the spec package imports runtime modules without boto3
    from botocore.config import Config  # noqa: PLC0415

    retry: dict[str, Any] = {"mode": "standard"}
    if retries is not None:
        retry["max_attempts"] = retries
    options: dict[str, Any] = {"retries": retry}
    if connect_seconds is not None:
        options["connect_timeout"] = connect_seconds
    if read_seconds is not None:
        options["read_timeout"] = read_seconds
    # A Session's client takes any service name as a plain string (boto3.client is typed
    # with one overload per service literal).
    session = boto3.session.Session(region_name=region)
    return session.client(service, config=Config(**options))  # type: ignore[call-overload]

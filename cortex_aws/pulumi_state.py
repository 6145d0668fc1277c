"""Read a stack's last deployed checkpoint from a Pulumi DIY backend on S3.

Layout under the backend root (pulumi `pkg/backend/diy/store.go`): project-scoped stacks in
`.pulumi/stacks/<project>/<stack>.json`, or `.json.gz` when written with gzip; stacks of
the legacy, project-less layout in `.pulumi/stacks/<stack>.json`. The checkpoint is returned
as parsed JSON; nothing here interprets it (see `offline/state_graph.py`).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from cortex_spec.errors import StateError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING_KEY = frozenset({"NoSuchKey", "404", "NotFound"})


@dataclass(frozen=True)
class Backend:
    """`s3://BUCKET[/PREFIX][?region=…]`, as `pulumi login` takes it."""

    bucket: str
    prefix: str
    region: str | None = None

    @classmethod
    def parse(cls, url: str) -> Backend:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise StateError(
                f"{url!r} is not an S3 backend URL",
                hint="write it like s3://my-pulumi-state or s3://my-pulumi-state/cortex",
            )
        region = parse_qs(parsed.query).get("region", [None])[0]
        return cls(parsed.netloc, parsed.path.strip("/"), region)

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def candidates(self, project: str, stack: str) -> list[str]:
        """Where the stack file may be, in the order Pulumi itself would use them."""
        return [
            self.key(f".pulumi/stacks/{project}/{stack}.json"),
            self.key(f".pulumi/stacks/{project}/{stack}.json.gz"),
            self.key(f".pulumi/stacks/{stack}.json"),
            self.key(f".pulumi/stacks/{stack}.json.gz"),
        ]

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


def read_checkpoint(
    url: str, *, project: str, stack: str, client: S3Client | None = None
) -> dict[str, Any]:
    """The parsed stack file of `project`/`stack`; StateError if it cannot be read."""
    backend = Backend.parse(url)
    # A fresh session: credentials are resolved now, not taken from an earlier default one.
    s3 = client or boto3.session.Session(region_name=backend.region).client("s3")
    for key in backend.candidates(project, stack):
        body = _get(s3, backend, key)
        if body is not None:
            return _parse(body, key, backend)
    zst = backend.key(f".pulumi/stacks/{project}/{stack}.json.zst")
    if _get(s3, backend, zst) is not None:
        raise StateError(
            f"the state of stack {stack!r} is zstd-compressed ({zst}), which this reader "
            "does not decompress",
            hint="re-save it uncompressed or with gzip (PULUMI_DIY_BACKEND_GZIP=true) and rerun",
        )
    others = _stacks(s3, backend, project)
    listed = ", ".join(others) if others else "none"
    raise StateError(
        f"no deployed state for stack {stack!r} of project {project!r} in {backend} "
        f"(looked for {', '.join(backend.candidates(project, stack)[::2])}[.gz]); "
        f"stacks found: {listed}",
        hint="check --stack and the backend URL (the one `pulumi login` uses)",
    )


def _get(s3: S3Client, backend: Backend, key: str) -> bytes | None:
    try:
        return s3.get_object(Bucket=backend.bucket, Key=key)["Body"].read()
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in _MISSING_KEY:
            return None
        raise _client_error(error, code, backend) from None
    except NoCredentialsError:
        raise StateError(
            f"no AWS credentials to read the state in {backend}",
            hint="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run in CI "
            "with the role the deploy workflow assumes",
        ) from None
    except BotoCoreError as error:
        raise StateError(f"cannot read the state in {backend}: {error}") from None


def _client_error(error: ClientError, code: str, backend: Backend) -> StateError:
    if code == "NoSuchBucket":
        return StateError(
            f"the state bucket {backend.bucket!r} does not exist",
            hint="check the backend URL (the one `pulumi login` uses) and the AWS account",
        )
    if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return StateError(
            f"AWS denied reading the state in {backend} ({code})",
            hint="the credentials need s3:GetObject and s3:ListBucket on the state bucket",
        )
    message = error.response.get("Error", {}).get("Message", "")
    return StateError(f"cannot read the state in {backend}: {code} {message}".rstrip())


def _parse(body: bytes, key: str, backend: Backend) -> dict[str, Any]:
    try:
        text = gzip.decompress(body) if key.endswith(".gz") else body
        document = json.loads(text)
    except (OSError, EOFError, ValueError) as error:
        raise StateError(
            f"s3://{backend.bucket}/{key} is not a readable stack file: {error}"
        ) from None
    if not isinstance(document, dict):
        raise StateError(f"s3://{backend.bucket}/{key} is not a Pulumi stack file")
    return document


def _stacks(s3: S3Client, backend: Backend, project: str) -> list[str]:
    """Stack names present for `project` (for the error message; best effort)."""
    prefix = backend.key(f".pulumi/stacks/{project}/")
    try:
        listing = s3.list_objects_v2(Bucket=backend.bucket, Prefix=prefix)
    except (ClientError, BotoCoreError):
        return []
    names = []
    for item in listing.get("Contents", []):
        name = item.get("Key", "")[len(prefix) :]
        if "/" not in name and name.endswith((".json", ".json.gz")):
            names.append(name.removesuffix(".gz").removesuffix(".json"))
    return sorted(set(names))

"""The predictor form's code: a content-addressed bundle per API in a stack-owned bucket.

The bucket is versioned, encrypted at rest (SSE-S3), closed to the public and to plain
HTTP. Each API's bundle is its own folder (`cortex_spec.api_bundles`); keys are
`apis/<name>/<sha256>.zip`, so a change to an API's code is a new object of that API alone,
and each API's role can be scoped to its own prefix (APIs sharing a folder upload the same
bytes, each under its own prefix).

`pulumi up` uploads a `FileAsset` after the program has returned, so the zip is written
to a cache path named by its hash (`$XDG_CACHE_HOME/cortex-infra/bundles/`), never to a
temporary file that could be gone by then; the same content always has the same path.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import Spec, naming
from cortex_spec.api_bundles import build_api_bundle, bundle_root
from cortex_spec.errors import ProvisionError
from cortex_spec.models.api import WorkloadAPI
from infra.serving.private_buckets import encrypt, lock_down
from runtime.bundle import Bundle, BundleError

_BUCKET_NAME_MAX: Final = 63
ZIP_CONTENT_TYPE: Final = "application/zip"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cortex-infra" / "bundles"


def cached_path(sha256: str) -> Path:
    """Where the bundle with this SHA-256 is kept (`cortex-infra diff` reads it there)."""
    return cache_dir() / f"{sha256}.zip"


def api_bundle(spec: Spec, api: WorkloadAPI) -> Bundle:
    """The API's bundle, or a ProvisionError naming its folder."""
    try:
        return build_api_bundle(spec, api)
    except BundleError as error:
        root = bundle_root(api.predictor) if api.predictor is not None else "."
        folder = spec.project_dir / root
        raise ProvisionError(
            f"cannot bundle {folder} for API {api.name}: {error}",
            hint="make the folder readable, or exclude the file in .cortexignore",
        ) from None


def api_bundles(spec: Spec) -> dict[str, Bundle]:
    """Every predictor API's bundle, by API name. A bundle is its folder's (the API adds
    nothing to it), so APIs sharing a folder share one bundle, built once."""
    by_root: dict[str, Bundle] = {}
    out: dict[str, Bundle] = {}
    for api in (*spec.apis, *spec.jobs):
        if api.predictor is None:
            continue
        root = bundle_root(api.predictor).as_posix()
        if root not in by_root:
            by_root[root] = api_bundle(spec, api)
        out[api.name] = by_root[root]
    return out


def cached_bundle(bundle: Bundle) -> Path:
    """Keep the bundle at `<cache>/<sha256>.zip`; its path."""
    target = cached_path(bundle.sha256)
    if not target.is_file() or target.read_bytes() != bundle.data:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(bundle.data)
        partial.replace(target)  # atomic: a concurrent reader never sees half a zip
    return target


def bundle_prefix(api: str) -> str:
    return f"apis/{api}/"


def bundle_key(api: str, sha256: str) -> str:
    return f"{bundle_prefix(api)}{sha256}.zip"


def bucket_name(cluster: str, account_id: str, region: str) -> str:
    """Globally unique and stable: cluster, account and region (S3 names: 63 characters)."""
    base = f"{cluster}-bundles-{account_id}-{region}"
    if len(base) <= _BUCKET_NAME_MAX:
        return base
    digest = hashlib.sha256(base.encode()).hexdigest()[:8]
    return f"{base[: _BUCKET_NAME_MAX - 9].rstrip('-')}-{digest}"


@dataclass(frozen=True)
class BundleRef:
    """Where one API's bundle lives."""

    uri: pulumi.Output[str]
    sha256: str
    key: str


@dataclass(frozen=True)
class BundleStoreArgs:
    cluster_name: str
    region: str
    account_id: pulumi.Input[str]
    tags: dict[str, str]


class BundleStore(pulumi.ComponentResource):
    """The bundle bucket; `add` uploads one API's bundle."""

    bucket_id: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: BundleStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:BundleStore", name, None, opts)
        self._name = name
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=pulumi.Output.from_input(args.account_id).apply(
                lambda account: bucket_name(args.cluster_name, account, args.region)
            ),
            # Versioning keeps old objects; `pulumi destroy` must still empty the bucket.
            force_destroy=True,
            tags={**args.tags, naming.COMPONENT_TAG: "bundles"},
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child,
        )
        encrypt(name, bucket, self)
        self._public_block = lock_down(name, bucket, self)
        self.bucket_id = bucket.id
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucket": bucket.id})

    def add(self, api: str, bundle: Bundle) -> BundleRef:
        """Upload the API's bundle under the API's own prefix."""
        path, sha256 = cached_bundle(bundle), bundle.sha256
        object_key = bundle_key(api, sha256)
        aws.s3.BucketObjectv2(
            f"{self._name}-{api}",
            bucket=self.bucket_id,
            key=object_key,
            source=pulumi.FileAsset(str(path)),
            content_type=ZIP_CONTENT_TYPE,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return BundleRef(
            uri=self.bucket_id.apply(lambda bucket: f"s3://{bucket}/{object_key}"),
            sha256=sha256,
            key=object_key,
        )

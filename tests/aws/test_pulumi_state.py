"""Reading a stack's checkpoint from a Pulumi DIY backend on S3, against moto over HTTP."""

from __future__ import annotations

import gzip
import json
from typing import Any

import boto3
import pytest

from cortex_aws.pulumi_state import Backend, read_checkpoint
from cortex_spec.errors import StateError
from offline.graph import SECRET
from offline.state_graph import graph_from_checkpoint
from tests.conftest import MotoServer
from tests.offline.checkpoints import checkpoint
from tests.offline.diff_fixtures import autoscaler, graph, resource

BUCKET = "cortex-pulumi-state"


def _put(key: str, body: bytes, bucket: str = BUCKET) -> None:
    s3 = boto3.client("s3")
    if bucket not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    s3.put_object(Bucket=bucket, Key=key, Body=body)


def _document() -> dict[str, Any]:
    provider = resource("k8s", "pulumi:providers:kubernetes", {"kubeconfig": SECRET})
    return checkpoint(graph(autoscaler("sentiment", 4), provider, stack="prod"))


def test_project_scoped_stack_file_is_read(aws: MotoServer) -> None:
    """`.pulumi/stacks/<project>/<stack>.json` under the bucket root is the stack's state."""
    _put(".pulumi/stacks/cortex/prod.json", json.dumps(_document()).encode())
    assert read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="prod") == _document()


def test_gzipped_stack_file_under_a_prefix_is_read(aws: MotoServer) -> None:
    """A `.json.gz` stack file below a backend prefix is found and decompressed."""
    _put(
        "teams/ml/.pulumi/stacks/cortex/prod.json.gz",
        gzip.compress(json.dumps(_document()).encode()),
    )
    found = read_checkpoint(f"s3://{BUCKET}/teams/ml", project="cortex", stack="prod")
    assert found["checkpoint"]["stack"] == "organization/cortex/prod"


def test_legacy_layout_without_projects_is_read(aws: MotoServer) -> None:
    """The legacy layout, `.pulumi/stacks/<stack>.json`, is read when no project file exists."""
    _put(".pulumi/stacks/prod.json", json.dumps(_document()).encode())
    assert read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="prod")["version"] == 3


def test_secrets_stay_masked_from_bucket_to_graph(aws: MotoServer) -> None:
    """A ciphertext secret read from S3 ends up as [secret] in the graph, nothing more."""
    _put(".pulumi/stacks/cortex/prod.json", json.dumps(_document()).encode())
    stored = graph_from_checkpoint(
        read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="prod"),
        stack="prod",
        project="cortex",
    )
    provider = next(r for r in stored.resources if r.type == "pulumi:providers:kubernetes")
    assert provider.inputs == {"kubeconfig": SECRET}
    assert "ciphertext" not in json.dumps([r.to_dict() for r in stored.resources])


def test_missing_stack_names_the_stacks_that_exist(aws: MotoServer) -> None:
    """An unknown stack is a StateError that lists the project's stacks."""
    _put(".pulumi/stacks/cortex/dev.json", b"{}")
    _put(".pulumi/stacks/cortex/dev.json.bak", b"{}")
    with pytest.raises(StateError, match=r"no deployed state for stack 'prod'.*stacks found: dev$"):
        read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="prod")


def test_missing_bucket_is_a_state_error(aws: MotoServer) -> None:
    """A bucket that does not exist is named in a StateError, not a botocore traceback."""
    with pytest.raises(StateError, match="bucket 'nowhere-to-be-found' does not exist"):
        read_checkpoint("s3://nowhere-to-be-found", project="cortex", stack="prod")


def test_missing_credentials_is_a_state_error(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without credentials the error says so and how to provide them."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(StateError, match="no AWS credentials") as caught:
        read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="prod")
    assert caught.value.hint is not None


def test_corrupt_and_zstd_stack_files_are_state_errors(aws: MotoServer) -> None:
    """Unparseable JSON and zstd-compressed files are reported, each with what to do."""
    _put(".pulumi/stacks/cortex/bad.json", b"{not json")
    _put(".pulumi/stacks/cortex/packed.json.zst", b"\x28\xb5\x2f\xfd")
    with pytest.raises(StateError, match="not a readable stack file"):
        read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="bad")
    with pytest.raises(StateError, match="zstd-compressed"):
        read_checkpoint(f"s3://{BUCKET}", project="cortex", stack="packed")


@pytest.mark.parametrize("url", ["file:///tmp/state", "s3://", "gs://bucket"])
def test_non_s3_backend_url_is_rejected(url: str) -> None:
    """Only s3:// backends are read; anything else is a StateError with an example."""
    with pytest.raises(StateError, match="not an S3 backend URL"):
        Backend.parse(url)


def test_backend_url_keeps_prefix_and_region() -> None:
    """`s3://b/p/q?region=eu-west-1` reads keys under p/q in eu-west-1."""
    backend = Backend.parse("s3://b/p/q/?region=eu-west-1")
    assert (backend.bucket, backend.prefix, backend.region) == ("b", "p/q", "eu-west-1")
    assert backend.candidates("cortex", "dev")[0] == "p/q/.pulumi/stacks/cortex/dev.json"

"""Who gets `iam_policy_arns`: each API its own list; the cluster's list reaches every API only
with `iam_policy_arns_scope: all_apis`, or in a Cortex v0.42 cluster.yaml (with a warning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import SpecError, load_spec
from cortex_spec.api_iam import managed_policy_arns
from tests.conftest import EXAMPLES

S3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
DYNAMO = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
SPEC = f"""\
cluster:
  name: iam
  region: us-west-2
  node_groups:
    - {{name: cpu, instance_type: m6i.xlarge}}
CLUSTER_EXTRA
apis:
  - name: reader
    kind: RealtimeAPI
    iam_policy_arns: [{DYNAMO}]
    pod:
      containers:
        - {{name: api, image: "public.ecr.aws/docker/library/nginx:1.27", compute: {{cpu: 1}}}}
  - name: other
    kind: RealtimeAPI
    pod:
      containers:
        - {{name: api, image: "public.ecr.aws/docker/library/nginx:1.27", compute: {{cpu: 1}}}}
"""


def test_api_policies_reach_only_their_api(tmp_path: Path) -> None:
    """apis[*].iam_policy_arns is attached to that API's role and no other."""
    spec = load_spec(_write(tmp_path, ""))
    assert managed_policy_arns(spec.api("reader"), spec) == (DYNAMO,)
    assert managed_policy_arns(spec.api("other"), spec) == ()
    assert spec.warnings == ()


def test_cluster_policies_without_a_scope_are_refused(tmp_path: Path) -> None:
    """In a cortex-infra spec, cluster.iam_policy_arns alone is an error naming both fixes."""
    with pytest.raises(SpecError) as caught:
        load_spec(_write(tmp_path, f"  iam_policy_arns: [{S3}]\n"))
    [problem] = caught.value.problems
    assert problem.path == "cluster.iam_policy_arns"
    assert problem.location is not None
    assert problem.location.line == 6
    assert problem.hint
    assert "apis[*].iam_policy_arns" in problem.hint
    assert "iam_policy_arns_scope: all_apis" in problem.hint


def test_the_explicit_scope_attaches_them_to_every_api(tmp_path: Path) -> None:
    """With iam_policy_arns_scope: all_apis every role gets them, after its own."""
    spec = load_spec(
        _write(tmp_path, f"  iam_policy_arns: [{S3}]\n  iam_policy_arns_scope: all_apis\n")
    )
    assert spec.policies_on_every_api
    assert managed_policy_arns(spec.api("reader"), spec) == (DYNAMO, S3)
    assert managed_policy_arns(spec.api("other"), spec) == (S3,)


def test_a_scope_without_policies_is_warned_of(tmp_path: Path) -> None:
    """The opt-in alone does nothing, and validation says so."""
    spec = load_spec(_write(tmp_path, "  iam_policy_arns_scope: all_apis\n"))
    [warning] = spec.warnings
    assert warning.path == "cluster.iam_policy_arns_scope"


def test_a_cortex_cluster_file_keeps_cortex_reach_with_a_warning() -> None:
    """v0.42's cluster.yaml loads unchanged: its policies reach every API, and a located
    warning says so and how to narrow them."""
    folder = EXAMPLES / "cortex-v0.42"
    spec = load_spec(folder / "cortex.yaml", cluster_config=folder / "cluster.yaml")
    assert spec.policies_on_every_api
    full = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    assert all(full in managed_policy_arns(api, spec) for api in spec.apis)
    [warning] = [w for w in spec.warnings if w.path == "cluster.iam_policy_arns"]
    assert warning.location is not None
    assert warning.location.file.endswith("cluster.yaml")
    assert "every API" in warning.message


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "cortex.yaml"
    path.write_text(SPEC.replace("CLUSTER_EXTRA\n", extra), encoding="utf-8")
    return path

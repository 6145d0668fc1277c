"""`cluster.kubernetes_version` against the EKS calendar (read on a fixed date, never a
clock) and the version matrix: located errors and warnings that name dates, costs and gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import Spec, SpecError, load_spec
from cortex_spec.errors import Problem

SPEC = """\
cluster:
  name: versions
  region: us-west-2
  kubernetes_version: "{version}"
{extra}  node_groups:
    - {{name: cpu, instance_type: m6i.large, min_instances: 0, max_instances: 3}}
apis:
  - name: api
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: "public.ecr.aws/docker/library/nginx:1.27"
          compute: {{cpu: 1, mem: 1Gi}}
    autoscaling: {{min_replicas: {min_replicas}, max_replicas: 2}}
"""


def _load(tmp_path: Path, version: str, *, extra: str = "", min_replicas: int = 1) -> Spec:
    path = tmp_path / "cortex.yaml"
    path.write_text(
        SPEC.format(version=version, extra=extra, min_replicas=min_replicas), encoding="utf-8"
    )
    return load_spec(path)


def _errors(tmp_path: Path, version: str, **kwargs: int | str) -> tuple[Problem, ...]:
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, version, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


def test_129_is_an_error_naming_the_end_of_extended_support(tmp_path: Path) -> None:
    """1.29: located at the version line, naming 2026-03-23 and the calendar's read date."""
    [problem] = _errors(tmp_path, "1.29")
    assert problem.path == "cluster.kubernetes_version"
    assert problem.location is not None
    assert problem.location.line == 4
    assert "end of EKS extended support on 2026-03-23" in problem.message
    assert "calendar read on 2026-12-03" in problem.message


@pytest.mark.parametrize("version", ["1.30", "1.31", "1.28", "1.20"])
def test_every_minor_past_extended_support_is_refused(tmp_path: Path, version: str) -> None:
    """Any minor whose extended support ended by the read date, or older than the calendar."""
    [problem] = _errors(tmp_path, version)
    assert "extended support" in problem.message


def test_a_minor_newer_than_the_calendar_is_refused(tmp_path: Path) -> None:
    """1.40 is not in the calendar: an error, not a guess."""
    [problem] = _errors(tmp_path, "1.40")
    assert "not in the EKS calendar read on 2026-12-03 (newest: 1.36)" in problem.message


def test_past_standard_support_warns_with_the_date_and_the_cost(tmp_path: Path) -> None:
    """1.34 on 2026-12-03: a warning naming 2026-12-02, the cited price, what `standard`
    does, and the pricing source in its detail."""
    spec = _load(tmp_path, "1.34")
    [warning] = [w for w in spec.warnings if w.path == "cluster.kubernetes_version"]
    assert "left EKS standard support on 2026-12-02" in warning.message
    assert "$0.60 per cluster per hour" in warning.message
    assert "upgrade_policy: standard" in warning.message
    assert warning.detail is not None
    assert "amazon-eks-extended-support-for-kubernetes-versions-pricing" in warning.detail
    assert warning.hint is not None
    assert "upgrade to 1.35" in warning.hint


def test_extended_policy_warning_says_it_stays(tmp_path: Path) -> None:
    """With upgrade_policy: extended the warning says the version stays, still charged."""
    spec = _load(tmp_path, "1.33", extra="  upgrade_policy: extended\n")
    [warning] = [w for w in spec.warnings if w.path == "cluster.kubernetes_version"]
    assert "upgrade_policy: extended keeps it there" in warning.message
    assert "2026-07-29" in warning.message


def test_the_default_version_is_clean(tmp_path: Path) -> None:
    """1.35 on the read date: standard support, a complete row, no finding at all."""
    spec = _load(tmp_path, "1.35", min_replicas=0)
    assert not [w for w in spec.warnings if w.path == "cluster.kubernetes_version"]
    assert spec.cluster.upgrade_policy == "standard"


def test_a_gap_counts_only_for_components_the_spec_uses(tmp_path: Path) -> None:
    """1.32 has no cited HTTP add-on: fine without a scale-to-zero API, an error naming the
    gap with one."""
    _load(tmp_path, "1.32", extra="  upgrade_policy: extended\n")
    [problem] = _errors(tmp_path, "1.32", extra="  upgrade_policy: extended\n", min_replicas=0)
    assert "no cited KEDA HTTP add-on chart" in problem.message


def test_upgrade_policy_accepts_only_standard_or_extended(tmp_path: Path) -> None:
    """Anything else is a located type error listing the two values."""
    [problem] = _errors(tmp_path, "1.35", extra="  upgrade_policy: forever\n")
    assert problem.path == "cluster.upgrade_policy"

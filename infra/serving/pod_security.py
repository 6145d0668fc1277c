"""Pod Security admission levels of the namespaces the stack owns.

Each namespace enforces the strictest Pod Security Standard every one of its pods meets,
pinned to the cluster's Kubernetes minor (no moving "latest"), and warns and audits against
`restricted` when it has to enforce less:

- `cortex` enforces **restricted** when every API is in the predictor form: the runtime's
  pods, the router and the secrets init step run non-root with seccomp `RuntimeDefault`,
  all capabilities dropped, no privilege escalation, and only configMap, emptyDir, secret
  and projected volumes (tests/infra/test_pod_security.py checks every pod of every plan).
  With a container-form API it enforces **baseline**: the user's own images may need root
  (Cortex ran them as built), and restricted requires `runAsNonRoot`. Changing form moves
  the label in place, before the new pods are created (they depend on the namespace).
- `keda` and `monitoring` enforce **baseline**: the pinned charts' pods are not all
  restricted (the HTTP add-on sets no `runAsNonRoot` or seccomp profile by default, the
  Prometheus server's containers drop no capabilities), and their pods cannot be checked
  offline (Helm renders them at deploy time).

GPU and Neuron device plugins, the CNI and kube-proxy need host access and run in
`kube-system`, which the stack does not label.
"""

from __future__ import annotations

from typing import Final, Literal

from cortex_spec.models.api import WorkloadAPI

Level = Literal["restricted", "baseline"]
PREFIX: Final = "pod-security.kubernetes.io"


def serving_level(apis: tuple[WorkloadAPI, ...] | list[WorkloadAPI]) -> Level:
    """Restricted unless a container-form API runs images that may need root."""
    return "restricted" if all(api.form == "predictor" for api in apis) else "baseline"


def labels(level: Level, kubernetes_version: str) -> dict[str, str]:
    """Enforce `level`; warn and audit against restricted; all pinned to the cluster's minor."""
    version = f"v{kubernetes_version}"
    out: dict[str, str] = {}
    for mode, mode_level in (("enforce", level), ("warn", "restricted"), ("audit", "restricted")):
        out[f"{PREFIX}/{mode}"] = mode_level
        out[f"{PREFIX}/{mode}-version"] = version
    return out

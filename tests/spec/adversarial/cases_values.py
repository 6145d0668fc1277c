"""Adversarial cases of values: numbers past what the targets accept, and names with a tail."""

from __future__ import annotations

from cortex_spec import limits
from tests.spec.adversarial.builders import INT32, config_of
from tests.spec.adversarial.seed import SPEC, Case, after, line

VALUES: tuple[Case, ...] = (
    # --- numbers --------------------------------------------------------------------
    Case(
        "max-replicas-5000-digits",
        line(23, f"      max_replicas: {'9' * 5000}"),
        1,
        "this integer is 5,000 characters long",
        f"{SPEC}:23:21",
    ),
    Case(
        "max-replicas-5000-hex-digits",
        line(23, f"      max_replicas: 0x{'f' * 5000}"),
        1,
        "this integer is 5,002 characters long",
        f"{SPEC}:23:21",
    ),
    Case(
        "max-replicas-above-int32",
        line(23, f"      max_replicas: {INT32 + 1}"),
        1,
        f"less than or equal to {INT32}",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-replicas-1e30",
        line(23, f"      max_replicas: {10**30}"),
        1,
        f"less than or equal to {INT32}",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-replicas-float-1e30",
        line(23, "      max_replicas: 1.0e+30"),
        1,
        "must be an integer",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-upscale-factor-inf",
        line(24, "      max_upscale_factor: .inf"),
        1,
        "must be a finite number",
        f"{SPEC}:24:7",
    ),
    Case(
        "max-upscale-factor-above-int32-percent",
        line(24, "      max_upscale_factor: 1.0e+9"),
        1,
        f"less than or equal to {limits.MAX_UPSCALE_FACTOR}",
        f"{SPEC}:24:7",
    ),
    Case(
        "target-in-flight-nan",
        line(25, "      target_in_flight: .nan"),
        1,
        "must be a finite number",
        f"{SPEC}:25:7",
    ),
    Case(
        "threads-per-process-1e9",
        line(15, "      threads_per_process: 1000000000"),
        1,
        "less than or equal to 30000",
        f"{SPEC}:15:7",
    ),
    Case(
        "node-group-max-instances-2e40",
        line(8, f"      max_instances: {2**40}"),
        1,
        f"less than or equal to {INT32}",
        f"{SPEC}:8:7",
    ),
    Case(
        "probe-period-above-int32",
        line(39, f"            period_seconds: {INT32 + 1}"),
        1,
        f"less than or equal to {INT32}",
        f"{SPEC}:39:13",
    ),
    Case(
        "liveness-success-threshold",
        after(41, "            success_threshold: 2"),
        1,
        "success_threshold must be 1",
        f"{SPEC}:40:11",
    ),
    Case(
        "max-surge-above-int32",
        after(25, "    update_strategy:", f"      max_surge: {2**31}"),
        1,
        "must be between 0 and",
        f"{SPEC}:27:7",
    ),
    Case(
        "gpu-above-the-catalog",
        after(20, "      gpu: 1000000"),
        1,
        "less than or equal to",
        f"{SPEC}:21:7",
    ),
    Case(
        "config-over-a-configmap",
        config_of(limits.MAX_CONFIG_MAP_BYTES),
        1,
        "Kubernetes holds at most 1,048,576",
        f"{SPEC}:16:7",
    ),
    # --- names ----------------------------------------------------------------------
    Case(
        "api-name-trailing-newline",
        line(10, '  - name: "sentiment\\n"'),
        1,
        "is not a valid API name",
        f"{SPEC}:10:5",
    ),
    Case(
        "cluster-name-trailing-newline",
        line(2, '  name: "adversarial\\n"'),
        1,
        "is not a valid cluster name",
        f"{SPEC}:2:3",
    ),
    Case(
        "node-group-name-trailing-newline",
        line(5, '    - name: "cpu\\n"'),
        1,
        "is not a valid node group name",
        f"{SPEC}:5:7",
    ),
    Case(
        "container-name-trailing-newline",
        line(33, '        - name: "server\\n"'),
        1,
        "is not a valid container name",
        f"{SPEC}:33:11",
    ),
    Case(
        "port-name-trailing-newline",
        line(38, '            http_get: {path: /healthz, port: "http\\n"}'),
        1,
        "is not a port number or a valid port name",
        f"{SPEC}:38:40",
    ),
    Case(
        "env-name-with-newline",
        line(36, '            "MODE\\nX": fast'),
        1,
        "is not a valid environment variable name",
        f"{SPEC}:36:13",
    ),
    Case(
        "image-trailing-newline",
        line(34, '          image: "ghcr.io/example/server:1.0\\n"'),
        1,
        "is not a valid container image reference",
        f"{SPEC}:34:11",
    ),
    Case(
        "kubernetes-version-other-digits",
        after(3, '  kubernetes_version: "1.\u0663\u0665"'),
        1,
        "is not a Kubernetes minor version",
        f"{SPEC}:4:3",
    ),
)

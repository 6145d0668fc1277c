"""The containers of an API's pod, for both forms of the runtime contract.

Pure functions of the spec and of already-resolved values (image, environment), so the
whole pod template can be unit-tested without Pulumi.
"""

from __future__ import annotations

from typing import Any

from cortex_spec.kubernetes_versions import minor
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.workload import Compute, Container, PreStop, Probe
from cortex_spec.node_profiles import GPU_RESOURCE, NEURON_RESOURCE
from cortex_spec.quantities import cpu_text, memory_text
from runtime import contract

Manifest = dict[str, Any]

SPEC_VOLUME = "spec"
PROJECT_VOLUME = "project"
# The runtime container's root filesystem is read-only; predictors (and Python's tempfile)
# write under /tmp, an emptyDir (docs/runtime-contract.md, "Security").
TMP_VOLUME = "tmp"
TMP_PATH = "/tmp"  # noqa: S108 - the container's scratch mount, not a temporary file
SECRETS_VOLUME = "secrets"
# The init container runs the same interpreter as the proxy, plus boto3 and two clients:
# 48.6 MiB peak resident, measured (ru_maxrss) with Python 3.11.7 and boto3 1.44.5 after
# creating both clients; the proxy's 100Mi leaves room, and being no larger than the
# proxy's requests it never raises the pod's effective request.
SECRETS_INIT_MEMORY_MIB = contract.PROXY_MEMORY_MIB
SHM_PATH = "/dev/shm"  # noqa: S108 - the shared-memory mount, not a temporary file


def resources(compute: Compute) -> Manifest:
    """CPU and memory requests, memory also as the limit (a replica that outgrows its
    request is killed rather than starving its neighbours), accelerators as limits."""
    requests: dict[str, str] = {"cpu": cpu_text(compute.cpu.millis)}
    limits: dict[str, str] = {}
    if compute.mem is not None:
        requests["memory"] = limits["memory"] = memory_text(compute.mem.whole)
    if compute.gpu:
        limits[GPU_RESOURCE] = str(compute.gpu)
    if compute.inf:
        limits[NEURON_RESOURCE] = str(compute.inf)
    out: Manifest = {"requests": requests}
    if limits:
        out["limits"] = limits
    return out


def security_context(*, runtime_image: bool) -> Manifest:
    """No privilege escalation, no capabilities. The runtime image runs as a non-root user
    on a read-only root filesystem, writing only to its emptyDir mounts
    (docs/runtime-contract.md); users' own images may need root or to write anywhere."""
    context: Manifest = {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
    }
    if runtime_image:
        context["runAsNonRoot"] = True
        context["readOnlyRootFilesystem"] = True
    return context


def env_list(
    env: dict[str, str], secret: str | None = None, keys: dict[str, str] | None = None
) -> list[Manifest]:
    """The variables in the order serving_env gives (the order is part of the pod template,
    and a reorder would roll every replica); those in `keys` read the API's literal Secret
    `secret` instead of holding their value (infra/serving/literal_secrets.py)."""
    keys = keys or {}
    out: list[Manifest] = []
    for name, value in env.items():
        if name in keys and secret is not None:
            ref = {"name": secret, "key": keys[name]}
            out.append({"name": name, "valueFrom": {"secretKeyRef": ref}})
        else:
            out.append({"name": name, "value": value})
    return out


def probe(spec: Probe) -> Manifest:
    out: Manifest = {
        "initialDelaySeconds": spec.initial_delay_seconds,
        "timeoutSeconds": spec.timeout_seconds,
        "periodSeconds": spec.period_seconds,
        "successThreshold": spec.success_threshold,
        "failureThreshold": spec.failure_threshold,
    }
    if spec.http_get is not None:
        out["httpGet"] = {"path": spec.http_get.path, "port": spec.http_get.port}
    elif spec.tcp_socket is not None:
        out["tcpSocket"] = {"port": spec.tcp_socket.port}
    elif spec.exec is not None:
        out["exec"] = {"command": list(spec.exec.command)}
    return out


def pre_stop(spec: PreStop) -> Manifest:
    if spec.http_get is not None:
        return {"httpGet": {"path": spec.http_get.path, "port": spec.http_get.port}}
    assert spec.exec is not None
    return {"exec": {"command": list(spec.exec.command)}}


def health_probe(port: int | str) -> Manifest:
    """The contract's `/healthz` (503 while loading or draining), with Cortex's proxy
    timings (cortex-spec.md §6: initial 1 s, timeout 3 s, period 10 s, 3 failures)."""
    return {
        "httpGet": {"path": contract.HEALTH_PATH, "port": port},
        "initialDelaySeconds": 1,
        "timeoutSeconds": 3,
        "periodSeconds": 10,
        "failureThreshold": 3,
    }


def liveness_probe(port: int | str) -> Manifest:
    """The contract's `/livez`: 503 once the replica can no longer serve, and no answer at
    all when its event loop is blocked, which the kubelet counts as a failure after
    timeoutSeconds. Cortex's probe period and failure threshold (cortex-spec.md §4.2: 10 s,
    3) and its proxy probe's 3 s timeout (§6): a replica stuck for about 30 s is restarted,
    one busy for a few seconds is not. `/livez` answers 200 while the model loads, so a slow
    load is not mistaken for a hang."""
    return {
        "httpGet": {"path": contract.LIVENESS_PATH, "port": port},
        "initialDelaySeconds": 1,
        "timeoutSeconds": 3,
        "periodSeconds": 10,
        "failureThreshold": 3,
    }


def spec_mount() -> Manifest:
    return {"name": SPEC_VOLUME, "mountPath": contract.SPEC_MOUNT_DIR, "readOnly": True}


def shm_mount(volume: str) -> Manifest:
    return {"name": volume, "mountPath": SHM_PATH}


# The native `sleep` preStop action is on by default from Kubernetes 1.30 (beta; GA in
# 1.34); before it, a pause needs a `sleep` binary in the image.
_SLEEP_ACTION_MINOR = 30


def pause_before_stop(kubernetes_version: str, *, has_sleep_binary: bool) -> Manifest | None:
    """A preStop pause of PRE_STOP_SECONDS, so the load balancer stops sending requests
    before SIGTERM makes the server stop accepting (see runtime/contract.py)."""
    if minor(kubernetes_version) >= _SLEEP_ACTION_MINOR:
        return {"preStop": {"sleep": {"seconds": contract.PRE_STOP_SECONDS}}}
    if has_sleep_binary:
        return {"preStop": {"exec": {"command": ["sleep", str(contract.PRE_STOP_SECONDS)]}}}
    return None


def secrets_mount(container: str) -> Manifest:
    """The container's own folder of resolved `secret:` values, read-only at SECRETS_DIR."""
    return {
        "name": SECRETS_VOLUME,
        "mountPath": contract.SECRETS_DIR,
        "subPath": container,
        "readOnly": True,
    }


def secrets_init_container(image: str, env: list[Manifest]) -> Manifest:
    """The container form's init step: the runtime image resolves the user containers'
    `secret:` variables with the pod's IRSA role into the memory-backed volume, one folder
    per container; the values never enter the pod spec (runtime/secret_resolver.py)."""
    memory = memory_text(SECRETS_INIT_MEMORY_MIB * 2**20)
    return {
        "name": contract.SECRETS_CONTAINER_NAME,
        "image": image,
        "command": ["cortex-runtime", "resolve-secrets", "--output", contract.SECRETS_DIR],
        "env": env,
        "resources": {
            "requests": {"cpu": cpu_text(contract.PROXY_CPU_MILLIS), "memory": memory},
            "limits": {"memory": memory},
        },
        "securityContext": security_context(runtime_image=True),
        "volumeMounts": [
            spec_mount(),
            {"name": SECRETS_VOLUME, "mountPath": contract.SECRETS_DIR},
        ],
    }


def predictor_container(
    api: WorkloadAPI, image: str, env: list[Manifest], kubernetes_version: str
) -> Manifest:
    """One `api` container: the runtime (or a predictor image built on it) on $CORTEX_PORT.

    Liveness is `/livez`, not `/healthz`: `/healthz` is 503 while a model loads, and a
    liveness probe on it would kill replicas that are still loading.
    """
    compute = api.computes[0]
    mounts = [
        spec_mount(),
        {"name": PROJECT_VOLUME, "mountPath": contract.PROJECT_DIR},
        {"name": TMP_VOLUME, "mountPath": TMP_PATH},
    ]
    if compute.shm is not None:
        mounts.append(shm_mount("shm"))
    return {
        "name": contract.API_CONTAINER_NAME,
        "image": image,
        "ports": [{"name": "http", "containerPort": api.port, "protocol": "TCP"}],
        "env": env,
        "resources": resources(compute),
        "readinessProbe": health_probe("http"),
        "livenessProbe": liveness_probe("http"),
        "lifecycle": pause_before_stop(kubernetes_version, has_sleep_binary=True),
        "securityContext": security_context(runtime_image=True),
        "volumeMounts": mounts,
    }


def proxy_container(image: str, env: dict[str, str], kubernetes_version: str) -> Manifest:
    """The contract's `proxy` sidecar: traffic on 8888, health and metrics on 15000."""
    memory = memory_text(contract.PROXY_MEMORY_MIB * 2**20)
    return {
        "name": contract.PROXY_CONTAINER_NAME,
        "image": image,
        "command": ["cortex-runtime", "proxy"],
        "ports": [
            {"name": "http", "containerPort": contract.PROXY_PORT, "protocol": "TCP"},
            {"name": "admin", "containerPort": contract.ADMIN_PORT, "protocol": "TCP"},
        ],
        "env": env_list(env),
        "resources": {
            "requests": {"cpu": cpu_text(contract.PROXY_CPU_MILLIS), "memory": memory},
            "limits": {"memory": memory},
        },
        "readinessProbe": health_probe("admin"),
        "livenessProbe": liveness_probe("admin"),
        "lifecycle": pause_before_stop(kubernetes_version, has_sleep_binary=True),
        "securityContext": security_context(runtime_image=True),
        "volumeMounts": [spec_mount()],
    }


def user_container(
    container: Container, env: list[Manifest], kubernetes_version: str, *, secrets: bool = False
) -> Manifest:
    """A container of `pod.containers`, as the user gave it, with the contract's env (which
    ends with the container's own variables, sorted); `secrets`: its resolved `secret:`
    variables are files in `$CORTEX_SECRETS_DIR`."""
    mounts = [spec_mount()]
    if container.compute.shm is not None:
        mounts.append(shm_mount(shm_volume_name(container.name)))
    if secrets:
        mounts.append(secrets_mount(container.name))
    out: Manifest = {
        "name": container.name,
        "image": container.image,
        "env": env,
        "resources": resources(container.compute),
        "securityContext": security_context(runtime_image=False),
        "volumeMounts": mounts,
    }
    if container.command is not None:
        out["command"] = list(container.command)
    if container.args is not None:
        out["args"] = list(container.args)
    if container.readiness_probe is not None:
        out["readinessProbe"] = probe(container.readiness_probe)
    if container.liveness_probe is not None:
        out["livenessProbe"] = probe(container.liveness_probe)
    if container.pre_stop is not None:
        out["lifecycle"] = {"preStop": pre_stop(container.pre_stop)}
    else:
        # The proxy keeps accepting during its pause, so the user's server must too; an
        # image of unknown content only gets the native sleep action.
        pause = pause_before_stop(kubernetes_version, has_sleep_binary=False)
        if pause is not None:
            out["lifecycle"] = pause
    return out


def shm_volume_name(container: str) -> str:
    """Cortex's `dshm-<container>` volume per container that asks for shm."""
    return f"dshm-{container}"

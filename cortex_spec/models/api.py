"""`apis[]`: what the kinds that run pods share (workload, autoscaling, rollout), and the
RealtimeAPI. What every kind shares (name, endpoint) is in `api_base.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.base import KmsKeyArn, PolicyArn, fail
from cortex_spec.models.cortex_history import (
    API_GO_V020,
    API_GO_V034,
    DEFAULT_MAX_REPLICA_CONCURRENCY,
    history,
    ignored,
)
from cortex_spec.models.job_pods import BatchPod, TaskPod
from cortex_spec.models.predictor import Predictor
from cortex_spec.models.scaling import Autoscaling, UpdateStrategy
from cortex_spec.models.workload import AsyncPod, Compute, Pod
from runtime import contract

# ApiBase is re-exported: cortex_kube and the get/logs commands import it from here.
__all__ = [
    "ApiBase",
    "Autoscaling",
    "RealtimeAPI",
    "Request",
    "UpdateStrategy",
    "WorkloadAPI",
]


@dataclass(frozen=True)
class Request:
    """What one replica asks the scheduler for, sidecars included."""

    cpu_millis: int
    memory_bytes: int
    gpu: int
    inf: int


class WorkloadAPI(ApiBase):
    """An API that runs pods (RealtimeAPI, AsyncAPI): its workload, scaling and rollout."""

    node_groups: Annotated[
        list[str] | None,
        Field(default=None, description="Node groups it may run on; default all that fit."),
    ]
    autoscaling: Annotated[
        Autoscaling, Field(default_factory=Autoscaling, description="Replica autoscaling.")
    ]
    update_strategy: Annotated[
        UpdateStrategy, Field(default_factory=UpdateStrategy, description="Rolling updates.")
    ]
    predictor: Annotated[
        Predictor | None, Field(default=None, description="Predictor form: predictor.py.")
    ]
    compute: Annotated[
        Compute | None, Field(default=None, description="Predictor form: replica resources.")
    ]
    pod: Annotated[
        Pod | AsyncPod | BatchPod | TaskPod | None,
        Field(default=None, description="Port and concurrency; container form: containers."),
    ]
    iam_policy_arns: Annotated[
        list[PolicyArn],
        Field(
            default_factory=list,
            description="Managed IAM policies attached to this API's own role (IRSA), and to "
            "no other API's: what its code may do in AWS beyond reading its bundle and its "
            "`secret:` references. Not in Cortex, whose cluster-wide `iam_policy_arns` "
            "reached every API through the nodes.",
        ),
    ]
    secrets_kms_key_arns: Annotated[
        list[KmsKeyArn],
        Field(
            default_factory=list,
            description="Customer-managed KMS keys that encrypt the secrets or parameters "
            "this API's `secret:` references name; its role may decrypt with them only "
            "through Secrets Manager or Systems Manager (kms:ViaService). Keys AWS manages "
            "(aws/secretsmanager, aws/ssm) need nothing here. Not in Cortex.",
        ),
    ]
    handler: Annotated[
        Predictor | None,
        Field(
            default=None,
            description="Cortex v0.34-v0.35 name of predictor; read as predictor.",
            json_schema_extra=history("v0.34-v0.35", "mapped", "predictor", API_GO_V034),
        ),
    ]
    monitoring: Annotated[
        Any,
        ignored(
            "v0.20-v0.25",
            "prediction monitoring sent to CloudWatch",
            "read the runtime's Prometheus metrics (/metrics: cortex_requests_total, "
            "cortex_request_duration_seconds)",
            API_GO_V020,
        ),
    ]

    @model_validator(mode="before")
    @classmethod
    def _cortex_renames(cls, data: Any) -> Any:
        """v0.34-v0.35 spelled predictor `handler` and put node_groups under compute."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("handler") is not None and data.get("predictor") is None:
            data["predictor"] = data.pop("handler")
        predictor = data.get("predictor")
        if isinstance(predictor, dict) and predictor.get("shm_size") is not None:
            compute = dict(data.get("compute") or {})
            if compute.get("shm") is not None:
                fail(
                    "shm is set both as predictor.shm_size and compute.shm",
                    "keep compute.shm (predictor.shm_size is Cortex v0.26-v0.35's)",
                )
            predictor = dict(predictor)
            compute["shm"] = predictor.pop("shm_size")
            data["predictor"], data["compute"] = predictor, compute
        compute = data.get("compute")
        if isinstance(compute, dict) and "node_groups" in compute:
            if "node_groups" in data:
                fail(
                    "node_groups is set both on the API and under compute",
                    "keep the API's node_groups (compute.node_groups is Cortex v0.34-v0.35's)",
                )
            compute = dict(compute)
            data["node_groups"] = compute.pop("node_groups")
            data["compute"] = compute
        return data

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        containers = self.pod.containers if self.pod else None
        if self.handler is not None:
            fail(
                "has both handler and predictor",
                "keep predictor (handler is Cortex v0.34-v0.35's name for it)",
            )
        for container in containers or []:
            if container.compute.node_groups is not None:
                fail(
                    "node_groups belongs to the API, not to a container's compute",
                    "move it to the API's node_groups",
                )
        if self.predictor is None and not containers:
            fail(
                "needs a predictor or pod.containers",
                "add predictor: {type: python, path: predictor.py} or pod: {containers: [...]}",
            )
        if self.predictor is not None and containers:
            fail(
                "has both predictor and pod.containers",
                "keep one form: predictor (served by the runtime image) or pod.containers",
            )
        if containers and self.compute is not None:
            fail(
                "compute belongs inside each container in the container form",
                "move compute under pod.containers[*].compute",
            )
        return self

    @property
    def form(self) -> Literal["predictor", "container"]:
        return "predictor" if self.predictor is not None else "container"

    @property
    def is_async(self) -> bool:
        """Whether requests reach the API through a queue (AsyncAPI), not directly."""
        return self.kind == "AsyncAPI"

    @property
    def port(self) -> int:
        return self.pod.port if self.pod else contract.DEFAULT_PORT

    def _pod_sets(self, field: str) -> bool:
        return self.pod is not None and field in self.pod.model_fields_set

    @property
    def _predictor_era(self) -> bool:
        """A RealtimeAPI predictor: Cortex's predictor-era concurrency applies unless the pod
        sets its own limits. An AsyncAPI's concurrency is its dequeuer's, from its pod."""
        return self.predictor is not None and not self.is_async

    @property
    def workers(self) -> int:
        """Requests the predictor runs at once: processes_per_replica x threads_per_process."""
        predictor = self.predictor
        return predictor.processes_per_replica * predictor.threads_per_process if predictor else 1

    @property
    def in_flight_limit(self) -> int:
        """Running plus queued per replica; beyond it the replica answers 503.

        The predictor form keeps Cortex's predictor-era limit, `max_replica_concurrency`
        (default 1024, `consts.DefaultMaxReplicaConcurrency` at v0.33.0), unless the pod sets
        its own limits; the container form has v0.36's pod limits.
        """
        if self._predictor_era and not self._pod_sets("max_queue_length"):
            limit = self.autoscaling.max_replica_concurrency
            return DEFAULT_MAX_REPLICA_CONCURRENCY if limit is None else limit
        return self.max_concurrency + self.max_queue_length

    @property
    def max_concurrency(self) -> int:
        if self.pod is not None and (not self._predictor_era or self._pod_sets("max_concurrency")):
            return self.pod.max_concurrency
        if not self._predictor_era:
            return 1
        # Cortex's predictor ran processes x threads requests at once; a lower in-flight limit
        # caps them (nginx admitted no more).
        limit = self.autoscaling.max_replica_concurrency
        return self.workers if limit is None else min(self.workers, limit)

    @property
    def max_queue_length(self) -> int:
        """Requests one replica queues beyond `max_concurrency`: Cortex's default 100, or
        for a predictor without pod limits what its in-flight limit leaves. An AsyncAPI has
        no such queue: its dequeuer hands a replica at most `max_concurrency` requests, so
        its serving container never queues more than that."""
        if self.is_async:
            return self.max_concurrency
        if isinstance(self.pod, Pod) and (
            not self._predictor_era or self._pod_sets("max_queue_length")
        ):
            return self.pod.max_queue_length
        if not self._predictor_era:
            return 100
        # At least one place, so that a limit equal to the workers still queues one request.
        return max(self.in_flight_limit - self.max_concurrency, 1)

    @property
    def init_replicas(self) -> int:
        scaling = self.autoscaling
        return scaling.min_replicas if scaling.init_replicas is None else scaling.init_replicas

    @property
    def target_in_flight(self) -> float:
        """Cortex v0.36's target_in_flight, else v0.20-v0.35's target_replica_concurrency,
        else the requests a replica runs at once (processes x threads for a predictor, as
        `validateAutoscaling` defaulted it at v0.33.0)."""
        scaling = self.autoscaling
        target = scaling.target_in_flight
        if target is None:
            target = scaling.target_replica_concurrency
        return float(self.max_concurrency) if target is None else target

    @property
    def computes(self) -> list[Compute]:
        if self.predictor is not None:
            return [self.compute or Compute.model_validate({})]
        return [
            c.compute for c in (self.pod.containers if self.pod and self.pod.containers else [])
        ]

    @property
    def sidecars(self) -> tuple[str, ...]:
        """The containers the platform adds to a replica: the container form's proxy, and
        an AsyncAPI's dequeuer (both forms), as Cortex added them."""
        if self.is_async:
            return (contract.DEQUEUER_CONTAINER_NAME,)
        return (contract.PROXY_CONTAINER_NAME,) if self.form == "container" else ()

    @property
    def request(self) -> Request:
        computes = self.computes
        sidecars = len(self.sidecars)
        return Request(
            cpu_millis=sum(c.cpu.millis for c in computes) + sidecars * contract.SIDECAR_CPU_MILLIS,
            memory_bytes=sum(c.mem.whole for c in computes if c.mem)
            + sidecars * contract.SIDECAR_MEMORY_MIB * 2**20,
            gpu=sum(c.gpu for c in computes),
            inf=sum(c.inf for c in computes),
        )

    @property
    def accelerator(self) -> Literal["none", "nvidia", "neuron"]:
        request = self.request
        if request.gpu:
            return "nvidia"
        return "neuron" if request.inf else "none"


class RealtimeAPI(WorkloadAPI):
    """A synchronous HTTP API behind the shared load balancer."""

    kind: Annotated[Literal["RealtimeAPI"], Field(description="API kind; RealtimeAPI.")]
    pod: Annotated[
        Pod | None,
        Field(default=None, description="Port and concurrency; container form: containers."),
    ]

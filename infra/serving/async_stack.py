"""What the serving layer builds for its AsyncAPIs, in one place (component.py asks it).

With no AsyncAPI in the spec nothing here exists: no bucket, key, queue, KEDA role or
gateway, and KEDA's release keeps its default values. The first AsyncAPI adds the
bucket, the KEDA operator's role and the chart values that give it to the operator; the
last one removed deletes them at the end of the update, after the router moved off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi

from cortex_spec import Spec
from infra.handles import ClusterHandle
from infra.serving.async_queues import (
    AsyncBucket,
    AsyncBucketArgs,
    AsyncQueues,
    AsyncQueuesArgs,
    AsyncStorage,
)
from infra.serving.async_scaling import KedaQueueReader, KedaQueueReaderArgs
from infra.serving.async_workload import AsyncGateway, AsyncGatewayArgs


@dataclass
class AsyncParts:
    spec: Spec
    cluster: ClusterHandle
    tags: dict[str, str]
    opts: pulumi.ResourceOptions
    storage: dict[str, AsyncStorage] = field(default_factory=dict)
    bucket: AsyncBucket | None = None
    keda_role_arn: pulumi.Output[str] | None = None

    def queue_url(self, api: str) -> pulumi.Output[str] | None:
        storage = self.storage.get(api)
        return storage.queue_url if storage is not None else None

    def gateways(
        self,
        name: str,
        namespace: pulumi.Resource,
        image: Callable[[], pulumi.Output[str]],
    ) -> list[pulumi.Resource]:
        """Each AsyncAPI's gateway; their Deployments (what the routes wait for)."""
        out: list[pulumi.Resource] = []
        for api in (a for a in self.spec.apis if a.is_async):
            gateway = AsyncGateway(
                f"{name}-{api.name}-gateway",
                AsyncGatewayArgs(
                    api=api,
                    cluster=self.cluster,
                    cluster_name=self.spec.cluster.name,
                    region=self.spec.cluster.region,
                    namespace=namespace,
                    image=image(),
                    storage=self.storage[api.name],
                    tags=self.tags,
                ),
                opts=self.opts,
            )
            out.append(gateway.deployment)
        return out

    def exports(self) -> dict[str, pulumi.Output[object]]:
        if self.bucket is None:
            return {}
        queues = {name: s.queue_url for name, s in sorted(self.storage.items())}
        return {
            "async_bucket": self.bucket.bucket_id,
            "async_queues": pulumi.Output.from_input(queues),
        }


def async_storage(
    name: str,
    spec: Spec,
    cluster: ClusterHandle,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> AsyncParts:
    parts = AsyncParts(spec=spec, cluster=cluster, tags=tags, opts=opts)
    apis = [api for api in spec.apis if api.is_async]
    if not apis:
        return parts
    config = spec.cluster
    parts.bucket = AsyncBucket(
        f"{name}-async", AsyncBucketArgs(cluster_name=config.name, tags=tags), opts=opts
    )
    for api in apis:
        queues = AsyncQueues(
            f"{name}-{api.name}-queues",
            AsyncQueuesArgs(cluster_name=config.name, api=api.name, bucket=parts.bucket, tags=tags),
            opts=opts,
        )
        parts.storage[api.name] = queues.storage
    reader = KedaQueueReader(
        f"{name}-keda-queues",
        KedaQueueReaderArgs(
            cluster=cluster,
            cluster_name=config.name,
            queue_arns=[s.queue_arn for s in parts.storage.values()],
            tags=tags,
        ),
        opts=opts,
    )
    parts.keda_role_arn = reader.role_arn
    return parts

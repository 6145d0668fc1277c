"""Names and tags of what the stack creates, shared by the Pulumi program and by the boto3
tools (preflight, status) that look those resources up again.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

CLUSTER_TAG: Final = "cortex.dev/cluster-name"
COMPONENT_TAG: Final = "cortex.dev/component"
LOAD_BALANCER_TAG: Final = "cortex.dev/load-balancer"
API_TAG: Final = "cortex.dev/api"
MANAGED_BY_TAG: Final = "cortex.dev/managed-by"
MANAGED_BY: Final = "cortex-infra"

NAMESPACE: Final = "cortex"
SYSTEM_NAMESPACE: Final = "kube-system"

RUNTIME_REPOSITORY_SUFFIX: Final = "runtime"

# Endpoints were once ALB path patterns (`<endpoint>/*`, at most 128 characters: CloudFormation,
# AWS::ElasticLoadBalancingV2::ListenerRule PathPatternConfig). The router has no such limit;
# the bound stays, so a spec valid before is valid now and the route table's size is bounded
# (the 1,000-API ConfigMap test plans endpoints of this length).
ALB_PATH_PATTERN_MAX: Final = 128
ENDPOINT_MAX: Final = ALB_PATH_PATTERN_MAX - 2
_TARGET_GROUP_NAME_MAX: Final = 32


def _fit(base: str, limit: int) -> str:
    """`base` if it fits, else a prefix plus 6 hex characters of its hash (stable)."""
    if len(base) <= limit:
        return base
    digest = hashlib.sha256(base.encode()).hexdigest()[:6]
    return f"{base[: limit - 7].rstrip('-')}-{digest}"


def target_group_name(cluster: str, api: str) -> str:
    """An API's target group under the per-API routing of earlier versions: stacks deployed
    with it still hold one, and the offline diff groups those by this name."""
    return _fit(f"{cluster}-{api}", _TARGET_GROUP_NAME_MAX)


def runtime_repository(cluster: str) -> str:
    """The ECR repository the stack creates for the runtime image."""
    return f"{cluster}/{RUNTIME_REPOSITORY_SUFFIX}"


def route_path(endpoint: str) -> str:
    """An endpoint as the router matches it: `/a/` and `/a` are one path; `/` is the root."""
    return endpoint.rstrip("/") or "/"


def pods_service_name(api: str) -> str:
    """The headless Service that resolves to an API's ready pods, for the router. Its prefix
    is not `api-`, so no API's name can make it collide with another API's objects."""
    return f"pods-{api}"


def gateway_name(api: str) -> str:
    """An AsyncAPI's gateway: its Deployment, Services, ServiceAccount, PDB, HPA and the
    router's upstream. The prefix is not `api-`, so no API's name can collide with it."""
    return f"gateway-{api}"


def deployment_name(api: str) -> str:
    """Kubernetes Deployment, Service, ServiceAccount and autoscaler of an API (Cortex used
    `api-<name>`)."""
    return f"api-{api}"


def base_tags(cluster: str, user_tags: dict[str, str]) -> dict[str, str]:
    """Tags on every AWS resource: the user's, then the ones cortex-infra relies on."""
    return {**user_tags, CLUSTER_TAG: cluster, MANAGED_BY_TAG: MANAGED_BY}


_IAM_NAME_MAX: Final = 64


def iam_role_name(cluster: str, purpose: str) -> str:
    """An IAM role of the stack (IAM role names: at most 64 characters)."""
    return _fit(f"{cluster}-{purpose}", _IAM_NAME_MAX)


# EKS managed node groups are named from a prefix: terraform-provider-aws
# (internal/service/eks/node_group.go) appends `id.PrefixedUniqueId`'s suffix to
# `node_group_name_prefix`, which terraform-plugin-sdk (helper/id/id.go) makes 26 characters:
# a UTC timestamp to 1/10000 s (18 digits) and an 8-hex-digit counter. Node group names
# are at most 63 characters, so a prefix is at most 63 - 26 = 37.
NODE_GROUP_NAME_MAX: Final = 63
NODE_GROUP_SUFFIX_LENGTH: Final = 26
NODE_GROUP_SUFFIX: Final = "[0-9]{18}[0-9a-f]{8}"
NODE_GROUP_PREFIX_MAX: Final = NODE_GROUP_NAME_MAX - NODE_GROUP_SUFFIX_LENGTH


def node_group_prefix(group: str) -> str:
    """The physical name prefix of a managed node group (`gpu-spot` → `gpu-spot-`).

    The trailing dash keeps prefixes of one group from matching another's names: `gpu-`
    never starts `gpu-spot-<suffix>`, because a suffix starts with a digit."""
    prefix = f"{group}-"
    if len(prefix) > NODE_GROUP_PREFIX_MAX:
        raise ValueError(f"node group prefix {prefix!r} is longer than {NODE_GROUP_PREFIX_MAX}")
    return prefix


def managed_group_of(physical: str) -> str | None:
    """The managed group a physical node group name was made for, or None."""
    found = re.fullmatch(f"(.+)-{NODE_GROUP_SUFFIX}", physical)
    return found.group(1) if found else None


# AsyncAPI queues and bucket are named by the provider from a prefix plus a 26-character
# unique suffix (terraform-plugin-sdk helper/id PrefixedUniqueId): SQS queue names are at
# most 80 characters and bucket names 63, so prefixes have 54 and 37.
_PREFIXED_SUFFIX: Final = 26
ASYNC_QUEUE_PREFIX_MAX: Final = 80 - _PREFIXED_SUFFIX
ASYNC_BUCKET_PREFIX_MAX: Final = 63 - _PREFIXED_SUFFIX


def _prefix(base: str, limit: int) -> str:
    """`base-` if it fits in `limit`, else a shortened base and a digest of it (stable)."""
    return _fit(base, limit - 1) + "-"


def async_queue_prefix(cluster: str, api: str, *, dead_letter: bool = False) -> str:
    """An AsyncAPI's queue (`<cluster>_<api>-`) or dead-letter queue (`<cluster>_<api>_dlq-`)
    prefix. Cluster and API names never hold `_` (SQS names may), so no other cluster's or
    API's queue can share a prefix: `status` finds a queue by it."""
    return _prefix(f"{cluster}_{api}{'_dlq' if dead_letter else ''}", ASYNC_QUEUE_PREFIX_MAX)


def async_bucket_prefix(cluster: str) -> str:
    return _prefix(f"{cluster}-async", ASYNC_BUCKET_PREFIX_MAX)

"""An API's documents: each container's environment and the spec file, as text.

Both come from `cortex_spec.serving_env`, the one source of the runtime contract
(docs/runtime-contract.md), asked for every container of the pod once the bundle's S3 URI
is known. The spec file's ConfigMap is named by its content, and the pods carry a hash of
the image and the spec: a change to either rolls the pods, and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pulumi

from cortex_spec import Spec, naming
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.serving_env import api_spec_document, serving_environment
from infra.serving.bundles import BundleRef
from runtime import contract

T = TypeVar("T")


@dataclass(frozen=True)
class Documents:
    # Container name → its environment, in the contract's order, user variables last.
    envs: dict[str, dict[str, str]]
    spec_json: str


def container_names(api: WorkloadAPI) -> list[str]:
    if api.form == "predictor":
        return [contract.API_CONTAINER_NAME]
    users = [c.name for c in (api.pod.containers if api.pod and api.pod.containers else [])]
    return [contract.PROXY_CONTAINER_NAME, *users]


def resolve(
    api: WorkloadAPI,
    spec: Spec,
    uri: str | None,
    sha256: str | None,
    keep_alive_seconds: int = contract.DEFAULT_KEEP_ALIVE_SECONDS,
) -> Documents:
    envs = {
        name: serving_environment(
            api,
            spec,
            bundle_uri=uri,
            bundle_sha256=sha256,
            container=name,
            keep_alive_seconds=keep_alive_seconds,
            hold_back_secrets=True,
        )
        for name in container_names(api)
    }
    # Masked: the ConfigMap shows a secret-looking literal's marker, never the literal.
    document = api_spec_document(
        api, spec, bundle_uri=uri, bundle_sha256=sha256, hold_back_secrets=True
    )
    spec_json = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return Documents(envs=envs, spec_json=spec_json)


def documents_of(
    api: WorkloadAPI, spec: Spec, bundle: BundleRef | None, keep_alive_seconds: int
) -> pulumi.Output[Documents] | Documents:
    """The API's documents: known at once without a bundle (no Output to wait for, which
    an API's hundreds of Outputs make worth saving), else once the bundle's URI is."""
    if bundle is None:
        return resolve(api, spec, None, None, keep_alive_seconds)
    sha256 = bundle.sha256
    return bundle.uri.apply(lambda uri: resolve(api, spec, uri, sha256, keep_alive_seconds))


def from_documents(
    documents: pulumi.Output[Documents] | Documents, read: Callable[[Documents], T]
) -> pulumi.Input[T]:
    """`read` of the documents, an Output only when they are one."""
    if isinstance(documents, Documents):
        return read(documents)
    return documents.apply(read)


def spec_config_map_name(api: str, spec_json: str) -> str:
    """Named by its content: a changed spec is a new, immutable ConfigMap that the pods
    switch to in a rollout, instead of a file changing under running pods."""
    digest = hashlib.sha256(spec_json.encode()).hexdigest()[:10]
    return f"{naming.deployment_name(api)}-spec-{digest}"


def spec_hash(image: str, spec_json: str) -> str:
    """What rolls the pods: the image, the API as validated and its bundle's hash."""
    payload = json.dumps({"image": image, "spec": spec_json}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()

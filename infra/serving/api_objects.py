"""The two objects an API's pods read besides their image, for every kind that runs pods
(`workload.py` for realtime and async APIs, `jobs.py` for a job API's gateway and workers):

- the spec ConfigMap, named by its content and immutable: a changed spec is a new
  ConfigMap the pods roll onto, never a file changing under running pods;
- the Secret of the API's secret-looking literals (`literal_secrets.py`), each value a
  Pulumi secret: encrypted in the state, a marker in the plan.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from infra.serving.api_documents import Documents, from_documents, spec_config_map_name
from infra.serving.literal_secrets import LiteralSecret
from infra.serving.pod_template import selector
from runtime import contract


def spec_config_map(
    name: str,
    api: WorkloadAPI,
    documents: pulumi.Output[Documents] | Documents,
    opts: pulumi.ResourceOptions,
) -> k8s.core.v1.ConfigMap:
    """`<name>-spec`: the API's spec file, as the runtime reads it."""
    return k8s.core.v1.ConfigMap(
        f"{name}-spec",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=from_documents(documents, lambda d: spec_config_map_name(api.name, d.spec_json)),
            namespace=naming.NAMESPACE,
            labels=selector(api),
        ),
        data=from_documents(documents, lambda d: {contract.SPEC_FILE_NAME: d.spec_json}),
        immutable=True,
        opts=opts,
    )


def literal_secret_object(
    name: str, api: WorkloadAPI, literals: LiteralSecret, opts: pulumi.ResourceOptions
) -> k8s.core.v1.Secret:
    """`<name>-literals`: each value a Pulumi secret, the Secret immutable."""
    return k8s.core.v1.Secret(
        f"{name}-literals",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=literals.name, namespace=naming.NAMESPACE, labels=selector(api)
        ),
        type="Opaque",
        string_data={key: pulumi.Output.secret(value) for key, value in literals.data.items()},
        immutable=True,
        opts=opts,
    )

"""The names `get` and `logs` look for are the ones the program creates."""

from __future__ import annotations

from cortex_kube import cluster_state, job_state, kind_state
from infra.serving import async_workload, job_template, metrics_stack, pod_template
from runtime import job_contract


def test_labels_namespaces_and_services_match_the_program() -> None:
    """API label, metrics namespace and Prometheus service equal the program's constants."""
    assert cluster_state.API_LABEL == pod_template.API_LABEL
    assert cluster_state.METRICS_NAMESPACE == metrics_stack.METRICS_NAMESPACE
    service = f"{metrics_stack.PROMETHEUS_RELEASE}-server:80"
    assert service == cluster_state.PROMETHEUS_SERVICE
    assert metrics_stack.PROMETHEUS_URL.startswith(f"http://{service.split(':', maxsplit=1)[0]}.")


def test_gateway_and_job_labels_match_the_program() -> None:
    """The AsyncAPI gateway label, the job gateway's component label and value, and the job
    id label equal those the program and the job gateway set."""
    assert kind_state.ASYNC_GATEWAY_LABEL == async_workload.GATEWAY_LABEL
    assert job_state.COMPONENT_LABEL == job_template.COMPONENT_LABEL
    assert job_state.GATEWAY_COMPONENT == job_template.GATEWAY_COMPONENT
    assert job_state.JOB_ID_LABEL == job_contract.JOB_ID_LABEL
    assert job_contract.API_LABEL == pod_template.API_LABEL

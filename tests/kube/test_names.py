"""The names `get` and `logs` look for are the ones the program creates."""

from __future__ import annotations

from cortex_kube import cluster_state
from infra.serving import metrics_stack, pod_template


def test_labels_namespaces_and_services_match_the_program() -> None:
    """API label, metrics namespace and Prometheus service equal the program's constants."""
    assert cluster_state.API_LABEL == pod_template.API_LABEL
    assert cluster_state.METRICS_NAMESPACE == metrics_stack.METRICS_NAMESPACE
    service = f"{metrics_stack.PROMETHEUS_RELEASE}-server:80"
    assert service == cluster_state.PROMETHEUS_SERVICE
    assert metrics_stack.PROMETHEUS_URL.startswith(f"http://{service.split(':', maxsplit=1)[0]}.")

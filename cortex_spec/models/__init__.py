"""The spec's pydantic models (strict, frozen, every field described)."""

from cortex_spec.models.api import Autoscaling, Networking, RealtimeAPI, UpdateStrategy
from cortex_spec.models.cluster import ClusterConfig, ExistingSubnet, NodeGroup, SpotConfig
from cortex_spec.models.document import SpecDocument
from cortex_spec.models.workload import Compute, Container, Pod, Predictor, Probe

__all__ = [
    "Autoscaling",
    "ClusterConfig",
    "Compute",
    "Container",
    "ExistingSubnet",
    "Networking",
    "NodeGroup",
    "Pod",
    "Predictor",
    "Probe",
    "RealtimeAPI",
    "SpecDocument",
    "SpotConfig",
    "UpdateStrategy",
]

"""The spec's pydantic models (strict, frozen, every field described)."""

from cortex_spec.models.api import Autoscaling, RealtimeAPI, UpdateStrategy, WorkloadAPI
from cortex_spec.models.api_base import ApiBase, Networking
from cortex_spec.models.async_api import AsyncAPI
from cortex_spec.models.cluster import ClusterConfig, ExistingSubnet, NodeGroup, SpotConfig
from cortex_spec.models.document import SpecDocument
from cortex_spec.models.predictor import Predictor
from cortex_spec.models.traffic_splitter import SplitTarget, TrafficSplitter
from cortex_spec.models.workload import AsyncPod, Compute, Container, Pod, Probe

__all__ = [
    "ApiBase",
    "AsyncAPI",
    "AsyncPod",
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
    "SplitTarget",
    "SpotConfig",
    "TrafficSplitter",
    "UpdateStrategy",
    "WorkloadAPI",
]

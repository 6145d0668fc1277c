"""Serving: each API's pods, one shared load balancer, request-based pod autoscaling."""

from infra.serving.component import Serving, ServingArgs

__all__ = ["Serving", "ServingArgs"]

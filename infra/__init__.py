"""Pulumi components that turn a validated spec into AWS and Kubernetes resources."""

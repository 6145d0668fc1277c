"""What runs in the cluster: API replicas, node groups and pod logs, read with the official
Kubernetes Python client (no pulumi, no boto3). `cortex-infra get` and `logs` use it."""

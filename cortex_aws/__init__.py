"""AWS-facing tools with boto3: preflight checks, live status, prices and the cost estimate.

Imports `cortex_spec`, never pulumi or `infra`. Only `cortex_cli` prints; this package
returns reports and raises `ProvisionError` when a command cannot go on.
"""

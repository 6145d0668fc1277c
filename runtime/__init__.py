"""The reference serving runtime for cortex-infra APIs (see docs/runtime-contract.md).

This package must stay importable without its server dependencies: the spec validator
and the Pulumi program import `runtime.contract` only.
"""

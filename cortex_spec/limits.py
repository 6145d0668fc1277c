"""Every bound the spec enforces on its input, with the reason for its value.

Two kinds. Input bounds keep hostile files (huge, deep, alias bombs) from costing more than a
few seconds and a few hundred MB before they are refused; `benchmarks/adversarial_bench.py`
measures the worst cases against 10 s and 500 MB. Target bounds are what the systems a spec
becomes accept, so that nothing `validate` passes fails later in `plan` or `pulumi up`.
"""

from __future__ import annotations

from typing import Final

# --- Input bounds ------------------------------------------------------------------------

# Bytes read from one spec file, at most. The `apis:` of examples/mixed, comments included,
# take 579 bytes an API (measured), so 1,500 such APIs are about 0.9 MB; 8 MiB leaves nine
# times that. A 10 MB file used to take 35 s and 660 MB; the read stops at this many bytes,
# so /dev/zero or a growing file cannot exhaust memory.
MAX_SPEC_BYTES: Final = 8 * 2**20

# Nested lists and mappings, at most. The deepest path of the schema is 7 levels
# (apis[].pod.containers[].readiness_probe.http_get.port); `predictor.config` is free-form
# and gets the rest. libyaml's own composer recurses once per level in C and crashed the
# process at ~30,000 levels; the event reader refuses the 65th level as it opens.
MAX_DEPTH: Final = 64

# YAML nodes written in the file (keys, scalars, lists, mappings), at most. 1,500 APIs with
# every field written out are 136,503 nodes (measured; 91 an API), so the bound leaves room
# for environments and a larger `predictor.config`. Reading is the cost: about 11 us of CPU
# a node on the development machine, so the largest file is read in about 3 s.
MAX_NODES: Final = 250_000

# Values after aliases (*name) are expanded, at most: the same budget as written nodes.
# An alias repeats a whole value, so 30 nested aliases of two items each ("billion laughs")
# would otherwise expand to 2**30 values in memory when the tree is read.
MAX_EXPANDED_VALUES: Final = MAX_NODES

# Characters in one integer literal, at most (signs, `0x`/`0b`/`0o` prefixes and `_`
# included). No field takes more than 64 bits (20 decimal digits, 66 characters as `0b`
# binary); Python refuses to convert decimal literals of more than 4,300 digits and
# converts hexadecimal ones of any length, which then overflowed float conversions in
# `plan`. 128 characters keeps every integer below 10**128, well inside a float.
MAX_INTEGER_CHARS: Final = 128

# Bytes in one path component (a file or folder name), and in a whole path: Linux's
# NAME_MAX and PATH_MAX (include/uapi/linux/limits.h). Longer names raised
# `OSError: File name too long` from the file checks.
MAX_NAME_BYTES: Final = 255
MAX_PATH_BYTES: Final = 4096

# --- Target bounds -----------------------------------------------------------------------

# Kubernetes stores replica counts, probe timings and thresholds, IntOrString rollout steps
# and HPA scaling-policy values as int32 (k8s.io/api apps/v1 DeploymentSpec.Replicas,
# core/v1 Probe, apimachinery intstr.IntOrString.IntVal, autoscaling/v2
# HPAScalingPolicy.Value); KEDA's ScaledObject min/maxReplicaCount are *int32
# (kedacore/keda apis/keda/v1alpha1/scaledobject_types.go). EKS's NodegroupScalingConfig
# sizes are Integer (32-bit) in the EKS API reference. Pulumi sends numbers as float64, so
# anything larger would also lose precision before it reached AWS.
INT32_MAX: Final = 2**31 - 1

# `max_upscale_factor` becomes the HPA's Percent policy, floor((factor - 1) * 100), an
# int32 (scaling_rules.upscale_percent): the largest factor whose percent fits.
MAX_UPSCALE_FACTOR: Final = 21_474_837

# Requests one replica runs at once and queues: Cortex v0.42's bounds for RealtimeAPIs
# (cortex-spec.md §4.2, 1-30000). The runtime starts every predictor thread up front, and a
# replica never runs more than `max_concurrency` requests, so `threads_per_process` shares
# the bound: more threads could never be busy, only exhaust the pod's thread limit.
MAX_CONCURRENCY: Final = 30_000

# Worker processes per replica: Cortex v0.20's bound (cortex-spec.md §5, 1-100).
MAX_PROCESSES: Final = 100

# Problems reported by one run, at most; the rest are counted, not located. A reviewer fixes
# the first few hundred before reading further, and locating and rendering each one is
# what made a file of 400,000 broken APIs take 28 s and 1 GB.
MAX_PROBLEMS: Final = 500

# Availability zones a cluster may list, at most: the program's subnet layout splits the VPC
# into eighths or sixteenths, one public and one private subnet per AZ (infra/network.py,
# MAX_ZONES); no AWS region has more AZs than that.
MAX_AVAILABILITY_ZONES: Final = 8

# Bytes in one ConfigMap's data, at most: Kubernetes refuses larger ones ("must have at most
# 1048576 bytes"; kubernetes pkg/apis/core/validation ValidateConfigMap, core.MaxSecretSize).
# Each API's spec file (predictor.config included) is one ConfigMap.
MAX_CONFIG_MAP_BYTES: Final = 2**20

# Bytes of `predictor.path` read by the import check (rules/bundle_imports.py), at most: a
# predictor module is source code, and a larger file is not checked (the runtime reads it).
MAX_SOURCE_BYTES: Final = 8 * 2**20

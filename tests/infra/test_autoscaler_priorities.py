"""The priority expander's regexes: built from node group name prefixes, each matching its
own group's ASGs (`eks-<node group name>-<uuid>`) and no other group's."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec import naming
from infra.cluster_autoscaler import (
    FALLBACK_PRIORITY,
    FALLBACK_REGEX,
    asg_regex,
    expander_priorities,
)

# Node group names as terraform-provider-aws makes them from a prefix (a UTC timestamp to
# 1/10000 s, then an 8-hex-digit counter), ASG names as EKS makes them from those.
UUID = "8ebe6ec6-0d4f-4a1c-9d5e-2b1f0c9a7e31"


def asg(group: str, stamp: str = "20261123101500123400000001") -> str:
    return f"eks-{group}-{stamp}-{UUID}"


def priority(priorities: dict[str, list[str]], name: str) -> int:
    """What the expander assigns: the highest priority with a regex found in the name
    (kubernetes/autoscaler expander/priority/priority.go uses FindStringIndex)."""
    return max(
        int(p) for p, regexes in priorities.items() if any(re.search(r, name) for r in regexes)
    )


def test_each_group_matches_only_its_own_asgs_even_when_names_share_a_prefix() -> None:
    """`gpu`, `gpu-spot` and `gpu-spot-on-demand` never match each other's ASGs."""
    groups = {"gpu": 11, "gpu-spot": 41, "gpu-spot-on-demand": 40, "system": 1}
    priorities = expander_priorities({naming.node_group_prefix(g): p for g, p in groups.items()})
    for group, rank in groups.items():
        name = asg(group)
        matching = [g for g in groups if re.search(asg_regex(naming.node_group_prefix(g)), name)]
        assert matching == [group]
        assert priority(priorities, name) == rank


def test_a_replacement_beside_the_old_group_gets_the_same_priority() -> None:
    """Old and new node group of one spec group (two suffixes) share their priority."""
    priorities = expander_priorities({"cpu-": 21, "system-": 1})
    old, new = asg("cpu", "20261123101500123400000001"), asg("cpu", "20270101000000000000000002")
    assert priority(priorities, old) == priority(priorities, new) == 21


@pytest.mark.parametrize(
    "name",
    [
        "eks-0eb97841-2793-dbd5-f6a9-c0dfe217a049",  # the pre-2021 form, no group name
        "eks-cpu-" + UUID,  # a group named without a suffix
        asg("cpu") + "-extra",
        "x" + asg("cpu"),
    ],
)
def test_unforeseen_asg_names_fall_to_the_last_resort(name: str) -> None:
    """An ASG no group regex finds still gets the fallback, instead of never being used."""
    priorities = expander_priorities({"cpu-": 21, "system-": 1})
    assert priority(priorities, name) == FALLBACK_PRIORITY
    assert priorities[str(FALLBACK_PRIORITY)] == [FALLBACK_REGEX]


def test_regexes_are_anchored_and_readable() -> None:
    """Whole-name regexes without escapes: the ConfigMap reads as the names it matches."""
    regex = asg_regex("gpu-spot-")
    assert regex.startswith("^eks-gpu-spot-[0-9]{18}[0-9a-f]{8}-")
    assert regex.endswith("$")
    with pytest.raises(ValueError, match="unexpected"):
        asg_regex("gpu.spot-")
    with pytest.raises(ValueError, match="above the fallback"):
        expander_priorities({"cpu-": 0})


_GROUP = st.from_regex(r"[a-z][a-z0-9-]{0,24}[a-z0-9]", fullmatch=True)


@given(st.lists(_GROUP, min_size=2, max_size=6, unique=True), st.data())
def test_any_set_of_group_names_is_unambiguous(groups: list[str], data: st.DataObject) -> None:
    """For any distinct spec group names, a group's ASG matches its regex and no other."""
    stamp = data.draw(st.from_regex(naming.NODE_GROUP_SUFFIX, fullmatch=True))
    regexes = {g: asg_regex(naming.node_group_prefix(g)) for g in groups}
    for group in groups:
        name = asg(group, stamp)
        assert [g for g, r in regexes.items() if re.search(r, name)] == [group]

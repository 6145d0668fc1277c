"""Rules of a TrafficSplitter, as Cortex v0.42 checked them (`ValidateTrafficSplitter` in
pkg/types/spec/validations.go, `checkIfAPIExists` in pkg/operator/resources/validations.go).

Cortex accepted targets already deployed by an earlier `cortex deploy`; a cortex-infra spec
is the whole stack, so every target is an API of the same spec.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set

from cortex_spec.diagnostics import Finding
from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.source import Path

TOTAL_WEIGHT = 100


def check_splitter(
    splitter: TrafficSplitter,
    path: Path,
    apis: Mapping[str, ApiBase],
    failed: Set[str] = frozenset(),
) -> Iterator[Finding]:
    """Weights, shadows, duplicates and targets of one splitter. `failed` names the APIs of
    the spec that did not validate: a target among them is not reported again."""
    where = (*path, "apis")
    total = sum(t.weight for t in splitter.primaries)
    if total != TOTAL_WEIGHT:
        yield Finding(
            where,
            f"expected weights of all non-shadow apis to sum to {TOTAL_WEIGHT} but found {total}",
            "adjust the weights so the APIs that answer share 100 percent of the requests",
        )
    if not splitter.primaries:
        yield Finding(where, "has only a shadow API", "add at least one API that answers")
    shadows = [i for i, t in enumerate(splitter.apis) if t.shadow]
    if len(shadows) > 1:
        yield Finding(
            (*where, shadows[1], "shadow"),
            "multiple shadow apis detected; only one api is allowed to be marked as a shadow",
            "keep shadow: true on one API",
        )
    seen: dict[str, int] = {}
    for index, target in enumerate(splitter.apis):
        at = (*where, index)
        if target.name in seen:
            yield Finding(
                (*at, "name"),
                f"api not unique: {target.name} (also apis[{seen[target.name]}])",
                "list each API once; give it the sum of the weights",
            )
            continue
        seen[target.name] = index
        if target.name not in failed:
            yield from _target(splitter, target.name, (*at, "name"), apis)
        if target.shadow and target.weight == 0:
            yield Finding(
                (*at, "weight"),
                "a shadow with weight 0 receives no copy of any request",
                "a shadow's weight is the percent of requests copied to it; raise it or drop "
                "the shadow",
                severity="warning",
            )


def _target(
    splitter: TrafficSplitter, name: str, at: Path, apis: Mapping[str, ApiBase]
) -> Iterator[Finding]:
    found = apis.get(name)
    realtime = sorted(n for n, a in apis.items() if a.kind == "RealtimeAPI")
    if found is None:
        known = ", ".join(realtime) or "none"
        yield Finding(
            at,
            f"api {name} is not defined in this spec",
            f"a TrafficSplitter sends requests to RealtimeAPIs of the same spec ({known})",
        )
    elif found.name == splitter.name:
        yield Finding(at, "a TrafficSplitter cannot target itself", "name a RealtimeAPI")
    elif found.kind != "RealtimeAPI":
        yield Finding(
            at,
            f"{name} is {_article(found.kind)} {found.kind}; a TrafficSplitter can only target "
            "RealtimeAPIs",
            "name a RealtimeAPI",
        )


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"

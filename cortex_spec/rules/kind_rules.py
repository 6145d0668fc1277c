"""Rules on an API's `kind:`: missing, unknown (with the closest kind), a Cortex kind that
does not load yet (with what to use meanwhile), or one that loads but does not deploy yet.
The registry itself is `cortex_spec/models/kinds.py`."""

from __future__ import annotations

from cortex_spec import catalog
from cortex_spec.diagnostics import Finding
from cortex_spec.models.kinds import (
    CORTEX_KINDS,
    DEPLOYABLE_KINDS,
    NOT_DEPLOYABLE,
    NOT_YET,
    SUPPORTED_KINDS,
)
from cortex_spec.source import Path


def not_deployable(path: Path, kind: str) -> Finding:
    """A kind that loads and is checked, but whose stack is not built yet."""
    served = ", ".join(DEPLOYABLE_KINDS)
    return Finding(
        (*path, "kind"),
        f"{kind} is not supported yet: {NOT_DEPLOYABLE[kind]}",
        f"cortex-infra deploys {served}",
    )


def kind_finding(path: Path, kind: object, is_mapping: bool) -> Finding:
    """A kind that does not load: missing, not yet supported, or unknown."""
    supported = ", ".join(DEPLOYABLE_KINDS)
    if not is_mapping:
        return Finding(path, "must be a mapping (an API)", "start each API with `- name:`")
    if kind is None:
        return Finding(path, "kind is required", f"add `kind:` ({supported})")
    if isinstance(kind, str) and kind in NOT_YET:
        return Finding(
            (*path, "kind"),
            f"{kind} is not supported yet",
            f"cortex-infra serves {supported}; {NOT_YET[kind]}",
        )
    known = [*SUPPORTED_KINDS, *(k for k in CORTEX_KINDS if k not in SUPPORTED_KINDS)]
    close = catalog.suggest(str(kind), known)
    hint = f"did you mean {close[0]}?" if close else f"use one of {supported}"
    return Finding((*path, "kind"), f'unknown kind "{kind}"', hint)

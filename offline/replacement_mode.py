"""How the engine replaces a resource: which one goes first, and what a replacement drags along.

`delete_before_replace` is the order the Pulumi engine uses: the `deleteBeforeReplace`
resource option when set, else the provider's answer in its `Diff` response (pulumi/pulumi
`pkg/resource/deploy/step_generator.go`: `diff.DeleteBeforeReplace`, overridden by
`goal.DeleteBeforeReplace`). The providers answer:

- pulumi-aws (pulumi-terraform-bridge `pkg/tfbridge/provider.go` `Diff`): yes when the
  resource sets `DeleteBeforeReplace` in pulumi-aws's overrides, or when the program set a
  field pulumi-aws auto-names (`schema.go` `nameRequiresDeleteBeforeReplace`; pulumi/pulumi-
  terraform#465 "Set delete-before-replace for manually-named resources");
- pulumi-kubernetes (`provider/pkg/provider/provider.go` `Diff`): yes when the object has an
  explicit `metadata.name` and neither name nor namespace changes; Helm releases never
  (`helm_release.go`).

A replaced resource gets new outputs, and a dependent whose replace-forcing input reads
them is replaced too (`step_generator.go` `calculateDependentReplacements` for
delete-before-replace; the dependent's own diff otherwise). `cascades` decides that from
the recorded property dependencies and the replace table (`replacements.py`).
"""

from __future__ import annotations

from typing import Any, Final

from offline.graph import PlannedResource
from offline.identity import HELM, KUBERNETES, key_of, rows_for
from offline.paths import MISSING, covers, parse_path, value_at
from offline.replacements import rules_for

# pulumi-aws `resourceOverrides` (provider/resources.go) set `DeleteBeforeReplace: true`.
PROVIDER_DELETE_FIRST: Final = frozenset(
    {
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
    }
)


def _value(inputs: dict[str, Any], path: str) -> Any:
    found = value_at(inputs, parse_path(path))
    return None if found is MISSING or found in (None, "") else found


def delete_before_replace(old: PlannedResource, new: PlannedResource) -> bool:
    """Whether the engine deletes `old` before creating `new` when it replaces it."""
    if new.options.get("deleteBeforeReplace") or new.type in PROVIDER_DELETE_FIRST:
        return True
    rows = rows_for(new.type)
    if not rows or rows[0] is HELM:
        return False
    if rows[0] is KUBERNETES:
        name = _value(new.inputs, "metadata.name")
        same_name = name is not None and name == _value(old.inputs, "metadata.name")
        namespace = _value(new.inputs, "metadata.namespace")
        return same_name and namespace == _value(old.inputs, "metadata.namespace")
    return any(_value(new.inputs, field) is not None for field in rows[0].autonamed)


def fresh_on_replace(resource: PlannedResource) -> bool:
    """Whether what dependents read from this resource changes when it is recreated: an
    ID or ARN always does; a name (an IAM role's ARN, a Kubernetes object) only when the
    provider generates it."""
    rows = rows_for(resource.type)
    if not rows or not rows[0].named_reference:
        return True
    return key_of(rows[0], resource.inputs) is None


def cascades(dependent: PlannedResource, changed: set[str]) -> str | None:
    """The replace-forcing input of `dependent` that reads one of the `changed` resources,
    or None when new values from them only update it.

    Property dependencies name top-level inputs only, so a rule counts when its path starts
    with such an input. Rules with a condition on the old and new values (`Rule.when`)
    cannot be judged against a value not known yet and are left out; paths under
    `ignoreChanges` keep their old value and change nothing.
    """
    ignored = [parse_path(p) for p in dependent.options.get("ignoreChanges", ())]
    extra = [parse_path(p) for p in dependent.options.get("replaceOnChanges", ())]
    paths = [r.segments for r in rules_for(dependent.type) or () if r.when is None]
    for key, sources in sorted(dependent.property_dependencies.items()):
        if not changed.intersection(sources):
            continue
        for path in [*paths, *extra]:
            if path[:1] == (key,) and not any(covers(i, path) for i in ignored):
                return key
    return None


def reads_changed(dependent: PlannedResource, changed: set[str]) -> bool:
    """Whether an input of `dependent` takes a value from one of the `changed` resources
    (a bare `dependsOn` passes none)."""
    return any(changed.intersection(s) for s in dependent.property_dependencies.values())

"""`apis:` validated as `load_spec` does it: each entry alone with its kind's model and
rules, then across APIs (unique names and endpoints, splitters' targets, bundles).

Separate from `loader.py`, which reads and merges the files and assembles the `Spec`: the
per-API checks have their own bound (`limits.MAX_PROBLEMS`) and their own partial reading
(an API with a broken field is still fitted to the node groups when the field cannot
change where it runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cortex_spec import limits
from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.models.kinds import NOT_DEPLOYABLE, model_for
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.node_profiles import NodeProfile
from cortex_spec.rules.api_rules import check_api, check_unique
from cortex_spec.rules.compute_fit import check_placement
from cortex_spec.rules.file_rules import check_bundles
from cortex_spec.rules.job_rules import check_job
from cortex_spec.rules.kind_rules import kind_finding, not_deployable
from cortex_spec.rules.splitter_rules import check_splitter
from cortex_spec.source import Path as Path_
from cortex_spec.validation_errors import findings_from_validation

M = TypeVar("M", bound=BaseModel)

# The finding that marks where API checks stopped, at limits.MAX_PROBLEMS errors.
STOPPED = "checking stopped here"


def validate_part(
    model: type[M], data: Any, prefix: tuple[str | int, ...]
) -> tuple[M | None, list[Finding]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, findings_from_validation(exc, model, data, prefix)


# What an API's placement and compute fit depend on: a mistake elsewhere in the API (its
# autoscaling, say) does not change whether it fits, so it is checked without that part.
_PLACEMENT_FIELDS = frozenset({"name", "kind", "predictor", "pod", "compute", "node_groups"})


def _placement_probe(item: Any, problems: list[Finding], depth: int) -> WorkloadAPI | None:
    """The API without its broken fields, when none of them bears on where it runs."""
    if not isinstance(item, dict):
        return None
    model = model_for(item.get("kind"))
    if model is None or not issubclass(model, WorkloadAPI):
        return None
    broken = {f.path[depth] for f in problems if len(f.path) > depth}
    if not broken or broken & _PLACEMENT_FIELDS:
        return None
    if any(len(f.path) <= depth for f in problems):
        return None
    try:
        return model.model_validate({k: v for k, v in item.items() if k not in broken})
    except ValidationError:
        return None


def validate_apis(
    raw: Any,
    profiles: list[NodeProfile] | None,
    dirs: tuple[Path, Path],
    files: tuple[str, ...],
) -> tuple[list[tuple[int, ApiBase]], list[Finding]]:
    """Each API alone (with its kind's model), then across APIs, then the project folder as
    the bundle the predictor form ships; `dirs` is the spec's folder, resolved and as given;
    `files`, the spec's."""
    findings: list[Finding] = []
    errors = 0
    valid: list[tuple[int, ApiBase]] = []
    for index, item in enumerate(raw or []):
        path = ("apis", index)
        if errors >= limits.MAX_PROBLEMS:
            # Past the bound nothing more is reported, so nothing more is checked.
            findings.append(Finding(path, STOPPED, "fix the problems above first"))
            break
        api, found = _validate_api(item, path, profiles, dirs)
        findings += found
        errors += sum(f.severity == "error" for f in found)
        if api is not None:
            valid.append((index, api))
    findings += check_unique(valid)
    by_name = {api.name: api for _, api in valid}
    # APIs of the file that did not validate have their own errors: a splitter naming one
    # is not told it is undefined.
    named = [item.get("name") for item in raw or [] if isinstance(item, dict)]
    failed = {name for name in named if isinstance(name, str) and name not in by_name}
    for index, api in valid:
        if isinstance(api, TrafficSplitter):
            findings += check_splitter(api, ("apis", index), by_name, failed)
    workloads = [(index, api) for index, api in valid if isinstance(api, WorkloadAPI)]
    findings += check_bundles(workloads, dirs[0], files_inside(files, dirs[0]))
    return valid, findings


def files_inside(files: tuple[str, ...], project_dir: Path) -> tuple[str, ...]:
    """The spec's own files inside `project_dir`, as relative POSIX paths, sorted."""
    inside = []
    for name in files:
        path = Path(name).resolve()
        if path.is_relative_to(project_dir):
            inside.append(path.relative_to(project_dir).as_posix())
    return tuple(sorted(inside))


def _validate_api(
    item: Any, path: Path_, profiles: list[NodeProfile] | None, dirs: tuple[Path, Path]
) -> tuple[ApiBase | None, list[Finding]]:
    kind = item.get("kind") if isinstance(item, dict) else None
    model = model_for(kind)
    if model is None:
        return None, [kind_finding(path, kind, isinstance(item, dict))]
    api, findings = validate_part(model, item, path)
    # Refused at its kind whether or not its fields are valid: fixing them would not deploy it.
    if kind in NOT_DEPLOYABLE:
        findings.append(not_deployable(path, kind))
    if api is None:
        probe = _placement_probe(item, findings, len(path))
        if probe is not None and profiles is not None:
            findings += check_placement(probe, path, profiles)
        return None, findings
    if isinstance(api, JobAPI):
        findings += check_job(api, path)
    if isinstance(api, WorkloadAPI):
        findings += check_api(api, path, dirs[0], dirs[1])
        if profiles is not None:
            findings += check_placement(api, path, profiles)
    return api, findings

"""The version matrix, as data: `cortex_spec/data/version_matrix.yaml`.

One row per Kubernetes minor; one cell per component that must follow the cluster
(cluster-autoscaler, the Neuron scheduler, device plugins, KEDA, the load-balancer
controller), each a cited version or a named gap. Validation rejects a minor whose row has
a gap in a component the spec uses; the program reads its versions from the same row, so
nothing ever runs a component cited for another minor. Loading checks the data against the
rules it encodes (every row complete, cluster-autoscaler on the row's minor, the Neuron
kube-scheduler at most one minor behind), so a bad refresh fails every test at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cortex_spec.kubernetes_versions import minor

DATA_FILE: Final = "version_matrix.yaml"
Usage = Literal["always", "nvidia", "neuron", "scale-to-zero"]
USAGES: Final[tuple[Usage, ...]] = ("always", "nvidia", "neuron", "scale-to-zero")
# Components whose image is built for one Kubernetes minor, and how far behind the control
# plane it may be: cluster-autoscaler must match it (its README, "Releases"); a scheduler
# may be one minor older than the API server (Kubernetes version skew policy,
# kube-scheduler: "no newer than kube-apiserver, may be up to one minor version older").
_MINOR_SKEW: Final = {"cluster-autoscaler": 0, "neuron-scheduler": 1}
_IMAGE_MINOR: Final = re.compile(r"v1\.(\d+)\.\d+.*", re.DOTALL)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Component(_Data):
    title: str
    used: Usage


class Cell(_Data):
    """A cited version, or a gap saying what is missing."""

    version: str | None = None
    source: str | None = None
    gap: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Cell:
        cited = self.version is not None and self.source is not None
        if cited == (self.gap is not None) or (self.gap is not None and self.version):
            raise ValueError("a cell is either `version` with `source`, or `gap`")
        return self


class _Matrix(_Data):
    read_on: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    components: dict[str, Component] = Field(min_length=1)
    # Shared cells, referenced from rows by YAML anchors; not read otherwise.
    cells: dict[str, Cell] = Field(default_factory=dict)
    rows: dict[Annotated[str, StringConstraints(pattern=r"^1\.\d+$")], dict[str, Cell]]


@dataclass(frozen=True)
class Gap:
    component: str
    title: str
    reason: str


@dataclass(frozen=True)
class Change:
    component: str
    title: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Matrix:
    read_on: str
    components: dict[str, Component]
    rows: dict[str, dict[str, Cell]]

    def minors(self) -> list[str]:
        """Rows, newest first."""
        return sorted(self.rows, key=minor, reverse=True)

    def cell(self, kubernetes_version: str, component: str) -> Cell | None:
        return self.rows.get(kubernetes_version, {}).get(component)

    def version(self, kubernetes_version: str, component: str) -> str:
        """The cited version of `component` on that minor; validation has already rejected
        a spec that would need a gap, so reaching one here is a bug."""
        cell = self.cell(kubernetes_version, component)
        if cell is None or cell.version is None:
            raise LookupError(f"no cited {component} for Kubernetes {kubernetes_version}")
        return cell.version

    def gaps(self, kubernetes_version: str, uses: frozenset[Usage]) -> list[Gap]:
        """The gaps of that minor's row in components the spec uses, in component order."""
        row = self.rows.get(kubernetes_version)
        if row is None:
            return [Gap("*", "version matrix", f"it has no row for {kubernetes_version}")]
        return [
            Gap(name, component.title, row[name].gap or "")
            for name, component in self.components.items()
            if component.used in uses and row[name].gap is not None
        ]

    def changes(self, before: str, after: str, uses: frozenset[Usage]) -> list[Change]:
        """The used components whose version differs between two minors' rows."""
        old, new = self.rows.get(before, {}), self.rows.get(after, {})
        found = []
        for name, component in self.components.items():
            if component.used not in uses:
                continue
            was = old[name].version if name in old else None
            now = new[name].version if name in new else None
            if was != now:
                found.append(Change(name, component.title, was, now))
        return found


def _check(data: _Matrix) -> None:
    """The rules the data encodes; a refresh that breaks one must not load."""
    for row_minor, row in data.rows.items():
        missing = sorted(set(data.components) - set(row))
        unknown = sorted(set(row) - set(data.components))
        if missing or unknown:
            raise ValueError(f"row {row_minor}: missing {missing}, unknown {unknown}")
        for name, skew in _MINOR_SKEW.items():
            version = row[name].version
            if version is None:
                continue
            found = _IMAGE_MINOR.fullmatch(version)
            if found is None:
                raise ValueError(f"row {row_minor}: {name} {version} is not v1.<minor>.<patch>")
            behind = minor(row_minor) - int(found.group(1))
            if not 0 <= behind <= skew:
                raise ValueError(
                    f"row {row_minor}: {name} {version} is {behind} minor(s) from the control "
                    f"plane; allowed 0 to {skew} behind"
                )


def load(text: str) -> Matrix:
    """A matrix from its YAML text; ValueError (pydantic's included) when it breaks a rule."""
    data = _Matrix.model_validate(yaml.safe_load(text))
    _check(data)
    return Matrix(read_on=data.read_on, components=dict(data.components), rows=dict(data.rows))


def packaged_text() -> str:
    return resources.files("cortex_spec").joinpath("data", DATA_FILE).read_text("utf-8")


@cache
def matrix() -> Matrix:
    """The packaged matrix, validated once per process."""
    return load(packaged_text())

"""The version matrix and the EKS calendar as Markdown, for docs/cluster.md "Versions".

The docs section between the `versions:begin` and `versions:end` markers is this module's
output, byte for byte (tests/spec/test_version_matrix.py checks it and rewrites it with
`CORTEX_UPDATE_DOCS=1`), so the docs can never disagree with the data the program reads.
"""

from __future__ import annotations

from typing import Final

from cortex_spec.kubernetes_versions import Calendar, calendar, minor
from cortex_spec.version_matrix import Matrix, matrix

BEGIN: Final = "<!-- versions:begin (generated from cortex_spec/data; do not edit) -->"
END: Final = "<!-- versions:end -->"


def _status(data: Calendar, version: str) -> str:
    if data.past_extended_support(version):
        return "**rejected**: past extended support"
    if data.past_standard_support(version):
        return "extended support (warning, charged)"
    return "standard support"


def calendar_table(data: Calendar) -> list[str]:
    lines = [
        f"EKS calendar read on {data.read_on}; a date on or before it is past.",
        "",
        "| minor | EKS release | end of standard support | end of extended support | "
        f"on {data.read_on} |",
        "|---|---|---|---|---|",
    ]
    for version in sorted(data.versions, key=minor, reverse=True):
        row = data.versions[version]
        lines.append(
            f"| {version} | {row.released} | {row.standard_support_ends} | "
            f"{row.extended_support_ends} | {_status(data, version)} |"
        )
    pricing = data.extended_support_pricing
    lines += [
        "",
        f"Source: {data.source}. Extended support costs {pricing.text} "
        f"([AWS]({pricing.source}), as of {pricing.as_of}).",
    ]
    return lines


def matrix_table(table: Matrix) -> list[str]:
    minors = table.minors()
    lines = [
        f"Version matrix read on {table.read_on}; **gap** = no cited release (a spec on that "
        "minor that uses the component is rejected).",
        "",
        "| component | used | " + " | ".join(minors) + " |",
        "|---|---|" + "---|" * len(minors),
    ]
    for name, component in table.components.items():
        cells = []
        for version in minors:
            cell = table.rows[version][name]
            cells.append(f"`{cell.version}`" if cell.version else "**gap**")
        lines.append(f"| {component.title} | {component.used} | " + " | ".join(cells) + " |")
    lines += ["", "Sources and gaps, per component:", ""]
    for name, component in table.components.items():
        lines.append(f"- **{component.title}**")
        seen: dict[str, list[str]] = {}
        for version in minors:
            cell = table.rows[version][name]
            text = f"gap: {cell.gap}" if cell.gap else f"`{cell.version}`: {cell.source}"
            seen.setdefault(text, []).append(version)
        for text, versions in seen.items():
            lines.append(f"  - {', '.join(versions)}: {text}")
    return lines


def markdown() -> str:
    """The whole generated section, markers included."""
    addons = (
        "EKS managed add-ons (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver, "
        "metrics-server) are not pinned: each is EKS's default version for the cluster's "
        "minor (`aws.eks.get_addon_version`, `most_recent=False`), resolved at deploy time."
    )
    body = [
        BEGIN,
        "",
        *calendar_table(calendar()),
        "",
        *matrix_table(matrix()),
        "",
        addons,
        "",
        END,
    ]
    return "\n".join(body) + "\n"

"""Which files changed in an API's code bundle, for the diff's one-line summary.

A plan records a bundle object's content by the zip's SHA-256 only (`source.sha256`). The
zips themselves are deterministic (`runtime/bundle.py`) and kept in the local bundle cache
under that hash (`infra.serving.bundles.cached_path`), where evaluating each side of the
diff wrote them; their file lists and per-file hashes are compared here, offline. A zip the
cache does not hold (a deployed bundle built on another machine) is reported as unknown.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Final

from offline.diff import ResourceChange
from runtime.bundle import BundleError, manifest

BUNDLE_OBJECT: Final = "aws:s3/bucketObjectv2:BucketObjectv2"
# Files named one by one before the rest is counted.
SHOWN: Final = 6


def _manifest(sha256: object) -> dict[str, str] | None:
    if not isinstance(sha256, str):
        return None
    # Imported here: the providers load only once a plan has been evaluated anyway.
    from infra.serving.bundles import cached_path  # noqa: PLC0415

    try:
        return manifest(cached_path(sha256).read_bytes())
    except (OSError, BundleError):
        return None


def _folder(paths: list[str]) -> str:
    """The folder every path lies in (`apis/sentiment/`), or "" when they share none."""
    parents = [PurePosixPath(p).parent.parts for p in paths]
    shared: list[str] = []
    for parts in zip(*parents, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    return "/".join(shared) + "/" if shared else ""


def describe(before: dict[str, str], after: dict[str, str]) -> str:
    """`(apis/sentiment/): predictor.py changed, utils.py added`."""
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    folder = _folder([*before, *after])
    items = [
        *(f"{p.removeprefix(folder)} changed" for p in changed),
        *(f"{p.removeprefix(folder)} added" for p in added),
        *(f"{p.removeprefix(folder)} removed" for p in removed),
    ]
    if not items:
        return f" ({folder}): same files, rebuilt" if folder else ": same files, rebuilt"
    shown = ", ".join(items[:SHOWN])
    if len(items) > SHOWN:
        shown += f" and {len(items) - SHOWN} more"
    return f" ({folder}): {shown}" if folder else f": {shown}"


def bundle_phrase(change: ResourceChange) -> str | None:
    """`bundle (apis/sentiment/): predictor.py changed` for a changed bundle object."""
    if change.type != BUNDLE_OBJECT or change.op not in ("update", "replace"):
        return None
    source = next((f for f in change.fields if f.path == "source.sha256"), None)
    if source is None:
        return None
    before, after = _manifest(source.before), _manifest(source.after)
    if before is None or after is None:
        return "bundle changed (its files are not in the local bundle cache)"
    return "bundle" + describe(before, after)

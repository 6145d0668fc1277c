"""Fields of older Cortex releases: read as today's (mapped), or refused with one precise message.

Cortex's API schema changed often between v0.20 and v0.42 (`pkg/types/userconfig/api.go` and
`pkg/types/spec/validations.go` at each tag). A field that cortex-infra does not serve is still
*known*: it is declared on the model with its Cortex versions, so it is never reported as an
unknown key with a "did you mean" (`protobuf_path` is not a misspelt `python_path`), and the
compatibility table (`docs/cortex-compatibility.md`) is generated from these declarations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, Literal, cast

from pydantic import AfterValidator, BaseModel, Field
from pydantic.fields import FieldInfo

from cortex_spec.models.base import fail

Status = Literal["supported", "mapped", "ignored", "unsupported"]
CORTEX_KEY: Final = "x-cortex"
REPO: Final = "https://github.com/cortexlabs/cortex"


def history(versions: str, status: Status, note: str, source: str) -> dict[str, Any]:
    """The JSON Schema extra that the compatibility table reads: when Cortex had the field,
    what cortex-infra does with it, and the Cortex file (at a tag) that defined it."""
    return {CORTEX_KEY: {"versions": versions, "status": status, "note": note, "source": source}}


def unsupported_message(versions: str, why: str) -> str:
    return f"Cortex {versions} field, not supported by cortex-infra: {why}"


def unsupported(versions: str, why: str, instead: str, source: str) -> FieldInfo:
    """A field (`name: Annotated[Any, unsupported(...)]`) that loads only to be refused, with
    the Cortex versions and the alternative. An explicit `null` is accepted: Cortex treated
    it as unset too.
    """

    def refuse(value: object) -> object:
        if value is None:
            return None
        fail(unsupported_message(versions, why), instead, code="cortex_unsupported")

    info = cast(
        FieldInfo,
        Field(
            default=None,
            description=f"Cortex {versions}; not supported: {why}. Instead: {instead}.",
            json_schema_extra=history(
                versions, "unsupported", f"{why}; instead: {instead}", source
            ),
        ),
    )
    info.metadata.append(AfterValidator(refuse))
    return info


def ignored(versions: str, why: str, instead: str, source: str) -> FieldInfo:
    """A field that only Cortex acted on: accepted, and reported by a warning
    (`ignored_fields`), because nothing it did changes what an API answers."""
    return cast(
        FieldInfo,
        Field(
            default=None,
            description=f"Cortex {versions}; ignored: {why}. Instead: {instead}.",
            json_schema_extra=history(versions, "ignored", f"{why}; instead: {instead}", source),
        ),
    )


def ignored_fields(model: BaseModel) -> Iterator[tuple[str, str, str]]:
    """(field, warning, hint) for each ignored Cortex field that `model` sets (not null)."""
    for name, info in type(model).model_fields.items():
        extra = info.json_schema_extra
        meta = extra.get(CORTEX_KEY) if isinstance(extra, dict) else None
        if not isinstance(meta, dict) or meta.get("status") != "ignored":
            continue
        if name in model.model_fields_set and getattr(model, name) is not None:
            why, _, instead = str(meta["note"]).partition("; instead: ")
            yield name, f"Cortex {meta['versions']} field, ignored: {why}", instead


def at(tag: str, path: str) -> str:
    """A Cortex file at a release tag, as a citation."""
    return f"{REPO}/blob/{tag}/{path}"


API_GO_V033: Final = at("v0.33.0", "pkg/types/userconfig/api.go")
API_GO_V020: Final = at("v0.20.0", "pkg/types/userconfig/api.go")
API_GO_V034: Final = at("v0.34.0", "pkg/types/userconfig/api.go")
VALIDATIONS_V033: Final = at("v0.33.0", "pkg/types/spec/validations.go")
CONSTS_V033: Final = at("v0.33.0", "pkg/consts/consts.go")

# `consts.DefaultMaxReplicaConcurrency = int64(1024)` (pkg/consts/consts.go at v0.33.0): the
# default in-flight limit of a predictor-era replica (running + queued, per replica).
DEFAULT_MAX_REPLICA_CONCURRENCY: Final = 1024
# `LessThanOrEqualTo: pointer.Int64(30000)` on MaxReplicaConcurrency (validations.go, v0.33.0).
MAX_REPLICA_CONCURRENCY_LIMIT: Final = 30000

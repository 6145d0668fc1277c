"""docs/cortex-compatibility.md is the table generated from the models, and lists every
older-Cortex field the models declare."""

from __future__ import annotations

from cortex_spec.compatibility_table import render
from tests.conftest import REPO

DOC = REPO / "docs" / "cortex-compatibility.md"


def test_document_is_generated_from_the_models() -> None:
    """The committed document equals the rendering (regenerate: python -c 'from
    cortex_spec.compatibility_table import render; print(render(), end="")' > docs/...)."""
    assert DOC.read_text(encoding="utf-8") == render()


def test_table_names_mapped_ignored_and_unsupported_fields_with_versions() -> None:
    """Fields of older releases carry their Cortex versions and a cited source."""
    text = render()
    for row in (
        "`apis[].autoscaling.target_replica_concurrency` | mapped | v0.20-v0.35",
        "`apis[].predictor.protobuf_path` | unsupported | v0.32-v0.35",
        "`apis[].monitoring` | ignored | v0.20-v0.25",
        "`cluster.instance_type` | unsupported | v0.20-v0.30",
        "`apis[].handler` | mapped | v0.34-v0.35",
    ):
        assert row in text, row
    assert "| AsyncAPI | supported |" in text
    assert "| TrafficSplitter | supported |" in text
    assert "| BatchAPI | supported |" in text
    assert "| TaskAPI | supported |" in text
    assert "`apis[].apis[].shadow` | supported" in text

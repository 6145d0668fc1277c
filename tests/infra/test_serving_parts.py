"""Rules of the serving layer's parts that need no Pulumi engine: bundle storage, metrics
scraping and pod placement (routing: test_router_config.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cortex_spec import load_spec
from infra.serving import bundles, metrics_stack, placement
from tests.infra.serving_fixtures.plans import THREE_APIS


def test_bucket_names_are_stable_and_fit_s3_limits() -> None:
    """Cluster, account and region name the bucket; long names are shortened by hash."""
    name = bundles.bucket_name("mixed-prod", "123456789012", "us-west-2")
    assert name == "mixed-prod-bundles-123456789012-us-west-2"
    long = bundles.bucket_name("c" * 54, "123456789012", "ap-southeast-2")
    assert len(long) == 63
    assert long == bundles.bucket_name("c" * 54, "123456789012", "ap-southeast-2")
    assert long != bundles.bucket_name("c" * 53 + "d", "123456789012", "ap-southeast-2")


def test_bundle_is_cached_by_content_hash_and_honours_cortexignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zip outlives the program at `$XDG_CACHE_HOME/cortex-infra/bundles/<sha256>.zip`."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    spec = load_spec(THREE_APIS)
    bundle = bundles.api_bundle(spec, spec.api("sentiment"))
    path, sha256 = bundles.cached_bundle(bundle), bundle.sha256
    assert path == tmp_path / "cortex-infra" / "bundles" / f"{sha256}.zip"
    assert path == bundles.cached_path(sha256)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert "predictor.py" in names
    assert "ignored.txt" not in names
    assert bundles.cached_bundle(bundles.api_bundle(spec, spec.api("sentiment"))) == path
    assert bundles.bundle_key("embedder", sha256) == f"apis/embedder/{sha256}.zip"


def test_prometheus_labels_series_with_the_api_name() -> None:
    """The scrape job keeps annotated serving pods and copies `cortex.dev/api` to `api_name`."""
    job = metrics_stack.scrape_config()
    assert job["kubernetes_sd_configs"] == [{"role": "pod", "namespaces": {"names": ["cortex"]}}]
    relabel = {r.get("target_label"): r for r in job["relabel_configs"]}
    assert relabel["api_name"]["source_labels"] == ["__meta_kubernetes_pod_label_cortex_dev_api"]
    values = metrics_stack.prometheus_values()
    assert values["serverFiles"]["prometheus.yml"]["scrape_configs"] == [job]
    assert values["server"]["persistentVolume"] == {"enabled": False}


def test_placement_follows_compute_fit() -> None:
    """Affinity, tolerations and the scheduler come from the groups a replica fits on."""
    spec = load_spec(THREE_APIS)
    classifier = spec.api("classifier")
    assert [g.name for g in placement.groups_for(classifier, spec.profiles)] == ["gpu"]
    assert placement.scheduler_name(classifier, spec.profiles) is None
    sentiment = spec.api("sentiment")
    assert placement.tolerations(sentiment, spec.profiles) == []

"""An API's pod, reproduced on this machine for `cortex-infra serve`: its bundle as a local
zip, its spec file and environment, and the check that what its requirements.txt asks for
is installed in the interpreter that will run it.

Separate from the command (`commands/serve.py`), which picks the API and runs the
processes: the same environment serves a RealtimeAPI, each API of a TrafficSplitter and an
AsyncAPI's workers (`async_serving.py`).
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from pathlib import Path

from cortex_cli import output
from cortex_spec import Problem, Spec, SpecError
from cortex_spec.api_bundles import build_api_bundle, bundle_root
from cortex_spec.api_dependencies import SCRIPT, read_dependencies, required_distributions
from cortex_spec.errors import Location
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.serving_env import api_spec_document, serving_environment
from runtime import contract
from runtime.bundle import Bundle, BundleError

__all__ = ["pod_environment"]


def _installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _check_requirements(spec: Spec, api: WorkloadAPI, bundle: Bundle) -> None:
    """Refuse to start while a distribution of the API's requirements.txt is missing here."""
    assert api.predictor is not None
    dependencies = read_dependencies(api.name, bundle, bundle_root(api.predictor).as_posix())
    if dependencies.has_script:
        output.echo(
            f"note: {dependencies.where(SCRIPT)} is not run here; it runs (as root) when the "
            "stack builds the API's image",
            err=True,
        )
    missing = [item for item in required_distributions(dependencies) if not _installed(item[2])]
    if not missing:
        return
    first_file, first_line, _ = missing[0]
    names = ", ".join(dict.fromkeys(name for _, _, name in missing))
    requirements = spec.project_dir / dependencies.where("requirements.txt")
    raise SpecError(
        [
            Problem(
                Location(dependencies.where(first_file), first_line, 1),
                f"apis[{api.name}]",
                f"not installed where cortex-infra runs ({sys.executable}): {names}; the "
                "predictor would fail on its first import",
                f"install them into this environment first: {sys.executable} -m pip install "
                f"-r {requirements} (the API's image has them installed by the stack)",
            )
        ]
    )


def pod_environment(spec: Spec, api: WorkloadAPI, work: Path, port: int) -> dict[str, str]:
    """The pod's environment on this machine: the bundle as a zip and the spec file in
    `work`, the runtime listening on `port`; refused while a requirement is missing."""
    try:
        bundle = build_api_bundle(spec, api)
    except BundleError as error:
        raise SpecError(
            [Problem(None, f"apis[{api.name}]", f"cannot bundle its code: {error}", None)]
        ) from None
    _check_requirements(spec, api, bundle)
    location = work / "bundle.zip"
    location.write_bytes(bundle.data)
    spec_path = work / contract.SPEC_FILE_NAME
    document = api_spec_document(api, spec, bundle_uri=str(location), bundle_sha256=bundle.sha256)
    spec_path.write_text(json.dumps(document, indent=2))
    env = serving_environment(api, spec, bundle_uri=str(location), bundle_sha256=bundle.sha256)
    # The pod's paths and port, moved to this machine; everything else as deployed.
    env[contract.ENV_API_SPEC_PATH] = str(spec_path)
    env[contract.ENV_PROJECT_DIR] = str(work / "project")
    env[contract.ENV_PORT] = str(port)
    return env

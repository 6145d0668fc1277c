"""The serving image, checked without Docker: what the runtime imports, and the Dockerfile."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

DOCKERFILE = (REPO / "runtime" / "Dockerfile").read_text()
LOCK = (REPO / "runtime" / "requirements.lock").read_text()


def test_the_runtime_needs_only_its_locked_dependencies() -> None:
    """Serving imports nothing outside the image: no spec, CLI, infra, pydantic or pathspec."""
    probe = (
        "import sys, runtime.main, runtime.worker, runtime.bundle;"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(
        subprocess.check_output([sys.executable, "-c", probe], cwd=REPO, text=True).split()
    )
    assert not loaded & {"cortex_spec", "cortex_cli", "infra", "pydantic", "pathspec", "pulumi"}
    locked = set(re.findall(r"^([a-z0-9_.-]+)==", LOCK, re.MULTILINE))
    assert {"uvicorn", "uvloop", "httptools", "boto3"} <= locked
    assert "--hash=sha256:" in LOCK


def test_every_target_runs_the_runtime_as_a_numeric_non_root_user() -> None:
    """cpu, cuda and neuron each end with USER 10001, ENTRYPOINT cortex-runtime, CMD serve."""
    stages = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)
    finals = {s.split()[2]: s for s in stages[1:] if " AS " in s.splitlines()[0]}
    for target in ("cpu", "cuda", "neuron"):
        body = finals[target]
        assert re.search(r"^USER 10001:10001$", body, re.MULTILINE), target
        assert 'ENTRYPOINT ["cortex-runtime"]' in body, target
        assert 'CMD ["serve"]' in body, target
        assert "--require-hashes" in body or "--from=" in body, target

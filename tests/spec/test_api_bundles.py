"""One bundle per predictor API: its folder (or its declared `bundle_root`), never the whole
repository, without what only the repository needs; `bundle_root` validated with locations."""

from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

import pytest

from cortex_spec import Spec, SpecError, load_spec
from cortex_spec.api_bundles import build_api_bundle, bundle_root
from cortex_spec.models.predictor import Predictor
from cortex_spec.serving_env import api_spec_document

HEAD = """\
cluster:
  name: repo-root
  region: us-west-2
  node_groups:
    - {name: cpu, instance_type: m6i.large}
apis:
"""
API = """\
  - name: {name}
    kind: RealtimeAPI
    predictor: {{type: python, path: {path}{extra}}}
"""
CODE = "class PythonPredictor:\n    def __init__(self, config): ...\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _spec(root: Path, *apis: tuple[str, str, str]) -> Path:
    text = HEAD + "".join(API.format(name=n, path=p, extra=e) for n, p, e in apis)
    _write(root, {"cortex.yaml": text})
    return root / "cortex.yaml"


def _files(spec: Spec, api: str) -> tuple[str, ...]:
    return build_api_bundle(spec, spec.api(api)).files


def _predictor(**fields: str) -> Predictor:
    return Predictor.model_validate({"type": "python", **fields})


def test_bundle_root_is_the_predictors_folder_widened_to_python_path() -> None:
    """Default root: the folder of predictor.path; with python_path, their common folder;
    a declared bundle_root wins."""
    assert bundle_root(_predictor(path="apis/a/predictor.py")) == PurePosixPath("apis/a")
    assert bundle_root(_predictor(path="predictor.py")) == PurePosixPath(".")
    widened = _predictor(path="apis/a/predictor.py", python_path="apis/lib")
    assert bundle_root(widened) == PurePosixPath("apis")
    declared = _predictor(path="apis/a/predictor.py", bundle_root="./apis/")
    assert bundle_root(declared) == PurePosixPath("apis")


def test_a_repository_root_bundle_leaves_out_what_only_the_repository_needs(
    tmp_path: Path,
) -> None:
    """At a repository root: no tests/, .github/, stack or project files, .venv, caches,
    spec files, nor what .cortexignore (at the spec's folder) leaves out."""
    _write(
        tmp_path,
        {
            "predictor.py": CODE,
            "model/weights.txt": "w",
            "tests/test_predictor.py": "",
            ".github/workflows/ci.yml": "",
            "Pulumi.yaml": "name: x\n",
            "Pulumi.prod.yaml": "config: {}\n",
            ".venv/lib/site.py": "",
            "__pycache__/predictor.cpython-311.pyc": "",
            "notes/draft.md": "",
            ".cortexignore": "notes/\n",
        },
    )
    spec = load_spec(_spec(tmp_path, ("root", "predictor.py", "")))
    assert _files(spec, "root") == (".cortexignore", "model/weights.txt", "predictor.py")
    before = build_api_bundle(spec, spec.api("root")).sha256
    _write(tmp_path, {"Pulumi.prod.yaml": "config: {cortex:environment: prod}\n"})
    assert build_api_bundle(spec, spec.api("root")).sha256 == before


def test_each_api_bundles_its_own_folder_at_its_place_in_the_project(tmp_path: Path) -> None:
    """Two folders, two bundles, paths kept relative to the spec's folder; .cortexignore at
    the bundle root and at the spec's folder both apply; APIs sharing a folder share bytes."""
    _write(
        tmp_path,
        {
            "apis/a/predictor.py": CODE,
            "apis/a/utils.py": "",
            "apis/a/scratch.ipynb": "",
            "apis/a/.cortexignore": "*.ipynb\n",
            "apis/b/predictor.py": CODE,
            "apis/b/big.bin": "",
            ".cortexignore": "*.bin\n",
        },
    )
    spec = load_spec(
        _spec(
            tmp_path,
            ("a", "apis/a/predictor.py", ""),
            ("b", "apis/b/predictor.py", ""),
            ("b-canary", "apis/b/predictor.py", ""),
        )
    )
    assert _files(spec, "a") == ("apis/a/.cortexignore", "apis/a/predictor.py", "apis/a/utils.py")
    assert _files(spec, "b") == ("apis/b/predictor.py",)
    shared = [build_api_bundle(spec, spec.api(n)) for n in ("b", "b-canary")]
    assert shared[0].data == shared[1].data
    first = build_api_bundle(spec, spec.api("b")).sha256
    _write(tmp_path, {"apis/a/utils.py": "CHANGED = True\n"})
    assert build_api_bundle(spec, spec.api("b")).sha256 == first


def test_the_spec_file_leaves_bundle_root_out(tmp_path: Path) -> None:
    """api.json carries no bundle_root: declaring one reaches the pod as the bundle's hash
    only, and every existing API's spec file stays byte-identical."""
    _write(tmp_path, {"apis/a/predictor.py": CODE})
    spec = load_spec(_spec(tmp_path, ("a", "apis/a/predictor.py", ", bundle_root: apis")))
    api = spec.api("a")
    document = api_spec_document(api, spec, bundle_uri="s3://b/k.zip", bundle_sha256="0" * 64)
    assert "bundle_root" not in document["api"]["predictor"]
    assert _files(spec, "a") == ("apis/a/predictor.py",)


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (", bundle_root: ../elsewhere", "predictor.bundle_root", "leaves the spec's folder"),
        (", bundle_root: /abs", "predictor.bundle_root", "is not a relative folder path"),
        (", bundle_root: missing", "predictor.bundle_root", "/missing does not exist"),
        (
            ", bundle_root: apis/b",
            "predictor.bundle_root",
            "apis/b does not hold predictor.path (apis/a/predictor.py)",
        ),
        (
            ", python_path: apis/b",
            "predictor.bundle_root",
            "apis/a does not hold predictor.python_path (apis/b)",
        ),
    ],
)
def test_bundle_root_mistakes_are_located(
    tmp_path: Path, extra: str, path: str, message: str
) -> None:
    """A bundle root must be a folder inside the spec's folder holding the predictor (and
    python_path): each mistake names cortex.yaml:line:col and the field."""
    _write(tmp_path, {"apis/a/predictor.py": CODE, "apis/b/predictor.py": CODE})
    if "python_path" in extra:
        extra += ", bundle_root: apis/a"
    with pytest.raises(SpecError) as raised:
        load_spec(_spec(tmp_path, ("a", "apis/a/predictor.py", extra)))
    [problem] = raised.value.problems
    assert problem.location is not None
    assert (Path(problem.location.file).name, problem.location.line) == ("cortex.yaml", 9)
    assert problem.path.endswith(path)
    assert message in problem.message


def test_a_predictor_outside_the_spec_folder_is_refused(tmp_path: Path) -> None:
    """predictor.path may not leave the spec's folder: no bundle could carry it."""
    _write(tmp_path, {"predictor.py": CODE})
    with pytest.raises(SpecError) as raised:
        load_spec(_spec(tmp_path / "deploy", ("a", "../predictor.py", "")))
    [problem] = raised.value.problems
    assert problem.path.endswith("predictor.path")
    assert "outside the spec's folder" in problem.message


def test_an_import_outside_the_bundle_is_a_located_warning(tmp_path: Path) -> None:
    """A Cortex project whose apis/a/predictor.py imports lib/ from the spec's folder still
    loads, with a warning at predictor.path naming the module and the fix; imports inside
    the bundle, of the standard library (even beside a json/ folder), of installed packages,
    or with bundle_root: . are not warned about."""
    code = "import json\nimport lib.text\nfrom apis.a import helpers\nimport numpy\n" + CODE
    _write(
        tmp_path,
        {"apis/a/predictor.py": code, "apis/a/helpers.py": "", "lib/text.py": "", "json/x": ""},
    )
    spec = load_spec(_spec(tmp_path, ("a", "apis/a/predictor.py", "")))
    messages = [w.message for w in spec.warnings]
    assert messages == [
        "apis/a/predictor.py imports lib.text (lib/text.py), which is outside its bundle "
        "(apis/a/): the pod would not find it",
    ]
    assert all(w.path.endswith("predictor.path") for w in spec.warnings)
    assert all(w.location is not None and w.location.line == 9 for w in spec.warnings)
    whole = load_spec(_spec(tmp_path, ("a", "apis/a/predictor.py", ", bundle_root: .")))
    assert whole.warnings == ()


def test_a_predictor_file_shared_by_apis_is_parsed_once_and_warned_for_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APIs sharing one predictor file (one class, several configs) parse it once, by its
    content, and each still gets its warning; an edited file is parsed again."""
    parsed: list[str] = []
    real_parse = ast.parse

    def counting(source: str) -> ast.Module:
        parsed.append(source)
        return real_parse(source)

    monkeypatch.setattr(ast, "parse", counting)
    code = f"import lib.shared_{tmp_path.name}\n" + CODE
    _write(tmp_path, {"apis/a/predictor.py": code, f"lib/shared_{tmp_path.name}.py": ""})
    apis = [(name, "apis/a/predictor.py", "") for name in ("a", "b", "c")]
    spec = load_spec(_spec(tmp_path, *apis))
    assert len(spec.warnings) == 3
    assert parsed == [code]
    _write(tmp_path, {"apis/a/predictor.py": code + "import json\n"})
    assert len(load_spec(_spec(tmp_path, *apis)).warnings) == 3
    assert len(parsed) == 2

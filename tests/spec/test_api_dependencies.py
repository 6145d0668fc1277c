"""An API's requirement files, read from its bundle as Cortex read them from its project."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec.api_dependencies import (
    Dependencies,
    distribution_names,
    read_dependencies,
    requirement_lines,
)
from cortex_spec.errors import SpecError
from runtime.bundle import build_bundle, prefixed


def bundle_of(folder: Path, root: str = "apis/a") -> Dependencies:
    return read_dependencies("a", prefixed(build_bundle(folder), root), root)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_requirements_script_and_included_files_are_read_from_the_bundle(tmp_path: Path) -> None:
    """requirements.txt, the files it includes (-r, -c), dependencies.sh; nothing else."""
    write(
        tmp_path,
        {
            "predictor.py": "x = 1\n",
            "requirements.txt": "-r base/common.txt\n--constraint=pins.txt\ntorch\n",
            "base/common.txt": "-r ../more.txt\nnumpy\n",
            "more.txt": "scipy\n",
            "pins.txt": "numpy==2.5.5\n",
            "dependencies.sh": "apt-get install -y libgl1\n",
        },
    )
    found = bundle_of(tmp_path)
    assert found.names == (
        "base/common.txt",
        "dependencies.sh",
        "more.txt",
        "pins.txt",
        "requirements.txt",
    )
    assert found.has_requirements
    assert found.has_script
    assert not found.conda_packages
    assert found.where("requirements.txt") == "apis/a/requirements.txt"


def test_a_folder_without_requirement_files_has_none(tmp_path: Path) -> None:
    """No requirements.txt and no dependencies.sh: nothing to build."""
    write(tmp_path, {"predictor.py": "x = 1\n"})
    assert bundle_of(tmp_path).empty


def test_cortexignore_applies_to_requirement_files_as_to_code(tmp_path: Path) -> None:
    """A requirements.txt the bundle leaves out is not installed either."""
    write(tmp_path, {"requirements.txt": "torch\n", ".cortexignore": "requirements.txt\n"})
    assert not bundle_of(tmp_path).has_requirements


def test_conda_packages_are_noticed_but_not_built(tmp_path: Path) -> None:
    """conda-packages.txt has no installer in the image: flagged, kept out of the build."""
    write(tmp_path, {"conda-packages.txt": "rdkit\n", "requirements.txt": "numpy\n"})
    found = bundle_of(tmp_path)
    assert found.conda_packages
    assert found.names == ("requirements.txt",)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("-e .", "local path ."),
        ("./vendor/pkg", "local path ./vendor/pkg"),
        ("--editable=../lib", "local path ../lib"),
        ("-r ../outside.txt", "outside the API's bundle"),
        ("-r missing.txt", "missing.txt, which is not in the API's bundle"),
    ],
)
def test_what_the_image_cannot_hold_is_refused_at_its_line(
    tmp_path: Path, line: str, needle: str
) -> None:
    """Local installs and files outside the bundle: a SpecError at file:line, with a fix."""
    write(tmp_path, {"requirements.txt": f"numpy\n{line}\n"})
    with pytest.raises(SpecError) as caught:
        bundle_of(tmp_path)
    problem = caught.value.problems[0]
    assert needle in problem.message
    assert problem.location is not None
    assert problem.location.file == "apis/a/requirements.txt"
    assert problem.location.line == (1 if "not in the" in needle else 2)
    assert problem.hint


def test_a_remote_editable_requirement_is_a_distribution_not_a_local_path(tmp_path: Path) -> None:
    """`-e git+https://…` installs from a URL, which the build can reach."""
    write(tmp_path, {"requirements.txt": "-e git+https://example.com/r.git#egg=r\n"})
    assert bundle_of(tmp_path).has_requirements


def test_requirement_lines_drop_comments_and_join_continuations() -> None:
    """pip's format: full-line and trailing comments, backslash continuations."""
    text = "# top\nnumpy==2.5.5  # pinned\n\ntorch \\\n  ==2.15.0\n"
    assert requirement_lines(text) == [(2, "numpy==2.5.5"), (4, "torch  ==2.15.0")]
    assert distribution_names(text + "-r x.txt\nhttps://h/p.whl\nscikit-learn[all]>=1\n") == [
        "numpy",
        "torch",
        "scikit-learn",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_requirement_lines_never_fail(text: str) -> None:
    """Any text parses to (line, requirement) pairs with 1-based line numbers."""
    for number, line in requirement_lines(text):
        assert number >= 1
        assert line == line.strip()
        assert line

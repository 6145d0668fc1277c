"""One loader for the user's code: the realtime predictor and the job kinds' classes fail to
load with the same reasons, and get the arguments their constructors ask for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import job_handlers
from runtime.predictor import load_predictor
from runtime.settings import PredictorSettings
from runtime.user_code import MESSAGE_LIMIT, LoadError

SPEC = {"job_id": "ab", "config": {"job": 2}}


def _settings(**config: object) -> PredictorSettings:
    return PredictorSettings(path="code.py", config=dict(config))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "predictor.path code.py is not in the project bundle"),
        ("raise RuntimeError('at import')\n", "importing code.py failed: RuntimeError: at import"),
        ("PythonPredictor = 3\n", "code.py defines neither PythonPredictor nor Handler"),
        (
            "class Handler:\n    def __init__(self, config):\n        raise KeyError('k')\n",
            r"Handler\(config\) failed: KeyError: 'k'",
        ),
        (
            "class Handler:\n    def __init__(self, config, job_spec):\n        pass\n",
            r"Handler has no predict\(payload, batch_id\) method",
        ),
    ],
)
def test_a_broken_batch_predictor_is_a_load_error_naming_why(
    tmp_path: Path, source: str | None, message: str
) -> None:
    """Each way a BatchAPI module is unusable is a LoadError saying which way."""
    if source is not None:
        (tmp_path / "code.py").write_text(source)
    with pytest.raises(LoadError, match=message):
        job_handlers.load_batch(tmp_path, _settings(), SPEC)


def test_the_realtime_and_batch_loaders_give_the_same_reasons(tmp_path: Path) -> None:
    """A missing file and an import failure read the same for both kinds (one loader)."""
    settings = _settings()
    for source in (None, "import not_a_module_anywhere\n"):
        if source is not None:
            (tmp_path / "code.py").write_text(source)
        with pytest.raises(LoadError) as realtime:
            load_predictor(tmp_path, settings)
        with pytest.raises(LoadError) as batch:
            job_handlers.load_batch(tmp_path, settings, SPEC)
        assert str(realtime.value) == str(batch.value)


def test_a_long_constructor_error_is_cut_to_the_limit(tmp_path: Path) -> None:
    """An exception message that holds a whole payload is cut, not logged whole."""
    (tmp_path / "code.py").write_text(
        "class Task:\n    def __init__(self):\n        raise ValueError('x' * 10000)\n"
    )
    with pytest.raises(LoadError) as caught:
        job_handlers.load_task(tmp_path, _settings())
    assert str(caught.value).startswith("Task() failed: ValueError: xxx")
    assert len(str(caught.value)) <= len("Task() failed: ") + MESSAGE_LIMIT


def test_job_spec_goes_only_to_constructors_that_declare_it(tmp_path: Path) -> None:
    """Cortex passed job_spec when the constructor took it; config is the API's under the
    job's; Handler/handle_batch (v0.34) load as PythonPredictor/predict did."""
    out = tmp_path / "out.json"
    (tmp_path / "code.py").write_text(
        "import json\n"
        "class Handler:\n"
        "    def __init__(self, config):\n"
        "        self.config = config\n"
        "    def handle_batch(self, payload, batch_id):\n"
        f"        open({str(out)!r}, 'w').write(json.dumps([self.config, payload, batch_id]))\n"
    )
    handler = job_handlers.load_batch(tmp_path, _settings(api=1, job=1), SPEC)
    handler.handle([1, 2], "7")
    handler.complete()  # no on_job_complete: nothing to call
    assert json.loads(out.read_text()) == [{"api": 1, "job": 2}, [1, 2], "7"]


def test_a_task_without_call_and_a_missing_definition_are_refused(tmp_path: Path) -> None:
    """TaskAPI: the file named by definition.path must define a callable class Task."""
    with pytest.raises(LoadError, match=r"definition\.path code\.py is not in the project bundle"):
        job_handlers.load_task(tmp_path, _settings())
    (tmp_path / "code.py").write_text("class Task:\n    pass\n")
    with pytest.raises(LoadError, match=r"Task has no __call__\(self, config\) method"):
        job_handlers.load_task(tmp_path, _settings())
    (tmp_path / "code.py").write_text("x = 1\n")
    with pytest.raises(LoadError, match=r"code\.py does not define a class Task"):
        job_handlers.load_task(tmp_path, _settings())

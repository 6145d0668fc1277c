"""The adversarial corpus: hostile specs and project folders, each with its expected outcome.

Every case is built at run time into an empty folder (large cases are never committed):
`build(folder)` writes the files and returns the command-line arguments that follow the
command name. `tests/cli/test_adversarial.py` runs each case through the real CLI;
`benchmarks/adversarial_bench.py` runs them in fresh processes and measures time and memory;
`scripts/adversarial_corpus.py` writes them out for a look.

The seed (`seed.py`) is one valid spec with a predictor-form and a container-form API. Most
cases change one of its lines, so that each expected location (`file:line:col`) is a line
of the seed.
"""

from __future__ import annotations

from tests.spec.adversarial.cases_files import FILES
from tests.spec.adversarial.cases_reading import READING
from tests.spec.adversarial.cases_values import VALUES
from tests.spec.adversarial.seed import SPEC, Case, command_line, materialise, seed

__all__ = ["CASES", "SPEC", "Case", "by_name", "command_line", "materialise", "seed"]

CASES: tuple[Case, ...] = READING + VALUES + FILES


def by_name(name: str) -> Case:
    return next(case for case in CASES if case.name == name)

"""Write the adversarial corpus (tests/spec/adversarial/corpus.py) out to a folder, to look at
or to run by hand: one folder per case, holding `project/` (the spec and its files),
`base/` (the other side of `diff`) and `expected.txt` (the commands, exit code, phrase and
location every command must give).

    .venv/bin/python scripts/adversarial_corpus.py OUT [--case NAME ...]

Large cases (a 64 MiB sparse file, 30,000 nested brackets, 250,000 values) are generated,
never committed; FIFOs and links to /dev/zero are made as they are, so read with care.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.spec.adversarial.corpus import CASES, command_line, materialise  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="an empty or new folder")
    parser.add_argument("--case", action="append", help="only these cases (repeatable)")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if options.case and case.name not in options.case:
            continue
        parent = options.out / case.name
        parent.mkdir()
        folder, spec_args, base = materialise(case, parent)
        commands = [" ".join(command_line(c, spec_args, base)) for c in case.commands]
        expected = [
            f"exit code: {case.exit_code}",
            f"phrase:    {case.phrase}",
            f"location:  {case.where or '-'}",
            "commands (cortex-infra ...):",
            *(f"  {command}" for command in commands),
        ]
        (parent / "expected.txt").write_text("\n".join(expected) + "\n")
        print(f"{case.name}: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

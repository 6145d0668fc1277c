"""How long this process lives: one command (the console script) or longer (a test run, a
program that calls `app`). Only a one-command process may leave its garbage to the exit.

A plan allocates about a million objects that stay reachable until it is printed (the
Pulumi SDK's Outputs and tasks, the recorded graph), so the cyclic collector, which runs
after every few hundred allocations, keeps walking all of them and frees nothing
(offline/evaluation.py pauses it during an evaluation; re-enabled, it walks them once more).
In a process that ends when the command does, the collector can stay off until the end, and
the interpreter's final collection can skip them (`gc.freeze`): the operating system takes
the memory back. Tests and other long-lived callers never take this path.
"""

from __future__ import annotations

import gc

_one_command = False


def one_command_process() -> None:
    """Called by the console script before it runs its one command."""
    global _one_command  # noqa: PLW0603 - the process's one fact, set once by the entry point
    _one_command = True


def collector_off_until_exit() -> None:
    """In a one-command process, no cyclic collection until it exits; elsewhere nothing."""
    if _one_command:
        gc.disable()


def skip_final_collection() -> None:
    """The interpreter's last full collection would walk every object left: it is skipped
    (objects moved to the permanent generation) when this process runs one command."""
    if _one_command:
        gc.freeze()

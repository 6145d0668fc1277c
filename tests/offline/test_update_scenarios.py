"""The scenario corpus: every day-2 change to the examples is safe on the second `pulumi up`,
and every crafted unsafe pair is caught with its invariant's code (scenario_cases.py)."""

from __future__ import annotations

import pytest

from offline.invariants import CODES
from tests.offline import scenario_cases
from tests.offline.scenario_cases import load_case, report


def _outcome(name: str) -> tuple[set[str], set[str], list[str]]:
    simulation = report(load_case(name)).simulation
    codes = {v.code for v in simulation.violations}
    deliberate = {v.subject for v in simulation.deliberate}
    return codes, deliberate, [v.line() for v in simulation.violations]


@pytest.mark.slow
@pytest.mark.parametrize("name", scenario_cases.names("real"))
def test_day_two_change_of_an_example_is_safe(name: str) -> None:
    """The real program survives the change: no violation, only the declared deliberate drops."""
    case = load_case(name)
    codes, deliberate, lines = _outcome(name)
    assert codes == case.violations, "\n".join(lines)
    assert deliberate == case.deliberate


@pytest.mark.slow
@pytest.mark.parametrize("name", scenario_cases.names("unsafe"))
def test_unsafe_pair_is_caught(name: str) -> None:
    """A crafted unsafe change shows exactly its expected codes (and deliberate drops)."""
    case = load_case(name)
    codes, deliberate, lines = _outcome(name)
    assert codes == case.violations, "\n".join(lines)
    assert deliberate == case.deliberate


def test_every_invariant_has_an_unsafe_pair() -> None:
    """The corpus proves each invariant can fail: one unsafe pair per violation code at least."""
    expected = set().union(*(load_case(n).violations for n in scenario_cases.names("unsafe")))
    assert expected == set(CODES)


def test_safe_scenarios_cover_the_day_two_changes() -> None:
    """The corpus holds the changes the issue lists, each on the real program."""
    wanted = {
        "add-api",
        "remove-api",
        "rename-api",
        "scale-to-zero-on",
        "scale-to-zero-off",
        "add-api-at-zero",
        "predictor-to-container",
        "container-to-predictor",
        "add-certificate",
        "remove-certificate",
        "add-availability-zone",
        "on-demand-instance-type",
        "spot-instance-type",
        "raise-min-instances",
        "kubernetes-version",
        "load-balancer-scheme",
        "add-node-group",
    }
    assert wanted <= set(scenario_cases.names("real"))

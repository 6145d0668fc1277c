"""cost, status and preflight know the job kinds: what a BatchAPI or TaskAPI costs between
jobs, how its URL is used, and the two IAM roles each adds."""

from __future__ import annotations

from cortex_aws import cost, endpoints, serving_quotas
from cortex_spec import load_spec
from tests.infra.serving_fixtures.plans import JOBS


def test_cost_names_the_gateway_and_what_jobs_add() -> None:
    """Each job API gets a note: its gateway on the system nodes, workers only per job,
    SQS and S3 not priced."""
    notes = cost.kind_notes(load_spec(JOBS))
    job_notes = [n for n in notes if n.startswith(("BatchAPI", "TaskAPI"))]
    assert len(job_notes) == 4
    assert all("only while the job runs" in n for n in job_notes)


def test_status_lists_job_apis_with_how_to_use_them() -> None:
    """A job API's URL comes with Cortex's job verbs."""
    spec = load_spec(JOBS)
    balancer = endpoints.LoadBalancerState("lb", True, "active", dns_name="lb.example.com")
    found = {e.api: e for e in endpoints.apis(spec, balancer)}
    assert found["scorer"].url == "http://lb.example.com/batch/scorer"
    assert found["scorer"].note == endpoints.JOB_NOTE
    assert found["ranker"].note is None


def test_preflight_counts_two_roles_per_job_api() -> None:
    """IAM roles needed: one per serving API, two per job API (gateway and workers)."""
    spec = load_spec(JOBS)
    need = serving_quotas.serving_need(spec)
    assert need.iam_roles == serving_quotas.PLATFORM_ROLES + 1 + 2 * 4

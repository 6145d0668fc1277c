"""`cortex-infra preflight`: check SPEC against the AWS account before anything is created.

Uses the caller's credentials (the standard boto3 chain, `AWS_ENDPOINT_URL` included). Exit
0 when no check fails, 4 (CHECKS_FAILED) when one does; a check that could not run is a
warning, not a failure.
"""

from __future__ import annotations

import typer

from cortex_aws import preflight as checks
from cortex_cli import loading, output
from cortex_cli.exit_codes import ExitCode
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_cli.progress import progress

_MARK = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}


def preflight(
    spec: SpecArg,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Check SPEC against your AWS account: quotas, zones, certificate, name. Exit 4 on failure."""
    output.use_json(json_output)
    loaded = load(spec, cluster_config, env, stack)
    with progress(f"checking {loaded.cluster.name} against your AWS account"):
        report = checks.run(loaded, loading.session_for(loaded))
    if json_output:
        output.emit_json(report.to_dict())
    else:
        render(report)
    if not report.ok:
        raise typer.Exit(ExitCode.CHECKS_FAILED)


def render(report: checks.PreflightReport) -> None:
    output.echo(f"preflight of {report.cluster} in {report.region}\n")
    rows = [[_MARK[r.status], r.check, r.subject, r.reason] for r in report.results]
    for line in output.table(["RESULT", "CHECK", "SUBJECT", "REASON"], rows):
        output.echo(line)
    hints = [r for r in report.results if r.hint and r.status != "pass"]
    if hints:
        output.echo("\nhow to fix:")
        for result in hints:
            output.echo(f"  {result.check} {result.subject}: {result.hint}")
    counts = report.counts()
    verdict = "ready to deploy" if report.ok else "not ready: fix the failures above"
    output.echo(
        f"\n{counts['pass']} passed, {counts['warn']} warnings, {counts['fail']} failed: {verdict}"
    )


def register(app: typer.Typer) -> None:
    app.command("preflight")(preflight)

"""The Prometheus metrics of one replica: in-flight gauge, request counter, latency histogram."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from runtime import contract

CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"

# Prometheus' default buckets, extended to the 60 s a request may take before the load
# balancer gives up, so slow model calls still land in a finite bucket.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _Series:
    """One status: a plain counter per bucket (not cumulative) and the sum of durations.

    `observe` is paid per request and a scrape every few seconds, so the cumulative
    buckets and the count are added up when rendering.
    """

    __slots__ = ("buckets", "total")

    def __init__(self) -> None:
        self.buckets = [0] * (len(BUCKETS) + 1)
        self.total = 0.0


class Metrics:
    """Counts every request on the prediction path by status; renders the text format."""

    def __init__(self, in_flight: Callable[[], int], stuck: Callable[[], int] = lambda: 0) -> None:
        self._in_flight = in_flight
        self._stuck = stuck
        self._series: dict[int, _Series] = {}

    def observe(self, status: int, seconds: float) -> None:
        series = self._series.get(status)
        if series is None:
            series = self._series[status] = _Series()
        series.buckets[bisect_left(BUCKETS, seconds)] += 1
        series.total += seconds

    def count(self, status: int) -> int:
        series = self._series.get(status)
        return sum(series.buckets) if series else 0

    def render(self) -> bytes:
        lines = [
            f"# HELP {contract.IN_FLIGHT_METRIC} Requests running plus queued in this replica.",
            f"# TYPE {contract.IN_FLIGHT_METRIC} gauge",
            f"{contract.IN_FLIGHT_METRIC} {self._in_flight()}",
            f"# HELP {contract.STUCK_METRIC} Predictions answered 504 that still hold a thread.",
            f"# TYPE {contract.STUCK_METRIC} gauge",
            f"{contract.STUCK_METRIC} {self._stuck()}",
            f"# HELP {contract.REQUESTS_METRIC} Prediction requests answered, by HTTP status.",
            f"# TYPE {contract.REQUESTS_METRIC} counter",
        ]
        statuses = sorted(self._series)
        lines += [
            f'{contract.REQUESTS_METRIC}{{status="{status}"}} {self.count(status)}'
            for status in statuses
        ]
        lines += [
            f"# HELP {contract.LATENCY_METRIC} Prediction request latency, by HTTP status.",
            f"# TYPE {contract.LATENCY_METRIC} histogram",
        ]
        for status in statuses:
            series = self._series[status]
            cumulative = 0
            for bound, hits in zip((*BUCKETS, None), series.buckets, strict=True):
                cumulative += hits
                le = "+Inf" if bound is None else repr(bound)
                lines.append(
                    f'{contract.LATENCY_METRIC}_bucket{{status="{status}",le="{le}"}} {cumulative}'
                )
            lines.append(f'{contract.LATENCY_METRIC}_sum{{status="{status}"}} {series.total!r}')
            lines.append(f'{contract.LATENCY_METRIC}_count{{status="{status}"}} {cumulative}')
        return ("\n".join(lines) + "\n").encode()

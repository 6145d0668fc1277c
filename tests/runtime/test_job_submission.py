"""Job submissions as Cortex v0.42 took them: what is accepted, what is a 400 (never a
crash), and how items become batches."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime import job_contract
from runtime.job_submission import SubmissionError, item_batches, parse

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "workers",
        "timeout",
        "config",
        "item_list",
        "file_path_lister",
        "delimited_files",
        "sqs_dead_letter_queue",
        "items",
        "batch_size",
        "s3_paths",
    ]
)


@given(st.dictionaries(KEYS, JSON, max_size=6), st.sampled_from(["BatchAPI", "TaskAPI"]))
def test_any_json_object_is_a_submission_or_a_submission_error(
    data: dict[str, object], kind: str
) -> None:
    """Whatever the client sends, parse answers a Submission or a SubmissionError (a 400)."""
    try:
        submission = parse(json.dumps(data).encode(), kind)
    except SubmissionError:
        return
    else:
        assert submission.kind == kind
        assert 1 <= submission.workers <= job_contract.MAX_WORKERS


@given(st.binary(max_size=64))
def test_any_bytes_are_a_submission_or_a_submission_error(body: bytes) -> None:
    """Bytes that are not a JSON object are a 400 with a reason."""
    with contextlib.suppress(SubmissionError):
        parse(body, "BatchAPI")


def test_cortex_fields_are_read() -> None:
    """workers, item_list, timeout, config and the dead-letter queue, as Cortex documented."""
    body = {
        "workers": 3,
        "timeout": 600,
        "config": {"k": "v"},
        "item_list": {"items": [1, 2, 3], "batch_size": 2},
        "sqs_dead_letter_queue": {"arn": "arn:aws:sqs:us-west-2:1:dlq", "max_receive_count": 2},
    }
    submission = parse(json.dumps(body).encode(), "BatchAPI")
    assert (submission.workers, submission.timeout, submission.config) == (3, 600, {"k": "v"})
    assert submission.source is not None
    assert submission.source.items == (1, 2, 3)
    assert submission.dead_letter is not None
    assert submission.dead_letter.max_receive_count == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"item_list": {"items": [1], "batch_size": 1}}, "workers"),
        ({"workers": 0, "item_list": {"items": [1], "batch_size": 1}}, "workers"),
        ({"workers": 1}, "item_list"),
        (
            {
                "workers": 1,
                "item_list": {"items": [1], "batch_size": 1},
                "file_path_lister": {"s3_paths": ["s3://b/k"], "batch_size": 1},
            },
            "exactly one",
        ),
        ({"workers": 1, "file_path_lister": {"s3_paths": ["b/k"], "batch_size": 1}}, "s3://"),
        ({"workers": 1, "item_list": {"items": [1], "batch_size": 1}, "extra": 1}, "extra"),
    ],
)
def test_mistakes_name_the_field(body: dict[str, object], named: str) -> None:
    """Each refusal names what is wrong."""
    with pytest.raises(SubmissionError, match=named):
        parse(json.dumps(body).encode(), "BatchAPI")


def test_a_task_runs_one_worker() -> None:
    """A TaskAPI submission may omit everything; workers other than 1 are refused."""
    assert parse(b"", "TaskAPI").workers == 1
    with pytest.raises(SubmissionError, match="one worker"):
        parse(b'{"workers": 2}', "TaskAPI")


def test_items_become_json_batches_within_the_sqs_limit() -> None:
    """10 items by 3 are 4 batches; a batch over 256 KiB is refused with the fix."""
    batches = item_batches(tuple(range(10)), 3)
    assert [json.loads(b) for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    with pytest.raises(SubmissionError, match="batch_size"):
        item_batches(("x" * 200_000, "y" * 100_000), 2)

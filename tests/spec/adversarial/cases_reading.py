"""Adversarial cases of reading: file types and sizes, nesting, aliases, encodings and YAML
forms."""

from __future__ import annotations

from cortex_spec import limits
from tests.spec.adversarial.builders import (
    cluster_config_to_dev_zero,
    deep,
    fifo_spec,
    folder_spec,
    laughs,
    many_broken_apis,
    many_values,
    sparse_spec,
    symlink_spec,
)
from tests.spec.adversarial.seed import SEED, SPEC, Case, after, line, lines, raw

READING: tuple[Case, ...] = (
    Case(
        "deep-flow-nesting-30000",
        raw(deep(30_000)),
        1,
        "nested more than 64 levels",
        f"{SPEC}:1:",
        subprocess=True,
    ),
    Case(
        "deep-block-nesting",
        raw("".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"),
        1,
        "nested more than 64 levels",
        f"{SPEC}:65:",
    ),
    Case(
        "deep-nesting-one-megabyte-unclosed",
        raw("a: " + "[" * 1_000_000),
        1,
        "nested more than 64 levels",
        f"{SPEC}:1:",
        subprocess=True,
    ),
    Case(
        "spec-is-dev-zero",
        symlink_spec("/dev/zero"),
        1,
        "a character device, not a regular file",
        f"{SPEC}:1:1",
        subprocess=True,
    ),
    Case(
        "spec-is-a-fifo",
        fifo_spec,
        1,
        "a FIFO (named pipe), not a regular file",
        f"{SPEC}:1:1",
        subprocess=True,
    ),
    Case("spec-is-a-folder", folder_spec, 1, "a folder, not a regular file", f"{SPEC}:1:1"),
    Case("spec-is-64-mib", sparse_spec, 1, "larger than 8 MiB", f"{SPEC}:1:1", subprocess=True),
    Case(
        "spec-at-the-size-bound",
        raw("#" * (limits.MAX_SPEC_BYTES - 1) + "\n"),
        1,
        "the file is empty",
        f"{SPEC}:1:1",
        commands=("validate", "plan"),
    ),
    Case(
        "cluster-config-is-dev-zero",
        cluster_config_to_dev_zero,
        1,
        "a character device, not a regular file",
        "cluster.yaml:1:1",
        subprocess=True,
    ),
    Case(
        "billion-laughs",
        raw(laughs(10)),
        1,
        f"expands to more than {limits.MAX_EXPANDED_VALUES:,} values",
        f"{SPEC}:6:",
    ),
    Case(
        "recursive-alias",
        raw("a: &a\n  b: *a\n"),
        1,
        "refers to a value that contains it",
        f"{SPEC}:2:6",
    ),
    Case(
        "too-many-values",
        many_values(limits.MAX_NODES),
        1,
        f"more than {limits.MAX_NODES:,} values",
        f"{SPEC}:17:",
        commands=("validate", "plan"),
    ),
    Case(
        "invalid-utf8", raw(SEED.encode() + b"  x: \xff\xfe\n"), 1, "invalid UTF-8", f"{SPEC}:44:"
    ),
    Case("control-character", line(2, "  name: adv\x01ersarial"), 1, "U+0001", f"{SPEC}:2:12"),
    Case(
        "python-object-tag",
        line(17, "        threshold: !!python/object/apply:os.system [id]"),
        1,
        "could not determine a constructor",
        f"{SPEC}:17:20",
    ),
    Case("lone-surrogate", line(17, '        threshold: "\\ud800"'), 1, "invalid", f"{SPEC}:17:"),
    Case(
        "duplicate-key", after(3, "  region: us-east-1"), 1, "duplicate key 'region'", f"{SPEC}:4:3"
    ),
    Case(
        "duplicate-anchor",
        lines({2: "  name: &n adversarial", 3: "  region: &n us-west-2"}),
        1,
        "the anchor &n is defined twice (first on line 2)",
        f"{SPEC}:3:11",
    ),
    Case(
        "second-document",
        after(43, "---", "apis: []"),
        1,
        "a second one starts here",
        f"{SPEC}:44:1",
    ),
    Case("tab-indentation", line(7, "\t  min_instances: 1"), 1, "indent with spaces", f"{SPEC}:7:"),
    Case(
        "megabyte-unknown-key",
        after(3, f"  ? {'k' * 2**20}", "  : 1"),  # an explicit key: simple keys stop at 1,024
        1,
        "unknown field 'kkkkkkkk",
        f"{SPEC}:4:5",
    ),
    Case(
        "megabyte-instance-type",
        line(6, f"      instance_type: {'m' * 2**20}.large"),
        1,
        "unknown instance type",
        f"{SPEC}:6:7",
    ),
    Case(
        "mapping-as-key",
        after(3, "  ? [a, b]", "  : c"),
        1,
        "mapping keys must be text (got a list)",
        f"{SPEC}:4:5",
    ),
    Case(
        "five-hundred-problems",
        many_broken_apis(600),
        1,
        "checking stopped after these 500 problems",
        f"{SPEC}:44:",
    ),
)

"""Values written into a spec that look like secrets, and the marker that stands for them.

A `secret:` reference keeps a secret out of the spec; a value typed in literally reaches the
plan, the spec ConfigMap, the diff and the pull-request comment unless it is caught here. The
rule (docs/diff.md, "Secrets in the spec") flags a string value of `predictor.env`,
`pod.containers[].env` or `predictor.config` when

- its **name** (the variable, or the config key holding it) has a secret word: PASSWORD,
  PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL(S), or API/ACCESS/PRIVATE/SIGNING/
  ENCRYPTION/SESSION/MASTER KEY (spelt with `_`, `-`, `.` or camelCase), unless the name
  also says it holds something else (…_ID, …_NAME, …_ARN, …_FILE, …_PATH, …_DIR, …_URL,
  MAX_…, …_LENGTH, …_TTL, …), and the value is at least 4 characters, not all digits and
  not a boolean word; or
- its **shape** is a secret's, whatever the name: an AWS access key ID (`AKIA`/`ASIA` and
  16 more), a PEM private key header, a URL with a password (`scheme://user:pass@`), a JSON
  Web Token, or a high-entropy run: 24+ characters of the base64 alphabet with upper case,
  lower case and digits, few word-like stretches and a Shannon entropy of at least
  0.8 * log2(length) bits per character (random tokens; model ids, paths, class names and
  hex digests are not flagged).

Pure, deterministic: the same value always gets the same marker, `[secret sha256:<12 hex>]`,
so a changed value still shows as changed without being shown.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from runtime.secret_refs import is_reference

_WORDS: Final = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_WORDS: Final = frozenset(
    {
        "PASSWORD",
        "PASSWORDS",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "ACCESSKEY",
        "PRIVATEKEY",
    }
)
_KEY_QUALIFIERS: Final = frozenset(
    {"API", "ACCESS", "PRIVATE", "SIGNING", "ENCRYPTION", "SESSION", "MASTER"}
)
# A name with one of these words holds something about a secret, not the secret itself.
_NOT_A_SECRET: Final = frozenset(
    {
        "ID",
        "IDS",
        "NAME",
        "NAMES",
        "ARN",
        "FILE",
        "PATH",
        "DIR",
        "URL",
        "URI",
        "ENDPOINT",
        "REGION",
        "MAX",
        "MIN",
        "LIMIT",
        "COUNT",
        "SIZE",
        "LENGTH",
        "LEN",
        "TYPE",
        "KIND",
        "HEADER",
        "PREFIX",
        "ENABLED",
        "ENABLE",
        "DISABLED",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "VERSION",
        "FORMAT",
        "FIELD",
    }
)
_BOOLEAN_WORDS: Final = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null"})
_SHAPES: Final = (
    ("an AWS access key ID", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----")),
    # The scheme is bounded: unbounded, a long run of letters without "://" (a megabyte
    # instance type, say) is rescanned from every position, quadratic in its length.
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,63}://[^/\s:@]+:[^/\s@]+@")),
    ("a JSON Web Token", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")),
)
_RUN: Final = re.compile(r"[A-Za-z0-9+/=_-]{24,}")
_WORDY: Final = re.compile(r"[A-Z]?[a-z]{4,}")
_WORDY_SHARE: Final = 0.3
_ENTROPY_SHARE: Final = 0.8
MARKER_PREFIX: Final = "[secret sha256:"
_MARKER_SALT: Final = b"cortex-infra secret marker\x00"


def marker(value: Any) -> str:
    """What is shown instead of a secret: equal values, equal markers; nothing else learnt
    beyond what the spec file (which holds the value) already tells its readers."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    digest = hashlib.sha256(_MARKER_SALT + text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{MARKER_PREFIX}{digest[:12]}]"


def is_marker(value: object) -> bool:
    return isinstance(value, str) and value.startswith(MARKER_PREFIX) and value.endswith("]")


def _name_words(name: str) -> list[str]:
    return [word.upper() for word in _WORDS.findall(name)]


def secret_name(name: str) -> bool:
    """Whether a variable or config key names a secret (see the module's rule)."""
    words = _name_words(name)
    if any(word in _NOT_A_SECRET for word in words):
        return False
    if any(word in _SECRET_WORDS for word in words):
        return True
    return any(a in _KEY_QUALIFIERS and b == "KEY" for a, b in itertools.pairwise(words))


def _entropy(text: str) -> float:
    counts = collections.Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random_run(value: str) -> bool:
    for run in _RUN.findall(value):
        if not (
            any(c.isupper() for c in run)
            and any(c.islower() for c in run)
            and any(c.isdigit() for c in run)
        ):
            continue
        wordy = sum(len(word) for word in _WORDY.findall(run)) / len(run)
        if wordy < _WORDY_SHARE and _entropy(run) >= _ENTROPY_SHARE * math.log2(len(run)):
            return True
    return False


def secret_shape(value: str) -> str | None:
    """What a value looks like, when it looks like a secret whatever its name."""
    for what, pattern in _SHAPES:
        if pattern.search(value):
            return what
    return "a long random-looking string" if _random_run(value) else None


def looks_secret(name: str | None, value: object) -> str | None:
    """Why `value` (held under `name`) looks like a secret, or None. References, markers and
    non-strings never do."""
    if not isinstance(value, str) or is_reference(value) or is_marker(value):
        return None
    shape = secret_shape(value)
    if shape is not None:
        return f"its value looks like {shape}"
    text = value.strip()
    plain = len(text) < 4 or text.isdigit() or text.lower() in _BOOLEAN_WORDS
    if name is not None and not plain and secret_name(name):
        return f"its name ({name}) says it holds a secret"
    return None


@dataclass(frozen=True)
class SecretLiteral:
    """A secret-looking value in an API: its path inside the API, and why it was flagged."""

    path: tuple[str | int, ...]
    reason: str
    value: str


def walk(value: Any, path: tuple[str | int, ...], name: str | None) -> Iterator[SecretLiteral]:
    """Every secret-looking string in a config tree; a list item is judged by its key."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key), str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index), name)
    else:
        reason = looks_secret(name, value)
        if reason is not None:
            yield SecretLiteral(path, reason, str(value))


def env_literals(env: dict[str, str], path: tuple[str | int, ...]) -> Iterator[SecretLiteral]:
    for name, value in env.items():
        reason = looks_secret(name, value)
        if reason is not None:
            yield SecretLiteral((*path, name), reason, value)


def pointer(path: tuple[str | int, ...]) -> str:
    """A path inside `predictor.config` as a JSON pointer (RFC 6901)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)

"""Stable keys: which grading a result came from, and which shard a student belongs to.

A result is keyed by the bytes of the submission and of the solutions, so a
re-run skips what is already graded and grades a changed submission (or every
submission, after the solutions changed) again. Shards are chosen by a hash of
the student id, the same on every machine of a job array.
"""

from __future__ import annotations

import hashlib

from autograder.course import solutions_dir
from autograder.grading.policy import POLICY_FILE
from autograder.grading.submission import Submission


def solutions_key(names: list[str]) -> str:
    """A hash of the named solution notebooks' bytes and of the course's policy table."""
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((solutions_dir() / f"{name}.ipynb").read_bytes())
    policy = solutions_dir() / POLICY_FILE
    digest.update(policy.read_bytes() if policy.exists() else b"")
    return digest.hexdigest()[:16]


def result_key(submission: Submission, solutions: str) -> str:
    """A hash of the submission's bytes and ``solutions`` (a ``solutions_key``)."""
    content = submission.path.read_bytes() if submission.path else b"<missing>"
    return hashlib.sha256(content + solutions.encode()).hexdigest()[:24]


def shard_of(student: str, count: int) -> int:
    """The shard (0-based) a student belongs to: stable across machines and runs."""
    return int(hashlib.sha256(student.encode()).hexdigest(), 16) % count

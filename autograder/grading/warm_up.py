"""Get a grading process ready for its first notebook while the zygote starts.

The zygote with torch (``autograder.sandbox.zygote``) needs about 2 s to start, on a core
of its own. Meanwhile this process does what its first notebook would otherwise pay for
one step after the other: torch's import and first training step (the re-check runs the
course's test code here). Once the zygote reports the modules it holds, the guard's
policies of every notebook are worked out and their zygotes started. A grading worker
forked from this process afterwards (``autograder.grading.pipeline``) starts with all of
it; one that is spawned uses the zygotes (``Zygote.attach``) and warms up on its own.
"""

from __future__ import annotations

from autograder.grading.environment import (
    one_thread,
    process_scratch_root,
    sandbox_environment,
    start_zygote,
)
from autograder.grading.recheck import policy_for
from autograder.sandbox.guard_policy import zygote_key
from autograder.sandbox.preload import warm_up_torch
from autograder.sandbox.zygote_client import Zygote
from autograder.settings import Settings


def warm_up(notebooks: list[str], settings: Settings, sandbox_user: str) -> None:
    """Start the zygotes the re-check of ``notebooks`` forks its sandboxes from, and warm
    this process up beside them. A zygote that cannot start is left to the first sandbox
    that needs it (which then reports it)."""
    scratch_root = process_scratch_root(bool(sandbox_user))
    env = sandbox_environment(settings, scratch_root, sandbox_user)
    try:
        Zygote.shared(env)  # starts now, ready in about 2 s
    except OSError:
        return
    with one_thread():
        warm_up_torch()
        if not start_zygote(settings, scratch_root, sandbox_user):  # waits until it is ready
            return
        for name in notebooks:
            for key in {zygote_key(policy) for policy in policy_for(name).values()}:
                try:
                    Zygote.shared(env, key)  # starts now; the first sandbox waits for it
                except OSError:
                    continue

"""The trusted re-check: run the hidden tests again where the student's code cannot reach them.

In the notebook kernel, student code and tests share one process, so a
submission can rig the tests (patch ``np.testing``, empty later cells, swallow
exceptions...). The re-check therefore

1. runs only the student's answer cells, in a fresh sandboxed interpreter
   (``autograder.sandbox.worker``), after the solution's setup code; answers
   whose exercise forbids something (``autograder.sandbox.guard``: torch in a numpy
   exercise, the shipped model in ``make_cnn``) are served by a worker of their
   own in which the guard holds;
2. runs every test cell of the *solution* (hidden tests included) in the
   grader's own process, where each name the answer cells defined is a proxy:
   calling it sends the arguments to the sandbox and gets plain data back;
3. compares, cell by cell, with what nbgrader awarded.

A cell the re-check fails but nbgrader passed loses its points and the
notebook's status becomes ``tampered``, with the cells and messages in the
detail. A returned network built from torch's own layers comes back as plain
data and is rebuilt on the trusted side (``autograder.sandbox.module_data``); modules a
test passes in come back with their weights, modes and recorded attributes. A
cell the re-check cannot judge (a test that inspects an object that stayed in
the sandbox, such as an instance of a class the notebook defines, or an argument
that cannot be sent) keeps nbgrader's points and is named in the detail as not
re-checked, with the reason.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograder.course import solutions_dir
from autograder.grading.environment import sandbox_environment
from autograder.grading.policy import parse_policy, policy_text
from autograder.grading.recheck_sandbox import Sandbox, SandboxGone, Unverifiable
from autograder.grading.results import Result
from autograder.grading.submission import Submission
from autograder.notebook import Cells, load_cells
from autograder.sandbox.guard_policy import Policy, runtime_policy
from autograder.settings import Settings


def policy_for(notebook: str) -> dict[str, Policy]:
    """``{answer grade_id: Policy}`` for a notebook, from the course's policy table
    (``solutions/policy.toml``, read by ``autograder.grading.policy``) as the runtime guard
    enforces it (``runtime_policy``); grade ids it does not restrict are left out, and
    without a table nothing is restricted."""
    return dict(_runtime_policies(notebook, policy_text(solutions_dir())))


@functools.cache
def _runtime_policies(notebook: str, table: str) -> dict[str, Policy]:
    """``policy_for``'s work, once per notebook and version of the table (it imports the
    modules it judges)."""
    rules = parse_policy(table).rules(notebook)
    policies = {
        grade_id: runtime_policy([prefix for prefix, _ in rule.deny], rule.allow)
        for grade_id, rule in rules.items()
    }
    return {grade_id: policy for grade_id, policy in policies.items() if policy}


def class_sources(source: str) -> dict[str, str]:
    """The classes a test cell defines at its top level (e.g. a probe layer), with their code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            classes[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return classes


def answer_groups(cells: Cells, policies: dict[str, Policy]) -> list[tuple[Policy, set[str]]]:
    """The answer cells grouped by what their exercise forbids: one sandbox per group."""
    groups: dict[Policy, set[str]] = {}
    for grade_id, _ in cells.answers:
        groups.setdefault(policies.get(grade_id, Policy()), set()).add(grade_id)
    return list(groups.items()) or [(Policy(), set())]


class RemoteFunction:
    """Stands for a student's function in the trusted test namespace."""

    def __init__(self, sandbox: Sandbox, name: str) -> None:
        self.sandbox, self.__name__ = sandbox, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from in5400lib.testing import forbidding

        return self.sandbox.call(self.__name__, args, kwargs, forbid=forbidding())


@dataclass
class Verdict:
    passed: dict[str, bool | None]  # grade_id -> passed / failed / None (not judged)
    messages: dict[str, str]
    printed: dict[str, str] = field(default_factory=dict)  # test or answer grade_id -> text
    answer_errors: dict[str, str] = field(default_factory=dict)  # answer grade_id -> error
    #: Every answer cell ran and no call hung or killed its sandbox.
    complete: bool = True
    #: Cells it could not judge, judged since by running them among the answers: the error
    #: each raised there (None: passed).
    unjudged: dict[str, str | None] = field(default_factory=dict)


def run_tests(
    cells: Cells,
    env: dict[str, str],
    cell_timeout: float,
    policies: dict[str, Policy] | None = None,
    stop_at_trouble: bool = False,
) -> Verdict:
    """Run the solution's test cells against the sandboxed answers; judge each cell.

    ``policies`` (``{answer grade_id: Policy}``) default to the course's policy table.
    With ``stop_at_trouble`` the run stops at the first call that hangs or kills its
    sandbox (the verdict is then incomplete and judges only the cells before it).
    """
    passed: dict[str, bool | None] = {}
    messages: dict[str, str] = {}
    printed: dict[str, str] = {}
    if policies is None:
        policies = policy_for(Path(cells.notebook).stem)
    groups = answer_groups(cells, policies)
    sandboxes: list[Sandbox] = []
    try:
        for policy, own in groups:
            sandboxes.append(
                Sandbox(cells, env, cell_timeout, policy, own if len(groups) > 1 else None)
            )
    except SandboxGone as gone:
        for sandbox in sandboxes:
            sandbox.close()
        # It failed before any student code ran: nothing to judge, nbgrader's scores stand.
        why = f"the re-check could not start ({gone})"
        none = {g: None for g, _ in cells.tests}
        return Verdict(none, {g: why for g, _ in cells.tests}, complete=False)
    try:
        namespace, test_classes = trusted_namespace(cells, sandboxes)
        for grade_id, source in cells.tests:
            output = io.StringIO()
            with contextlib.redirect_stdout(output):  # what the tests print
                outcome, message = judge_cell(grade_id, source, namespace, test_classes, sandboxes)
            passed[grade_id], printed[grade_id] = outcome, output.getvalue()
            if message is not None:
                messages[grade_id] = message
            if stop_at_trouble and any(s.trouble for s in sandboxes):
                break
    finally:
        for sandbox in sandboxes:
            sandbox.close()
    verdict = Verdict(passed, messages, printed)
    for sandbox in sandboxes:
        verdict.printed.update(sandbox.printed)
        verdict.answer_errors.update(sandbox.cell_errors)
        verdict.complete = verdict.complete and not sandbox.trouble and not sandbox.skipped
        verdict = verdict_with_skips(verdict, sandbox)
    return verdict


def trusted_namespace(
    cells: Cells, sandboxes: list[Sandbox]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The grader's namespace for the test cells: the solution's setup code run here, each
    name the answer cells defined bound to its sandbox (a ``RemoteFunction`` for a function),
    and the test classes (filled as the test cells run, shared by the sandboxes)."""
    from autograder.sandbox.worker import notebook_namespace, without_magics

    namespace = notebook_namespace()
    for source in cells.setup:
        exec(compile(without_magics(source), "<setup>", "exec"), namespace)
    test_classes: dict[str, str] = {}
    for sandbox in sandboxes:
        sandbox.test_classes = test_classes  # shared: filled as the test cells run
        for name, kind in sandbox.names.items():
            namespace[name] = (
                RemoteFunction(sandbox, name) if kind == "callable" else sandbox.values[name]
            )
    return namespace, test_classes


def judge_cell(
    grade_id: str,
    source: str,
    namespace: dict[str, Any],
    test_classes: dict[str, str],
    sandboxes: list[Sandbox],
) -> tuple[bool | None, str | None]:
    """Run one test cell in ``namespace``: passed / failed / None (not judged), and why."""
    from autograder.sandbox.worker import without_magics

    test_classes.update(class_sources(without_magics(source)))
    notes_before = sum(len(s.opaque_notes) for s in sandboxes)
    try:
        exec(compile(without_magics(source), f"<{grade_id}>", "exec"), namespace)
        return True, None
    except Unverifiable as why:
        return None, str(why)
    except Exception as error:  # noqa: BLE001 - a failing test, whatever it raised
        notes = [n for s in sandboxes for n in s.opaque_notes]
        if len(notes) > notes_before:
            return None, f"tests what stays in the sandbox: {notes[-1]}"
        message = f"{type(error).__name__}: {error}"[:300]
        if isinstance(error, NameError):  # say why the answer cell defined nothing
            stopped = [e for s in sandboxes for e in s.cell_errors.items()]
            if stopped:
                message += f" (answer {stopped[0][0]}: {stopped[0][1]})"
        return False, message


def verdict_with_skips(verdict: Verdict, sandbox: Sandbox) -> Verdict:
    for index, why in sandbox.skipped.items():
        verdict.messages[f"answer {sandbox.cells.answers[index][0]}"] = f"not run: {why}"
    return verdict


def recheck_results(
    results: list[Result],
    to_grade: dict[str, Submission],
    settings: Settings,
    sandbox_user: str,
    scratch_root: Path,
    known: dict[tuple[str, str], Verdict] | None = None,
) -> None:
    """Re-check the cells nbgrader passed in one batch's results; update them in place.

    ``known`` verdicts (by (student, notebook)), complete ones of every test cell, are
    applied as they are.
    """
    by_pair = {(s.student, s.notebook): s for s in to_grade.values()}
    for result in results:
        submission = by_pair.get((result.student, result.notebook))
        passed = {grade_id for grade_id, (score, _) in result.cells.items() if score > 0}
        if submission is None or not passed:
            continue  # nothing to withdraw: the re-check can only lower a score
        if (result.student, result.notebook) in (known or {}):
            apply_verdict(result, known[(result.student, result.notebook)])
            continue
        if settings.recheck_only_full_marks and result.score < result.max_score:
            continue
        solution = solutions_dir() / f"{result.notebook}.ipynb"
        cells = load_cells(solution, submission.path)
        cells = replace(cells, tests=[t for t in cells.tests if t[0] in passed])
        env = sandbox_environment(settings, scratch_root, sandbox_user)
        apply_verdict(result, run_tests(cells, env, settings.cell_timeout))


def unjudged_notes(verdict: Verdict, unjudged: list[str]) -> list[str]:
    """``not re-checked: <cells> (<reason>)``, one note per reason."""
    by_reason: dict[str, list[str]] = {}
    for grade_id in unjudged:
        by_reason.setdefault(verdict.messages.get(grade_id, ""), []).append(grade_id)
    return [
        f"not re-checked: {', '.join(ids)}" + (f" ({reason})" if reason else "")
        for reason, ids in by_reason.items()
    ]


def apply_verdict(result: Result, verdict: Verdict) -> None:
    """Per cell, keep the lower of nbgrader's score and the re-check's; flag disagreement."""
    failed: dict[str, str] = {}
    unjudged: list[str] = []
    for grade_id, (score, top) in result.cells.items():
        outcome = verdict.passed.get(grade_id, False)
        if outcome is None:
            unjudged.append(grade_id)
        elif outcome is False and score > 0:
            result.cells[grade_id] = [0.0, top]
            failed[grade_id] = verdict.messages.get(grade_id, "failed")
    result.score = sum(score for score, _ in result.cells.values())
    notes = []
    if failed:
        result.recheck_failed = failed
        result.status = "tampered" if result.status == "ok" else result.status
        notes.append(
            "passed in the notebook but failed the trusted re-check: "
            + "; ".join(f"{grade_id}: {why}" for grade_id, why in failed.items())
        )
    notes += unjudged_notes(verdict, unjudged)
    if notes:
        result.detail = " | ".join(part for part in [result.detail, *notes] if part)

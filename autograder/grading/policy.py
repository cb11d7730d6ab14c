"""What each graded answer may not use, checked on the grader's side from the answer cells' source.

The course declares, per exercise, which libraries and which of ``in5400lib``'s
reference code an answer may not use (``solutions/policy.toml``, format in its
header and in ``docs/authoring.md``). ``autograder.grading.resolve`` reads the
answer cells with ``ast`` (never running them) and lists the qualified names each
one reaches; a refused name costs every test cell of its exercise and the status
``shortcut``. What the resolver cannot follow is *dynamic access*: it is listed for a
TA and costs no points by itself (a static reading cannot tell an honest ``getattr``
from a dishonest one, and the runtime guard of the re-check sandbox is the second
line).
"""

from __future__ import annotations

import ast
import functools
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nbformat.notebooknode import NotebookNode

from autograder.grading.resolve import Finding, analyse, parse_cell, under
from autograder.notebook import (
    ANSWER,
    SETUP,
    answer_sources,
    cells_of,
    grade_id,
    read,
    tests_by_answer,
)

POLICY_FILE = "policy.toml"


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Rule:
    """What one exercise's answer may not use: ``deny`` prefixes (with why) and ``allow`` ones."""

    deny: tuple[tuple[str, str], ...] = ()
    allow: tuple[str, ...] = ()

    def refusal(self, name: str) -> str | None:
        """Why ``name`` is refused (``None`` if it may be used): the longest matching entry wins."""
        best_deny = max(
            ((len(prefix), why) for prefix, why in self.deny if under(name, prefix)),
            default=None,
        )
        if best_deny is None:
            return None
        best_allow = max(
            (len(prefix) for prefix in self.allow if under(name, prefix) and _plain(name, prefix)),
            default=-1,
        )
        return best_deny[1] if best_deny[0] >= best_allow else None


def _plain(name: str, prefix: str) -> bool:
    """No private or dunder attribute below an allowed name (``Residual.__init__.__globals__``)."""
    return not any(part.startswith("_") for part in name[len(prefix) :].split(".") if part)


@dataclass(frozen=True)
class Policy:
    """The course's table: ``{notebook: {grade_id: Rule}}``."""

    exercises: dict[str, dict[str, Rule]]

    def rules(self, notebook: str) -> dict[str, Rule]:
        return self.exercises.get(notebook, {})


def parse_policy(text: str) -> Policy:
    """Read the TOML table (format in ``solutions/policy.toml``'s header)."""
    data = tomllib.loads(text)
    groups = {
        name: (tuple(group.get("names", [])), str(group.get("why", "which is not allowed here")))
        for name, group in data.get("groups", {}).items()
    }
    defaults = data.get("defaults", {})

    def deny_of(names: Iterable[str]) -> list[tuple[str, str]]:
        entries = []
        for group in names:
            if group not in groups:
                raise ValueError(f"policy: unknown group {group!r}")
            prefixes, why = groups[group]
            entries += [(prefix, why) for prefix in prefixes]
        return entries

    exercises: dict[str, dict[str, Rule]] = {}
    for notebook, entries in data.get("exercises", {}).items():
        exercises[notebook] = {}
        for answer, entry in entries.items():
            unknown = set(entry) - {"deny", "allow"}
            if unknown:
                raise ValueError(f"policy: {notebook}.{answer} has unknown keys {sorted(unknown)}")
            deny = deny_of([*defaults.get("deny", []), *entry.get("deny", [])])
            allow = [*defaults.get("allow", []), *entry.get("allow", [])]
            exercises[notebook][answer] = Rule(tuple(deny), tuple(allow))
    return Policy(exercises)


def policy_text(solutions: Path) -> str:
    """The text of ``solutions/policy.toml`` ("" if the course has none)."""
    path = solutions / POLICY_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_policy(solutions: Path) -> Policy:
    """The table ``solutions/policy.toml`` (an empty policy if the course has none)."""
    return parse_policy(policy_text(solutions))


# --------------------------------------------------------------------------- verdicts


@dataclass
class Judgement:
    """One exercise's verdict: the refused names it uses and the dynamic access it makes."""

    violations: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def graded_name(source: str, fallback: str) -> str:
    """The name an answer cell defines (``conv2d``, ``SeparableConv2d``, ``Z_BY_HAND``)."""
    tree = parse_cell(source)
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            return node.targets[0].id
    return fallback


def judge(
    rules: dict[str, Rule],
    setup: list[str],
    answers: list[tuple[str, str]],
    names: dict[str, str] | None = None,
) -> dict[str, Judgement]:
    """Each answer's violations of its rule and its dynamic access, as messages.

    ``names`` maps grade ids to the graded names the messages use (default: the grade id).
    """
    names = names or {}
    verdicts = {}
    for answer, findings in analyse(setup, answers).items():
        rule, name = rules.get(answer, Rule()), names.get(answer, answer)
        verdict = Judgement()
        refused: dict[str, list[str]] = {}  # why -> "name (where)", in the order met
        for finding in _first_of_each(findings.uses):
            why = rule.refusal(finding.what)
            if why is not None:
                refused.setdefault(why, []).append(f"{finding.what} ({finding.where})")
        for why, used in refused.items():
            shown = used[:MAX_NAMES]
            if len(used) > len(shown):
                shown.append(f"{len(used) - len(shown)} more")
            listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
            verdict.violations.append(f"{name}: uses {listed}, {why}")
        verdict.review = [
            f"{name}: {finding.what} ({finding.where})"
            for finding in _first_of_each(findings.dynamic)
        ]
        verdicts[answer] = verdict
    return verdicts


def _first_of_each(findings: list[Finding]) -> Iterator[Finding]:
    seen: set[str] = set()
    for finding in findings:
        if finding.what not in seen:
            seen.add(finding.what)
            yield finding


# --------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class Exercises:
    """What the check needs of one notebook: the solution's setup code, the submission's
    answer cells, the graded names, and which test cells test which answer."""

    setup: list[str]
    answers: list[tuple[str, str]]  # (grade_id, source) in the solution's order
    names: dict[str, str]  # grade_id -> the function, class or constant it defines
    tests: dict[str, list[str]]  # answer grade_id -> the grade ids of its test cells


def exercises(solution: NotebookNode, submission: NotebookNode | None = None) -> Exercises:
    """Read an instructor notebook (and a student's answers to it; default: the solution's)."""
    setup = [cell.source for cell in cells_of(solution, SETUP)]
    names = {
        grade_id(cell): graded_name(cell.source, grade_id(cell))
        for cell in cells_of(solution, ANSWER)
    }
    submitted = answer_sources(submission if submission is not None else solution)
    answers = [(key, submitted[key]) for key in names if key in submitted]
    return Exercises(setup, answers, names, tests_by_answer(solution))


def check_notebook(policy: Policy, notebook: str, cells: Exercises) -> dict[str, Judgement]:
    """Each answer's verdict under the course's policy."""
    return judge(policy.rules(notebook), cells.setup, cells.answers, cells.names)


# --------------------------------------------------------------------------- grades

SHORTCUT = "shortcut"
#: Refused names listed per message (the rest are counted).
MAX_NAMES = 3
#: The statuses a refused name replaces. ``tampered`` (a rigged test) says more and stays,
#: unless every cell the re-check failed belongs to a refused exercise: then the refused
#: answer (and the re-check's guard refusing it) explains the failures.
REPLACED_BY_SHORTCUT = ("ok", "timeout", "crashed")


def apply_verdicts(result, verdicts: dict[str, Judgement], tests: dict[str, list[str]]) -> None:
    """Withdraw the points of every exercise whose answer uses a refused name; note dynamic
    access for review. ``result`` is a grading result (``cells``, ``score``, ``status``,
    ``detail``, ``review``), changed in place."""
    refused, review = [], []
    refused_tests: set[str] = set()
    for answer, verdict in verdicts.items():
        review += verdict.review
        if not verdict.violations:
            continue
        for test in tests.get(answer, []):
            if test in result.cells:
                result.cells[test] = [0.0, result.cells[test][1]]
        refused += verdict.violations
        refused_tests.update(tests.get(answer, []))
    result.score = sum(score for score, _ in result.cells.values())
    notes = []
    if refused:
        failed = getattr(result, "recheck_failed", {})
        explained = result.status == "tampered" and bool(failed) and set(failed) <= refused_tests
        if result.status in REPLACED_BY_SHORTCUT or explained:
            result.status = SHORTCUT
        notes.append("; ".join(refused))
    if review:
        notes.append("to review, dynamic access the grader cannot resolve: " + "; ".join(review))
    result.review = review
    if notes:
        result.detail = " | ".join(part for part in [result.detail, *notes] if part)


@functools.cache
def _solution_cells(path: Path, mtime: float) -> Exercises:
    return exercises(read(path))


def check_submission(policy: Policy, notebook: str, solution: Path, submission: Path):
    """``({grade_id: Judgement}, {answer grade_id: its test cells})`` for one submission."""
    known = _solution_cells(solution, solution.stat().st_mtime)
    submitted = answer_sources(read(submission))
    answers = [(key, submitted[key]) for key in known.names if key in submitted]
    cells = Exercises(known.setup, answers, known.names, known.tests)
    return check_notebook(policy, notebook, cells), known.tests


def police_results(results, submissions: dict[tuple[str, str], Path], solutions: Path) -> None:
    """Check every graded result's answer cells against the course's policy (in place).

    ``submissions`` maps ``(student, notebook)`` to the submitted notebook file.
    """
    policy = load_policy(solutions)
    for result in results:
        path = submissions.get((result.student, result.notebook))
        if path is None:
            continue
        try:
            verdicts, tests = check_submission(
                policy, result.notebook, solutions / f"{result.notebook}.ipynb", path
            )
        except Exception as error:  # noqa: BLE001 - one odd notebook must not stop the batch
            verdicts, tests = {"": Judgement(review=[f"the policy check failed: {error!r}"])}, {}
        apply_verdicts(result, verdicts, tests)


def student_notes(notebook: NotebookNode, name: str, solutions: Path) -> list[str]:
    """For ``in5400 check``: the answers of a student's notebook that grading will refuse."""
    policy = load_policy(solutions)
    if not policy.rules(name):
        return []
    verdicts = check_notebook(policy, name, exercises(notebook))
    return [message for verdict in verdicts.values() for message in verdict.violations]

"""Grade a class: nbgrader autograde in isolated, parallel batches, one merge at the end.

Layout of ``OUT``::

    OUT/grades.csv                      one row per (student, notebook) of the roster
    OUT/feedback/<student>/<nb>.html    feedback without hidden test code
    OUT/.work/results/<student>/<nb>.json   per-notebook results (written atomically)
    OUT/.work/rosters/<shard>.json      which (student, notebook) pairs a run is responsible for

Each batch of students is graded in its own temporary nbgrader course directory
with its own copy of the gradebook (nbgrader's sqlite gradebook is not safe for
concurrent writers), so workers share no writable state. A result file is
keyed by the submission's bytes and the solutions' bytes: re-running skips
what is already graded, and a changed submission is graded again.
"""

from __future__ import annotations

import atexit
import csv
import functools
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.course import ASSIGNMENT, available_notebooks, notebooks_dir, solutions_dir
from autograder.grading.submission import MalformedSubmission, Submission, discover, validate
from autograder.nbgrader_plugins.run import generate_assignment, make_course_dir, nbgrader
from autograder.nbgrader_plugins.sanitize import DEMO_CELLS_ENV
from autograder.sandbox.fence import MEMORY_ENV, SANDBOX_USER_ENV, SCRATCH_ROOT_ENV
from autograder.sandbox.zygote_client import SOCKET_ENV, Zygote, ZygoteError

STATUSES = ("ok", "timeout", "crashed", "malformed", "missing", "tampered")
CSV_COLUMNS = ("student", "notebook", "score", "max_score", "status", "detail")
NBGRADER_STUDENT_PREFIX = "s"


@dataclass
class Settings:
    """How to grade: limits, parallelism and where to work."""

    out: Path
    jobs: int = 1
    cell_timeout: int = 60
    notebook_timeout: int = 300
    memory_bytes: int = 6 * 2**30
    batch_size: int = 4
    feedback: bool = True
    recheck: bool = True
    #: Re-check only results with full marks. The re-check can only take points away, so
    #: for a question asked of full marks alone ("did this lose points?", the audit's)
    #: re-checking a result that already lost some cannot change the answer.
    recheck_only_full_marks: bool = False
    sandbox_user: str = "nobody"
    course_root: Path | None = None

    @property
    def work(self) -> Path:
        return self.out / ".work"


@dataclass
class Result:
    """The grade of one (student, notebook)."""

    student: str
    notebook: str
    score: float
    max_score: float
    status: str
    detail: str = ""
    cells: dict[str, list[float]] = field(default_factory=dict)  # grade_id -> [score, max]
    key: str = ""  # hash of the submission and the solutions this result was computed from

    def row(self) -> dict[str, str]:
        return {
            "student": self.student,
            "notebook": self.notebook,
            "score": f"{self.score:g}",
            "max_score": f"{self.max_score:g}",
            "status": self.status,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class NotebookInfo:
    """What the grader knows of one notebook from its solution."""

    name: str
    max_score: float
    points: dict[str, float]  # test cell grade_id -> points
    answers: list[str]  # answer cell grade_ids in order


def notebook_info(names: list[str], root: Path | None = None) -> dict[str, NotebookInfo]:
    import nbformat

    infos = {}
    for name in names:
        nb = nbformat.read(solutions_dir(root) / f"{name}.ipynb", as_version=4)
        points, answers = {}, []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                points[meta["grade_id"]] = float(meta.get("points", 0))
            elif meta.get("solution"):
                answers.append(meta["grade_id"])
        infos[name] = NotebookInfo(name, sum(points.values()), points, answers)
    return infos


def solutions_key(names: list[str], root: Path | None = None) -> str:
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((solutions_dir(root) / f"{name}.ipynb").read_bytes())
    return digest.hexdigest()[:16]


def result_key(submission: Submission, solutions: str) -> str:
    content = submission.path.read_bytes() if submission.path else b"<missing>"
    return hashlib.sha256(content + solutions.encode()).hexdigest()[:24]


def shard_of(student: str, count: int) -> int:
    """The shard (0-based) a student belongs to: stable across machines and runs."""
    return int(hashlib.sha256(student.encode()).hexdigest(), 16) % count


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner only (the sandbox user cannot look inside)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, stat.S_IRWXU)
    return path


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- set-up


def prepare(settings: Settings, names: list[str]) -> Path:
    """Build (once per solutions version) the template gradebook and the sandbox kernelspec."""
    key = solutions_key(names, settings.course_root)
    template = settings.work / f"template-{key}"
    if not (template / "gradebook.db").exists():
        build = private_dir(settings.work / f"template-{key}.building")
        make_course_dir(build)
        generate_assignment(
            build,
            [solutions_dir(settings.course_root) / f"{name}.ipynb" for name in names],
        )
        shutil.rmtree(build / "release", ignore_errors=True)
        os.replace(build, template)
    kernels = settings.work / "kernels" / "python3"
    kernels.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "autograder.sandbox.kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec, indent=1))
    return template


def sandbox_user_usable(user: str) -> bool:
    """Whether student kernels can run as ``user``: we are root and it can import the stack."""
    if not user or os.geteuid() != 0:
        return False
    import pwd

    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return False

    def drop() -> None:
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)

    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import ipykernel, numpy, in5400lib"],
            preexec_fn=drop,
            cwd="/",
            capture_output=True,
            env={**os.environ, "HOME": "/tmp"},
            timeout=120,
        )
    except OSError:  # e.g. the interpreter lives in a folder that user cannot enter
        return False
    return probe.returncode == 0


# --------------------------------------------------------------------------- one batch


def grade_batch(
    batch: list[Submission],
    template: Path,
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    sandbox_user: str,
) -> list[Result]:
    """Grade a few submissions with one ``nbgrader autograde`` run in a private course folder."""
    ids_by_notebook = {name: set(info.answers) for name, info in infos.items()}
    results: list[Result] = []
    to_grade: dict[str, Submission] = {}
    for submission in batch:
        info = infos[submission.notebook]
        key = result_key(submission, solutions)
        if submission.path is None:
            results.append(_zero(submission, info, "missing", "no file handed in", key))
            continue
        try:
            validate(submission.path, ids_by_notebook[submission.notebook], ids_by_notebook)
        except MalformedSubmission as error:
            results.append(_zero(submission, info, "malformed", str(error), key))
            continue
        to_grade[f"{NBGRADER_STUDENT_PREFIX}{len(to_grade)}"] = submission
    if not to_grade:
        return results

    job = Path(tempfile.mkdtemp(prefix="job-", dir=private_dir(settings.work / "jobs")))
    scratch_root = process_scratch_root(bool(sandbox_user))
    try:
        make_course_dir(job)
        shutil.copy(template / "gradebook.db", job / "gradebook.db")
        for sid, submission in to_grade.items():
            target = job / "submitted" / sid / ASSIGNMENT / f"{submission.notebook}.ipynb"
            target.parent.mkdir(parents=True)
            shutil.copy(submission.path, target)
        status_dir = job / "status"
        status_dir.mkdir()
        demo_cells = job / "demo_cells.json"
        demo_cells.write_text(json.dumps(demo_sources(infos, settings.course_root)))
        budget = settings.notebook_timeout * len(to_grade) + 180
        env = grading_environment(settings, scratch_root, status_dir, sandbox_user)
        env[DEMO_CELLS_ENV] = str(demo_cells)
        env[SOCKET_ENV] = start_zygote(settings, scratch_root, sandbox_user)
        args = [
            "autograde",
            ASSIGNMENT,
            "--force",
            f"--Execute.timeout={settings.cell_timeout}",
            f"--GuardedExecute.notebook_timeout={settings.notebook_timeout}",
        ]
        try:
            run = nbgrader(job, *args, timeout=budget, env=env)
            log = run.stdout
        except subprocess.TimeoutExpired:
            log = f"nbgrader did not finish within {budget} s and was stopped"
        grades = read_gradebook(job, to_grade)
        for sid, submission in to_grade.items():
            info = infos[submission.notebook]
            key = result_key(submission, solutions)
            result = _from_gradebook(
                submission,
                info,
                grades.get(sid),
                status_dir / sid / f"{submission.notebook}.json",
                log,
                key,
            )
            results.append(result)
        if settings.recheck:
            from autograder.grading.recheck import recheck_results

            recheck_results(results, to_grade, settings, sandbox_user, scratch_root)
        # The executed notebooks (hidden tests and outputs included), for the TAs.
        collect(job, "autograded", to_grade, settings.out / "autograded", ".ipynb")
        if settings.feedback:
            copy_feedback(job, to_grade, settings.out / "feedback", env)
    finally:
        shutil.rmtree(job, ignore_errors=True)
        for leftover in scratch_root.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
    return results


@functools.cache
def process_scratch_root(shared_with_sandbox_user: bool) -> Path:
    """This grader process's folder for sandboxes' scratch directories (removed at exit)."""
    root = Path(tempfile.mkdtemp(prefix="in5400-scratch-"))
    if shared_with_sandbox_user:
        os.chmod(root, 0o1777)
    atexit.register(shutil.rmtree, root, True)
    return root


@functools.cache
def _environment_at_start() -> dict[str, str]:
    # Libraries add variables to os.environ as they go (torch sets TORCHINDUCTOR_CACHE_DIR
    # when a test first uses an optimizer); the sandboxes' environment must not follow them,
    # or every change would start a new zygote.
    return dict(os.environ)


def sandbox_environment(
    settings: Settings, scratch_root: Path, sandbox_user: str
) -> dict[str, str]:
    """The environment the zygote, and so every kernel and re-check sandbox, starts with."""
    return {
        **_environment_at_start(),
        **grading_environment(settings, scratch_root, None, sandbox_user),
    }


def start_zygote(settings: Settings, scratch_root: Path, sandbox_user: str) -> str:
    """The socket of this process's pre-warmed sandbox zygote ("" if it cannot start)."""
    env = sandbox_environment(settings, scratch_root, sandbox_user)
    try:
        return Zygote.shared(env).path
    except (OSError, ZygoteError):
        return ""  # kernels then start the slow way


def demo_sources(infos: dict[str, NotebookInfo], root: Path | None) -> dict[str, list[str]]:
    """The plain code cells of each released student notebook (not run while grading)."""
    import nbformat

    demos = {}
    for name in infos:
        notebook = nbformat.read(notebooks_dir(root) / f"{name}.ipynb", as_version=4)
        demos[name] = [
            cell.source
            for cell in notebook.cells
            if cell.cell_type == "code" and "nbgrader" not in cell.metadata
        ]
    return demos


def grading_environment(
    settings: Settings, scratch_root: Path, status_dir: Path | None, sandbox_user: str
) -> dict[str, str]:
    """Environment for nbgrader and the sandboxes (which remove the grader's own variables)."""
    return {
        "JUPYTER_PATH": str(settings.work),  # our kernels/python3 comes first
        "IN5400_STATUS_DIR": str(status_dir or ""),
        SCRATCH_ROOT_ENV: str(scratch_root),
        MEMORY_ENV: str(settings.memory_bytes),
        SANDBOX_USER_ENV: sandbox_user,
        "IN5400_FAST": "1",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "IN5400_THREADS": "1",  # in5400lib's seed_everything(); one thread per grading job
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def read_gradebook(job: Path, students: Iterable[str]) -> dict[str, dict[str, list[float]]]:
    """``{nbgrader student id: {grade_id: [score, max_score]}}`` from a batch's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, dict[str, list[float]]] = {}
    with Gradebook(f"sqlite:///{job / 'gradebook.db'}") as gradebook:
        for sid in students:
            try:
                submission = gradebook.find_submission(ASSIGNMENT, sid)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                cells = {
                    grade.name: [float(grade.score or 0.0), float(grade.max_score or 0.0)]
                    for grade in notebook.grades
                    if grade.max_score
                }
                if notebook.grades:
                    out.setdefault(sid, {}).update(
                        {f"{notebook.name}::{k}": v for k, v in cells.items()}
                    )
    return out


def _zero(submission: Submission, info: NotebookInfo, status: str, detail: str, key: str) -> Result:
    cells = {grade_id: [0.0, points] for grade_id, points in info.points.items()}
    return Result(
        submission.student, submission.notebook, 0.0, info.max_score, status, detail, cells, key
    )


def _from_gradebook(
    submission: Submission,
    info: NotebookInfo,
    grades: dict[str, list[float]] | None,
    status_file: Path,
    log: str,
    key: str,
) -> Result:
    prefix = f"{submission.notebook}::"
    cells = {
        name[len(prefix) :]: value
        for name, value in (grades or {}).items()
        if name.startswith(prefix)
    }
    if status_file.exists():
        state = json.loads(status_file.read_text())
    else:
        state = {"status": "crashed", "detail": f"nbgrader could not grade it: {_last_error(log)}"}
    if not cells:
        return _zero(submission, info, state["status"], state["detail"], key)
    for grade_id, points in info.points.items():
        cells.setdefault(grade_id, [0.0, points])
    score = sum(value[0] for value in cells.values())
    return Result(
        submission.student,
        submission.notebook,
        score,
        info.max_score,
        state["status"],
        state.get("detail", ""),
        cells,
        key,
    )


def _last_error(log: str) -> str:
    """The last exception line of an nbgrader log (e.g. ``KeyError: 'grade_id'``)."""
    pattern = re.compile(r"^\s*([A-Za-z_.]*(Error|Exception|Exit)\b.*)$")
    errors = [m.group(1) for line in log.splitlines() if (m := pattern.match(line))]
    return errors[-1][:300] if errors else "see the nbgrader log"


def collect(job: Path, stage: str, students: dict[str, Submission], dest: Path, ext: str) -> None:
    """Copy ``<job>/<stage>/<sid>/<assignment>/<notebook><ext>`` to ``dest/<student>/``."""
    for sid, submission in students.items():
        produced = job / stage / sid / ASSIGNMENT / f"{submission.notebook}{ext}"
        if produced.exists():
            target = dest / submission.student / produced.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(produced, target)


def copy_feedback(
    job: Path, students: dict[str, Submission], dest: Path, env: dict[str, str]
) -> None:
    nbgrader(job, "generate_feedback", ASSIGNMENT, "--force", env=env, timeout=600)
    collect(job, "feedback", students, dest, ".html")


# --------------------------------------------------------------------------- the class


def grade_class(
    submissions_dir: Path,
    settings: Settings,
    notebooks: list[str] | None = None,
    shard: tuple[int, int] | None = None,
    progress: bool = True,
) -> list[Result]:
    """Grade every (student, notebook) of the roster in ``submissions_dir``; write OUT/grades.csv.

    ``shard=(i, n)`` grades only the students of shard ``i`` of ``n`` (1-based), for
    job arrays; ``in5400 merge OUT`` then writes the combined grades.csv.
    """
    names = notebooks or available_notebooks(settings.course_root)
    infos = notebook_info(names, settings.course_root)
    solutions = solutions_key(names, settings.course_root)
    roster = discover(submissions_dir, names)
    if shard:
        index, count = shard
        roster = [s for s in roster if shard_of(s.student, count) == index - 1]
    shard_name = f"shard-{shard[0]}-of-{shard[1]}" if shard else "all"
    write_atomic(
        settings.work / "rosters" / f"{shard_name}.json",
        json.dumps([[s.student, s.notebook] for s in roster]),
    )

    done: list[Result] = []
    pending: list[Submission] = []
    for submission in roster:
        cached = load_result(settings.out, submission.student, submission.notebook)
        if cached and cached.key == result_key(submission, solutions):
            done.append(cached)
        else:
            pending.append(submission)

    if pending:
        template = prepare(settings, names)
        user = settings.sandbox_user if sandbox_user_usable(settings.sandbox_user) else ""
        batches = make_batches(pending, settings.batch_size, settings.jobs)
        done += run_batches(batches, template, infos, settings, solutions, user, progress)
    if not shard:
        write_csv(settings.out / "grades.csv", done, names)
    return done


def make_batches(pending: list[Submission], size: int, jobs: int = 1) -> list[list[Submission]]:
    """Group submissions by student into batches of at most ``size`` students (one nbgrader
    run each), as even as possible and, when there is enough work, a multiple of ``jobs``
    batches so that no worker is left grading a last batch alone.
    """
    by_student: dict[str, list[Submission]] = {}
    for submission in pending:
        by_student.setdefault(submission.student, []).append(submission)
    students = list(by_student.values())
    if not students:
        return []
    count = math.ceil(len(students) / size)
    count = min(len(students), math.ceil(count / jobs) * jobs)
    bounds = [round(i * len(students) / count) for i in range(count + 1)]
    return [sum(students[a:b], []) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def run_batches(
    batches: list[list[Submission]],
    template: Path,
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    user: str,
    progress: bool,
) -> list[Result]:
    from tqdm.auto import tqdm

    results: list[Result] = []
    bar = tqdm(
        total=sum(len(b) for b in batches), unit="notebook", disable=not progress, desc="grading"
    )

    def keep(batch_results: list[Result]) -> None:
        for result in batch_results:
            save_result(settings.out, result)
        results.extend(batch_results)
        bar.update(len(batch_results))

    try:
        if settings.jobs <= 1:
            for batch in batches:
                keep(grade_batch(batch, template, infos, settings, solutions, user))
        else:
            # "spawn": a forked worker could inherit a lock held by another thread of
            # this process (pytest, a notebook client, torch) and hang on it forever.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=settings.jobs, mp_context=spawn) as pool:
                futures = {
                    pool.submit(grade_batch, b, template, infos, settings, solutions, user): b
                    for b in batches
                }
                for future in as_completed(futures):
                    try:
                        keep(future.result())
                    except Exception as error:  # noqa: BLE001 - one batch must not stop the class
                        keep([_grader_error(s, infos, error) for s in futures[future]])
    finally:
        bar.close()
    return results


def _grader_error(
    submission: Submission, infos: dict[str, NotebookInfo], error: Exception
) -> Result:
    result = _zero(
        submission, infos[submission.notebook], "crashed", f"grader error: {error!r}", ""
    )
    return result  # no key: graded again on the next run


def result_path(out: Path, student: str, notebook: str) -> Path:
    return out / ".work" / "results" / student / f"{notebook}.json"


def save_result(out: Path, result: Result) -> None:
    write_atomic(result_path(out, result.student, result.notebook), json.dumps(asdict(result)))


def load_result(out: Path, student: str, notebook: str) -> Result | None:
    path = result_path(out, student, notebook)
    if not path.exists():
        return None
    return Result(**json.loads(path.read_text()))


def write_csv(path: Path, results: list[Result], notebooks: list[str]) -> None:
    order = {name: i for i, name in enumerate(notebooks)}
    rows = sorted(results, key=lambda r: (r.student, order.get(r.notebook, 99)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(r.row() for r in rows)


def merge(out: Path, notebooks: list[str] | None = None) -> list[Result]:
    """Combine the results of every shard run into ``OUT/grades.csv``.

    Every (student, notebook) in any shard's roster must have a result; a missing
    one is reported as status ``crashed`` with detail ``no result: grade this shard again``.
    """
    names = notebooks or available_notebooks()
    pairs: set[tuple[str, str]] = set()
    for roster in (out / ".work" / "rosters").glob("*.json"):
        pairs.update(tuple(p) for p in json.loads(roster.read_text()))
    results = []
    for student, notebook in sorted(pairs):
        result = load_result(out, student, notebook)
        if result is None:
            result = Result(
                student, notebook, 0.0, 0.0, "crashed", "no result: grade this shard again"
            )
        results.append(result)
    write_csv(out / "grades.csv", results, names)
    return results

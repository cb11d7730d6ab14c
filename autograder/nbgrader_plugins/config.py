"""nbgrader configuration shared by `in5400 release`, `in5400 grade` and `in5400 audit`.

nbgrader reads this file as its ``nbgrader_config.py``: the grader copies it into
each temporary course directory it creates, so every nbgrader run sees the same
settings. The preprocessors are given as classes; the course's own come from
this package (``sanitize``, ``execute``). Feedback pages are not nbgrader's
(``autograder.grading.feedback_pages``): they show the final grade.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from autograder.nbgrader_plugins.execute import GuardedExecute
from autograder.nbgrader_plugins.sanitize import DropDuplicateIds, SkipDemoCells
from autograder.settings import Settings

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

# nbgrader's process reads the solutions: sandboxes must not read them through its /proc entry.
from autograder.sandbox.hide import shield_this_process  # noqa: E402

shield_this_process()

c.CourseDirectory.course_id = "in5400"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Deleted or duplicated test cells are restored from the source instead of
# leaving "needs manual grade".
c.OverwriteCells.add_missing_cells = True

# A duplicated test cell must not stop the notebook from being graded; unchanged
# demonstration cells are not run.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DropDuplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    SkipDemoCells,
    CheckCellMetadata,
]
c.SkipDemoCells.enabled = True

# Execution: nbgrader's Execute, extended with a per-notebook wall-clock cap and
# a recorded status when the kernel dies.
c.Autograde.autograde_preprocessors = [
    GuardedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.Execute.timeout = Settings.cell_timeout
c.Execute.execute_retries = 0
c.Execute.interrupt_on_timeout = True
# Kernels are forked from a warm zygote: see that they are ready without fixed waits.
c.AsyncKernelManager.client_class = "autograder.nbgrader_plugins.kernel_client.QuickStartClient"

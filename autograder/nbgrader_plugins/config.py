"""nbgrader configuration shared by `in5400 release`, `in5400 grade` and `in5400 audit`.

The grader copies this file into each temporary course directory it creates, so
every nbgrader run sees the same settings.
"""

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

# A duplicated test cell must not stop the notebook from being graded.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "autograder.nbgrader_plugins.sanitize.DropDuplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.nbgrader_plugins.sanitize.SkipDemoCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SkipDemoCells.enabled = True

# Execution: nbgrader's Execute, extended with a per-notebook wall-clock cap and
# a recorded status when the kernel dies (see autograder/nbgrader_plugins/execute.py).
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugins.execute.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 60
c.Execute.execute_retries = 0
c.Execute.interrupt_on_timeout = True

# Feedback: hidden test code and tracebacks through it are not shown.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.nbgrader_plugins.feedback.RedactHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.RedactHiddenTests.enforce_metadata = False

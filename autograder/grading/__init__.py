"""The grading pipeline: a class of submissions in, ``OUT/grades.csv`` out.

See ``docs/architecture.md`` for how a submission flows through these modules.
"""

"""Where student code runs: a fenced process forked from a pre-warmed zygote.

Nothing here imports the grading pipeline; the pipeline talks to the sandbox
through the zygote's socket and the re-check worker's pipes.
"""

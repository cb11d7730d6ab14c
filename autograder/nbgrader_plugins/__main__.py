"""``python -m autograder.nbgrader_plugins ARGS`` is ``nbgrader ARGS`` started after
``autograder`` (whose import spares nbgrader a slow, unused schema checker)."""

from nbgrader.apps.nbgraderapp import main

if __name__ == "__main__":
    main()

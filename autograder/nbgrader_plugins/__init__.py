"""nbgrader's configuration and the preprocessors the course adds to it.

nbgrader loads ``config.py`` (copied into each temporary course directory as
``nbgrader_config.py``), which names the preprocessors in this package.
"""

"""The hidden tests are themselves tested: `in5400 audit` through the real grading path.

Per notebook: the solution gets full marks, the blank student notebook 0, every
mutant in tests/corpus loses points and every correct variant gets full marks.
"""

import pytest

from autograder.audit import corpus_cases, run_audit, solution_sources
from autograder.course import available_notebooks

#: Mutants the issues ask for; every other graded answer needs at least 3.
MINIMUM_MUTANTS = {"corr2d": 5, "conv2d": 6, "max_pool2d_backward": 6, "receptive_field": 4}


@pytest.mark.parametrize("name", available_notebooks())
def test_every_graded_answer_has_mutants_and_variants(name):
    cases = [case for case, _ in corpus_cases(name)]
    for grade_id in solution_sources(name):
        mutants = sum(c.kind == "mutant" and c.grade_id == grade_id for c in cases)
        variants = sum(c.kind == "variant" and c.grade_id == grade_id for c in cases)
        assert mutants >= MINIMUM_MUTANTS.get(grade_id, 3), f"{grade_id}: {mutants} mutants"
        assert variants >= 2, f"{grade_id}: {variants} variants"


@pytest.mark.parametrize("name", available_notebooks())
def test_audit(name, capsys, cifar_dir):
    status = run_audit([name], jobs=1)
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "all audit cases behave" in printed

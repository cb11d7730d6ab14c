"""LMS zip input: a Canvas bulk download becomes ``<student>/<notebook>.ipynb`` through nbgrader's
``zip_collect``, the latest upload of a notebook wins, and ``in5400 grade the.zip`` grades it.

One zip is unpacked once (module fixture); each test reads what it produced.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.audit import solution_sources, student_notebook
from autograder.cli import main
from autograder.lms import latest_uploads, unpack_if_zip, upload_of

NB = "01_correlation"
SOLVED = nbformat.writes(student_notebook(NB, solution_sources(NB)))
BLANK = nbformat.writes(student_notebook(NB, {}))


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def nested_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CLASS_ZIP = {
    # on time, then a late re-upload of the same notebook: the re-upload is graded
    "doejane_12345_67890_01_correlation.ipynb": BLANK,
    "doejane_LATE_12345_67999_01_correlation-1.ipynb": SOLVED,
    # a browser's "(1)" in the uploaded file name, and a file that is not a notebook
    "smithbob_22222_68000_01_correlation (1).ipynb": SOLVED,
    "smithbob_22222_68001_report.pdf": b"%PDF-1.4",
    # two students with the same name (different Canvas user ids)
    "hansenole_111_68100_01_correlation.ipynb": SOLVED,
    "hansenole_222_68200_01_correlation.ipynb": BLANK,
    # a notebook whose name is not one of the course's
    "leekim_33333_68300_my_homework.ipynb": BLANK,
    # a zip inside the zip (some downloads are split into parts)
    "part2/part2.zip": nested_zip({"nordkari_44444_68400_01_correlation.ipynb": SOLVED}),
}


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The folder ``unpack_if_zip`` made of CLASS_ZIP, and what it printed."""
    root = tmp_path_factory.mktemp("lms")
    archive = write_zip(root / "submissions.zip", CLASS_ZIP)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        folder = unpack_if_zip(archive, root / "out")
    return folder, printed.getvalue()


def test_files_are_laid_out_as_student_and_notebook(unpacked: tuple[Path, str]) -> None:
    folder, _ = unpacked
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == [
        "doejane/01_correlation.ipynb",
        "hansenole_111/01_correlation.ipynb",
        "hansenole_222/01_correlation.ipynb",
        "nordkari/01_correlation.ipynb",
        "smithbob/01_correlation.ipynb",
    ]
    assert (folder / "smithbob" / f"{NB}.ipynb").read_text() == SOLVED
    assert (folder / "nordkari" / f"{NB}.ipynb").read_text() == SOLVED


def test_the_late_reupload_replaces_the_earlier_upload(unpacked: tuple[Path, str]) -> None:
    folder, printed = unpacked
    assert (folder / "doejane" / f"{NB}.ipynb").read_text() == SOLVED
    assert (
        "doejane: 12345_67999_01_correlation-1.ipynb replaces the earlier upload "
        "12345_67890_01_correlation.ipynb"
    ) in printed


def test_namesakes_keep_their_own_files(unpacked: tuple[Path, str]) -> None:
    folder, _ = unpacked
    assert (folder / "hansenole_111" / f"{NB}.ipynb").read_text() == SOLVED
    assert (folder / "hansenole_222" / f"{NB}.ipynb").read_text() == BLANK


def test_an_unknown_notebook_is_reported_and_its_student_is_on_the_roster(
    unpacked: tuple[Path, str],
) -> None:
    folder, printed = unpacked
    assert "skipped leekim/33333_68300_my_homework.ipynb: not one of 01_correlation" in printed
    assert (folder / "leekim").is_dir() and not any((folder / "leekim").iterdir())


@pytest.mark.parametrize(
    ("names", "kept"),
    [
        # a later file id wins, whatever the -N suffix says
        (["1_20_01_correlation-3.ipynb", "1_30_01_correlation.ipynb"], "1_30_01_correlation.ipynb"),
        # same file id (as in a custom pattern without ids): the higher -N wins
        (["01_correlation-2.ipynb", "01_correlation-10.ipynb"], "01_correlation-10.ipynb"),
        (["01_correlation-1.ipynb", "01_correlation.ipynb"], "01_correlation-1.ipynb"),
    ],
)
def test_the_latest_upload_is_the_one_with_the_largest_numbers(names: list[str], kept: str) -> None:
    uploads = [upload_of("student", Path(name)) for name in names]
    assert all(u is not None and u.notebook == NB for u in uploads)
    for order in (uploads, uploads[::-1]):
        assert latest_uploads(order)[("student", NB)].path.name == kept


def test_a_zip_without_a_matching_file_is_a_clear_error(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "wrong.zip", {"readme.txt": "hi", "notes.ipynb": BLANK})
    with pytest.raises(
        ValueError, match=r"no file in wrong\.zip names a student and a course notebook"
    ) as error:
        unpack_if_zip(archive, tmp_path / "out")
    assert "it holds: readme.txt, notes.ipynb" in str(error.value)


def test_a_path_that_is_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "submissions.zip"
    fake.write_text("not a zip")
    with pytest.raises(ValueError, match="is neither a folder of submissions nor a zip archive"):
        unpack_if_zip(fake, tmp_path / "out")
    with pytest.raises(ValueError, match="does not exist"):
        unpack_if_zip(tmp_path / "missing.zip", tmp_path / "out")
    assert unpack_if_zip(tmp_path, tmp_path / "out") == tmp_path  # a folder is used as it is


def test_grade_a_canvas_zip_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = write_zip(
        tmp_path / "the.zip",
        {
            "doejane_12345_67890_01_correlation.ipynb": BLANK,
            "doejane_LATE_12345_67999_01_correlation-1.ipynb": SOLVED,
            "smithbob_22222_68000_01_correlation.ipynb": BLANK,
        },
    )
    out = tmp_path / "graded"
    status = main(["grade", str(archive), "--out", str(out), "--notebook", NB, "--no-feedback"])
    assert status == 0, capsys.readouterr().out
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == ["doejane", "smithbob"]
    assert all(row["notebook"] == NB and row["status"] == "ok" for row in rows.values()), rows
    assert rows["doejane"]["score"] == rows["doejane"]["max_score"] != "0", rows
    assert rows["smithbob"]["score"] == "0", rows
    # the TA's next step: one row per student for Canvas, with the user ids from the zip
    assert main(["export", str(out), "--format", "canvas"]) == 0
    with open(out / "canvas-grades.csv", newline="", encoding="utf-8") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        f"IN5400 L5 {NB}",
    ]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == rows["doejane"]["max_score"]
    assert canvas[2][:2] == ["doejane", "12345"] and canvas[2][5] == rows["doejane"]["score"]
    assert canvas[3][:2] == ["smithbob", "22222"] and canvas[3][5] == "0"


def test_the_lms_ids_are_kept_next_to_the_grades(unpacked: tuple[Path, str]) -> None:
    folder, _ = unpacked
    with open(folder.parents[1] / "lms-ids.csv", newline="", encoding="utf-8") as handle:
        ids = {row["student"]: (row["lms_id"], row["lms_name"]) for row in csv.DictReader(handle)}
    assert ids == {
        "doejane": ("12345", "doejane"),
        "hansenole_111": ("111", "hansenole"),
        "hansenole_222": ("222", "hansenole"),
        "nordkari": ("44444", "nordkari"),
        "smithbob": ("22222", "smithbob"),
    }

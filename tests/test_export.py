"""``in5400 export``: one row per student, for the TA (wide CSV) and for Canvas's import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.export import read_grades

GRADES = """student,notebook,score,max_score,status,detail
ada,01_correlation,13,13,ok,
ada,02_padding_stride,20,26,ok,
ada,07_cifar10_cnn_vs_dense,0,30,missing,
bo,01_correlation,4,13,tampered,test_corr2d_values failed the re-check
bo,02_padding_stride,26,26,ok,not re-checked: test_x
bo,07_cifar10_cnn_vs_dense,12,30,timeout,notebook time limit
"""
IDS = "student,lms_id,lms_name\nada,101,lovelaceada\nbo,202,diddleybo\n"


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    (tmp_path / "grades.csv").write_text(GRADES)
    (tmp_path / "lms-ids.csv").write_text(IDS)
    return tmp_path


def test_wide_has_a_row_per_student_with_total_and_flags(out: Path) -> None:
    assert main(["export", str(out)]) == 0
    rows = _read(out / "grades-wide.csv")
    assert rows[0] == [
        "student",
        "lms_id",
        "01_correlation",
        "02_padding_stride",
        "07_cifar10_cnn_vs_dense",
        "total",
        "max_total",
        "flags",
    ]
    assert rows[1] == [
        "ada",
        "101",
        "13",
        "20",
        "0",
        "33",
        "69",
        "07_cifar10_cnn_vs_dense: missing",
    ]
    assert rows[2][:7] == ["bo", "202", "4", "26", "12", "42", "69"]
    assert rows[2][7].split("; ") == [
        "01_correlation: tampered (test_corr2d_values failed the re-check)",
        "02_padding_stride: ok (not re-checked: test_x)",
        "07_cifar10_cnn_vs_dense: timeout (notebook time limit)",
    ]


def test_canvas_file_has_canvas_columns_and_points_possible(out: Path) -> None:
    args = ["export", str(out), "--format", "canvas", "--canvas-assignment", "01_correlation=555"]
    assert main(args) == 0
    rows = _read(out / "canvas-grades.csv")
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "IN5400 L5 01_correlation (555)",
        "IN5400 L5 02_padding_stride",
        "IN5400 L5 07_cifar10_cnn_vs_dense",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "", "13", "26", "30"]
    assert rows[2] == ["lovelaceada", "101", "", "", "", "13", "20", "0"]
    assert rows[3] == ["diddleybo", "202", "", "", "", "4", "26", "12"]


def test_a_canvas_roster_supplies_the_identity_columns(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = out / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Assignment 1 (9)\n"
        "    Points Possible,,,,,10\n"
        '"Lovelace, Ada",101,u101,ada@uio.no,IN5400 2026,\n'
    )
    assert main(["export", str(out), "--format", "canvas", "--roster", str(roster)]) == 0
    rows = _read(out / "canvas-grades.csv")
    assert rows[2][:5] == ["Lovelace, Ada", "101", "u101", "ada@uio.no", "IN5400 2026"]
    assert rows[3][:5] == ["diddleybo", "202", "", "", ""]  # bo is not in the roster ...
    assert "bo is not in the roster" in capsys.readouterr().err  # ... and the TA is told


def test_without_grades_or_with_a_wrong_roster_the_error_is_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tmp_path)]) == 2
    assert "grades.csv does not exist" in capsys.readouterr().err
    (tmp_path / "grades.csv").write_text(GRADES)
    (tmp_path / "roster.csv").write_text("name,id\nx,1\n")
    assert (
        main(
            [
                "export",
                str(tmp_path),
                "--format",
                "canvas",
                "--roster",
                str(tmp_path / "roster.csv"),
            ]
        )
        == 2
    )
    assert "is not a Canvas gradebook export" in capsys.readouterr().err


def test_without_lms_ids_the_student_folder_names_are_used(out: Path) -> None:
    (out / "lms-ids.csv").unlink()
    grades = read_grades(out)
    assert [(g.student, g.lms_id, g.total, g.max_total) for g in grades] == [
        ("ada", "", 33, 69),
        ("bo", "", 42, 69),
    ]

"""The dependency lists agree: pyproject.toml, constraints.txt and environment.yml."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return project["dependencies"] + [r for extra in extras.values() for r in extra]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pairs = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {_name(name): version.strip() for name, version in pairs}


def environment_pins() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    entries = re.findall(r"^\s+- ([A-Za-z0-9_.\-]+)==([^\s]+)\s*$", text, flags=re.MULTILINE)
    return {_name(name): version for name, version in entries}


def test_every_dependency_is_pinned():
    missing = [r for r in pyproject_requirements() if _name(r) not in pins()]
    assert not missing, f"constraints.txt does not pin: {missing} (run `make lock`)"


def test_torch_is_pinned_to_the_cpu_wheel_version():
    assert pins()["torch"] == "2.13.0"


def test_environment_yml_lists_the_same_packages_and_versions():
    expected = {_name(r): pins()[_name(r)] for r in pyproject_requirements()}
    assert environment_pins() == expected


def test_environment_yml_installs_this_package():
    assert re.search(r"^\s+- -e \.\s*$", (ROOT / "environment.yml").read_text(), re.MULTILINE)


def test_no_torchvision_anywhere():
    for path in ("pyproject.toml", "constraints.txt", "environment.yml"):
        assert "torchvision" not in (ROOT / path).read_text(), path

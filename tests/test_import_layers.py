"""The layering of DESIGN §7 as `lint-imports` checks it (`bash run.sh test`): it reads the
`t10` package through typecheck/t10, the symlinked mirror pyright reads too, which must
be the installed package; a forbidden import planted in a copy of the tree breaks the
contract, naming the import."""

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "typecheck" / "t10"


def _package_folders() -> dict[str, Path]:
    """Each subpackage of `t10` and the folder pyproject maps it from."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = setuptools["package-dir"]
    return {name: ROOT / folders[name] for name in setuptools["packages"] if name != "t10"}


def test_the_mirror_is_the_installed_package() -> None:
    assert (MIRROR / "__init__.py").resolve() == (ROOT / "t10" / "__init__.py").resolve()
    packages = _package_folders()
    assert packages
    for name, folder in packages.items():
        mirrored = MIRROR.joinpath(*name.split(".")[1:])
        assert mirrored.resolve() == folder.resolve(), name
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations is not None, name
        installed = [Path(location).resolve() for location in spec.submodule_search_locations]
        assert installed == [folder.resolve()], name
    top_level = {path.name for path in MIRROR.iterdir() if path.name != "__init__.py"}
    assert top_level == {name.split(".")[1] for name in packages}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(command), "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_planted_forbidden_import_breaks_the_layers(tmp_path: Path) -> None:
    """The runtime importing a pass: a copy of the tree whose runtime holds one module more."""
    package = tmp_path / "t10"
    package.mkdir()
    shutil.copy(ROOT / "t10" / "__init__.py", package / "__init__.py")
    for name, folder in _package_folders().items():
        if name.count(".") != 1:
            continue
        target = package / name.split(".")[1]
        if name == "t10.runtime":
            shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            os.symlink(folder, target)
    (package / "runtime" / "planted.py").write_text("import t10.passes.partition\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "t10.runtime is not allowed to import t10.passes" in result.stdout
    assert "t10.runtime.planted -> t10.passes.partition (l.1)" in result.stdout

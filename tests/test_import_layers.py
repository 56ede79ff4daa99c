"""typecheck/t10, the symlinked mirror of the `t10` package that pyright reads (and
`lint-imports` will), is the installed package."""

import importlib.util
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

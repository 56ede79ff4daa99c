"""t10's passes and the plan search and cost evaluation they call."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every t10 pass by its pipeline name, each imported only when used."""
    return {}

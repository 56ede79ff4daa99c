"""t10's dialects and passes, as an xDSL universe.

Exposed through the ``xdsl.universe`` entry point, so the stock ``xdsl-opt``
sees t10's own dialects and passes too. ``linalg`` is not listed here: xDSL's
universe owns that name, and ``t10-opt`` swaps in the extended dialect itself.
"""

from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.universe import Universe


def _rtensor() -> Dialect:
    from t10.dialects.rtensor import RTensor

    return RTensor


def _shift() -> Dialect:
    from t10.dialects.shift import Shift

    return Shift


def _tile() -> Dialect:
    from t10.dialects.tile import Tile

    return Tile


def _snn() -> Dialect:
    from t10.dialects.snn import Snn

    return Snn


def t10_dialects() -> dict[str, Callable[[], Dialect]]:
    return {"rtensor": _rtensor, "shift": _shift, "tile": _tile, "snn": _snn}


def t10_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    from t10.passes import get_all_passes

    return get_all_passes()


T10_UNIVERSE = Universe(all_dialects=t10_dialects(), all_passes=t10_passes())

"""
The other way to add passes: an installed package exposes them as an xDSL
universe, through an entry point in its ``pyproject.toml``::

    [project.entry-points."xdsl.universe"]
    annotate = "annotate_universe:UNIVERSE"

Both ``t10-opt`` and the stock ``xdsl-opt`` then know the pass with no ``--load``.
The pass is imported only when a pipeline names it.
"""

from xdsl.passes import ModulePass
from xdsl.universe import Universe


def annotate_compute_steps() -> type[ModulePass]:
    from annotate_compute_steps import AnnotateComputeStepsPass

    return AnnotateComputeStepsPass


UNIVERSE = Universe(all_passes={"annotate-compute-steps": annotate_compute_steps})

"""t10's passes and the plan search and cost evaluation they call."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every t10 pass by its pipeline name, each imported only when used."""

    def canonicalize() -> type[ModulePass]:
        from t10.passes.canonicalize import CanonicalizePass

        return CanonicalizePass

    def partition() -> type[ModulePass]:
        from t10.passes.partition import PartitionPass

        return PartitionPass

    def select_plans() -> type[ModulePass]:
        from t10.passes.select_plans import SelectPlansPass

        return SelectPlansPass

    def insert_shifts() -> type[ModulePass]:
        from t10.passes.insert_shifts import InsertShiftsPass

        return InsertShiftsPass

    def lower_to_tile() -> type[ModulePass]:
        from t10.passes.lower_to_tile import LowerToTilePass

        return LowerToTilePass

    def compile_pipeline() -> type[ModulePass]:
        from t10.passes.compile import CompilePass

        return CompilePass

    def snn_lower() -> type[ModulePass]:
        from t10.passes.snn_lower import SnnLowerPass

        return SnnLowerPass

    return {
        "t10-canonicalize": canonicalize,
        "t10-partition": partition,
        "t10-select-plans": select_plans,
        "t10-insert-shifts": insert_shifts,
        "t10-lower-to-tile": lower_to_tile,
        "t10-compile": compile_pipeline,
        "t10-snn-lower": snn_lower,
    }

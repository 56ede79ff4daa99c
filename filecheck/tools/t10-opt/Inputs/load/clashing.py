from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass


@dataclass(frozen=True)
class ImpostorPass(ModulePass):
    name = "t10-partition"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        pass

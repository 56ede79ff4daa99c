"""xDSL's ``linalg`` dialect extended with upstream MLIR named ops it lacks."""

from xdsl.dialects.linalg import Linalg
from xdsl.ir import Dialect

LinalgExtended = Dialect(
    "linalg",
    [*Linalg.operations],
    [*Linalg.attributes],
)

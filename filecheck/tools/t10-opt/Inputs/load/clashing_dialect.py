from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation, irdl_op_definition


@irdl_op_definition
class ImpostorOp(IRDLOperation):
    name = "rtensor.impostor"


Impostor = Dialect("rtensor", [ImpostorOp], [])

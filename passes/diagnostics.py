"""Source locations for diagnostics about operations."""

from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Operation


def format_location(op: Operation) -> str | None:
    """``file:line:col`` of ``op`` when the parser recorded it (``t10-opt`` does), else None."""
    location = op.location
    if isinstance(location, FileLineColLoc):
        return f"{location.filename.data}:{location.line.data}:{location.column.data}"
    return None

"""The ``rtensor`` dialect: tensors distributed over the cores of a many-core chip.

An operator with loops (its iteration space) is split by its plan F_op, one factor
per loop, into prod(F_op) sub-operators, one per core of a grid of shape F_op
(cores numbered row-major from core 0). Each operand follows from its indexing map
(loops -> tensor dims): the loops it reads split it spatially (f_s per tensor
dim), the loops it does not read replicate it r = prod(F_op[d]) times. Instead of
being replicated, its per-core piece may be cut into f_t pieces per loop that
rotate, rp ring positions per shift step, among the r cores sharing it, which form
r / prod(f_t) rings. A split may leave some cores' range along a loop entirely
padding (``MAX_IDLE_PADDING_PERCENT``): those cores compute nothing there, but they
hold and pass on the pieces rotating round their rings like every other core. A
rotating piece is never entirely padding.

The rule checks are plain functions (``check_layout``, ``check_distributed_tensor``,
``check_plan_factors``, ``check_plan``) so that the planner and the verifiers share
one definition of a valid plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise
from math import ceil, gcd, prod
from typing import TypeVar, cast

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    I64,
    AffineMapAttr,
    ArrayAttr,
    ContainerType,
    DenseArrayBase,
    IntAttr,
    ShapedType,
    TensorType,
    i32,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.utils import AbstractYieldOperation
from xdsl.ir import (
    Attribute,
    Dialect,
    ParametrizedAttribute,
    Region,
    SSAValue,
    TypeAttribute,
)
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

_FieldT = TypeVar("_FieldT")


def _int_array(values: Sequence[int]) -> ArrayAttr[IntAttr]:
    return _shared_int_array(tuple(values))


@lru_cache(maxsize=65536)
def _shared_int_array(values: tuple[int, ...]) -> ArrayAttr[IntAttr]:
    """One attribute per integer list: attributes are immutable, and building and
    verifying the same one for every layout of every layer dominates compile time."""
    return ArrayAttr(IntAttr(value) for value in values)


def _ints(array: ArrayAttr[IntAttr]) -> tuple[int, ...]:
    return tuple(value.data for value in array.data)


def _window_terms(expr: AffineExpr) -> tuple[tuple[int, int], ...] | None:
    """
    The (loop, coefficient) terms of a sum ``c0 * d0 + c1 * d1 + ...`` with
    positive constant coefficients, in written order; None for any other
    expression.
    """
    if isinstance(expr, AffineDimExpr):
        return ((expr.position, 1),)
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        lhs_terms = _window_terms(expr.lhs)
        rhs_terms = _window_terms(expr.rhs)
        if lhs_terms is None or rhs_terms is None:
            return None
        return lhs_terms + rhs_terms
    if expr.kind == AffineBinaryOpKind.Mul:
        for loop, coefficient in ((expr.lhs, expr.rhs), (expr.rhs, expr.lhs)):
            if (
                isinstance(loop, AffineDimExpr)
                and isinstance(coefficient, AffineConstantExpr)
                and coefficient.value >= 1
            ):
                return ((loop.position, coefficient.value),)
    return None


def tensor_dim_terms(indexing_map: AffineMap) -> tuple[tuple[tuple[int, int], ...], ...]:
    """
    For each tensor dim of ``indexing_map``, the (loop, coefficient) terms of
    its expression: one term ``d``, a sliding window such as ``2 * h + kh``
    whose first loop (the output position ``h``) is the one that splits the dim
    and whose other loops (the window ``kh``) are never split, or none for a
    constant (a broadcast dim, never split).
    """
    if indexing_map.num_symbols:
        raise VerifyException(f"map {indexing_map} has symbols; a layout map reads loops only")
    dim_terms: list[tuple[tuple[int, int], ...]] = []
    for dim, expr in enumerate(indexing_map.results):
        terms = () if isinstance(expr, AffineConstantExpr) else _window_terms(expr)
        if terms is None or len({loop for loop, _ in terms}) != len(terms):
            raise VerifyException(
                f"result {dim} ({expr}) of map {indexing_map} is neither a loop, a "
                "sliding-window sum of distinct loops with positive coefficients, "
                "nor a constant"
            )
        dim_terms.append(terms)
    return tuple(dim_terms)


def tensor_dim_loops(indexing_map: AffineMap) -> tuple[tuple[int, ...], ...]:
    """
    For each tensor dim of ``indexing_map``, the loops its expression reads
    (see ``tensor_dim_terms``): the first one splits the dim.
    """
    return tuple(tuple(loop for loop, _ in terms) for terms in tensor_dim_terms(indexing_map))


def loop_extents(
    indexing_maps: Sequence[AffineMap], operand_shapes: Sequence[Sequence[int]]
) -> tuple[int, ...]:
    """
    The extent of every loop of an operator, read from the operand dims that a
    loop indexes alone (as linalg infers loop ranges from operand shapes).
    """
    num_loops = indexing_maps[0].num_dims if indexing_maps else 0
    extents: dict[int, int] = {}
    for indexing_map, shape in zip(indexing_maps, operand_shapes, strict=True):
        for terms, extent in zip(tensor_dim_terms(indexing_map), shape, strict=True):
            if len(terms) == 1 and terms[0][1] == 1:
                extents.setdefault(terms[0][0], extent)
    missing = [loop for loop in range(num_loops) if loop not in extents]
    if missing:
        raise VerifyException(
            f"loops {missing} have no extent: no operand dim is indexed by one of them alone"
        )
    return tuple(extents[loop] for loop in range(num_loops))


def _block_shape(
    indexing_map: AffineMap, tensor_shape: Sequence[int], loop_ranges: Sequence[int]
) -> tuple[int, ...]:
    """
    The shape of the block of a tensor that ``loop_ranges[d]`` consecutive
    positions of each loop ``d`` read: along a sliding-window dim, the window
    including its halo; never more than the tensor's extent.
    """
    return tuple(
        min(extent, sum(coefficient * (loop_ranges[loop] - 1) for loop, coefficient in terms) + 1)
        if terms
        else extent
        for terms, extent in zip(tensor_dim_terms(indexing_map), tensor_shape, strict=True)
    )


def _per_dim(indexing_map: AffineMap, loop_factors: Sequence[int]) -> tuple[int, ...]:
    """Per tensor dim, the factor of the loop that splits it (1 if none does)."""
    return tuple(loop_factors[loops[0]] if loops else 1 for loops in tensor_dim_loops(indexing_map))


def check_temporal_split(temporal: Sequence[int], pace: Sequence[int]) -> None:
    """
    Rules on the temporal factors and rotating paces of one tensor, per loop:
    factors are at least 1, and a piece advancing ``pace`` ring positions per
    step visits every one of the ``f_t`` positions.
    """
    for loop, (factor, loop_pace) in enumerate(zip(temporal, pace, strict=True)):
        if factor < 1:
            raise VerifyException(f"temporal factor {factor} of loop {loop} is not >= 1")
        if factor == 1 and loop_pace != 1:
            raise VerifyException(
                f"pace {loop_pace} on loop {loop} must be 1: nothing rotates there "
                "(temporal factor 1)"
            )
        if factor > 1 and not (1 <= loop_pace < factor and gcd(loop_pace, factor) == 1):
            raise VerifyException(
                f"pace {loop_pace} on loop {loop} must be in [1, {factor}) and coprime "
                f"with the temporal factor {factor}, so a piece visits every ring "
                "position"
            )


def check_layout(
    grid: Sequence[int],
    indexing_map: AffineMap,
    temporal: Sequence[int],
    pace: Sequence[int],
) -> None:
    """The rules a layout of one tensor over a core grid satisfies."""
    num_loops = indexing_map.num_dims
    for field, values in (("grid", grid), ("temporal", temporal), ("pace", pace)):
        if len(values) != num_loops:
            raise VerifyException(
                f"{field} has {len(values)} entries but map {indexing_map} has {num_loops} loops"
            )
    for loop, factor in enumerate(grid):
        if factor < 1:
            raise VerifyException(f"grid factor {factor} of loop {loop} is not >= 1")
    check_temporal_split(temporal, pace)
    dim_loops = tensor_dim_loops(indexing_map)
    for dim, loops in enumerate(dim_loops):
        for window_loop in loops[1:]:
            if grid[window_loop] != 1 or temporal[window_loop] != 1:
                raise VerifyException(
                    f"window loop {window_loop} of dimension {dim} has grid factor "
                    f"{grid[window_loop]} and temporal factor {temporal[window_loop]}; "
                    "a sliding window is split only along its output position loop "
                    f"{loops[0]}"
                )
    splitting_loops = {loops[0] for loops in dim_loops if loops}
    for loop, factor in enumerate(temporal):
        if factor > 1 and loop not in splitting_loops:
            raise VerifyException(
                f"temporal factor {factor} on loop {loop}, which map {indexing_map} "
                "does not index: a tensor is split temporally only along loops it "
                "indexes"
            )
    used_loops = indexing_map.used_dims()
    replication = prod(factor for loop, factor in enumerate(grid) if loop not in used_loops)
    pieces = prod(temporal)
    if replication % pieces:
        raise VerifyException(
            f"temporal factors {list(temporal)} (product {pieces}) do not divide the "
            f"replication count {replication} (f_t divides r)"
        )


MAX_IDLE_PADDING_PERCENT = 10
"""How much padding, as a percentage of the extent, a split may add along a loop or tensor
dim when some cores' range is entirely padding (the published T10 planner's bound). Those
idle cores compute nothing but still hold and pass on the pieces rotating round their
rings, which is what makes such a split lower memory."""


def _split_leaves_padding(extent: int, factor: int) -> bool:
    """Whether cutting ``extent`` into ``factor`` ceil-sized pieces leaves one empty."""
    return (factor - 1) * ceil(extent / factor) >= extent


def idle_parts(extent: int, factor: int) -> int:
    """How many of ``factor`` ceil-sized parts of ``extent`` are entirely padding."""
    return factor - ceil(extent / ceil(extent / factor))


def spatial_split_allowed(extent: int, factor: int) -> bool:
    """
    Whether ``extent`` may be split over ``factor`` cores: no part is entirely
    padding, or the padding the parts add stays within
    ``MAX_IDLE_PADDING_PERCENT`` of the extent.
    """
    padded = factor * ceil(extent / factor)
    return not _split_leaves_padding(extent, factor) or (
        100 * padded <= (100 + MAX_IDLE_PADDING_PERCENT) * extent
    )


def _idle_split_error(what: str, extent: int, factor: int) -> str:
    piece = ceil(extent / factor)
    idle = idle_parts(extent, factor)
    return (
        f"{what} of extent {extent} split {factor} ways into pieces of {piece} leaves "
        f"{idle} {'core' if idle == 1 else 'cores'} entirely padding and pads it to "
        f"{factor * piece}, more than {MAX_IDLE_PADDING_PERCENT} % over its extent"
    )


def check_distributed_tensor(shape: Sequence[int], layout: LayoutAttr) -> None:
    """The rules a tensor of ``shape`` laid out by ``layout`` satisfies."""
    indexing_map = layout.map.data
    if len(indexing_map.results) != len(shape):
        raise VerifyException(
            f"layout map {indexing_map} has {len(indexing_map.results)} results but "
            f"the tensor has rank {len(shape)}"
        )
    for dim, extent in enumerate(shape):
        if extent < 1:
            shown_extent = "?" if extent == DYNAMIC_INDEX else extent
            raise VerifyException(
                f"dimension {dim} has extent {shown_extent}; distributed tensors have "
                "static positive extents"
            )
    dim_loops = tensor_dim_loops(indexing_map)
    for dim, (extent, spatial, temporal) in enumerate(
        zip(
            shape,
            layout.spatial_factors(),
            _per_dim(indexing_map, layout.temporal_factors()),
            strict=True,
        )
    ):
        if spatial > extent:
            raise VerifyException(
                f"spatial factor {spatial} of dimension {dim} exceeds its extent {extent}"
            )
        if len(dim_loops[dim]) > 1:
            # A sliding window's pieces overlap by the window's halo: padding is
            # bounded on the output-position loop, which check_plan sees.
            continue
        if not spatial_split_allowed(extent, spatial):
            raise VerifyException(_idle_split_error(f"dimension {dim}", extent, spatial))
        piece = ceil(extent / spatial)
        if temporal > piece:
            raise VerifyException(
                f"temporal factor {temporal} of dimension {dim} exceeds its per-core extent {piece}"
            )
        if _split_leaves_padding(piece, temporal):
            raise VerifyException(
                f"per-core extent {piece} of dimension {dim} split {temporal} ways in "
                f"time into pieces of {ceil(piece / temporal)} leaves a rotating piece "
                "entirely padding"
            )


def check_plan_factors(
    op_factors: Sequence[int],
    temporal: Sequence[Sequence[int]],
    pace: Sequence[Sequence[int]],
) -> None:
    """The rules an operator plan satisfies on its own, whatever the operator."""
    num_loops = len(op_factors)
    if len(pace) != len(temporal):
        raise VerifyException(f"plan has {len(temporal)} temporal rows but {len(pace)} pace rows")
    for field, rows in (("temporal", temporal), ("pace", pace)):
        for operand, row in enumerate(rows):
            if len(row) != num_loops:
                raise VerifyException(
                    f"{field} row of operand {operand} has {len(row)} entries but "
                    f"the plan has {num_loops} loops"
                )
    for loop, factor in enumerate(op_factors):
        if factor < 1:
            raise VerifyException(f"op factor {factor} of loop {loop} is not >= 1")
    for operand, (temporal_row, pace_row) in enumerate(zip(temporal, pace, strict=True)):
        try:
            check_temporal_split(temporal_row, pace_row)
        except VerifyException as error:
            raise VerifyException(f"operand {operand}: {error}") from error
    for loop in range(num_loops):
        factors = sorted(row[loop] for row in temporal)
        if any(larger % smaller for smaller, larger in pairwise(factors)):
            raise VerifyException(
                f"temporal factors {[row[loop] for row in temporal]} on loop {loop} do "
                "not form a divisibility chain"
            )
        rotating = [
            (operand, pace[operand][loop]) for operand, row in enumerate(temporal) if row[loop] > 1
        ]
        for (first, first_pace), (other, other_pace) in pairwise(rotating):
            if first_pace != other_pace:
                raise VerifyException(
                    f"operands {first} and {other} rotate on loop {loop} at different "
                    f"paces {first_pace} and {other_pace}"
                )


def check_plan(
    plan: OpPlanAttr,
    indexing_maps: Sequence[AffineMap],
    loop_extents: Sequence[int],
    operand_shapes: Sequence[Sequence[int]],
) -> None:
    """
    The rules ``plan`` satisfies on an operator with these indexing maps (operand
    order: inputs then outputs), loop extents and operand shapes: every operand's
    layout and distributed tensor are valid, in the operator's terms.
    """
    op_factors = plan.loop_factors()
    if len(plan.temporal) != len(indexing_maps):
        raise VerifyException(
            f"plan has {len(plan.temporal)} operand rows but the operator has "
            f"{len(indexing_maps)} operands"
        )
    if len(op_factors) != len(loop_extents):
        raise VerifyException(
            f"plan has {len(op_factors)} loops but the operator has {len(loop_extents)}"
        )
    for loop, (factor, extent) in enumerate(zip(op_factors, loop_extents, strict=True)):
        if factor > extent:
            raise VerifyException(f"op factor {factor} of loop {loop} exceeds its extent {extent}")
    for operand, (indexing_map, shape) in enumerate(
        zip(indexing_maps, operand_shapes, strict=True)
    ):
        try:
            check_layout(
                op_factors,
                indexing_map,
                plan.operand_temporal(operand),
                plan.operand_pace(operand),
            )
            check_distributed_tensor(shape, plan.layout_for(operand, indexing_map))
        except VerifyException as error:
            raise VerifyException(f"operand {operand}: {error}") from error
    # Checked after the operands: for a sliding window's loops these are the only
    # padding rules (its tensor dims overlap by a halo).
    for loop, (factor, extent) in enumerate(zip(op_factors, loop_extents, strict=True)):
        if not spatial_split_allowed(extent, factor):
            raise VerifyException(_idle_split_error(f"loop {loop}", extent, factor))
        per_core = ceil(extent / factor)
        for operand in range(len(plan.temporal)):
            temporal = plan.operand_temporal(operand)[loop]
            if temporal > per_core or _split_leaves_padding(per_core, temporal):
                raise VerifyException(
                    f"operand {operand}: temporal factor {temporal} on loop {loop} cuts its "
                    f"per-core range of {per_core} into pieces that are entirely padding"
                )


def _parse_int_list(parser: AttrParser) -> list[int]:
    return parser.parse_comma_separated_list(
        parser.Delimiter.SQUARE, lambda: parser.parse_integer(allow_boolean=False)
    )


def _parse_field(parser: AttrParser, keyword: str) -> None:
    parser.parse_keyword(keyword)
    parser.parse_punctuation("=")


def _parse_optional_fields(
    parser: AttrParser, keywords: Sequence[str], parse_value: Callable[[], _FieldT]
) -> dict[str, _FieldT]:
    """Parses `, keyword = value` fields, each optional, in the order of ``keywords``."""
    fields: dict[str, _FieldT] = {}
    remaining = list(keywords)
    while parser.parse_optional_punctuation(",") is not None:
        keyword_pos = parser.pos
        keyword = parser.parse_identifier()
        if keyword not in remaining:
            parser.raise_error(
                f"expected one of {remaining}, got {keyword}", keyword_pos, parser.pos
            )
        remaining = remaining[remaining.index(keyword) + 1 :]
        parser.parse_punctuation("=")
        fields[keyword] = parse_value()
    return fields


def _print_int_list(printer: Printer, values: Sequence[int]) -> None:
    with printer.in_square_brackets():
        printer.print_list(values, printer.print_int)


def _parse_typed_operands(parser: Parser) -> list[SSAValue]:
    """Parses `(%a, %b : type_a, type_b)`."""
    operands_pos = parser.pos
    with parser.in_parens():
        unresolved = parser.parse_comma_separated_list(
            parser.Delimiter.NONE, parser.parse_unresolved_operand
        )
        parser.parse_punctuation(":")
        types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
    return list(parser.resolve_operands(unresolved, types, operands_pos))


@irdl_attr_definition
class LayoutAttr(ParametrizedAttribute):
    """
    How one tensor is spread over a grid of cores: the grid (one extent per loop
    of the operator), the tensor's indexing map (loops -> tensor dims), and per
    loop the temporal factor f_t (the per-core piece cut into f_t pieces rotating
    along that loop) and the rotating pace (ring positions a piece advances per
    shift step).

    `#rtensor.layout<grid = [4, 14, 26], map = (m, k, n) -> (m, k),
    temporal = [1, 2, 1], pace = [1, 1, 1]>`, `temporal` and `pace` omitted when
    all 1.
    """

    name = "rtensor.layout"

    grid: ArrayAttr[IntAttr]
    map: AffineMapAttr
    temporal: ArrayAttr[IntAttr]
    pace: ArrayAttr[IntAttr]

    def __init__(
        self,
        grid: Sequence[int],
        indexing_map: AffineMap,
        temporal: Sequence[int] | None = None,
        pace: Sequence[int] | None = None,
    ):
        unsplit = [1] * indexing_map.num_dims
        super().__init__(
            _int_array(grid),
            AffineMapAttr(indexing_map),
            _int_array(unsplit if temporal is None else temporal),
            _int_array(unsplit if pace is None else pace),
        )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            _parse_field(parser, "grid")
            grid = _parse_int_list(parser)
            parser.parse_punctuation(",")
            _parse_field(parser, "map")
            indexing_map = parser.parse_affine_map()
            unsplit = [1] * indexing_map.num_dims
            fields = _parse_optional_fields(
                parser, ("temporal", "pace"), lambda: _parse_int_list(parser)
            )
        temporal = fields.get("temporal", unsplit)
        pace = fields.get("pace", unsplit)
        return (
            _int_array(grid),
            AffineMapAttr(indexing_map),
            _int_array(temporal),
            _int_array(pace),
        )

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string("grid = ")
            _print_int_list(printer, self.grid_shape())
            printer.print_string(f", map = {self.map.data}")
            for field, values in (
                ("temporal", self.temporal_factors()),
                ("pace", self.paces()),
            ):
                if any(value != 1 for value in values):
                    printer.print_string(f", {field} = ")
                    _print_int_list(printer, values)

    def verify(self) -> None:
        check_layout(self.grid_shape(), self.map.data, self.temporal_factors(), self.paces())

    def grid_shape(self) -> tuple[int, ...]:
        """The core grid extents, one per loop."""
        return _ints(self.grid)

    def temporal_factors(self) -> tuple[int, ...]:
        """f_t per loop: into how many rotating pieces the per-core piece is cut."""
        return _ints(self.temporal)

    def paces(self) -> tuple[int, ...]:
        """Ring positions a piece advances per shift step, per loop."""
        return _ints(self.pace)

    def used_loops(self) -> tuple[int, ...]:
        """The loops the tensor's indexing map reads, ascending."""
        return tuple(sorted(self.map.data.used_dims()))

    def spatial_factors(self) -> tuple[int, ...]:
        """f_s per tensor dim: the grid extent of the loop that splits the dim."""
        return _per_dim(self.map.data, self.grid_shape())

    def replication(self) -> int:
        """r: how many cores hold the same piece, the grid extents of unread loops."""
        used_loops = self.used_loops()
        return prod(
            factor for loop, factor in enumerate(self.grid_shape()) if loop not in used_loops
        )

    def ring_count(self) -> int:
        """How many rings the r cores sharing a piece form, each holding one copy."""
        return self.replication() // prod(self.temporal_factors())

    def cores(self) -> int:
        """How many cores the grid has."""
        return prod(self.grid_shape())

    def _loop_extents(
        self, tensor_shape: Sequence[int], operator_loops: Sequence[int] | None
    ) -> tuple[int, ...]:
        """
        The operator's loop extents: ``operator_loops`` when given, else read
        from the tensor's own dims, which is possible only when each dim is one
        loop or a constant (a loop the tensor does not index is never read).
        """
        if operator_loops is not None:
            return tuple(operator_loops)
        extents = [1] * self.map.data.num_dims
        for dim, (terms, extent) in enumerate(
            zip(tensor_dim_terms(self.map.data), tensor_shape, strict=True)
        ):
            if len(terms) > 1 or (terms and terms[0][1] != 1):
                raise ValueError(
                    f"dimension {dim} of map {self.map.data} is a strided or sliding window: "
                    "its pieces depend on the operator's loop extents, pass them"
                )
            if terms:
                extents[terms[0][0]] = extent
        return tuple(extents)

    def _per_core_ranges(
        self, tensor_shape: Sequence[int], operator_loops: Sequence[int] | None
    ) -> tuple[int, ...]:
        """Positions of each loop one core covers: ceil(extent / grid factor)."""
        return tuple(
            ceil(extent / factor)
            for extent, factor in zip(
                self._loop_extents(tensor_shape, operator_loops), self.grid_shape(), strict=True
            )
        )

    def piece_shape(
        self, tensor_shape: Sequence[int], operator_loops: Sequence[int] | None = None
    ) -> tuple[int, ...]:
        """
        The shape of one core's piece of a tensor of ``tensor_shape`` (padded):
        the block its range of each loop reads, a sliding window's halo
        included. ``operator_loops`` (the operator's loop extents) is needed
        only when the map has a strided or sliding-window dim.
        """
        return _block_shape(
            self.map.data, tensor_shape, self._per_core_ranges(tensor_shape, operator_loops)
        )

    def rotating_piece_shape(
        self, tensor_shape: Sequence[int], operator_loops: Sequence[int] | None = None
    ) -> tuple[int, ...]:
        """
        The shape of one rotating piece: the block read by a core's range of
        each loop cut by the temporal factor on that loop.
        """
        ranges = [
            ceil(positions / factor)
            for positions, factor in zip(
                self._per_core_ranges(tensor_shape, operator_loops),
                self.temporal_factors(),
                strict=True,
            )
        ]
        return _block_shape(self.map.data, tensor_shape, ranges)

    def step_shape(
        self,
        tensor_shape: Sequence[int],
        operator_loops: Sequence[int],
        steps_per_loop: Sequence[int],
    ) -> tuple[int, ...]:
        """
        The shape of the slice of a piece one compute step reads (its *step
        slice*): the block read by a core's range of each loop cut into the
        operator's ``steps_per_loop`` steps along it (X_d, the largest
        temporal factor on loop d), a sliding window's halo included.
        """
        ranges = [
            ceil(positions / steps)
            for positions, steps in zip(
                self._per_core_ranges(tensor_shape, operator_loops), steps_per_loop, strict=True
            )
        ]
        return _block_shape(self.map.data, tensor_shape, ranges)


@irdl_attr_definition
class DistributedTensorType(
    ParametrizedAttribute, TypeAttribute, ShapedType, ContainerType[Attribute]
):
    """
    A tensor held in pieces by the cores of a chip, as its layout says: its
    logical shape and element type are those of the host tensor it stands for.

    `!rtensor.tensor<128x64xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k)>>`
    """

    name = "rtensor.tensor"

    shape: ArrayAttr[IntAttr]
    element_type: Attribute
    layout: LayoutAttr

    def __init__(self, shape: Sequence[int], element_type: Attribute, layout: LayoutAttr):
        super().__init__(_int_array(shape), element_type, layout)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            shape, element_type = parser.parse_ranked_shape()
            parser.parse_punctuation(",")
            layout_pos = parser.pos
            layout = parser.parse_attribute()
            if not isinstance(layout, LayoutAttr):
                parser.raise_error(
                    f"expected an #rtensor.layout, got {layout}", layout_pos, parser.pos
                )
        return (_int_array(shape), element_type, layout)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_dimension_list(self.get_shape())
            if self.shape.data:
                printer.print_string("x")
            printer.print_attribute(self.element_type)
            printer.print_string(", ")
            printer.print_attribute(self.layout)

    def verify(self) -> None:
        check_distributed_tensor(self.get_shape(), self.layout)

    def get_num_dims(self) -> int:
        return len(self.shape.data)

    def get_shape(self) -> tuple[int, ...]:
        return _ints(self.shape)

    def get_element_type(self) -> Attribute:
        return self.element_type

    def host_type(self) -> TensorType[Attribute]:
        """The type of the whole tensor on the host."""
        return TensorType(self.element_type, self.get_shape())


@irdl_attr_definition
class OpPlanAttr(ParametrizedAttribute):
    """
    The plan of one operator: F_op, its split factor per loop (the core grid),
    and for every operand (linalg order: inputs then outputs) its temporal factor
    and rotating pace per loop.

    `#rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 2], [1, 1, 2],
    [1, 1, 1]], pace = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>`, `pace` omitted when
    all 1.
    """

    name = "rtensor.plan"

    op_factors: ArrayAttr[IntAttr]
    temporal: ArrayAttr[ArrayAttr[IntAttr]]
    pace: ArrayAttr[ArrayAttr[IntAttr]]

    def __init__(
        self,
        op_factors: Sequence[int],
        temporal: Sequence[Sequence[int]],
        pace: Sequence[Sequence[int]] | None = None,
    ):
        if pace is None:
            pace = [[1] * len(row) for row in temporal]
        super().__init__(
            _int_array(op_factors),
            ArrayAttr(_int_array(row) for row in temporal),
            ArrayAttr(_int_array(row) for row in pace),
        )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        def parse_rows() -> list[list[int]]:
            return parser.parse_comma_separated_list(
                parser.Delimiter.SQUARE, lambda: _parse_int_list(parser)
            )

        with parser.in_angle_brackets():
            _parse_field(parser, "op_factors")
            op_factors = _parse_int_list(parser)
            parser.parse_punctuation(",")
            _parse_field(parser, "temporal")
            temporal = parse_rows()
            fields = _parse_optional_fields(parser, ("pace",), parse_rows)
        pace = fields.get("pace", [[1] * len(row) for row in temporal])
        return (
            _int_array(op_factors),
            ArrayAttr(_int_array(row) for row in temporal),
            ArrayAttr(_int_array(row) for row in pace),
        )

    def print_parameters(self, printer: Printer) -> None:
        def print_rows(rows: ArrayAttr[ArrayAttr[IntAttr]]) -> None:
            with printer.in_square_brackets():
                printer.print_list(rows.data, lambda row: _print_int_list(printer, _ints(row)))

        with printer.in_angle_brackets():
            printer.print_string("op_factors = ")
            _print_int_list(printer, self.loop_factors())
            printer.print_string(", temporal = ")
            print_rows(self.temporal)
            if any(pace != 1 for row in self.pace.data for pace in _ints(row)):
                printer.print_string(", pace = ")
                print_rows(self.pace)

    def verify(self) -> None:
        check_plan_factors(
            self.loop_factors(),
            [_ints(row) for row in self.temporal.data],
            [_ints(row) for row in self.pace.data],
        )

    def loop_factors(self) -> tuple[int, ...]:
        """F_op: the split factor of each loop, the shape of the core grid."""
        return _ints(self.op_factors)

    def operand_temporal(self, operand: int) -> tuple[int, ...]:
        """f_t per loop of operand ``operand``."""
        return _ints(self.temporal.data[operand])

    def operand_pace(self, operand: int) -> tuple[int, ...]:
        """Rotating pace per loop of operand ``operand``."""
        return _ints(self.pace.data[operand])

    def compute_steps(self) -> int:
        """Sub-operator steps per core: over loops, the product of the largest f_t."""
        return prod(
            max(_ints(row)[loop] for row in self.temporal.data)
            for loop in range(len(self.op_factors))
        )

    def layout_for(self, operand: int, indexing_map: AffineMap) -> LayoutAttr:
        """The layout of operand ``operand``, read through ``indexing_map``."""
        return LayoutAttr(
            self.loop_factors(),
            indexing_map,
            self.operand_temporal(operand),
            self.operand_pace(operand),
        )


def _check_same_tensor(
    op_name: str,
    source: TensorType[Attribute] | DistributedTensorType,
    result: TensorType[Attribute] | DistributedTensorType,
) -> None:
    if source.get_shape() != result.get_shape():
        raise VerifyException(
            f"{op_name} keeps the shape: source shape {list(source.get_shape())} "
            f"differs from result shape {list(result.get_shape())}"
        )
    if source.get_element_type() != result.get_element_type():
        raise VerifyException(
            f"{op_name} keeps the element type: source element type "
            f"{source.get_element_type()} differs from result element type "
            f"{result.get_element_type()}"
        )


@irdl_op_definition
class DistributeOp(IRDLOperation):
    """
    Scatters a host tensor to the cores: each core receives its pieces as the
    result's layout places them.
    """

    name = "rtensor.distribute"

    source = operand_def(TensorType)
    result = result_def(DistributedTensorType)

    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: DistributedTensorType):
        super().__init__(operands=[source], result_types=[result_type])

    def verify_(self) -> None:
        assert isinstance(self.source.type, TensorType)
        assert isinstance(self.result.type, DistributedTensorType)
        _check_same_tensor(self.name, self.source.type, self.result.type)


@irdl_op_definition
class EmptyOp(IRDLOperation):
    """
    Allocates a distributed tensor with undefined contents: each core reserves
    its pieces as the result's layout places them, and no data moves. It stands
    for `tensor.empty` used as an operator's `outs`.
    """

    name = "rtensor.empty"

    result = result_def(DistributedTensorType)

    assembly_format = "attr-dict `:` type($result)"

    traits = traits_def(Pure())

    def __init__(self, result_type: DistributedTensorType):
        super().__init__(result_types=[result_type])


@irdl_op_definition
class FillOp(IRDLOperation):
    """
    A distributed tensor every element of which is `value`: each core writes
    its pieces where the result's layout places them, and no data moves. It
    stands for a `linalg.fill` initialising an operator's `outs`, done in that
    operator's layout.
    """

    name = "rtensor.fill"

    value = operand_def()
    result = result_def(DistributedTensorType)

    assembly_format = "$value attr-dict `:` type($value) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, value: SSAValue, result_type: DistributedTensorType):
        super().__init__(operands=[value], result_types=[result_type])

    def verify_(self) -> None:
        assert isinstance(self.result.type, DistributedTensorType)
        if self.value.type != self.result.type.get_element_type():
            raise VerifyException(
                f"rtensor.fill value of type {self.value.type} differs from the element "
                f"type {self.result.type.get_element_type()} of the tensor it fills"
            )


@irdl_op_definition
class CollectOp(IRDLOperation):
    """Gathers a distributed tensor from the cores back into one host tensor."""

    name = "rtensor.collect"

    source = operand_def(DistributedTensorType)
    result = result_def(TensorType)

    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: TensorType[Attribute]):
        super().__init__(operands=[source], result_types=[result_type])

    def verify_(self) -> None:
        assert isinstance(self.source.type, DistributedTensorType)
        assert isinstance(self.result.type, TensorType)
        _check_same_tensor(self.name, self.source.type, self.result.type)


@irdl_op_definition
class RelayoutOp(IRDLOperation):
    """
    Moves a distributed tensor's pieces between cores so that it is laid out as
    the result says: the explicit data movement between two operators whose
    plans disagree.
    """

    name = "rtensor.relayout"

    source = operand_def(DistributedTensorType)
    result = result_def(DistributedTensorType)

    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"

    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, result_type: DistributedTensorType):
        super().__init__(operands=[source], result_types=[result_type])

    def verify_(self) -> None:
        assert isinstance(self.source.type, DistributedTensorType)
        assert isinstance(self.result.type, DistributedTensorType)
        _check_same_tensor(self.name, self.source.type, self.result.type)
        if self.source.type.layout == self.result.type.layout:
            raise VerifyException(
                f"relayout between identical layouts moves nothing: {self.source.type.layout}"
            )


@irdl_op_definition
class PadOp(IRDLOperation):
    """
    The tensor `source` surrounded by `low` and `high` elements of `value` per
    dim, laid out as the result says: a relayout in which each core receives
    the elements of `source` its pieces of the padded tensor hold (at their
    index plus `low`) and writes `value` at every position outside `source`.
    It stands for a `tensor.pad` feeding an operator, done in that operator's
    layout.

    `%p = rtensor.pad %x low [0, 0, 1, 1] high [0, 0, 1, 1] value %zero : f16,
    !rtensor.tensor<...> -> !rtensor.tensor<...>`
    """

    name = "rtensor.pad"

    source = operand_def(DistributedTensorType)
    value = operand_def()
    low = prop_def(DenseArrayBase[I64])
    high = prop_def(DenseArrayBase[I64])
    result = result_def(DistributedTensorType)

    assembly_format = (
        "$source `low` $low `high` $high `value` $value attr-dict `:` type($value) `,` "
        "type($source) `->` type($result)"
    )

    traits = traits_def(Pure())

    def __init__(
        self,
        source: SSAValue,
        low: Sequence[int],
        high: Sequence[int],
        value: SSAValue,
        result_type: DistributedTensorType,
    ):
        super().__init__(
            operands=[source, value],
            result_types=[result_type],
            properties={
                "low": DenseArrayBase.from_list(i64, low),
                "high": DenseArrayBase.from_list(i64, high),
            },
        )

    def low_padding(self) -> tuple[int, ...]:
        return self.low.get_values()

    def high_padding(self) -> tuple[int, ...]:
        return self.high.get_values()

    def verify_(self) -> None:
        source_type, result_type = self.source.type, self.result.type
        assert isinstance(source_type, DistributedTensorType)
        assert isinstance(result_type, DistributedTensorType)
        low, high = self.low_padding(), self.high_padding()
        source_shape = tuple(source_type.get_shape())
        if len(low) != len(source_shape) or len(high) != len(source_shape):
            raise VerifyException(
                f"rtensor.pad needs one low and one high padding per dim of the rank-"
                f"{len(source_shape)} source, got low {list(low)} and high {list(high)}"
            )
        if any(width < 0 for width in (*low, *high)):
            raise VerifyException(
                f"rtensor.pad paddings must not be negative, got low {list(low)} and high "
                f"{list(high)}"
            )
        padded = tuple(
            size + before + after
            for size, before, after in zip(source_shape, low, high, strict=True)
        )
        if tuple(result_type.get_shape()) != padded:
            raise VerifyException(
                f"rtensor.pad of a {list(source_shape)} tensor by low {list(low)} and high "
                f"{list(high)} is {list(padded)}, but the result is "
                f"{list(result_type.get_shape())}"
            )
        element_type = source_type.get_element_type()
        if result_type.get_element_type() != element_type or self.value.type != element_type:
            raise VerifyException(
                f"rtensor.pad source, value and result must share one element type, got "
                f"{element_type}, {self.value.type} and {result_type.get_element_type()}"
            )


@irdl_op_definition
class YieldOp(AbstractYieldOperation[Attribute]):
    """Ends an `rtensor.compute` region with the operator's results."""

    name = "rtensor.yield"

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ComputeOp)))


@irdl_op_definition
class ComputeOp(IRDLOperation):
    """
    Computes one operator over distributed operands, split across the cores by
    its plan. The region holds the operator on the logical (whole) tensors: one
    linalg structured op on block arguments of the operands' host tensor types,
    and an `rtensor.yield` of its results. Each operand is laid out as the plan
    says for it (grid F_op, its indexing map, its row of temporal factors and
    paces); the results are the distributed `outs`, updated.
    """

    name = "rtensor.compute"

    inputs = var_operand_def(DistributedTensorType)
    outputs = var_operand_def(DistributedTensorType)
    plan = prop_def(OpPlanAttr)
    res = var_result_def(DistributedTensorType)
    body = region_def("single_block")

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        plan: OpPlanAttr,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        body: Region,
    ):
        super().__init__(
            operands=[inputs, outputs],
            result_types=[[output.type for output in outputs]],
            properties={"plan": plan},
            regions=[body],
        )

    @classmethod
    def parse(cls, parser: Parser) -> ComputeOp:
        plan_pos = parser.pos
        plan = parser.parse_attribute()
        if not isinstance(plan, OpPlanAttr):
            parser.raise_error(f"expected an #rtensor.plan, got {plan}", plan_pos, parser.pos)
        inputs: list[SSAValue] = []
        if parser.parse_optional_keyword("ins"):
            inputs = _parse_typed_operands(parser)
        parser.parse_keyword("outs")
        outputs = _parse_typed_operands(parser)
        attributes = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region()
        parser.parse_punctuation("->")
        result_types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
        return cls.create(
            operands=[*inputs, *outputs],
            result_types=result_types,
            properties={
                "plan": plan,
                "operandSegmentSizes": DenseArrayBase.from_list(i32, [len(inputs), len(outputs)]),
            },
            attributes={} if attributes is None else attributes.data,
            regions=[body],
        )

    def print(self, printer: Printer) -> None:
        def print_typed_operands(keyword: str, operands: Sequence[SSAValue]) -> None:
            printer.print_string(f" {keyword}(")
            printer.print_list(operands, printer.print_operand)
            printer.print_string(" : ")
            printer.print_list((operand.type for operand in operands), printer.print_attribute)
            printer.print_string(")")

        printer.print_string(" ")
        printer.print_attribute(self.plan)
        if self.inputs:
            print_typed_operands("ins", self.inputs)
        print_typed_operands("outs", self.outputs)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body)
        printer.print_string(" -> ")
        printer.print_list(self.result_types, printer.print_attribute)

    def structured_op(self) -> LinalgStructuredOperation:
        """The linalg op the region computes (the region is verified to hold one)."""
        structured_op = self.body.block.first_op
        assert isinstance(structured_op, LinalgStructuredOperation)
        return structured_op

    def _verify_body(
        self, operand_types: Sequence[DistributedTensorType]
    ) -> LinalgStructuredOperation:
        """Checks the region holds the operator on the operands' host tensors."""
        body_ops = list(self.body.block.ops)
        match body_ops:
            case [LinalgStructuredOperation() as structured_op, YieldOp() as yield_op]:
                pass
            case _:
                raise VerifyException(
                    "region must hold exactly one linalg structured op and an "
                    f"rtensor.yield, found {[op.name for op in body_ops]}"
                )
        args = self.body.block.args
        if len(args) != len(operand_types):
            raise VerifyException(
                f"region has {len(args)} arguments but the op has {len(operand_types)} operands"
            )
        for index, (operand_type, arg) in enumerate(zip(operand_types, args, strict=True)):
            if arg.type != operand_type.host_type():
                raise VerifyException(
                    f"region argument {index} has type {arg.type} but operand {index} "
                    f"stands for {operand_type.host_type()}"
                )
        if len(structured_op.inputs) != len(self.inputs) or tuple(structured_op.operands) != args:
            raise VerifyException(
                f"{structured_op.name} must take the region arguments in order, "
                f"{len(self.inputs)} as ins and {len(self.outputs)} as outs"
            )
        if tuple(yield_op.operands) != structured_op.results:
            raise VerifyException(f"rtensor.yield must yield the results of {structured_op.name}")
        return structured_op

    def verify_(self) -> None:
        operand_types = [
            cast(DistributedTensorType, operand.type) for operand in (*self.inputs, *self.outputs)
        ]
        structured_op = self._verify_body(operand_types)
        if self.res.types != self.outputs.types:
            raise VerifyException(
                f"result types {[str(type) for type in self.res.types]} differ from the "
                f"outs types {[str(type) for type in self.outputs.types]}"
            )
        indexing_maps = [attr.data for attr in structured_op.get_indexing_maps()]
        check_plan(
            self.plan,
            indexing_maps,
            structured_op.get_static_loop_ranges(),
            [operand_type.get_shape() for operand_type in operand_types],
        )
        op_factors = self.plan.loop_factors()
        for index, (operand_type, indexing_map) in enumerate(
            zip(operand_types, indexing_maps, strict=True)
        ):
            layout = operand_type.layout
            for field, actual, planned in (
                ("grid", layout.grid_shape(), op_factors),
                ("map", layout.map.data, indexing_map),
                ("temporal", layout.temporal_factors(), self.plan.operand_temporal(index)),
                ("pace", layout.paces(), self.plan.operand_pace(index)),
            ):
                if actual != planned:
                    raise VerifyException(
                        f"operand {index} has layout {field} {actual} but the plan "
                        f"and {structured_op.name} give {planned}"
                    )


RTensor = Dialect(
    "rtensor",
    [DistributeOp, EmptyOp, FillOp, CollectOp, RelayoutOp, PadOp, ComputeOp, YieldOp],
    [LayoutAttr, DistributedTensorType, OpPlanAttr],
)

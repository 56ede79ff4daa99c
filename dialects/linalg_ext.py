"""xDSL's ``linalg`` dialect extended with upstream MLIR named ops it lacks.

Every op here reads and prints the text upstream ``mlir-opt`` reads and prints
(checked against an LLVM 24 build), and is a linalg structured op in xDSL's
sense: it has indexing maps, iterator types and a hidden region holding the
scalar body, so passes that plan or execute ``linalg.generic`` handle it too.
``linalg.softmax`` is the exception, as upstream: it has no region, and
describes its iteration space through the same methods instead.

Two xDSL ops are replaced: ``linalg.matmul`` (xDSL's printer drops non-default
``indexing_maps`` and its parser cannot read them) and ``linalg.reduce``
(xDSL reads neither the ``{ arith.addf }`` short form nor an attribute
dictionary).
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from enum import auto
from typing import ClassVar, Literal, Self, cast

from xdsl.builder import Builder
from xdsl.dialects import arith, complex, math
from xdsl.dialects.builtin import (
    I64,
    AffineMapAttr,
    AnyFloat,
    ArrayAttr,
    ComplexType,
    DenseArrayBase,
    DenseIntElementsAttr,
    DictionaryAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ShapedType,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.dialects.linalg import Linalg
from xdsl.dialects.linalg import ops as linalg_ops
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation, NamedOperation
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Attribute, Block, BlockArgument, Dialect, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    SameVariadicOperandSize,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa
from xdsl.utils.str_enum import StrEnum

from t10.dialects.linalg_relayout import RELAYOUT_OPS

PARALLEL = IteratorType.PARALLEL
REDUCTION = IteratorType.REDUCTION


class ElementwiseKind(StrEnum):
    """The scalar function a ``linalg.elementwise`` applies, as upstream names it."""

    EXP = auto()
    LOG = auto()
    ABS = auto()
    CEIL = auto()
    FLOOR = auto()
    NEGF = auto()
    RECIPROCAL = auto()
    ROUND = auto()
    SQRT = auto()
    RSQRT = auto()
    SQUARE = auto()
    TANH = auto()
    ERF = auto()
    SIN = auto()
    COS = auto()
    TAN = auto()
    ACOS = auto()
    ACOSH = auto()
    ASIN = auto()
    ASINH = auto()
    ATAN = auto()
    ATANH = auto()
    LOG10 = auto()
    LOG1P = auto()
    LOG2 = auto()
    ADD = auto()
    SUB = auto()
    MUL = auto()
    DIV = auto()
    DIV_UNSIGNED = auto()
    MAX_SIGNED = auto()
    MIN_SIGNED = auto()
    MAX_UNSIGNED = auto()
    MIN_UNSIGNED = auto()
    POWF = auto()
    SELECT = auto()


@irdl_attr_definition
class ElementwiseKindAttr(EnumAttribute[ElementwiseKind]):
    """Which scalar function a ``linalg.elementwise`` applies: ``#linalg.elementwise_kind<add>``."""

    name = "linalg.elementwise_kind"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> ElementwiseKind:
        with parser.in_angle_brackets():
            return super().parse_parameter(parser)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            super().print_parameter(printer)


class TypeFn(StrEnum):
    """How a contraction converts its operands to the accumulator's element type."""

    CAST_SIGNED = auto()
    CAST_UNSIGNED = auto()


@irdl_attr_definition
class TypeFnAttr(EnumAttribute[TypeFn]):
    """Signed or unsigned operand conversion: ``#linalg.type_fn<cast_unsigned>``."""

    name = "linalg.type_fn"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> TypeFn:
        with parser.in_angle_brackets():
            return super().parse_parameter(parser)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            super().print_parameter(printer)


def convert_scalar(value: SSAValue, target: Attribute, unsigned: bool = False) -> SSAValue:
    """``value`` converted to ``target`` as upstream's ``cast_signed``/``cast_unsigned`` do.

    Builds the conversion at the current implicit builder position; an ``i1``
    is always widened unsigned, as upstream does.
    """
    source = value.type
    if source == target:
        return value
    if isinstance(source, IntegerType) and isinstance(target, IntegerType):
        if source.bitwidth < target.bitwidth:
            if unsigned or source.bitwidth == 1:
                return arith.ExtUIOp(value, target).result
            return arith.ExtSIOp(value, target).result
        return arith.TruncIOp(value, target).result
    if isinstance(source, AnyFloat) and isinstance(target, AnyFloat):
        if source.bitwidth < target.bitwidth:
            return arith.ExtFOp(value, target).result
        return arith.TruncFOp(value, target).result
    if isinstance(source, IntegerType) and isinstance(target, AnyFloat):
        if unsigned or source.bitwidth == 1:
            return arith.UIToFPOp(value, target).result
        return arith.SIToFPOp(value, target).result
    if isinstance(source, AnyFloat) and isinstance(target, IntegerType):
        if unsigned:
            return arith.FPToUIOp(value, target).result
        return arith.FPToSIOp(value, target).result
    raise VerifyException(f"cannot convert a scalar of type {source} to {target}")


def multiply_accumulate_region(
    inputs: Sequence[SSAValue], outputs: Sequence[SSAValue], unsigned: bool = False
) -> Region:
    """The body of a contraction: ``out + cast(lhs) * cast(rhs)``, as upstream builds it."""
    arg_types = [element_type_of(operand) for operand in (*inputs, *outputs)]
    accumulator_type = arg_types[-1]
    if isinstance(accumulator_type, ComplexType):
        multiply, add = complex.MulOp, complex.AddOp
    elif isinstance(accumulator_type, AnyFloat):
        multiply, add = arith.MulfOp, arith.AddfOp
    else:
        multiply, add = arith.MuliOp, arith.AddiOp

    @Builder.implicit_region(arg_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        lhs = convert_scalar(args[0], accumulator_type, unsigned)
        rhs = convert_scalar(args[1], accumulator_type, unsigned)
        product = multiply(lhs, rhs)
        linalg_ops.YieldOp(add(args[2], product))

    return body


def rank_of(value: SSAValue) -> int:
    """The rank of a shaped value; 0 for a scalar."""
    if isinstance(value.type, ShapedType):
        return len(value.type.get_shape())
    return 0


def identity_maps(rank: int, count: int) -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr((AffineMapAttr(AffineMap.identity(rank)),) * count)


def parse_operand_group(parser: Parser, keyword: str) -> list[SSAValue]:
    """``keyword(%a, %b : type_a, type_b)``, or nothing when ``keyword`` is absent."""
    pos = parser.pos
    if not parser.parse_optional_characters(keyword):
        return []
    parser.parse_punctuation("(")
    unresolved = parser.parse_comma_separated_list(
        Parser.Delimiter.NONE, parser.parse_unresolved_operand
    )
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    return list(parser.resolve_operands(unresolved, types, pos))


def print_operand_group(printer: Printer, keyword: str, operands: Sequence[SSAValue]):
    if not operands:
        return
    printer.print_string(f" {keyword}(")
    printer.print_list(operands, printer.print_ssa_value)
    printer.print_string(" : ")
    printer.print_list([operand.type for operand in operands], printer.print_attribute)
    printer.print_string(")")


def parse_result_types(parser: Parser) -> Sequence[Attribute]:
    """``-> type`` or ``-> (type, type)``, or nothing."""
    if not parser.parse_optional_punctuation("->"):
        return []
    parenthesized = parser.parse_optional_comma_separated_list(
        Parser.Delimiter.PAREN, parser.parse_type
    )
    if parenthesized is not None:
        return parenthesized
    return [parser.parse_type()]


def print_result_types(printer: Printer, results: Sequence[SSAValue]):
    if not results:
        return
    printer.print_string(" -> ")
    if len(results) == 1:
        printer.print_attribute(results[0].type)
        return
    with printer.in_parens():
        printer.print_list([result.type for result in results], printer.print_attribute)


def verify_results_match_outputs(results: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> None:
    """Destination-passing style: one result per tensor output, of its type."""
    tensor_outputs = [output for output in outputs if isinstance(output.type, TensorType)]
    if len(results) != len(tensor_outputs):
        raise VerifyException(
            f"expected the number of tensor results ({len(results)}) to be equal "
            f"to the number of output tensors ({len(tensor_outputs)})"
        )
    for index, (result, output) in enumerate(zip(results, tensor_outputs, strict=True)):
        if result.type != output.type:
            raise VerifyException(
                f"expected type of result #{index} ({result.type}) to match the "
                f"type of its output tensor ({output.type})"
            )


def iterator_types(*kinds: IteratorType) -> ArrayAttr[IteratorTypeAttr]:
    return ArrayAttr(IteratorTypeAttr(kind) for kind in kinds)


def element_type_of(value: SSAValue) -> Attribute:
    """The element type of a shaped value, or the type of a scalar one."""
    if isa(value.type, TensorType | MemRefType):
        return value.type.get_element_type()
    return value.type


class UpstreamStructuredOperation(LinalgStructuredOperation, ABC):
    """A structured op written in upstream's named-op syntax.

    ``linalg.<name> [head] [<{properties}>] [{attr-dict}] ins(...) outs(...)
    [-> types]``: the head is op-specific (``<add>``, ``indexing_maps = [...]``)
    and the dictionary holds every attribute and property the head does not, as
    upstream's ``printNamedStructuredOp`` prints them; upstream also reads
    properties written apart, in ``<{...}>``.
    """

    ELEMENT_TYPES_SHOWN: ClassVar[str] = "integers and floats"
    """The element types ``computes_on`` accepts, in words."""

    @classmethod
    def computes_on(cls, element_type: Attribute) -> bool:
        """Whether the op's body can be built for operands of ``element_type``."""
        return isinstance(element_type, AnyFloat | IntegerType)

    ELIDED_ATTRIBUTES: ClassVar[tuple[str, ...]] = (
        "operandSegmentSizes",
        "linalg.memoized_indexing_maps",
    )
    """Never printed in the dictionary: implied by the text, or (upstream's
    memoized maps) a cache of what the op's name implies."""

    @classmethod
    def parse_head(cls, parser: Parser) -> dict[str, Attribute]:
        """The properties written before the attribute dictionary: none by default."""
        return {}

    def print_head(self, printer: Printer) -> tuple[str, ...]:
        """Prints what ``parse_head`` reads; returns the names it printed."""
        return ()

    @classmethod
    def default_properties(
        cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]
    ) -> dict[str, Attribute]:
        """Properties implied when the text leaves them out."""
        return {}

    @classmethod
    def expected_input_count(cls, properties: Mapping[str, Attribute]) -> int:
        return 2

    @classmethod
    @abstractmethod
    def build_hidden_region(
        cls,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        properties: Mapping[str, Attribute],
    ) -> Region:
        """The scalar body, for these operands and properties."""

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        start = parser.pos
        head = cls.parse_head(parser)
        written_properties = parser.parse_optional_properties_dict()
        written_properties.pop("operandSegmentSizes", None)
        dictionary = parser.parse_optional_attr_dict()
        inputs = parse_operand_group(parser, "ins")
        outputs = parse_operand_group(parser, "outs")
        result_types = parse_result_types(parser)
        property_names = cls.get_irdl_definition().properties
        for name in written_properties:
            if name not in property_names:
                parser.raise_error(f"'{cls.name}' has no property '{name}'", start, parser.pos)
        properties = cls.default_properties(inputs, outputs)
        properties |= {k: v for k, v in dictionary.items() if k in property_names}
        properties |= written_properties | head
        attributes = {k: v for k, v in dictionary.items() if k not in property_names}
        input_count = cls.expected_input_count(properties)
        if len(inputs) != input_count or len(outputs) != 1:
            parser.raise_error(
                f"'{cls.name}' expects {input_count} input(s) and 1 output, "
                f"got {len(inputs)} and {len(outputs)}",
                start,
                parser.pos,
            )
        for operand in (*inputs, *outputs):
            if not cls.computes_on(element_type_of(operand)):
                parser.raise_error(
                    f"'{cls.name}' computes on {cls.ELEMENT_TYPES_SHOWN}, not on "
                    f"{element_type_of(operand)}",
                    start,
                    parser.pos,
                )
        try:
            body = cls.build_hidden_region(inputs, outputs, properties)
        except VerifyException as error:
            parser.raise_error(f"'{cls.name}' {error}", start, parser.pos)
        return cls.build(
            operands=(inputs, outputs),
            result_types=(result_types,),
            properties=properties,
            attributes=attributes,
            regions=(body,),
        )

    def print(self, printer: Printer) -> None:
        elided = (*self.ELIDED_ATTRIBUTES, *self.print_head(printer))
        # Upstream keeps attributes and properties in one sorted dictionary,
        # discardable attributes first.
        dictionary = {
            name: value
            for group in (self.attributes, self.properties)
            for name, value in sorted(group.items())
            if name not in elided
        }
        if dictionary:
            printer.print_string(" ")
            printer.print_attr_dict(dictionary)
        print_operand_group(printer, "ins", self.inputs)
        print_operand_group(printer, "outs", self.outputs)
        print_result_types(printer, self.res)

    def verify_(self) -> None:
        input_count = self.expected_input_count(self.properties)
        if len(self.inputs) != input_count or len(self.outputs) != 1:
            raise VerifyException(
                f"expected {input_count} input(s) and 1 output, got "
                f"{len(self.inputs)} and {len(self.outputs)}"
            )
        verify_results_match_outputs(self.res, self.outputs)
        super().verify_()


class UpstreamNamedOperation(UpstreamStructuredOperation, NamedOperation, ABC):
    """A named op whose scalar body depends on its operand types alone
    (``get_hidden_region``), built with xDSL's ``NamedOperation`` machinery."""

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        res: Sequence[Attribute] | None = None,
        attributes: Mapping[str, Attribute] | None = None,
        properties: Mapping[str, Attribute] | None = None,
    ):
        properties = dict(properties or {})
        if res is None:
            res = [output.type for output in outputs if isinstance(output.type, TensorType)]
        super().__init__(
            ins=inputs,
            outs=outputs,
            result_types=res,
            properties=properties,
            attributes=attributes,
            hidden_region=self.build_hidden_region(inputs, outputs, properties),
        )

    @classmethod
    def build_hidden_region(
        cls,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        properties: Mapping[str, Attribute],
    ) -> Region:
        return cls.get_hidden_region(inputs, outputs)


class ContractionOperation(UpstreamNamedOperation, ABC):
    """A named op that accumulates products: ``out += cast(lhs) * cast(rhs)``."""

    ELEMENT_TYPES_SHOWN: ClassVar[str] = "integers, floats and complex numbers"

    @classmethod
    def computes_on(cls, element_type: Attribute) -> bool:
        return isinstance(element_type, AnyFloat | IntegerType | ComplexType)

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return multiply_accumulate_region(inputs, outputs)

    @classmethod
    def build_hidden_region(
        cls,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        properties: Mapping[str, Attribute],
    ) -> Region:
        unsigned = properties.get("cast") == TypeFnAttr(TypeFn.CAST_UNSIGNED)
        return multiply_accumulate_region(inputs, outputs, unsigned)


class MappedContractionOperation(ContractionOperation, ABC):
    """A contraction whose operand maps may be rewritten (transposed, broadcast).

    Upstream prints ``indexing_maps = [...]`` before the dictionary when they
    differ from the op's defaults, and the op keeps them: a matmul with a
    transposed B stays one.
    """

    cast = opt_prop_def(TypeFnAttr)
    """Signed (the default) or unsigned conversion of integer operands."""

    DEFAULT_MAPS: ClassVar[ArrayAttr[AffineMapAttr]]

    @classmethod
    def parse_head(cls, parser: Parser) -> dict[str, Attribute]:
        if not parser.parse_optional_keyword("indexing_maps"):
            return {}
        parser.parse_punctuation("=")
        start = parser.pos
        maps = parser.parse_attribute()
        if not isa(maps, ArrayAttr[AffineMapAttr]):
            parser.raise_error(
                f"expected indexing_maps to be a list of affine maps, got {maps}",
                start,
                parser.pos,
            )
        return {"indexing_maps": maps}

    def print_head(self, printer: Printer) -> tuple[str, ...]:
        maps = self.get_indexing_maps()
        if maps != self.DEFAULT_MAPS:
            printer.print_string(" indexing_maps = ")
            printer.print_attribute(maps)
        return ("indexing_maps",)

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        maps = self.properties["indexing_maps"]
        assert isa(maps, ArrayAttr[AffineMapAttr])
        return maps

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return tuple(map_attr.data for map_attr in self.DEFAULT_MAPS)


def maps_of(*maps: Callable[..., tuple[AffineExpr, ...]]) -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr(AffineMapAttr(AffineMap.from_callable(map_)) for map_ in maps)


MATMUL_MAPS = maps_of(
    lambda m, n, k: (m, k),
    lambda m, n, k: (k, n),
    lambda m, n, k: (m, n),
)
BATCH_MATMUL_MAPS = maps_of(
    lambda b, m, n, k: (b, m, k),
    lambda b, m, n, k: (b, k, n),
    lambda b, m, n, k: (b, m, n),
)


@irdl_op_definition
class MatmulOp(MappedContractionOperation):
    """``C(m, n) += A(m, k) * B(k, n)``; loops (m, n, k).

    Replaces xDSL's ``linalg.matmul``, which prints a matmul with a transposed
    or broadcast operand as a plain one and cannot parse ``indexing_maps``.
    """

    name = "linalg.matmul"

    indexing_maps = prop_def(ArrayAttr[AffineMapAttr], default_value=MATMUL_MAPS)

    DEFAULT_MAPS: ClassVar[ArrayAttr[AffineMapAttr]] = MATMUL_MAPS

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, PARALLEL, REDUCTION)


@irdl_op_definition
class BatchMatmulOp(MappedContractionOperation):
    """``C(b, m, n) += A(b, m, k) * B(b, k, n)``; loops (b, m, n, k)."""

    name = "linalg.batch_matmul"

    indexing_maps = prop_def(ArrayAttr[AffineMapAttr], default_value=BATCH_MATMUL_MAPS)

    DEFAULT_MAPS: ClassVar[ArrayAttr[AffineMapAttr]] = BATCH_MATMUL_MAPS

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, PARALLEL, PARALLEL, REDUCTION)


BATCH_REDUCE_MATMUL_MAPS = maps_of(
    lambda b, m, n, k: (b, m, k),
    lambda b, m, n, k: (b, k, n),
    lambda b, m, n, k: (m, n),
)


@irdl_op_definition
class BatchReduceMatmulOp(MappedContractionOperation):
    """``C(m, n) += A(b, m, k) * B(b, k, n)``: a batch of matmuls summed into one;
    loops (b, m, n, k), b and k reducing."""

    name = "linalg.batch_reduce_matmul"

    indexing_maps = prop_def(ArrayAttr[AffineMapAttr], default_value=BATCH_REDUCE_MATMUL_MAPS)

    DEFAULT_MAPS: ClassVar[ArrayAttr[AffineMapAttr]] = BATCH_REDUCE_MATMUL_MAPS

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(REDUCTION, PARALLEL, PARALLEL, REDUCTION)


@irdl_op_definition
class ContractOp(MappedContractionOperation):
    """``C += A * B`` over the loops the three ``indexing_maps`` name.

    The maps are required and always printed. A loop the output map uses is
    parallel; any other loop reduces.
    """

    name = "linalg.contract"

    indexing_maps = prop_def(ArrayAttr[AffineMapAttr])

    DEFAULT_MAPS: ClassVar[ArrayAttr[AffineMapAttr]] = ArrayAttr(())

    @classmethod
    def parse_head(cls, parser: Parser) -> dict[str, Attribute]:
        head = super().parse_head(parser)
        if "indexing_maps" not in head:
            parser.raise_error("'linalg.contract' expects indexing_maps = [...]")
        return head

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        maps = self.get_indexing_maps()
        output_dims = {
            result.position
            for result in maps.data[-1].data.results
            if isinstance(result, AffineDimExpr)
        }
        return iterator_types(
            *(
                PARALLEL if loop in output_dims else REDUCTION
                for loop in range(maps.data[0].data.num_dims)
            )
        )

    def verify_(self) -> None:
        maps = self.get_indexing_maps()
        if len(maps) != 3:
            raise VerifyException(f"expected 3 indexing maps, got {len(maps)}")
        if len({map_attr.data.num_dims for map_attr in maps}) != 1:
            raise VerifyException("expected all indexing maps to have the same number of dims")
        output_map = maps.data[-1].data
        if not all(isinstance(result, AffineDimExpr) for result in output_map.results):
            raise VerifyException("expected the output indexing map to be a projected permutation")
        used = {
            result.position
            for map_attr in maps
            for result in map_attr.data.results
            if isinstance(result, AffineDimExpr)
        }
        unused = sorted(set(range(output_map.num_dims)) - used)
        if unused:
            raise VerifyException(f"iteration space dims {unused} are used by no operand")
        super().verify_()


@irdl_op_definition
class Mmt4DOp(ContractionOperation):
    """``C(m, n, m0, n0) += A(m, k, m0, k0) * B(n, k, n0, k0)``: a matmul of
    4-D tiled operands, B transposed; loops (m, n, k, m0, n0, k0)."""

    name = "linalg.mmt4d"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return tuple(
            map_attr.data
            for map_attr in maps_of(
                lambda m, n, k, m0, n0, k0: (m, k, m0, k0),
                lambda m, n, k, m0, n0, k0: (n, k, n0, k0),
                lambda m, n, k, m0, n0, k0: (m, n, m0, n0),
            )
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, PARALLEL, REDUCTION, PARALLEL, PARALLEL, REDUCTION)


@irdl_op_definition
class BatchMmt4DOp(ContractionOperation):
    """``C(b, m, n, m0, n0) += A(b, m, k, m0, k0) * B(b, n, k, n0, k0)``;
    loops (b, m, n, k, m0, n0, k0)."""

    name = "linalg.batch_mmt4d"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return tuple(
            map_attr.data
            for map_attr in maps_of(
                lambda b, m, n, k, m0, n0, k0: (b, m, k, m0, k0),
                lambda b, m, n, k, m0, n0, k0: (b, n, k, n0, k0),
                lambda b, m, n, k, m0, n0, k0: (b, m, n, m0, n0),
            )
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(
            PARALLEL, PARALLEL, PARALLEL, REDUCTION, PARALLEL, PARALLEL, REDUCTION
        )


@irdl_op_definition
class BatchVecmatOp(ContractionOperation):
    """``y(b, n) += x(b, k) * A(b, k, n)``; loops (b, n, k)."""

    name = "linalg.batch_vecmat"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (
            AffineMap.from_callable(lambda b, n, k: (b, k)),
            AffineMap.from_callable(lambda b, n, k: (b, k, n)),
            AffineMap.from_callable(lambda b, n, k: (b, n)),
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, PARALLEL, REDUCTION)


def tensor_and_memref_shapes(operands: Sequence[SSAValue]) -> list[int]:
    """The dimensions of the operands that indexing maps index, concatenated.

    A vector operand is a scalar to linalg, as upstream has it (a fill of vector
    elements): xDSL's ``get_static_shapes`` counts its dimensions too, and then
    no longer lines them up with the maps.
    """
    return [
        size
        for operand in operands
        if isa(operand.type, TensorType | MemRefType)
        for size in operand.type.get_shape()
    ]


class FillOp(linalg_ops.FillOp):
    """Writes ``value`` to every element of the output, whose element type it has.

    Takes the place of xDSL's ``linalg.fill``, whose body builder asserts on
    elements that are not integers or floats: upstream fills any element type
    (a ``tensor<vector<2x4xf32>>`` with a vector). A plain subclass of xDSL's
    op (its definition is inherited, not redefined), so passes matching xDSL's
    class see it too.
    """

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        arg_types = [element_type_of(operand) for operand in (*inputs, *outputs)]

        @Builder.implicit_region(arg_types)
        def body(args: tuple[BlockArgument, ...]) -> None:
            linalg_ops.YieldOp(args[0])

        return body

    def get_static_shapes(self) -> list[int]:
        return tensor_and_memref_shapes(self.operands)

    def verify_(self) -> None:
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            raise VerifyException(
                f"expected 1 input and 1 output, got {len(self.inputs)} and {len(self.outputs)}"
            )
        value_type = self.inputs[0].type
        element_type = element_type_of(self.outputs[0])
        if value_type != element_type:
            raise VerifyException(
                f"expected fill value type ({value_type}) to match output element type "
                f"({element_type})"
            )
        verify_results_match_outputs(self.res, self.outputs)


LINALG_TRAIT_NAMES = ("indexing_maps", "iterator_types", "doc", "library_call")
"""The attributes a ``linalg.generic`` keeps in its leading dictionary (upstream's
``linalgTraitAttrNames``); any other entry is a discardable attribute."""


def verify_yield(block: Block, outputs: Sequence[SSAValue], op_name: str) -> None:
    """The body yields one value per output, of that output's element type, as
    upstream's ``linalg.yield`` verifier requires inside any linalg op."""
    terminator = block.last_op
    if not isinstance(terminator, linalg_ops.YieldOp):
        found = "nothing" if terminator is None else f"'{terminator.name}'"
        raise VerifyException(f"expects regions to end with 'linalg.yield', found {found}")
    if len(terminator.arguments) != len(outputs):
        raise VerifyException(
            f"expected number of yield values ({len(terminator.arguments)}) to match the "
            f"number of inits / outs operands of the enclosing LinalgOp ({len(outputs)})"
        )
    for index, (value, output) in enumerate(zip(terminator.arguments, outputs, strict=True)):
        if value.type != element_type_of(output):
            raise VerifyException(
                f"type of yield operand {index + 1} ({value.type}) doesn't match the "
                f"element type of the enclosing {op_name} op ({element_type_of(output)})"
            )


def parse_iterator_types(
    parser: Parser, iterators: Attribute | None, start: int, end: int
) -> list[IteratorTypeAttr]:
    """``iterator_types`` as upstream's custom form writes them (strings), or as its
    generic form does (``#linalg.iterator_type<...>``)."""
    if not isinstance(iterators, ArrayAttr):
        parser.raise_error('expected "iterator_types" array attribute', start, end)
    kinds = {kind.value for kind in IteratorType}
    parsed: list[IteratorTypeAttr] = []
    for iterator in cast(ArrayAttr[Attribute], iterators):
        if isinstance(iterator, IteratorTypeAttr):
            parsed.append(iterator)
        elif isinstance(iterator, StringAttr) and iterator.data in kinds:
            parsed.append(IteratorTypeAttr(IteratorType(iterator.data)))
        else:
            shown = iterator.data if isinstance(iterator, StringAttr) else iterator
            parser.raise_error(f"unexpected iterator_type ({shown})", start, end)
    return parsed


class GenericOp(linalg_ops.GenericOp):
    """A structured op spelled out: loops of the given iterator types, an indexing
    map per operand, and a body computing the outputs' elements from the operands'.

    Takes the place of xDSL's ``linalg.generic`` to read upstream's custom form
    whole: the trait dictionary given as an alias (``linalg.generic #trait``),
    several results (``-> (T1, T2)``), ``<{...}>`` properties and a dictionary
    before ``ins``; and to verify the body's ``linalg.yield`` and the results as
    upstream does. A plain subclass of xDSL's op (its definition and printer are
    inherited), so passes matching xDSL's class see it too.
    """

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        start = parser.pos
        trait = parser.parse_attribute()
        end = parser.pos
        if not isinstance(trait, DictionaryAttr):
            parser.raise_error(
                f"expected a dictionary of linalg traits (indexing_maps, iterator_types), "
                f"got {trait}",
                start,
                end,
            )
        entries = {**trait.data, **parser.parse_optional_properties_dict()}
        entries.pop("operandSegmentSizes", None)
        entries |= parser.parse_optional_attr_dict()
        iterators = parse_iterator_types(parser, entries.pop("iterator_types", None), start, end)
        maps = entries.pop("indexing_maps", None)
        if not isa(maps, ArrayAttr[AffineMapAttr]):
            parser.raise_error("expected 'indexing_maps' to be an array of affine maps", start, end)
        strings: dict[str, StringAttr | None] = {}
        for name in ("doc", "library_call"):
            value = entries.pop(name, None)
            if value is not None and not isinstance(value, StringAttr):
                parser.raise_error(f"expected '{name}' to be a string, got {value}", start, end)
            strings[name] = value
        inputs = parse_operand_group(parser, "ins")
        outputs = parse_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            entries |= parser.expect(
                parser.parse_optional_attr_dict, "expected a dictionary after 'attrs ='"
            )
        body = parser.parse_region()
        result_types = parse_result_types(parser)
        if len(result_types) == 1 and parser.parse_optional_punctuation(","):
            # xDSL 0.74 reads (and t10's own text has) several results unparenthesised.
            result_types = [
                *result_types,
                *parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type),
            ]
        generic = cls(
            inputs,
            outputs,
            body,
            maps,
            iterators,
            result_types,
            strings["doc"],
            strings["library_call"],
        )
        generic.attributes |= entries
        return generic

    def get_static_shapes(self) -> list[int]:
        return tensor_and_memref_shapes(self.operands)

    def verify_(self) -> None:
        super().verify_()
        verify_results_match_outputs(self.res, self.outputs)
        verify_yield(self.body.block, self.outputs, self.name)


class IndexOp(linalg_ops.IndexOp):
    """The position of the enclosing structured op's loop ``dim`` in its iteration.

    Takes the place of xDSL's ``linalg.index``, which only lives in a
    ``linalg.generic``: upstream lets any linalg op's body read its loops (a
    ``linalg.map`` among them). A plain subclass of xDSL's op (its definition and
    syntax are inherited), so passes matching xDSL's class see it too; only the
    parent rule is upstream's instead of xDSL's.
    """

    traits = traits_def(Pure())

    def verify_(self) -> None:
        parent = self.parent_op()
        if parent is None:
            return
        if parent.dialect_name() != "linalg" or not callable(
            getattr(parent, "get_iterator_types", None)
        ):
            raise VerifyException("expected parent op with LinalgOp interface")
        loops = len(cast(LinalgStructuredOperation, parent).get_iterator_types())
        if self.dim.value.data >= loops:
            raise VerifyException(
                f"expected dim ({self.dim.value.data}) to be lower than the number of loops "
                f"({loops}) of the enclosing LinalgOp"
            )


@irdl_op_definition
class MatvecOp(ContractionOperation):
    """``y(m) += A(m, k) * x(k)``; loops (m, k)."""

    name = "linalg.matvec"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (
            AffineMap.from_callable(lambda m, k: (m, k)),
            AffineMap.from_callable(lambda m, k: (k,)),
            AffineMap.from_callable(lambda m, k: (m,)),
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, REDUCTION)


@irdl_op_definition
class VecmatOp(ContractionOperation):
    """``y(n) += x(k) * A(k, n)``; loops (n, k)."""

    name = "linalg.vecmat"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (
            AffineMap.from_callable(lambda n, k: (k,)),
            AffineMap.from_callable(lambda n, k: (k, n)),
            AffineMap.from_callable(lambda n, k: (n,)),
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, REDUCTION)


@irdl_op_definition
class BatchMatvecOp(ContractionOperation):
    """``y(b, m) += A(b, m, k) * x(b, k)``; loops (b, m, k)."""

    name = "linalg.batch_matvec"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (
            AffineMap.from_callable(lambda b, m, k: (b, m, k)),
            AffineMap.from_callable(lambda b, m, k: (b, k)),
            AffineMap.from_callable(lambda b, m, k: (b, m)),
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, PARALLEL, REDUCTION)


@irdl_op_definition
class DotOp(ContractionOperation):
    """``c() += a(k) * b(k)``, into a rank-0 tensor; one reduction loop (k)."""

    name = "linalg.dot"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (
            AffineMap.from_callable(lambda k: (k,)),
            AffineMap.from_callable(lambda k: (k,)),
            AffineMap(1, 0, ()),
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(REDUCTION)


@irdl_op_definition
class DivOp(UpstreamNamedOperation):
    """``out = cast(lhs) / cast(rhs)`` elementwise over operands of one shape.

    Upstream's named op before ``linalg.elementwise <div>`` replaced it (LLVM
    24 no longer has it); signed division on integers.
    """

    name = "linalg.div"

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return elementwise_region(ElementwiseKind.DIV, inputs, outputs, cast_inputs=True)

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return (AffineMap.identity(rank_of(self.outputs[0])),) * len(self.operands)

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(*(PARALLEL,) * self.get_num_loops())


FLOAT_UNARY_OPS: dict[ElementwiseKind, Callable[[SSAValue], Operation]] = {
    ElementwiseKind.EXP: math.ExpOp,
    ElementwiseKind.LOG: math.LogOp,
    ElementwiseKind.ABS: math.AbsFOp,
    ElementwiseKind.CEIL: math.CeilOp,
    ElementwiseKind.FLOOR: math.FloorOp,
    ElementwiseKind.NEGF: arith.NegfOp,
    ElementwiseKind.ROUND: math.RoundOp,
    ElementwiseKind.SQRT: math.SqrtOp,
    ElementwiseKind.RSQRT: math.RsqrtOp,
    ElementwiseKind.TANH: math.TanhOp,
    ElementwiseKind.ERF: math.ErfOp,
    ElementwiseKind.SIN: math.SinOp,
    ElementwiseKind.COS: math.CosOp,
    ElementwiseKind.TAN: math.TanOp,
    ElementwiseKind.ACOS: math.AcosOp,
    ElementwiseKind.ACOSH: math.AcoshOp,
    ElementwiseKind.ASIN: math.AsinOp,
    ElementwiseKind.ASINH: math.AsinhOp,
    ElementwiseKind.ATAN: math.AtanOp,
    ElementwiseKind.ATANH: math.AtanhOp,
    ElementwiseKind.LOG10: math.Log10Op,
    ElementwiseKind.LOG1P: math.Log1pOp,
    ElementwiseKind.LOG2: math.Log2Op,
}
"""Unary kinds defined on floats only, by the op upstream builds for each."""

BinaryBuilder = Callable[[SSAValue, SSAValue], Operation]

BINARY_OPS: dict[ElementwiseKind, tuple[BinaryBuilder | None, BinaryBuilder | None]] = {
    ElementwiseKind.ADD: (arith.AddfOp, arith.AddiOp),
    ElementwiseKind.SUB: (arith.SubfOp, arith.SubiOp),
    ElementwiseKind.MUL: (arith.MulfOp, arith.MuliOp),
    ElementwiseKind.DIV: (arith.DivfOp, arith.DivSIOp),
    ElementwiseKind.DIV_UNSIGNED: (None, arith.DivUIOp),
    ElementwiseKind.MAX_SIGNED: (arith.MaximumfOp, arith.MaxSIOp),
    ElementwiseKind.MIN_SIGNED: (arith.MinimumfOp, arith.MinSIOp),
    ElementwiseKind.MAX_UNSIGNED: (None, arith.MaxUIOp),
    ElementwiseKind.MIN_UNSIGNED: (None, arith.MinUIOp),
    ElementwiseKind.POWF: (math.PowFOp, None),
}
"""Binary kinds: the op upstream builds on floats and on integers (``None``:
not defined on that kind of element)."""


def elementwise_arity(kind: ElementwiseKind) -> int:
    """How many inputs an elementwise function of this kind takes."""
    if kind == ElementwiseKind.SELECT:
        return 3
    if kind in BINARY_OPS:
        return 2
    return 1


def check_elementwise_types(
    kind: ElementwiseKind, element_types: Sequence[Attribute], cast_inputs: bool
) -> None:
    """Raises ``VerifyException`` unless ``kind`` is defined on these element types.

    The function computes in the output's element type; ``linalg.elementwise``
    does not convert its inputs to it (upstream yields a mistyped value if
    they differ), the older named ops do.
    """
    result_type = element_types[-1]
    is_float = isinstance(result_type, AnyFloat)
    float_only = kind in FLOAT_UNARY_OPS or kind in (
        ElementwiseKind.RECIPROCAL,
        ElementwiseKind.SQUARE,
    )
    if float_only and not is_float:
        raise VerifyException(
            f"elementwise kind {kind} needs floating-point elements, got {result_type}"
        )
    if kind in BINARY_OPS and BINARY_OPS[kind][0 if is_float else 1] is None:
        raise VerifyException(
            f"elementwise kind {kind} is not defined on elements of type {result_type}"
        )
    for index, element_type in enumerate(element_types[:-1]):
        if kind == ElementwiseKind.SELECT and index == 0:
            if element_type != IntegerType(1):
                raise VerifyException(
                    f"elementwise kind select needs an i1 condition, got {element_type}"
                )
        elif not cast_inputs and element_type != result_type:
            raise VerifyException(
                f"elementwise kind {kind} computes in the output element type "
                f"{result_type}, but input #{index} has elements of type {element_type}"
            )


def elementwise_region(
    kind: ElementwiseKind,
    inputs: Sequence[SSAValue],
    outputs: Sequence[SSAValue],
    cast_inputs: bool,
) -> Region:
    """The body upstream builds for ``kind``, with inputs converted to the
    output element type when ``cast_inputs``."""
    arg_types = NamedOperation.body_arg_types((*inputs, *outputs))
    result_type = arg_types[-1]
    is_float = isinstance(result_type, AnyFloat)
    check_elementwise_types(kind, arg_types, cast_inputs)

    @Builder.implicit_region(arg_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        if kind == ElementwiseKind.SELECT:
            true_value = convert_scalar(args[1], result_type)
            false_value = convert_scalar(args[2], result_type)
            linalg_ops.YieldOp(arith.SelectOp(args[0], true_value, false_value))
            return
        operands = [convert_scalar(arg, result_type) for arg in args[:-1]]
        if kind == ElementwiseKind.RECIPROCAL:
            assert isinstance(result_type, AnyFloat)
            one = arith.ConstantOp(FloatAttr(1.0, result_type))
            linalg_ops.YieldOp(arith.DivfOp(one, operands[0]))
        elif kind == ElementwiseKind.SQUARE:
            linalg_ops.YieldOp(arith.MulfOp(operands[0], operands[0]))
        elif kind in FLOAT_UNARY_OPS:
            linalg_ops.YieldOp(FLOAT_UNARY_OPS[kind](operands[0]))
        else:
            builder = BINARY_OPS[kind][0 if is_float else 1]
            assert builder is not None
            linalg_ops.YieldOp(builder(operands[0], operands[1]))

    return body


@irdl_op_definition
class ElementwiseOp(UpstreamStructuredOperation):
    """Applies one scalar function of ``kind`` to its inputs, element by element.

    ``linalg.elementwise <add> [indexing_maps = [...]] ins(...) outs(...)``:
    all loops are parallel, one per output dimension; the maps (identities by
    default) may broadcast or transpose inputs. Upstream LLVM 24 prints the
    kind bare (``<add>``); the ``kind = #linalg.elementwise_kind<add>``
    spelling of earlier releases is read too.
    """

    name = "linalg.elementwise"

    kind = prop_def(ElementwiseKindAttr)
    indexing_maps = prop_def(ArrayAttr[AffineMapAttr])

    irdl_options = (
        AttrSizedOperandSegments(as_property=True),
        ParsePropInAttrDict(),
    )

    def __init__(
        self,
        kind: ElementwiseKind,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        indexing_maps: ArrayAttr[AffineMapAttr] | None = None,
        attributes: Mapping[str, Attribute] | None = None,
    ):
        properties: dict[str, Attribute] = {"kind": ElementwiseKindAttr(kind)}
        properties |= self.default_properties(inputs, outputs)
        if indexing_maps is not None:
            properties["indexing_maps"] = indexing_maps
        super().__init__(
            operands=(inputs, outputs),
            result_types=(
                [output.type for output in outputs if isinstance(output.type, TensorType)],
            ),
            properties=properties,
            attributes=attributes,
            regions=(self.build_hidden_region(inputs, outputs, properties),),
        )

    @classmethod
    def parse_head(cls, parser: Parser) -> dict[str, Attribute]:
        head: dict[str, Attribute] = {}
        start = parser.pos
        if parser.parse_optional_keyword("kind"):
            parser.parse_punctuation("=")
            kind = parser.parse_attribute()
            if not isinstance(kind, ElementwiseKindAttr):
                parser.raise_error(f"expected an elementwise kind, got {kind}", start, parser.pos)
            head["kind"] = kind
        else:
            parser.parse_punctuation("<")
            head["kind"] = ElementwiseKindAttr(parser.parse_str_enum(ElementwiseKind))
            parser.parse_punctuation(">")
        if parser.parse_optional_keyword("indexing_maps"):
            parser.parse_punctuation("=")
            start = parser.pos
            maps = parser.parse_attribute()
            if not isa(maps, ArrayAttr[AffineMapAttr]):
                parser.raise_error(
                    f"expected indexing_maps to be a list of affine maps, got {maps}",
                    start,
                    parser.pos,
                )
            head["indexing_maps"] = maps
        return head

    def print_head(self, printer: Printer) -> tuple[str, ...]:
        printer.print_string(f" <{self.kind.data}>")
        if self.indexing_maps != self.default_maps():
            printer.print_string(" indexing_maps = ")
            printer.print_attribute(self.indexing_maps)
        return ("kind", "indexing_maps")

    @classmethod
    def default_properties(
        cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]
    ) -> dict[str, Attribute]:
        rank = rank_of(outputs[0]) if outputs else 0
        return {"indexing_maps": identity_maps(rank, len(inputs) + len(outputs))}

    def default_maps(self) -> ArrayAttr[AffineMapAttr]:
        return identity_maps(rank_of(self.outputs[0]), len(self.operands))

    @classmethod
    def expected_input_count(cls, properties: Mapping[str, Attribute]) -> int:
        kind = properties["kind"]
        assert isinstance(kind, ElementwiseKindAttr)
        return elementwise_arity(kind.data)

    @classmethod
    def build_hidden_region(
        cls,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        properties: Mapping[str, Attribute],
    ) -> Region:
        kind = properties["kind"]
        assert isinstance(kind, ElementwiseKindAttr)
        return elementwise_region(kind.data, inputs, outputs, cast_inputs=False)

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        return self.indexing_maps

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(*(PARALLEL,) * self.get_num_loops())

    def verify_(self) -> None:
        super().verify_()
        element_types = [element_type_of(operand) for operand in self.operands]
        check_elementwise_types(self.kind.data, element_types, cast_inputs=False)


def sliding_window_region(
    inputs: Sequence[SSAValue], outputs: Sequence[SSAValue], combine: Literal["sum", "max"]
) -> Region:
    """The body of a pooling op: ``out = combine(out, cast(in))``; the window
    operand only gives the window's extent."""
    arg_types = NamedOperation.body_arg_types((*inputs, *outputs))
    result_type = arg_types[-1]
    is_float = isinstance(result_type, AnyFloat)
    builder: BinaryBuilder
    if combine == "sum":
        builder = arith.AddfOp if is_float else arith.AddiOp
    else:
        builder = arith.MaximumfOp if is_float else arith.MaxSIOp

    @Builder.implicit_region(arg_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        linalg_ops.YieldOp(builder(args[2], convert_scalar(args[0], result_type)))

    return body


class SlidingWindowOperation(UpstreamNamedOperation, ABC):
    """A convolution or pooling whose window slides with strides and dilations.

    Both default to 1 along every spatial dimension, and upstream prints them
    only when they were given. Input position along spatial dimension ``i`` is
    ``output_i * strides[i] + window_i * dilations[i]``.
    """

    strides = opt_prop_def(DenseIntElementsAttr)
    dilations = opt_prop_def(DenseIntElementsAttr)

    SPATIAL_RANK: ClassVar[int]
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]]

    def steps(self, name: str) -> tuple[int, ...]:
        """The strides or dilations, one per spatial dimension."""
        values = self.properties.get(name)
        if values is None:
            return (1,) * self.SPATIAL_RANK
        assert isa(values, DenseIntElementsAttr)
        return tuple(values.get_values())

    def input_positions(
        self, outputs: Sequence[AffineExpr], windows: Sequence[AffineExpr]
    ) -> tuple[AffineExpr, ...]:
        """Where along each spatial input dimension an output and window position read."""
        return tuple(
            output * stride + window * dilation
            for output, window, stride, dilation in zip(
                outputs, windows, self.steps("strides"), self.steps("dilations"), strict=True
            )
        )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(*self.LOOP_KINDS)

    def verify_(self) -> None:
        for name in ("strides", "dilations"):
            values = self.properties.get(name)
            if values is None:
                continue
            assert isa(values, DenseIntElementsAttr)
            steps = tuple(values.get_values())
            if len(steps) != self.SPATIAL_RANK:
                raise VerifyException(
                    f"expected {name} to have {self.SPATIAL_RANK} element(s), one per "
                    f"spatial dimension, got {len(steps)}"
                )
            if any(step < 1 for step in steps):
                raise VerifyException(f"expected {name} to be positive, got {list(steps)}")
        super().verify_()


class ConvolutionOperation(SlidingWindowOperation, ABC):
    """A convolution: ``out += cast(in) * cast(kernel)`` over the window."""

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return multiply_accumulate_region(inputs, outputs)


def loop_dims(count: int) -> tuple[AffineDimExpr, ...]:
    return tuple(AffineDimExpr(position) for position in range(count))


@irdl_op_definition
class Conv1DOp(UpstreamNamedOperation):
    """``O(ow) += I(ow + kw) * K(kw)``; loops (ow, kw), unit stride and dilation."""

    name = "linalg.conv_1d"

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return multiply_accumulate_region(inputs, outputs)

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        ow, kw = loop_dims(2)
        return (AffineMap(2, 0, (ow + kw,)), AffineMap(2, 0, (kw,)), AffineMap(2, 0, (ow,)))

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(PARALLEL, REDUCTION)


@irdl_op_definition
class Conv1DNwcWcfOp(ConvolutionOperation):
    """``O(n, ow, f) += I(n, ow*s + kw*d, c) * K(kw, c, f)``; loops (n, ow, f, kw, c)."""

    name = "linalg.conv_1d_nwc_wcf"

    SPATIAL_RANK: ClassVar[int] = 1
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]] = (
        PARALLEL,
        PARALLEL,
        PARALLEL,
        REDUCTION,
        REDUCTION,
    )

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, ow, f, kw, c = loop_dims(5)
        (w,) = self.input_positions((ow,), (kw,))
        return (
            AffineMap(5, 0, (n, w, c)),
            AffineMap(5, 0, (kw, c, f)),
            AffineMap(5, 0, (n, ow, f)),
        )


@irdl_op_definition
class Conv1DNcwFcwOp(ConvolutionOperation):
    """``O(n, f, ow) += I(n, c, ow*s + kw*d) * K(f, c, kw)``; loops (n, f, ow, c, kw)."""

    name = "linalg.conv_1d_ncw_fcw"

    SPATIAL_RANK: ClassVar[int] = 1
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]] = (
        PARALLEL,
        PARALLEL,
        PARALLEL,
        REDUCTION,
        REDUCTION,
    )

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, f, ow, c, kw = loop_dims(5)
        (w,) = self.input_positions((ow,), (kw,))
        return (
            AffineMap(5, 0, (n, c, w)),
            AffineMap(5, 0, (f, c, kw)),
            AffineMap(5, 0, (n, f, ow)),
        )


@irdl_op_definition
class DepthwiseConv2DNhwcHwcOp(ConvolutionOperation):
    """``O(n, oh, ow, c) += I(n, oh*s + kh*d, ow*s + kw*d, c) * K(kh, kw, c)``.

    Each channel convolved with its own kernel; loops (n, oh, ow, c, kh, kw).
    """

    name = "linalg.depthwise_conv_2d_nhwc_hwc"

    SPATIAL_RANK: ClassVar[int] = 2
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]] = (
        PARALLEL,
        PARALLEL,
        PARALLEL,
        PARALLEL,
        REDUCTION,
        REDUCTION,
    )

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, kh, kw = loop_dims(6)
        h, w = self.input_positions((oh, ow), (kh, kw))
        return (
            AffineMap(6, 0, (n, h, w, c)),
            AffineMap(6, 0, (kh, kw, c)),
            AffineMap(6, 0, (n, oh, ow, c)),
        )


@irdl_op_definition
class DepthwiseConv2DNchwChwOp(ConvolutionOperation):
    """``O(n, c, oh, ow) += I(n, c, oh*s + kh*d, ow*s + kw*d) * K(c, kh, kw)``.

    Each channel convolved with its own kernel; loops (n, oh, ow, c, kh, kw).
    """

    name = "linalg.depthwise_conv_2d_nchw_chw"

    SPATIAL_RANK: ClassVar[int] = 2
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]] = (
        PARALLEL,
        PARALLEL,
        PARALLEL,
        PARALLEL,
        REDUCTION,
        REDUCTION,
    )

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, kh, kw = loop_dims(6)
        h, w = self.input_positions((oh, ow), (kh, kw))
        return (
            AffineMap(6, 0, (n, c, h, w)),
            AffineMap(6, 0, (c, kh, kw)),
            AffineMap(6, 0, (n, c, oh, ow)),
        )


class PoolingOperation(SlidingWindowOperation, ABC):
    """Pooling over a 2-D window; the window operand only gives its extent."""

    SPATIAL_RANK: ClassVar[int] = 2
    LOOP_KINDS: ClassVar[tuple[IteratorType, ...]] = (
        PARALLEL,
        PARALLEL,
        PARALLEL,
        PARALLEL,
        REDUCTION,
        REDUCTION,
    )


@irdl_op_definition
class PoolingNchwSumOp(PoolingOperation):
    """``O(n, c, oh, ow) += I(n, c, oh*s + kh*d, ow*s + kw*d)``; loops (n, c, oh, ow, kh, kw)."""

    name = "linalg.pooling_nchw_sum"

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return sliding_window_region(inputs, outputs, "sum")

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, c, oh, ow, kh, kw = loop_dims(6)
        h, w = self.input_positions((oh, ow), (kh, kw))
        return (
            AffineMap(6, 0, (n, c, h, w)),
            AffineMap(6, 0, (kh, kw)),
            AffineMap(6, 0, (n, c, oh, ow)),
        )


class PoolingNhwcOperation(PoolingOperation, ABC):
    """Pooling of an NHWC tensor; loops (n, oh, ow, c, kh, kw)."""

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, kh, kw = loop_dims(6)
        h, w = self.input_positions((oh, ow), (kh, kw))
        return (
            AffineMap(6, 0, (n, h, w, c)),
            AffineMap(6, 0, (kh, kw)),
            AffineMap(6, 0, (n, oh, ow, c)),
        )


@irdl_op_definition
class PoolingNhwcSumOp(PoolingNhwcOperation):
    """``O(n, oh, ow, c) += I(n, oh*s + kh*d, ow*s + kw*d, c)``."""

    name = "linalg.pooling_nhwc_sum"

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return sliding_window_region(inputs, outputs, "sum")


@irdl_op_definition
class PoolingNhwcMaxOp(PoolingNhwcOperation):
    """``O(n, oh, ow, c) = max(O, I(n, oh*s + kh*d, ow*s + kw*d, c))`` (signed on integers)."""

    name = "linalg.pooling_nhwc_max"

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return sliding_window_region(inputs, outputs, "max")


@irdl_op_definition
class SoftmaxOp(IRDLOperation):
    """``output = exp(input - max) / sum(exp(input - max))`` along ``dimension``.

    Not a structured op upstream (no region, no maps): it has one input, one
    output of the same shape and the dimension it normalises along. For the
    planner it describes itself as a structured op would: one loop per
    dimension, parallel except the reduction along ``dimension``, and identity
    maps for input and output (see ``get_indexing_maps`` and friends).
    """

    name = "linalg.softmax"

    input = operand_def(TensorType | MemRefType)
    output = operand_def(TensorType | MemRefType)
    result = var_result_def(TensorType)
    dimension = prop_def(IntegerAttr[I64])

    def __init__(
        self,
        input: SSAValue,
        output: SSAValue,
        dimension: int,
        attributes: Mapping[str, Attribute] | None = None,
    ):
        super().__init__(
            operands=(input, output),
            result_types=([output.type] if isinstance(output.type, TensorType) else [],),
            properties={"dimension": IntegerAttr(dimension, i64)},
            attributes=attributes,
        )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        attributes = parser.parse_optional_attr_dict()
        parser.parse_keyword("dimension")
        parser.parse_punctuation("(")
        dimension = parser.parse_integer()
        parser.parse_punctuation(")")
        (input,) = parse_single_operand_group(parser, "ins")
        (output,) = parse_single_operand_group(parser, "outs")
        result_types = parse_result_types(parser)
        return cls.build(
            operands=(input, output),
            result_types=(result_types,),
            properties={"dimension": IntegerAttr(dimension, i64)},
            attributes=attributes,
        )

    def print(self, printer: Printer) -> None:
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(dict(sorted(self.attributes.items())))
        printer.print_string(f" dimension({self.dimension.value.data})")
        print_operand_group(printer, "ins", (self.input,))
        print_operand_group(printer, "outs", (self.output,))
        print_result_types(printer, self.result)

    def verify_(self) -> None:
        input_type = self.input.type
        output_type = self.output.type
        assert isinstance(input_type, ShapedType) and isinstance(output_type, ShapedType)
        input_shape = input_type.get_shape()
        output_shape = output_type.get_shape()
        compatible = len(input_shape) == len(output_shape) and all(
            a == b or a < 0 or b < 0 for a, b in zip(input_shape, output_shape, strict=True)
        )
        if not compatible:
            raise VerifyException(
                f"incompatible output shape: output {output_type} does not match input {input_type}"
            )
        dimension = self.dimension.value.data
        if not 0 <= dimension < len(input_shape):
            raise VerifyException(
                f"incorrect dimension specified: {dimension} is not a dimension of "
                f"an input of rank {len(input_shape)}"
            )
        verify_results_match_outputs(self.result, (self.output,))

    def get_num_loops(self) -> int:
        return rank_of(self.input)

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        """Input and output, both indexed by every loop in order."""
        return identity_maps(self.get_num_loops(), 2)

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        """Parallel loops, but for the reduction along ``dimension``."""
        dimension = self.dimension.value.data
        return iterator_types(
            *(REDUCTION if loop == dimension else PARALLEL for loop in range(self.get_num_loops()))
        )

    def get_static_loop_ranges(self) -> tuple[int, ...]:
        """The input's shape: one loop per dimension."""
        input_type = self.input.type
        assert isinstance(input_type, ShapedType)
        return tuple(input_type.get_shape())


def parse_single_operand_group(parser: Parser, keyword: str) -> tuple[SSAValue]:
    """``keyword(%value : type)``, exactly one operand."""
    start = parser.pos
    operands = parse_operand_group(parser, keyword)
    if len(operands) != 1:
        parser.raise_error(
            f"expected '{keyword}' with exactly one operand, got {len(operands)}",
            start,
            parser.pos,
        )
    return (operands[0],)


def short_form_payload(block: Block, operands: Sequence[BlockArgument]) -> Operation | None:
    """The op of a body upstream prints as ``{ op }``, if it is one.

    That is a body holding one op applied to ``operands`` in that order, whose
    single result, of the last block argument's type, is yielded.
    """
    ops = list(block.ops)
    if len(ops) != 2 or not operands:
        return None
    payload, terminator = ops
    if (
        not isinstance(terminator, linalg_ops.YieldOp)
        or payload.regions
        or len(payload.results) != 1
        or tuple(terminator.operands) != tuple(payload.results)
        or tuple(payload.operands) != tuple(operands)
        or payload.results[0].type != block.args[-1].type
    ):
        return None
    return payload


def default_fastmath(name: str, value: Attribute) -> bool:
    """Whether this payload attribute is elided from the short form, as upstream elides it."""
    return name == "fastmath" and value == arith.FastMathFlagsAttr("none")


def parse_short_form_head(parser: Parser) -> tuple[str, dict[str, Attribute]] | None:
    """``{ op-name {attributes} }`` before ``ins``, or None when absent."""
    if not parser.parse_optional_punctuation("{"):
        return None
    payload_name = parser.parse_identifier()
    payload_attributes = parser.parse_optional_attr_dict()
    parser.parse_punctuation("}")
    return payload_name, payload_attributes


def print_short_form_head(printer: Printer, payload: Operation) -> None:
    printer.print_string(f" {{ {payload.name}")
    shown = {
        name: value
        for name, value in (*payload.properties.items(), *payload.attributes.items())
        if not default_fastmath(name, value)
    }
    if shown:
        printer.print_string(" ")
        printer.print_attr_dict(shown)
    printer.print_string(" }")


def parse_body_with_arguments(parser: Parser) -> Region:
    """``(%a: T, ...) { ... }``: the long form's body, its arguments written first."""
    entry_args = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_argument)
    return parser.parse_region(entry_args)


def print_body_with_arguments(printer: Printer, region: Region) -> None:
    printer.print_string(" ")
    with printer.in_parens():
        printer.print_list(region.block.args, printer.print_block_argument)
    printer.print_string(" ")
    printer.print_region(region, print_entry_block_args=False)


def verify_block_argument_types(
    block: Block, operands: Sequence[SSAValue], first: int, which: str
) -> None:
    """Block arguments ``first, first + 1, ...`` have the element types of ``operands``."""
    for operand, argument in zip(operands, block.args[first:], strict=False):
        if element_type_of(operand) != argument.type:
            raise VerifyException(
                f"{which} element type {element_type_of(operand)} does not match "
                f"corresponding block argument type {argument.type}"
            )


def verify_pure_semantics(operands: Sequence[SSAValue]) -> None:
    """All shaped operands are tensors, or all are memrefs, as upstream requires."""
    kinds = {
        isinstance(operand.type, TensorType)
        for operand in operands
        if isinstance(operand.type, ShapedType)
    }
    if len(kinds) > 1:
        raise VerifyException("expected to have pure tensor or buffer semantics")


@irdl_op_definition
class ReduceOp(LinalgStructuredOperation):
    """Reduces each input along ``dimensions`` into the init of the same position.

    All inputs share one shape, and all inits that shape without the reduced
    dimensions. The body takes one element of every input, then the accumulated
    value of every init, and yields the new accumulated values (a max and its
    index reduce together this way). Replaces xDSL's ``linalg.reduce`` to read and
    print upstream's forms: the short ``linalg.reduce { arith.addf } ins(...)
    outs(...) dimensions = [1]``, whose body is ``arith.addf %init, %in``, and the
    long one with a body, both with an optional attribute dictionary after
    ``dimensions``; and to take several inputs and inits.
    """

    name = "linalg.reduce"

    inputs = var_operand_def(TensorType | MemRefType)
    outputs = var_operand_def(TensorType | MemRefType)
    dimensions = prop_def(DenseArrayBase.constr(i64))

    irdl_options = (SameVariadicOperandSize(),)

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        inits: Sequence[SSAValue],
        dimensions: Sequence[int],
        region: Region,
    ):
        super().__init__(
            operands=(inputs, inits),
            result_types=([init.type for init in inits if isinstance(init.type, TensorType)],),
            properties={"dimensions": DenseArrayBase.from_list(i64, dimensions)},
            regions=(region,),
        )

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        """Inputs read whole; inits indexed by the loops not reduced."""
        rank = rank_of(self.inputs[0])
        reduced = set(self.dimensions.get_values())
        kept = tuple(AffineDimExpr(loop) for loop in range(rank) if loop not in reduced)
        input_map = AffineMapAttr(AffineMap.identity(rank))
        init_map = AffineMapAttr(AffineMap(rank, 0, kept))
        return ArrayAttr((input_map,) * len(self.inputs) + (init_map,) * len(self.outputs))

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        reduced = set(self.dimensions.get_values())
        return iterator_types(
            *(REDUCTION if loop in reduced else PARALLEL for loop in range(rank_of(self.inputs[0])))
        )

    def get_static_loop_ranges(self) -> tuple[int, ...]:
        """The inputs' shape: one loop per dimension."""
        input_type = self.inputs[0].type
        assert isinstance(input_type, ShapedType)
        return tuple(input_type.get_shape())

    def verify_(self) -> None:
        if not self.inputs or len(self.inputs) != len(self.outputs):
            raise VerifyException(
                f"expected equal number of inputs and outputs, at least one, got "
                f"{len(self.inputs)} input(s) and {len(self.outputs)} output(s)"
            )
        verify_pure_semantics(self.operands)
        for group, values in (("input", self.inputs), ("output", self.outputs)):
            shapes = [list(cast(ShapedType, value.type).get_shape()) for value in values]
            for index, shape in enumerate(shapes[1:], start=1):
                if shape != shapes[0]:
                    raise VerifyException(
                        f"expects all {group}s to have the same shapes. Shape at "
                        f"{group}-index {index} is not equal to the shape at {group}-index 0."
                    )
        dimensions = list(self.dimensions.get_values())
        if any(later <= earlier for earlier, later in itertools.pairwise(dimensions)):
            raise VerifyException(
                f"attribute 'dimensions' {dimensions} should be in increasing order"
            )
        input_shape = cast(ShapedType, self.inputs[0].type).get_shape()
        init_shape = list(cast(ShapedType, self.outputs[0].type).get_shape())
        for dimension in dimensions:
            if not 0 <= dimension < len(input_shape):
                raise VerifyException(
                    f"dimensions for reduction should be in the range [0, {len(input_shape) - 1}]."
                )
        kept_shape = [size for axis, size in enumerate(input_shape) if axis not in dimensions]
        if len(kept_shape) != len(init_shape):
            raise VerifyException(
                f"number of dimensions after reduction {len(kept_shape)} doesn't match "
                f"the init rank {len(init_shape)}"
            )
        if kept_shape != init_shape:
            raise VerifyException(
                f"init dimensions {init_shape} doesn't match input dimensions after "
                f"reduction {kept_shape}"
            )
        block = self.body.block
        if len(block.args) != len(self.operands):
            raise VerifyException("mismatching number of operands and block arguments")
        verify_block_argument_types(block, self.inputs, 0, "input")
        verify_block_argument_types(block, self.outputs, len(self.inputs), "output")
        verify_yield(block, self.outputs, self.name)
        verify_results_match_outputs(self.res, self.outputs)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        start = parser.pos
        short_form = parse_short_form_head(parser)
        inputs = parse_operand_group(parser, "ins")
        inits = parse_operand_group(parser, "outs")
        parser.parse_keyword("dimensions")
        parser.parse_punctuation("=")
        dimensions = parser.parse_comma_separated_list(
            parser.Delimiter.SQUARE, parser.parse_integer
        )
        attributes = parser.parse_optional_attr_dict()
        if not inputs or len(inputs) != len(inits):
            parser.raise_error(
                f"expected equal number of inputs and outputs, at least one, got "
                f"{len(inputs)} input(s) and {len(inits)} output(s)",
                start,
                parser.pos,
            )
        if short_form is None:
            region = parse_body_with_arguments(parser)
        else:
            if len(inputs) != 1:
                parser.raise_error(
                    f"the short form {{ op }} reduces one input into one init, got "
                    f"{len(inputs)} and {len(inits)}",
                    start,
                    parser.pos,
                )
            # The payload combines the accumulated value with the input element.
            region = short_form_region(parser, *short_form, (*inputs, *inits), (1, 0))
        reduce = cls(inputs, inits, dimensions, region)
        reduce.attributes |= attributes
        return reduce

    def print(self, printer: Printer) -> None:
        block = self.body.block
        payload = (
            short_form_payload(block, (block.args[1], block.args[0]))
            if len(block.args) == 2
            else None
        )
        if payload is not None:
            print_short_form_head(printer, payload)
        print_operand_group(printer, "ins", self.inputs)
        print_operand_group(printer, "outs", self.outputs)
        printer.print_string(" dimensions = ")
        with printer.in_square_brackets():
            printer.print_list(self.dimensions.get_values(), printer.print_int)
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        if payload is None:
            print_body_with_arguments(printer, self.body)


@irdl_op_definition
class MapOp(IRDLOperation):
    """Applies the body to the elements at each position of the inputs, writing the
    result to that position of ``init``: an elementwise op on operands of one shape.

    The body takes one element of every input, then the init's element, and
    yields the new one. Upstream's forms: the short ``linalg.map { arith.addf }
    ins(...) outs(...)``, whose body applies the op to the input elements, and
    the long one with a body. It offers the structured interface (identity maps,
    parallel loops) as linalg's structured ops do.
    """

    name = "linalg.map"

    inputs = var_operand_def(TensorType | MemRefType)
    init = operand_def(TensorType | MemRefType)
    result = var_result_def(TensorType)
    mapper = region_def("single_block")

    def __init__(self, inputs: Sequence[SSAValue], init: SSAValue, region: Region):
        super().__init__(
            operands=(inputs, init),
            result_types=([init.type] if isinstance(init.type, TensorType) else [],),
            regions=(region,),
        )

    @property
    def outputs(self) -> tuple[SSAValue]:
        """The init, as the one output of the structured interface."""
        return (self.init,)

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        return identity_maps(rank_of(self.init), len(self.operands))

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return iterator_types(*(PARALLEL,) * rank_of(self.init))

    def get_static_loop_ranges(self) -> tuple[int, ...]:
        init_type = self.init.type
        assert isinstance(init_type, ShapedType)
        return tuple(init_type.get_shape())

    def verify_(self) -> None:
        verify_pure_semantics(self.operands)
        block = self.mapper.block
        if len(block.args) != len(self.operands):
            raise VerifyException(
                f"expects number of operands to match the arity of mapper, but got: "
                f"{len(self.operands)} and {len(block.args)}"
            )
        for input, argument in zip(self.inputs, block.args, strict=False):
            if element_type_of(input) != argument.type:
                raise VerifyException(
                    f"expected element type of input {element_type_of(input)} to match "
                    f"bbArg type {argument.type}"
                )
        if element_type_of(self.init) != block.args[-1].type:
            raise VerifyException(
                f"expected element type of init {element_type_of(self.init)} to match "
                f"bbArg type {block.args[-1].type}"
            )
        output_shape = list(cast(ShapedType, self.init.type).get_shape())
        for input in self.inputs:
            input_shape = list(cast(ShapedType, input.type).get_shape())
            if input_shape != output_shape:
                raise VerifyException(
                    f"expected shape of input ({input_shape}) to match shape of output "
                    f"({output_shape})"
                )
        verify_yield(block, self.outputs, self.name)
        verify_results_match_outputs(self.result, self.outputs)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        start = parser.pos
        short_form = parse_short_form_head(parser)
        inputs = parse_operand_group(parser, "ins")
        inits = parse_operand_group(parser, "outs")
        if len(inits) != 1:
            parser.raise_error(
                f"expected 'outs' with exactly one operand, got {len(inits)}", start, parser.pos
            )
        attributes = parser.parse_optional_attr_dict()
        if short_form is None:
            region = parse_body_with_arguments(parser)
        else:
            if not inputs:
                parser.raise_error("the short form { op } needs at least one input", start)
            region = short_form_region(
                parser, *short_form, (*inputs, *inits), tuple(range(len(inputs)))
            )
        mapped = cls(inputs, inits[0], region)
        mapped.attributes |= attributes
        return mapped

    def print(self, printer: Printer) -> None:
        block = self.mapper.block
        payload = short_form_payload(block, block.args[:-1])
        if payload is not None:
            print_short_form_head(printer, payload)
        print_operand_group(printer, "ins", self.inputs)
        print_operand_group(printer, "outs", self.outputs)
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        if payload is None:
            print_body_with_arguments(printer, self.mapper)


def short_form_region(
    parser: Parser,
    payload_name: str,
    payload_attributes: dict[str, Attribute],
    operands: Sequence[SSAValue],
    payload_arguments: Sequence[int],
) -> Region:
    """The body ``{ payload_name }`` stands for: one argument per operand, the
    payload applied to the arguments at ``payload_arguments``, its result yielded."""
    payload_type = parser.ctx.get_optional_op(payload_name)
    if payload_type is None or not issubclass(payload_type, IRDLOperation):
        parser.raise_error(f"unknown operation '{payload_name}' in the short form")
    property_names = payload_type.get_irdl_definition().properties
    element_types = [element_type_of(operand) for operand in operands]

    @Builder.implicit_region(element_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        payload = payload_type.build(
            operands=[args[position] for position in payload_arguments],
            result_types=(args[-1].type,),
            properties={k: v for k, v in payload_attributes.items() if k in property_names},
            attributes={k: v for k, v in payload_attributes.items() if k not in property_names},
        )
        linalg_ops.YieldOp(payload)

    return body


# Upstream linalg's sliding-window named ops (convolutions, depthwise
# convolutions, pooling), each written as LinalgNamedStructuredOps.yaml
# defines it: its loops in order, which of them reduce, and one index
# expression per operand dimension. ``oh+kh`` stands for the input position
# ``oh * stride + kh * dilation`` along the next spatial dimension; ``-`` for a
# scalar operand (a quantised op's zero point). Upstream's convolution
# interface reads ``linalg.memoized_indexing_maps`` when an op carries it (the
# generic form prints it): an op here keeps that attribute and verifies it
# against the maps its name implies, rejecting what upstream rejects.

Combine = Literal["mac", "mac_q", "sum", "max", "min", "max_unsigned", "min_unsigned"]


def window_region(
    inputs: Sequence[SSAValue], outputs: Sequence[SSAValue], combine: Combine
) -> Region:
    """The scalar body of a sliding-window op, as upstream's generalisation builds it.

    ``mac``: ``out + cast(in) * cast(kernel)``; ``mac_q`` subtracts each
    operand's zero point after the cast; the pooling kinds combine ``out``
    with ``cast(in)`` (the window operand only gives the window's extent).
    """
    arg_types = NamedOperation.body_arg_types((*inputs, *outputs))
    result_type = arg_types[-1]
    is_float = isinstance(result_type, AnyFloat)
    unsigned = combine.endswith("unsigned")

    @Builder.implicit_region(arg_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        out = args[-1]
        value = convert_scalar(args[0], result_type, unsigned)
        if combine in ("mac", "mac_q"):
            kernel = convert_scalar(args[1], result_type)
            if combine == "mac_q":
                value = subtract(value, convert_scalar(args[2], result_type), is_float)
                kernel = subtract(kernel, convert_scalar(args[3], result_type), is_float)
            product = arith.MulfOp(value, kernel) if is_float else arith.MuliOp(value, kernel)
            linalg_ops.YieldOp(
                arith.AddfOp(out, product) if is_float else arith.AddiOp(out, product)
            )
            return
        linalg_ops.YieldOp(pool_combiner(combine, is_float)(out, value))

    return body


def subtract(lhs: SSAValue, rhs: SSAValue, is_float: bool) -> SSAValue:
    return (arith.SubfOp(lhs, rhs) if is_float else arith.SubiOp(lhs, rhs)).result


def pool_combiner(combine: Combine, is_float: bool) -> BinaryBuilder:
    """The op combining the accumulated value with the next window element."""
    if combine == "sum":
        return arith.AddfOp if is_float else arith.AddiOp
    if combine == "max_unsigned":
        return arith.MaxUIOp
    if combine == "min_unsigned":
        return arith.MinUIOp
    if combine == "max":
        return arith.MaximumfOp if is_float else arith.MaxSIOp
    return arith.MinimumfOp if is_float else arith.MinSIOp


def is_projected_permutation(affine_map: AffineMap) -> bool:
    seen: set[int] = set()
    for result in affine_map.results:
        if not isinstance(result, AffineDimExpr) or result.position in seen:
            return False
        seen.add(result.position)
    return True


class WindowOperation(SlidingWindowOperation, ABC):
    """A sliding-window op described by its loops and operand index expressions."""

    LOOPS: ClassVar[str]
    """The loop names in order, space-separated."""
    REDUCTIONS: ClassVar[str]
    """The loops that reduce; every other loop is parallel."""
    OPERANDS: ClassVar[tuple[str, ...]]
    """Per operand (inputs then output), its index expression per dimension."""
    COMBINE: ClassVar[Combine] = "mac"

    @classmethod
    def expected_input_count(cls, properties: Mapping[str, Attribute]) -> int:
        return len(cls.OPERANDS) - 1

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return window_region(inputs, outputs, cls.COMBINE)

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        reductions = self.REDUCTIONS.split()
        return iterator_types(
            *(
                IteratorType.REDUCTION if loop in reductions else IteratorType.PARALLEL
                for loop in self.LOOPS.split()
            )
        )

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        loops = {name: AffineDimExpr(index) for index, name in enumerate(self.LOOPS.split())}
        strides = self.steps("strides")
        dilations = self.steps("dilations")
        maps: list[AffineMap] = []
        for operand in self.OPERANDS:
            spatial = 0
            results: list[AffineExpr] = []
            for term in operand.split():
                if term == "-":
                    continue
                if "+" in term:
                    output, window = term.split("+")
                    results.append(
                        loops[output] * strides[spatial] + loops[window] * dilations[spatial]
                    )
                    spatial += 1
                else:
                    results.append(loops[term])
            maps.append(AffineMap(len(loops), 0, tuple(results)))
        return maps

    def verify_(self) -> None:
        super().verify_()
        memoized = self.attributes.get("linalg.memoized_indexing_maps")
        if memoized is None:
            return
        if not isa(memoized, ArrayAttr[AffineMapAttr]) or len(memoized) != len(self.OPERANDS):
            raise VerifyException(
                "expected linalg.memoized_indexing_maps to hold one affine map per operand"
            )
        given = [map_attr.data for map_attr in memoized]
        expected = self.get_default_indexing_maps()
        if not all(is_projected_permutation(given[index]) for index in range(1, len(given))):
            raise VerifyException(
                "expected output/filter indexing maps to be projected permutations"
            )
        if given[0] != expected[0]:
            raise VerifyException("unexpected input index map for convolutions")
        if given != list(expected):
            raise VerifyException(
                f"linalg.memoized_indexing_maps {[str(m) for m in given]} differ from the maps "
                f"'{self.name}' implies {[str(m) for m in expected]}"
            )


def window_op(
    name: str, loops: str, reductions: str, operands: tuple[str, ...], combine: Combine, doc: str
) -> type[WindowOperation]:
    """A registered op class for one entry of upstream's table."""
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Op"
    constants: dict[str, object] = {
        "LOOPS": loops,
        "REDUCTIONS": reductions,
        "OPERANDS": operands,
        "COMBINE": combine,
        "SPATIAL_RANK": operands[0].count("+"),
    }
    namespace: dict[str, object] = {
        "__doc__": doc,
        "__module__": __name__,
        "__qualname__": class_name,
        "__annotations__": dict.fromkeys(constants, "ClassVar"),
        "name": f"linalg.{name}",
        **constants,
    }
    return irdl_op_definition(type(class_name, (WindowOperation,), namespace))


POOLING_KINDS: dict[str, tuple[Combine, ...]] = {
    "nwc": ("sum", "max", "min", "max_unsigned", "min_unsigned"),
    "ncw": ("sum", "max"),
    "nhwc": ("min", "max_unsigned", "min_unsigned"),
    "ndhwc": ("sum", "max", "min"),
}
"""Upstream's pooling ops by layout, but for the ones defined above (and
xDSL's ``pooling_nchw_max``, which passes match on)."""

CONV: Combine = "mac"
CONV_Q: Combine = "mac_q"

WINDOW_OPS: tuple[type[WindowOperation], ...] = (
    # Plain convolutions.
    window_op(
        "conv_2d",
        "oh ow kh kw",
        "kh kw",
        ("oh+kh ow+kw", "kh kw", "oh ow"),
        CONV,
        "``O(oh, ow) += I(oh + kh, ow + kw) * K(kh, kw)``.",
    ),
    window_op(
        "conv_3d",
        "od oh ow kd kh kw",
        "kd kh kw",
        ("od+kd oh+kh ow+kw", "kd kh kw", "od oh ow"),
        CONV,
        "``O(od, oh, ow) += I(od + kd, oh + kh, ow + kw) * K(kd, kh, kw)``.",
    ),
    window_op(
        "conv_2d_nhwc_hwcf",
        "n oh ow f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw c", "kh kw c f", "n oh ow f"),
        CONV,
        "2-D convolution, NHWC input, HWCF kernel: ``O(n, oh, ow, f) += I * K(kh, kw, c, f)``.",
    ),
    window_op(
        "conv_2d_nhwc_fhwc",
        "n oh ow f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw c", "f kh kw c", "n oh ow f"),
        CONV,
        "2-D convolution, NHWC input, FHWC kernel.",
    ),
    window_op(
        "conv_2d_nchw_fchw",
        "n f oh ow c kh kw",
        "c kh kw",
        ("n c oh+kh ow+kw", "f c kh kw", "n f oh ow"),
        CONV,
        "2-D convolution, NCHW input, FCHW kernel.",
    ),
    window_op(
        "conv_2d_ngchw_fgchw",
        "n g f oh ow c kh kw",
        "c kh kw",
        ("n g c oh+kh ow+kw", "f g c kh kw", "n g f oh ow"),
        CONV,
        "Grouped 2-D convolution, NGCHW input, FGCHW kernel.",
    ),
    window_op(
        "conv_2d_ngchw_gfchw",
        "n g f oh ow c kh kw",
        "c kh kw",
        ("n g c oh+kh ow+kw", "g f c kh kw", "n g f oh ow"),
        CONV,
        "Grouped 2-D convolution, NGCHW input, GFCHW kernel.",
    ),
    window_op(
        "conv_2d_nhwgc_gfhwc",
        "n oh ow g f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw g c", "g f kh kw c", "n oh ow g f"),
        CONV,
        "Grouped 2-D convolution, NHWGC input, GFHWC kernel.",
    ),
    window_op(
        "conv_3d_ndhwc_dhwcf",
        "n od oh ow f kd kh kw c",
        "kd kh kw c",
        ("n od+kd oh+kh ow+kw c", "kd kh kw c f", "n od oh ow f"),
        CONV,
        "3-D convolution, NDHWC input, DHWCF kernel.",
    ),
    window_op(
        "conv_3d_ncdhw_fcdhw",
        "n f od oh ow c kd kh kw",
        "c kd kh kw",
        ("n c od+kd oh+kh ow+kw", "f c kd kh kw", "n f od oh ow"),
        CONV,
        "3-D convolution, NCDHW input, FCDHW kernel.",
    ),
    # Quantised convolutions: zero points subtracted from input and kernel.
    window_op(
        "conv_2d_nhwc_hwcf_q",
        "n oh ow f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw c", "kh kw c f", "-", "-", "n oh ow f"),
        CONV_Q,
        "Quantised 2-D convolution, NHWC/HWCF: ``O += (I - izp) * (K - kzp)``.",
    ),
    window_op(
        "conv_2d_nhwc_fhwc_q",
        "n oh ow f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw c", "f kh kw c", "-", "-", "n oh ow f"),
        CONV_Q,
        "Quantised 2-D convolution, NHWC/FHWC.",
    ),
    window_op(
        "conv_2d_nchw_fchw_q",
        "n f oh ow c kh kw",
        "c kh kw",
        ("n c oh+kh ow+kw", "f c kh kw", "-", "-", "n f oh ow"),
        CONV_Q,
        "Quantised 2-D convolution, NCHW/FCHW.",
    ),
    window_op(
        "conv_2d_ngchw_gfchw_q",
        "n g f oh ow c kh kw",
        "c kh kw",
        ("n g c oh+kh ow+kw", "g f c kh kw", "-", "-", "n g f oh ow"),
        CONV_Q,
        "Quantised grouped 2-D convolution, NGCHW/GFCHW.",
    ),
    window_op(
        "conv_2d_nhwgc_gfhwc_q",
        "n oh ow g f kh kw c",
        "kh kw c",
        ("n oh+kh ow+kw g c", "g f kh kw c", "-", "-", "n oh ow g f"),
        CONV_Q,
        "Quantised grouped 2-D convolution, NHWGC/GFHWC.",
    ),
    window_op(
        "conv_3d_ndhwc_dhwcf_q",
        "n od oh ow f kd kh kw c",
        "kd kh kw c",
        ("n od+kd oh+kh ow+kw c", "kd kh kw c f", "-", "-", "n od oh ow f"),
        CONV_Q,
        "Quantised 3-D convolution, NDHWC/DHWCF.",
    ),
    # Depthwise convolutions: each channel (times a multiplier m) its own kernel.
    window_op(
        "depthwise_conv_1d_nwc_wc",
        "n ow c kw",
        "kw",
        ("n ow+kw c", "kw c", "n ow c"),
        CONV,
        "1-D depthwise convolution, NWC input, WC kernel.",
    ),
    window_op(
        "depthwise_conv_1d_ncw_cw",
        "n ow c kw",
        "kw",
        ("n c ow+kw", "c kw", "n c ow"),
        CONV,
        "1-D depthwise convolution, NCW input, CW kernel.",
    ),
    window_op(
        "depthwise_conv_1d_nwc_wcm",
        "n ow c m kw",
        "kw",
        ("n ow+kw c", "kw c m", "n ow c m"),
        CONV,
        "1-D depthwise convolution with channel multiplier, NWC/WCM.",
    ),
    window_op(
        "depthwise_conv_2d_nhwc_hwcm",
        "n oh ow c m kh kw",
        "kh kw",
        ("n oh+kh ow+kw c", "kh kw c m", "n oh ow c m"),
        CONV,
        "2-D depthwise convolution with channel multiplier, NHWC/HWCM.",
    ),
    window_op(
        "depthwise_conv_2d_nhwc_hwc_q",
        "n oh ow c kh kw",
        "kh kw",
        ("n oh+kh ow+kw c", "kh kw c", "-", "-", "n oh ow c"),
        CONV_Q,
        "Quantised 2-D depthwise convolution, NHWC/HWC.",
    ),
    window_op(
        "depthwise_conv_2d_nhwc_hwcm_q",
        "n oh ow c m kh kw",
        "kh kw",
        ("n oh+kh ow+kw c", "kh kw c m", "-", "-", "n oh ow c m"),
        CONV_Q,
        "Quantised 2-D depthwise convolution with channel multiplier.",
    ),
    window_op(
        "depthwise_conv_3d_ndhwc_dhwc",
        "n od oh ow c kd kh kw",
        "kd kh kw",
        ("n od+kd oh+kh ow+kw c", "kd kh kw c", "n od oh ow c"),
        CONV,
        "3-D depthwise convolution, NDHWC/DHWC.",
    ),
    window_op(
        "depthwise_conv_3d_ncdhw_cdhw",
        "n od oh ow c kd kh kw",
        "kd kh kw",
        ("n c od+kd oh+kh ow+kw", "c kd kh kw", "n c od oh ow"),
        CONV,
        "3-D depthwise convolution, NCDHW/CDHW.",
    ),
    window_op(
        "depthwise_conv_3d_ndhwc_dhwcm",
        "n od oh ow c m kd kh kw",
        "kd kh kw",
        ("n od+kd oh+kh ow+kw c", "kd kh kw c m", "n od oh ow c m"),
        CONV,
        "3-D depthwise convolution with channel multiplier, NDHWC/DHWCM.",
    ),
    # Pooling: the window operand gives the extent only.
    *(
        window_op(
            f"pooling_{layout}_{kind}",
            loops,
            reductions,
            operands,
            kind,
            f"{kind.replace('_', ' ')} pooling of a {layout.upper()} tensor.",
        )
        for layout, loops, reductions, operands in (
            ("nwc", "n ow c kw", "kw", ("n ow+kw c", "kw", "n ow c")),
            ("ncw", "n c ow kw", "kw", ("n c ow+kw", "kw", "n c ow")),
            ("nhwc", "n oh ow c kh kw", "kh kw", ("n oh+kh ow+kw c", "kh kw", "n oh ow c")),
            (
                "ndhwc",
                "n od oh ow c kd kh kw",
                "kd kh kw",
                ("n od+kd oh+kh ow+kw c", "kd kh kw", "n od oh ow c"),
            ),
        )
        for kind in POOLING_KINDS.get(layout, ())
    ),
)


_REPLACED_OPS = (
    linalg_ops.MatmulOp,
    linalg_ops.ReduceOp,
    linalg_ops.FillOp,
    linalg_ops.GenericOp,
    linalg_ops.IndexOp,
    linalg_ops.Conv2DNchwFchwOp,
    linalg_ops.Conv2DNgchwFgchwOp,
    linalg_ops.Conv2DNgchwGfchwOp,
    linalg_ops.Conv2DNhwc_FhwcOp,
    linalg_ops.Conv2DNhwc_HwcfOp,
    linalg_ops.Conv2DNhwgcGfhwcOp,
)

LinalgExtended = Dialect(
    "linalg",
    [
        *(op for op in Linalg.operations if op not in _REPLACED_OPS),
        MatmulOp,
        ReduceOp,
        FillOp,
        GenericOp,
        MapOp,
        IndexOp,
        BatchMatmulOp,
        BatchReduceMatmulOp,
        ContractOp,
        Mmt4DOp,
        BatchMmt4DOp,
        BatchVecmatOp,
        MatvecOp,
        VecmatOp,
        BatchMatvecOp,
        DotOp,
        DivOp,
        ElementwiseOp,
        SoftmaxOp,
        Conv1DOp,
        Conv1DNwcWcfOp,
        Conv1DNcwFcwOp,
        DepthwiseConv2DNhwcHwcOp,
        DepthwiseConv2DNchwChwOp,
        PoolingNchwSumOp,
        PoolingNhwcSumOp,
        PoolingNhwcMaxOp,
        *WINDOW_OPS,
        *RELAYOUT_OPS,
    ],
    [*Linalg.attributes, ElementwiseKindAttr, TypeFnAttr],
)

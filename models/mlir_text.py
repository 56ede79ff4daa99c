"""A small writer of upstream MLIR text: one ``func.func`` of linalg on tensors.

Model builders describe a network op by op; the writer names every SSA value
readably and uniquely, formats types, constants and regions as ``mlir-opt``
prints them, and collects the module-level ``#alias = affine_map<...>``
definitions the ops refer to. The result is text rather than xDSL IR so that
a model file keeps its comments, names and aliases, and reads as a person
would write it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

ELEMENT_TYPES: dict[str, type[np.floating]] = {"f16": np.float16, "f32": np.float32}
"""The float element types the writer emits, and the numpy type each rounds constants to."""


def float_literal(value: float, element_type: str) -> str:
    """
    ``value`` rounded to ``element_type`` and written exactly, so ``mlir-opt``
    reads back the same number. MLIR's lexer needs a ``.`` in a float, and
    Python's ``repr`` of any finite f16 or f32 value has one: its one-digit
    exponent forms (``1e-05``) name numbers no f16 or f32 holds exactly.
    """
    with np.errstate(over="ignore"):
        rounded = float(ELEMENT_TYPES[element_type](value))
    if not math.isfinite(rounded):
        raise ValueError(f"{value} overflows {element_type}")
    return repr(rounded)


@dataclass(frozen=True)
class TensorValue:
    """An SSA value of ranked tensor type, by its name (without ``%``)."""

    name: str
    shape: tuple[int, ...]
    element_type: str

    @property
    def type(self) -> str:
        return f"tensor<{'x'.join(str(extent) for extent in self.shape)}x{self.element_type}>"

    def __str__(self) -> str:
        return f"%{self.name}"


@dataclass(frozen=True)
class ScalarValue:
    """An SSA value of scalar element type, by its name (without ``%``)."""

    name: str
    element_type: str

    def __str__(self) -> str:
        return f"%{self.name}"


@dataclass
class RegionWriter:
    """The scalar body of a ``linalg.generic``: one block over the element type."""

    element_type: str
    lines: list[str] = field(default_factory=list[str])
    names: set[str] = field(default_factory=set[str])

    def define(self, name: str) -> str:
        if name in self.names:
            raise ValueError(f"the region already defines %{name}")
        self.names.add(name)
        return name

    def constant(self, name: str, value: float) -> str:
        """``%name = arith.constant value``, rounded to the element type."""
        literal = float_literal(value, self.element_type)
        self.lines.append(f"%{self.define(name)} = arith.constant {literal} : {self.element_type}")
        return name

    def op(self, name: str, op_name: str, *operands: str) -> str:
        """``%name = op_name %a, %b : type``: an arith or math op on the element type."""
        arguments = ", ".join(f"%{operand}" for operand in operands)
        self.lines.append(f"%{self.define(name)} = {op_name} {arguments} : {self.element_type}")
        return name


RegionBody = Callable[..., str]
"""Writes a region's ops given the writer and its block arguments' names; returns what it yields."""


@dataclass(frozen=True)
class AffineMapAlias:
    """A module-level ``#name = affine_map<(dims) -> (results)>``."""

    name: str
    dims: tuple[str, ...]
    results: tuple[str, ...]

    def __str__(self) -> str:
        return f"#{self.name}"

    def definition(self) -> str:
        return f"#{self.name} = affine_map<({', '.join(self.dims)}) -> ({', '.join(self.results)})>"


class FunctionWriter:
    """
    Writes one ``func.func`` on tensors of one float element type, op by op,
    inside a module that defines the affine map aliases its ops use.
    """

    indent = "  "

    def __init__(self, name: str, element_type: str, header: Sequence[str] = ()):
        if element_type not in ELEMENT_TYPES:
            raise ValueError(
                f"element type {element_type!r} is not one of {', '.join(ELEMENT_TYPES)}"
            )
        self.name = name
        self.element_type = element_type
        self.header = tuple(header)
        self.arguments: list[str] = []
        self.body: list[str] = []
        self.names: set[str] = set()
        self.aliases: dict[str, AffineMapAlias] = {}
        self.alias_lines: list[str] = []

    def fresh(self, name: str) -> str:
        """``name``, or ``name_N`` with the first N that no other value of the function has."""
        candidate = name
        suffix = 0
        while candidate in self.names:
            suffix += 1
            candidate = f"{name}_{suffix}"
        self.names.add(candidate)
        return candidate

    def map_comment(self, text: str) -> None:
        """A comment line among the map aliases, introducing the ones that follow."""
        self.alias_lines.append(f"// {text}")

    def affine_map(self, name: str, dims: Sequence[str], results: Sequence[str]) -> AffineMapAlias:
        """Defines the alias ``#name`` for the module."""
        if name in self.aliases:
            raise ValueError(f"#{name} is already defined")
        alias = AffineMapAlias(name, tuple(dims), tuple(results))
        self.aliases[name] = alias
        self.alias_lines.append(alias.definition())
        return alias

    def argument(self, name: str, shape: Sequence[int], weight: bool = False) -> TensorValue:
        """
        A function argument; ``weight`` marks it ``{t10.weight}``: a parameter
        that stays resident on the chip rather than an activation.
        """
        value = TensorValue(self.fresh(name), tuple(shape), self.element_type)
        attributes = " {t10.weight}" if weight else ""
        self.arguments.append(f"{value}: {value.type}{attributes}")
        return value

    def comment(self, text: str) -> None:
        self.body.append(f"// {text}")

    def constant(self, name: str, value: float) -> ScalarValue:
        scalar = ScalarValue(self.fresh(name), self.element_type)
        literal = float_literal(value, self.element_type)
        self.body.append(f"{scalar} = arith.constant {literal} : {self.element_type}")
        return scalar

    def empty(self, name: str, shape: Sequence[int]) -> TensorValue:
        value = TensorValue(self.fresh(name), tuple(shape), self.element_type)
        self.body.append(f"{value} = tensor.empty() : {value.type}")
        return value

    def filled(self, name: str, shape: Sequence[int], scalar: ScalarValue) -> TensorValue:
        """A ``tensor.empty`` filled with ``scalar``: the initial value of an accumulator."""
        empty = self.empty(f"{name}_empty", shape)
        value = TensorValue(self.fresh(name), empty.shape, self.element_type)
        self.body.append(
            f"{value} = linalg.fill ins({scalar} : {scalar.element_type}) "
            f"outs({empty} : {empty.type}) -> {value.type}"
        )
        return value

    def generic(
        self,
        name: str,
        comment: str,
        maps: Sequence[AffineMapAlias],
        iterators: Sequence[str],
        inputs: Sequence[TensorValue],
        init: TensorValue,
        block_arguments: Sequence[str],
        body: RegionBody,
    ) -> TensorValue:
        """
        ``linalg.generic`` over ``inputs`` into ``init``, preceded by ``comment``.
        ``body`` writes the scalar ops given the block arguments' names (one per
        input, then the output's) and returns the name it yields.
        """
        operands = (*inputs, init)
        if not len(maps) == len(block_arguments) == len(operands):
            raise ValueError(
                f"{name}: {len(operands)} operands, {len(maps)} maps and "
                f"{len(block_arguments)} block arguments must agree"
            )
        region = RegionWriter(self.element_type)
        for argument in block_arguments:
            region.define(argument)
        yielded = body(region, *block_arguments)
        shadowing = sorted(region.names & self.names)
        if shadowing:
            raise ValueError(f"{name}: region values {shadowing} shadow values of the function")
        value = TensorValue(self.fresh(name), init.shape, self.element_type)
        map_list = ", ".join(str(indexing_map) for indexing_map in maps)
        iterator_list = ", ".join(f'"{iterator}"' for iterator in iterators)
        ins = ", ".join(str(operand) for operand in inputs)
        ins_types = ", ".join(operand.type for operand in inputs)
        arguments = ", ".join(f"%{argument}: {self.element_type}" for argument in block_arguments)
        self.comment(comment)
        self.body.append(
            f"{value} = linalg.generic {{indexing_maps = [{map_list}], "
            f"iterator_types = [{iterator_list}]}} ins({ins} : {ins_types}) "
            f"outs({init} : {init.type}) {{"
        )
        self.body.append(f"^bb0({arguments}):")
        self.body.extend(f"{self.indent}{line}" for line in region.lines)
        self.body.append(f"{self.indent}linalg.yield %{yielded} : {self.element_type}")
        self.body.append(f"}} -> {value.type}")
        return value

    def named_op(
        self, name: str, op: str, inputs: Sequence[TensorValue], init: TensorValue
    ) -> TensorValue:
        """``%name = op ins(inputs) outs(init)``: a linalg named op, ``op`` with its attributes."""
        value = TensorValue(self.fresh(name), init.shape, init.element_type)
        ins = ", ".join(str(operand) for operand in inputs)
        ins_types = ", ".join(operand.type for operand in inputs)
        self.body.append(
            f"{value} = {op} ins({ins} : {ins_types}) outs({init} : {init.type}) -> {value.type}"
        )
        return value

    def pad(
        self,
        name: str,
        input: TensorValue,
        low: Sequence[int],
        high: Sequence[int],
        scalar: ScalarValue,
    ) -> TensorValue:
        """``tensor.pad`` of ``input`` by ``low``/``high`` elements per dim, with ``scalar``."""
        if not len(low) == len(high) == len(input.shape):
            raise ValueError(
                f"{name}: padding {list(low)}, {list(high)} does not match rank {len(input.shape)}"
            )
        shape = tuple(
            extent + before + after
            for extent, before, after in zip(input.shape, low, high, strict=True)
        )
        value = TensorValue(self.fresh(name), shape, self.element_type)
        indices = [self.fresh(f"{name}_i{dim}") for dim in range(len(shape))]
        self.body.append(
            f"{value} = tensor.pad {input} low[{', '.join(map(str, low))}] "
            f"high[{', '.join(map(str, high))}] {{"
        )
        self.body.append(f"^bb0({', '.join(f'%{index}: index' for index in indices)}):")
        self.body.append(f"{self.indent}tensor.yield {scalar} : {scalar.element_type}")
        self.body.append(f"}} : {input.type} to {value.type}")
        return value

    def softmax(self, name: str, input: TensorValue, dimension: int) -> TensorValue:
        """``linalg.softmax`` of ``input`` along ``dimension``."""
        empty = self.empty(f"{name}_empty", input.shape)
        value = TensorValue(self.fresh(name), input.shape, self.element_type)
        self.body.append(
            f"{value} = linalg.softmax dimension({dimension}) ins({input} : {input.type}) "
            f"outs({empty} : {empty.type}) -> {value.type}"
        )
        return value

    def text(self, results: Sequence[TensorValue]) -> str:
        """The module: header comments, map aliases, and the function returning ``results``."""
        lines = [f"// {line}" if line else "//" for line in self.header]
        lines.extend(self.alias_lines)
        lines.append("module {")
        signature_start = f"  func.func @{self.name}("
        continuation = " " * len(signature_start)
        result_types = ", ".join(result.type for result in results)
        arguments = f",\n{continuation}".join(self.arguments)
        signature_results = result_types if len(results) == 1 else f"({result_types})"
        lines.append(f"{signature_start}{arguments}) -> {signature_results} {{")
        lines.extend(f"{self.indent * 2}{line}" for line in self.body)
        returned = ", ".join(str(result) for result in results)
        lines.append(f"{self.indent * 2}func.return {returned} : {result_types}")
        lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"

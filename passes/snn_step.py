# pyright: strict
"""An SNN training step, read from the ``snn`` dialect's ops.

``t10-snn-lower`` replaces a function that computes one training step of a spiking
network (DESIGN §6) by a per-core program. This module reads such a function back into
what the lowering needs, the network's sizes, T, batch and spike-list capacities, the
LIF constants and the learning rate, from the IR alone: the ops' types and attributes
and how their values flow. Names, op order, comments, where constants sit, the order
of a loop's carried values or of a generic's inputs do not matter, so a hand-written
step lowers as well as :mod:`t10.models.snn`'s. Anything that computes something else
is refused, located at the op that differs: the lowering writes its program from
what is read here, so nothing that is not read may differ.

The training step
=================

Layers l = 1..L, T steps, B samples. In the **sparse** form spikes are spike lists of
one segment (``#snn.spikes<N>`` ids, ``B x 1 x C``), in the **dense** form 0/1 f32
tensors (``B x N``).

Arguments
    The input spikes of every step (sparse ``tensor<T x B x 1 x C0 x i32,
    #snn.spikes<N0>>``, dense ``tensor<T x B x N0 x f32>``), the labels
    ``tensor<B x i32>``, then the weights ``W_l: tensor<N_{l-1} x N_l x f32>``.
Forward
    One ``scf.for`` over t = 1..T-1 in order (its counter, or any counter plus a
    constant, indexes the rows), carrying per layer histories with a leading T dim that
    start in the zero state: ``v_l`` (0), sparse ``ids_l`` (-1), ``dropped_l`` (0) and
    optionally ``counts_l`` (0), dense ``s_l`` (0). Each iteration writes row t of each
    (``tensor.insert_slice``) from rows t-1 (``tensor.extract_slice``):
    ``v_l[t] = snn.lif(v_l[t-1], I)`` with ``I = snn.gather_add(W_l, ids_{l-1}[t-1])``
    (dense: a matrix product ``s_{l-1}[t-1] W_l`` into zeros), then
    ``ids_l[t], counts_l[t], dropped_l[t] = snn.threshold_compact(v_l[t])`` (dense:
    ``s_l[t] = v_l[t] >= threshold`` as 0/1). Layer 0's spikes are the inputs.
Loss
    ``snn.cross_entropy(c, labels)`` with ``c = snn.spike_counts(ids_L)`` (dense: the
    sum over t of ``s_L``).
Backward
    One ``scf.for`` over t = T-1..1 in order, carrying per layer ``dv_l``, ``dW_l`` and,
    for l < L, ``ds_l``, all starting at zero. Per layer:
    ``dv_l, dI = snn.lif_grad(dv_l, v_l[t], ds, ids_l[t])`` (dense: no ids) with
    ``ds = snn.pick(dL/dc, ids_L[t])`` (dense: ``dL/dc``) for the output layer and the
    carried ``ds_l`` otherwise; ``dW_l += snn.scatter_add_rows(dI, ids_{l-1}[t-1])``
    (dense: ``+ s_{l-1}[t-1]^T dI``); for l >= 2 the carried ``ds_{l-1}`` becomes
    ``snn.listed_grad(dI, W_l, ids_{l-1}[t-1])`` (dense: ``dI W_l^T``).
Results
    The loss, then ``W_l - lr * dW_l`` per layer (a ``linalg.generic``), then in the
    sparse form the total of each layer's dropped history (a ``linalg.generic`` sum).

Every ``snn.lif``, ``snn.lif_grad``, threshold and learning rate must agree: the
lowered program has one set of LIF constants and one learning rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn, TypeVar, cast

from xdsl.dialects import arith, func, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
    TensorType,
    f32,
    i32,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, BlockArgument, Operation, OpResult, SSAValue
from xdsl.ir.affine import AffineDimExpr
from xdsl.utils.exceptions import VerifyException

from t10.dialects import snn
from t10.dialects.structured import structure
from t10.passes.diagnostics import format_location
from t10.passes.snn_plan import SnnNetwork

Form = Literal["sparse", "dense"]

Expression = tuple[object, ...]
"""A generic's scalar body as a tree: ``("in", k)``, ``("out", k)``, ``("const", x)``,
``(op name, *operands)`` with commutative operands sorted, ``("cmpf", predicate, a, b)``."""

_OpT = TypeVar("_OpT", bound=Operation)

_COMMUTATIVE = frozenset({"arith.addf", "arith.mulf", "arith.addi", "arith.muli"})
_CMPF_OGE = 3
_CMPF_OLE = 5
_PRODUCT_ACCUMULATED: Expression = ("arith.addf", ("arith.mulf", ("in", 0), ("in", 1)), ("out", 0))
"""``out + in0 * in1``: the body of a matrix product."""


class SnnLoweringError(ValueError):
    """The function is not a training step this lowering knows, or cannot be placed;
    ``op`` is where it differs, when one op does."""

    def __init__(self, message: str, op: Operation | None = None):
        super().__init__(message)
        self.op = op


@dataclass(frozen=True)
class SnnStep:
    """What a training step computes: its network, form and constants."""

    network: SnnNetwork
    form: Form
    alpha: float
    threshold: float
    gain: float
    learning_rate: float


def _fail(op: Operation | None, message: str) -> NoReturn:
    raise SnnLoweringError(message, op)


def _owner(value: SSAValue) -> Operation | None:
    return value.owner if isinstance(value, OpResult) else None


def _is_one_row(
    op: tensor.ExtractSliceOp | tensor.InsertSliceOp, history_shape: tuple[int, ...]
) -> bool:
    """Whether ``op`` slices one whole row of a history of ``history_shape``, at a row
    given as a value (the loop's position) and offset 0 on every other dim."""
    offsets = op.static_offsets.get_values()
    return (
        len(op.offsets) == 1
        and offsets[0] == DYNAMIC_INDEX
        and not any(offsets[1:])
        and not op.sizes
        and not op.strides
        and tuple(op.static_sizes.get_values()) == (1, *history_shape[1:])
        and all(stride == 1 for stride in op.static_strides.get_values())
    )


def _shape(value: SSAValue) -> tuple[int, ...]:
    type_ = value.type
    return tuple(type_.get_shape()) if isinstance(type_, TensorType) else ()


def _constant(value: SSAValue) -> float | None:
    """The number an ``arith.constant`` scalar holds, else None."""
    op = _owner(value)
    if isinstance(op, arith.ConstantOp):
        attribute = op.value
        if isinstance(attribute, IntegerAttr | FloatAttr):
            return float(attribute.value.data)
    return None


def _index_form(value: SSAValue, counter: BlockArgument) -> tuple[int, int] | None:
    """``value`` as ``a * counter + b`` over constants, ``arith.addi`` and ``arith.subi``,
    else None."""
    if value is counter:
        return 1, 0
    number = _constant(value)
    if number is not None:
        return 0, int(number)
    op = _owner(value)
    if isinstance(op, arith.AddiOp | arith.SubiOp):
        lhs, rhs = (_index_form(operand, counter) for operand in op.operands)
        if lhs is None or rhs is None:
            return None
        sign = 1 if isinstance(op, arith.AddiOp) else -1
        return lhs[0] + sign * rhs[0], lhs[1] + sign * rhs[1]
    return None


def _splat(value: SSAValue) -> float | None:
    """The value every element of ``value`` holds, when it is a ``linalg.fill`` of a
    constant or a splat ``arith.constant``; else None."""
    op = _owner(value)
    if op is None:
        return None
    if op.name == "linalg.fill" and op.operands:
        return _constant(op.operands[0])
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, DenseIntOrFPElementsAttr):
        values = set(op.value.get_values())
        element = values.pop() if len(values) == 1 else None
        return float(element) if isinstance(element, int | float) else None
    return None


def _unify(expression: object, template: object, bindings: dict[str, object]) -> bool:
    """Whether ``expression`` has the form ``template``, whose ``"?name"`` entries match
    anything and record it in ``bindings``."""
    if isinstance(template, str) and template.startswith("?"):
        bindings[template[1:]] = expression
        return True
    if isinstance(template, tuple):
        if not isinstance(expression, tuple):
            return False
        parts = cast(tuple[object, ...], expression)
        patterns = cast(tuple[object, ...], template)
        return len(parts) == len(patterns) and all(
            _unify(part, pattern, bindings) for part, pattern in zip(parts, patterns, strict=True)
        )
    return expression == template


def _expression(value: SSAValue, op: LinalgStructuredOperation) -> Expression:
    block = op.body.block
    if isinstance(value, BlockArgument) and value.owner is block:
        inputs = len(op.inputs)
        return ("in", value.index) if value.index < inputs else ("out", value.index - inputs)
    number = _constant(value)
    if number is not None:
        return ("const", number)
    inner = _owner(value)
    if inner is None or inner.parent_block() is not block:
        return ("outside",)
    operands = [_expression(operand, op) for operand in inner.operands]
    if inner.name in _COMMUTATIVE:
        operands.sort(key=repr)
    if isinstance(inner, arith.CmpfOp):
        return (inner.name, inner.predicate.value.data, *operands)
    return (inner.name, *operands)


def _body(op: LinalgStructuredOperation) -> Expression:
    """What ``op``'s single result element is, as an :data:`Expression`."""
    terminator = op.body.block.last_op
    if terminator is None or len(terminator.operands) != 1:
        _fail(op, f"{op.name} must yield one value")
    return _expression(terminator.operands[0], op)


def _loops(op: Operation, roles: Sequence[str], reduced: str) -> None:
    """Checks that ``op`` is a structured op whose operands (inputs, then the output) index
    its loops as ``roles`` say, one letter per loop per tensor dim (``"bi"``: the first dim
    follows loop b, the second loop i), and whose reduction loops are those in
    ``reduced``."""
    found = structure(op)
    if found is None:
        _fail(op, f"{op.name} is not a structured op")
    maps, iterators, _ = found
    if len(maps) != len(roles):
        _fail(op, f"{op.name} has {len(maps)} operands, expected {len(roles)}")
    loop_of: dict[str, int] = {}
    for indexing_map, role in zip(maps, roles, strict=True):
        if len(indexing_map.results) != len(role):
            _fail(op, f"{op.name}: indexing map {indexing_map} does not index {len(role)} dims")
        for expression, letter in zip(indexing_map.results, role, strict=True):
            if not isinstance(expression, AffineDimExpr):
                _fail(op, f"{op.name}: indexing map {indexing_map} is not a permutation")
            if loop_of.setdefault(letter, expression.position) != expression.position:
                _fail(op, f"{op.name}: indexing maps {list(maps)} do not read {', '.join(roles)}")
    if sorted(loop_of.values()) != list(range(len(iterators))) or len(loop_of) != len(iterators):
        _fail(op, f"{op.name}: indexing maps {list(maps)} do not read {', '.join(roles)}")
    for letter, loop in loop_of.items():
        if (iterators[loop] == "reduction") != (letter in reduced):
            _fail(op, f"{op.name}: loop {loop} is {iterators[loop]}, expected otherwise")


@dataclass
class _Loop:
    """An ``scf.for`` over rows of the histories, read by what each carried value holds."""

    op: scf.ForOp
    row: tuple[int, int]
    """The row written at each iteration as ``a * counter + b``."""

    @property
    def counter(self) -> BlockArgument:
        return self.op.body.block.args[0]

    def carried(self, index: int) -> BlockArgument:
        return self.op.body.block.args[index + 1]

    def yielded(self, index: int) -> SSAValue:
        terminator = self.op.body.block.last_op
        assert terminator is not None
        return terminator.operands[index]

    def at(self, value: SSAValue, offset: int) -> bool:
        """Whether index ``value`` is the row written, plus ``offset``."""
        form = _index_form(value, self.counter)
        return form == (self.row[0], self.row[1] + offset)


class _Reader:
    """Reads one function as a training step; every check fails at the op that differs."""

    def __init__(self, function: func.FuncOp):
        self.function = function
        self.name = f"@{function.sym_name.data}"
        arguments = function.body.block.args
        if len(arguments) < 3:
            _fail(
                function,
                f"{self.name} takes {len(arguments)} arguments: a training step takes the "
                "input spikes, the labels and one weight matrix per layer",
            )
        self.inputs, self.labels, *weights = arguments
        self.weights: list[SSAValue] = list(weights)
        self.layers = len(self.weights)
        inputs_type = self.inputs.type
        if not isinstance(inputs_type, TensorType):
            _fail(function, f"{self.name}'s first argument is not a tensor of input spikes")
        self.sparse = isinstance(inputs_type.encoding, snn.SpikesEncodingAttr)
        self.constants: dict[str, tuple[float, Operation]] = {}

    # Shapes -------------------------------------------------------------------

    def signature(self) -> None:
        """The arguments' types give sizes, T, B and the input capacity."""
        shape = _shape(self.inputs)
        if self.sparse:
            leading, segments, capacity, neurons = snn.spike_list_shape(self.inputs.type)
            if len(leading) != 2 or segments != 1:
                _fail(
                    self.function,
                    f"{self.name}'s input spikes {self.inputs.type} are not T x B x 1 x C: "
                    "one list of one segment per step and sample",
                )
            self.timesteps, self.batch = leading
            self.capacities = [capacity]
        else:
            if len(shape) != 3 or self._element(self.inputs) != f32:
                _fail(
                    self.function,
                    f"{self.name}'s input spikes {self.inputs.type} are neither a spike list "
                    "T x B x 1 x C nor dense 0/1 spikes tensor<T x B x N x f32>",
                )
            self.timesteps, self.batch, neurons = shape
        self.sizes = [neurons]
        if _shape(self.labels) != (self.batch,) or self._element(self.labels) != i32:
            _fail(
                self.function,
                f"{self.name}'s labels {self.labels.type} are not tensor<{self.batch}xi32>",
            )
        for layer, weight in enumerate(self.weights, 1):
            weight_shape = _shape(weight)
            if (
                len(weight_shape) != 2
                or self._element(weight) != f32
                or weight_shape[0] != self.sizes[-1]
            ):
                _fail(
                    self.function,
                    f"{self.name}'s weights of layer {layer}, {weight.type}, are not "
                    f"tensor<{self.sizes[-1]}xNxf32> (N_{layer - 1} = {self.sizes[-1]} rows)",
                )
            self.sizes.append(weight_shape[1])

    @staticmethod
    def _element(value: SSAValue) -> Attribute | None:
        type_ = value.type
        return cast(Attribute, type_.get_element_type()) if isinstance(type_, TensorType) else None

    def agree(self, what: str, value: float, op: Operation) -> None:
        """Every op of the step must use one value of each constant."""
        first, first_op = self.constants.setdefault(what, (value, op))
        if first != value:
            where = format_location(first_op)
            _fail(
                op,
                f"{op.name} has {what} {value} but {first_op.name}"
                f"{f' at {where}' if where else ''} has {first}: the lowered program takes "
                f"one {what} for every layer",
            )

    def lif_constants(self, op: snn.LifOp | snn.LifGradOp) -> None:
        self.agree("alpha", op.alpha_value, op)
        self.agree("threshold", op.threshold_value, op)
        self.agree("gain", op.gain_value, op)

    # Values -------------------------------------------------------------------

    def producer(self, value: SSAValue, kind: type[_OpT], user: Operation, what: str) -> _OpT:
        """The op of type ``kind`` that produces ``value``, which ``user`` reads as ``what``."""
        op = _owner(value)
        if not isinstance(op, kind):
            _fail(user, f"{user.name} must read {what} ({kind.name}), not {_describe(value)}")
        return op

    def filled(self, value: SSAValue, number: float, user: Operation, what: str) -> None:
        """``value`` must hold ``number`` everywhere."""
        if _splat(value) != number:
            shown = int(number) if number == int(number) else number
            _fail(user, f"{what} must start as {shown} everywhere, not {_describe(value)}")

    def row_of(
        self, value: SSAValue, loop: _Loop, offset: int, user: Operation, what: str
    ) -> SSAValue:
        """The history of which ``value`` is row ``row + offset`` of ``loop``."""
        op = self.producer(value, tensor.ExtractSliceOp, user, what)
        source_shape = _shape(op.source)
        if not _is_one_row(op, source_shape) or _shape(op.result) != source_shape[1:]:
            _fail(op, f"{what} must be one whole row of a history")
        shown = "t" if offset == 0 else f"t{offset:+d}"
        if not loop.at(op.offsets[0], offset):
            _fail(op, f"{what} must be row {shown} of the loop")
        return op.source

    def written(self, loop: _Loop, index: int) -> SSAValue:
        """What the loop writes into row t of its ``index``-th carried history."""
        yielded = loop.yielded(index)
        op = _owner(yielded)
        carried = loop.carried(index)
        if not isinstance(op, tensor.InsertSliceOp) or op.dest is not carried:
            _fail(
                loop.op,
                f"the forward loop's carried value {index} must be a history written a row "
                "per step (tensor.insert_slice into it)",
            )
        if not _is_one_row(op, _shape(carried)) or not loop.at(op.offsets[0], 0):
            _fail(op, "a history must be written one whole row t per step")
        return op.source

    def loop(self, value: SSAValue, user: Operation, what: str, descending: bool) -> _Loop:
        """The loop that produces ``value``, which must run over rows 1..T-1 (or T-1..1)."""
        op = self.producer(value, scf.ForOp, user, what)
        lower, upper, step = (_constant(operand) for operand in (op.lb, op.ub, op.step))
        if lower is None or upper is None or step != 1:
            _fail(op, "a training step's loops have constant bounds and step 1")
        if upper - lower != self.timesteps - 1:
            _fail(
                op,
                f"the loop runs {int(upper - lower)} times, a training step's "
                f"T - 1 = {self.timesteps - 1}",
            )
        # The rows the histories are written at: 1..T-1 forward, T-1..1 backward; the
        # row expressions inside are checked against this.
        coefficient = -1 if descending else 1
        first = self.timesteps - 1 if descending else 1
        return _Loop(op, (coefficient, first - coefficient * int(lower)))

    # The step -----------------------------------------------------------------

    def read(self) -> SnnStep:
        self.signature()
        returned = self.function.body.block.last_op
        assert returned is not None
        results = list(returned.operands)
        expected = 1 + self.layers + (self.layers if self.sparse else 0)
        if len(results) != expected:
            parts = "the loss, the updated weights" + (
                " and the spikes each layer dropped" if self.sparse else ""
            )
            _fail(
                returned,
                f"{self.name} returns {len(results)} values; a {self._form} training step of "
                f"{self.layers} layers returns {expected}: {parts}",
            )
        cross_entropy = self.producer(results[0], snn.CrossEntropyOp, returned, "the loss")
        if results[0] is not cross_entropy.loss or cross_entropy.labels is not self.labels:
            _fail(cross_entropy, "the loss must be the cross-entropy of the labels")
        self.forward = self.read_forward(cross_entropy)
        weight_gradients = [
            self.update(layer, results[layer], returned) for layer in range(1, self.layers + 1)
        ]
        self.read_backward(weight_gradients, cross_entropy)
        if self.sparse:
            for layer in range(1, self.layers + 1):
                self.dropped_total(layer, results[self.layers + layer], returned)
        return self.step()

    @property
    def _form(self) -> Form:
        return "sparse" if self.sparse else "dense"

    def step(self) -> SnnStep:
        capacities = tuple(self.capacities) if self.sparse else None
        network = SnnNetwork(tuple(self.sizes), self.timesteps, self.batch, capacities)
        return SnnStep(
            network=network,
            form=self._form,
            alpha=self.constants["alpha"][0],
            threshold=self.constants["threshold"][0],
            gain=self.constants["gain"][0],
            learning_rate=self.constants["learning rate"][0],
        )

    def read_forward(self, cross_entropy: snn.CrossEntropyOp) -> _Forward:
        """The forward loop, found from the output layer's spike history the loss counts."""
        counts = cross_entropy.counts
        if self.sparse:
            counting = self.producer(counts, snn.SpikeCountsOp, cross_entropy, "spike counts")
            history = counting.ids
        else:
            counting = _owner(counts)
            if not isinstance(counting, LinalgStructuredOperation) or len(counting.inputs) != 1:
                _fail(cross_entropy, f"the loss must count output spikes, not {_describe(counts)}")
            _loops(counting, ("tbn", "bn"), "t")
            if _body(counting) != ("arith.addf", ("in", 0), ("out", 0)):
                _fail(counting, "the output spike counts must sum the spike history over t")
            self.filled(counting.outputs[0], 0.0, counting, "the output spike counts")
            history = counting.inputs[0]
        loop = self.loop(history, counting, "the output layer's spike history", False)
        forward = _Forward(self, loop).read()
        if history is not forward.result(self.layers, forward.spikes_kind()):
            _fail(counting, f"the loss must count layer {self.layers}'s spikes")
        return forward

    def update(self, layer: int, value: SSAValue, returned: Operation) -> SSAValue:
        """``W_l - lr * dW_l``; returns ``dW_l``."""
        op = _owner(value)
        if not isinstance(op, LinalgStructuredOperation) or len(op.inputs) != 2:
            _fail(
                returned,
                f"result {layer} must be layer {layer}'s SGD update, not {_describe(value)}",
            )
        _loops(op, ("ij", "ij", "ij"), "")
        weight = self.weights[layer - 1]
        found: dict[str, object] = {}
        # Commutative operands are sorted: the constant comes first.
        sgd = ("arith.subf", ("in", "?w"), ("arith.mulf", ("const", "?rate"), ("in", "?g")))
        if _unify(_body(op), sgd, found):
            weight_input, rate, gradient_input = found["w"], found["rate"], found["g"]
            if (
                isinstance(weight_input, int)
                and isinstance(gradient_input, int)
                and isinstance(rate, float)
                and op.inputs[weight_input] is weight
                and weight_input != gradient_input
            ):
                self.agree("learning rate", rate, op)
                return op.inputs[gradient_input]
        _fail(op, f"result {layer} must be W{layer} - lr * dW{layer}")

    def dropped_total(self, layer: int, value: SSAValue, returned: Operation) -> None:
        op = _owner(value)
        if not isinstance(op, LinalgStructuredOperation) or len(op.inputs) != 1:
            _fail(returned, "the last results must total each layer's dropped spikes")
        _loops(op, ("tbs", ""), "tbs")
        if _body(op) != ("arith.addi", ("in", 0), ("out", 0)):
            _fail(op, f"layer {layer}'s dropped spikes must be summed")
        self.filled(op.outputs[0], 0, op, "a total")
        if op.inputs[0] is not self.forward.result(layer, "dropped"):
            _fail(op, f"result {self.layers + layer} must total layer {layer}'s dropped spikes")

    def read_backward(
        self, weight_gradients: Sequence[SSAValue], cross_entropy: snn.CrossEntropyOp
    ) -> None:
        first = weight_gradients[0]
        loop = self.loop(first, self.function, "the weight gradients", True)
        _Backward(self, loop, cross_entropy).read(weight_gradients)


def _describe(value: SSAValue) -> str:
    op = _owner(value)
    if op is not None:
        return f"the result of {op.name}"
    if isinstance(value, BlockArgument):
        return f"block argument {value.index}"
    return "a value"


class _Forward:
    """The forward loop's histories by layer and kind (``v``, ``ids``, ``counts``,
    ``dropped``, ``s``)."""

    def __init__(self, reader: _Reader, loop: _Loop):
        self.reader = reader
        self.loop = loop
        self.slots: dict[tuple[int, str], int] = {}

    def result(self, layer: int, kind: str) -> SSAValue:
        return self.loop.op.res[self.slots[layer, kind]]

    def carried(self, layer: int, kind: str) -> SSAValue:
        return self.loop.carried(self.slots[layer, kind])

    def spikes_kind(self) -> str:
        return "ids" if self.reader.sparse else "s"

    def read(self) -> _Forward:
        reader, loop = self.reader, self.loop
        lifs: dict[int, snn.LifOp] = {}
        fired_from: list[tuple[int, Operation, SSAValue]] = []
        for index in range(len(loop.op.iter_args)):
            written = reader.written(loop, index)
            op = _owner(written)
            if isinstance(op, snn.LifOp):
                layer, kind = self.layer_of(op), "v"
                lifs[layer] = op
            elif isinstance(op, snn.ThresholdCompactOp) and reader.sparse:
                assert isinstance(written, OpResult)
                lif = reader.producer(op.potential, snn.LifOp, op, "potentials")
                layer = self.layer_of(lif)
                kind = ("ids", "counts", "dropped")[written.index]
                reader.agree("threshold", op.threshold_value, op)
                fired_from.append((layer, op, op.potential))
            elif isinstance(op, LinalgStructuredOperation) and not reader.sparse:
                layer = self.threshold(op)
                kind = "s"
                fired_from.append((layer, op, op.inputs[0]))
            else:
                _fail(
                    loop.op,
                    f"the forward loop carries {_describe(written)}: its histories hold "
                    "potentials and spikes only",
                )
            if (layer, kind) in self.slots:
                _fail(loop.op, f"the forward loop carries layer {layer}'s {kind} twice")
            self.slots[layer, kind] = index
        kinds = ("v", "ids", "dropped") if reader.sparse else ("v", "s")
        for layer in range(1, reader.layers + 1):
            for kind in kinds:
                if (layer, kind) not in self.slots:
                    _fail(loop.op, f"the forward loop does not carry layer {layer}'s {kind}")
        for (layer, kind), index in self.slots.items():
            self.initial(layer, kind, loop.op.iter_args[index])
        for layer, op, potential in fired_from:
            if potential is not lifs[layer].result:
                _fail(op, f"layer {layer}'s spikes must fire from the potentials it keeps")
        for layer in range(1, reader.layers + 1):
            self.layer(layer, lifs[layer])
        return self

    def layer_of(self, lif: snn.LifOp) -> int:
        """The layer whose weights feed ``lif``'s current."""
        current = _owner(lif.current)
        if isinstance(current, snn.GatherAddOp):
            weight = current.weights
        elif isinstance(current, LinalgStructuredOperation) and len(current.inputs) == 2:
            weight = current.inputs[1]
        else:
            _fail(lif, "snn.lif's current must be a product of spikes and weights")
        if weight not in self.reader.weights:
            _fail(current, f"{current.name} must read a weight argument of {self.reader.name}")
        return self.reader.weights.index(weight) + 1

    def threshold(self, op: LinalgStructuredOperation) -> int:
        """Dense spikes ``v >= threshold`` as 0/1; returns their layer."""
        _loops(op, ("bn", "bn"), "")
        body = _body(op)
        found: dict[str, object] = {}
        comparisons = (
            ("arith.cmpf", _CMPF_OGE, ("in", 0), ("const", "?threshold")),
            ("arith.cmpf", _CMPF_OLE, ("const", "?threshold"), ("in", 0)),
        )
        if not any(
            _unify(body, ("arith.select", fired, ("const", 1.0), ("const", 0.0)), found)
            for fired in comparisons
        ) or not isinstance(threshold := found["threshold"], float):
            _fail(op, "dense spikes must be (v >= threshold) as 1.0 or 0.0")
        self.reader.agree("threshold", threshold, op)
        lif = self.reader.producer(op.inputs[0], snn.LifOp, op, "potentials")
        return self.layer_of(lif)

    def initial(self, layer: int, kind: str, value: SSAValue) -> None:
        start = -1.0 if kind == "ids" else 0.0
        self.reader.filled(value, start, self.loop.op, f"layer {layer}'s {kind} history")

    def layer(self, layer: int, lif: snn.LifOp) -> None:
        reader, loop = self.reader, self.loop
        reader.lif_constants(lif)
        if reader.row_of(lif.potential, loop, -1, lif, "the potential") is not self.carried(
            layer, "v"
        ):
            _fail(lif, f"layer {layer}'s snn.lif must read its own potentials of step t-1")
        source = reader.inputs if layer == 1 else self.carried(layer - 1, self.spikes_kind())
        current = _owner(lif.current)
        if reader.sparse:
            if not isinstance(current, snn.GatherAddOp):
                _fail(lif, "a sparse step's current must be snn.gather_add of a spike list")
            spikes = current.ids
        else:
            if not isinstance(current, LinalgStructuredOperation):
                _fail(lif, "a dense step's current must be a matrix product")
            _loops(current, ("bk", "kn", "bn"), "k")
            if _body(current) != _PRODUCT_ACCUMULATED:
                _fail(current, "a dense current must be the product of spikes and weights")
            reader.filled(current.outputs[0], 0.0, current, "a current")
            spikes = current.inputs[0]
        what = f"layer {layer - 1}'s spikes"
        if reader.row_of(spikes, loop, -1, current, what) is not source:
            _fail(current, f"layer {layer}'s current must read {what} of step t-1")
        if reader.sparse:
            capacity = snn.spike_list_shape(self.carried(layer, "ids").type)
            if capacity[1] != 1:
                _fail(loop.op, f"layer {layer}'s spike lists must have one segment")
            reader.capacities.append(capacity[2])


class _Backward:
    """The backward loop: per layer ``dv``, ``dW`` and (below the output) ``ds``."""

    def __init__(self, reader: _Reader, loop: _Loop, cross_entropy: snn.CrossEntropyOp):
        self.reader = reader
        self.loop = loop
        self.cross_entropy = cross_entropy
        self.forward = reader.forward

    def read(self, weight_gradients: Sequence[SSAValue]) -> None:
        reader, loop = self.reader, self.loop
        layers = reader.layers
        expected = 3 * layers - 1
        if len(loop.op.iter_args) != expected:
            _fail(
                loop.op,
                f"the backward loop carries {len(loop.op.iter_args)} values; it carries "
                f"{expected}: dv and dW of every layer and ds of every layer below the output",
            )
        for layer, gradient in enumerate(weight_gradients, 1):
            if _owner(gradient) is not loop.op:
                _fail(loop.op, f"layer {layer}'s weight gradient must come from the backward loop")
        slots: dict[tuple[int, str], int] = {}
        for layer, gradient in enumerate(weight_gradients, 1):
            assert isinstance(gradient, OpResult)
            slots[layer, "dw"] = gradient.index
        spike_grads: dict[int, SSAValue] = {}
        for layer in range(layers, 0, -1):
            index = slots[layer, "dw"]
            current_grad = self.weight_gradient(layer, index)
            accumulating = _owner(loop.yielded(index)) or loop.op
            lif_grad = reader.producer(current_grad, snn.LifGradOp, accumulating, "dI")
            if current_grad is not lif_grad.current_grad:
                _fail(accumulating, f"layer {layer}'s dW must accumulate its current gradient")
            slots[layer, "dv"] = self.potential_gradient(layer, lif_grad)
            spike_grads[layer] = lif_grad.spike_grad
            self.lif_grad(layer, lif_grad)
            if layer > 1:
                slots[layer - 1, "ds"] = self.input_gradient(layer, current_grad)
        if len(set(slots.values())) != expected:
            _fail(loop.op, "the backward loop carries one value twice")
        for (layer, kind), index in slots.items():
            reader.filled(loop.op.iter_args[index], 0.0, loop.op, f"layer {layer}'s {kind}")
        for layer in range(1, layers):
            if spike_grads[layer] is not loop.carried(slots[layer, "ds"]):
                _fail(
                    _owner(loop.yielded(slots[layer, "dv"])) or loop.op,
                    f"layer {layer}'s snn.lif_grad must read the spike gradient layer "
                    f"{layer + 1} sent at the previous step",
                )
        self.output_spike_gradient(spike_grads[layers])

    def history_row(
        self, value: SSAValue, layer: int, kind: str, offset: int, user: Operation
    ) -> None:
        """``value`` must be row t + ``offset`` of layer ``layer``'s ``kind`` history."""
        source = self.reader.inputs if layer == 0 else self.forward.result(layer, kind)
        what = f"layer {layer}'s {'potentials' if kind == 'v' else 'spikes'}"
        if self.reader.row_of(value, self.loop, offset, user, what) is not source:
            shown = "t" if offset == 0 else "t-1"
            _fail(user, f"{user.name} must read {what} of step {shown}")

    def weight_gradient(self, layer: int, index: int) -> SSAValue:
        """``dW_l`` plus the product of layer l-1's spikes of t-1 and ``dI``; returns ``dI``."""
        reader, loop = self.reader, self.loop
        yielded = loop.yielded(index)
        carried = loop.carried(index)
        kind = self.forward.spikes_kind()
        if reader.sparse:
            op = reader.producer(yielded, snn.ScatterAddRowsOp, loop.op, f"layer {layer}'s dW")
            if op.weights_grad is not carried:
                _fail(op, f"layer {layer}'s dW must accumulate over the steps")
            self.history_row(op.ids, layer - 1, kind, -1, op)
            return op.current_grad
        op = _owner(yielded)
        if not isinstance(op, LinalgStructuredOperation) or len(op.inputs) != 2:
            _fail(loop.op, f"layer {layer}'s dW must be accumulated by a linalg.generic")
        _loops(op, ("bi", "bj", "ij"), "b")
        if _body(op) != _PRODUCT_ACCUMULATED:
            _fail(op, f"layer {layer}'s dW must add the product of spikes and dI")
        if op.outputs[0] is not carried:
            _fail(op, f"layer {layer}'s dW must accumulate over the steps")
        self.history_row(op.inputs[0], layer - 1, kind, -1, op)
        return op.inputs[1]

    def potential_gradient(self, layer: int, lif_grad: snn.LifGradOp) -> int:
        carried = lif_grad.potential_grad
        if not isinstance(carried, BlockArgument) or carried.owner is not self.loop.op.body.block:
            _fail(lif_grad, f"layer {layer}'s snn.lif_grad must read the carried dv")
        index = carried.index - 1
        if self.loop.yielded(index) is not lif_grad.potential_grad_out:
            _fail(lif_grad, f"layer {layer}'s dv must be carried to the next step")
        return index

    def lif_grad(self, layer: int, op: snn.LifGradOp) -> None:
        self.reader.lif_constants(op)
        self.history_row(op.potential, layer, "v", 0, op)
        if self.reader.sparse:
            if op.ids is None:
                _fail(op, "a sparse step's snn.lif_grad takes the layer's spike list")
            self.history_row(op.ids, layer, "ids", 0, op)
        elif op.ids is not None:
            _fail(op, "a dense step's snn.lif_grad takes no spike list")

    def input_gradient(self, layer: int, current_grad: SSAValue) -> int:
        """``ds_{l-1}`` of step t-1 from ``dI_l``; returns its slot."""
        reader, loop = self.reader, self.loop
        weight = reader.weights[layer - 1]
        for index in range(len(loop.op.iter_args)):
            op = _owner(loop.yielded(index))
            if isinstance(op, snn.ListedGradOp) and reader.sparse:
                if op.current_grad is current_grad and op.weights is weight:
                    self.history_row(op.ids, layer - 1, "ids", -1, op)
                    return index
            elif (
                isinstance(op, LinalgStructuredOperation)
                and not reader.sparse
                and len(op.inputs) == 2
                and op.inputs[0] is current_grad
                and op.inputs[1] is weight
            ):
                _loops(op, ("bj", "ij", "bi"), "j")
                if _body(op) != _PRODUCT_ACCUMULATED:
                    _fail(op, f"layer {layer - 1}'s ds must be dI W{layer}^T")
                reader.filled(op.outputs[0], 0.0, op, f"layer {layer - 1}'s ds")
                return index
        _fail(
            loop.op,
            f"the backward loop must carry layer {layer - 1}'s spike gradient from layer "
            f"{layer}'s current gradient and W{layer}",
        )

    def output_spike_gradient(self, spike_grad: SSAValue) -> None:
        layers = self.reader.layers
        loss_gradient = self.cross_entropy.grad
        if not self.reader.sparse:
            if spike_grad is not loss_gradient:
                _fail(self.loop.op, "the output layer's spike gradient must be dL/dc")
            return
        op = _owner(spike_grad)
        if not isinstance(op, snn.PickOp) or op.values is not loss_gradient:
            _fail(self.loop.op, "the output layer's spike gradient must be snn.pick of dL/dc")
        self.history_row(op.ids, layers, "ids", 0, op)


def read_training_step(function: func.FuncOp) -> SnnStep:
    """The network, form and constants of the training step ``function`` computes; raises
    :class:`SnnLoweringError` at the op that differs from one."""
    if not function.body.blocks:
        _fail(function, f"@{function.sym_name.data} is a declaration: it has no training step")
    try:
        return _Reader(function).read()
    except VerifyException as error:
        # A type no op verified, as an argument's can be: not a spike list after all.
        raise SnnLoweringError(str(error), function) from error

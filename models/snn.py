"""One training step of a spiking network as MLIR: ``snn`` ops, ``scf.for`` over time.

The step of :mod:`t10.runtime.snn_reference` (forward over T steps, softmax
cross-entropy of the output spike counts, BPTT, SGD) as one function
``@snn_train_step`` in one of two forms: **sparse** (spikes travel as spike lists
``tensor<... x i32, #snn.spikes<N>>`` of capacity ``C_l = ceil(activity_cap * N_l)``,
one segment per sample) or **dense** (spikes are 0/1 ``f32`` tensors, the products
matrix products). Use as a library (``snn_train_step(config, form, learning_rate)``
returns the module text) or from the shell::

    python -m t10.models.snn --sizes 2312,1466,1466,10 --timesteps 100 --batch 48 \\
        --activity-cap 0.05 --learning-rate 0.1 --form sparse -o snn.mlir

Structure (layers l = 1..L, T steps, B samples)
===============================================

One instance of the training step ``t10-snn-lower`` reads from the ops alone (its
definition, and what may vary, is :mod:`t10.passes.snn_step`'s docstring).

Arguments
    ``%inputs``: sparse ``tensor<T x B x 1 x C0 x i32, #snn.spikes<N0>>`` (the input
    spikes of every step as lists, compacted by the host); dense
    ``tensor<T x B x N0 x f32>`` (0/1). Row t holds ``s_0[t]``. Then
    ``%labels: tensor<B x i32>`` and the weights ``%w1 .. %wL`` (``W_l`` is
    ``N_{l-1} x N_l``, marked ``{t10.weight}``).
Results
    ``%loss: tensor<f32>`` (before the update), the updated weights in order, and
    in the sparse form ``dropped_1 .. dropped_L: tensor<i32>``: the spikes each
    layer's compaction dropped over all steps and samples (the input's lists are
    compacted by the host, which counts its drops).
Histories
    The state kept for BPTT: tensors with a leading T dim, created zero (``v = 0``,
    ``ids = -1``, counts and dropped 0, dense spikes 0) by ``tensor.empty`` and
    ``linalg.fill``. Row 0 stays the zero state: at t = 0 no layer l >= 1 has
    received a spike, so ``v_l[0] = 0`` and ``s_l[0] = 0``.
Forward: ``%forward:K = scf.for %t = %c1 to %steps step %c1``
    Carries, for each layer l in order: sparse ``v_l, ids_l, counts_l, dropped_l``
    histories; dense ``v_l, s_l`` histories. ``%tp = arith.subi %t, %c1`` once, then
    for each layer: ``tensor.extract_slice`` of row ``%tp`` of layer
    l-1's spikes (``%inputs`` for l = 1) and of layer l's potentials, then
    ``snn.gather_add`` (dense: ``linalg.matmul`` into a zero ``B x N_l``),
    ``snn.lif``, ``snn.threshold_compact`` (dense: a ``linalg.generic`` giving 0/1),
    and a ``tensor.insert_slice`` of each result at row ``%t``. Every layer reads
    only rows t-1 of the loop-carried histories: the layers of one iteration are
    independent.
Loss
    ``snn.spike_counts`` of the output layer's ids history (dense: a
    ``linalg.generic`` summing its spike history over time), then
    ``snn.cross_entropy`` with ``%labels``, giving the loss and ``dL/dc``.
Backward: ``%backward:K = scf.for %i = %c1 to %steps step %c1``
    ``%t_back = arith.subi %steps, %i`` and ``%tp_back = arith.subi %t_back, %c1``:
    t runs from T-1 down to 1 (t = 0 contributes nothing: no layer receives spikes at step -1).
    Carries, for each layer l in order: ``dv_l`` (``B x N_l``, ``dv_l[t+1]``),
    ``dW_l``, and for l < L ``ds_l`` (the spike gradient of step t; sparse:
    aligned with layer l's list of step t, ``B x 1 x C_l``; dense: ``B x N_l``),
    all zero at t = T-1. Each iteration, for l = L down to 1: ``ds`` is ``snn.pick``
    of ``dL/dc`` at layer L's ids of step t (dense: ``dL/dc`` itself) for l = L and
    the carried ``ds_l`` otherwise; ``snn.lif_grad`` (list form with layer l's ids
    of step t; dense form) with ``v_l[t]`` gives ``dv_l`` and ``dcur``;
    ``dW_l`` accumulates ``snn.scatter_add_rows`` over layer l-1's ids of step t-1
    (dense: a ``linalg.generic`` ``s_{l-1}[t-1]^T @ dcur`` into ``dW_l``); for
    l >= 2 the next ``ds_{l-1}`` (step t-1) is ``snn.listed_grad`` over those ids
    (dense: a ``linalg.generic`` ``dcur @ W_l^T``). The yield follows the carried
    order.
Update
    One ``linalg.generic`` ``w - lr * dw`` per layer; in the sparse form one
    ``linalg.generic`` sum per layer of its dropped history.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, get_args

from t10.models.bert import multiply_accumulate
from t10.models.cli import check_sizes, int_list, write_model
from t10.models.mlir_text import (
    AffineMapAlias,
    FunctionWriter,
    RegionBody,
    RegionWriter,
    ScalarValue,
    TensorValue,
    float_literal,
)
from t10.runtime.snn_ops import segment_width
from t10.runtime.snn_reference import SnnConfig

Form = Literal["sparse", "dense"]
FORMS: tuple[Form, ...] = get_args(Form)

ISSUE_NETWORK = SnnConfig(sizes=(2312, 1466, 1466, 10), timesteps=100, batch=48, activity_cap=0.05)
"""Issue 7's network and step: the model of ``examples/snn_train_{sparse,dense}.mlir``."""

DEFAULT_LEARNING_RATE = 0.1

PROG = "python -m t10.models.snn"
PARALLEL = "parallel"
REDUCTION = "reduction"


@dataclass(frozen=True)
class Tensor(TensorValue):
    """A tensor value of any rank (0 included); spike ids carry their layer's size
    ``neurons`` as the ``#snn.spikes<N>`` encoding."""

    neurons: int | None = None

    @property
    def type(self) -> str:
        dims = "".join(f"{extent}x" for extent in self.shape)
        encoding = "" if self.neurons is None else f", #snn.spikes<{self.neurons}>"
        return f"tensor<{dims}{self.element_type}{encoding}>"

    def like(self, name: str, shape: Sequence[int]) -> Tensor:
        """A value named ``name`` of this element type and encoding, of ``shape``."""
        return Tensor(name, tuple(shape), self.element_type, self.neurons)


def check_learning_rate(learning_rate: float) -> None:
    if not (math.isfinite(learning_rate) and learning_rate >= 0.0):
        raise ValueError(f"the learning rate must be finite and >= 0, got {learning_rate}")


def command(config: SnnConfig, form: Form, learning_rate: float) -> str:
    """The shell command that writes this training step."""
    cap = 1.0 if config.activity_cap is None else config.activity_cap
    return (
        f"{PROG} --sizes {','.join(map(str, config.sizes))} --timesteps {config.timesteps} "
        f"--batch {config.batch} --activity-cap {cap!r} --learning-rate {learning_rate!r} "
        f"--form {form}"
    )


class SnnWriter:
    """Writes the training step of ``config`` in ``form`` into one function."""

    def __init__(
        self,
        config: SnnConfig,
        form: Form,
        learning_rate: float,
        segments: Sequence[tuple[int, int]] | None = None,
        input_slices: Sequence[tuple[int, int]] | None = None,
    ):
        if form not in FORMS:
            raise ValueError(f"form {form!r} is not one of {', '.join(FORMS)}")
        check_learning_rate(learning_rate)
        if segments is not None and len(segments) != config.layers:
            raise ValueError(
                f"{len(segments)} (segments, capacity) pairs for {config.layers} layers"
            )
        if input_slices is not None and len(input_slices) != config.layers:
            raise ValueError(f"{len(input_slices)} (slices, rows) pairs for {config.layers} layers")
        self.input_slices = tuple(input_slices) if input_slices is not None else None
        self.segments = (
            tuple(segments)
            if segments is not None
            else tuple((1, config.capacity(layer)) for layer in range(1, config.layers + 1))
        )
        self.config = config
        self.form: Form = form
        self.learning_rate = learning_rate
        self.f = FunctionWriter("snn_train_step", "f32", header=self._header())
        self._zeros: dict[tuple[tuple[int, ...], str], Tensor] = {}
        self._define_maps()

    @property
    def sparse(self) -> bool:
        return self.form == "sparse"

    def _header(self) -> tuple[str, ...]:
        c = self.config
        if self.sparse:
            capacities = ", ".join(
                [str(c.capacity(0))]
                + [
                    str(capacity) if segments == 1 else f"{segments} x {capacity}"
                    for segments, capacity in self.segments
                ]
            )
            spikes = f"spike lists of capacity {capacities} per layer"
        else:
            spikes = "dense 0/1 spikes"
        return (
            f"One SNN training step: sizes {list(c.sizes)}, T = {c.timesteps}, batch "
            f"{c.batch}, {spikes}; LIF alpha {c.alpha}, threshold {c.threshold}, gain "
            f"{c.gain}; SGD at learning rate {self.learning_rate}.",
            f"Generated by `{command(c, self.form, self.learning_rate)}`.",
            "Forward over t = 1..T-1 (layer l at t reads layer l-1's spikes of t-1), loss,",
            "BPTT over t = T-1..1, SGD: see the docstring of t10/models/snn.py.",
            "",
        )

    def _define_maps(self) -> None:
        f = self.f
        elementwise = ("i", "j")
        f.map_comment("Elementwise on (rows, columns): SGD, and dense thresholds")
        self.elementwise = f.affine_map("elementwise", elementwise, elementwise)
        if self.input_slices is not None:
            slot_sum = ("b", "n", "k")
            f.map_comment("current[b, n] = sum over slices k of part[k, b, n], in order")
            self.slot_first = f.affine_map("slot_first", slot_sum, ("k", "b", "n"))
            self.slot_sum = f.affine_map("slot_sum", slot_sum, ("b", "n"))
        if self.sparse:
            history = ("t", "b", "s")
            f.map_comment("Totals of a (step, sample, segment) history")
            self.history = f.affine_map("history", history, history)
            self.total = f.affine_map("total", history, ())
            return
        over_time = ("t", "b", "n")
        f.map_comment("Sums over time of a (step, sample, neuron) history")
        self.over_time = f.affine_map("over_time", over_time, over_time)
        self.per_sample = f.affine_map("per_sample", over_time, ("b", "n"))
        weight_gradient = ("i", "j", "b")
        f.map_comment("dW[i, j] += sum_b S[b, i] * dI[b, j]")
        self.dw_spikes = f.affine_map("dw_spikes", weight_gradient, ("b", "i"))
        self.dw_current = f.affine_map("dw_current", weight_gradient, ("b", "j"))
        self.dw_out = f.affine_map("dw_out", weight_gradient, ("i", "j"))
        input_gradient = ("b", "i", "j")
        f.map_comment("dS[b, i] = sum_j dI[b, j] * W[i, j]")
        self.ds_current = f.affine_map("ds_current", input_gradient, ("b", "j"))
        self.ds_weight = f.affine_map("ds_weight", input_gradient, ("i", "j"))
        self.ds_out = f.affine_map("ds_out", input_gradient, ("b", "i"))

    # Lines and values ##########################################################

    def _line(self, text: str) -> None:
        self.f.body.append(text)

    @contextmanager
    def _region(self) -> Iterator[None]:
        """Indents the lines written inside a loop's body, then closes it."""
        start = len(self.f.body)
        yield
        self.f.body[start:] = [f"{self.f.indent}{line}" for line in self.f.body[start:]]
        self._line("}")

    def _tensor(self, name: str, shape: Sequence[int]) -> Tensor:
        """A fresh f32 value."""
        return Tensor(self.f.fresh(name), tuple(shape), "f32")

    def _constant(self, name: str, literal: str, element_type: str) -> ScalarValue:
        value = ScalarValue(self.f.fresh(name), element_type)
        self._line(f"{value} = arith.constant {literal} : {element_type}")
        return value

    def _filled(self, name: str, like: Tensor, scalar: ScalarValue) -> Tensor:
        """A ``tensor.empty`` of ``like``'s type filled with ``scalar``."""
        empty = like.like(self.f.fresh(f"{name}_empty"), like.shape)
        self._line(f"{empty} = tensor.empty() : {empty.type}")
        value = like.like(self.f.fresh(name), like.shape)
        self._line(
            f"{value} = linalg.fill ins({scalar} : {scalar.element_type}) "
            f"outs({empty} : {empty.type}) -> {value.type}"
        )
        return value

    def _zero(self, shape: Sequence[int], element_type: str = "f32") -> Tensor:
        """A zero tensor of ``shape``, written once and shared: the loops call it before
        they open for every shape they use inside."""
        key = (tuple(shape), element_type)
        if key not in self._zeros:
            # No "_<digits>" ending: xDSL drops it from a name hint, and the printer's
            # renaming can then collide with another value's name.
            dims = "x".join(map(str, shape))
            name = "_".join(
                ["zeros", *([dims] if dims else [])]
                + ([] if element_type == "f32" else [element_type])
            )
            like = Tensor(name, tuple(shape), element_type)
            self._zeros[key] = self._filled(name, like, self.zero_scalars[element_type])
        return self._zeros[key]

    def _row(self, name: str, history: Tensor, row: ScalarValue) -> Tensor:
        """Row ``row`` of ``history`` (its leading dim dropped)."""
        value = history.like(self.f.fresh(name), history.shape[1:])
        zeros = ", ".join(["0"] * len(value.shape))
        ones = ", ".join(["1"] * len(history.shape))
        sizes = ", ".join(map(str, (1, *value.shape)))
        self._line(
            f"{value} = tensor.extract_slice {history}[{row}, {zeros}] [{sizes}] [{ones}] : "
            f"{history.type} to {value.type}"
        )
        return value

    def _set_row(self, name: str, history: Tensor, row: ScalarValue, value: Tensor) -> Tensor:
        """``history`` with row ``row`` replaced by ``value``."""
        updated = history.like(self.f.fresh(name), history.shape)
        zeros = ", ".join(["0"] * len(value.shape))
        ones = ", ".join(["1"] * len(history.shape))
        sizes = ", ".join(map(str, (1, *value.shape)))
        self._line(
            f"{updated} = tensor.insert_slice {value} into {history}[{row}, {zeros}] [{sizes}] "
            f"[{ones}] : {value.type} into {history.type}"
        )
        return updated

    def _for(
        self, name: str, induction: str, carried: Sequence[tuple[Tensor, Tensor]]
    ) -> tuple[ScalarValue, list[Tensor], list[Tensor]]:
        """Opens ``%name:K = scf.for %induction = %c1 to %steps step %c1`` carrying each
        ``(block argument, initial value)`` pair; returns the induction variable, the
        block arguments and the loop's results (``%name#k``). The caller writes the body
        and the ``scf.yield`` inside ``_region``."""
        loop = self.f.fresh(name)
        index = ScalarValue(self.f.fresh(induction), "index")
        arguments = [
            argument.like(self.f.fresh(argument.name), argument.shape) for argument, _ in carried
        ]
        assignments = ", ".join(
            f"{argument} = {initial}"
            for argument, (_, initial) in zip(arguments, carried, strict=True)
        )
        types = ", ".join(argument.type for argument in arguments)
        self._line(
            f"%{loop}:{len(carried)} = scf.for {index} = {self.one} to {self.steps} step "
            f"{self.one} iter_args({assignments}) -> ({types}) {{"
        )
        results = [
            argument.like(f"{loop}#{k}", argument.shape) for k, argument in enumerate(arguments)
        ]
        return index, arguments, results

    def _yield(self, values: Sequence[Tensor]) -> None:
        names = ", ".join(str(value) for value in values)
        types = ", ".join(value.type for value in values)
        self._line(f"scf.yield {names} : {types}")

    def _lif_attributes(self) -> str:
        c = self.config
        return _f32_attributes(alpha=c.alpha, threshold=c.threshold, gain=c.gain)

    def _generic(
        self,
        name: str,
        comment: str,
        maps: Sequence[AffineMapAlias],
        iterators: Sequence[str],
        inputs: Sequence[Tensor],
        init: Tensor,
        block_arguments: Sequence[str],
        body: RegionBody,
    ) -> Tensor:
        """``linalg.generic`` over ``inputs`` into ``init`` in ``init``'s element type (the
        function writer's ``generic`` knows one element type and no rank 0)."""
        element_type = init.element_type
        region = RegionWriter(element_type)
        for argument in block_arguments:
            region.define(argument)
        yielded = body(region, *block_arguments)
        shadowing = sorted(region.names & self.f.names)
        if shadowing:
            raise ValueError(f"{name}: region values {shadowing} shadow values of the function")
        value = init.like(self.f.fresh(name), init.shape)
        map_list = ", ".join(str(indexing_map) for indexing_map in maps)
        iterator_list = ", ".join(f'"{iterator}"' for iterator in iterators)
        ins = ", ".join(str(operand) for operand in inputs)
        ins_types = ", ".join(operand.type for operand in inputs)
        arguments = ", ".join(f"%{argument}: {element_type}" for argument in block_arguments)
        self.f.comment(comment)
        self._line(
            f"{value} = linalg.generic {{indexing_maps = [{map_list}], "
            f"iterator_types = [{iterator_list}]}} ins({ins} : {ins_types}) "
            f"outs({init} : {init.type}) {{"
        )
        self._line(f"^bb0({arguments}):")
        self.f.body.extend(f"{self.f.indent}{line}" for line in region.lines)
        self._line(f"{self.f.indent}linalg.yield %{yielded} : {element_type}")
        self._line(f"}} -> {value.type}")
        return value

    def _argument(self, value: Tensor, weight: bool = False) -> Tensor:
        argument = value.like(self.f.fresh(value.name), value.shape)
        attributes = " {t10.weight}" if weight else ""
        self.f.arguments.append(f"{argument}: {argument.type}{attributes}")
        return argument

    def _subtract(self, name: str, lhs: ScalarValue, rhs: ScalarValue) -> ScalarValue:
        value = ScalarValue(self.f.fresh(name), "index")
        self._line(f"{value} = arith.subi {lhs}, {rhs} : index")
        return value

    def _op(
        self,
        results: Sequence[Tensor],
        name: str,
        operands: Sequence[Tensor],
        attributes: str = "",
    ) -> None:
        """``results = name operands attributes : operand types -> result types``."""
        values = ", ".join(str(value) for value in operands)
        operand_types = ", ".join(operand.type for operand in operands)
        result_types = ", ".join(result.type for result in results)
        attribute_text = f" {attributes}" if attributes else ""
        self._line(
            f"{', '.join(str(result) for result in results)} = {name} {values}{attribute_text} : "
            f"{operand_types} -> {result_types}"
        )

    # The step ##################################################################

    def write(self) -> str:
        """The module text of the training step."""
        c = self.config
        steps, batch = c.timesteps, c.batch
        if self.sparse:
            inputs = Tensor("inputs", (steps, batch, 1, c.capacity(0)), "i32", c.sizes[0])
        else:
            inputs = Tensor("inputs", (steps, batch, c.sizes[0]), "f32")
        self.inputs = self._argument(inputs)
        labels = self._argument(Tensor("labels", (batch,), "i32"))
        self.weights = [
            self._argument(Tensor(f"w{layer}", (c.sizes[layer - 1], c.sizes[layer]), "f32"), True)
            for layer in self._layers()
        ]
        self.zero = self._constant("zero", "0.0", "f32")
        self.zero_scalars = {"f32": self.zero}
        if self.sparse:
            self.zero_scalars["i32"] = self._constant("zero_i32", "0", "i32")
            self.no_spike = self._constant("no_spike", "-1", "i32")
        self.learning_rate_value = self._constant(
            "learning_rate", float_literal(self.learning_rate, "f32"), "f32"
        )
        self.one = self._constant("c1", "1", "index")
        self.steps = self._constant("steps", str(steps), "index")

        histories = self._forward()
        output_counts = self._output_counts(histories[-1][1])
        loss = self._tensor("loss", ())
        loss_gradient = self._tensor("dloss", output_counts.shape)
        self.f.comment("Loss: mean softmax cross-entropy of the output spike counts, and dL/dc.")
        self._op((loss, loss_gradient), "snn.cross_entropy", (output_counts, labels))
        gradients = self._backward(histories, loss_gradient)
        results = [loss]
        for layer, (weight, gradient) in enumerate(zip(self.weights, gradients, strict=True), 1):
            results.append(
                self._generic(
                    f"w{layer}_new",
                    f"SGD: W{layer} - lr * dW{layer}",
                    (self.elementwise,) * 3,
                    (PARALLEL, PARALLEL),
                    (weight, gradient),
                    self._empty(f"w{layer}_new", weight),
                    ("weight", "grad", "out"),
                    self._sgd_step,
                )
            )
        if self.sparse:
            for layer, (*_, dropped) in enumerate(histories, 1):
                results.append(
                    self._generic(
                        f"dropped{layer}_total",
                        f"Spikes layer {layer} dropped, over all steps and samples",
                        (self.history, self.total),
                        (REDUCTION, REDUCTION, REDUCTION),
                        (dropped,),
                        self._zero((), "i32"),
                        ("count", "total"),
                        _sum_into,
                    )
                )
        return self.f.text(results)

    def _layers(self) -> range:
        return range(1, self.config.layers + 1)

    def _forward(self) -> list[list[Tensor]]:
        """The forward loop. Returns each layer's histories, the loop carries them in this
        order: sparse ``[v, ids, counts, dropped]``, dense ``[v, s]``."""
        c = self.config
        steps, batch = c.timesteps, c.batch
        self.f.comment("Histories for BPTT, row 0 the zero state (nothing spikes at t = 0).")
        carried: list[list[tuple[Tensor, Tensor]]] = []
        for layer in self._layers():
            size = c.sizes[layer]
            potentials = Tensor(f"v{layer}_h", (steps, batch, size), "f32")
            zero_potentials = self._zero(potentials.shape)
            if self.sparse:
                segments, capacity = self.segments[layer - 1]
                ids = Tensor(f"ids{layer}_h", (steps, batch, segments, capacity), "i32", size)
                no_spikes = self._filled(f"ids{layer}_init", ids, self.no_spike)
                counts = Tensor(f"counts{layer}_h", (steps, batch, segments), "i32")
                zero_counts = self._zero(counts.shape, "i32")
                dropped = counts.like(f"dropped{layer}_h", counts.shape)
                carried.append(
                    [
                        (potentials, zero_potentials),
                        (ids, no_spikes),
                        (counts, zero_counts),
                        (dropped, zero_counts),
                    ]
                )
                if (slices := self._slices(layer)) is not None:
                    self._zero((batch, size))
                    self._zero((slices[0], batch, size))
                    if self._padded_inputs(layer) != c.sizes[layer - 1]:
                        self._zero((self._padded_inputs(layer), size))
            else:
                # The zero the layer's matmul accumulates into, written before the loop.
                self._zero((batch, size))
                if self._slices(layer) is not None:
                    self._zero((self._slices(layer)[0], batch, size))  # type: ignore[index]
                spikes = potentials.like(f"s{layer}_h", potentials.shape)
                carried.append([(potentials, zero_potentials), (spikes, zero_potentials)])
        self.f.comment("Forward over t = 1..T-1: every layer reads rows t-1 only.")
        step, arguments, results = self._for(
            "forward", "t", [pair for pairs in carried for pair in pairs]
        )
        per_layer = len(carried[0])
        states = _split(arguments, per_layer)
        with self._region():
            previous = self._subtract("tp", step, self.one)
            updated: list[Tensor] = []
            for layer, state in enumerate(states, 1):
                source = self.inputs if layer == 1 else states[layer - 2][1]
                updated.extend(self._forward_layer(layer, source, state, step, previous))
            self._yield(updated)
        return _split(results, per_layer)

    def _forward_layer(
        self,
        layer: int,
        source: Tensor,
        state: Sequence[Tensor],
        step: ScalarValue,
        previous: ScalarValue,
    ) -> list[Tensor]:
        """Layer ``layer`` at step t from row t-1 of ``source`` (layer l-1's spikes) and of
        its ``state``; returns ``state`` with row t written."""
        self.f.comment(f"Layer {layer}.")
        spikes_in = self._row(f"s{layer - 1}_prev", source, previous)
        potentials_in = self._row(f"v{layer}_prev", state[0], previous)
        weight = self.weights[layer - 1]
        current = potentials_in.like(self.f.fresh(f"cur{layer}"), potentials_in.shape)
        if self.sparse and (slices := self._slices(layer)) is not None:
            current = self._sliced_gather_add(current, spikes_in, weight, layer, slices[0])
        elif self.sparse:
            self._op((current,), "snn.gather_add", (weight, spikes_in))
        elif (slices := self._slices(layer)) is None:
            self._matmul(current, spikes_in, weight)
        else:
            current = self._sliced_matmul(current, spikes_in, weight, *slices)
        potentials = potentials_in.like(self.f.fresh(f"v{layer}"), potentials_in.shape)
        self._op((potentials,), "snn.lif", (potentials_in, current), self._lif_attributes())
        if self.sparse:
            ids_history, counts_history = state[1:3]
            ids = ids_history.like(self.f.fresh(f"ids{layer}"), ids_history.shape[1:])
            counts = counts_history.like(self.f.fresh(f"counts{layer}"), counts_history.shape[1:])
            dropped = counts.like(self.f.fresh(f"dropped{layer}"), counts.shape)
            threshold = _f32_attributes(threshold=self.config.threshold)
            self._op((ids, counts, dropped), "snn.threshold_compact", (potentials,), threshold)
            rows = (potentials, ids, counts, dropped)
        else:
            spikes = self._generic(
                f"s{layer}",
                f"s{layer} = (v{layer} >= threshold) as 0/1",
                (self.elementwise,) * 2,
                (PARALLEL, PARALLEL),
                (potentials,),
                self._empty(f"s{layer}", potentials),
                ("potential", "out"),
                self._fires,
            )
            rows = (potentials, spikes)
        return [
            self._set_row(f"{history.name}_next", history, step, row)
            for history, row in zip(state, rows, strict=True)
        ]

    def _slices(self, layer: int) -> tuple[int, int] | None:
        """(slices, rows) of layer ``layer``'s inputs when its current is summed over
        slices, else None."""
        if self.input_slices is None or self.input_slices[layer - 1][0] == 1:
            return None
        return self.input_slices[layer - 1]

    def _matmul(self, current: Tensor, spikes: Tensor, weight: Tensor) -> None:
        zero = self._zero(current.shape)
        self._line(
            f"{current} = linalg.matmul ins({spikes}, {weight} : {spikes.type}, "
            f"{weight.type}) outs({zero} : {zero.type}) -> {current.type}"
        )

    def _padded_inputs(self, layer: int) -> int:
        """Layer ``layer``'s input neurons padded to whole segments of its input lists."""
        segments = self.segments[layer - 2][0] if layer > 1 else 1
        return segments * segment_width(self.config.sizes[layer - 1], segments)

    def _sliced_gather_add(
        self, current: Tensor, spikes: Tensor, weight: Tensor, layer: int, slices: int
    ) -> Tensor:
        """``current = gather_add(weight, spikes)`` as the sum, slice after slice from a
        zero, of the gather-adds over ``slices`` runs of the lists' segments: the order a
        program whose cores each take one run adds them in. The weight's rows are padded
        with zeros to whole segments (never listed) so that every run's ids keep their
        segment width."""
        batch, segments, capacity = spikes.shape
        if segments % slices:
            raise ValueError(
                f"layer {layer}: {segments} segments of its input lists do not split into "
                f"{slices} slices"
            )
        run = segments // slices
        padded_rows = self._padded_inputs(layer)
        rows = padded_rows // segments * run
        padded = weight
        if padded_rows != weight.shape[0]:
            zero = self._zero((padded_rows, weight.shape[1]))
            padded = weight.like(self.f.fresh("w_padded"), zero.shape)
            self._line(
                f"{padded} = tensor.insert_slice {weight} into {zero}[0, 0] "
                f"[{weight.shape[0]}, {weight.shape[1]}] [1, 1] : {weight.type} into "
                f"{padded.type}"
            )
        plain = Tensor(self.f.fresh("ids_plain"), spikes.shape, "i32")
        self._line(f"{plain} = snn.spikes_cast {spikes} : {spikes.type} to {plain.type}")
        parts: dict[int, Tensor] = {}
        for index in range(slices):
            run_ids = plain.like(self.f.fresh("ids_run"), (batch, run, capacity))
            self._line(
                f"{run_ids} = tensor.extract_slice {plain}[0, {index * run}, 0] "
                f"[{batch}, {run}, {capacity}] [1, 1, 1] : {plain.type} to {run_ids.type}"
            )
            part_spikes = Tensor(self.f.fresh("ids_slice"), run_ids.shape, "i32", rows)
            self._line(
                f"{part_spikes} = snn.spikes_cast {run_ids} : {run_ids.type} to {part_spikes.type}"
            )
            part_weight = self._weight_rows(padded, index * rows, rows)
            part = current.like(self.f.fresh("cur_slice"), current.shape)
            self._op((part,), "snn.gather_add", (part_weight, part_spikes))
            parts[index] = part
        return self._slot_sum(current, parts, slices)

    def _sliced_matmul(
        self, current: Tensor, spikes: Tensor, weight: Tensor, slices: int, rows: int
    ) -> Tensor:
        """``current = spikes @ weight`` as the sum, slice after slice from a zero, of the
        products over ``slices`` slices of ``rows`` inputs: the order a program whose cores
        each take one slice adds them in."""
        batch, inputs = spikes.shape
        parts: dict[int, Tensor] = {}
        for index in range(slices):
            start = index * rows
            width = min(inputs, start + rows) - start
            if width <= 0:
                continue
            part_spikes = spikes.like(self.f.fresh("s_slice"), (batch, width))
            self._line(
                f"{part_spikes} = tensor.extract_slice {spikes}[0, {start}] [{batch}, {width}] "
                f"[1, 1] : {spikes.type} to {part_spikes.type}"
            )
            part_weight = self._weight_rows(weight, start, width)
            part = current.like(self.f.fresh("cur_slice"), current.shape)
            self._matmul(part, part_spikes, part_weight)
            parts[index] = part
        return self._slot_sum(current, parts, slices)

    def _weight_rows(self, weight: Tensor, start: int, rows: int) -> Tensor:
        """Rows ``start .. start + rows`` of ``weight``."""
        part = weight.like(self.f.fresh("w_slice"), (rows, weight.shape[1]))
        self._line(
            f"{part} = tensor.extract_slice {weight}[{start}, 0] [{rows}, {weight.shape[1]}] "
            f"[1, 1] : {weight.type} to {part.type}"
        )
        return part

    def _slot_sum(self, current: Tensor, parts: dict[int, Tensor], slices: int) -> Tensor:
        """The sum of ``parts`` (slice index to its current; a missing slice adds zero)
        over ``slices`` slices, from a zero in slice order, as the program's
        reduction over its slots adds them."""
        batch, columns = current.shape
        stacked = self._zero((slices, batch, columns))
        for index, part in parts.items():
            placed = stacked.like(self.f.fresh("cur_slices"), stacked.shape)
            self._line(
                f"{placed} = tensor.insert_slice {part} into {stacked}[{index}, 0, 0] "
                f"[1, {batch}, {columns}] [1, 1, 1] : {part.type} into {stacked.type}"
            )
            stacked = placed
        return self._generic(
            current.name,
            "The slices' currents, added in order",
            (self.slot_first, self.slot_sum),
            (PARALLEL, PARALLEL, REDUCTION),
            (stacked,),
            self._zero(current.shape),
            ("part", "total"),
            lambda region, part, total: _sum_into(region, part, total),
        )

    def _output_counts(self, spikes: Tensor) -> Tensor:
        """``c``: the output layer's listed (sent) spikes summed over time."""
        shape = (self.config.batch, self.config.sizes[-1])
        if self.sparse:
            counts = self._tensor("output_counts", shape)
            self._op((counts,), "snn.spike_counts", (spikes,))
            return counts
        return self._generic(
            "output_counts",
            "Output spike counts: c[b, n] = sum_t s[t, b, n]",
            (self.over_time, self.per_sample),
            (REDUCTION, PARALLEL, PARALLEL),
            (spikes,),
            self._zero(shape),
            ("spike", "acc"),
            _sum_into,
        )

    def _backward(
        self, histories: Sequence[Sequence[Tensor]], loss_gradient: Tensor
    ) -> list[Tensor]:
        """The BPTT loop; returns the weight gradients ``dW_l``."""
        c = self.config
        carried: list[tuple[Tensor, Tensor]] = []
        for layer in self._layers():
            size = c.sizes[layer]
            potential_gradient = Tensor(f"dv{layer}", (c.batch, size), "f32")
            weight_gradient = Tensor(f"dw{layer}", (c.sizes[layer - 1], size), "f32")
            carried.append((potential_gradient, self._zero(potential_gradient.shape)))
            carried.append((weight_gradient, self._zero(weight_gradient.shape)))
            if layer < c.layers:
                spikes = histories[layer - 1][1]
                shape = (c.batch, *spikes.shape[2:]) if self.sparse else (c.batch, size)
                carried.append((Tensor(f"ds{layer}", shape, "f32"), self._zero(shape)))
        self.f.comment("Backward over t = T-1..1 (t = 0 adds nothing: no spikes at t = -1).")
        index, arguments, results = self._for("backward", "i", carried)
        states = _split_gradients(arguments, c.layers)
        sources = [self.inputs, *(history[1] for history in histories)]
        with self._region():
            step = self._subtract("t_back", self.steps, index)
            previous = self._subtract("tp_back", step, self.one)
            updated: dict[int, list[Tensor]] = {}
            spike_gradients: dict[int, Tensor] = {}
            for layer in reversed(self._layers()):
                potential_gradient, weight_gradient, *carried_spike_gradient = states[layer - 1]
                self.f.comment(f"Layer {layer}.")
                potentials = self._row(f"v{layer}_t", histories[layer - 1][0], step)
                spikes_in = self._row(f"s{layer - 1}_tp", sources[layer - 1], previous)
                if self.sparse:
                    ids = self._row(f"ids{layer}_t", sources[layer], step)
                    if carried_spike_gradient:
                        spike_gradient = carried_spike_gradient[0]
                    else:
                        spike_gradient = self._tensor(f"ds{layer}_t", ids.shape)
                        self._op((spike_gradient,), "snn.pick", (loss_gradient, ids))
                    operands = (potential_gradient, potentials, spike_gradient, ids)
                else:
                    spike_gradient = (carried_spike_gradient or [loss_gradient])[0]
                    operands = (potential_gradient, potentials, spike_gradient)
                new_potential_gradient = potential_gradient.like(
                    self.f.fresh(f"dv{layer}_next"), potential_gradient.shape
                )
                current_gradient = self._tensor(f"dcur{layer}", potential_gradient.shape)
                self._op(
                    (new_potential_gradient, current_gradient),
                    "snn.lif_grad",
                    operands,
                    self._lif_attributes(),
                )
                updated[layer] = [
                    new_potential_gradient,
                    self._weight_gradient(layer, weight_gradient, current_gradient, spikes_in),
                ]
                if layer > 1:
                    spike_gradients[layer - 1] = self._input_gradient(
                        layer, current_gradient, spikes_in
                    )
            yielded: list[Tensor] = []
            for layer in self._layers():
                yielded.extend(updated[layer])
                if layer < c.layers:
                    yielded.append(spike_gradients[layer])
            self._yield(yielded)
        return [state[1] for state in _split_gradients(results, c.layers)]

    def _weight_gradient(
        self, layer: int, accumulated: Tensor, current_gradient: Tensor, spikes_in: Tensor
    ) -> Tensor:
        """``dW_l += s_{l-1}[t-1]^T @ dcur``."""
        if self.sparse:
            gradient = accumulated.like(self.f.fresh(f"dw{layer}_next"), accumulated.shape)
            self._op(
                (gradient,), "snn.scatter_add_rows", (accumulated, current_gradient, spikes_in)
            )
            return gradient
        return self._generic(
            f"dw{layer}_next",
            f"dW{layer}[i, j] += sum_b s{layer - 1}[b, i] * dcur{layer}[b, j]",
            (self.dw_spikes, self.dw_current, self.dw_out),
            (PARALLEL, PARALLEL, REDUCTION),
            (spikes_in, current_gradient),
            accumulated,
            ("spike", "grad", "acc"),
            multiply_accumulate,
        )

    def _input_gradient(self, layer: int, current_gradient: Tensor, spikes_in: Tensor) -> Tensor:
        """``ds_{l-1}[t-1] = dcur @ W_l^T``, at layer l-1's listed ids in the sparse form."""
        weight = self.weights[layer - 1]
        if self.sparse:
            gradient = self._tensor(f"ds{layer - 1}_next", spikes_in.shape)
            self._op((gradient,), "snn.listed_grad", (current_gradient, weight, spikes_in))
            return gradient
        return self._generic(
            f"ds{layer - 1}_next",
            f"ds{layer - 1}[b, i] = sum_j dcur{layer}[b, j] * W{layer}[i, j]",
            (self.ds_current, self.ds_weight, self.ds_out),
            (PARALLEL, PARALLEL, REDUCTION),
            (current_gradient, weight),
            self._zero((self.config.batch, weight.shape[0])),
            ("grad", "weight", "acc"),
            multiply_accumulate,
        )

    def _sgd_step(self, region: RegionWriter, weight: str, grad: str, out: str) -> str:
        step = region.op("step", "arith.mulf", self.learning_rate_value.name, grad)
        return region.op("updated", "arith.subf", weight, step)

    def _fires(self, region: RegionWriter, potential: str, out: str) -> str:
        threshold = region.constant("threshold", self.config.threshold)
        fired = region.define("fired")
        region.lines.append(f"%{fired} = arith.cmpf oge, %{potential}, %{threshold} : f32")
        spike = region.constant("spike", 1.0)
        silent = region.constant("silent", 0.0)
        return region.op("fire", "arith.select", fired, spike, silent)

    def _empty(self, name: str, like: Tensor) -> Tensor:
        empty = like.like(self.f.fresh(f"{name}_empty"), like.shape)
        self._line(f"{empty} = tensor.empty() : {empty.type}")
        return empty


def _f32_attributes(**values: float) -> str:
    """An attribute dictionary of f32 values."""
    entries = (f"{name} = {float_literal(value, 'f32')} : f32" for name, value in values.items())
    return f"{{{', '.join(entries)}}}"


def _sum_into(region: RegionWriter, value: str, acc: str) -> str:
    add = "arith.addf" if region.element_type.startswith("f") else "arith.addi"
    return region.op("sum", add, acc, value)


def _split(values: Sequence[Tensor], size: int) -> list[list[Tensor]]:
    return [list(values[start : start + size]) for start in range(0, len(values), size)]


def _split_gradients(values: Sequence[Tensor], layers: int) -> list[list[Tensor]]:
    """The backward loop's carried values per layer: ``[dv, dW, ds]``, no ``ds`` for layer L."""
    return [
        list(values[3 * layer : 3 * layer + (3 if layer < layers - 1 else 2)])
        for layer in range(layers)
    ]


def snn_train_step(
    config: SnnConfig,
    form: Form = "sparse",
    learning_rate: float = DEFAULT_LEARNING_RATE,
    segments: Sequence[tuple[int, int]] | None = None,
    input_slices: Sequence[tuple[int, int]] | None = None,
) -> str:
    """The MLIR module text of one training step of ``config`` in ``form``: one function
    ``@snn_train_step`` (see the module docstring for its structure). ``segments`` gives,
    per layer l = 1..L, the segments of its spike lists and their capacity (default: one
    segment of ``config.capacity(l)``): a lowered program's lists are cut so, and this
    writes the same computation for checking it. ``input_slices`` gives, per layer, the
    (slices, rows) over which a program sums a layer's current (dense: slices of ``rows``
    inputs; sparse: the ``slices`` runs of its input lists' segments, ``rows`` unused):
    written so, the current is summed in that program's order, and thresholds fire alike
    (float32 sums in another order can move a potential across the threshold)."""
    return SnnWriter(config, form, learning_rate, segments, input_slices).write()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write one SNN training step (forward, BPTT, SGD) as MLIR with snn ops.",
    )
    parser.add_argument(
        "--sizes",
        type=int_list("layer sizes"),
        default=ISSUE_NETWORK.sizes,
        help="neurons per layer, the input first",
    )
    parser.add_argument("--timesteps", type=int, default=ISSUE_NETWORK.timesteps)
    parser.add_argument("--batch", type=int, default=ISSUE_NETWORK.batch)
    parser.add_argument(
        "--activity-cap",
        type=float,
        default=ISSUE_NETWORK.activity_cap,
        help="spike-list capacity as a fraction of a layer's neurons (sparse form)",
    )
    parser.add_argument("--learning-rate", type=float, default=DEFAULT_LEARNING_RATE)
    parser.add_argument("--form", choices=FORMS, default="sparse")
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)

    def build() -> str:
        check_sizes({"--timesteps": arguments.timesteps, "--batch": arguments.batch})
        check_sizes(
            {
                f"--sizes entry {index} (layer {index})": size
                for index, size in enumerate(arguments.sizes)
            }
        )
        if len(arguments.sizes) < 2:
            raise ValueError(
                f"--sizes needs an input and an output layer, got {len(arguments.sizes)} size"
            )
        if not 0.0 < arguments.activity_cap <= 1.0:
            raise ValueError(f"--activity-cap must be in (0, 1], got {arguments.activity_cap}")
        if not (math.isfinite(arguments.learning_rate) and arguments.learning_rate >= 0.0):
            raise ValueError(
                f"--learning-rate must be finite and >= 0, got {arguments.learning_rate}"
            )
        config = SnnConfig(
            sizes=arguments.sizes,
            timesteps=arguments.timesteps,
            batch=arguments.batch,
            activity_cap=arguments.activity_cap,
        )
        return snn_train_step(config, arguments.form, arguments.learning_rate)

    return write_model(PROG, build, arguments.output)


if __name__ == "__main__":
    sys.exit(main())

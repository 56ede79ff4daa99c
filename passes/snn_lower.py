"""Lowering of a spiking network's training step to a per-core ``tile`` program.

The input is a ``@snn_train_step`` function of ``snn`` ops computing one training
step (:mod:`t10.passes.snn_step` reads it, from its ops alone, into its network and
constants, and says where anything else differs; :mod:`t10.models.snn` writes one);
the layout is :func:`snn_plan.search_snn_plan`'s. The function is replaced by a
``tile.program`` in which every layer runs on its own range of cores:

- layer l's range holds, per core (batch group j, column block i, input slice k),
  its weight block ``W_l[k-th slice of rows, i-th block of columns]`` and the
  gradient of it, the potential history of the neurons it owns and (sparse) the
  history of its segment of the layer's spike list; the input holders (layer 0)
  hold their batch group's input spikes of every step;
- a forward step is one ``tile.repeat`` iteration: every layer computes at once
  from the spikes the previous exchange delivered (layer l at step t reads layer
  l-1's spikes of step t-1), summing partial currents over its input slices with
  one more exchange when a column block is split, then a sync and one exchange
  phase in which every layer's new spikes go to the next layer's cores
  (``tile.fanin``: each receiver takes the segments of its input slice, or on a
  ring of R column blocks its place's chunk of them: the layer then computes in R
  sub-steps with a sync and a rotation between them, each core slicing the weight
  rows of the chunk it holds at the offset a one-off fan-in told it);
- a backward step (t from T-1 down to 1): each layer takes its spike gradient
  (the loss gradient at the output's listed neurons, else the partial input
  gradients the next layer sent, summed) through the LIF backward; a sync and an
  exchange deliver the previous layer's spikes of step t-1 again (and, for a
  split column block, the current gradients of its other slices); then the
  weight gradient and the partial input gradients at the previous layer's listed
  ids (on a ring, in sub-steps: the partials of each chunk travel round with it and
  are summed on the way), a sync, and an exchange of those partials to their owners;
- the loss is taken on the output layer's cores, per batch group, and summed; each
  batch group holds a replica of the weights, so the weight gradients are summed over
  the replicas (each takes a chunk of rows from every replica, sums it and sends the
  sum to all: in rounds when SRAM is short) before every replica takes the same SGD
  step.

Spike-list inputs are held by their batch group's input cores, cut by samples when
one core cannot keep every step of them; dense inputs are cut by neurons.

Spike lists travel as their ids only (-1 padded): a kernel stops at the first -1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.utils.exceptions import DiagnosticException

from t10.dialects import tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.snn_plan import LayerLayout, NoSnnPlanError, SnnPlan, search_snn_plan
from t10.passes.snn_step import SnnLoweringError, SnnStep, read_training_step

__all__ = [
    "SnnLowerPass",
    "SnnLoweringError",
    "SnnStep",
    "input_slices",
    "lower_training_step",
    "lower_with_plan",
    "training_step_of",
]

ALIGNMENT = tile.SRAM_ALIGNMENT_BYTES


def _f(value: float) -> str:
    """An f32 literal that reads back as the same float."""
    return repr(float(value))


@dataclass
class _Buffer:
    name: str
    shape: tuple[int, ...]
    element: str
    layer: int | None
    """The layer whose range holds it; None: every core."""

    @property
    def type(self) -> str:
        dims = "".join(f"{extent}x" for extent in self.shape)
        return f"!tile.buffer<{dims}{self.element}>"

    @property
    def tensor(self) -> str:
        dims = "".join(f"{extent}x" for extent in self.shape)
        return f"tensor<{dims}{self.element}>"

    @property
    def bytes(self) -> int:
        return 4 * math.prod(self.shape)


def _tensor(shape: Sequence[int], element: str, neurons: int | None = None) -> str:
    dims = "".join(f"{extent}x" for extent in shape)
    encoding = "" if neurons is None else f", #snn.spikes<{neurons}>"
    return f"tensor<{dims}{element}{encoding}>"


@dataclass
class _Body:
    """The lines of one ``tile.compute`` body; values are numbered as they are made."""

    lines: list[str] = field(default_factory=lambda: list[str]())
    count: int = 0

    def value(self, text: str) -> str:
        self.count += 1
        name = f"%x{self.count}"
        self.lines.append(f"{name} = {text}")
        return name

    def values(self, results: int, text: str) -> list[str]:
        self.count += 1
        names = [f"%x{self.count}_{index}" for index in range(results)]
        self.lines.append(f"{', '.join(names)} = {text}")
        return names


_BodyBuilder = Callable[..., Sequence[str]]
"""Writes a compute body given the body and its arguments' names; returns what it yields."""


class _Writer:
    """Writes the ``tile.program`` of one training step under one plan."""

    def __init__(self, step: SnnStep, plan: SnnPlan, chip: Chip, sram_bytes: int):
        self.step = step
        self.plan = plan
        self.chip = chip
        self.sram_bytes = sram_bytes
        """The SRAM per core the buffers may take: the chip's, less what is kept back."""
        self.network = step.network
        self.sparse = step.form == "sparse"
        self.layers = self.network.layers
        self.b = plan.samples
        self.lines: list[str] = []
        self.indent = 1
        self.buffers: list[_Buffer] = []
        self.bases: list[int] = []
        base = 0
        for layout in plan.layouts:
            self.bases.append(base)
            base += plan.batch_groups * layout.cores

    # Layout arithmetic --------------------------------------------------------

    def layout(self, layer: int) -> LayerLayout:
        return self.plan.layouts[layer]

    def count(self, layer: int) -> int:
        return self.plan.batch_groups * self.layout(layer).cores

    def cores(self, layer: int) -> str:
        return f"cores [{self.bases[layer]}, {self.count(layer)}]"

    def read(self, layer: int) -> int:
        """Segments of layer ``layer - 1`` one core of layer ``layer`` reads."""
        return self.layout(layer - 1).segments // self.layout(layer).input_groups

    def ring(self, layer: int) -> int:
        """Column blocks of ``layer`` rotating its inputs round a ring (1: broadcast)."""
        return self.layout(layer).ring

    def held(self, layer: int) -> int:
        """Segments one core of ``layer`` holds at once: its chunk of the slice it reads."""
        return self.read(layer) // self.ring(layer)

    def slots(self, layer: int) -> int:
        """Pieces one core of ``layer`` receives a step: the segments it holds, or, from
        the holders of spike-list inputs, each holder's share of the samples."""
        if layer == 1 and self.sparse:
            return self.layout(0).cores
        return self.held(layer)

    def ringed(self) -> list[int]:
        return [layer for layer in range(1, self.layers + 1) if self.ring(layer) > 1]

    def turns(self) -> int:
        """Sub-steps of phases that run round rings: the largest ring's size."""
        return max(self.ring(layer) for layer in range(1, self.layers + 1))

    def held_samples(self) -> int:
        """Samples one input holder keeps (spike-list inputs are cut by samples)."""
        return self.b // self.layout(0).cores if self.sparse else self.b

    def rows(self, layer: int) -> int:
        """Weight rows of one core of layer ``layer``: its input slice."""
        return self.read(layer) * self.layout(layer - 1).owned

    def chunk_rows(self, layer: int) -> int:
        """Weight rows of the inputs one core of ``layer`` holds at once."""
        return self.held(layer) * self.layout(layer - 1).owned

    def width(self, layer: int) -> int:
        """Neurons whose state one core of ``layer`` keeps (all, for the output layer)."""
        return self.layout(layer).owned

    def capacity(self, layer: int) -> int:
        return self.layout(layer).capacity

    def split(self, layer: int) -> bool:
        return self.layout(layer).input_groups > 1

    def last(self, layer: int) -> bool:
        return layer == self.layers

    # Emitting -----------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("  " * self.indent + line)

    def alloc(self, name: str, shape: Sequence[int], element: str, layer: int | None) -> _Buffer:
        buffer = _Buffer(name, tuple(shape), element, layer)
        self.buffers.append(buffer)
        return buffer

    def compute(
        self,
        layer: int | None,
        inputs: Sequence[_Buffer],
        outputs: Sequence[_Buffer],
        build: _BodyBuilder,
    ) -> None:
        body = _Body()
        arguments = [f"%{buffer.name}_in" for buffer in (*inputs, *outputs)]
        yielded = build(body, *arguments)
        ins = ""
        if inputs:
            names = ", ".join(f"%{buffer.name}" for buffer in inputs)
            types = ", ".join(buffer.type for buffer in inputs)
            ins = f"ins({names} : {types}) "
        outs_names = ", ".join(f"%{buffer.name}" for buffer in outputs)
        outs_types = ", ".join(buffer.type for buffer in outputs)
        where = "" if layer is None else f" {self.cores(layer)}"
        self.emit(f"tile.compute {ins}outs({outs_names} : {outs_types}){where} {{")
        signature = ", ".join(
            f"{argument}: {buffer.tensor}"
            for argument, buffer in zip(arguments, (*inputs, *outputs), strict=True)
        )
        self.emit(f"^bb0({signature}):")
        for line in body.lines:
            self.emit("  " + line)
        results = ", ".join(yielded)
        result_types = ", ".join(buffer.tensor for buffer in outputs)
        self.emit(f"  tile.yield {results} : {result_types}")
        self.emit("}")

    def fanin(
        self,
        source: _Buffer,
        dest: _Buffer,
        receivers: int,
        slots: int,
        sender: str,
        source_slot: str | None = None,
        slot_axis: int = 0,
        valid: str | None = None,
    ) -> None:
        layer = dest.layer
        assert layer is not None
        pattern = (
            f"#tile.fanin<receivers = [{self.bases[layer]}, {receivers}], slots = {slots}, "
            f"sender = (d0, d1) -> ({sender})"
        )
        if source_slot is not None:
            pattern += f", source_slot = (d0, d1) -> ({source_slot})"
        if valid is not None:
            pattern += f", valid = (d0, d1) -> ({valid})"
        if slot_axis:
            pattern += f", slot_axis = {slot_axis}"
        pattern += ">"
        self.emit(
            f"tile.fanin %{source.name} to %{dest.name} by {pattern} : {source.type} to {dest.type}"
        )

    def sync(self) -> None:
        self.emit("tile.sync")

    @contextmanager
    def repeat(self, count: int, counter: _Buffer, start: int, stride: int) -> Iterator[None]:
        self.emit(f"tile.repeat {count} counter %{counter.name} from {start} step {stride} {{")
        self.indent += 1
        yield
        self.indent -= 1
        self.emit("}")

    # The program ---------------------------------------------------------------

    def write(self, arguments: Sequence[tuple[str, str]], results: Sequence[str]) -> str:
        """The program text; ``arguments`` are (name, type) of the function's arguments
        and ``results`` the types it returns."""
        self.declare()
        reads, returned = self.results()
        for line in reads:
            self.emit(line)
        self.emit(f"tile.return {', '.join(returned)} : {', '.join(results)}")
        body_lines = self.lines
        self.lines = []
        self.indent = 0
        signature = ", ".join(f"%{name}: {type_}" for name, type_ in arguments)
        self.emit(
            f"tile.program @snn_train_step({signature}) -> ({', '.join(results)}) "
            f"cores {self.chip.cores} sram_bytes {self.chip.sram_bytes} {{"
        )
        self.indent = 1
        self.place_buffers()
        self.lines.extend(body_lines)
        self.indent = 0
        self.emit("}")
        return "\n".join(self.lines)

    def place_buffers(self) -> None:
        """Every range starts its own SRAM at the end of the buffers every core holds."""
        shared_end = 0
        for buffer in self.buffers:
            if buffer.layer is None:
                self.emit(f"%{buffer.name} = tile.alloc offset {shared_end} : {buffer.type}")
                shared_end += _aligned(buffer.bytes)
        ends = dict.fromkeys(range(self.layers + 1), shared_end)
        for buffer in self.buffers:
            if buffer.layer is not None:
                offset = ends[buffer.layer]
                self.emit(
                    f"%{buffer.name} = tile.alloc offset {offset} {self.cores(buffer.layer)} : "
                    f"{buffer.type}"
                )
                ends[buffer.layer] = offset + _aligned(buffer.bytes)
        worst = max(ends.values())
        if worst > self.sram_bytes:
            raise SnnLoweringError(
                f"the plan's buffers need {worst} bytes per core, {self.chip.name} has "
                f"{self.sram_bytes}"
            )

    def declare(self) -> None:
        """Allocates every buffer and writes the steps, in program order."""
        n = self.network
        b, steps, layers = self.b, n.timesteps, self.layers
        value = "i32" if self.sparse else "f32"
        self.forward_counter = self.alloc("forward_step", (1,), "i32", None)
        self.backward_counter = self.alloc("backward_step", (1,), "i32", None)
        self.inputs = self.alloc("inputs_held", self.held_input_shape(), value, 0)
        self.send: dict[int, _Buffer] = {0: self.alloc("send0", self.send_shape(0), value, 0)}
        self.recv: dict[int, _Buffer] = {}
        self.recv_next: dict[int, _Buffer] = {}
        self.ring_order: dict[int, _Buffer] = {}
        self.ring_chunks: dict[int, _Buffer] = {}
        self.currents: dict[int, _Buffer] = {}
        self.weights: dict[int, _Buffer] = {}
        self.weight_grads: dict[int, _Buffer] = {}
        self.gradient_sums: dict[int, _Buffer] = {}
        self.gradient_chunks: dict[int, _Buffer] = {}
        self.rounds: dict[int, int] = {}
        self.potentials: dict[int, _Buffer] = {}
        self.id_history: dict[int, _Buffer] = {}
        self.dropped: dict[int, _Buffer] = {}
        self.partials: dict[int, _Buffer] = {}
        self.partial_sums: dict[int, _Buffer] = {}
        self.slot_order: dict[int, _Buffer] = {}
        self.own_slot: dict[int, _Buffer] = {}
        self.potential_grads: dict[int, _Buffer] = {}
        self.current_grads: dict[int, _Buffer] = {}
        self.gathered_grads: dict[int, _Buffer] = {}
        self.spike_grads: dict[int, _Buffer] = {}
        self.spike_grad_parts: dict[int, _Buffer] = {}
        self.spike_grad_parts_next: dict[int, _Buffer] = {}
        for layer in range(1, layers + 1):
            width = self.width(layer)
            self.potentials[layer] = self.alloc(f"v{layer}_h", (steps, b, width), "f32", layer)
            self.recv[layer] = self.alloc(f"recv{layer}", self.recv_shape(layer), value, layer)
            if self.ring(layer) > 1:
                self.allocate_ring(layer)
            if self.sparse:
                self.id_history[layer] = self.alloc(
                    f"ids{layer}_h", (steps, b, 1, self.capacity(layer)), "i32", layer
                )
                self.dropped[layer] = self.alloc(f"dropped{layer}_h", (steps, b, 1), "i32", layer)
            if not self.last(layer):
                self.send[layer] = self.alloc(f"send{layer}", self.send_shape(layer), value, layer)
            if self.split(layer):
                groups = self.layout(layer).input_groups
                shape = (b, width) if self.last(layer) else (b, groups, width)
                self.partials[layer] = self.alloc(f"part{layer}", shape, "f32", layer)
                self.partial_sums[layer] = self.alloc(
                    f"part_sums{layer}", (b, groups, width), "f32", layer
                )
                self.slot_order[layer] = self.alloc(f"slot{layer}_order", (groups, 1), "i32", layer)
                self.own_slot[layer] = self.alloc(f"slot{layer}", (1, 1), "i32", layer)
            self.potential_grads[layer] = self.alloc(f"dv{layer}", (b, width), "f32", layer)
            self.current_grads[layer] = self.alloc(f"dcur{layer}", (b, width), "f32", layer)
            if self.split(layer) and not self.last(layer):
                self.gathered_grads[layer] = self.alloc(
                    f"dcur_all{layer}", (b, self.layout(layer).input_groups, width), "f32", layer
                )
            if not self.last(layer):
                senders = self.layout(layer + 1).neuron_groups // self.ring(layer + 1)
                piece = self.gradient_piece(layer)
                self.spike_grads[layer] = self.alloc(
                    f"ds{layer}", (piece[0], senders, *piece[1:]), "f32", layer
                )
            if layer > 1:
                piece = self.gradient_piece(layer - 1)
                self.spike_grad_parts[layer] = self.alloc(
                    f"ds_part{layer}", (piece[0], self.held(layer), *piece[1:]), "f32", layer
                )
                if self.ring(layer) > 1:
                    parts = self.spike_grad_parts[layer]
                    self.spike_grad_parts_next[layer] = self.alloc(
                        f"ds_part{layer}_next", parts.shape, "f32", layer
                    )
        last = layers
        size = n.sizes[last]
        self.labels = self.alloc("labels_held", (b,), "i32", last)
        self.loss_gradient = self.alloc("loss_grad", (b, size), "f32", last)
        self.loss_part = self.alloc("loss_part", (), "f32", last)
        self.loss_parts = self.alloc("loss_parts", (self.plan.batch_groups,), "f32", last)
        self.loss_total = self.alloc("loss_total", (), "f32", last)
        self.dropped_parts: dict[int, _Buffer] = {}
        self.dropped_totals: dict[int, _Buffer] = {}
        self.dropped_senders_buffers: dict[int, _Buffer] = {}
        if self.sparse:
            for layer in range(1, layers + 1):
                self.dropped_parts[layer] = self.alloc(f"dropped_part{layer}", (), "i32", layer)
                self.dropped_senders_buffers[layer] = self.alloc(
                    f"dropped_parts{layer}", (self.dropped_senders(layer),), "i32", layer
                )
                self.dropped_totals[layer] = self.alloc(f"dropped{layer}_total", (), "i32", layer)
        for layer in range(1, layers + 1):
            self.allocate_weights(layer)
        self.write_steps()

    def allocate_ring(self, layer: int) -> None:
        """What a ring needs beyond the chunk it holds: the chunk arriving, the currents summed
        over the sub-steps, and where each sub-step's chunk sits in the input slice."""
        recv = self.recv[layer]
        ring = self.ring(layer)
        self.recv_next[layer] = self.alloc(f"recv{layer}_next", recv.shape, recv.element, layer)
        self.currents[layer] = self.alloc(
            f"cur{layer}", (self.b, self.layout(layer).columns), "f32", layer
        )
        self.ring_order[layer] = self.alloc(f"ring{layer}_order", (ring, 1), "i32", layer)
        self.ring_chunks[layer] = self.alloc(f"ring{layer}_chunks", (ring, 1), "i32", layer)

    def allocate_weights(self, layer: int) -> None:
        """The weight block and its gradient, and what summing the gradient over the batch
        groups takes: it runs in ``rounds``, each summing one chunk of every replica's rows
        (a reduce-scatter, then an all-gather), in as few rounds as the SRAM left allows."""
        rows, columns = self.rows(layer), self.layout(layer).columns
        groups = self.plan.batch_groups
        taken = sum(_aligned(b.bytes) for b in self.buffers if b.layer in (layer, None))
        block = _aligned(4 * rows * columns)
        rounds = 1
        if groups > 1:
            most = -(-rows // groups)
            while True:
                chunk = -(-rows // (groups * rounds))
                need = block + _aligned(4 * groups * rounds * chunk * columns)
                need += _aligned(4 * groups * chunk * columns) + _aligned(4 * chunk * columns)
                if taken + need <= self.sram_bytes:
                    break
                if rounds >= most:
                    raise SnnLoweringError(
                        f"layer {layer}'s weight block and gradient need {taken + need} bytes "
                        f"per core with every other buffer, {self.chip.name} has "
                        f"{self.sram_bytes}"
                    )
                rounds += 1
        chunk = -(-rows // (groups * rounds))
        self.rounds[layer] = rounds
        self.weights[layer] = self.alloc(f"w{layer}_block", (rows, columns), "f32", layer)
        self.weight_grads[layer] = self.alloc(
            f"dw{layer}_block", (groups * rounds, chunk, columns), "f32", layer
        )
        if groups > 1:
            self.gradient_sums[layer] = self.alloc(
                f"dw{layer}_sums", (groups, chunk, columns), "f32", layer
            )
            self.gradient_chunks[layer] = self.alloc(
                f"dw{layer}_chunk", (chunk, columns), "f32", layer
            )

    # Shapes -------------------------------------------------------------------

    def held_input_shape(self) -> tuple[int, ...]:
        n = self.network
        if self.sparse:
            return (n.timesteps, self.held_samples(), 1, self.capacity(0))
        return (n.timesteps, self.b, self.layout(0).owned)

    def samples_first(self, layer: int) -> bool:
        """Whether ``layer`` receives its inputs with the samples first and the segments
        second, as its kernels read them (every layer but the first of a sparse network,
        whose holders send it whole lists of some samples each)."""
        return not (self.sparse and layer == 1)

    def recv_shape(self, layer: int) -> tuple[int, ...]:
        """The pieces one core of ``layer`` receives a step."""
        piece = self.send_shape(layer - 1)
        if self.samples_first(layer):
            return (piece[0], self.slots(layer), *piece[1:])
        return (self.slots(layer), *piece)

    def send_shape(self, layer: int) -> tuple[int, ...]:
        """One core's piece of layer ``layer``'s spikes of one step."""
        if self.sparse:
            return (self.held_samples() if layer == 0 else self.b, self.capacity(layer))
        return (self.b, self.width(layer))

    def gradient_piece(self, layer: int) -> tuple[int, ...]:
        """One core's piece of the spike gradient of layer ``layer``."""
        if self.sparse:
            return (self.b, self.capacity(layer))
        return (self.b, self.width(layer))

    def dropped_senders(self, layer: int) -> int:
        """Cores whose compactions count toward layer ``layer``'s dropped spikes: the
        output layer's cores all compute the same state, so one per batch group counts."""
        if self.last(layer):
            return self.plan.batch_groups
        return self.count(layer)

    # Steps --------------------------------------------------------------------

    def write_steps(self) -> None:
        self.write_host_inputs()
        self.write_initial_state()
        self.write_forward()
        self.write_loss()
        self.write_backward()
        self.write_update()

    def place(self, map_text: str, extents: Sequence[int], grid: Sequence[int]) -> str:
        return (
            f"#tile.place<map = {map_text}, extents = [{', '.join(map(str, extents))}], "
            f"grid = [{', '.join(map(str, grid))}]>"
        )

    def weight_place(self, layer: int) -> str:
        layout = self.layout(layer)
        return self.place(
            "(d0, d1, d2) -> (d2, d1)",
            (
                self.network.batch,
                layout.neuron_groups * layout.columns,
                layout.input_groups * self.rows(layer),
            ),
            (self.plan.batch_groups, layout.neuron_groups, layout.input_groups),
        )

    def input_place(self) -> str:
        n = self.network
        groups = self.plan.batch_groups
        if self.sparse:
            return self.place(
                "(d0, d1, d2, d3) -> (d0, d1, d2, d3)",
                (n.timesteps, n.batch, 1, self.capacity(0)),
                (1, groups * self.layout(0).cores, 1, 1),
            )
        holders = self.layout(0)
        return self.place(
            "(d0, d1, d2) -> (d0, d1, d2)",
            (n.timesteps, n.batch, holders.segments * holders.owned),
            (1, groups, holders.segments),
        )

    def labels_place(self) -> str:
        cores = self.layout(self.layers).cores
        return self.place(
            "(d0, d1) -> (d0)",
            (self.network.batch, cores),
            (self.plan.batch_groups, cores),
        )

    def scalar_place(self, layer: int) -> str:
        return self.place("(d0) -> ()", (self.count(layer),), (self.count(layer),))

    def write_host_inputs(self) -> None:
        self.emit(
            f"tile.host_write %inputs to %{self.inputs.name} by {self.input_place()} : "
            f"{self.input_type} to {self.inputs.type}"
        )
        self.emit(
            f"tile.host_write %labels to %{self.labels.name} by {self.labels_place()} : "
            f"tensor<{self.network.batch}xi32> to {self.labels.type}"
        )
        for layer in range(1, self.layers + 1):
            weights = self.weights[layer]
            self.emit(
                f"tile.host_write %w{layer} to %{weights.name} by {self.weight_place(layer)} : "
                f"{self.weight_type(layer)} to {weights.type}"
            )

    @property
    def input_type(self) -> str:
        n = self.network
        if self.sparse:
            return _tensor((n.timesteps, n.batch, 1, self.capacity(0)), "i32", n.sizes[0])
        return _tensor((n.timesteps, n.batch, n.sizes[0]), "f32")

    def weight_type(self, layer: int) -> str:
        return _tensor(self.network.sizes[layer - 1 : layer + 1], "f32")

    def fill(self, layer: int | None, buffer: _Buffer, value: str) -> None:
        def build(body: _Body, _: str) -> list[str]:
            return [_filled(body, buffer.shape, buffer.element, value)]

        self.compute(layer, [], [buffer], build)

    def write_initial_state(self) -> None:
        """Zero states and empty lists, and the input spikes of step 0 on their way."""
        none = "-1" if self.sparse else "0.0"
        for layer in range(1, self.layers + 1):
            self.fill(layer, self.potentials[layer], "0.0")
            self.fill(layer, self.recv[layer], none)
            if self.sparse:
                self.fill(layer, self.id_history[layer], "-1")
                self.fill(layer, self.dropped[layer], "0")
        for layer in self.ringed():
            rows = self.chunk_rows(layer)
            self.write_column(
                layer, self.ring_order[layer], [chunk * rows for chunk in range(self.ring(layer))]
            )
        for layer, order in self.slot_order.items():
            self.write_column(layer, order, list(range(self.layout(layer).input_groups)))
        self.copy_step(0, None, 0)
        self.sync()
        self.deliver_spikes(1)
        for layer in self.ringed():
            self.place_on_ring(layer)
        for layer in self.own_slot:
            self.take_own_slot(layer)

    def write_column(self, layer: int, buffer: _Buffer, values: Sequence[int]) -> None:
        """``buffer``, a column, holds ``values`` on every core of ``layer``: a table each
        core takes its own entries of (the ring order: row ``c`` the weight row where chunk
        ``c`` of the input slice starts; the slot order: row ``k`` input slice ``k``'s slot)."""
        rows_text = ", ".join(f"[{value}]" for value in values)

        def build(body: _Body, _: str) -> list[str]:
            return [body.value(f"arith.constant dense<[{rows_text}]> : {buffer.tensor}")]

        self.compute(layer, [], [buffer], build)

    def neighbour(self, layer: int) -> str:
        """The next core of ``layer``'s range after receiver ``d0``, round the range: every
        core holds the same tables, and a table entry from another core costs a transfer of
        its bytes where one from the receiver itself would be a local copy (a kernel launch)."""
        return f"(d0 + 1) mod {self.count(layer)} + {self.bases[layer]}"

    def take_own_slot(self, layer: int) -> None:
        """Every core of a split column block takes the slot of its own input slice, where
        its own partial current (and current gradient) joins those the others send."""
        self.fanin(
            self.slot_order[layer],
            self.own_slot[layer],
            self.count(layer),
            1,
            self.neighbour(layer),
            f"d0 mod {self.layout(layer).input_groups}",
        )

    def ring_position(self, layer: int) -> str:
        """A receiver's place on its ring, from its index ``d0`` among the layer's cores."""
        return f"(d0 floordiv {self.layout(layer).input_groups}) mod {self.ring(layer)}"

    def place_on_ring(self, layer: int) -> None:
        """Every core of a ring takes, for each sub-step, where the chunk it then holds
        starts: at sub-step r, the core at place m holds chunk (m - r) mod R."""
        ring = self.ring(layer)
        self.fanin(
            self.ring_order[layer],
            self.ring_chunks[layer],
            self.count(layer),
            ring,
            self.neighbour(layer),
            f"({self.ring_position(layer)} + {ring} - d1) mod {ring}",
        )

    def ring_buffer(self, layer: int, step: int) -> _Buffer:
        """The buffer holding a ring's chunk at sub-step ``step``: the two alternate."""
        return self.recv[layer] if step % 2 == 0 else self.recv_next[layer]

    def gradient_buffer(self, layer: int, step: int) -> _Buffer:
        """The buffer holding, at sub-step ``step``, the partial input gradients of the chunk
        held, summed over the ring so far: the two alternate."""
        if step % 2 == 0:
            return self.spike_grad_parts[layer]
        return self.spike_grad_parts_next[layer]

    def rotate(self, layer: int, step: int, gradients: bool = False) -> None:
        """Every core of a ring takes its predecessor's chunk for sub-step ``step`` and, with
        ``gradients``, the partial input gradients of that chunk summed so far."""
        groups = self.layout(layer).input_groups
        ring = self.ring(layer)
        place = self.ring_position(layer)
        predecessor = (
            f"d0 - ({place}) * {groups} + (({place} + {ring - 1}) mod {ring}) * {groups} + "
            f"{self.bases[layer]}"
        )
        pairs = [(self.ring_buffer(layer, step - 1), self.ring_buffer(layer, step))]
        if gradients and layer in self.spike_grad_parts:
            pairs.append((self.gradient_buffer(layer, step - 1), self.gradient_buffer(layer, step)))
        for source, dest in pairs:
            self.fanin(
                source, dest, self.count(layer), self.held(layer), predecessor, "d1", slot_axis=1
            )

    def copy_step(self, layer: int, counter: _Buffer | None, offset: int) -> None:
        """The input holders' spikes of a step into their send buffer: step ``offset``
        without a counter, else the counter's step plus ``offset``."""

        def build(body: _Body, *arguments: str) -> list[str]:
            held = arguments[0]
            row = _row(body, arguments[1], offset) if counter is not None else _index(body, offset)
            shape = self.inputs.shape
            piece = body.value(
                f"tensor.extract_slice {held}[{row}{', 0' * (len(shape) - 1)}] "
                f"[1, {', '.join(map(str, shape[1:]))}] [{', '.join('1' * len(shape))}] : "
                f"{self.inputs.tensor} to {_tensor(self.send_shape(0), self.inputs.element)}"
            )
            return [piece]

        inputs = [self.inputs] if counter is None else [self.inputs, counter]
        self.compute(layer, inputs, [self.send[0]], build)

    def deliver_spikes(self, layer: int) -> None:
        """Layer ``layer - 1``'s spikes to every core of ``layer``: each takes the segments
        of its input slice, or on a ring its place's chunk of them."""
        reader = self.layout(layer)
        writer_cores = self.layout(layer - 1).cores
        read = self.read(layer)
        chunk = ""
        if reader.ring > 1:
            chunk = f"({self.ring_position(layer)}) * {self.held(layer)} + "
        sender = (
            f"(d0 floordiv {reader.cores}) * {writer_cores} + (d0 mod {reader.input_groups}) "
            f"* {read} + {chunk}d1 + {self.bases[layer - 1]}"
        )
        self.fanin(
            self.send[layer - 1],
            self.recv[layer],
            self.count(layer),
            self.slots(layer),
            sender,
            slot_axis=1 if self.samples_first(layer) else 0,
        )

    # Forward ------------------------------------------------------------------

    def received(self, body: _Body, recv: str, layer: int) -> str:
        """The spikes a core of ``layer`` received, as its kernels read them: a list over
        its weight rows (sparse) or a ``b x rows`` block of 0/1 (dense)."""
        shape = self.recv[layer].shape
        if self.sparse and layer == 1:
            # The holders' pieces are consecutive samples of one list each.
            capacity = self.capacity(0)
            whole = body.value(
                f"tensor.collapse_shape {recv} [[0, 1], [2]] : {_tensor(shape, 'i32')} into "
                f"{_tensor((self.b, capacity), 'i32')}"
            )
            listed = body.value(
                f"tensor.expand_shape {whole} [[0], [1, 2]] output_shape [{self.b}, 1, "
                f"{capacity}] : {_tensor((self.b, capacity), 'i32')} into "
                f"{_tensor((self.b, 1, capacity), 'i32')}"
            )
            return body.value(
                f"snn.spikes_cast {listed} : {_tensor((self.b, 1, capacity), 'i32')} to "
                f"{_tensor((self.b, 1, capacity), 'i32', self.chunk_rows(layer))}"
            )
        if self.sparse:
            return body.value(
                f"snn.spikes_cast {recv} : {_tensor(shape, 'i32')} to "
                f"{_tensor(shape, 'i32', self.chunk_rows(layer))}"
            )
        return body.value(
            f"tensor.collapse_shape {recv} [[0], [1, 2]] : {_tensor(shape, 'f32')} into "
            f"{_tensor((shape[0], shape[1] * shape[2]), 'f32')}"
        )

    def current(
        self, body: _Body, recv: str, weights: str, layer: int, summed: str | None = None
    ) -> str:
        """The current of this core's column block from the inputs it holds, ``weights``
        being their rows: ``b x columns``, added to ``summed`` if given."""
        columns = self.layout(layer).columns
        rows = self.chunk_rows(layer)
        out = _tensor((self.b, columns), "f32")
        rows_type = _tensor((rows, columns), "f32")
        inputs = self.received(body, recv, layer)
        if self.sparse:
            listed = _tensor((self.b, self.held(layer), self.capacity(layer - 1)), "i32", rows)
            current = body.value(
                f"snn.gather_add {weights}, {inputs} : {rows_type}, {listed} -> {out}"
            )
            if summed is None:
                return current
            return _elementwise(
                body,
                [summed, current],
                (self.b, columns),
                "f32",
                ["  %s = arith.addf %a0, %a1 : f32"],
                "%s : f32",
            )
        initial = summed or _filled(body, (self.b, columns), "f32", "0.0")
        return body.value(
            f"linalg.matmul ins({inputs}, {weights} : {_tensor((self.b, rows), 'f32')}, "
            f"{rows_type}) outs({initial} : {out}) -> {out}"
        )

    def chunk_of(
        self, body: _Body, rows: str, rows_type: str, chunks: str, layer: int, step: int
    ) -> str:
        """The rows of ``rows`` (the weight block or its gradient) that the chunk held at
        sub-step ``step`` of a ring multiplies."""
        start = _ring_offset(body, chunks, self.ring_chunks[layer], step)
        columns = self.layout(layer).columns
        return body.value(
            f"tensor.extract_slice {rows}[{start}, 0] [{self.chunk_rows(layer)}, {columns}] "
            f"[1, 1] : {rows_type} to {_tensor((self.chunk_rows(layer), columns), 'f32')}"
        )

    def update_neurons(
        self, body: _Body, layer: int, current: str, history: Sequence[str], counter: str
    ) -> list[str]:
        """LIF at the counter's step from the previous row, the new rows written; yields the
        histories (and dropped count), then the spikes to send unless ``layer`` is last."""
        width = self.width(layer)
        t = _row(body, counter, 0)
        previous = _row(body, counter, -1)
        state = _tensor((self.b, width), "f32")
        potentials = self.potentials[layer]
        before = body.value(
            f"tensor.extract_slice {history[0]}[{previous}, 0, 0] [1, {self.b}, {width}] "
            f"[1, 1, 1] : {potentials.tensor} to {state}"
        )
        potential = body.value(
            f"snn.lif {before}, {current} {self.lif_attributes()} : {state}, {state} -> {state}"
        )
        written = body.value(
            f"tensor.insert_slice {potential} into {history[0]}[{t}, 0, 0] [1, {self.b}, {width}] "
            f"[1, 1, 1] : {state} into {potentials.tensor}"
        )
        if not self.sparse:
            spikes = _threshold(body, potential, (self.b, width), self.step.threshold)
            return [written] if self.last(layer) else [written, spikes]
        capacity = self.capacity(layer)
        listed = _tensor((self.b, 1, capacity), "i32", width)
        per_segment = _tensor((self.b, 1), "i32")
        ids, _, dropped = body.values(
            3,
            f"snn.threshold_compact {potential} {{threshold = {_f(self.step.threshold)} : f32}} : "
            f"{state} -> {listed}, {per_segment}, {per_segment}",
        )
        plain = body.value(
            f"snn.spikes_cast {ids} : {listed} to {_tensor((self.b, 1, capacity), 'i32')}"
        )
        id_history = self.id_history[layer]
        ids_written = body.value(
            f"tensor.insert_slice {plain} into {history[1]}[{t}, 0, 0, 0] "
            f"[1, {self.b}, 1, {capacity}] [1, 1, 1, 1] : "
            f"{_tensor((self.b, 1, capacity), 'i32')} into {id_history.tensor}"
        )
        counted = body.value(
            f"tensor.insert_slice {dropped} into {history[2]}[{t}, 0, 0] [1, {self.b}, 1] "
            f"[1, 1, 1] : {per_segment} into {self.dropped[layer].tensor}"
        )
        yielded = [written, ids_written, counted]
        if not self.last(layer):
            yielded.append(
                body.value(
                    f"tensor.collapse_shape {plain} [[0], [1, 2]] : "
                    f"{_tensor((self.b, 1, capacity), 'i32')} into "
                    f"{_tensor((self.b, capacity), 'i32')}"
                )
            )
        return yielded

    def lif_attributes(self) -> str:
        step = self.step
        return (
            f"{{alpha = {_f(step.alpha)} : f32, threshold = {_f(step.threshold)} : f32, "
            f"gain = {_f(step.gain)} : f32}}"
        )

    def state_buffers(self, layer: int) -> list[_Buffer]:
        """What a layer's neuron update writes: histories, dropped count, spikes to send."""
        buffers = [self.potentials[layer]]
        if self.sparse:
            buffers += [self.id_history[layer], self.dropped[layer]]
        if not self.last(layer):
            buffers.append(self.send[layer])
        return buffers

    def write_forward(self) -> None:
        counter = self.forward_counter
        layers = range(1, self.layers + 1)
        any_split = any(self.split(layer) for layer in layers)
        with self.repeat(self.network.timesteps - 1, counter, 1, 1):
            for step in range(self.turns()):
                if step > 0:
                    self.sync()
                    for layer in self.ringed():
                        if step < self.ring(layer):
                            self.rotate(layer, step)
                for layer in layers:
                    if self.ring(layer) > 1:
                        if step < self.ring(layer):
                            self.write_ring_current(layer, step, counter)
                    elif step == 0 and self.split(layer):
                        self.write_partial_current(layer)
                    elif step == 0:
                        self.write_whole_step(layer, counter)
            if any_split:
                self.sync()
                for layer in layers:
                    if self.split(layer):
                        self.sum_partials(layer)
                for layer in layers:
                    if self.split(layer):
                        self.write_summed_step(layer, counter)
            self.copy_step(0, counter, 0)
            self.sync()
            for layer in layers:
                self.deliver_spikes(layer)

    def write_whole_step(self, layer: int, counter: _Buffer) -> None:
        def build(body: _Body, recv: str, weights: str, step: str, *history: str) -> list[str]:
            current = self.current(body, recv, weights, layer)
            return self.update_neurons(body, layer, current, history, step)

        self.compute(
            layer,
            [self.recv[layer], self.weights[layer], counter],
            self.state_buffers(layer),
            build,
        )

    def partial_current(self, body: _Body, current: str, layer: int) -> str:
        """A split column block's current as the slots its input groups sum, samples
        first (a reshape: the fan-in takes the slots along axis 1)."""
        if self.last(layer):
            return current
        groups = self.layout(layer).input_groups
        width = self.width(layer)
        return body.value(
            f"tensor.expand_shape {current} [[0], [1, 2]] output_shape [{self.b}, {groups}, "
            f"{width}] : {_tensor((self.b, groups * width), 'f32')} into "
            f"{_tensor((self.b, groups, width), 'f32')}"
        )

    def write_partial_current(self, layer: int) -> None:
        def build(body: _Body, recv: str, weights: str, _: str) -> list[str]:
            return [self.partial_current(body, self.current(body, recv, weights, layer), layer)]

        self.compute(layer, [self.recv[layer], self.weights[layer]], [self.partials[layer]], build)

    def write_ring_current(self, layer: int, step: int, counter: _Buffer) -> None:
        """Sub-step ``step`` of a ring: the currents from the chunk held, added to the
        earlier sub-steps'; the last sub-step goes on as a broadcast's step does (the
        neurons' update, or the partial currents of a split column block)."""
        final = step == self.ring(layer) - 1
        inputs = [self.ring_buffer(layer, step), self.weights[layer], self.ring_chunks[layer]]
        if final:
            inputs.append(self.currents[layer])
        if final and not self.split(layer):
            inputs.append(counter)
            outputs = self.state_buffers(layer)
        else:
            outputs = [self.partials[layer] if final else self.currents[layer]]

        def build(body: _Body, *arguments: str) -> list[str]:
            recv, weights, chunks = arguments[:3]
            # The currents summed so far: an input of the last sub-step, else the output.
            summed = (arguments[3] if final else arguments[len(inputs)]) if step > 0 else None
            block = self.chunk_of(body, weights, self.weights[layer].tensor, chunks, layer, step)
            current = self.current(body, recv, block, layer, summed)
            if not final:
                return [current]
            if self.split(layer):
                return [self.partial_current(body, current, layer)]
            written = arguments[len(inputs) :]
            return self.update_neurons(body, layer, current, written, arguments[len(inputs) - 1])

        self.compute(layer, inputs, outputs, build)

    def gather_from_block(self, layer: int, source: _Buffer, dest: _Buffer, sliced: bool) -> None:
        """Every core of a split column block takes, into slot k of ``dest`` (axis 1), what
        the block's core of input slice k holds in ``source`` (its slice of it, at the
        receiver's own slot, when ``sliced``); its own slot is left for it to fill."""
        groups = self.layout(layer).input_groups
        self.fanin(
            source,
            dest,
            self.count(layer),
            groups,
            f"(d0 floordiv {groups}) * {groups} + d1 + {self.bases[layer]}",
            f"d0 mod {groups}" if sliced else None,
            slot_axis=1,
            valid=f"((d1 + {groups} - d0 mod {groups}) mod {groups}) - 1",
        )

    def sum_partials(self, layer: int) -> None:
        """Every core of a column block takes its slice of the others' partial currents
        (the output layer: their whole partial currents)."""
        self.gather_from_block(
            layer, self.partials[layer], self.partial_sums[layer], not self.last(layer)
        )

    def with_own_slot(
        self,
        body: _Body,
        gathered: _Buffer,
        value: str,
        own: str,
        own_shape: Sequence[int],
        slot: str,
        layer: int,
    ) -> str:
        """``value`` (the pieces of a split column block that ``gathered`` received, samples
        first) with the core's own piece at its own slot: ``own`` when ``own_shape`` is
        ``b x width``, else (``b x slots x width``) its slice at that slot."""
        index = _own_slot(body, slot)
        width = self.width(layer)
        piece = _tensor((self.b, 1, width), "f32")
        if len(own_shape) == 2:
            own_piece = body.value(
                f"tensor.expand_shape {own} [[0], [1, 2]] output_shape [{self.b}, 1, {width}] "
                f": {_tensor(own_shape, 'f32')} into {piece}"
            )
        else:
            own_piece = body.value(
                f"tensor.extract_slice {own}[0, {index}, 0] [{self.b}, 1, {width}] [1, 1, 1] : "
                f"{_tensor(own_shape, 'f32')} to {piece}"
            )
        return body.value(
            f"tensor.insert_slice {own_piece} into {value}[0, {index}, 0] "
            f"[{self.b}, 1, {width}] [1, 1, 1] : {piece} into {gathered.tensor}"
        )

    def write_summed_step(self, layer: int, counter: _Buffer) -> None:
        sums = self.partial_sums[layer]
        partials = self.partials[layer]

        def build(
            body: _Body, received: str, computed: str, slot: str, step: str, *history: str
        ) -> list[str]:
            whole = self.with_own_slot(body, sums, received, computed, partials.shape, slot, layer)
            current = _summed_slots(body, whole, sums.shape, "f32", axis=1)
            return self.update_neurons(body, layer, current, history, step)

        self.compute(
            layer,
            [sums, partials, self.own_slot[layer], counter],
            self.state_buffers(layer),
            build,
        )

    # Loss ---------------------------------------------------------------------

    def write_loss(self) -> None:
        """Per batch group on the output layer's cores, then summed on all of them; the
        dropped spikes of each layer summed likewise."""
        last = self.layers
        size = self.network.sizes[last]
        share = self.b / self.network.batch
        potentials = self.potentials[last]

        def build(body: _Body, history: str, labels: str, *_: str) -> list[str]:
            counts_type = _tensor((self.b, size), "f32")
            if self.sparse:
                ids = self.id_history[last]
                listed = body.value(
                    f"snn.spikes_cast {history} : {ids.tensor} to {_tensor(ids.shape, 'i32', size)}"
                )
                counts = body.value(
                    f"snn.spike_counts {listed} : {_tensor(ids.shape, 'i32', size)} -> "
                    f"{counts_type}"
                )
            else:
                counts = _spikes_over_time(body, history, potentials.shape, self.step.threshold)
            loss, gradient = body.values(
                2,
                f"snn.cross_entropy {counts}, {labels} : {counts_type}, "
                f"{_tensor((self.b,), 'i32')} -> tensor<f32>, {counts_type}",
            )
            return [
                _scaled(body, loss, (), share),
                _scaled(body, gradient, (self.b, size), share),
            ]

        history = self.id_history[last] if self.sparse else potentials
        self.compute(last, [history, self.labels], [self.loss_part, self.loss_gradient], build)
        for layer in self.dropped:
            dropped = self.dropped[layer]

            def total(
                body: _Body, counts: str, _: str, shape: tuple[int, ...] = dropped.shape
            ) -> list[str]:
                return [_total(body, counts, shape, "i32")]

            self.compute(layer, [dropped], [self.dropped_parts[layer]], total)
        self.sync()
        cores = self.layout(last).cores
        self.fanin(
            self.loss_part,
            self.loss_parts,
            self.count(last),
            self.plan.batch_groups,
            f"d1 * {cores} + {self.bases[last]}",
        )
        for layer in self.dropped:
            stride = cores if self.last(layer) else 1
            self.fanin(
                self.dropped_parts[layer],
                self.dropped_senders_buffers[layer],
                self.count(layer),
                self.dropped_senders(layer),
                f"d1 * {stride} + {self.bases[layer]}",
            )
        self.compute(
            last,
            [self.loss_parts],
            [self.loss_total],
            lambda body, parts, _: [_total(body, parts, self.loss_parts.shape, "f32")],
        )
        for layer in self.dropped:
            parts = self.dropped_senders_buffers[layer]

            def summed(
                body: _Body, counts: str, _: str, shape: tuple[int, ...] = parts.shape
            ) -> list[str]:
                return [_total(body, counts, shape, "i32")]

            self.compute(layer, [parts], [self.dropped_totals[layer]], summed)

    # Backward -----------------------------------------------------------------

    def write_backward(self) -> None:
        layers = range(1, self.layers + 1)
        for layer in layers:
            self.fill(layer, self.potential_grads[layer], "0.0")
            self.fill(layer, self.weight_grads[layer], "0.0")
            if layer in self.spike_grads:
                self.fill(layer, self.spike_grads[layer], "0.0")
        counter = self.backward_counter
        steps = self.network.timesteps
        with self.repeat(steps - 1, counter, steps - 1, -1):
            self.copy_step(0, counter, -1)
            for layer in layers:
                self.write_neuron_gradients(layer, counter)
            self.sync()
            for layer in layers:
                self.deliver_spikes(layer)
                if layer in self.gathered_grads:
                    self.gather_from_block(
                        layer, self.current_grads[layer], self.gathered_grads[layer], False
                    )
            for step in range(self.turns()):
                if step > 0:
                    self.sync()
                    for layer in self.ringed():
                        if step < self.ring(layer):
                            self.rotate(layer, step, gradients=True)
                for layer in layers:
                    if step < self.ring(layer):
                        self.write_weight_gradients(layer, step)
            self.sync()
            for layer in layers:
                if layer in self.spike_grad_parts:
                    self.send_spike_gradients(layer)

    def write_neuron_gradients(self, layer: int, counter: _Buffer) -> None:
        width = self.width(layer)
        state = _tensor((self.b, width), "f32")
        last = self.last(layer)
        inputs = [self.potentials[layer], counter]
        if self.sparse:
            inputs.append(self.id_history[layer])
        inputs.append(self.loss_gradient if last else self.spike_grads[layer])
        outputs = [self.potential_grads[layer], self.current_grads[layer]]
        if not last:
            outputs.append(self.send[layer])

        def build(body: _Body, *arguments: str) -> list[str]:
            potentials, step = arguments[0], arguments[1]
            ids_history = arguments[2] if self.sparse else ""
            gradient_source = arguments[3 if self.sparse else 2]
            potential_grad = arguments[len(inputs)]
            t = _row(body, step, 0)
            previous = _row(body, step, -1)
            potential = body.value(
                f"tensor.extract_slice {potentials}[{t}, 0, 0] [1, {self.b}, {width}] [1, 1, 1] : "
                f"{self.potentials[layer].tensor} to {state}"
            )
            yielded: list[str]
            if self.sparse:
                capacity = self.capacity(layer)
                plain_type = _tensor((self.b, 1, capacity), "i32")
                listed_type = _tensor((self.b, 1, capacity), "i32", width)
                gradient_type = _tensor((self.b, 1, capacity), "f32")
                own = body.value(
                    f"tensor.extract_slice {ids_history}[{t}, 0, 0, 0] "
                    f"[1, {self.b}, 1, {capacity}] [1, 1, 1, 1] : "
                    f"{self.id_history[layer].tensor} to {plain_type}"
                )
                listed = body.value(f"snn.spikes_cast {own} : {plain_type} to {listed_type}")
                if last:
                    spike_grad = body.value(
                        f"snn.pick {gradient_source}, {listed} : "
                        f"{_tensor((self.b, width), 'f32')}, {listed_type} -> {gradient_type}"
                    )
                else:
                    summed = _summed_slots(
                        body, gradient_source, self.spike_grads[layer].shape, "f32", axis=1
                    )
                    spike_grad = body.value(
                        f"tensor.expand_shape {summed} [[0], [1, 2]] output_shape [{self.b}, 1, "
                        f"{capacity}] : {_tensor((self.b, capacity), 'f32')} into {gradient_type}"
                    )
                dv, dcur = body.values(
                    2,
                    f"snn.lif_grad {potential_grad}, {potential}, {spike_grad}, {listed} "
                    f"{self.lif_attributes()} : {state}, {state}, {gradient_type}, {listed_type} "
                    f"-> {state}, {state}",
                )
                yielded = [dv, dcur]
                if not last:
                    earlier = body.value(
                        f"tensor.extract_slice {ids_history}[{previous}, 0, 0, 0] "
                        f"[1, {self.b}, 1, {capacity}] [1, 1, 1, 1] : "
                        f"{self.id_history[layer].tensor} to {_tensor((self.b, capacity), 'i32')}"
                    )
                    yielded.append(earlier)
                return yielded
            spike_grad = (
                gradient_source
                if last
                else _summed_slots(
                    body, gradient_source, self.spike_grads[layer].shape, "f32", axis=1
                )
            )
            dv, dcur = body.values(
                2,
                f"snn.lif_grad {potential_grad}, {potential}, {spike_grad} {self.lif_attributes()} "
                f": {state}, {state}, {state} -> {state}, {state}",
            )
            yielded = [dv, dcur]
            if not last:
                earlier = body.value(
                    f"tensor.extract_slice {potentials}[{previous}, 0, 0] [1, {self.b}, {width}] "
                    f"[1, 1, 1] : {self.potentials[layer].tensor} to {state}"
                )
                yielded.append(_threshold(body, earlier, (self.b, width), self.step.threshold))
            return yielded

        self.compute(layer, inputs, outputs, build)

    def write_weight_gradients(self, layer: int, step: int) -> None:
        """The weight gradient from the inputs a core holds at sub-step ``step`` (all of its
        slice without a ring), and the partial input gradients at those inputs."""
        columns = self.layout(layer).columns
        ringed = self.ring(layer) > 1
        gathered = self.gathered_grads.get(layer)
        inputs = [
            self.ring_buffer(layer, step),
            self.weights[layer],
            gathered or self.current_grads[layer],
        ]
        if ringed:
            inputs.append(self.ring_chunks[layer])
        if gathered is not None:
            inputs += [self.current_grads[layer], self.own_slot[layer]]
        outputs = [self.weight_grads[layer]]
        if layer in self.spike_grad_parts:
            outputs.append(self.gradient_buffer(layer, step))
        block = _tensor((self.b, columns), "f32")
        held, rows = self.held(layer), self.chunk_rows(layer)
        rows_type = _tensor((rows, columns), "f32")
        listed = _tensor((self.b, held, self.capacity(layer - 1)), "i32", rows)

        def build(body: _Body, *arguments: str) -> list[str]:
            recv, weights, grads = arguments[:3]
            weight_grad = arguments[len(inputs)]
            if gathered is not None:
                own, slot = arguments[len(inputs) - 2 : len(inputs)]
                whole = self.with_own_slot(
                    body, gathered, grads, own, self.current_grads[layer].shape, slot, layer
                )
                current_grad = body.value(
                    f"tensor.collapse_shape {whole} [[0], [1, 2]] : {gathered.tensor} into {block}"
                )
            else:
                current_grad = grads
            inputs_seen = self.received(body, recv, layer)
            rows_view, whole = self.gradient_rows(body, weight_grad, layer)
            chunk_grad, chunk_weights = rows_view, weights
            if ringed:
                chunks = arguments[3]
                full_type = self.weights[layer].tensor
                chunk_grad = self.chunk_of(body, rows_view, full_type, chunks, layer, step)
                chunk_weights = self.chunk_of(body, weights, full_type, chunks, layer, step)
            if self.sparse:
                updated = body.value(
                    f"snn.scatter_add_rows {chunk_grad}, {current_grad}, {inputs_seen} : "
                    f"{rows_type}, {block}, {listed} -> {rows_type}"
                )
            else:
                updated = _transposed_product(
                    body, inputs_seen, current_grad, chunk_grad, self.b, rows, columns
                )
            if ringed:
                updated = self.chunk_back(body, updated, rows_view, arguments[3], layer, step)
            yielded = [self.gradient_back(body, updated, whole, layer)]
            if layer not in self.spike_grad_parts:
                return yielded
            if self.sparse:
                piece = (self.b, held, self.capacity(layer - 1))
                part = body.value(
                    f"snn.listed_grad {current_grad}, {chunk_weights}, {inputs_seen} : {block}, "
                    f"{rows_type}, {listed} -> {_tensor(piece, 'f32')}"
                )
            else:
                piece = (self.b, held, self.width(layer - 1))
                product = _product_transposed(
                    body, current_grad, chunk_weights, self.b, rows, columns
                )
                part = body.value(
                    f"tensor.expand_shape {product} [[0], [1, 2]] output_shape "
                    f"[{', '.join(map(str, piece))}] : {_tensor((self.b, rows), 'f32')} into "
                    f"{_tensor(piece, 'f32')}"
                )
            if step == 0:
                return [*yielded, part]
            # Later sub-steps add to the sums that arrived with the chunk.
            summed = _elementwise(
                body,
                [arguments[-1], part],
                piece,
                "f32",
                ["  %s = arith.addf %a0, %a1 : f32"],
                "%s : f32",
            )
            return [*yielded, summed]

        self.compute(layer, inputs, outputs, build)

    def chunk_back(
        self, body: _Body, chunk: str, rows: str, chunks: str, layer: int, step: int
    ) -> str:
        """``rows`` (the weight gradient's) with the chunk of sub-step ``step`` replaced."""
        start = _ring_offset(body, chunks, self.ring_chunks[layer], step)
        columns = self.layout(layer).columns
        return body.value(
            f"tensor.insert_slice {chunk} into {rows}[{start}, 0] [{self.chunk_rows(layer)}, "
            f"{columns}] [1, 1] : {_tensor((self.chunk_rows(layer), columns), 'f32')} into "
            f"{self.weights[layer].tensor}"
        )

    def gradient_rows(self, body: _Body, gradient: str, layer: int) -> tuple[str, str]:
        """The weight gradient buffer's rows that match the weight block, and the buffer
        as rows (its chunks, one per replica and round, end in padding)."""
        buffer = self.weight_grads[layer]
        chunks, chunk, columns = buffer.shape
        padded = _tensor((chunks * chunk, columns), "f32")
        whole = body.value(
            f"tensor.collapse_shape {gradient} [[0, 1], [2]] : {buffer.tensor} into {padded}"
        )
        rows = self.rows(layer)
        if rows == chunks * chunk:
            return whole, whole
        view = body.value(
            f"tensor.extract_slice {whole}[0, 0] [{rows}, {columns}] [1, 1] : {padded} to "
            f"{self.weights[layer].tensor}"
        )
        return view, whole

    def gradient_back(self, body: _Body, rows_view: str, whole: str, layer: int) -> str:
        """The gradient buffer's contents with ``rows_view`` as its rows."""
        buffer = self.weight_grads[layer]
        chunks, chunk, columns = buffer.shape
        padded = _tensor((chunks * chunk, columns), "f32")
        rows = self.rows(layer)
        if rows != chunks * chunk:
            rows_view = body.value(
                f"tensor.insert_slice {rows_view} into {whole}[0, 0] [{rows}, {columns}] [1, 1] "
                f": {self.weights[layer].tensor} into {padded}"
            )
        return body.value(
            f"tensor.expand_shape {rows_view} [[0, 1], [2]] output_shape [{chunks}, {chunk}, "
            f"{columns}] : {padded} into {buffer.tensor}"
        )

    def send_spike_gradients(self, layer: int) -> None:
        """Each core of layer ``layer - 1`` takes, from every column block of ``layer`` (on
        rings, from the block of each ring that ended holding its segment's sums), the
        partial input gradient at its own segment."""
        owners = self.layout(layer - 1).cores
        reader = self.layout(layer)
        read, held, ring = self.read(layer), self.held(layer), reader.ring
        within = f"(d0 mod {owners}) mod {read}"
        # At the last sub-step the core at place m holds chunk (m + 1) mod R.
        block = f"d1 * {ring} + ((({within}) floordiv {held}) + {ring - 1}) mod {ring}"
        sender = (
            f"(d0 floordiv {owners}) * {reader.cores} + ({block}) * {reader.input_groups} + "
            f"(d0 mod {owners}) floordiv {read} + {self.bases[layer]}"
        )
        self.fanin(
            self.gradient_buffer(layer, ring - 1),
            self.spike_grads[layer - 1],
            self.count(layer - 1),
            reader.neuron_groups // ring,
            sender,
            f"({within}) mod {held}",
            slot_axis=1,
        )

    # Update and results ---------------------------------------------------------

    def write_update(self) -> None:
        """Sums every weight gradient over the batch groups' replicas, then SGD on every
        replica alike."""
        layers = range(1, self.layers + 1)
        groups = self.plan.batch_groups
        if groups > 1:
            for round_ in range(max(self.rounds[layer] for layer in layers)):
                self.sync()
                reducing = [layer for layer in layers if round_ < self.rounds[layer]]
                for layer in reducing:
                    self.reduce_gradient_chunk(layer, round_)
                for layer in reducing:
                    sums = self.gradient_sums[layer]
                    self.compute(
                        layer,
                        [sums],
                        [self.gradient_chunks[layer]],
                        lambda body, parts, _, shape=sums.shape: [
                            _summed_slots(body, parts, shape, "f32")
                        ],
                    )
                self.sync()
                for layer in reducing:
                    self.gather_gradient_chunks(layer)
                for layer in reducing:
                    self.store_gradient_chunks(layer, round_)
        rate = self.step.learning_rate
        for layer in layers:
            weights = self.weights[layer]

            def build(body: _Body, grads: str, current: str, layer: int = layer) -> list[str]:
                rows, _ = self.gradient_rows(body, grads, layer)
                return [_sgd(body, current, rows, self.weights[layer].shape, rate)]

            self.compute(layer, [self.weight_grads[layer]], [weights], build)
        self.sync()

    def reduce_gradient_chunk(self, layer: int, round_: int) -> None:
        """Replica j takes chunk ``round_ * groups + j`` of every replica's gradient."""
        cores = self.layout(layer).cores
        groups = self.plan.batch_groups
        self.fanin(
            self.weight_grads[layer],
            self.gradient_sums[layer],
            self.count(layer),
            groups,
            f"d1 * {cores} + d0 mod {cores} + {self.bases[layer]}",
            f"d0 floordiv {cores} + {round_ * groups}",
        )

    def gather_gradient_chunks(self, layer: int) -> None:
        """Every replica takes every replica's summed chunk."""
        cores = self.layout(layer).cores
        self.fanin(
            self.gradient_chunks[layer],
            self.gradient_sums[layer],
            self.count(layer),
            self.plan.batch_groups,
            f"d1 * {cores} + d0 mod {cores} + {self.bases[layer]}",
        )

    def store_gradient_chunks(self, layer: int, round_: int) -> None:
        sums = self.gradient_sums[layer]
        gradient = self.weight_grads[layer]
        groups = self.plan.batch_groups

        def build(body: _Body, summed: str, current: str) -> list[str]:
            return [
                body.value(
                    f"tensor.insert_slice {summed} into {current}[{round_ * groups}, 0, 0] "
                    f"[{', '.join(map(str, sums.shape))}] [1, 1, 1] : {sums.tensor} into "
                    f"{gradient.tensor}"
                )
            ]

        self.compute(layer, [sums], [gradient], build)

    def results(self) -> tuple[list[str], list[str]]:
        """The host reads that end the program: their lines and the values returned."""
        lines: list[str] = []
        returned = ["%loss"]
        last = self.layers
        lines.append(
            f"%loss = tile.host_gather %{self.loss_total.name} by [{self.scalar_place(last)}] : "
            f"{self.loss_total.type} to tensor<f32>"
        )
        for layer in range(1, self.layers + 1):
            lines.append(
                f"%w{layer}_new = tile.host_gather %{self.weights[layer].name} by "
                f"[{self.weight_place(layer)}] : {self.weights[layer].type} to "
                f"{self.weight_type(layer)}"
            )
            returned.append(f"%w{layer}_new")
        for layer, total in self.dropped_totals.items():
            lines.append(
                f"%dropped{layer}_out = tile.host_gather %{total.name} by "
                f"[{self.scalar_place(layer)}] : {total.type} to tensor<i32>"
            )
            returned.append(f"%dropped{layer}_out")
        return lines, returned


def _aligned(byte_count: int) -> int:
    return -(-max(byte_count, 1) // ALIGNMENT) * ALIGNMENT


def _index(body: _Body, value: int) -> str:
    return body.value(f"arith.constant {value} : index")


def _own_slot(body: _Body, slot: str) -> str:
    """The slot a core's own input slice takes, read from its ``1 x 1`` slot buffer."""
    zero = _index(body, 0)
    value = body.value(f"tensor.extract {slot}[{zero}, {zero}] : tensor<1x1xi32>")
    return body.value(f"arith.index_cast {value} : i32 to index")


def _ring_offset(body: _Body, chunks: str, buffer: _Buffer, step: int) -> str:
    """The weight row where the chunk a ring holds at sub-step ``step`` starts."""
    row, column = _index(body, step), _index(body, 0)
    start = body.value(f"tensor.extract {chunks}[{row}, {column}] : {buffer.tensor}")
    return body.value(f"arith.index_cast {start} : i32 to index")


def _row(body: _Body, counter: str, offset: int) -> str:
    """The step a loop counter buffer holds, plus ``offset``, as an index."""
    zero = _index(body, 0)
    step = body.value(f"tensor.extract {counter}[{zero}] : tensor<1xi32>")
    row = body.value(f"arith.index_cast {step} : i32 to index")
    if offset == 0:
        return row
    amount = _index(body, abs(offset))
    operation = "arith.addi" if offset > 0 else "arith.subi"
    return body.value(f"{operation} {row}, {amount} : index")


def _maps(*maps: str) -> str:
    return ", ".join(f"affine_map<{text}>" for text in maps)


def _dims(count: int) -> str:
    return ", ".join(f"d{index}" for index in range(count))


def _iterators(*kinds: str) -> str:
    return ", ".join(f'"{kind}"' for kind in kinds)


def _generic(
    body: _Body,
    inputs: Sequence[tuple[str, str]],
    output: tuple[str, str],
    maps: str,
    iterators: str,
    arguments: Sequence[str],
    lines: Sequence[str],
    result: str,
) -> str:
    ins = ""
    if inputs:
        ins = (
            f" ins({', '.join(name for name, _ in inputs)} : "
            f"{', '.join(type_ for _, type_ in inputs)})"
        )
    block = "\n".join(lines)
    return body.value(
        f"linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}}{ins} "
        f"outs({output[0]} : {output[1]}) {{\n^bb0({', '.join(arguments)}):\n{block}\n"
        f"  linalg.yield {result}\n}} -> {output[1]}"
    )


def _filled(body: _Body, shape: Sequence[int], element: str, value: str) -> str:
    type_ = _tensor(shape, element)
    empty = body.value(f"tensor.empty() : {type_}")
    constant = body.value(f"arith.constant {value} : {element}")
    return body.value(f"linalg.fill ins({constant} : {element}) outs({empty} : {type_}) -> {type_}")


def _summed_slots(
    body: _Body, value: str, shape: Sequence[int], element: str, axis: int = 0
) -> str:
    """The sum over the slot dim ``axis`` of ``value``; one slot is only a reshape. The sum
    starts from a zero fill, not from the first slot: a reduction adds its terms' total
    to where it starts, and with three slots or more that total would group them in
    another order than the references sum them (a0 + (a1 + a2) against (a0 + a1) + a2)."""
    rank = len(shape)
    kept = [dim for dim in range(rank) if dim != axis]
    result = _tensor([shape[dim] for dim in kept], element)
    if shape[axis] == 1:
        merged = [[dim] for dim in kept]
        merged[max(axis - 1, 0)].append(axis)
        groups = ", ".join(f"[{', '.join(map(str, sorted(group)))}]" for group in merged)
        return body.value(
            f"tensor.collapse_shape {value} [{groups}] : {_tensor(shape, element)} into {result}"
        )
    zeros = _filled(body, [shape[dim] for dim in kept], element, "0.0" if element == "f32" else "0")
    # The slot is the last loop, so the slots are added in order.
    source = [f"d{rank - 1}" if dim == axis else f"d{kept.index(dim)}" for dim in range(rank)]
    add = "arith.addf" if element == "f32" else "arith.addi"
    return _generic(
        body,
        [(value, _tensor(shape, element))],
        (zeros, result),
        _maps(
            f"({_dims(rank)}) -> ({', '.join(source)})",
            f"({_dims(rank)}) -> ({_dims(rank - 1)})",
        ),
        _iterators(*["parallel"] * (rank - 1), "reduction"),
        [f"%a: {element}", f"%acc: {element}"],
        [f"  %s = {add} %acc, %a : {element}"],
        f"%s : {element}",
    )


def _total(body: _Body, value: str, shape: Sequence[int], element: str) -> str:
    """The sum of every element of ``value``, as a 0-d tensor."""
    rank = len(shape)
    zeros = _filled(body, (), element, "0.0" if element == "f32" else "0")
    add = "arith.addf" if element == "f32" else "arith.addi"
    return _generic(
        body,
        [(value, _tensor(shape, element))],
        (zeros, _tensor((), element)),
        _maps(f"({_dims(rank)}) -> ({_dims(rank)})", f"({_dims(rank)}) -> ()"),
        _iterators(*["reduction"] * rank),
        [f"%a: {element}", f"%acc: {element}"],
        [f"  %s = {add} %acc, %a : {element}"],
        f"%s : {element}",
    )


def _elementwise(
    body: _Body,
    inputs: Sequence[str],
    shape: Sequence[int],
    element: str,
    lines: Sequence[str],
    result: str,
) -> str:
    rank = len(shape)
    type_ = _tensor(shape, element)
    empty = body.value(f"tensor.empty() : {type_}")
    identity = f"({_dims(rank)}) -> ({_dims(rank)})"
    return _generic(
        body,
        [(value, type_) for value in inputs],
        (empty, type_),
        _maps(*[identity] * (len(inputs) + 1)),
        _iterators(*["parallel"] * rank),
        [*(f"%a{index}: {element}" for index in range(len(inputs))), f"%out: {element}"],
        lines,
        result,
    )


def _scaled(body: _Body, value: str, shape: Sequence[int], factor: float) -> str:
    scale = body.value(f"arith.constant {_f(factor)} : f32")
    return _elementwise(
        body, [value], shape, "f32", [f"  %s = arith.mulf %a0, {scale} : f32"], "%s : f32"
    )


def _threshold(body: _Body, value: str, shape: Sequence[int], threshold: float) -> str:
    """1.0 where ``value`` reaches ``threshold``, else 0.0: dense spikes."""
    limit = body.value(f"arith.constant {_f(threshold)} : f32")
    one = body.value("arith.constant 1.0 : f32")
    zero = body.value("arith.constant 0.0 : f32")
    return _elementwise(
        body,
        [value],
        shape,
        "f32",
        [
            f"  %fired = arith.cmpf oge, %a0, {limit} : f32",
            f"  %s = arith.select %fired, {one}, {zero} : f32",
        ],
        "%s : f32",
    )


def _spikes_over_time(body: _Body, history: str, shape: Sequence[int], threshold: float) -> str:
    """Dense spike counts: per sample and neuron, the steps whose potential reached the
    threshold (a ``T x b x N`` history summed over T)."""
    limit = body.value(f"arith.constant {_f(threshold)} : f32")
    one = body.value("arith.constant 1.0 : f32")
    zero = body.value("arith.constant 0.0 : f32")
    zeros = _filled(body, shape[1:], "f32", "0.0")
    return _generic(
        body,
        [(history, _tensor(shape, "f32"))],
        (zeros, _tensor(shape[1:], "f32")),
        _maps("(d0, d1, d2) -> (d2, d0, d1)", "(d0, d1, d2) -> (d0, d1)"),
        _iterators("parallel", "parallel", "reduction"),
        ["%v: f32", "%acc: f32"],
        [
            f"  %fired = arith.cmpf oge, %v, {limit} : f32",
            f"  %one = arith.select %fired, {one}, {zero} : f32",
            "  %s = arith.addf %acc, %one : f32",
        ],
        "%s : f32",
    )


def _transposed_product(
    body: _Body,
    spikes: str,
    current_grad: str,
    accumulated: str,
    samples: int,
    rows: int,
    columns: int,
) -> str:
    """``accumulated + spikes^T @ current_grad``: a dense weight gradient."""
    return _generic(
        body,
        [
            (spikes, _tensor((samples, rows), "f32")),
            (current_grad, _tensor((samples, columns), "f32")),
        ],
        (accumulated, _tensor((rows, columns), "f32")),
        _maps("(d0, d1, d2) -> (d2, d0)", "(d0, d1, d2) -> (d2, d1)", "(d0, d1, d2) -> (d0, d1)"),
        _iterators("parallel", "parallel", "reduction"),
        ["%s: f32", "%g: f32", "%acc: f32"],
        ["  %p = arith.mulf %s, %g : f32", "  %r = arith.addf %acc, %p : f32"],
        "%r : f32",
    )


def _product_transposed(
    body: _Body, current_grad: str, weights: str, samples: int, rows: int, columns: int
) -> str:
    """``current_grad @ weights^T``: a dense input gradient, ``samples x rows``."""
    zeros = _filled(body, (samples, rows), "f32", "0.0")
    return _generic(
        body,
        [
            (current_grad, _tensor((samples, columns), "f32")),
            (weights, _tensor((rows, columns), "f32")),
        ],
        (zeros, _tensor((samples, rows), "f32")),
        _maps("(d0, d1, d2) -> (d0, d2)", "(d0, d1, d2) -> (d1, d2)", "(d0, d1, d2) -> (d0, d1)"),
        _iterators("parallel", "parallel", "reduction"),
        ["%g: f32", "%w: f32", "%acc: f32"],
        ["  %p = arith.mulf %g, %w : f32", "  %r = arith.addf %acc, %p : f32"],
        "%r : f32",
    )


def _sgd(body: _Body, weights: str, grads: str, shape: Sequence[int], rate: float) -> str:
    step = body.value(f"arith.constant {_f(rate)} : f32")
    return _elementwise(
        body,
        [weights, grads],
        shape,
        "f32",
        [f"  %p = arith.mulf {step}, %a1 : f32", "  %s = arith.subf %a0, %p : f32"],
        "%s : f32",
    )


def training_step_of(function: func.FuncOp) -> SnnStep:
    """The network, form and constants of the training step ``function`` computes (see
    :mod:`t10.passes.snn_step`); raises :class:`SnnLoweringError` where it differs."""
    return read_training_step(function)


def input_slices(plan: SnnPlan) -> list[tuple[int, int]]:
    """Per layer 1..L, the (slices, rows) over which the program sums the layer's current:
    what :func:`t10.models.snn.snn_train_step` takes to write a dense step in that order."""
    layouts = plan.layouts
    return [
        (
            layouts[layer].input_groups,
            layouts[layer - 1].segments // layouts[layer].input_groups * layouts[layer - 1].owned,
        )
        for layer in range(1, len(layouts))
    ]


MAX_REPLANS = 3
"""How many times the lowering plans again with more SRAM kept for exchange code."""


def lower_training_step(
    function: func.FuncOp, ctx: Context, chip: Chip, memory_fraction: float = 1.0
) -> tuple[tile.ProgramOp, SnnPlan]:
    """The per-core program of ``function`` under the best layout, and that layout. The
    program's exchange code sits at the top of every core's SRAM: where the buffers reach
    into it, the layout is searched again with that much more kept back."""
    step = training_step_of(function)
    reserved = code = end = 0
    for _ in range(MAX_REPLANS + 1):
        plan = search_snn_plan(chip, step.network, memory_fraction, reserved)
        program = lower_with_plan(function, ctx, chip, step, plan, reserved)
        code = int(cost.exchange_code_bytes(chip, tile.exchange_messages(program)).max())
        end = max(
            (
                op.offset.value.data + op.buffer.type.byte_size()
                for op in program.walk()
                if isinstance(op, tile.AllocOp) and isinstance(op.buffer.type, tile.BufferType)
            ),
            default=0,
        )
        shortfall = end + code - chip.sram_bytes
        if shortfall <= 0:
            return program, plan
        reserved = max(reserved + shortfall, code)
    raise SnnLoweringError(
        f"the program's buffers and its {code} bytes of exchange code need {end + code} bytes "
        f"per core, {chip.name} has {chip.sram_bytes}"
    )


def lower_with_plan(
    function: func.FuncOp,
    ctx: Context,
    chip: Chip,
    step: SnnStep,
    plan: SnnPlan,
    reserved_bytes: int = 0,
) -> tile.ProgramOp:
    """The per-core program of ``function`` (whose training step is ``step``) under
    ``plan``, its buffers within every core's SRAM less ``reserved_bytes``."""
    names = ["inputs", "labels", *(f"w{layer}" for layer in range(1, step.network.layers + 1))]
    arguments = [
        (name, str(argument.type))
        for name, argument in zip(names, function.body.block.args, strict=True)
    ]
    results = [str(type_) for type_ in function.function_type.outputs.data]
    text = _Writer(step, plan, chip, chip.sram_bytes - reserved_bytes).write(arguments, results)
    program = Parser(ctx, text).parse_module().body.block.first_op
    assert isinstance(program, tile.ProgramOp)
    program.detach()
    return program


@dataclass(frozen=True)
class SnnLowerPass(ModulePass):
    """Replaces each ``@snn_train_step`` (a training step of ``snn`` ops, see
    :mod:`t10.passes.snn_step`) by its per-core ``tile.program`` under the fastest layout
    that fits ``chip``."""

    name = "t10-snn-lower"

    chip: str = "ipu-mk2"
    memory_fraction: float = 1.0

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        chip = load_chip(self.chip)
        for function in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            if function.sym_name.data != "snn_train_step":
                continue
            try:
                program, _ = lower_training_step(function, ctx, chip, self.memory_fraction)
            except (SnnLoweringError, NoSnnPlanError) as error:
                located = error.op if isinstance(error, SnnLoweringError) else None
                where = format_location(located or function)
                prefix = f"{where}: " if where else ""
                raise DiagnosticException(
                    f"{prefix}error: cannot lower @snn_train_step: {error}"
                ) from error
            Rewriter.replace_op(function, program)

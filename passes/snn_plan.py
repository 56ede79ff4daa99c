"""The plan search of a spiking network's training step (DESIGN §6).

A plan lays the network on the chip as one group of cores per layer, all layers
running at once: layer l at step t reads layer l-1's spikes of step t-1, so in
every time step each layer computes from what the previous exchange delivered,
then one sync, then one exchange phase delivers the next. The batch is cut into
``batch_groups`` groups of ``b`` samples, the same for every layer, and layer
l's neurons into ``neuron_groups[l]`` slices of ``n_l`` neurons; the core of
(layer l, neuron group i, batch group j) owns, for its samples, those neurons'
weight columns ``W_l[:, slice]``, their weight gradients, potentials and state
history (everything BPTT keeps), and its own segment of the layer's spike list.
Layer 0 is a group of cores holding the input spikes, sent one step at a time.
The output layer is one neuron group, so each core holds whole rows of the
output counts the loss reads.

The sparse form sends spike lists: every core of layer l compacts its slice into
a segment of capacity ``ceil(C_l * n_l / N_l)`` (the model's capacity ``C_l``
shared out in proportion), and every core of layer l+1 in the same batch group
receives all of layer l's segments (a broadcast: the IPU's exchange sends one
message to many receivers). Backward, layer l+1 sends each core of layer l the
partial input gradient at its listed ids, which that core sums. The dense form
is the same layout with 0/1 spike blocks and the matmul units; the weight
gradient and the input gradient are matmuls per step, since no core can keep the
dense inputs of all T steps.

Instead of the broadcast, a layer's column blocks that read the same input slice
may form rings of R (:attr:`LayerLayout.ring`): each core receives 1/R of the
slice's segments, and in R sub-steps computes on the chunk it holds and passes it
on. Backward, each chunk's partial input gradients travel with it and are summed
on the way, so the previous layer's cores take one piece per ring instead of one
per column block. A ring holds less of the slice at once (from R = 3: it holds
the chunk it computes on and the one arriving) and sends fewer gradient pieces;
it pays a sync and an exchange per rotation and more kernel launches. Every layer
takes the rings that make it fit in the grid; the best layout's rings are then
chosen by cost, layer by layer.

Costs are estimated with each list full (as many spikes as its capacity): the
plan must be fast when activity peaks, and the simulated chip then charges the
spikes actually processed. Every cost comes from :mod:`t10.hwmodel.cost`, the
same functions the simulated chip prices its steps with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, Mesh2D

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

WORD_BYTES = 4
"""Bytes of every element the training step keeps: f32 values, i32 ids and counts."""

COUNTER_BYTES = 16
"""Every core's two loop counters (one word each, 8-byte aligned)."""

ALIGNMENT_SLACK_BYTES = 512
"""Room for rounding every buffer of a core up to the SRAM alignment."""


class NoSnnPlanError(ValueError):
    """No layout of the network fits the chip; the message says what is short."""


@dataclass(frozen=True)
class SnnNetwork:
    """The shape of a spiking network's training step, as the planner sees it."""

    sizes: tuple[int, ...]
    """Neurons per layer, the input layer first."""
    timesteps: int
    batch: int
    capacities: tuple[int, ...] | None
    """Spike-list capacity per sample of every layer (the input's first); None: dense."""

    @property
    def layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def sparse(self) -> bool:
        return self.capacities is not None


@dataclass(frozen=True)
class StepCost:
    """Estimated cycles of one time step: its compute phase, sync and exchange phase."""

    compute: float
    sync: float
    exchange: float

    @property
    def total(self) -> float:
        return self.compute + self.sync + self.exchange


@dataclass(frozen=True)
class LayerLayout:
    """How one layer is cut over the cores of a batch group (see :class:`_Layout`)."""

    neuron_groups: int
    input_groups: int
    columns: int
    owned: int
    segments: int
    capacity: int
    """Capacity of one segment of the layer's spike list (0: dense)."""
    ring: int = 1
    """How the layer's cores receive the previous layer's spikes: 1, every core of a
    column block takes its whole input slice at once (a broadcast); R > 1, rings of R
    column blocks each take 1/R of the slice's segments and rotate them round the ring
    in R sub-steps, holding 1/R at a time."""

    @property
    def cores(self) -> int:
        """Cores of one batch group."""
        return self.neuron_groups * self.input_groups


@dataclass(frozen=True)
class SnnPlan:
    """A layout of the training step on the chip, with its estimated cost."""

    batch_groups: int
    samples: int
    """Samples of one batch group: ``ceil(batch / batch_groups)``."""
    layouts: tuple[LayerLayout, ...]
    """Every layer's layout, the input holders first."""
    forward_step: StepCost
    backward_step: StepCost
    rest: StepCost
    """Everything outside the time steps, once per training step: the zero states and
    the first delivery before the forward steps; the loss, its gathers and the zero
    gradients between them and the backward steps; then the sum over the batch groups'
    replicas and the update."""
    cycles: float
    """The whole training step: T-1 forward and T-1 backward steps and the rest."""
    peak_bytes_per_core: int

    @property
    def cores(self) -> int:
        return self.batch_groups * sum(layout.cores for layout in self.layouts)


def _ceil_div(numerator: IntArray | int, denominator: IntArray | int) -> IntArray:
    return -(-np.asarray(numerator, dtype=np.int64) // np.asarray(denominator, dtype=np.int64))


def _group_counts(extent: int, limit: int) -> IntArray:
    """Group counts of ``extent`` items giving distinct group sizes, at most ``limit``
    groups: the fewest groups for each size ``ceil(extent / groups)``."""
    counts = np.arange(1, min(extent, limit) + 1, dtype=np.int64)
    sizes = _ceil_div(extent, counts)
    distinct = np.r_[True, sizes[1:] != sizes[:-1]]
    return _ceil_div(extent, sizes[distinct])


def _transfer_latency(chip: Chip) -> float:
    """Estimated network latency of one transfer: half the mesh's diameter, or none."""
    topology = chip.topology
    if isinstance(topology, Mesh2D):
        return topology.hop_latency_cycles * topology.diameter / 2
    return 0.0


def _exchange(chip: Chip, senders: IntArray, byte_count: IntArray) -> FloatArray:
    """One receiver taking ``senders`` messages of ``byte_count`` bytes in all."""
    received = cost.shift_cycles(chip, byte_count) + _transfer_latency(chip) * senders
    return np.where(byte_count > 0, received, 0.0)


def _busiest(chip: Chip, receive: FloatArray, sent_bytes: IntArray) -> FloatArray:
    """A core's time in an exchange phase: receiving (``receive`` cycles) or, where
    senders are serialised, sending ``sent_bytes`` of different data, the longer."""
    if not chip.exchange.sender_serialised:
        return receive
    return np.maximum(receive, cost.shift_cycles(chip, sent_bytes))


def _fill(chip: Chip, elements: IntArray | int) -> FloatArray:
    """A zero fill of ``elements`` words: data movement, priced by the bytes it writes."""
    return cost.copy_cycles(chip, np.asarray(elements, dtype=np.int64) * WORD_BYTES)


def _summed_pieces(chip: Chip, pieces: IntArray, elements: IntArray) -> FloatArray:
    """Summing ``pieces`` received pieces of ``elements`` each, as the lowering does: a
    zero fill of the sum and one reduction over every piece; one piece is only a
    reshape."""
    summed = _fill(chip, elements) + cost.reduction_cycles(chip, pieces * elements)
    return np.where(pieces > 1, summed, 0.0)


def _total(chip: Chip, elements: IntArray | int) -> FloatArray:
    """Summing ``elements`` words into one: a zero fill of the one, then a reduction."""
    return _fill(chip, 1) + cost.reduction_cycles(chip, np.asarray(elements, dtype=np.int64))


def _gathered_words(chip: Chip, senders: IntArray, words: IntArray | int) -> FloatArray:
    """One receiver taking a piece of ``words`` from each of ``senders`` cores, one of
    them itself (a local copy, not a transfer)."""
    piece = np.asarray(words, dtype=np.int64) * WORD_BYTES
    return cost.copy_cycles(chip, piece) + _exchange(chip, senders - 1, (senders - 1) * piece)


@dataclass(frozen=True)
class _LayerCosts:
    """Per-core cycles and bytes of one layer, per candidate; a time step runs phase A
    (currents from this core's inputs), an exchange of partial currents when the
    inputs are split, phase B (the neurons' update), then the exchange of spikes;
    backward, phase C (the neurons' gradient), an exchange of current gradients when
    the inputs are split, phase D (weight and input gradients), then the exchange of
    input gradients and of the previous layer's spikes. On a ring of R, phases A and D
    run in R sub-steps, each on the chunk of inputs the core holds, with a sync and a
    rotation between sub-steps; in phase D the partial input gradients of each chunk
    travel with it and are summed round the ring, so the previous layer's cores take
    one piece per ring instead of one per column block."""

    ring: IntArray
    a: FloatArray
    """The first sub-step of phase A (all of it without a ring)."""
    a_later: FloatArray
    """A later sub-step of phase A: the currents of the chunk held, added to the ones
    summed so far."""
    a_exchange: FloatArray
    b: FloatArray
    b_exchange: FloatArray
    c: FloatArray
    c_exchange: FloatArray
    d: FloatArray
    """One sub-step of phase D (all of it without a ring)."""
    d_exchange: FloatArray
    d_accumulate: FloatArray
    """Adding a later sub-step's partial input gradients to the ones that arrived."""
    rotation: FloatArray
    """The exchange of one rotation of the ring forward (0 without one)."""
    backward_rotation: FloatArray
    """The same backward: the chunk and the input gradients summed so far."""
    setup: FloatArray
    """Before the forward steps: zero potentials, inputs, lists and dropped counts."""
    setup_exchange: FloatArray
    """The first delivery of spikes (layer 1), and the tables of rings and split blocks."""
    loss: FloatArray
    """After the forward steps: the loss (output layer) and the dropped-spike counts."""
    loss_exchange: FloatArray
    """The gathers of the loss and dropped-count parts."""
    gradient_setup: FloatArray
    """Their totals, and zero gradients before the backward steps."""
    replica_sum: FloatArray
    """Summing a chunk of the weight gradient over the batch groups' replicas (0 for one)."""
    replica_exchange: FloatArray
    """Taking a chunk of every replica's weight gradient (and again their sums)."""
    update: FloatArray
    """The SGD step on the weight block."""
    bytes: IntArray
    received_bytes: IntArray
    """Bytes of the inputs a core holds in one step: what a ring can shrink."""

    def gradient_work(self, substep: int) -> FloatArray:
        """Phase D's cycles in sub-step ``substep``."""
        taken = self.d + (self.d_accumulate if substep > 0 else 0.0)
        return np.where(substep < self.ring, taken, 0.0)

    def work(self, substep: int, tail: FloatArray | float) -> FloatArray:
        """Phase A's cycles in sub-step ``substep``, the last sub-step also running ``tail``."""
        taken = self.a_later if substep > 0 else self.a
        taken = taken + np.where(substep == self.ring - 1, tail, 0.0)
        return np.where(substep < self.ring, taken, 0.0)

    def assign(self, index: IntArray, other: _LayerCosts) -> None:
        """Takes the candidates ``index`` from ``other`` (priced for those candidates only,
        in that order), in place."""
        for name in self.__dataclass_fields__:
            getattr(self, name)[index] = getattr(other, name)


@dataclass(frozen=True)
class _Layout:
    """How one layer is cut, per candidate (arrays)."""

    neuron_groups: IntArray
    """Groups of the layer's neurons: weight column blocks."""
    input_groups: IntArray
    """Cores sharing one column block, each summing the currents of a slice of the
    inputs (weight rows): whole segments of the previous layer's spike list."""
    columns: IntArray
    """Neurons of one column block: a multiple of ``input_groups``."""
    owned: IntArray
    """Neurons whose state one core owns: the width of its segment of the layer's list."""
    segments: IntArray
    """Segments of the layer's spike list: one per core of a batch group that owns state."""
    capacity: IntArray
    """Capacity of one segment (sparse); 0 for the dense form."""

    def take(self, index: IntArray) -> _Layout:
        return _Layout(
            self.neuron_groups[index],
            self.input_groups[index],
            self.columns[index],
            self.owned[index],
            self.segments[index],
            self.capacity[index],
        )


def _segment_capacity(network: SnnNetwork, layer: int, owned: IntArray) -> IntArray:
    """The model's capacity ``C_l`` shared out in proportion: ``ceil(C_l * W / N_l)``."""
    if network.capacities is None:
        return np.zeros_like(owned)
    return _ceil_div(network.capacities[layer] * owned, network.sizes[layer])


def _layout(
    network: SnnNetwork, layer: int, neuron_groups: IntArray, input_groups: IntArray
) -> _Layout:
    """The layout of layer ``layer`` >= 1. A column block holds a multiple of its input
    groups' count of neurons, so that each core of the block owns the state of an equal
    slice, and the slices of a layer are the segments of width ``ceil(N / S)`` of a
    list of S segments. The output layer sums its partial currents on the first core
    of its group, which owns every output neuron (the loss reads whole rows)."""
    size = network.sizes[layer]
    if layer == network.layers:
        full = np.full_like(input_groups, size)
        ones = np.ones_like(input_groups)
        return _Layout(
            ones, input_groups, full, full, ones, _segment_capacity(network, layer, full)
        )
    columns = input_groups * _ceil_div(_ceil_div(size, neuron_groups), input_groups)
    groups = _ceil_div(size, columns)
    owned = columns // input_groups
    return _Layout(
        groups,
        input_groups,
        columns,
        owned,
        groups * input_groups,
        _segment_capacity(network, layer, owned),
    )


def input_layout(network: SnnNetwork, holders: IntArray) -> _Layout:
    """The input holders as a layer: a sparse input is one list per sample, its samples
    cut over the holders; dense inputs are cut by neurons over the holders, one segment
    each."""
    size = network.sizes[0]
    ones = np.ones_like(holders)
    if network.capacities is not None:
        full = np.full_like(holders, size)
        capacity = np.full_like(holders, network.capacities[0])
        return _Layout(holders, ones, full, full, ones, capacity)
    owned = _ceil_div(size, np.maximum(holders, 1))
    return _Layout(holders, ones, owned, owned, holders, np.zeros_like(holders))


RING_SIZES = (2, 3, 4, 5, 6, 7, 8)
"""Ring sizes a layer may take. A ring holds two chunks at once (the one it computes on
and the one arriving), so only rings of 3 or more hold less of the slice than the
broadcast; any ring of R sends the previous layer R times fewer gradient pieces."""


def ring_allowed(network: SnnNetwork, layer: int) -> bool:
    """Whether layer ``layer`` may receive its inputs round rings: its input must be a
    segmented list or block (sparse inputs are one list per sample, not segments)."""
    return not (network.sparse and layer == 1) and layer < network.layers


def _layer_costs(
    chip: Chip,
    network: SnnNetwork,
    layer: int,
    batch_groups: IntArray,
    layouts: tuple[_Layout, ...],
    ring: IntArray,
    next_ring: IntArray,
) -> _LayerCosts:
    """Per-core costs of layer ``layer`` (1..L) for every candidate, as arrays; ``ring``
    divides the segments each core reads (1: a broadcast), ``next_ring`` the next
    layer's column blocks (one piece of input gradient comes from each of its rings)."""
    b = _ceil_div(network.batch, batch_groups)
    size = network.sizes[layer]
    steps = network.timesteps
    last = layer == network.layers
    own = layouts[layer]
    previous = layouts[layer - 1]
    n = own.columns
    read = np.maximum(previous.segments // own.input_groups, 1)
    inputs = read * previous.owned
    ringed = ring > 1
    # Segments a core holds at once: its chunk of the slice.
    held = read // ring
    split = own.input_groups > 1
    ones = np.ones_like(n)
    state = b * own.owned
    partials = np.where(split, own.input_groups - 1, 0)
    # The output layer's owner gathers whole partial rows and sends its current
    # gradient back whole; other layers reduce-scatter and all-gather owned slices.
    gathered_bytes = np.where(split, b * own.owned * WORD_BYTES, 0)
    partial_bytes = partials * gathered_bytes
    # The output layer sums its partial currents on every core of its group (an
    # all-reduce), so each has every output neuron and needs no current gradient.
    current_gradient_bytes = np.zeros_like(n) if last else partial_bytes
    gradient_senders = np.zeros_like(n) if last else layouts[layer + 1].neuron_groups // next_ring
    if network.capacities is not None:
        capacity_in = previous.capacity
        listed_in = b * held * capacity_in
        listed = b * own.capacity
        a = cost.spike_row_cycles(chip, listed_in, n)
        # Lists add a later sub-step's currents to the sums.
        a_later = a + cost.elementwise_cycles(chip, b * n)
        b_phase = cost.elementwise_cycles(chip, state) + cost.compaction_cycles(chip, state, listed)
        piece_words = b * capacity_in
        gradient_elements = gradient_senders * listed
        c = cost.compaction_cycles(chip, state, listed)
        c = c + (
            cost.spike_row_cycles(chip, listed, 1)
            if last
            else _summed_pieces(chip, gradient_senders, listed)
        )
        d = cost.spike_row_cycles(chip, listed_in, n)
        if layer > 1:
            d = d + cost.spike_row_cycles(chip, listed_in, n)
        history = steps * (state + b * (own.capacity + 2))
    else:
        # The matmul accumulates into a zero fill of the currents, a later sub-step's
        # into the currents summed so far.
        a_later = cost.contraction_cycles(chip, "f32", ones, b, held * previous.owned, n)
        a = a_later + _fill(chip, b * n)
        b_phase = 2 * cost.elementwise_cycles(chip, state)
        piece_words = b * previous.owned
        gradient_elements = gradient_senders * state
        c = cost.elementwise_cycles(chip, state)
        if not last:
            # The summed spike gradient, and the spikes of the step before as 0/1 again.
            c = c + _summed_pieces(chip, gradient_senders, state)
            c = c + cost.elementwise_cycles(chip, state)
        d = cost.contraction_cycles(chip, "f32", ones, held * previous.owned, b, n)
        if layer > 1:
            # The input gradient accumulates into a zero fill.
            d = d + cost.contraction_cycles(chip, "f32", ones, b, n, held * previous.owned)
            d = d + _fill(chip, b * held * previous.owned)
        history = steps * state
    # A ring holds its chunk and the one arriving, sums the currents of its sub-steps and
    # keeps where each chunk came from; its partial input gradients, like its chunks,
    # are one held and one arriving.
    pieces = np.where(ringed, 2 * held, read)
    received = pieces * piece_words + np.where(ringed, b * n + 2 * ring, 0)
    if layer > 1:
        received = received + pieces * piece_words
    spikes_bytes = held * piece_words * WORD_BYTES
    # A split block sums its slots' partial currents (its own among them) before the update.
    b_phase = b_phase + _summed_pieces(chip, own.input_groups, state)
    # A split block's cores keep the slot order and their own slot.
    tables = np.where(split, own.input_groups + 1, 0)
    buffers = received + gradient_elements + b * n * 2 + partials * state + 4 * state + tables
    if last:
        buffers = buffers + 2 * b * size
    weights = 2 * inputs * n
    # The batch groups' replicas sum their weight gradients: each takes a chunk of every
    # replica's, sums it and sends the sum to every replica (in one round when it fits;
    # the lowering takes more rounds when SRAM is short, with the same bytes).
    replicated = batch_groups > 1
    chunk = _ceil_div(inputs, batch_groups) * n
    # The sums of one chunk of rows from every replica, the chunk, and the gradient's
    # rows rounded up to whole chunks.
    buffers = buffers + np.where(replicated, (2 * batch_groups + 1) * n, 0)
    delivery = _exchange(chip, held, spikes_bytes)
    # A batch group's column blocks of whole inputs are consecutive cores that take the
    # same segments (on a ring, each holds a different chunk): the cores of a supertile
    # take each segment together when every supertile lies within one group.
    supertile = chip.exchange.supertile_cores
    base = sum(
        batch_groups * earlier.neuron_groups * earlier.input_groups for earlier in layouts[:layer]
    )
    together = (
        (own.input_groups == 1)
        & ~ringed
        & (own.neuron_groups % supertile == 0)
        & (base % supertile == 0)
    )
    broadcast = np.where(together, delivery / supertile, delivery)
    # A column block's cores are consecutive: in the all-gather of current gradients a
    # core takes its supertile mates' slices alone and every other slice together with
    # them, when the block's supertiles lie within it.
    gathered = _exchange(chip, partials, current_gradient_bytes)
    aligned_block = split & (own.input_groups % supertile == 0) & (base % supertile == 0)
    shared_slices = (supertile - 1) + (own.input_groups - supertile) / supertile
    gathered = np.where(aligned_block, gathered * shared_slices / np.maximum(partials, 1), gathered)
    # Outside the time steps: zero states, the received spikes, lists and dropped counts.
    setup = _fill(chip, steps * state) + _fill(chip, held * piece_words)
    if network.sparse:
        setup = setup + _fill(chip, steps * b * own.capacity) + _fill(chip, steps * b)
    # Layer 1's first spikes; a ring's or a split block's cores take their table entries.
    setup_exchange = (broadcast if layer == 1 else 0.0) + np.where(
        ringed, _exchange(chip, ring, ring * WORD_BYTES), 0.0
    )
    setup_exchange = setup_exchange + np.where(split, _exchange(chip, ones, ones * WORD_BYTES), 0.0)
    # The loss of each batch group (the spike counts, a softmax, the loss and its gradient
    # scaled by the group's share) on the output layer, and every layer's dropped spikes,
    # gathered and summed on every core: each core holds its own part.
    counters = batch_groups * own.neuron_groups * own.input_groups
    if last:
        counters = batch_groups
        scores = b * size
        # Step 0's row of the list history is the empty initial state.
        counts = (
            cost.spike_row_cycles(chip, (steps - 1) * b * own.capacity, 1)
            if network.sparse
            else _fill(chip, scores) + cost.reduction_cycles(chip, steps * scores)
        )
        loss = (
            counts
            + cost.elementwise_cycles(chip, scores)
            + cost.reduction_cycles(chip, scores)
            + cost.elementwise_cycles(chip, ones)
            + cost.elementwise_cycles(chip, scores)
        )
        loss_exchange = _gathered_words(chip, batch_groups, 1) * (2 if network.sparse else 1)
        gradient_setup = _total(chip, batch_groups)
    else:
        loss = np.zeros_like(setup)
        loss_exchange = (
            _gathered_words(chip, counters, 1) if network.sparse else np.zeros_like(setup)
        )
        gradient_setup = _fill(chip, gradient_elements)
    if network.sparse:
        loss = loss + _total(chip, steps * b)
        gradient_setup = gradient_setup + _total(chip, counters)
    gradient_setup = gradient_setup + _fill(chip, state) + _fill(chip, batch_groups * chunk)
    return _LayerCosts(
        ring=ring,
        a=a,
        a_later=a_later,
        a_exchange=_exchange(chip, partials, partial_bytes),
        b=b_phase,
        b_exchange=broadcast,
        c=c,
        c_exchange=broadcast + gathered,
        d=d,
        d_exchange=_busiest(
            chip,
            _exchange(chip, gradient_senders, gradient_elements * WORD_BYTES),
            # Each owner of the inputs it read gets its own piece of their gradient.
            np.where(layer > 1, held * piece_words * WORD_BYTES, 0),
        ),
        d_accumulate=np.where(
            ringed & (layer > 1), cost.elementwise_cycles(chip, held * piece_words), 0.0
        ),
        rotation=np.where(ringed, delivery, 0.0),
        backward_rotation=np.where(ringed, delivery * (2 if layer > 1 else 1), 0.0),
        setup=setup,
        setup_exchange=setup_exchange,
        loss=loss,
        loss_exchange=loss_exchange,
        gradient_setup=gradient_setup,
        replica_sum=np.where(replicated, _summed_pieces(chip, batch_groups, chunk), 0.0),
        replica_exchange=np.where(replicated, _gathered_words(chip, batch_groups, chunk), 0.0),
        update=cost.elementwise_cycles(chip, inputs * n),
        bytes=(weights + history + buffers) * WORD_BYTES,
        received_bytes=pieces * piece_words * WORD_BYTES * (2 if layer > 1 else 1),
    )


def _input_holders(network: SnnNetwork, b: IntArray, usable_bytes: int) -> IntArray:
    """Fewest input-holding cores per batch group that keep every input step (0: none
    can): spike lists are cut by samples (a divisor of the group's), dense inputs by
    neurons."""
    steps = network.timesteps
    if network.capacities is not None:
        per_sample = (steps + 1) * network.capacities[0] * WORD_BYTES
        holders = np.zeros_like(b)
        for count in range(1, int(b.max()) + 1):
            fits = (b % count == 0) & ((b // count) * per_sample <= usable_bytes) & (holders == 0)
            holders[fits] = count
        return holders
    columns = usable_bytes // ((steps + 1) * WORD_BYTES * b)
    return np.where(columns > 0, _ceil_div(network.sizes[0], np.maximum(columns, 1)), 0)


def _holder_bytes(network: SnnNetwork, b: IntArray, holders: IntArray) -> IntArray:
    if network.capacities is not None:
        return (
            network.timesteps * (b // np.maximum(holders, 1)) * network.capacities[0] * WORD_BYTES
        )
    per_sample = _ceil_div(network.sizes[0], np.maximum(holders, 1))
    return network.timesteps * b * per_sample * WORD_BYTES


INPUT_SPLITS = (1, 2, 4, 8, 16, 32)
"""Candidate input-group counts of a layer: how many cores share one weight column
block, each summing a slice of the inputs."""

NEURON_GROUP_CANDIDATES = 20
"""At most about this many neuron-group counts per layer in the coarse grid."""


def _thinned(counts: IntArray, limit: int) -> IntArray:
    """At most about ``limit`` of the ascending ``counts``, spread geometrically in value."""
    if len(counts) <= limit:
        return counts
    targets = np.geomspace(counts[0], counts[-1], limit)
    return np.unique(counts[np.searchsorted(counts, targets).clip(0, len(counts) - 1)])


def _layer_candidates(
    network: SnnNetwork, layer: int, cores: int, usable_bytes: int, limit: int | None
) -> tuple[IntArray, IntArray]:
    """(neuron groups, input groups) pairs a layer may take; at most about ``limit``
    neuron-group counts (all with None)."""
    splits = np.array(
        [split for split in INPUT_SPLITS if split <= network.sizes[layer - 1]], dtype=np.int64
    )
    if layer == network.layers:
        return np.ones_like(splits), splits
    neurons = _group_counts(network.sizes[layer], cores)
    if limit is not None:
        neurons = _thinned(neurons, limit)
    grid_neurons, grid_splits = np.meshgrid(neurons, splits, indexing="ij")
    keep = grid_neurons * grid_splits <= cores
    if limit is None:
        # A core holds at least its block of the weights and of their gradients: the
        # full lists only refine a layout that fits, which keeps one of these.
        weight_bytes = (
            2
            * _ceil_div(network.sizes[layer - 1], grid_splits)
            * _ceil_div(network.sizes[layer], grid_neurons)
            * WORD_BYTES
        )
        keep &= weight_bytes <= usable_bytes
    return grid_neurons[keep], grid_splits[keep]


@dataclass(frozen=True)
class _Candidates:
    """Layouts of the whole network, one per entry of every array."""

    batch_groups: IntArray
    neuron_groups: tuple[IntArray, ...]
    """Per layer 1..L."""
    input_groups: tuple[IntArray, ...]

    def take(self, index: IntArray) -> _Candidates:
        return _Candidates(
            self.batch_groups[index],
            tuple(groups[index] for groups in self.neuron_groups),
            tuple(groups[index] for groups in self.input_groups),
        )


@dataclass(frozen=True)
class _Priced:
    candidates: _Candidates
    samples: IntArray
    layouts: tuple[_Layout, ...]
    rings: tuple[IntArray, ...]
    """Per layer 1..L: 1 where it receives by broadcast, else its ring's size."""
    forward: tuple[FloatArray, FloatArray, FloatArray]
    """Compute, sync and exchange cycles of a forward step."""
    backward: tuple[FloatArray, FloatArray, FloatArray]
    rest: tuple[FloatArray, FloatArray, FloatArray]
    """Compute, sync and exchange cycles outside the time steps."""
    total: FloatArray
    """Cycles of the training step, infinite where the layout does not fit."""
    peak: IntArray
    placeable: BoolArray
    """Whether the layout has the cores it needs and whole segments in every input slice."""


def _costs_with_rings(
    chip: Chip,
    network: SnnNetwork,
    layer: int,
    batch_groups: IntArray,
    layouts: tuple[_Layout, ...],
    usable: int,
    next_ring: IntArray,
) -> _LayerCosts:
    """Layer ``layer``'s costs, on rings where a broadcast does not fit: the broadcast
    where it fits, else the ring of each size in turn that needs fewer bytes than the
    choice so far, until one fits. (A ring moves the same bytes to each core as the
    broadcast, in more exchanges with a sync each and in more kernel launches; what it
    buys is memory, and fewer input-gradient pieces for the previous layer to take,
    which :func:`search_snn_plan` weighs for the best layout by trying every ring.)"""
    broadcast = _layer_costs(
        chip, network, layer, batch_groups, layouts, np.ones_like(batch_groups), next_ring
    )
    if not ring_allowed(network, layer):
        return broadcast
    costs = broadcast
    own, previous = layouts[layer], layouts[layer - 1]
    read = np.maximum(previous.segments // own.input_groups, 1)
    limit = usable - COUNTER_BYTES - ALIGNMENT_SLACK_BYTES
    for size in RING_SIZES:
        short = (
            (costs.bytes > limit)
            & (costs.bytes - limit < costs.received_bytes)
            & (own.neuron_groups % size == 0)
            & (read % size == 0)
        )
        index = np.flatnonzero(short)
        if not index.size:
            continue
        trial = _layer_costs(
            chip,
            network,
            layer,
            batch_groups[index],
            tuple(layout.take(index) for layout in layouts),
            np.full(index.size, size, dtype=np.int64),
            next_ring[index],
        )
        smaller = trial.bytes < costs.bytes[index]
        if smaller.any():
            if costs is broadcast:
                costs = _take_costs(broadcast, np.arange(len(broadcast.ring)))
            costs.assign(index[smaller], _take_costs(trial, np.flatnonzero(smaller)))
    return costs


def _take_costs(costs: _LayerCosts, index: IntArray) -> _LayerCosts:
    return _LayerCosts(
        **{name: getattr(costs, name)[index] for name in costs.__dataclass_fields__}  # pyright: ignore[reportArgumentType]
    )


def _price(
    chip: Chip,
    network: SnnNetwork,
    usable: int,
    candidates: _Candidates,
    rings: tuple[IntArray, ...] | None = None,
) -> _Priced:
    """Every candidate's cost and peak; ``rings`` (per layer 1..L) forces how each layer
    receives its inputs, else :func:`_costs_with_rings` chooses."""
    layers = network.layers
    b = _ceil_div(network.batch, candidates.batch_groups)
    first_splits = candidates.input_groups[0]
    holders = _input_holders(network, b, usable)
    if network.capacities is None:
        # Dense inputs are cut into a multiple of layer 1's input groups: whole segments.
        holders = np.where(holders > 0, first_splits * _ceil_div(holders, first_splits), 0)
    layouts = [input_layout(network, holders)]
    for layer in range(1, layers + 1):
        layouts.append(
            _layout(
                network,
                layer,
                candidates.neuron_groups[layer - 1],
                candidates.input_groups[layer - 1],
            )
        )
    aligned = np.all(
        [
            layouts[layer - 1].segments % layouts[layer].input_groups == 0
            for layer in range(1, layers + 1)
        ],
        axis=0,
    )
    groups = candidates.batch_groups
    # From the output layer down: a layer's costs depend on the next layer's rings.
    next_ring = np.ones_like(groups)
    descending: list[_LayerCosts] = []
    for layer in range(layers, 0, -1):
        if rings is None:
            costs = _costs_with_rings(
                chip, network, layer, groups, tuple(layouts), usable, next_ring
            )
        else:
            costs = _layer_costs(
                chip, network, layer, groups, tuple(layouts), rings[layer - 1], next_ring
            )
        descending.append(costs)
        next_ring = costs.ring
    per_layer = descending[::-1]
    cores = candidates.batch_groups * sum(
        layout.neuron_groups * layout.input_groups for layout in layouts
    )
    peak = (
        COUNTER_BYTES
        + ALIGNMENT_SLACK_BYTES
        + np.max([_holder_bytes(network, b, holders), *(c.bytes for c in per_layer)], axis=0)
    )
    # Rings hold whole segments and join whole column blocks.
    whole_rings = np.all(
        [
            (layouts[layer].neuron_groups % costs.ring == 0)
            & ((layouts[layer - 1].segments // layouts[layer].input_groups) % costs.ring == 0)
            for layer, costs in enumerate(per_layer, start=1)
        ],
        axis=0,
    )
    placeable = aligned & whole_rings & (holders > 0) & (cores <= chip.cores)
    feasible = placeable & (peak <= usable)
    sync = chip.sync.cycles
    layer_split = [layout.input_groups > 1 for layout in layouts[1:]]
    split = np.any(layer_split, axis=0)

    def most(field: str) -> FloatArray:
        return np.max([getattr(costs, field) for costs in per_layer], axis=0)

    ring = np.max([costs.ring for costs in per_layer], axis=0)
    # A layer whose inputs are whole updates its neurons in the phase that computes its
    # currents; a split one once its partial currents are summed, in a phase of its own.
    tails = [np.where(cut, 0.0, costs.b) for costs, cut in zip(per_layer, layer_split, strict=True)]
    summed = np.max(
        [np.where(cut, costs.b, 0.0) for costs, cut in zip(per_layer, layer_split, strict=True)],
        axis=0,
    )
    # Without rings, phase A is one sub-step and phase D one.
    phase_a = np.max([costs.a + tail for costs, tail in zip(per_layer, tails, strict=True)], axis=0)
    phase_d = most("d")
    rotations = np.zeros_like(phase_a)
    backward_rotations = np.zeros_like(phase_a)
    ringed = np.flatnonzero(ring > 1)
    if ringed.size:
        on_rings = _ring_phases(
            [_take_costs(costs, ringed) for costs in per_layer], [tail[ringed] for tail in tails]
        )
        (
            phase_a[ringed],
            phase_d[ringed],
            rotations[ringed],
            backward_rotations[ringed],
        ) = on_rings
    phase_a = phase_a + summed
    # Every sync of a step opens an exchange phase, with its fixed overhead; each step
    # is one iteration of its loop, with its control.
    forward_syncs = np.where(split, 2.0, 1.0) + (ring - 1)
    backward_syncs = 2.0 + (ring - 1)
    control = cost.loop_cycles(chip, 1)
    forward = (
        phase_a + control,
        forward_syncs * sync,
        np.where(split, most("a_exchange"), 0.0)
        + most("b_exchange")
        + rotations
        + cost.exchange_phases_cycles(chip, forward_syncs),
    )
    backward = (
        most("c") + phase_d + control,
        backward_syncs * sync,
        most("c_exchange")
        + most("d_exchange")
        + backward_rotations
        + cost.exchange_phases_cycles(chip, backward_syncs),
    )
    # Outside the steps: set-up, a sync, the first delivery; the loss, a sync, its gathers,
    # the zero gradients; the replicas' sum (a sync, a gather, the sums, a sync, a gather);
    # the update and a last sync.
    replicated = groups > 1
    rest_syncs = np.where(replicated, 5.0, 3.0)
    # The loss's gathers move data when they gather from several cores: batch groups, the
    # output layer's cores, or with lists the hidden layers' cores counting dropped
    # spikes; the first delivery always moves data.
    counted = layouts[1:] if network.sparse else layouts[-1:]
    loss_moves = replicated | np.any(
        [layout.neuron_groups * layout.input_groups > 1 for layout in counted], axis=0
    )
    rest_exchanges = 1 + loss_moves + 2 * replicated
    rest = (
        most("setup")
        + most("loss")
        + most("gradient_setup")
        + most("replica_sum")
        + most("update"),
        rest_syncs * sync,
        most("setup_exchange")
        + most("loss_exchange")
        + 2 * most("replica_exchange")
        + cost.exchange_phases_cycles(chip, rest_exchanges),
    )
    steps = network.timesteps - 1
    total = steps * (sum(forward) + sum(backward)) + sum(rest)
    return _Priced(
        candidates,
        b,
        tuple(layouts),
        tuple(costs.ring for costs in per_layer),
        forward,
        backward,
        rest,
        np.where(feasible, total, np.inf),
        peak,
        placeable,
    )


def _ring_phases(
    per_layer: Sequence[_LayerCosts], tails: Sequence[FloatArray]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Phases A (each layer's last sub-step also running its ``tails``: the neurons'
    update of a layer whose inputs are whole) and D, and the rotations' exchanges forward
    and backward, of candidates with rings: every sub-step lasts as long as its busiest
    layer, a layer without a ring doing all its work in the first."""
    substeps = range(int(np.max([costs.ring for costs in per_layer])))

    def busiest(step: int, field: str) -> FloatArray:
        return np.max(
            [np.where(step < costs.ring, getattr(costs, field), 0.0) for costs in per_layer],
            axis=0,
        )

    phase_a = np.sum(
        [
            np.max(
                [costs.work(step, tail) for costs, tail in zip(per_layer, tails, strict=True)],
                axis=0,
            )
            for step in substeps
        ],
        axis=0,
    )
    phase_d = np.sum(
        [np.max([costs.gradient_work(step) for costs in per_layer], axis=0) for step in substeps],
        axis=0,
    )
    rotations = np.sum([busiest(step, "rotation") for step in substeps[1:]], axis=0)
    backward = np.sum([busiest(step, "backward_rotation") for step in substeps[1:]], axis=0)
    return phase_a, phase_d, rotations, backward


def _grid(batch_groups: IntArray, options: list[tuple[IntArray, IntArray]]) -> _Candidates:
    """Every combination of the batch groups and each layer's (neurons, inputs) pairs."""
    indices = np.meshgrid(
        np.arange(len(batch_groups)),
        *(np.arange(len(neurons)) for neurons, _ in options),
        indexing="ij",
    )
    flat = [index.reshape(-1) for index in indices]
    return _Candidates(
        batch_groups[flat[0]],
        tuple(neurons[index] for (neurons, _), index in zip(options, flat[1:], strict=True)),
        tuple(splits[index] for (_, splits), index in zip(options, flat[1:], strict=True)),
    )


def _around(
    best: _Candidates, batch_groups: IntArray, layers: dict[int, tuple[IntArray, IntArray]]
) -> _Candidates:
    """``best`` (one entry) with the batch groups and the choices of ``layers`` replaced by
    every combination of ``batch_groups`` and those layers' options."""
    options = [
        layers.get(layer, (best.neuron_groups[layer - 1], best.input_groups[layer - 1]))
        for layer in range(1, len(best.neuron_groups) + 1)
    ]
    return _grid(batch_groups, options)


REFINEMENT_ROUNDS = 2
"""Rounds of refining the coarse grid's best layout, two adjacent layers at a time."""


def search_snn_plan(
    chip: Chip, network: SnnNetwork, memory_fraction: float = 1.0, reserved_bytes: int = 0
) -> SnnPlan:
    """The fastest layout of ``network``'s training step that fits ``chip`` with
    ``reserved_bytes`` of every core's SRAM kept back (for the program's exchange code):
    the best of a coarse grid over every layer at once, then refined two adjacent layers
    at a time over all of their choices and the batch groups while the other layers stay.

    Raises :class:`NoSnnPlanError` naming what is short when no layout fits.
    """
    usable = min(int(chip.sram_bytes * memory_fraction), chip.sram_bytes - reserved_bytes)
    layers = network.layers
    # Batch groups divide the batch: the loss is a mean over equal groups.
    batch_groups = np.array(
        [count for count in range(1, network.batch + 1) if network.batch % count == 0],
        dtype=np.int64,
    )
    coarse = [
        _layer_candidates(network, layer, chip.cores, usable, NEURON_GROUP_CANDIDATES)
        for layer in range(1, layers + 1)
    ]
    full = [
        _layer_candidates(network, layer, chip.cores, usable, None)
        for layer in range(1, layers + 1)
    ]
    priced = _price(chip, network, usable, _grid(batch_groups, coarse))
    if not np.isfinite(priced.total).any():
        what = (
            f"no layout of the {'sparse' if network.sparse else 'dense'} training step "
            f"{list(network.sizes)} (T = {network.timesteps}, batch {network.batch}) fits "
            f"{chip.name}"
        )
        if not priced.placeable.any():
            raise NoSnnPlanError(f"{what}: every layout needs more than its {chip.cores} cores")
        smallest = int(priced.peak[priced.placeable].min())
        raise NoSnnPlanError(
            f"{what}: the smallest needs {smallest} bytes per core, {chip.name} has {usable}"
        )
    best = priced.candidates.take(np.array([int(np.argmin(priced.total))]))
    for _ in range(REFINEMENT_ROUNDS):
        for layer in range(1, max(layers, 2)):
            pair = {other: full[other - 1] for other in (layer, layer + 1) if other <= layers}
            trial = _around(best, batch_groups, pair)
            around = _price(chip, network, usable, trial)
            best = trial.take(np.array([int(np.argmin(around.total))]))
    return _plan(chip, network, usable, best)


def _best_rings(
    chip: Chip, network: SnnNetwork, usable: int, best: _Candidates
) -> tuple[IntArray, ...]:
    """The rings of ``best`` (one layout) by cost: each layer in turn tries the broadcast and
    every ring size, the other layers keeping theirs, starting from the rings each layer
    needs for its own bytes. A ring can make a layout fit that did not (it shrinks the
    previous layer's input-gradient buffer too)."""
    rings = _price(chip, network, usable, best).rings
    options = np.array([1, *RING_SIZES], dtype=np.int64)
    repeated = best.take(np.zeros(len(options), dtype=np.int64))
    for _ in range(REFINEMENT_ROUNDS):
        for layer in range(1, network.layers + 1):
            if not ring_allowed(network, layer):
                continue
            trial = tuple(
                options if other == layer else np.repeat(ring, len(options))
                for other, ring in enumerate(rings, start=1)
            )
            priced = _price(chip, network, usable, repeated, trial)
            chosen = int(np.argmin(priced.total))
            rings = tuple(ring[chosen : chosen + 1] for ring in trial)
    return rings


def _plan(
    chip: Chip,
    network: SnnNetwork,
    usable: int,
    chosen: _Candidates,
    rings: tuple[IntArray, ...] | None = None,
) -> SnnPlan:
    """The plan of the one layout ``chosen``, with ``rings`` or else the best rings."""
    if rings is None:
        rings = _best_rings(chip, network, usable, chosen)
    final = _price(chip, network, usable, chosen, rings)
    if not np.isfinite(final.total[0]):
        raise NoSnnPlanError(
            f"the layout does not fit {chip.name}: {_why_not(chip, final, usable)}"
        )
    layer_rings = [1, *(int(ring[0]) for ring in final.rings)]
    return SnnPlan(
        batch_groups=int(chosen.batch_groups[0]),
        samples=int(final.samples[0]),
        layouts=tuple(
            LayerLayout(
                neuron_groups=int(layout.neuron_groups[0]),
                input_groups=int(layout.input_groups[0]),
                columns=int(layout.columns[0]),
                owned=int(layout.owned[0]),
                segments=int(layout.segments[0]),
                capacity=int(layout.capacity[0]),
                ring=ring,
            )
            for layout, ring in zip(final.layouts, layer_rings, strict=True)
        ),
        forward_step=StepCost(*(float(part[0]) for part in final.forward)),
        backward_step=StepCost(*(float(part[0]) for part in final.backward)),
        rest=StepCost(*(float(part[0]) for part in final.rest)),
        cycles=float(final.total[0]),
        peak_bytes_per_core=int(final.peak[0]),
    )


def _why_not(chip: Chip, priced: _Priced, usable: int) -> str:
    """What keeps the one layout ``priced`` off the chip."""
    layouts = [
        LayerLayout(*(int(getattr(layout, name)[0]) for name in _LAYOUT_FIELDS))
        for layout in priced.layouts
    ]
    cores = int(priced.candidates.batch_groups[0]) * sum(layout.cores for layout in layouts)
    if layouts[0].neuron_groups == 0:
        return "no number of cores can hold its input spikes of every step"
    if cores > chip.cores:
        return f"it needs {cores} cores, the chip has {chip.cores}"
    for layer in range(1, len(layouts)):
        segments, own = layouts[layer - 1].segments, layouts[layer]
        ring = int(priced.rings[layer - 1][0])
        if segments % own.input_groups:
            return (
                f"layer {layer}'s {own.input_groups} input slices do not hold whole segments "
                f"of the {segments} of layer {layer - 1}'s list"
            )
        if own.neuron_groups % ring or (segments // own.input_groups) % ring:
            return (
                f"layer {layer}'s ring of {ring} does not divide its {own.neuron_groups} "
                f"column blocks and the {segments // own.input_groups} segments of each input "
                "slice"
            )
    return f"it needs {int(priced.peak[0])} bytes per core of {usable}"


_LAYOUT_FIELDS = ("neuron_groups", "input_groups", "columns", "owned", "segments", "capacity")


def price_layout(
    chip: Chip,
    network: SnnNetwork,
    batch_groups: int,
    groups: Sequence[tuple[int, int]],
    memory_fraction: float = 1.0,
    rings: Sequence[int] | None = None,
) -> SnnPlan:
    """The plan of one given layout: ``batch_groups``, and per layer 1..L its (neuron
    groups, input groups) and, if ``rings`` is given, its ring size (1: broadcast; else
    the planner chooses). Raises :class:`NoSnnPlanError` when it does not fit."""
    if len(groups) != network.layers:
        raise NoSnnPlanError(
            f"{len(groups)} (neuron, input) group pairs for {network.layers} layers"
        )
    if network.batch % batch_groups:
        raise NoSnnPlanError(f"{batch_groups} batch groups do not divide the batch {network.batch}")
    chosen = _Candidates(
        np.array([batch_groups]),
        tuple(np.array([neurons]) for neurons, _ in groups),
        tuple(np.array([inputs]) for _, inputs in groups),
    )
    forced = None
    if rings is not None:
        _check_rings(network, groups, rings)
        forced = tuple(np.array([ring], dtype=np.int64) for ring in rings)
    return _plan(chip, network, int(chip.sram_bytes * memory_fraction), chosen, forced)


def _check_rings(
    network: SnnNetwork, groups: Sequence[tuple[int, int]], rings: Sequence[int]
) -> None:
    """A ring joins column blocks of one input slice and rotates whole segments: its size
    must divide the layer's column blocks and the segments of its slice."""
    if len(rings) != network.layers:
        raise NoSnnPlanError(f"{len(rings)} ring sizes for {network.layers} layers")
    for layer, ring in enumerate(rings, start=1):
        if ring == 1:
            continue
        if ring < 1 or not ring_allowed(network, layer):
            where = (
                "the output layer"
                if layer == network.layers
                else "layer 1 of a sparse network (its inputs are one list per sample)"
            )
            raise NoSnnPlanError(
                f"layer {layer} cannot take a ring of {ring}: "
                + (f"{where} receives by broadcast only" if ring >= 1 else "sizes are >= 1")
            )
        neuron_groups, input_groups = groups[layer - 1]
        if layer == 1:
            segments = 0
        else:
            previous = _layout(
                network,
                layer - 1,
                np.array([groups[layer - 2][0]]),
                np.array([groups[layer - 2][1]]),
            )
            segments = int(previous.segments[0])
        read = segments // input_groups if segments else 0
        if neuron_groups % ring or (read and read % ring):
            raise NoSnnPlanError(
                f"layer {layer}'s ring of {ring} must divide its {neuron_groups} column "
                f"blocks and the {read} segments of each input slice"
            )


def capacities_for(sizes: tuple[int, ...], activity_cap: float) -> tuple[int, ...]:
    """``ceil(activity_cap * N)`` per layer, as the model's spike lists hold."""
    return tuple(math.ceil(round(activity_cap * size, 9)) for size in sizes)

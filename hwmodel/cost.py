"""The cost model: cycles of on-core work and of moving data, from a chip's numbers.

Every function takes numpy arrays (one entry per candidate plan) and returns
arrays, so the plan search prices hundreds of thousands of plans in a few numpy
calls. :func:`step_compute_cycles` prices one compute step of an operator by its op
class (:mod:`t10.hwmodel.work`); the plan search and the simulated chip both
call it. The formulas, per op class:

- **contraction** (matmul-like): the chip's matmul rate per call, on the
  ``m x k`` by ``k x n`` product a step computes, ``batch`` calls per step. The
  core's matmul unit streams rows of ``m`` against stationary ``k x n`` blocks;
  ``C = A B`` and ``C^T = B^T A^T`` are the same work, so the cheaper of the two
  orientations is used (libraries pick the orientation the same way).
- **convolution**: a contraction whose ``m`` are the output positions (loops in
  the input and the output but not the filter), ``n`` the output channels
  (filter and output, not input) and ``k`` every reduction loop: the im2col view.
- a contraction or convolution on an element type the chip's matmul unit does
  not take (no ``[compute.matmul.<dtype>]``: integers on an IPU) runs on the
  vector units, priced as an elementwise reduction (below).
- **elementwise**: the chip's elementwise rate over the step's iteration points.
- **reduction**: the chip's reduction rate over the step's iteration points
  (every input element is read once).
- **elementwise reduction**: an elementwise pass combining the inputs at every
  iteration point, then a reduction of its results: both rates over the step's
  iteration points.
- **data movement**: the chip's on-core copy rate over the bytes a step writes.
- **shift**: ``bytes x exchange.cycles_per_byte`` per rotation of a piece; a core
  receiving pieces of several tensors in one step is served one sender at a
  time, so their bytes add up; each rotation of each tensor pays
  ``sync.syncs_per_shift`` global syncs and one exchange phase's fixed
  ``exchange.phase_overhead_cycles`` (:func:`exchange_phases_cycles`).
- **network latency** (:func:`transfer_latency_cycles`): on a 2-D mesh every
  transfer also pays ``topology.hop_latency_cycles`` per hop of the Manhattan
  distance between its cores (numbered row-major on the grid); an all-to-all
  network adds none. In a rotation phase every core receives its messages from
  its ring predecessor, so the phase pays the farthest such pair's latency once
  per message where receivers are served one sender at a time
  (:func:`rotation_latency_cycles`).
- **exchange phase** (:func:`exchange_core_cycles`): a core's time in a phase is
  what it receives (one sender at a time, ``receiver_serialised``) and, on a chip
  whose senders are serialised, at least what it sends: each distinct message
  once, however many cores take it. Two cores of one supertile
  (``exchange.supertile_cores``) taking the same message from one sender take it
  together, at that many times the rate. A phase in which anything moves between
  cores also pays the fixed ``exchange.phase_overhead_cycles``.
- **exchange code** (:func:`exchange_code_bytes`): every message a core receives
  is an exchange instruction in its SRAM, ``exchange.code_bytes_per_message``
  bytes, resident for the whole program (a loop body's once).
- **spike lists**: every listed spike a kernel visits costs
  ``compute.spikes.cycles_per_spike``, plus the row it touches at the elementwise
  rate; a compaction is an elementwise pass plus the per-spike cost of each listed id.
- **snn ops** (:func:`spike_op_cycles`): a kernel that follows a spike list is
  priced by the spikes each core actually lists, so cores seeing more spikes
  take longer (MIMD: the compute phase lasts as long as the busiest core).
- **relayout** (:func:`relayout_cycles`): one exchange phase in which each core
  receives its missing bytes one sender at a time, then copies what it already
  holds into its new buffers (on-tile rearrangement, at the copy rate); the cores
  of a supertile that hold and need the same data take it together; the core
  with the most to do sets the time, plus the phase overhead if anything moved
  between cores. The plan search prices it with its estimate of every core's
  bytes, the simulated chip with every core's exact bytes. The global sync in
  front of an operator's relayouts is the BSP barrier after the previous
  compute, one per operator (``t10-select-plans`` charges it), not one per
  relayout.
- **loop control** (:func:`loop_cycles`): ``program.loop_iteration_cycles`` per
  iteration of a counted loop (``tile.repeat``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from xdsl.ir import Operation

from t10.dialects import snn
from t10.hwmodel.chip import Chip, MatmulRate, Mesh2D
from t10.hwmodel.work import OpClass, OperatorWork

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def _ceil_div(numerator: IntArray | int, denominator: int) -> IntArray:
    return -(-np.asarray(numerator, dtype=np.int64) // denominator)


def matmul_call_cycles(rate: MatmulRate, m: IntArray, k: IntArray, n: IntArray) -> FloatArray:
    """Cycles of one matmul call on one core, ``m x k`` by ``k x n``, per the chip's rate."""
    m_blocks = _ceil_div(m, rate.block.m)
    k_blocks = _ceil_div(k, rate.block.k)
    n_blocks = _ceil_div(n, rate.block.n)
    overhead = rate.call_overhead
    return (
        m_blocks * k_blocks * n_blocks * rate.block_cycles
        + overhead.cycles_per_kn_block * k_blocks * n_blocks
        + overhead.cycles_per_n_block * n_blocks
        + overhead.cycles
    )


def contraction_cycles(
    chip: Chip, dtype: str, batch: IntArray, m: IntArray, k: IntArray, n: IntArray
) -> FloatArray:
    """Cycles of ``batch`` matmul calls, each in its cheaper orientation."""
    rate = chip.matmul_rate(dtype)
    as_written = matmul_call_cycles(rate, m, k, n)
    transposed = matmul_call_cycles(rate, n, k, m)
    return np.asarray(batch, dtype=np.float64) * np.minimum(as_written, transposed)


def elementwise_cycles(chip: Chip, elements: IntArray) -> FloatArray:
    rate = chip.compute.elementwise
    return rate.cycles_per_element * np.asarray(elements, dtype=np.float64) + rate.launch_cycles


def reduction_cycles(chip: Chip, elements: IntArray) -> FloatArray:
    rate = chip.compute.reduction
    return rate.cycles_per_element * np.asarray(elements, dtype=np.float64) + rate.launch_cycles


def copy_cycles(chip: Chip, byte_count: IntArray | FloatArray) -> FloatArray:
    rate = chip.compute.data_movement
    return rate.cycles_per_byte * np.asarray(byte_count, dtype=np.float64) + rate.launch_cycles


def _loops_product(step_extents: IntArray, loops: tuple[int, ...]) -> IntArray:
    if not loops:
        return np.ones(len(step_extents), dtype=np.int64)
    return np.prod(step_extents[:, list(loops)], axis=1)


def _output_bytes(chip: Chip, work: OperatorWork) -> int:
    """Bytes per element of the operator's first output: what a copy writes."""
    output = next(access for access in work.operands if access.is_output)
    return chip.bytes_per_element(output.element_type)


def step_compute_cycles(chip: Chip, work: OperatorWork, step_extents: IntArray) -> FloatArray:
    """
    Cycles of one compute step of ``work`` on one core, per row of
    ``step_extents`` (the extent of every loop the step covers, one row per
    plan), by the formula of its op class.
    """
    matmul_loops = work.matmul_loops
    if matmul_loops is not None and chip.has_matmul_rate(work.element_type):
        return contraction_cycles(
            chip,
            work.element_type,
            _loops_product(step_extents, matmul_loops.batch),
            _loops_product(step_extents, matmul_loops.m),
            _loops_product(step_extents, matmul_loops.k),
            _loops_product(step_extents, matmul_loops.n),
        )
    points = np.prod(step_extents, axis=1)
    if work.op_class == OpClass.REDUCTION:
        return reduction_cycles(chip, points)
    if work.op_class in (
        OpClass.ELEMENTWISE_REDUCTION,
        OpClass.CONTRACTION,
        OpClass.CONVOLUTION,
    ):
        return elementwise_cycles(chip, points) + reduction_cycles(chip, points)
    if work.op_class == OpClass.DATA_MOVEMENT:
        written = _loops_product(step_extents, work.written_loops)
        return copy_cycles(chip, written * _output_bytes(chip, work))
    return elementwise_cycles(chip, points)


def shift_cycles(chip: Chip, byte_count: IntArray | FloatArray) -> FloatArray:
    """Cycles for every core to receive ``byte_count`` bytes from its ring neighbour."""
    return chip.exchange.cycles_per_byte * np.asarray(byte_count, dtype=np.float64)


def transfer_latency_cycles(chip: Chip, senders: IntArray, receivers: IntArray) -> FloatArray:
    """Per transfer from core ``senders[i]`` to core ``receivers[i]``, the network's
    distance-dependent latency: ``hop_latency_cycles`` per hop on a 2-D mesh (the
    Manhattan distance between the cores on the grid), none on an all-to-all network."""
    topology = chip.topology
    if not isinstance(topology, Mesh2D):
        # No distance on an all-to-all network, whichever cores a plan's grid names.
        return np.zeros(np.broadcast(np.asarray(senders), np.asarray(receivers)).shape)
    return topology.hop_latency_cycles * topology.distance(senders, receivers).astype(np.float64)


def hop_latency_cycles(chip: Chip) -> float:
    """The latency of one network hop: the least a transfer between two cores pays."""
    topology = chip.topology
    return topology.hop_latency_cycles if isinstance(topology, Mesh2D) else 0.0


def span_latency_cycles(chip: Chip, cores: IntArray) -> FloatArray:
    """The most latency a transfer between two of the cores ``0 .. cores - 1`` pays: on a
    mesh, across all the grid rows they fill and all the columns of one row."""
    count = np.asarray(cores, dtype=np.int64)
    topology = chip.topology
    if not isinstance(topology, Mesh2D):
        return np.zeros(count.shape)
    hops = -(-count // topology.cols) - 1 + np.minimum(count, topology.cols) - 1
    return topology.hop_latency_cycles * hops.astype(np.float64)


def rotation_latency_cycles(
    chip: Chip, latency_cycles: FloatArray | float, messages: IntArray | int
) -> FloatArray:
    """Latency cycles one rotation phase adds to its bytes' (:func:`shift_cycles`): every
    core receives ``messages`` messages from its ring predecessor, the farthest of which
    lies ``latency_cycles`` away; each message pays it where a receiver is served one
    sender at a time, else the messages overlap and it is paid once."""
    latency = np.asarray(latency_cycles, dtype=np.float64)
    count = np.asarray(messages, dtype=np.float64)
    if chip.exchange.receiver_serialised:
        return count * latency
    return np.where(count > 0, latency, 0.0)


def exchange_phases_cycles(chip: Chip, phases: IntArray | FloatArray | int) -> FloatArray:
    """Fixed cycles of ``phases`` exchange phases that move data between cores."""
    return chip.exchange.phase_overhead_cycles * np.asarray(phases, dtype=np.float64)


def exchange_core_cycles(
    chip: Chip, receive_cycles: FloatArray, sent_bytes: FloatArray, moved: bool
) -> FloatArray:
    """
    Per core, its cycles in one exchange phase: ``receive_cycles`` (its messages,
    one sender at a time where receivers are serialised, what a supertile takes
    together already shared) or, on a chip whose senders are serialised, the time
    to send ``sent_bytes`` (each distinct message once), whichever is longer;
    plus the phase overhead when anything ``moved`` between cores.
    """
    busy = np.asarray(receive_cycles, dtype=np.float64)
    if chip.exchange.sender_serialised:
        busy = np.maximum(busy, shift_cycles(chip, sent_bytes))
    return busy + (chip.exchange.phase_overhead_cycles if moved else 0.0)


def supertiles_alike(chip: Chip, keys: IntArray) -> NDArray[np.bool_]:
    """(..., supertiles): whether every core of each whole supertile has the same row of
    ``keys`` (..., cores, k), what it holds or needs; cores after the last whole
    supertile are in none."""
    size = chip.exchange.supertile_cores
    whole = keys.shape[-2] // size * size
    grouped = keys[..., :whole, :].reshape(*keys.shape[:-2], whole // size, size, keys.shape[-1])
    return (grouped == grouped[..., :1, :]).all(axis=(-2, -1))


def supertile_sharing(chip: Chip, together: NDArray[np.bool_], cores: int) -> FloatArray:
    """(..., cores): per core, how many cores take its data with it: every core of its
    supertile where ``together`` (..., supertiles, from :func:`supertiles_alike`) holds,
    else 1 (and 1 after the last whole supertile)."""
    size = chip.exchange.supertile_cores
    sharing = np.ones((*together.shape[:-1], cores))
    whole = together.shape[-1] * size
    sharing[..., :whole] = np.repeat(np.where(together, size, 1), size, axis=-1)
    return sharing


def exchange_code_bytes(chip: Chip, messages: IntArray | int) -> IntArray:
    """SRAM bytes of exchange code for ``messages`` messages a core receives."""
    return chip.exchange.code_bytes_per_message * np.asarray(messages, dtype=np.int64)


def loop_cycles(chip: Chip, iterations: IntArray | int) -> FloatArray:
    """Cycles of the control of ``iterations`` iterations of a counted loop."""
    return chip.program.loop_iteration_cycles * np.asarray(iterations, dtype=np.float64)


def sync_cycles(chip: Chip, rotations: IntArray | FloatArray) -> FloatArray:
    """Cycles of the global syncs that ``rotations`` rotations of one tensor each pay."""
    return chip.sync.cycles * chip.sync.syncs_per_shift * np.asarray(rotations, dtype=np.float64)


def relayout_cycles(
    chip: Chip, received_bytes: IntArray | FloatArray, copied_bytes: IntArray | FloatArray
) -> FloatArray:
    """
    Per core (the last axis), cycles of one relayout: receiving ``received_bytes``
    (already divided among the cores of a supertile taking the same data) one sender
    at a time, then copying the ``copied_bytes`` it already holds into
    its new buffers; plus the phase overhead on every core when any core of the
    relayout receives anything. A core with nothing to do costs nothing.
    """
    received = np.asarray(received_bytes, dtype=np.float64)
    copied = np.asarray(copied_bytes, dtype=np.float64)
    copying = np.where(copied > 0, copy_cycles(chip, copied), 0.0)
    moved: IntArray = np.asarray((received > 0).any(axis=-1, keepdims=True), dtype=np.int64)
    return shift_cycles(chip, received) + copying + exchange_phases_cycles(chip, moved)


def spike_row_cycles(chip: Chip, spikes: IntArray | FloatArray, row: IntArray | int) -> FloatArray:
    """
    Cycles of one launch of a kernel that follows a spike list: for each of
    ``spikes`` listed spikes, the per-spike cost, then the ``row`` elements it
    selects streamed at the elementwise rate (a gather-add of weight rows, a
    scatter-add into gradient rows, or a dot product with one row).
    """
    per_spike = chip.compute.spikes.cycles_per_spike
    stream = chip.compute.elementwise
    spike_count = np.asarray(spikes, dtype=np.float64)
    return (
        spike_count * (per_spike + stream.cycles_per_element * np.asarray(row, dtype=np.float64))
        + stream.launch_cycles
    )


def compaction_cycles(
    chip: Chip, elements: IntArray | FloatArray, spikes: IntArray | FloatArray
) -> FloatArray:
    """Cycles of an elementwise pass over ``elements`` that also lists ``spikes``
    of them (threshold-and-compact, or a surrogate taken at listed neurons only)."""
    per_spike = chip.compute.spikes.cycles_per_spike
    return elementwise_cycles(chip, np.asarray(elements, dtype=np.int64)) + per_spike * np.asarray(
        spikes, dtype=np.float64
    )


def spike_op_cycles(
    chip: Chip, op: Operation, points: int, listed: IntArray, row: int
) -> FloatArray:
    """
    Cycles of ``snn`` op ``op`` on each core, from the data it sees there:
    ``points`` elements of its dense per-neuron operand per core, ``listed`` (one
    entry per core) real entries of the spike list it reads (of its result for
    ``snn.threshold_compact``), ``row`` the weight row length.

    - ``gather_add``, ``scatter_add_rows``, ``listed_grad``: every listed spike
      streams one weight row: ``spike_row_cycles(listed, row)``;
    - ``pick``, ``spike_counts``: one element per spike: ``spike_row_cycles(listed, 1)``;
    - ``threshold_compact`` and ``lif_grad`` in list form: an elementwise pass that
      lists (or visits) the spikes: ``compaction_cycles(points, listed)``;
    - ``lif`` and ``lif_grad`` in dense form: ``elementwise_cycles(points)``;
    - ``cross_entropy``: a softmax, ``elementwise_cycles(points) + reduction_cycles(points)``.
    """
    spikes = np.asarray(listed, dtype=np.int64)
    dense = np.full(spikes.shape, points, dtype=np.int64)
    if isinstance(op, snn.GatherAddOp | snn.ScatterAddRowsOp | snn.ListedGradOp):
        return spike_row_cycles(chip, spikes, row)
    if isinstance(op, snn.PickOp | snn.SpikeCountsOp):
        return spike_row_cycles(chip, spikes, 1)
    if isinstance(op, snn.ThresholdCompactOp) or (
        isinstance(op, snn.LifGradOp) and op.ids is not None
    ):
        return compaction_cycles(chip, dense, spikes)
    if isinstance(op, snn.LifOp | snn.LifGradOp):
        return elementwise_cycles(chip, dense)
    if isinstance(op, snn.CrossEntropyOp):
        return elementwise_cycles(chip, dense) + reduction_cycles(chip, dense)
    raise ValueError(f"{op.name} is not an snn op with a cost")

"""The chip model: every hardware number the compiler and the simulator use.

A chip is data. It is described by a TOML file (a *chip file*) and loaded with
:func:`load_chip` into an immutable, hashable :class:`Chip` (plans are cached
per chip, so a chip can be a dictionary key). Presets ship in
``hwmodel/presets/<name>.toml``; :func:`preset_names` lists them.

Chip file schema
================

Every field below is required unless marked optional; any other key is an
error (with a did-you-mean hint for typos). Integers must be TOML integers
(``true`` is not ``1``); a *number* may be an integer or a float. Counts and
rates must be positive; fixed overheads and latencies may be zero.

Top level::

    name                = "ipu-mk2"     # string, non-empty: what tools print
    description         = "..."         # string: one line about the chip
    cores               = 1472          # positive integer: cores on the chip
    sram_kib_per_core   = 624           # positive integer: scratchpad per core, KiB
    clock_hz            = 1.325e9       # positive number: core clock
    worker_threads      = 6             # positive integer: hardware threads per core

``[element_bytes]`` -- size in bytes of one element of each data type the chip
handles, keyed by the type's MLIR spelling (``f16 = 2``, ``f32 = 4``,
``bf16 = 2``, ``i32 = 4``, ``i8 = 1``); positive integers, at least one entry.

``[topology]`` -- how cores reach each other::

    kind = "all-to-all"                 # any core writes any other core's SRAM directly
    # or
    kind = "mesh-2d"                    # cores on a rows x cols grid, numbered row-major;
    rows = 8                            #   positive integer  } mesh-2d only,
    cols = 8                            #   positive integer  } rows * cols == cores
    hop_latency_cycles = 2              #   non-negative number: latency per mesh hop

``[exchange]`` -- the inter-core network as seen by one core::

    cycles_per_byte     = 0.28          # positive number: cycles to send one byte
    receiver_serialised = true          # boolean: a core receiving from several
                                        # senders is served one sender at a time
    sender_serialised   = true          # optional boolean (false): a core sending
                                        # different data to several cores sends one
                                        # after another (the same data goes once)
    phase_overhead_cycles = 100         # optional non-negative number (0): fixed
                                        # cycles of every exchange phase that moves
                                        # data between cores
    code_bytes_per_message = 4          # optional non-negative integer (0): SRAM
                                        # bytes of exchange code per message a core
                                        # receives, resident for the whole program
    supertile_cores     = 2             # optional positive integer (1): cores sharing
                                        # one exchange bus; a supertile's cores
                                        # receiving the same message from one sender
                                        # take it together, at that many times the rate

``[sync]`` -- global barrier between the compute and exchange phases::

    cycles          = 118               # positive number: cycles per global sync
    syncs_per_shift = 2                 # positive integer: syncs each rotating
                                        # tensor pays per shift step

``[program]`` -- optional: program control on every core::

    loop_iteration_cycles = 10          # optional non-negative number (0): cycles of
                                        # one iteration of a counted loop's control
                                        # (``tile.repeat``: the SNN time loop)

``[compute.matmul.<dtype>]`` -- matmul-like work (a contraction) on one core,
one table per supported element type; ``<dtype>`` must be a key of
``[element_bytes]`` and there must be at least one table. The work is cut
into ``block.m x block.k x block.n`` blocks; a call on an m x k x n problem
costs ``ceil(m/block.m) * ceil(k/block.k) * ceil(n/block.n)`` blocks of
``block.m * block.k * block.n / macs_per_cycle`` cycles each, plus the
per-call overhead ``call_overhead.cycles_per_kn_block * ceil(k/block.k) *
ceil(n/block.n) + call_overhead.cycles_per_n_block * ceil(n/block.n) +
call_overhead.cycles``::

    macs_per_cycle = 64                 # positive integer: multiply-accumulates per cycle
    block = { m = 6, k = 16, n = 16 }   # positive integers: the unit of work
    call_overhead = { cycles_per_kn_block = 514, cycles_per_n_block = 113, cycles = 173 }
                                        # non-negative numbers

``[compute.elementwise]`` and ``[compute.reduction]`` -- streaming work on one
core: ``cycles_per_element * n + launch_cycles`` for n elements::

    cycles_per_element = 0.5            # positive number
    launch_cycles      = 300            # non-negative number

``[compute.data_movement]`` -- copying within one core's SRAM:
``cycles_per_byte * bytes + launch_cycles``::

    cycles_per_byte = 0.125             # positive number
    launch_cycles   = 300               # non-negative number

``[compute.spikes]`` -- the per-spike cost of work that follows a spike list (a
spiking network's gather-add, scatter-add and compaction): every listed spike a
core visits costs ``cycles_per_spike`` on top of the elementwise work on the
row it touches::

    cycles_per_spike = 4                # non-negative number

Errors
======

A bad chip file raises :class:`ChipFileError`, whose message is one line naming
the file, the field as a dotted path (``compute.matmul.f16.macs_per_cycle``),
what was expected and what was found.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

PRESETS_DIR = Path(__file__).parent / "presets"
"""Where the preset chip files live: ``<name>.toml`` for preset ``<name>``."""


class ChipFileError(ValueError):
    """A chip file (or preset name) that cannot be loaded; the message is one line."""


@dataclass(frozen=True)
class AllToAll:
    """Every core writes directly into every other core's SRAM (the IPU exchange).

    The network adds no distance-dependent latency: its cost is the exchange
    rate per byte and the global syncs around each exchange phase.
    """

    cores: int

    kind = "all-to-all"

    def hops(self, sources: CoreIds, destinations: CoreIds) -> IntArray:
        """Network hops of each transfer from ``sources`` to ``destinations`` (core ids,
        broadcast together): one, or zero to itself."""
        source_array = _cores(sources, self.cores)
        destination_array = _cores(destinations, self.cores)
        return (source_array != destination_array).astype(np.int64)

    def latency_cycles(self, sources: CoreIds, destinations: CoreIds) -> FloatArray:
        """Distance-dependent latency of each transfer: none on an all-to-all network."""
        return np.zeros(self.hops(sources, destinations).shape)

    def describe(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Mesh2D:
    """Cores on a ``rows x cols`` grid, numbered row-major, each linked to its 4 neighbours.

    A transfer travels the Manhattan distance between its cores and pays
    ``hop_latency_cycles`` per hop on top of the per-byte exchange rate.
    """

    rows: int
    cols: int
    hop_latency_cycles: float

    kind = "mesh-2d"

    @property
    def cores(self) -> int:
        return self.rows * self.cols

    def coordinates(self, cores: CoreIds) -> tuple[IntArray, IntArray]:
        """(row, column) of each of ``cores`` on the grid."""
        return np.divmod(_cores(cores, self.cores), self.cols)

    def hops(self, sources: CoreIds, destinations: CoreIds) -> IntArray:
        """Network hops of each transfer from ``sources`` to ``destinations`` (core ids,
        broadcast together): the Manhattan distance between them on the grid."""
        return self.distance(_cores(sources, self.cores), _cores(destinations, self.cores))

    def distance(self, sources: npt.ArrayLike, destinations: npt.ArrayLike) -> IntArray:
        """:meth:`hops` without checking the cores are on the chip: ids past the last
        one count as further rows of the grid. The plan search prices the rings of
        candidate grids before it drops those larger than the chip."""
        source_row, source_col = np.divmod(np.asarray(sources, dtype=np.int64), self.cols)
        destination_row, destination_col = np.divmod(
            np.asarray(destinations, dtype=np.int64), self.cols
        )
        return np.abs(source_row - destination_row) + np.abs(source_col - destination_col)

    def latency_cycles(self, sources: CoreIds, destinations: CoreIds) -> FloatArray:
        """Distance-dependent latency of each transfer from ``sources`` to ``destinations``."""
        return self.hop_latency_cycles * self.hops(sources, destinations).astype(np.float64)

    @property
    def diameter(self) -> int:
        """The most hops any transfer takes: corner to opposite corner."""
        return self.rows - 1 + self.cols - 1

    def describe(self) -> str:
        return f"{self.kind} {self.rows}x{self.cols}"


Topology = AllToAll | Mesh2D
TOPOLOGY_KINDS = (AllToAll.kind, Mesh2D.kind)


CoreIds = int | npt.ArrayLike
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _cores(cores: CoreIds, count: int) -> IntArray:
    """``cores`` as an int64 array, each checked to be a core of a chip of ``count``."""
    array = np.asarray(cores, dtype=np.int64)
    outside = (array < 0) | (array >= count)
    if outside.any():
        core = int(array[outside].flat[0])
        raise ValueError(f"core {core} is not on a chip of {count} cores (0..{count - 1})")
    return array


@dataclass(frozen=True)
class Exchange:
    """The inter-core network as seen by one core."""

    cycles_per_byte: float
    """Cycles one core spends sending one byte to another core."""
    receiver_serialised: bool
    """Whether a core receiving from several senders is served one sender at a time."""
    sender_serialised: bool = False
    """Whether a core sending different data to several cores sends one after another."""
    phase_overhead_cycles: float = 0.0
    """Fixed cycles of one exchange phase in which some core receives from another."""
    code_bytes_per_message: int = 0
    """SRAM bytes of exchange code per message a core receives (resident all program)."""
    supertile_cores: int = 1
    """Cores sharing one exchange bus (numbered consecutively from a multiple of it):
    those receiving the same message from one sender take it at this many times the rate."""


@dataclass(frozen=True)
class Program:
    """Program control on every core, outside any compute or exchange."""

    loop_iteration_cycles: float = 0.0
    """Cycles of one iteration of a counted loop's control (test, branch, counter)."""


@dataclass(frozen=True)
class Sync:
    """The global barrier that separates compute and exchange phases."""

    cycles: float
    """Cycles of one global sync."""
    syncs_per_shift: int
    """Global syncs each rotating tensor pays per shift step."""


@dataclass(frozen=True)
class MatmulBlock:
    """The unit of matmul-like work a core's matrix engine processes: m x k x n."""

    m: int
    k: int
    n: int

    @property
    def macs(self) -> int:
        return self.m * self.k * self.n


@dataclass(frozen=True)
class MatmulCallOverhead:
    """Fixed cost of one matmul call on a core, growing with its k and n block counts.

    ``cycles_per_kn_block * k_blocks * n_blocks + cycles_per_n_block * n_blocks + cycles``.
    """

    cycles_per_kn_block: float
    cycles_per_n_block: float
    cycles: float


@dataclass(frozen=True)
class MatmulRate:
    """Throughput of matmul-like work (contractions) on one core for one element type."""

    dtype: str
    macs_per_cycle: int
    block: MatmulBlock
    call_overhead: MatmulCallOverhead

    @property
    def block_cycles(self) -> float:
        """Cycles to process one block at the peak MAC rate."""
        return self.block.macs / self.macs_per_cycle


@dataclass(frozen=True)
class StreamRate:
    """Throughput of work streaming over elements on one core (elementwise, reductions)."""

    cycles_per_element: float
    launch_cycles: float


@dataclass(frozen=True)
class CopyRate:
    """Throughput of copying data within one core's SRAM."""

    cycles_per_byte: float
    launch_cycles: float


@dataclass(frozen=True)
class SpikeRate:
    """The cost of visiting one listed spike: reading its id and addressing its row."""

    cycles_per_spike: float


@dataclass(frozen=True)
class Compute:
    """Compute throughput of one core, per class of operator."""

    matmul: tuple[MatmulRate, ...]
    elementwise: StreamRate
    reduction: StreamRate
    data_movement: CopyRate
    spikes: SpikeRate


@dataclass(frozen=True)
class Chip:
    """A many-core chip: its cores, their SRAM, the network joining them, and their speed.

    Built by :func:`load_chip` from a chip file, which is validated; the
    schema is in this module's docstring.
    """

    name: str
    description: str
    cores: int
    sram_kib_per_core: int
    clock_hz: float
    worker_threads: int
    element_bytes: tuple[tuple[str, int], ...]
    """(dtype, bytes per element) for every element type the chip handles."""
    topology: Topology
    exchange: Exchange
    sync: Sync
    compute: Compute
    program: Program = Program()

    @property
    def sram_bytes(self) -> int:
        """SRAM of one core in bytes."""
        return self.sram_kib_per_core * 1024

    @property
    def total_sram_bytes(self) -> int:
        return self.sram_bytes * self.cores

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(dtype for dtype, _ in self.element_bytes)

    def bytes_per_element(self, dtype: str) -> int:
        """Size of one ``dtype`` element (``"f16"``, ``"f32"``, ...) in bytes."""
        for known, size in self.element_bytes:
            if known == dtype:
                return size
        raise KeyError(
            f"chip '{self.name}' has no element type '{dtype}'; it has {', '.join(self.dtypes)}"
        )

    def has_matmul_rate(self, dtype: str) -> bool:
        """Whether the chip's matmul unit takes ``dtype`` operands (else contractions on
        them run on the vector units: ``cost.step_compute_cycles``)."""
        return any(rate.dtype == dtype for rate in self.compute.matmul)

    def matmul_rate(self, dtype: str) -> MatmulRate:
        """Matmul-like throughput for ``dtype`` operands."""
        for rate in self.compute.matmul:
            if rate.dtype == dtype:
                return rate
        supported = ", ".join(rate.dtype for rate in self.compute.matmul)
        raise KeyError(f"chip '{self.name}' has no matmul rate for '{dtype}'; it has {supported}")

    def peak_flops(self, dtype: str) -> float:
        """Chip-wide peak of matmul-like work on ``dtype``, in FLOP/s (a MAC is two FLOPs)."""
        return 2 * self.matmul_rate(dtype).macs_per_cycle * self.cores * self.clock_hz

    def cycles_to_us(self, cycles: float) -> float:
        """Microseconds that ``cycles`` core clock cycles take."""
        return cycles / self.clock_hz * 1e6

    @property
    def exchange_bytes_per_second(self) -> float:
        """Bytes per second one core sends over the network."""
        return self.clock_hz / self.exchange.cycles_per_byte

    def to_dict(self) -> dict[str, Any]:
        """The chip as a chip file's TOML document (``parse_chip`` reads it back)."""
        topology: dict[str, Any] = {"kind": self.topology.kind}
        if isinstance(self.topology, Mesh2D):
            topology |= {
                "rows": self.topology.rows,
                "cols": self.topology.cols,
                "hop_latency_cycles": self.topology.hop_latency_cycles,
            }
        compute = self.compute
        return {
            "name": self.name,
            "description": self.description,
            "cores": self.cores,
            "sram_kib_per_core": self.sram_kib_per_core,
            "clock_hz": self.clock_hz,
            "worker_threads": self.worker_threads,
            "element_bytes": dict(self.element_bytes),
            "topology": topology,
            "exchange": {
                "cycles_per_byte": self.exchange.cycles_per_byte,
                "receiver_serialised": self.exchange.receiver_serialised,
                "sender_serialised": self.exchange.sender_serialised,
                "phase_overhead_cycles": self.exchange.phase_overhead_cycles,
                "code_bytes_per_message": self.exchange.code_bytes_per_message,
                "supertile_cores": self.exchange.supertile_cores,
            },
            "program": {"loop_iteration_cycles": self.program.loop_iteration_cycles},
            "sync": {
                "cycles": self.sync.cycles,
                "syncs_per_shift": self.sync.syncs_per_shift,
            },
            "compute": {
                "matmul": {
                    rate.dtype: {
                        "macs_per_cycle": rate.macs_per_cycle,
                        "block": {"m": rate.block.m, "k": rate.block.k, "n": rate.block.n},
                        "call_overhead": {
                            "cycles_per_kn_block": rate.call_overhead.cycles_per_kn_block,
                            "cycles_per_n_block": rate.call_overhead.cycles_per_n_block,
                            "cycles": rate.call_overhead.cycles,
                        },
                    }
                    for rate in compute.matmul
                },
                "elementwise": {
                    "cycles_per_element": compute.elementwise.cycles_per_element,
                    "launch_cycles": compute.elementwise.launch_cycles,
                },
                "reduction": {
                    "cycles_per_element": compute.reduction.cycles_per_element,
                    "launch_cycles": compute.reduction.launch_cycles,
                },
                "data_movement": {
                    "cycles_per_byte": compute.data_movement.cycles_per_byte,
                    "launch_cycles": compute.data_movement.launch_cycles,
                },
                "spikes": {"cycles_per_spike": compute.spikes.cycles_per_spike},
            },
        }


def preset_names() -> list[str]:
    """Names of the shipped preset chips, sorted."""
    return sorted(path.stem for path in PRESETS_DIR.glob("*.toml"))


def load_chip(name_or_path: str | Path) -> Chip:
    """The chip a preset name (``"ipu-mk2"``) or a chip file path names.

    A bare name (no path separator, no ``.toml`` suffix) is a preset; anything
    else is a path, so ``./ipu-mk2`` reads a local file of that name.
    """
    text = str(name_or_path)
    is_preset_name = (
        isinstance(name_or_path, str) and "/" not in text and not text.endswith(".toml")
    )
    if not is_preset_name:
        return load_chip_file(Path(name_or_path))
    presets = preset_names()
    if text not in presets:
        raise ChipFileError(
            f"unknown chip preset '{text}'{_suggestion(text.lower(), presets)}; "
            f"presets are {', '.join(presets)}, or give a path to a .toml chip file"
        )
    return load_chip_file(PRESETS_DIR / f"{text}.toml")


def load_chip_file(path: Path) -> Chip:
    """The chip described by the chip file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ChipFileError(f"{path}: cannot read chip file: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ChipFileError(f"{path}: chip file is not UTF-8 text: {error.reason}") from error
    return parse_chip_text(text, str(path))


_TOML_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def parse_chip_text(text: str, source: str) -> Chip:
    """The chip described by chip-file ``text``; ``source`` names it in errors."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.match(message)
        if position is None:
            raise ChipFileError(f"{source}: TOML syntax error: {message}") from error
        raise ChipFileError(
            f"{source}:{position['line']}:{position['column']}: "
            f"TOML syntax error: {position['message']}"
        ) from error
    return parse_chip(document, source)


_TOP_LEVEL_FIELDS = (
    "name",
    "description",
    "cores",
    "sram_kib_per_core",
    "clock_hz",
    "worker_threads",
    "element_bytes",
    "topology",
    "exchange",
    "sync",
    "program",
    "compute",
)
_MESH_FIELDS = ("rows", "cols", "hop_latency_cycles")

MAX_FIELD_INTEGER = (1 << 31) - 1
"""The largest integer a chip file field may hold: sizes and counts beyond it are typing
slips, and the planner's and simulator's arithmetic is 64-bit."""
MAX_CORES = 1 << 20
"""The most cores a chip may have: the simulator holds one entry per core in its arrays
(a wafer-scale chip has under a million)."""
MAX_FIELD_CYCLES = 1e6
"""The largest cycle count or rate (cycles per byte, element, launch, sync, hop) a chip
file may give: a million times today's, so that a slip such as 1e300 is caught rather
than overflowing the cost model's 64-bit cycle counts."""
MIN_CLOCK_HZ = 1e3
MAX_CLOCK_HZ = 1e12
"""The clocks a chip file may give: 1 kHz to 1 THz."""
MAX_SRAM_KIB_PER_CORE = 1 << 24
"""The most SRAM per core, in KiB (16 GiB), so that bytes per core on the whole chip stay
within 64-bit arithmetic."""


def parse_chip(document: Mapping[str, Any], source: str) -> Chip:
    """The chip described by a parsed chip-file document; ``source`` names it in errors."""
    top = _Table(source, "", document, _TOP_LEVEL_FIELDS)
    name = top.string("name")
    if not name:
        top.fail("name", "a non-empty string", '""')
    cores = top.integer("cores", MAX_CORES)
    clock_hz = top.number("clock_hz", maximum=MAX_CLOCK_HZ)
    if clock_hz < MIN_CLOCK_HZ:
        top.fail("clock_hz", f"at least {MIN_CLOCK_HZ:g}", _describe(clock_hz))

    element_bytes = top.table("element_bytes", fields=None)
    if not element_bytes.names():
        top.fail("element_bytes", "at least one dtype (e.g. f16 = 2)", "an empty table")
    sizes = tuple((dtype, element_bytes.integer(dtype)) for dtype in element_bytes.names())

    return Chip(
        name=name,
        description=top.string("description"),
        cores=cores,
        sram_kib_per_core=top.integer("sram_kib_per_core", MAX_SRAM_KIB_PER_CORE),
        clock_hz=clock_hz,
        worker_threads=top.integer("worker_threads"),
        element_bytes=sizes,
        topology=_parse_topology(top.table("topology", ("kind", *_MESH_FIELDS)), cores),
        exchange=_parse_exchange(top.table("exchange", _EXCHANGE_FIELDS)),
        sync=_parse_sync(top.table("sync", ("cycles", "syncs_per_shift"))),
        program=_parse_program(top.optional_table("program", ("loop_iteration_cycles",))),
        compute=_parse_compute(
            top.table("compute", ("matmul", "elementwise", "reduction", "data_movement", "spikes")),
            [dtype for dtype, _ in sizes],
        ),
    )


def _parse_topology(table: _Table, cores: int) -> Topology:
    kind = table.choice("kind", TOPOLOGY_KINDS)
    if kind == AllToAll.kind:
        for field in _MESH_FIELDS:
            if field in table.names():
                table.fail(
                    field,
                    f'no {field} when kind is "{kind}" (only kind "{Mesh2D.kind}" has one)',
                    f"{field} = {table.content[field]!r}",
                )
        return AllToAll(cores=cores)
    rows = table.integer("rows")
    cols = table.integer("cols")
    if rows * cols != cores:
        table.fail(
            None,
            f"rows * cols == cores = {cores}",
            f"rows * cols = {rows} * {cols} = {rows * cols}",
        )
    return Mesh2D(
        rows=rows, cols=cols, hop_latency_cycles=table.number("hop_latency_cycles", minimum=0)
    )


_EXCHANGE_FIELDS = (
    "cycles_per_byte",
    "receiver_serialised",
    "sender_serialised",
    "phase_overhead_cycles",
    "code_bytes_per_message",
    "supertile_cores",
)


def _parse_exchange(table: _Table) -> Exchange:
    return Exchange(
        cycles_per_byte=table.number("cycles_per_byte"),
        receiver_serialised=table.boolean("receiver_serialised"),
        sender_serialised=table.boolean("sender_serialised", default=False),
        phase_overhead_cycles=table.number("phase_overhead_cycles", minimum=0, default=0.0),
        code_bytes_per_message=table.count("code_bytes_per_message", default=0),
        supertile_cores=table.integer("supertile_cores", default=1),
    )


def _parse_program(table: _Table) -> Program:
    return Program(
        loop_iteration_cycles=table.number("loop_iteration_cycles", minimum=0, default=0.0)
    )


def _parse_sync(table: _Table) -> Sync:
    return Sync(cycles=table.number("cycles"), syncs_per_shift=table.integer("syncs_per_shift"))


def _parse_compute(table: _Table, dtypes: list[str]) -> Compute:
    matmul = table.table("matmul", fields=None)
    if not matmul.names():
        table.fail("matmul", "at least one dtype table (e.g. [compute.matmul.f16])", "none")
    return Compute(
        matmul=tuple(_parse_matmul(matmul, dtype, dtypes) for dtype in matmul.names()),
        elementwise=_parse_stream(table.table("elementwise", _STREAM_FIELDS)),
        reduction=_parse_stream(table.table("reduction", _STREAM_FIELDS)),
        data_movement=_parse_copy(
            table.table("data_movement", ("cycles_per_byte", "launch_cycles"))
        ),
        spikes=SpikeRate(
            cycles_per_spike=table.table("spikes", ("cycles_per_spike",)).number(
                "cycles_per_spike", minimum=0
            )
        ),
    )


_STREAM_FIELDS = ("cycles_per_element", "launch_cycles")
_OVERHEAD_FIELDS = ("cycles_per_kn_block", "cycles_per_n_block", "cycles")


def _parse_matmul(matmul: _Table, dtype: str, dtypes: list[str]) -> MatmulRate:
    if dtype not in dtypes:
        matmul.fail(
            dtype,
            f"a dtype listed in element_bytes ({', '.join(dtypes)}){_suggestion(dtype, dtypes)}",
            f"'{dtype}'",
        )
    rate = matmul.table(dtype, ("macs_per_cycle", "block", "call_overhead"))
    block = rate.table("block", ("m", "k", "n"))
    overhead = rate.table("call_overhead", _OVERHEAD_FIELDS)
    return MatmulRate(
        dtype=dtype,
        macs_per_cycle=rate.integer("macs_per_cycle"),
        block=MatmulBlock(m=block.integer("m"), k=block.integer("k"), n=block.integer("n")),
        call_overhead=MatmulCallOverhead(
            *(overhead.number(field, minimum=0) for field in _OVERHEAD_FIELDS)
        ),
    )


def _parse_stream(table: _Table) -> StreamRate:
    return StreamRate(
        cycles_per_element=table.number("cycles_per_element"),
        launch_cycles=table.number("launch_cycles", minimum=0),
    )


def _parse_copy(table: _Table) -> CopyRate:
    return CopyRate(
        cycles_per_byte=table.number("cycles_per_byte"),
        launch_cycles=table.number("launch_cycles", minimum=0),
    )


def _suggestion(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _describe(value: object) -> str:
    """``value`` as a chip-file reader would recognise it in an error message."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f'"{value}" (a string)'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{value} (a {type(value).__name__})"


class _Table:
    """One table of a chip file being read; errors name its fields by dotted path.

    ``fields`` lists the keys the table may hold (``None``: any key, for tables
    keyed by dtype); any other key is reported at once, with a suggestion, so a
    misspelt field reads as a typo rather than as a missing field.
    """

    def __init__(
        self,
        source: str,
        path: str,
        content: Mapping[str, Any],
        fields: Collection[str] | None,
    ):
        self.source = source
        self.path = path
        self.content = content
        if fields is None:
            return
        for key in content:
            if key not in fields:
                raise ChipFileError(
                    f"{source}: {self.dotted(key)}: unknown field{_suggestion(key, fields)}; "
                    f"expected one of {', '.join(fields)}"
                )

    def dotted(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def names(self) -> list[str]:
        return list(self.content)

    def fail(self, key: str | None, expected: str, found: str) -> NoReturn:
        """Reject field ``key`` of this table (``None``: the table as a whole)."""
        field = self.path if key is None else self.dotted(key)
        raise ChipFileError(f"{self.source}: {field}: expected {expected}, found {found}")

    def _required(self, key: str, expected: str, default: object = None) -> object:
        if key not in self.content and default is not None:
            return default
        if key not in self.content:
            raise ChipFileError(
                f"{self.source}: {self.dotted(key)}: missing required field (expected {expected})"
            )
        return self.content[key]

    def optional_table(self, key: str, fields: Collection[str]) -> _Table:
        """Table ``key``, empty when the file leaves it out."""
        return self.table(key, fields, default={})

    def table(
        self, key: str, fields: Collection[str] | None, default: dict[str, Any] | None = None
    ) -> _Table:
        value = self._required(key, "a table", default)
        if not isinstance(value, dict):
            self.fail(key, "a table", _describe(value))
        return _Table(self.source, self.dotted(key), value, fields)

    def string(self, key: str) -> str:
        value = self._required(key, "a string")
        if not isinstance(value, str):
            self.fail(key, "a string", _describe(value))
        return value

    def choice(self, key: str, choices: Collection[str]) -> str:
        expected = "one of " + ", ".join(f'"{choice}"' for choice in choices)
        value = self._required(key, expected)
        if not isinstance(value, str) or value not in choices:
            suggestion = _suggestion(value, choices) if isinstance(value, str) else ""
            self.fail(key, expected + suggestion, _describe(value))
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self._required(key, "true or false", default)
        if not isinstance(value, bool):
            self.fail(key, "true or false", _describe(value))
        return value

    def integer(
        self, key: str, maximum: int = MAX_FIELD_INTEGER, default: int | None = None
    ) -> int:
        """A positive integer, at most ``maximum``."""
        expected = "a positive integer"
        value = self._required(key, expected, default)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(key, expected, _describe(value))
        if value > maximum:
            self.fail(key, f"at most {maximum}", _describe(value))
        return value

    def count(self, key: str, default: int | None = None) -> int:
        """A non-negative integer, at most :data:`MAX_FIELD_INTEGER`."""
        expected = "a non-negative integer"
        value = self._required(key, expected, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, expected, _describe(value))
        if value > MAX_FIELD_INTEGER:
            self.fail(key, f"at most {MAX_FIELD_INTEGER}", _describe(value))
        return value

    def number(
        self,
        key: str,
        minimum: float | None = None,
        maximum: float = MAX_FIELD_CYCLES,
        default: float | None = None,
    ) -> float:
        """A number above zero, or at least ``minimum`` when given; at most ``maximum``."""
        expected = "a positive number" if minimum is None else f"a number >= {minimum}"
        value = self._required(key, expected, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or (value <= 0 if minimum is None else value < minimum)
        ):
            self.fail(key, expected, _describe(value))
        if value > maximum:
            self.fail(key, f"at most {maximum:g}", _describe(value))
        return float(value)

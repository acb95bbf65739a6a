"""Safe trajectory file format: a zip archive of JSON metadata plus ``.npy`` arrays (no pickle, no code on load).

File layout (``<episode_id>.traj.zip``, written atomically: temp file in the same dir + ``os.replace``)::

    meta.json          {"format": "maze-trajectory", "version": 1, "kind": "<record class>",
                        "episode_id": "...", "n_steps": N, "record": <encoded record>}
    arrays/<i>.npy     arrays larger than INLINE_ARRAY_MAX_BYTES, written with allow_pickle=False

The encoded record is plain JSON. Values that JSON cannot express are single-key objects whose key
starts with ``__`` (a "tag"):

========================  ==========================================================================
tag                       meaning
========================  ==========================================================================
``__tuple__``             a tuple (list of encoded items)
``__set__``               a set/frozenset
``__dict__``              a dict with non-string keys or keys starting with ``__`` (list of [k, v])
``__nd__``                a small numpy array: ``{"dtype", "shape", "b64"}`` (raw little-endian bytes)
``__ndref__``             a large numpy array stored in the archive entry ``arrays/<i>.npy``
``__npscalar__``          a numpy scalar: ``[dtype, b64 bytes]``
``__float__``             a non-finite float: ``"nan"``, ``"inf"``, ``"-inf"``
``__bytes__``             bytes (base64)
``__obj__``               an object of an allowed class: ``{"cls": "module:QualName", "state": {...}}``
``__enum__``              an enum member: ``{"cls": path, "name": member name}``
``__namedtuple__``        a named tuple: ``{"cls": path, "values": [...]}``
``__event__``             an :class:`~maze.core.events.event_record.EventRecord`:
                          ``{"cls": topic class path, "method": name, "attributes": {...}}``
``__class__``             a reference to an allowed class (path)
``__repr__``              (lenient encoding only, e.g. of ``info`` dicts) the ``repr`` of a value that
                          could not be encoded; decoded as that string
========================  ==========================================================================

Which classes may appear (the allow-list): a class is resolved by its import path only if

* it was registered with :func:`register_trajectory_class` (any package; the registering module must be
  imported before loading), or
* its top-level package is *trusted* (``maze``, the top-level packages of all installed Maze plugins, and
  packages added with :func:`register_trusted_package`) **and** it is a dataclass, an ``Enum`` or a
  ``NamedTuple`` (event topics and class references only need a trusted package).

The module of a class is imported only after its top-level package was found trusted, and objects are
rebuilt with ``cls.__new__`` plus attribute assignment of declared fields (``__init__`` is not called),
so loading a file never runs code chosen by the file. Object-dtype arrays are rejected.
Loading checks entry sizes, compression ratios, array shapes and nesting depth against
:class:`TrajectoryLimits` before anything is allocated (zip bombs and forged headers are refused).
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import io
import json
import math
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator, NoReturn

import numpy as np

from maze.core.utils.atomic_write import atomic_write
from maze.core.utils.load_limits import (
    READ_CHUNK_BYTES,
    LoadLimitError,
    LoadLimits,
    loads_json_limited,
    read_limited,
)

FORMAT_NAME = "maze-trajectory"
FORMAT_VERSION = 1
#: file name suffix of trajectory files
TRAJECTORY_FILE_SUFFIX = ".traj.zip"
#: arrays up to this many bytes are inlined (base64) in meta.json; larger ones get their own .npy entry
INLINE_ARRAY_MAX_BYTES = 1024

_REGISTERED: dict[str, type] = {}
_CODECS: dict[type, tuple[Callable[[Any], Any] | None, Callable[[type, Any], Any] | None]] = {}
_TRUSTED_ROOTS: set[str] = {"maze"}
_LENIENT_FIELDS: dict[type, frozenset[str]] = {}


class TrajectoryFormatError(ValueError):
    """A trajectory file is malformed, of an unknown version, or refers to a class that is not allowed."""


class TrajectoryLimitError(TrajectoryFormatError, LoadLimitError):
    """A trajectory file exceeds a :class:`TrajectoryLimits` limit (checked before the memory is allocated)."""


#: prefix of the environment variables overriding :class:`TrajectoryLimits` (``MAZE_TRAJECTORY_MAX_JSON_BYTES``)
TRAJECTORY_LIMITS_ENV_PREFIX = "MAZE_TRAJECTORY"


@dataclasses.dataclass(frozen=True)
class TrajectoryLimits(LoadLimits):
    """Limits on what loading one trajectory file may allocate (zip bombs, huge array headers, deep nesting).

    Sizes are checked against the archive's headers before an entry is read, and again while it is
    stream-read (headers can lie). Override per call (``load_trajectory(path, limits=TrajectoryLimits(...))``)
    or per process with environment variables ``MAZE_TRAJECTORY_<FIELD>``
    (``MAZE_TRAJECTORY_MAX_JSON_BYTES=1000000000``); :meth:`from_env` applies them.

    :param max_json_bytes: uncompressed size of ``meta.json`` (parsed JSON takes several times this in memory).
    :param max_array_bytes: bytes of one array (an ``arrays/<i>.npy`` entry: shape × item size from its header).
    :param max_total_bytes: uncompressed size of all entries together.
    :param max_compression_ratio: uncompressed / compressed size of an entry larger than ``ratio_min_bytes``
        (deflate reaches about 1000 on constant data; trajectory data stays far below the default).
    :param ratio_min_bytes: entries up to this uncompressed size are exempt from the ratio check.
    :param max_entries: number of entries in the archive.
    :param max_json_depth: nesting depth of ``meta.json`` (each tagged value adds one or two levels).
    """

    max_json_bytes: int = 256 << 20
    max_array_bytes: int = 1 << 30
    max_total_bytes: int = 4 << 30
    max_compression_ratio: float = 200.0
    ratio_min_bytes: int = 1 << 20
    max_entries: int = 100_000
    max_json_depth: int = 128

    ENV_PREFIX: ClassVar[str] = TRAJECTORY_LIMITS_ENV_PREFIX
    LOADER: ClassVar[str] = "load_trajectory"


# ---------------------------------------------------------------------------------------------- allow-list
def class_path(cls: type) -> str:
    """``module:QualName`` of a class (the form stored in trajectory files)."""
    return f"{cls.__module__}:{cls.__qualname__}"


def register_trajectory_class(
    cls: type,
    to_state: Callable[[Any], Any] | None = None,
    from_state: Callable[[type, Any], Any] | None = None,
) -> type:
    """Allow ``cls`` in trajectory files (usable as a class decorator).

    :param cls: the class (MazeState, MazeAction, renderer, serializable component...).
    :param to_state: ``obj -> encodable state``; default: dataclass fields, else ``vars(obj)``.
    :param from_state: ``(cls, state) -> obj``; default: ``cls.__new__(cls)`` plus attribute assignment.
    :return: ``cls`` (so that it works as a decorator).
    """
    if not isinstance(cls, type):
        raise TypeError(f"register_trajectory_class expects a class, got {cls!r}")
    _REGISTERED[class_path(cls)] = cls
    if to_state is not None or from_state is not None:
        _CODECS[cls] = (to_state, from_state)
    return cls


def set_lenient_fields(cls: type, names: set[str] | frozenset[str]) -> None:
    """Encode the given fields of ``cls`` leniently (unencodable values become their ``repr``), e.g. ``info``."""
    _LENIENT_FIELDS[cls] = frozenset(names)


def register_trusted_package(name: str) -> None:
    """Trust dataclasses/enums/named tuples of the top-level package ``name`` (e.g. ``"my_envs"``)."""
    if not name or "." in name:
        raise ValueError(f"expected a top-level package name like 'my_envs', got {name!r}")
    _TRUSTED_ROOTS.add(name)


def trusted_packages() -> set[str]:
    """Trusted top-level packages: ``maze``, installed plugin packages and registered ones."""
    roots = set(_TRUSTED_ROOTS)
    try:
        from maze.core.plugins import get_plugin_manager

        for info in get_plugin_manager().plugins.values():
            roots.add(str(info.module).split(":")[0].split(".")[0])
    except Exception:  # noqa: BLE001 - the plugin system is optional here
        pass
    return roots


def _is_namedtuple(cls: type) -> bool:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _instantiable(cls: type) -> bool:
    if class_path(cls) in _REGISTERED:
        return True
    root = cls.__module__.split(".")[0]
    return root in trusted_packages() and (
        dataclasses.is_dataclass(cls) or issubclass(cls, enum.Enum) or _is_namedtuple(cls)
    )


def _referable(cls: type) -> bool:
    return class_path(cls) in _REGISTERED or cls.__module__.split(".")[0] in trusted_packages()


def resolve_class(path: str, instantiate: bool = True) -> type:
    """Resolve a stored class path through the allow-list (imports only trusted modules).

    :param path: ``module:QualName``.
    :param instantiate: the class will be instantiated (requires dataclass/enum/named tuple or registration).
    :raises TrajectoryFormatError: if the class is not allowed or cannot be found.
    """
    cls = _REGISTERED.get(path)
    if cls is not None:
        return cls
    module_name, sep, qualname = str(path).partition(":")
    if not sep or not module_name or not qualname:
        raise TrajectoryFormatError(f"malformed class path {path!r}: expected 'module:QualName'")
    root = module_name.split(".")[0]
    if root not in trusted_packages():
        raise TrajectoryFormatError(
            f"class {path!r} is not allowed in trajectory files: its package '{root}' is not trusted. Import the "
            f"module that defines it and call maze.core.trajectory_recording.serialization.register_trajectory_class "
            f"(or register_trusted_package('{root}')) before loading."
        )
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise TrajectoryFormatError(f"cannot resolve class {path!r} stored in the trajectory file: {exc}") from exc
    if not isinstance(obj, type):
        raise TrajectoryFormatError(f"{path!r} does not name a class")
    if path in _REGISTERED:  # the import registered it
        return _REGISTERED[path]
    if instantiate and not _instantiable(obj):
        raise TrajectoryFormatError(
            f"class {path!r} may not be rebuilt from trajectory files: only dataclasses, enums, named tuples of "
            f"trusted packages and registered classes (register_trajectory_class) are allowed"
        )
    return obj


# ---------------------------------------------------------------------------------------------- encoding
_TAGS = frozenset(
    {"__tuple__", "__set__", "__dict__", "__nd__", "__ndref__", "__npscalar__", "__float__", "__bytes__", "__obj__",
     "__enum__", "__namedtuple__", "__event__", "__class__", "__repr__"}
)


class TrajectoryEncoder:
    """Encodes values into the restricted JSON form; large arrays are collected in :attr:`arrays`.

    :param inline_max_bytes: arrays up to this size are inlined as base64.
    """

    def __init__(self, inline_max_bytes: int = INLINE_ARRAY_MAX_BYTES) -> None:
        self.inline_max_bytes = int(inline_max_bytes)
        self.arrays: list[np.ndarray] = []

    def encode(self, value: Any, lenient: bool = False) -> Any:
        """Encode ``value``; with ``lenient`` unencodable values become their ``repr`` (tag ``__repr__``)."""
        try:
            return self._encode(value, lenient)
        except RecursionError:
            raise TrajectoryFormatError("value nesting too deep (or cyclic) to encode in a trajectory file") from None

    def _encode(self, v: Any, lenient: bool) -> Any:
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and type(v) is int:
            return v
        if type(v) is float:
            if math.isfinite(v):
                return v
            return {"__float__": "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")}
        if isinstance(v, np.ndarray):
            return self._encode_array(v, lenient)
        if isinstance(v, np.generic):
            if v.dtype.kind == "O":
                return self._fail(v, lenient, "object numpy scalar")
            return {"__npscalar__": [v.dtype.str, base64.b64encode(v.tobytes()).decode("ascii")]}
        if isinstance(v, list):
            return [self._encode(x, lenient) for x in v]
        if isinstance(v, dict) and type(v) is dict:
            if all(type(k) is str and not k.startswith("__") for k in v):
                return {k: self._encode(x, lenient) for k, x in v.items()}
            return {"__dict__": [[self._encode(k, lenient), self._encode(x, lenient)] for k, x in v.items()]}
        cls = type(v)
        if cls is tuple:
            return {"__tuple__": [self._encode(x, lenient) for x in v]}
        if cls in (set, frozenset):
            return {"__set__": [self._encode(x, lenient) for x in v]}
        if cls in (bytes, bytearray):
            return {"__bytes__": base64.b64encode(bytes(v)).decode("ascii")}
        if isinstance(v, type):
            if _referable(v):
                return {"__class__": class_path(v)}
            return self._fail(v, lenient, "class of an untrusted package")
        from maze.core.events.event_record import EventRecord

        if cls is EventRecord:
            if not _referable(v.interface_class):
                return self._fail(v, lenient, f"event topic {class_path(v.interface_class)} of an untrusted package")
            return {"__event__": {"cls": class_path(v.interface_class), "method": v.interface_method.__name__,
                                  "attributes": self._encode(dict(v.attributes), lenient)}}
        if not _instantiable(cls):
            if isinstance(v, int):  # int subclasses (e.g. IntEnum of untrusted packages) degrade to int
                return int(v)
            if isinstance(v, float):
                return self._encode(float(v), lenient)
            if isinstance(v, dict):
                return self._encode(dict(v), lenient)
            return self._fail(v, lenient, "class that is not allowed")
        path = class_path(cls)
        if issubclass(cls, enum.Enum):
            return {"__enum__": {"cls": path, "name": v.name}}
        if _is_namedtuple(cls):
            return {"__namedtuple__": {"cls": path, "values": [self._encode(x, lenient) for x in v]}}
        codec = _CODECS.get(cls)
        if codec is not None and codec[0] is not None:
            state = codec[0](v)
        elif dataclasses.is_dataclass(v):
            lenient_fields = _LENIENT_FIELDS.get(cls)
            if lenient_fields:
                state = {f.name: getattr(v, f.name) for f in dataclasses.fields(v) if hasattr(v, f.name)}
                return {"__obj__": {"cls": path, "state": {
                    k: self._encode(x, lenient or k in lenient_fields) for k, x in state.items()}}}
            state = {f.name: getattr(v, f.name) for f in dataclasses.fields(v) if hasattr(v, f.name)}
        elif hasattr(v, "__dict__"):
            state = dict(vars(v))
        else:
            return self._fail(v, lenient, "object without __dict__ (register it with to_state/from_state)")
        return {"__obj__": {"cls": path, "state": self._encode(state, lenient)}}

    def _encode_array(self, a: np.ndarray, lenient: bool) -> Any:
        if a.dtype.kind == "O":
            return self._fail(a, lenient, "object-dtype array")
        if a.nbytes <= self.inline_max_bytes:
            return {"__nd__": {"dtype": a.dtype.str, "shape": list(a.shape),
                               "b64": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")}}
        self.arrays.append(a)
        return {"__ndref__": f"arrays/{len(self.arrays) - 1}.npy"}

    @staticmethod
    def _fail(v: Any, lenient: bool, why: str) -> Any:
        if lenient:
            return {"__repr__": repr(v)[:1000]}
        raise TrajectoryFormatError(
            f"cannot store {type(v).__module__}.{type(v).__qualname__} in a trajectory file ({why}). Use dataclasses "
            f"of a trusted package or register the class with "
            f"maze.core.trajectory_recording.serialization.register_trajectory_class"
        )


class TrajectoryDecoder:
    """Decodes the restricted JSON form.

    :param load_array: returns the array stored under an archive entry name (``arrays/<i>.npy``).
    """

    def __init__(self, load_array: Callable[[str], np.ndarray] | None = None) -> None:
        self.load_array = load_array

    def decode(self, v: Any) -> Any:
        if isinstance(v, list):
            return [self.decode(x) for x in v]
        if not isinstance(v, dict):
            return v
        if len(v) == 1:
            (tag, body), = v.items()
            if tag in _TAGS:
                return self._decode_tag(tag, body)
        return {k: self.decode(x) for k, x in v.items()}

    def _decode_tag(self, tag: str, body: Any) -> Any:
        if tag == "__tuple__":
            return tuple(self.decode(x) for x in body)
        if tag == "__set__":
            return {self.decode(x) for x in body}
        if tag == "__dict__":
            return {_hashable(self.decode(k)): self.decode(x) for k, x in body}
        if tag == "__nd__":
            dtype = _safe_dtype(body["dtype"])
            shape = _safe_shape(body["shape"])
            data = base64.b64decode(body["b64"])
            if math.prod(shape) * dtype.itemsize != len(data):
                raise TrajectoryFormatError(
                    f"inline array of shape {shape} and dtype {dtype.str} needs {math.prod(shape) * dtype.itemsize} "
                    f"bytes, but {len(data)} are stored")
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        if tag == "__ndref__":
            if self.load_array is None:
                raise TrajectoryFormatError(f"array entry {body!r} referenced but no archive is open")
            return self.load_array(str(body))
        if tag == "__npscalar__":
            dtype = _safe_dtype(body[0])
            return np.frombuffer(base64.b64decode(body[1]), dtype=dtype)[0]
        if tag == "__float__":
            return float(body)
        if tag == "__bytes__":
            return base64.b64decode(body)
        if tag == "__repr__":
            return str(body)
        if tag == "__class__":
            return resolve_class(body, instantiate=False)
        if tag == "__enum__":
            cls = resolve_class(body["cls"])
            return cls[body["name"]]
        if tag == "__namedtuple__":
            cls = resolve_class(body["cls"])
            return cls(*[self.decode(x) for x in body["values"]])
        if tag == "__event__":
            from maze.core.events.event_record import EventRecord

            cls = resolve_class(body["cls"], instantiate=False)
            method = getattr(cls, body["method"], None)
            if method is None or not callable(method):
                raise TrajectoryFormatError(f"event topic {body['cls']} has no event method {body['method']!r}")
            return EventRecord(cls, method, self.decode(body["attributes"]))
        if tag == "__obj__":
            return self._decode_object(body["cls"], body["state"])
        raise TrajectoryFormatError(f"unknown tag {tag!r}")  # pragma: no cover - guarded by _TAGS

    def _decode_object(self, path: str, state: Any) -> Any:
        cls = resolve_class(path)
        state = self.decode(state)
        codec = _CODECS.get(cls)
        if codec is not None and codec[1] is not None:
            return codec[1](cls, state)
        if not isinstance(state, dict):
            raise TrajectoryFormatError(f"state of {path} must be a mapping, got {type(state).__name__}")
        obj = cls.__new__(cls)
        if dataclasses.is_dataclass(cls):
            names = {f.name for f in dataclasses.fields(cls)}
            unknown = set(state) - names
            if unknown:
                raise TrajectoryFormatError(f"stored state of {path} has fields {sorted(unknown)} the class does not declare")
            for key, value in state.items():
                object.__setattr__(obj, key, value)
        else:
            obj.__dict__.update(state)
        return obj


def _hashable(k: Any) -> Any:
    if isinstance(k, list):
        return tuple(_hashable(x) for x in k)
    return k


def _safe_dtype(s: str) -> np.dtype:
    dtype = np.dtype(s)
    if dtype.kind == "O" or dtype.hasobject:
        raise TrajectoryFormatError(f"object dtype {s!r} is not allowed in trajectory files")
    return dtype


def _safe_shape(shape: Any) -> tuple[int, ...]:
    if not isinstance(shape, (list, tuple)) or not all(type(s) is int and s >= 0 for s in shape):
        raise TrajectoryFormatError(f"array shape must be a list of non-negative integers, got {shape!r}")
    return tuple(shape)


# ---------------------------------------------------------------------------------------------- files
def dump_trajectory(record: Any, path: str | os.PathLike, compress: bool = False) -> Path:
    """Write a trajectory record to ``path`` atomically (:func:`~maze.core.utils.atomic_write.atomic_write`).

    :param record: a :class:`~maze.core.trajectory_recording.records.trajectory_record.TrajectoryRecord`.
    :param path: target file (conventionally ``<dir>/<episode_id>.traj.zip``).
    :param compress: deflate the archive entries (smaller, slower).
    :return: the written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoder = TrajectoryEncoder()
    renderer = getattr(record, "renderer", None)
    if renderer is not None:
        try:
            TrajectoryEncoder().encode(renderer)
        except TrajectoryFormatError:
            # renderers that cannot be stored are left out; viewers then need an explicit renderer
            record = dataclasses.replace(record, renderer=None)
            record.metadata = {**record.metadata, "renderer_class": class_path(type(renderer))}
    meta = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kind": type(record).__name__,
        "episode_id": str(getattr(record, "id", "")),
        "n_steps": len(getattr(record, "step_records", ())),
        "record": encoder.encode(record),
    }
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    meta_json = json.dumps(meta, separators=(",", ":"), allow_nan=False)
    with atomic_write(path, binary=True) as fh, zipfile.ZipFile(fh, "w", compression=mode) as zf:
        zf.writestr("meta.json", meta_json)
        for i, arr in enumerate(encoder.arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            zf.writestr(f"arrays/{i}.npy", buf.getvalue())
    return path


def load_trajectory(path: str | os.PathLike, limits: TrajectoryLimits | None = None) -> Any:
    """Load a trajectory record written by :func:`dump_trajectory` (never unpickles anything).

    Every size is checked before it is allocated (see :class:`TrajectoryLimits`): entry sizes and compression
    ratios from the archive's headers, then again while entries are stream-read, array shapes from the
    ``.npy`` headers, and the nesting depth of ``meta.json``.

    :param path: the ``.traj.zip`` file.
    :param limits: the limits to apply; default: :meth:`TrajectoryLimits.from_env` (defaults, overridden by
        ``MAZE_TRAJECTORY_<FIELD>`` environment variables).
    :raises TrajectoryLimitError: naming the file and the limit, for files beyond a limit.
    :raises TrajectoryFormatError: for files that are not Maze trajectory archives, corrupt entries, other format
        versions, or classes outside the allow-list.
    """
    path = Path(path)
    limits = limits if limits is not None else TrajectoryLimits.from_env()
    if path.suffix in (".pkl", ".pickle"):
        raise TrajectoryFormatError(
            f"{path}: pickle trajectory files are not supported (loading them can execute code); "
            f"re-record the data with Maze's trajectory writer ({TRAJECTORY_FILE_SUFFIX} files)"
        )
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as exc:
        raise TrajectoryFormatError(f"{path} is not a Maze trajectory file (not a zip archive)") from exc
    with zf:
        archive = _LimitedArchive(zf, path, limits)
        if "meta.json" not in archive.names:
            raise TrajectoryFormatError(f"{path} is not a Maze trajectory file (no meta.json)")
        meta = archive.read_json("meta.json")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
            raise TrajectoryFormatError(f"{path}: unknown format {meta.get('format') if isinstance(meta, dict) else meta!r}")
        if meta.get("version") != FORMAT_VERSION:
            raise TrajectoryFormatError(
                f"{path}: trajectory format version {meta.get('version')!r} is not supported (expected {FORMAT_VERSION})"
            )
        if "record" not in meta:
            raise TrajectoryFormatError(f"{path}: meta.json holds no 'record'")
        try:
            return TrajectoryDecoder(archive.read_array).decode(meta["record"])
        except RecursionError:
            raise TrajectoryLimitError(f"{path}: the record is nested too deeply to decode; "
                                       f"{limits.hint('max_json_depth')}") from None


#: the most bytes a ``.npy`` header may take (numpy's own limit for untrusted headers, plus magic and length)
_NPY_HEADER_MAX_BYTES = 10_000 + 16


class _LimitedArchive:
    """Reads the entries of an open trajectory archive within :class:`TrajectoryLimits`.

    :param zf: the open archive.
    :param path: its file (named in errors).
    :param limits: the limits to apply.
    """

    def __init__(self, zf: zipfile.ZipFile, path: Path, limits: TrajectoryLimits) -> None:
        self.zf, self.path, self.limits = zf, path, limits
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            self._exceeds(f"the archive has {len(infos):,} entries", "max_entries")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_total_bytes:
            self._exceeds(f"its entries are {declared:,} bytes uncompressed in all", "max_total_bytes")
        self._infos = {info.filename: info for info in infos}
        self.names = frozenset(self._infos)

    def _exceeds(self, what: str, field: str) -> NoReturn:
        value = getattr(self.limits, field)
        raise TrajectoryLimitError(
            f"{self.path}: {what}, more than the limit {field}={value:,}; {self.limits.hint(field)}")

    def _entry(self, name: str, max_bytes: int, field: str) -> zipfile.ZipInfo:
        """The entry ``name`` after checking its declared size, compression ratio and method."""
        info = self._infos[name]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise TrajectoryFormatError(
                f"{self.path}: entry {name!r} is encrypted or uses compression method {info.compress_type}; "
                f"Maze trajectory files hold stored or deflated entries only")
        if info.file_size > max_bytes:
            self._exceeds(f"entry {name!r} is {info.file_size:,} bytes uncompressed", field)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > self.limits.ratio_min_bytes and ratio > self.limits.max_compression_ratio:
            self._exceeds(f"entry {name!r} expands {ratio:,.0f}-fold ({info.compress_size:,} -> {info.file_size:,} bytes)",
                          "max_compression_ratio")
        return info

    def _corrupt(self, name: str, exc: BaseException) -> TrajectoryFormatError:
        return TrajectoryFormatError(f"{self.path}: entry {name!r} is corrupt ({type(exc).__name__}: {exc})")

    def _lying(self, name: str, declared: int) -> str:
        return f"{self.path}: entry {name!r} decompresses to more than the {declared:,} bytes its header declares"

    def read_json(self, name: str) -> Any:
        """Parse the JSON entry ``name`` (size and nesting depth limited)."""
        info = self._entry(name, self.limits.max_json_bytes, "max_json_bytes")
        try:
            with self.zf.open(info) as fh:
                data = read_limited(fh, info.file_size, self._lying(name, info.file_size), TrajectoryLimitError)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise self._corrupt(name, exc) from exc
        depth_error = (f"{self.path}: entry {name!r} is nested more than {self.limits.max_json_depth} levels deep "
                       f"(limit max_json_depth); {self.limits.hint('max_json_depth')}")
        try:
            return loads_json_limited(data, self.limits.max_json_depth, depth_error, TrajectoryLimitError)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TrajectoryFormatError(f"{self.path}: entry {name!r} is not valid JSON ({exc})") from exc

    def read_array(self, name: str) -> np.ndarray:
        """Read the ``.npy`` entry ``name``; its shape and dtype are checked before the array is allocated."""
        if name not in self.names:
            raise TrajectoryFormatError(f"{self.path}: missing array entry {name!r}")
        info = self._entry(name, self.limits.max_array_bytes + _NPY_HEADER_MAX_BYTES, "max_array_bytes")
        try:
            with self.zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fh)
                else:
                    raise TrajectoryFormatError(f"{self.path}: entry {name!r} has unsupported .npy version {version}")
                if dtype.hasobject:
                    raise TrajectoryFormatError(f"{self.path}: entry {name!r} holds an object array (not allowed)")
                nbytes = math.prod(shape) * dtype.itemsize
                if nbytes > self.limits.max_array_bytes:
                    self._exceeds(f"array entry {name!r} of shape {shape} and dtype {dtype.str} needs {nbytes:,} bytes",
                                  "max_array_bytes")
                if fh.tell() + nbytes != info.file_size:
                    raise TrajectoryFormatError(
                        f"{self.path}: array entry {name!r} declares shape {shape} and dtype {dtype.str} "
                        f"({nbytes:,} bytes), but the entry holds {info.file_size - fh.tell():,} data bytes")
                array = np.empty(shape[::-1] if fortran_order else shape, dtype=dtype)
                buffer = memoryview(array.reshape(-1).view(np.uint8))
                filled = 0
                while filled < nbytes:
                    n = fh.readinto(buffer[filled:filled + READ_CHUNK_BYTES])  # no full-size temporary
                    if not n:
                        raise EOFError(f"entry ends after {filled:,} of {nbytes:,} data bytes")
                    filled += n
                if fh.read(1):  # also verifies the CRC at the end of the entry
                    raise TrajectoryLimitError(self._lying(name, info.file_size))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise self._corrupt(name, exc) from exc
        except ValueError as exc:
            if isinstance(exc, TrajectoryFormatError):
                raise
            raise TrajectoryFormatError(f"{self.path}: entry {name!r} is not a valid .npy array ({exc})") from exc
        return array.T if fortran_order else array


def find_trajectory_files(dir_or_file: str | os.PathLike | list) -> list[Path]:
    """Trajectory files of a directory (recursively, sorted), a single file, or a list of either."""
    if isinstance(dir_or_file, (list, tuple)):
        out: list[Path] = []
        for item in dir_or_file:
            out.extend(find_trajectory_files(item))
        return out
    p = Path(dir_or_file)
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted(f for f in p.rglob(f"*{TRAJECTORY_FILE_SUFFIX}") if not f.name.startswith("."))
    raise FileNotFoundError(f"trajectory data not found: {str(p)!r} is neither a file nor a directory")


def iter_trajectories(dir_or_file: str | os.PathLike | list, limits: TrajectoryLimits | None = None) -> Iterator[Any]:
    """Load every trajectory file under ``dir_or_file`` in sorted order.

    :param dir_or_file: a directory (searched recursively), a file, or a list of either.
    :param limits: load limits (default: :meth:`TrajectoryLimits.from_env`).
    """
    limits = limits if limits is not None else TrajectoryLimits.from_env()
    for f in find_trajectory_files(dir_or_file):
        yield load_trajectory(f, limits)

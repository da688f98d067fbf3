"""Minimal ONNX protobuf reader (no ``onnx`` package here): graph inputs/outputs and opsets.

Only what the tests and the package writer need to check an exported file: names, element types
and shapes (``int`` for fixed dims, ``str`` for symbolic ones such as ``"batch"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple, Union

Dim = Union[int, str, None]


@dataclass
class ValueInfo:
    name: str
    elem_type: int  # 1 = float32
    shape: List[Dim]


@dataclass
class OnnxSummary:
    ir_version: int
    opsets: Dict[str, int]
    inputs: List[ValueInfo]
    outputs: List[ValueInfo]
    node_ops: List[str]


def _varint(buf: bytes, pos: int) -> Tuple[int, int]:
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> Iterator[Tuple[int, int, Union[int, bytes]]]:
    """Yield (field number, wire type, value) for one message; value is int or bytes."""
    pos = 0
    n = len(buf)
    while pos < n:
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = _varint(buf, pos)
            yield num, wire, val
        elif wire == 1:
            yield num, wire, buf[pos : pos + 8]
            pos += 8
        elif wire == 2:
            ln, pos = _varint(buf, pos)
            yield num, wire, buf[pos : pos + ln]
            pos += ln
        elif wire == 5:
            yield num, wire, buf[pos : pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def _value_info(buf: bytes) -> ValueInfo:
    name = ""
    elem_type = 0
    shape: List[Dim] = []
    for num, _, val in _fields(buf):
        if num == 1:
            name = bytes(val).decode()  # type: ignore[arg-type]
        elif num == 2:  # TypeProto
            for tnum, _, tval in _fields(val):  # type: ignore[arg-type]
                if tnum != 1:  # tensor_type
                    continue
                for snum, _, sval in _fields(tval):  # type: ignore[arg-type]
                    if snum == 1:
                        elem_type = int(sval)  # type: ignore[arg-type]
                    elif snum == 2:  # TensorShapeProto
                        for dnum, _, dval in _fields(sval):  # type: ignore[arg-type]
                            if dnum != 1:
                                continue
                            dim: Dim = None
                            for xnum, _, xval in _fields(dval):  # type: ignore[arg-type]
                                if xnum == 1:
                                    dim = int(xval)  # type: ignore[arg-type]
                                elif xnum == 2:
                                    dim = bytes(xval).decode()  # type: ignore[arg-type]
                            shape.append(dim)
    return ValueInfo(name, elem_type, shape)


def read_onnx_summary(path: str) -> OnnxSummary:
    """Parse ``path`` (an ONNX ModelProto) into its graph inputs/outputs, opsets and node op types."""
    with open(path, "rb") as f:
        buf = f.read()
    ir_version = 0
    opsets: Dict[str, int] = {}
    inputs: List[ValueInfo] = []
    outputs: List[ValueInfo] = []
    ops: List[str] = []
    initializer_names = set()
    for num, _, val in _fields(buf):
        if num == 1:
            ir_version = int(val)  # type: ignore[arg-type]
        elif num == 8:
            domain, version = "", 0
            for onum, _, oval in _fields(val):  # type: ignore[arg-type]
                if onum == 1:
                    domain = bytes(oval).decode()  # type: ignore[arg-type]
                elif onum == 2:
                    version = int(oval)  # type: ignore[arg-type]
            opsets[domain] = version
        elif num == 7:  # GraphProto
            for gnum, _, gval in _fields(val):  # type: ignore[arg-type]
                if gnum == 1:  # NodeProto
                    for nnum, _, nval in _fields(gval):  # type: ignore[arg-type]
                        if nnum == 4:
                            ops.append(bytes(nval).decode())  # type: ignore[arg-type]
                elif gnum == 5:  # TensorProto initializer: field 8 = name
                    for inum, _, ival in _fields(gval):  # type: ignore[arg-type]
                        if inum == 8:
                            initializer_names.add(bytes(ival).decode())  # type: ignore[arg-type]
                elif gnum == 11:
                    inputs.append(_value_info(gval))  # type: ignore[arg-type]
                elif gnum == 12:
                    outputs.append(_value_info(gval))  # type: ignore[arg-type]
    # Old exporters list initializers among the inputs; keep only the real feeds.
    inputs = [v for v in inputs if v.name not in initializer_names]
    return OnnxSummary(ir_version, opsets, inputs, outputs, ops)

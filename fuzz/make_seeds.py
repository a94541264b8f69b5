#!/usr/bin/python3
"""Writes the binary seed inputs of fuzz/corpus/ (ELF files, metadata sections, artifacts).

The YAML seeds are plain text files kept by hand; inputs found by fuzzing are added to the
corpus folders as they were found. Rerun this (Debian's /usr/bin/python3, which has msgpack)
only when a format changes: it overwrites the seeds it owns and leaves every other file alone.
"""
import pathlib
import struct

import msgpack

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

# abi.h
ABI_VERSION = 1
METADATA_SECTION = b".curifactory"
TYPED_ARRAY = 1
DTYPES = {"bool": 1, "int8": 2, "uint8": 3, "int16": 4, "uint16": 5, "int32": 6, "uint32": 7,
          "int64": 8, "uint64": 9, "float32": 10, "float64": 11}
FORMATS = {"bool": "?", "int8": "b", "uint8": "B", "int16": "h", "uint16": "H", "int32": "i",
           "uint32": "I", "int64": "q", "uint64": "Q", "float32": "f", "float64": "d"}


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


# --- metadata sections: NUL-terminated JSON records, as sdk/include/curifactory/detail/metadata.hpp


def record(**fields):
    head = '{"curifactory_abi":%d,"sdk":"0.1.0"' % ABI_VERSION
    body = "".join(',"%s":"%s"' % (key, value) for key, value in fields.items())
    return (head + body + "}").encode() + b"\0"


EXPERIMENT = record(kind="experiment") + record(description="Ridge vs k-NN on a noisy sine") + \
    record(kind="params")
PARAMS = record(kind="params") + b"\0" * 5 + record(description="Four noise levels \\u00e9 \\\"quoted\\\"")
CACHER = record(kind="cacher", name="zstd") + record(description="zstd-compressed MessagePack")

write("plugin_metadata", "experiment_and_params", EXPERIMENT)
write("plugin_metadata", "params_with_padding", PARAMS)
write("plugin_metadata", "cacher", CACHER)
write("plugin_metadata", "other_abi", b'{"curifactory_abi":2,"kind":"experiment"}\0')


# --- ELF shared objects: only what the host reads (ELF header, section headers, names, sections)


def elf(sections, extended_numbering=False):
    """A little-endian ELF64 ET_DYN file with these (name, type, contents) sections after the
    mandatory null section, plus .shstrtab."""
    names = b"\0"
    offsets = []
    for name, _, _ in sections:
        offsets.append(len(names))
        names += name + b"\0"
    shstrtab_name = len(names)
    names += b".shstrtab\0"

    data = b""
    placed = []
    base = 64
    for _, kind, contents in sections:
        placed.append((base + len(data), len(contents)))
        if kind != 8:  # SHT_NOBITS occupies no file space
            data += contents
        data += b"\0" * (-len(data) % 8)
    names_offset = base + len(data)
    data += names + b"\0" * (-len(names) % 8)
    shoff = base + len(data)
    count = len(sections) + 2
    shstrndx = count - 1

    headers = []
    first_size = count if extended_numbering else 0
    first_link = shstrndx if extended_numbering else 0
    headers.append(struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, first_size, first_link, 0, 0, 0))
    for (name_offset, (_, kind, _), (offset, size)) in zip(offsets, sections, placed):
        headers.append(struct.pack("<IIQQQQIIQQ", name_offset, kind, 2, 0, offset, size, 0, 0, 8, 0))
    headers.append(struct.pack("<IIQQQQIIQQ", shstrtab_name, 3, 0, 0, names_offset, len(names), 0, 0, 1, 0))

    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header = ident + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64,
                                 0 if extended_numbering else count,
                                 0xffff if extended_numbering else shstrndx)
    return header + data + b"".join(headers)


BUILD_ID = struct.pack("<III", 4, 20, 3) + b"GNU\0" + bytes(range(20))
write("elf_section", "experiment", elf([(b".note.gnu.build-id", 7, BUILD_ID),
                                       (METADATA_SECTION, 1, EXPERIMENT)]))
write("elf_section", "cacher", elf([(METADATA_SECTION, 1, CACHER)]))
write("elf_section", "no_metadata", elf([(b".text", 1, b"\xc3" * 16), (b".note.gnu.build-id", 7, BUILD_ID)]))
write("elf_section", "nobits_metadata", elf([(METADATA_SECTION, 8, b"\0" * 32)]))
write("elf_section", "extended_numbering", elf([(METADATA_SECTION, 1, PARAMS)], extended_numbering=True))


# --- artifacts: what cf::encode_artifact writes for the types artifact_decode_target.cpp decodes


def typed(dtype, shape, values):
    header = bytes([DTYPES[dtype], len(shape)]) + b"\0" * 6 + b"".join(struct.pack("<Q", n) for n in shape)
    return msgpack.ExtType(TYPED_ARRAY, header + b"".join(struct.pack("<" + FORMATS[dtype], v) for v in values))


def pack(value):
    return msgpack.packb(value, use_bin_type=True)


INNER = {"label": "train", "values": typed("float64", [3], [0.5, -1.25, 1e300]), "count": 3}
SAMPLE = {
    "id": -42,
    "small": 255,
    "ratio": 0.25,
    "flag": True,
    "inner": INNER,
    "arrays": {"weights": typed("float32", [2, 3], [1, 2, 3, 4, 5, 6]), "empty": typed("float32", [0], [])},
    "blobs": [b"\x00\x01\x02", b""],
    "tag": [False, -32768, "tag"],
    "pair": [2**64 - 1, -0.0],
    "flags": typed("bool", [4], [True, False, True, True]),
    "triple": [1, -2, 2**31 - 1],
    "rows": [typed("int8", [2], [-128, 127]), [1, 2, 3]],
}
write("artifact_decode", "sample", pack(SAMPLE))
write("artifact_decode", "inner_list", pack([INNER, {"label": "", "values": [1.0, 2], "count": None}]))
write("artifact_decode", "int_keyed_map", pack({1: "one", -7: "minus seven", 2**62: ""}))
write("artifact_decode", "array_2x3", pack(typed("float64", [2, 3], [0, 1, 2, 3, 4, 5])))
write("artifact_decode", "bool_cube", pack(typed("bool", [2, 1, 2], [True, False, False, True])))
write("artifact_decode", "uint16_plain_list", pack([0, 1, 65535]))
write("artifact_decode", "string_list", pack(["a", "bc", ""]))
write("artifact_decode", "nil", pack(None))
write("artifact_decode", "scalar_0d", pack(typed("float64", [], [2.5])))
write("artifact_decode", "nested", pack({"k": [[1, [2, {"x": None}]], b"bin", msgpack.ExtType(5, b"other")]}))

"""Just enough Parquet to read an archive file (retention.md "The files"): the footer's schema and,
when the `zstd` program is on PATH, the rows (flat columns; PLAIN and dictionary encodings)."""
import shutil
import struct
import subprocess

from .thrift_compact import Reader

PHYSICAL = {0: "BOOLEAN", 1: "INT32", 2: "INT64", 3: "INT96", 4: "FLOAT", 5: "DOUBLE", 6: "BYTE_ARRAY", 7: "FIXED_LEN_BYTE_ARRAY"}
CODECS = {0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 6: "ZSTD"}


class ParquetError(ValueError):
    pass


class ZstdMissing(ParquetError):
    """The rows cannot be read here; the file's digest, manifest and schema still can."""


def footer(data):
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise ParquetError("not a Parquet file (no PAR1 magic)")
    (length,) = struct.unpack("<I", data[-8:-4])
    return Reader(data, len(data) - 8 - length).struct()


def schema(meta):
    """[(name, physical type, nullable, logical type fields)] of the leaf columns."""
    columns = []
    for element in meta[2][1:]:
        columns.append({
            "name": element[4].decode("utf-8"),
            "type": PHYSICAL.get(element.get(1)),
            "nullable": element.get(3) == 1,
            "string": element.get(6) == 0 or 1 in element.get(10, {}),
        })
    return columns


def _decompress(codec, raw, size):
    if codec == 0:
        return raw
    if codec == 2:
        import zlib
        return zlib.decompress(raw, 31)
    if codec == 6:
        tool = shutil.which("zstd")
        if tool is None:
            raise ZstdMissing("zstd-compressed and no zstd program on PATH")
        out = subprocess.run([tool, "-d", "-c", "-q"], input=raw, capture_output=True, check=True).stdout
        if len(out) != size:
            raise ParquetError(f"page decompressed to {len(out)} bytes, header says {size}")
        return out
    raise ParquetError(f"codec {CODECS.get(codec, codec)} not supported by this checker")


def _hybrid(data, pos, end, bit_width, count):
    """RLE / bit-packed hybrid values."""
    out = []
    reader = Reader(data, pos)
    width_bytes = (bit_width + 7) // 8
    while len(out) < count and reader.pos < end:
        header = reader.varint()
        if header & 1:
            groups = header >> 1
            n = groups * bit_width
            chunk = int.from_bytes(data[reader.pos:reader.pos + n], "little")
            reader.pos += n
            mask = (1 << bit_width) - 1
            out.extend((chunk >> (i * bit_width)) & mask for i in range(groups * 8))
        else:
            value = int.from_bytes(data[reader.pos:reader.pos + width_bytes], "little")
            reader.pos += width_bytes
            out.extend([value] * (header >> 1))
    return out[:count]


def _plain(physical, data, pos, count):
    values = []
    for _ in range(count):
        if physical == 2:
            values.append(struct.unpack_from("<q", data, pos)[0])
            pos += 8
        elif physical == 6:
            (n,) = struct.unpack_from("<I", data, pos)
            values.append(bytes(data[pos + 4:pos + 4 + n]))
            pos += 4 + n
        else:
            raise ParquetError(f"PLAIN {PHYSICAL.get(physical)} not supported")
    return values


def read_column(data, chunk, nullable):
    meta = chunk[3]
    physical, codec, total = meta[1], meta[4], meta[5]
    pos = meta.get(11) or meta[9]
    dictionary, values = None, []
    while len(values) < total:
        reader = Reader(data, pos)
        header = reader.struct()
        body_start = reader.pos
        page_type, raw_size, compressed_size = header[1], header[2], header[3]
        raw = data[body_start:body_start + compressed_size]
        pos = body_start + compressed_size
        if page_type == 2:
            page = _decompress(codec, raw, raw_size)
            dictionary = _plain(physical, page, 0, header[7][1])
            continue
        if page_type == 0:
            dph = header[5]
            count, encoding = dph[1], dph[2]
            page = _decompress(codec, raw, raw_size)
            p = 0
            defined = [1] * count
            if nullable:
                (n,) = struct.unpack_from("<I", page, 0)
                defined = _hybrid(page, 4, 4 + n, 1, count)
                p = 4 + n
        elif page_type == 3:
            dph = header[8]
            count, encoding = dph[1], dph[4]
            def_len, rep_len = dph.get(5, 0), dph.get(6, 0)
            defined = _hybrid(raw, rep_len, rep_len + def_len, 1, count) if nullable else [1] * count
            rest = raw[rep_len + def_len:]
            page = _decompress(codec, rest, raw_size - rep_len - def_len) if dph.get(7, True) else rest
            p = 0
        else:
            raise ParquetError(f"page type {page_type} not supported")
        present = sum(defined)
        if encoding == 0:
            items = _plain(physical, page, p, present)
        elif encoding in (2, 8):
            width = page[p]
            items = [dictionary[i] for i in _hybrid(page, p + 1, len(page), width, present)]
        else:
            raise ParquetError(f"encoding {encoding} not supported by this checker")
        it = iter(items)
        values.extend(next(it) if d else None for d in defined)
    return values


def rows(data):
    """Every row as a dict of column name → value (bytes for BYTE_ARRAY, int for INT64, None for null)."""
    meta = footer(data)
    columns = schema(meta)
    out = []
    for group in meta[4]:
        by_name = {}
        for column, chunk in zip(columns, group[1]):
            by_name[column["name"]] = read_column(data, chunk, column["nullable"])
        for i in range(group[3]):
            out.append({name: vals[i] for name, vals in by_name.items()})
    return out

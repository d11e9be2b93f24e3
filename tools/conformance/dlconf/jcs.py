"""RFC 8785 (JCS) as format.md section 1 "Canonical form" states it: members sorted by UTF-16
code units, no whitespace, only `"`, `\\` and U+0000-U+001F escaped, numbers printed as
ECMAScript Number.prototype.toString does."""
import json
import math


class DuplicateMember(ValueError):
    pass


def _pairs(pairs):
    seen = set()
    for name, _ in pairs:
        if name in seen:
            raise DuplicateMember(f"member '{name}' is repeated")
        seen.add(name)
    return dict(pairs)


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse(text):
    """Parses JSON, refusing repeated members and NaN/Infinity (format.md section 1)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="strict")
    return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)


def number(value):
    """ECMAScript Number::toString of the double nearest to `value`."""
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and infinities cannot occur")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + number(-x)
    # repr gives the shortest round-tripping digits; turn them into (digits, n) with x = 0.digits * 10^n.
    mantissa, _, exponent = repr(x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    n = len(whole.lstrip("0")) if whole.strip("0") else -(len(fraction) - len(fraction.lstrip("0")))
    n += int(exponent) if exponent else 0
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(e)}"


_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def string(value):
    out = ['"']
    for ch in value:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _utf16_key(name):
    return name.encode("utf-16-be", errors="surrogatepass")


def serialize(value):
    """The JCS text of a parsed JSON value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ",".join(serialize(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=_utf16_key)
        return "{" + ",".join(string(n) + ":" + serialize(value[n]) for n in names) + "}"
    raise TypeError(type(value))


def canonical_bytes(value):
    return serialize(value).encode("utf-8", errors="surrogatepass")


def is_canonical(line):
    """format.md: an entry line is canonical iff JCS(parse(line)) == line (bytes)."""
    return canonical_bytes(parse(line)) == bytes(line)

"""C2SP signed-note, tlog-checkpoint and tlog-cosignature/v1, as format.md section 6 and the
C2SP specifications state them. Ed25519 through the `cryptography` package."""
import base64
import hashlib
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EM_DASH = "\u2014 "
ED25519 = 0x01
COSIGNATURE_V1 = 0x04


class NoteError(ValueError):
    pass


def b64(text):
    """Standard base64 with padding, strictly (never base64url)."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"'{text}' is not canonical standard base64")
    return raw


def key_id(name, sig_type, public_key):
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


class VerifierKey:
    """`<name>+<hex key id>+<base64(type ‖ public key)>` (section 6; type 0x04 for a witness)."""

    def __init__(self, text, expected_type=ED25519):
        text = text.strip("\n")
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise NoteError("verifier key: not name+keyid+key")
        self.name, hex_id, encoded = parts
        raw = b64(encoded)
        if len(raw) != 33 or raw[0] != expected_type:
            raise NoteError(f"verifier key: expected type byte {expected_type:#04x} and 32 key bytes, got {len(raw)} bytes starting {raw[:1].hex()}")
        self.type = raw[0]
        self.public_key = raw[1:]
        self.key_id = key_id(self.name, self.type, self.public_key)
        if len(hex_id) != 8 or hex_id != self.key_id.hex():
            raise NoteError(f"verifier key: key id {hex_id} is not the recomputed {self.key_id.hex()}")
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    def verify(self, signature, message):
        try:
            self._key.verify(signature, message)
            return True
        except InvalidSignature:
            return False


def split_note(note):
    """Returns (text, [(name, decoded signature bytes)]) per section 6 "Reading a note"."""
    if isinstance(note, bytes):
        note = note.decode("utf-8", errors="strict")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("note holds a control character other than \\n")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("note has no blank line before its signatures")
    text = note[: cut + 1]
    block = note[cut + 2:]
    if not block.endswith("\n"):
        raise NoteError("signature block does not end in \\n")
    lines = block[:-1].split("\n")
    if len(lines) > 100:
        raise NoteError("more than 100 signature lines")
    signatures = []
    for line in lines:
        if not line.startswith(EM_DASH):
            raise NoteError(f"signature line does not start with an em dash and a space: {line!r}")
        name, _, encoded = line[len(EM_DASH):].rpartition(" ")
        if not name or " " in name or "+" in name:
            raise NoteError(f"bad key name in signature line {line!r}")
        raw = b64(encoded)
        if len(raw) < 5:
            raise NoteError(f"signature too short in {line!r}")
        signatures.append((name, raw))
    return text, signatures


def open_note(note, key):
    """Verifies the note with `key`: every line by the key verifies, at least one exists. Returns the text."""
    text, signatures = split_note(note)
    mine = [raw for name, raw in signatures if name == key.name and raw[:4] == key.key_id]
    if not mine:
        raise NoteError(f"no signature by {key.name}")
    for raw in mine:
        if len(raw) != 68 or not key.verify(raw[4:], text.encode("utf-8")):
            raise NoteError(f"signature by {key.name} does not verify")
    return text


def parse_checkpoint(text):
    """tlog-checkpoint body: origin, decimal size without leading zeros, base64 root; extensions ignored."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("checkpoint body: fewer than three lines or no final newline")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")) or not size.isascii():
        raise NoteError(f"checkpoint size '{size}' is not a decimal without leading zeros")
    root_bytes = b64(root)
    if len(root_bytes) != 32:
        raise NoteError("checkpoint root is not 32 bytes")
    if any(line == "" for line in lines[3:-1]):
        raise NoteError("checkpoint body: an empty extension line")
    return origin, int(size), root_bytes


def cosignature_message(checkpoint_text, timestamp):
    """tlog-cosignature: the signed message is `cosignature/v1\\ntime <t>\\n` followed by the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n".encode("utf-8") + checkpoint_text.encode("utf-8")


def verify_cosignature(checkpoint_text, raw, witness):
    """raw = keyID(4) ‖ uint64be timestamp ‖ Ed25519 signature(64). Returns the timestamp or None."""
    if len(raw) != 4 + 8 + 64 or raw[:4] != witness.key_id:
        return None
    (timestamp,) = struct.unpack(">Q", raw[4:12])
    return timestamp if witness.verify(raw[12:], cosignature_message(checkpoint_text, timestamp)) else None

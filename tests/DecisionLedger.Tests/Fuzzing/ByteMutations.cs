using System.Text;
using CsCheck;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// A small mutational fuzzer as a CsCheck generator: takes a seed input from a corpus and applies a
/// few edits (flip a bit, insert or delete bytes, duplicate or splice a slice, drop in a hostile
/// token such as invalid UTF-8, NUL, a lone surrogate escape, a bidi override, a huge number or deep
/// nesting). Shrinking works on the edit list, so a failure shrinks towards the fewest edits.
/// </summary>
internal static class ByteMutations
{
    /// <summary>Fragments that break parsers: the hostile-input corpus in miniature.</summary>
    public static readonly byte[][] HostileTokens =
    [
        [0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
        [0x00], "\\u0000"u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\ud83d\\ude00"u8.ToArray(),
        "\u202E"u8.ToArray(), "\uFEFF"u8.ToArray(), "\uFFFF"u8.ToArray(), "\r\n"u8.ToArray(), "\n"u8.ToArray(),
        "1e999999"u8.ToArray(), "-0"u8.ToArray(), "123456789012345678901234567890"u8.ToArray(), "0.1e-400"u8.ToArray(),
        "NaN"u8.ToArray(), "Infinity"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray(), "\"\""u8.ToArray(),
        "{}"u8.ToArray(), "[]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\""u8.ToArray(), "\\"u8.ToArray(),
        Encoding.ASCII.GetBytes(new string('[', 80)), Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 40))),
        "\"requestId\":\"x\","u8.ToArray(), "\"k\":1,\"k\":2,"u8.ToArray(), "— "u8.ToArray(), "\u2014 x AAAA\n"u8.ToArray(),
    ];

    private enum EditKind
    {
        FlipBit,
        SetByte,
        Insert,
        Delete,
        Duplicate,
        Token,
        Splice,
        Truncate,
    }

    private readonly record struct Edit(EditKind Kind, int Position, int Length, int Value);

    private static readonly Gen<Edit> s_edit = Gen.Select(Gen.Enum<EditKind>(), Gen.Int[0, int.MaxValue], Gen.Int[1, 16], Gen.Int[0, int.MaxValue],
        (kind, position, length, value) => new Edit(kind, position, length, value));

    /// <summary>Inputs made by 1 to <paramref name="maxEdits"/> edits of an element of <paramref name="corpus"/>; the corpus itself is also drawn.</summary>
    public static Gen<byte[]> Of(IReadOnlyList<byte[]> corpus, int maxEdits = 6)
    {
        ArgumentOutOfRangeException.ThrowIfZero(corpus.Count);
        return Gen.Select(Gen.Int[0, corpus.Count - 1], s_edit.Array[0, maxEdits], (index, edits) => Apply(corpus, corpus[index], edits));
    }

    /// <summary>Mutated inputs as text (invalid UTF-8 becomes U+FFFD, as a caller that decoded first would pass it).</summary>
    public static Gen<string> TextOf(IReadOnlyList<string> corpus, int maxEdits = 6) =>
        Of(corpus.Select(Encoding.UTF8.GetBytes).ToArray(), maxEdits).Select(Encoding.UTF8.GetString);

    private static byte[] Apply(IReadOnlyList<byte[]> corpus, byte[] seed, Edit[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (Edit edit in edits)
        {
            int at = bytes.Count == 0 ? 0 : edit.Position % (bytes.Count + 1);
            int inside = bytes.Count == 0 ? 0 : edit.Position % bytes.Count;
            switch (edit.Kind)
            {
                case EditKind.FlipBit when bytes.Count > 0:
                    bytes[inside] ^= (byte)(1 << (edit.Value % 8));
                    break;
                case EditKind.SetByte when bytes.Count > 0:
                    bytes[inside] = (byte)edit.Value;
                    break;
                case EditKind.Insert:
                    bytes.InsertRange(at, Enumerable.Range(0, edit.Length).Select(i => (byte)((edit.Value >> (i % 4 * 8)) & 0xFF)));
                    break;
                case EditKind.Delete when bytes.Count > 0:
                    bytes.RemoveRange(inside, Math.Min(edit.Length, bytes.Count - inside));
                    break;
                case EditKind.Duplicate when bytes.Count > 0:
                    bytes.InsertRange(at, bytes.GetRange(inside, Math.Min(edit.Length * 4, bytes.Count - inside)));
                    break;
                case EditKind.Token:
                    bytes.InsertRange(at, HostileTokens[edit.Value % HostileTokens.Length]);
                    break;
                case EditKind.Splice:
                    byte[] other = corpus[edit.Value % corpus.Count];
                    if (other.Length > 0)
                    {
                        int from = edit.Position % other.Length;
                        bytes.InsertRange(at, other.AsSpan(from, Math.Min(edit.Length * 8, other.Length - from)).ToArray());
                    }

                    break;
                case EditKind.Truncate when bytes.Count > 0:
                    bytes.RemoveRange(inside, bytes.Count - inside);
                    break;
                default:
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A short printable description of a failing input for the test output.</summary>
    public static string Show(byte[] bytes)
    {
        const int Limit = 400;
        string text = Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, Limit)));
        return $"{bytes.Length} bytes, hex {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 200)))}; as text: {text}";
    }
}

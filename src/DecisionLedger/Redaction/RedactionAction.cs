using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DecisionLedger.Redaction;

/// <summary>A compiled operator with its settings and the rule name it is recorded under.</summary>
internal sealed class RedactionAction
{
    /// <summary>Bytes of the HMAC kept in a hashed value: 16 (128 bits) keeps collisions out of reach and values short.</summary>
    public const int HashBytes = 16;

    public const string HashPrefix = "hmac:";

    public RedactionAction(string rule, RedactionOperator op, string tag, int keep)
    {
        Rule = rule;
        Operator = op;
        Tag = tag;
        Keep = keep;
        OperatorName = OperatorNames.Of(op);
    }

    public string Rule { get; }

    public RedactionOperator Operator { get; }

    public string OperatorName { get; }

    public string Tag { get; }

    public int Keep { get; }

    /// <summary>The replacement of <paramref name="text"/>; <paramref name="hashInput"/> is its normalized form for <see cref="RedactionOperator.Hash"/>.</summary>
    public string Apply(ReadOnlySpan<char> text, ReadOnlySpan<char> hashInput, ReadOnlySpan<byte> key) => Operator switch
    {
        RedactionOperator.Tag => Tag,
        RedactionOperator.Mask => Mask(text, Keep),
        RedactionOperator.Hash => Hash(hashInput, key),
        _ => string.Empty,
    };

    public static string Mask(ReadOnlySpan<char> text, int keep)
    {
        // A value no longer than 'keep' would be shown whole; mask all of it instead.
        int shown = text.Length > keep ? keep : 0;
        Span<char> chars = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        chars.Fill('*');
        text[^shown..].CopyTo(chars[^shown..]);
        return new string(chars);
    }

    public static string Hash(ReadOnlySpan<char> text, ReadOnlySpan<byte> key)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        try
        {
            int length = Encoding.UTF8.GetBytes(text, utf8);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, utf8[..length], mac);
            return HashPrefix + Convert.ToHexStringLower(mac[..HashBytes]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace DecisionLedger.Cli.Import;

/// <summary>Finds where bytes stop being UTF-8, so a refused record names the offset of the damage.</summary>
internal static class Utf8Bytes
{
    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence; -1 when all of it is UTF-8.</summary>
    public static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>Throws naming <paramref name="field"/> when <paramref name="bytes"/> are not UTF-8.</summary>
    /// <exception cref="ImportFieldException">A byte sequence is not UTF-8.</exception>
    public static void Require(ReadOnlySpan<byte> bytes, string field, string why)
    {
        int bad = FirstInvalidByte(bytes);
        if (bad >= 0)
        {
            throw new ImportFieldException(field, $"not valid UTF-8 (byte 0x{bytes[bad]:X2} at offset {bad.ToString(CultureInfo.InvariantCulture)}); {why}");
        }
    }
}

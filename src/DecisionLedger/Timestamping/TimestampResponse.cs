using System.Formats.Asn1;
using System.Text;

namespace DecisionLedger.Timestamping;

/// <summary>
/// The parts of an RFC 3161 <c>TimeStampResp</c> a client acts on: the status (so a refusal is reported
/// with the authority's own words) and the raw token bytes.
/// </summary>
/// <param name="Status">The <c>PKIStatus</c>: 0 granted, 1 granted with modifications, 2 rejection, 3 waiting, 4 revocation warning, 5 revocation notification.</param>
/// <param name="Text">The authority's <c>statusString</c>, joined, or null.</param>
/// <param name="Token">The DER <c>TimeStampToken</c>, or null when absent.</param>
internal sealed record TimestampResponse(int Status, string? Text, byte[]? Token)
{
    /// <summary>True for status granted (0) or granted with modifications (1).</summary>
    public bool Granted => Status is 0 or 1;

    /// <summary>Reads a DER <c>TimeStampResp</c>.</summary>
    /// <exception cref="AsnContentException">The bytes are not one.</exception>
    public static TimestampResponse Read(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader response = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        AsnReader statusInfo = response.ReadSequence();
        if (!statusInfo.TryReadInt32(out int status))
        {
            throw new AsnContentException("The PKIStatus is out of range.");
        }

        string? text = null;
        if (statusInfo.HasData && statusInfo.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            AsnReader strings = statusInfo.ReadSequence();
            var builder = new StringBuilder();
            while (strings.HasData)
            {
                builder.Append(builder.Length == 0 ? string.Empty : "; ").Append(strings.ReadCharacterString(UniversalTagNumber.UTF8String));
            }

            text = builder.ToString();
        }

        byte[]? token = response.HasData ? response.ReadEncodedValue().ToArray() : null;
        return new TimestampResponse(status, text, token);
    }
}

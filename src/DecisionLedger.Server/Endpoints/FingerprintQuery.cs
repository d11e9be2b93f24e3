using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>The <c>fingerprint=</c> filter of <c>GET /v1/decisions</c>: decisions whose original input had this keyed fingerprint.</summary>
internal static class FingerprintQuery
{
    /// <summary>The fingerprint in lower-case hex, or null when absent.</summary>
    /// <exception cref="FormatException">The value is not 64 hex characters.</exception>
    public static string? Parse(IQueryCollection query)
    {
        string? value = QueryValues.Text(query, "fingerprint");
        if (value is null)
        {
            return null;
        }

        if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"fingerprint: '{value}' is not 64 hex characters; pass the input fingerprint of a decision (the store's fingerprint column, or 'dledger query --same-input FILE').");
        }

        return value.ToLowerInvariant();
    }
}

using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Header lookups for capture.</summary>
internal static class RequestHeaders
{
    /// <summary>The first non-empty value of header <paramref name="name"/>, or null.</summary>
    public static string? First(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}

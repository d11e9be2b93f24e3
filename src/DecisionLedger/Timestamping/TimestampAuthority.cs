namespace DecisionLedger.Timestamping;

/// <summary>One RFC 3161 Time Stamp Authority the ledger asks to time-stamp its checkpoints.</summary>
public sealed class TimestampAuthority
{
    /// <summary>
    /// A short name for the authority, e.g. <c>freetsa</c>: the source of its tokens in the store, and the
    /// file name of its token in an evidence bundle (<c>timestamps/NAME.tst</c>). Letters, digits,
    /// <c>.</c>, <c>_</c> and <c>-</c>, at most 64 characters, not starting with <c>.</c>. Required.
    /// </summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The authority's HTTP(S) endpoint, to which requests are POSTed as <c>application/timestamp-query</c> (RFC 3161, section 3.4). Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>The TSA policy OID to ask for (<c>reqPolicy</c>), e.g. <c>1.2.3.4.1</c>; null (the default) lets the authority choose.</summary>
    public string? PolicyOid { get; set; }

    /// <summary>
    /// Asks the authority to put its signing certificate into the token (<c>certReq</c>), so a verifier needs
    /// only the root. Default true.
    /// </summary>
    public bool RequestSignerCertificate { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="field"/> and what is wrong.</summary>
    /// <param name="field">How the caller names this authority, e.g. <c>TimestampingOptions.Authorities[0]</c>.</param>
    /// <exception cref="ArgumentException">A setting is missing or malformed.</exception>
    public void Validate(string field)
    {
        if (!IsValidName(Name))
        {
            throw new ArgumentException($"{field}.Name: '{Name}' is not a usable authority name; use 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.'), e.g. 'freetsa'.");
        }

        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{field}.Url: '{Url}' is not an absolute http or https URL; pass the authority's endpoint, e.g. https://freetsa.org/tsr.");
        }

        if (PolicyOid is not null && !IsOid(PolicyOid))
        {
            throw new ArgumentException($"{field}.PolicyOid: '{PolicyOid}' is not an object identifier; pass dotted decimal arcs, e.g. 1.2.3.4.1, or leave it unset.");
        }
    }

    /// <summary>True when <paramref name="name"/> is a valid authority name (also a safe file name).</summary>
    internal static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name[0] != '.'
        && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-');

    private static bool IsOid(string value)
    {
        string[] arcs = value.Split('.');
        return arcs.Length >= 2 && arcs.All(a => a.Length > 0 && a.All(char.IsAsciiDigit) && (a.Length == 1 || a[0] != '0'));
    }
}

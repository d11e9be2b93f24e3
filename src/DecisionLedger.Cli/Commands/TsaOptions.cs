using System.CommandLine;
using DecisionLedger.Timestamping;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>--tsa NAME=URL</c> (repeatable) and <c>--tsa-policy NAME=OID</c>: the RFC 3161 time-stamp authorities that
/// <c>serve</c> and <c>sequence</c> ask to time-stamp every checkpoint they sign.
/// </summary>
internal sealed class TsaOptions
{
    public Option<string[]> Tsa { get; } = new("--tsa")
    {
        Description = "Have this RFC 3161 time-stamp authority time-stamp every new checkpoint, as NAME=URL (e.g. freetsa=https://freetsa.org/tsr); repeat for several. Tokens are stored with the checkpoint and exported in bundles.",
        HelpName = "NAME=URL",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Policy { get; } = new("--tsa-policy")
    {
        Description = "Ask the authority NAME for tokens under this TSA policy OID, as NAME=OID; default: the authority's own policy.",
        HelpName = "NAME=OID",
    };

    /// <summary>The options built from the command line; empty (time-stamping off) without <c>--tsa</c>.</summary>
    public TimestampingOptions Read(ParseResult parsed)
    {
        var options = new TimestampingOptions();
        foreach (string value in parsed.GetValue(Tsa) ?? [])
        {
            (string name, string url) = Split("--tsa", value, "NAME=URL, e.g. freetsa=https://freetsa.org/tsr");
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
            {
                throw new CliException(ExitCodes.BadInput, $"--tsa: '{url}' (for '{name}') is not an absolute URL; pass NAME=URL, e.g. freetsa=https://freetsa.org/tsr.");
            }

            options.Authorities.Add(new TimestampAuthority { Name = name, Url = uri });
        }

        foreach (string value in parsed.GetValue(Policy) ?? [])
        {
            (string name, string oid) = Split("--tsa-policy", value, "NAME=OID, e.g. freetsa=1.2.3.4.1");
            TimestampAuthority authority = options.Authorities.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal))
                ?? throw new CliException(ExitCodes.BadInput, $"--tsa-policy: no --tsa is named '{name}'; name an authority given with --tsa NAME=URL.");
            authority.PolicyOid = oid;
        }

        try
        {
            options.Validate("--tsa");
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.BadInput, e.Message.Replace("--tsa.Authorities", "--tsa ", StringComparison.Ordinal), e);
        }

        return options;
    }

    private static (string Name, string Value) Split(string option, string value, string form)
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == value.Length - 1)
        {
            throw new CliException(ExitCodes.BadInput, $"{option}: '{value}' is not {form}.");
        }

        return (value[..equals].Trim(), value[(equals + 1)..].Trim());
    }
}

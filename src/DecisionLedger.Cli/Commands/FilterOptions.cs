using System.CommandLine;
using System.Globalization;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>The entry filters <c>query</c> and <c>export</c> share.</summary>
internal sealed class FilterOptions
{
    private readonly Option<string?> _model = new("--model") { Description = "Exact model name.", HelpName = "NAME" };
    private readonly Option<string?> _version = new("--version") { Description = "Exact model version.", HelpName = "VERSION" };
    private readonly Option<string?> _user = new("--user") { Description = "Exact requesting user id.", HelpName = "USER" };
    private readonly Option<string?> _tenant = new("--tenant") { Description = "Exact tenant.", HelpName = "TENANT" };
    private readonly Option<string?> _subject = new("--subject") { Description = "Exact data subject id.", HelpName = "SUBJECT" };
    private readonly Option<string?> _requestId = new("--request-id") { Description = "Exact request id.", HelpName = "ID" };
    private readonly Option<string?> _from = new("--from") { Description = "Decisions at or after this RFC 3339 time.", HelpName = "TIME" };
    private readonly Option<string?> _to = new("--to") { Description = "Decisions before this RFC 3339 time.", HelpName = "TIME" };

    /// <summary>Adds the filter options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_model);
        command.Options.Add(_version);
        command.Options.Add(_user);
        command.Options.Add(_tenant);
        command.Options.Add(_subject);
        command.Options.Add(_requestId);
        command.Options.Add(_from);
        command.Options.Add(_to);
    }

    /// <summary>Builds the store filter; a bad time names its option (exit 2).</summary>
    public EntryFilter Read(ParseResult parsed) => new()
    {
        ModelName = parsed.GetValue(_model),
        ModelVersion = parsed.GetValue(_version),
        UserId = parsed.GetValue(_user),
        Tenant = parsed.GetValue(_tenant),
        SubjectId = parsed.GetValue(_subject),
        RequestId = parsed.GetValue(_requestId),
        From = ParseTime(parsed.GetValue(_from), "--from"),
        To = ParseTime(parsed.GetValue(_to), "--to"),
    };

    /// <summary>True when any filter is set.</summary>
    public static bool IsFiltered(EntryFilter filter) =>
        filter.ModelName is not null || filter.ModelVersion is not null || filter.UserId is not null || filter.Tenant is not null
        || filter.SubjectId is not null || filter.RequestId is not null || filter.From is not null || filter.To is not null
        || filter.InputFingerprint is not null || filter.Kind is not null;

    /// <summary>Parses an RFC 3339 time given to <paramref name="option"/>; a bad one exits 2 naming the option.</summary>
    internal static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value))
        {
            return value;
        }

        throw new CliException(ExitCodes.BadInput, $"{option}: '{text}' is not a time; use RFC 3339, e.g. 2026-11-23T12:00:00Z or 2026-11-23.");
    }
}

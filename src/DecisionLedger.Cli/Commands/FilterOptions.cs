using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>The entry filters <c>query</c> and <c>export</c> share: columns, <c>--where</c>, <c>--allow-scan</c> and <c>--same-input</c>.</summary>
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
    private readonly Option<string[]> _where = new("--where") { Description = "A condition on a field, e.g. 'output.label = \"fraud\"', 'output.score >= 0.9 and input.amount > 1000'; repeat to AND several.", HelpName = "EXPR", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _allowScan = new("--allow-scan") { Description = "Run --where conditions on a large ledger even when no indexed filter (--model, --user, --tenant, --subject, --request-id, --from/--to) narrows them." };
    private readonly Option<string?> _sameInput = new("--same-input") { Description = "Only decisions made for exactly this input: a JSON file holding the input object, or a whole decision whose 'input' is used.", HelpName = "FILE" };

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
        command.Options.Add(_where);
        command.Options.Add(_allowScan);
        command.Options.Add(_sameInput);
    }

    /// <summary>Builds the store filter; a bad time or a malformed <c>--where</c> names its option (exit 2).</summary>
    public EntryFilter Read(ParseResult parsed) => new()
    {
        Where = WhereParser.ParseAll(parsed.GetValue(_where) ?? [], "--where"),
        ModelName = parsed.GetValue(_model),
        ModelVersion = parsed.GetValue(_version),
        UserId = parsed.GetValue(_user),
        Tenant = parsed.GetValue(_tenant),
        SubjectId = parsed.GetValue(_subject),
        RequestId = parsed.GetValue(_requestId),
        From = ParseTime(parsed.GetValue(_from), "--from"),
        To = ParseTime(parsed.GetValue(_to), "--to"),
    };

    /// <summary>Whether <c>--allow-scan</c> was given.</summary>
    public bool AllowScan(ParseResult parsed) => parsed.GetValue(_allowScan);

    /// <summary>
    /// Reads the <c>--same-input</c> file, if given, before the ledger is opened (so a bad file is reported as such first);
    /// pass the result to <see cref="WithSameInput"/> once the ledger is open. Null when the option is absent.
    /// </summary>
    public async Task<JsonDocument?> ReadSameInputAsync(ParseResult parsed, CancellationToken cancellationToken) =>
        parsed.GetValue(_sameInput) is { } file ? await SameInputFile.ReadAsync(file, cancellationToken) : null;

    /// <summary>Adds the input fingerprint of the <c>--same-input</c> document to <paramref name="filter"/> (unchanged when there is none).</summary>
    public EntryFilter WithSameInput(EntryFilter filter, JsonDocument? sameInput, ParseResult parsed, LedgerSession session) =>
        sameInput is null ? filter : filter with { InputFingerprint = SameInputFile.Fingerprint(sameInput, parsed.GetValue(_sameInput)!, session.Directory.CreateFingerprinter()) };

    /// <summary>True when any filter is set.</summary>
    public static bool IsFiltered(EntryFilter filter) =>
        filter.ModelName is not null || filter.ModelVersion is not null || filter.UserId is not null || filter.Tenant is not null
        || filter.SubjectId is not null || filter.RequestId is not null || filter.From is not null || filter.To is not null
        || filter.InputFingerprint is not null || filter.Kind is not null || filter.Where.Count > 0;

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

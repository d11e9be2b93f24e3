using System.CommandLine;
using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// The backup archive as <c>backup</c> and <c>restore</c> both take it: a required FILE option, read
/// as a full path only for an embedded (SQLite) ledger, and the summary both print of the ledger
/// the archive holds.
/// </summary>
/// <param name="command">The command name, which starts its messages.</param>
/// <param name="optionName">The option's name, e.g. <c>--out</c>.</param>
/// <param name="description">The option's help text.</param>
internal sealed class BackupArchiveFile(string command, string optionName, string description)
{
    /// <summary>The required option naming the archive file.</summary>
    public Option<string> Option { get; } = new(optionName)
    {
        Description = description,
        HelpName = "FILE",
        Required = true,
    };

    /// <summary>Refuses a PostgreSQL ledger, then reads the archive's full path.</summary>
    /// <param name="context">The CLI context (store selection).</param>
    /// <param name="parsed">The parsed command line.</param>
    /// <param name="postgresAdvice">
    /// What to do instead for a PostgreSQL ledger, continuing "this ledger lives in PostgreSQL (--store postgres)".
    /// </param>
    /// <returns>The full path of the archive file.</returns>
    /// <exception cref="CliException">The ledger is stored in PostgreSQL (exit code <see cref="ExitCodes.BadInput"/>).</exception>
    public string ReadPath(CommandContext context, ParseResult parsed, string postgresAdvice)
    {
        if (context.IsPostgres(parsed))
        {
            throw new CliException(ExitCodes.BadInput, $"{command}: this ledger lives in PostgreSQL (--store postgres){postgresAdvice}");
        }

        return Path.GetFullPath(parsed.GetValue(Option)!);
    }

    /// <summary>The text "latest checkpoint: tree size N", or "… none" for a ledger without a checkpoint.</summary>
    /// <param name="checkpoint">The latest checkpoint, if any.</param>
    public static string LatestCheckpointText(StoredCheckpoint? checkpoint) =>
        $"latest checkpoint: tree size {checkpoint?.TreeSize.ToString(CultureInfo.InvariantCulture) ?? "none"}";

    /// <summary>Prints what the archive holds: JSON with <c>--json</c>, otherwise <paramref name="text"/>.</summary>
    /// <param name="context">The CLI context (<c>--json</c>, output).</param>
    /// <param name="parsed">The parsed command line.</param>
    /// <param name="pathProperty">The JSON property naming where the ledger went (<c>out</c>, <c>ledger</c>).</param>
    /// <param name="path">Its value.</param>
    /// <param name="entries">The number of entries in the ledger.</param>
    /// <param name="checkpoint">The latest checkpoint, if any.</param>
    /// <param name="text">The line printed without <c>--json</c>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task WriteSummaryAsync(
        CommandContext context, ParseResult parsed, string pathProperty, string path, long entries, StoredCheckpoint? checkpoint, string text, CancellationToken cancellationToken)
    {
        if (!context.Json(parsed))
        {
            await context.Environment.Out.WriteLineAsync(text);
            return;
        }

        await JsonOutput.WriteAsync(context.Environment.Out, json =>
        {
            json.WriteStartObject();
            json.WriteString(pathProperty, path);
            json.WriteNumber("entries", entries);
            if (checkpoint is null)
            {
                json.WriteNull("checkpointTreeSize");
            }
            else
            {
                json.WriteNumber("checkpointTreeSize", checkpoint.TreeSize);
            }

            json.WriteEndObject();
        }, cancellationToken);
    }
}

using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Erasure;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli;

/// <summary>The one place that turns an exception into an exit code and a sentence; never a stack trace.</summary>
internal static class ErrorMapper
{
    /// <summary>Maps <paramref name="exception"/> to its exit code and message.</summary>
    /// <param name="exception">What the command threw.</param>
    /// <param name="ledgerPath">The ledger directory in use, named in store failures whose message lacks a path.</param>
    public static (int ExitCode, string Message) Map(Exception exception, string? ledgerPath)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception switch
        {
            CliException cli => (cli.ExitCode, cli.Message),
            DecisionValidationException or DuplicateRequestIdException or UnknownSubjectException or DecisionLedger.Encryption.MasterKeyMismatchException or FormatException or JsonException or ArgumentException
                or DecisionLedger.Redaction.RedactionPolicyException or DecisionLedger.Redaction.RedactionException
                => (ExitCodes.BadInput, exception.Message),
            NoteVerificationException => (ExitCodes.VerificationFailed, exception.Message),
            DecisionLedger.Ledger.UncoveredTailException => (ExitCodes.VerificationFailed, WithPath(exception.Message, ledgerPath)),
            LedgerStoreException or SqliteException => (ExitCodes.StoreFailure, WithPath(exception.Message, ledgerPath)),
            IOException or UnauthorizedAccessException => (ExitCodes.StoreFailure, WithPath(exception.Message, ledgerPath)),
            OperationCanceledException => (ExitCodes.StoreFailure, "The command was cancelled before it finished; run it again."),
            _ => (ExitCodes.StoreFailure, WithPath($"unexpected failure ({exception.GetType().Name}): {exception.Message}", ledgerPath)),
        };
    }

    private static string WithPath(string message, string? ledgerPath) =>
        ledgerPath is null || message.Contains(ledgerPath, StringComparison.Ordinal)
            ? message
            : $"{ledgerPath}: {message}";
}

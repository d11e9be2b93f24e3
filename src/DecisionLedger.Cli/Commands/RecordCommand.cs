using System.CommandLine;
using System.Text;
using System.Threading.Channels;
using DecisionLedger.Cli.Output;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>record [FILE|-]</c>: appends decisions from NDJSON and prints one receipt per line, in
/// input order, once each is durable. A bad line stops the command with exit 2; every line
/// before it is durable and verifiable. A line whose <c>requestId</c> is already in the ledger
/// with the same decision (a re-run after a crash) gets the existing receipt; a different
/// decision under that id is a conflict (exit 2).
/// </summary>
internal sealed class RecordCommand(CommandContext context)
{
    /// <summary>How many decisions may be awaiting durability at once; enough to fill several group commits.</summary>
    internal const int MaxInFlight = 4096;

    private readonly Argument<string> _file = new("FILE")
    {
        Description = "An NDJSON file of decisions, or '-' for standard input (the default).",
        DefaultValueFactory = _ => "-",
    };

    private readonly Option<bool> _proofs = new("--proofs")
    {
        Description = "Print each receipt once a signed checkpoint covers it, with \"checkpoint\" (signed note) and \"proof\" (inclusion proof against it): each line is then evidence on its own.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("record", "Append decisions from NDJSON; print one receipt {\"seq\",\"requestId\",\"leafHash\"} per line once durable.") { _file, _proofs };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string file = parsed.GetValue(_file) ?? "-";
        bool proofs = parsed.GetValue(_proofs);
        await using (Stream input = OpenInput(file))
        {
            await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, cancellationToken);
            DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
            var resent = new ResentDecisionMatcher(session.Store, session.Directory.CreateRedactor(), session.Directory.CreateFingerprinter());
            var printer = new ReceiptPrinter(context.Environment.Out, session.Directory.Path, resent, session.Store, proofs);
            long recorded;
            Exception? failure;
            try
            {
                (recorded, failure) = await PumpAsync(recorder, input, proofs, printer, cancellationToken);
            }
            finally
            {
                // Disposing drains the queue and signs a final checkpoint over everything recorded,
                // however the pump ended: a stopped or failed run leaves no entry uncovered.
                await recorder.DisposeAsync();
            }

            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            if (!context.Json(parsed))
            {
                string already = printer.AlreadyRecorded > 0 ? $" ({printer.AlreadyRecorded} of them already recorded before)" : string.Empty;
                await context.Environment.Error.WriteLineAsync($"recorded {Plural.Of(recorded, "decision")} in {session.Directory.Path}{already}");
            }
        }

        return ExitCodes.Ok;
    }

    private Stream OpenInput(string file)
    {
        if (file == "-")
        {
            return context.Environment.OpenInput();
        }

        return OpenFile(file);
    }

#pragma warning disable CA2000 // Ownership passes to the caller, which disposes it.
    private static Stream OpenFile(string file)
    {
        string full = Path.GetFullPath(file);
        if (!File.Exists(full))
        {
            throw new CliException(ExitCodes.StoreFailure, $"{full}: no such file; pass an NDJSON file of decisions, or '-' to read standard input.");
        }

        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }
#pragma warning restore CA2000

    /// <summary>
    /// Reads lines and records them with up to <see cref="MaxInFlight"/> outstanding; a printer
    /// awaits receipts in input order and prints each batch as soon as it is durable.
    /// </summary>
    /// <returns>How many decisions were recorded, and the failure that stopped the pump (already line-numbered), if any.</returns>
    private static async Task<(long Recorded, Exception? Failure)> PumpAsync(IDecisionRecorder recorder, Stream input, bool proofs, ReceiptPrinter printer, CancellationToken cancellationToken)
    {
        var pending = Channel.CreateBounded<PendingReceipt>(new BoundedChannelOptions(MaxInFlight)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<long> printing = printer.PrintAsync(pending.Reader, stop);

        Exception? readFailure = null;
        try
        {
            using var reader = new StreamReader(input, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            long lineNumber = 0;
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                Decision decision;
                try
                {
                    decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(line));
                }
                catch (DecisionValidationException exception)
                {
                    readFailure = exception.WithLine(lineNumber);
                    break;
                }

                await pending.Writer.WriteAsync(new PendingReceipt(lineNumber, decision, recorder.RecordAsync(decision, proofs, CancellationToken.None)), stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The printer stopped on a failed decision; its exception is reported below.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (SIGTERM, Ctrl-C): no more lines are read; what is in flight is still printed
            // once durable, and the caller's dispose signs the final checkpoint over it.
            readFailure = new CliException(
                ExitCodes.StoreFailure,
                "stopped before the end of the input; every receipt printed is durable and covered by the final checkpoint. Run record again over the same input to go on: lines already recorded get their receipts again.");
        }
        catch (DecoderFallbackException exception)
        {
            readFailure = new CliException(ExitCodes.BadInput, $"input: not valid UTF-8 ({exception.Message}); send NDJSON encoded as UTF-8.", exception);
        }
        finally
        {
            pending.Writer.TryComplete();
        }

        long printed;
        try
        {
            printed = await printing;
        }
        catch (Exception printerFailure)
        {
            return (-1, printerFailure);
        }

        return (printed, readFailure);
    }
}

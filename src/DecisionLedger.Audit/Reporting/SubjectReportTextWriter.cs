using System.Globalization;

namespace DecisionLedger.Reporting;

/// <summary>Writes a subject report as plain sentences, for the person it is about to read.</summary>
public static class SubjectReportTextWriter
{
    /// <summary>Writes <paramref name="report"/> and its <paramref name="decisions"/> to <paramref name="writer"/>.</summary>
    /// <param name="report">The summary.</param>
    /// <param name="decisions">The decisions, streamed (from <see cref="SubjectReportBuilder.ReadDecisionsAsync"/>).</param>
    /// <param name="writer">Receives the text; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static async Task WriteAsync(SubjectReport report, IAsyncEnumerable<ReportedDecision> decisions, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(writer);
        string count = report.DecisionCount.ToString(CultureInfo.InvariantCulture);
        await writer.WriteLineAsync($"Automated decisions about {report.SubjectId}".AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync($"Report generated on {ReportFormatting.When(report.GeneratedAt)} from the decision ledger {report.Checkpoint.Origin}.".AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteLineAsync((report.DecisionCount == 1
            ? "The ledger holds 1 automated decision about you:"
            : $"The ledger holds {count} automated decisions about you, most recent first:").AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);

        long n = 0;
        await foreach (ReportedDecision d in decisions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            n++;
            string input = d.InputHeld ? "The input it was given is still held." : "The input it was given is no longer held (erased or never stored).";
            await writer.WriteLineAsync(
                $"{n.ToString(CultureInfo.InvariantCulture)}. On {ReportFormatting.When(d.Timestamp)}, {d.ModelName} {d.ModelVersion} decided: {ReportFormatting.Outcome(d.Output)}. Main factors: {ReportFormatting.Factors(d.MainFactors)}. {input} (Ledger entry {d.Seq.ToString(CultureInfo.InvariantCulture)}, request {d.RequestId}.)".AsMemory(),
                cancellationToken).ConfigureAwait(false);
        }

        if (SubjectCompletenessSentence.For(report) is { } completeness)
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
            await writer.WriteLineAsync(completeness.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        if (report.LedgerEvents.Count > 0)
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
            await writer.WriteLineAsync("Other ledger events about you (these are not decisions):".AsMemory(), cancellationToken).ConfigureAwait(false);
            foreach (ReportedLedgerEvent e in report.LedgerEvents)
            {
                await writer.WriteLineAsync($"- On {ReportFormatting.When(e.Timestamp)}: {e.Kind} (ledger entry {e.Seq.ToString(CultureInfo.InvariantCulture)}, request {e.RequestId}).".AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }

        if (report.DecisionsAfterCheckpoint > 0)
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
            await writer.WriteLineAsync($"{report.DecisionsAfterCheckpoint.ToString(CultureInfo.InvariantCulture)} more decision(s) about you were recorded after the checkpoint below and are not in this report; ask for a new report once the ledger has signed a newer checkpoint.".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        string size = report.Checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteLineAsync("How this report can be checked".AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync(
            $"This report was computed against the ledger's signed checkpoint of tree size {size} with root hash {report.Checkpoint.RootHash.ToBase64()}. Every decision listed is one of its first {size} entries, so an auditor can prove it is in the ledger unchanged with 'dledger proof inclusion --seq N --tree-size {size}' and verify the checkpoint below with the ledger's public key:".AsMemory(),
            cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteAsync(report.SignedNote.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}

using System.Threading.Channels;
using DecisionLedger.Cli.Output;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Prints <c>record</c>'s receipts in input order as each becomes durable. A line already in the
/// ledger with the same decision gets the receipt of the stored entry (the idempotent re-send
/// after a crash); any other failure stops the printing with the line number.
/// </summary>
internal sealed class ReceiptPrinter(TextWriter output, string ledgerPath, ResentDecisionMatcher resent, ILedgerStore store, bool proofs)
{
    /// <summary>How many lines were already in the ledger and got their existing receipt.</summary>
    public long AlreadyRecorded { get; private set; }

    /// <summary>Awaits and prints every pending receipt; on a failure, cancels <paramref name="stop"/>, lets the rest finish unprinted and throws.</summary>
    /// <returns>How many receipts were printed.</returns>
    public async Task<long> PrintAsync(ChannelReader<PendingReceipt> pending, CancellationTokenSource stop)
    {
        long printed = 0;
        try
        {
            await foreach (PendingReceipt item in pending.ReadAllAsync(CancellationToken.None))
            {
                RecordReceipt receipt = await AwaitReceiptAsync(item);
                await output.WriteLineAsync(JsonOutput.ToString(json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("seq", receipt.Seq);
                    json.WriteString("requestId", receipt.RequestId);
                    json.WriteString("leafHash", receipt.LeafHash.ToBase64());
                    Server.ProofJson.WriteReceiptProof(json, receipt);
                    json.WriteEndObject();
                }));
                printed++;

                // Flush whenever nothing else is ready, so a reader sees each receipt once it is durable.
                if (!pending.TryPeek(out PendingReceipt next) || !next.Receipt.IsCompleted)
                {
                    await output.FlushAsync(CancellationToken.None);
                }
            }
        }
        catch
        {
            await stop.CancelAsync();
            await output.FlushAsync(CancellationToken.None);

            // Let the remaining decisions finish (they may well be recorded) without printing them.
            while (pending.TryRead(out PendingReceipt rest))
            {
                try
                {
                    await rest.Receipt;
                }
                catch (Exception)
                {
                    // Already reporting the first failure.
                }
            }

            throw;
        }

        await output.FlushAsync(CancellationToken.None);
        return printed;
    }

    private async Task<RecordReceipt> AwaitReceiptAsync(PendingReceipt item)
    {
        try
        {
            return await item.Receipt;
        }
        catch (DuplicateRequestIdException exception)
        {
            StoredEntry? same;
            try
            {
                same = await resent.FindSameAsync(item.Decision, exception.RequestId, CancellationToken.None);
            }
            catch (Exception lookup) when (lookup is not CliException)
            {
                throw Fail(item.Line, lookup);
            }

            if (same is null)
            {
                throw new CliException(ExitCodes.BadInput, $"line {item.Line}: requestId: '{exception.RequestId}' is already in the ledger with a different decision; send a new requestId or omit it to have one assigned.", exception);
            }

            AlreadyRecorded++;
            return await ExistingReceiptAsync(same);
        }
        catch (Exception exception) when (exception is not CliException)
        {
            throw Fail(item.Line, exception);
        }
    }

    /// <summary>The receipt of a stored entry; with <c>--proofs</c>, proven against the latest checkpoint when that covers it.</summary>
    private async Task<RecordReceipt> ExistingReceiptAsync(StoredEntry entry)
    {
        var receipt = new RecordReceipt(entry.Seq, entry.Columns.RequestId, MerkleHasher.HashLeaf(entry.CanonicalBytes));
        if (!proofs || await store.GetLatestCheckpointAsync() is not { } checkpoint || checkpoint.TreeSize <= entry.Seq)
        {
            return receipt;
        }

        using var prover = new LedgerProver(store);
        InclusionProof proof = await prover.ProveInclusionAsync(entry.Seq, checkpoint.TreeSize);
        return receipt with { Checkpoint = checkpoint.SignedNote, InclusionProof = proof };
    }

    private CliException Fail(long line, Exception exception)
    {
        (int code, string message) = ErrorMapper.Map(exception, ledgerPath);
        return new CliException(code, $"line {line}: {message}", exception);
    }
}

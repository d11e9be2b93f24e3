using DecisionLedger.Archiving;
using DecisionLedger.Storage;

namespace DecisionLedger.Retention;

/// <summary>Finds the live stored inputs a retention policy makes due for deletion, separating those under a legal hold.</summary>
public static class InputRetentionPlanner
{
    /// <summary>Plans the input deletion due at <paramref name="now"/>.</summary>
    /// <param name="store">The live store.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The plan.</returns>
    public static async ValueTask<InputRetentionPlan> PlanAsync(ILedgerStore store, RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        var due = new List<long>();
        var held = new List<(long, LegalHold)>();
        var groups = new Dictionary<(string?, string), (long, long)>();
        if (policy.Default.Inputs is null && policy.Models.Values.All(r => r.Inputs is null))
        {
            return new InputRetentionPlan(due, held, groups);
        }

        long size = await store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        var inputs = new Dictionary<long, long>();
        await foreach (StoredInput input in store.ReadInputsAsync(0, size, cancellationToken).ConfigureAwait(false))
        {
            inputs[input.Seq] = input.Input.LongLength + input.Salt.LongLength;
        }

        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, size, cancellationToken).ConfigureAwait(false))
        {
            if (!inputs.TryGetValue(entry.Seq, out long bytes) || !policy.IsInputDeletionDue(entry.Columns, now))
            {
                continue;
            }

            string? model = RetentionPolicy.ModelOf(entry.Columns);
            if (policy.HoldOn(entry.Seq, model, entry.Columns.SubjectId) is { } hold)
            {
                held.Add((entry.Seq, hold));
                continue;
            }

            due.Add(entry.Seq);
            var key = (model, ArchivePaths.Month(entry.Columns.Timestamp));
            (long count, long sum) = groups.GetValueOrDefault(key);
            groups[key] = (count + 1, sum + bytes);
        }

        return new InputRetentionPlan(due, held, groups);
    }

    /// <summary>Refuses a deletion of data a legal hold covers.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="seq">The decision's seq.</param>
    /// <param name="model">Its model, or <see langword="null"/>.</param>
    /// <param name="subject">Its subject column, or <see langword="null"/>.</param>
    /// <param name="action">What was to be deleted, e.g. <c>delete the stored input</c>.</param>
    /// <exception cref="RetentionPolicyException">A hold covers the decision; the message names the hold.</exception>
    public static void EnsureNotHeld(RetentionPolicy policy, long seq, string? model, string? subject, string action)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.HoldOn(seq, model, subject) is { } hold)
        {
            int index = policy.Holds.ToList().IndexOf(hold);
            throw new RetentionPolicyException($"retention.holds[{index}]", $"refused to {action} of seq {seq}: the {hold.Describe()} stands. Lift the hold in the policy first.");
        }
    }
}

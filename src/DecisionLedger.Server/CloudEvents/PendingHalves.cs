using System.Diagnostics.CodeAnalysis;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// The halves waiting for their partner, by <c>ce-id</c>, each with the timer of its pairing timeout: a half
/// whose timer fires is taken out and recorded alone. Closed at shutdown, after which it holds nothing more.
/// Every member but the timer callback, <see cref="WaitDurableAsync"/> and <see cref="Restore"/> is called while holding the gate.
/// </summary>
internal sealed class PendingHalves
{
    private readonly Lock _gate;
    private readonly CollectorOptions _options;
    private readonly BackgroundDecisionRecorder _recorder;
    private readonly CloudEventMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, PendingHalf> _halves = new(StringComparer.Ordinal);

    /// <summary>An empty table guarded by <paramref name="gate"/> (the pairer's), expired halves going to <paramref name="recorder"/>.</summary>
    public PendingHalves(Lock gate, CollectorOptions options, BackgroundDecisionRecorder recorder, CloudEventMetrics metrics, ILogger logger)
    {
        _gate = gate;
        _options = options;
        _recorder = recorder;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Halves waiting for their partner.</summary>
    public int Count => _halves.Count;

    /// <summary>Whether shutdown has taken the halves: none is held any more.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>The half pending under <paramref name="id"/>, if any.</summary>
    public bool TryGet(string id, [NotNullWhen(true)] out PendingHalf? half) => _halves.TryGetValue(id, out half);

    /// <summary>Holds <paramref name="half"/>; it is recorded alone if no partner takes it within <paramref name="due"/>.</summary>
    public void Hold(PendingHalf half, TimeSpan due)
    {
        _halves.Add(half.Event.Id, half);
        half.Timer = _options.TimeProvider.CreateTimer(OnTimeout, half, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes out <paramref name="half"/>, found by <see cref="TryGet"/>, to be paired.</summary>
    public void Take(PendingHalf half)
    {
        _halves.Remove(half.Event.Id);
        half.Timer?.Dispose();
    }

    /// <summary>Closes the table and takes every half out; their timers are the caller's to dispose.</summary>
    public List<PendingHalf> Close()
    {
        IsClosed = true;
        List<PendingHalf> rest = [.. _halves.Values];
        _halves.Clear();
        return rest;
    }

    /// <summary>
    /// Holds again the halves replayed from the journal: pairs found whole are recorded, halves past their timeout
    /// are recorded alone, the others wait again for the rest of their timeout.
    /// </summary>
    /// <returns>How many pairs and how many expired halves were sent to be recorded.</returns>
    public (int Pairs, int Expired) Replay(IReadOnlyList<JournaledHalf> halves, DateTimeOffset now)
    {
        int pairs = 0;
        int expired = 0;
        foreach (IGrouping<string, JournaledHalf> group in halves.GroupBy(half => half.Event.Id, StringComparer.Ordinal))
        {
            JournaledHalf? request = group.FirstOrDefault(half => half.Event.Kind == InferenceEventKind.Request);
            JournaledHalf? response = group.FirstOrDefault(half => half.Event.Kind == InferenceEventKind.Response);
            if (request is not null && response is not null)
            {
                pairs++;
                _recorder.Start(request.Event, response.Event, null);
                continue;
            }

            JournaledHalf alone = request ?? response!;
            TimeSpan left = alone.Received + _options.CloudEventPairTimeout - now;
            if (left <= TimeSpan.Zero)
            {
                expired++;
                _recorder.Start(request?.Event, response?.Event, "timeout");
                continue;
            }

            Hold(new PendingHalf(alone.Event, alone.Received, Task.CompletedTask), left);
        }

        return (pairs, expired);
    }

    /// <summary>Waits for the half's line to be on disk; if it cannot be, the half is let go and the sender told (503).</summary>
    /// <exception cref="CloudEventJournalException">The half's line could not be made durable; it is no longer held.</exception>
    public async Task WaitDurableAsync(PendingHalf held)
    {
        try
        {
            await held.Durable.ConfigureAwait(false);
        }
        catch (CloudEventJournalException)
        {
            lock (_gate)
            {
                if (_halves.TryGetValue(held.Event.Id, out PendingHalf? current) && ReferenceEquals(current, held))
                {
                    _halves.Remove(held.Event.Id);
                    held.Timer?.Dispose();
                }
            }

            _metrics.Reject("journal-failed");
            throw;
        }
    }

    /// <summary>Puts a partner back after its pair could not be recorded, for the rest of its timeout.</summary>
    public void Restore(PendingHalf partner)
    {
        lock (_gate)
        {
            if (!IsClosed && _halves.TryGetValue(partner.Event.Id, out PendingHalf? other) && other.Event.Kind != partner.Event.Kind)
            {
                // A copy of the failed half arrived while its pair was being recorded and is held now: pair the
                // partner with it (recorded in the background, retried), or the partner would only be replayed
                // after the copy had been recorded alone, and be refused then as a duplicate: lost.
                _halves.Remove(partner.Event.Id);
                other.Timer?.Dispose();
                InferenceEvent request = partner.Event.Kind == InferenceEventKind.Request ? partner.Event : other.Event;
                InferenceEvent response = partner.Event.Kind == InferenceEventKind.Response ? partner.Event : other.Event;
                _recorder.Start(request, response, aloneBecause: null);
                return;
            }

            if (IsClosed || _halves.ContainsKey(partner.Event.Id))
            {
                // Stopping, or a copy of the partner itself arrived meanwhile (held with its own journal line):
                // the partner's line stays in the journal for the next start.
                CollectorLog.HalfKeptInJournal(_logger, partner.Event.Id);
                return;
            }

            TimeSpan left = partner.Received + _options.CloudEventPairTimeout - _options.TimeProvider.GetUtcNow();
            Hold(partner, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    private void OnTimeout(object? state)
    {
        var half = (PendingHalf)state!;
        lock (_gate)
        {
            // The partner may have won the race, or shutdown taken the half.
            if (!_halves.TryGetValue(half.Event.Id, out PendingHalf? current) || !ReferenceEquals(current, half))
            {
                return;
            }

            _halves.Remove(half.Event.Id);
            _recorder.StartAlone(half.Event, "timeout");
        }

        half.Timer?.Dispose();
    }
}

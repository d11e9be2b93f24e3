using System.Runtime.InteropServices;

namespace DecisionLedger.Cli;

/// <summary>
/// SIGTERM and Ctrl-C (SIGINT, SIGQUIT) for a command that must drain before it exits (<c>record</c>,
/// <c>sequence</c>): the first signal cancels <see cref="Token"/> and keeps the process alive until
/// the command returns, however long its recorder takes to commit what it holds and sign the final
/// checkpoint; a second signal ends the process at once.
/// </summary>
/// <remarks>
/// System.CommandLine's own handler returns from <c>Main</c> after a fixed timeout (2 s by default),
/// which ended a sequencer mid-drain on a loaded machine and left committed entries that no signed
/// checkpoint covered. Commands that register this run with that timeout switched off.
/// </remarks>
internal sealed class GracefulStop : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    private GracefulStop(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    /// <summary>Cancelled by the first stop signal, or by the caller's token.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Starts handling the stop signals until disposed.</summary>
    /// <param name="cancellationToken">The caller's token; cancelling it cancels <see cref="Token"/> too.</param>
    public static GracefulStop Register(CancellationToken cancellationToken) => new(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // Asked twice: the default action ends the process now.
            return;
        }

        context.Cancel = true;
        _stop.Cancel();
    }
}

using System.Reflection;
using System.Runtime.ExceptionServices;
using DecisionLedger.Storage;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// The real store behind a gate, as a stalled disk: every <c>AppendAsync</c> (a group commit) waits until
/// <see cref="Open"/>; everything else goes straight to the store. A proxy, so it follows the store's interface as it grows.
/// </summary>
public class GatedStore : DispatchProxy
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ILedgerStore _inner = null!;

    /// <summary>Wraps <paramref name="inner"/> with the gate closed.</summary>
    public static (ILedgerStore Store, GatedStore Gate) Wrap(ILedgerStore inner)
    {
        ILedgerStore proxy = Create<ILedgerStore, GatedStore>();
        var gate = (GatedStore)(object)proxy;
        gate._inner = inner;
        return (proxy, gate);
    }

    /// <summary>
    /// A <see cref="CollectorOptions.StoreFactory"/>: the ledger's own SQLite store behind a closed gate, handed to
    /// <paramref name="held"/> when the collector opens it.
    /// </summary>
    public static Func<DecisionLedger.Ledger.LedgerDirectory, ILedgerStore> SqliteFactory(Action<GatedStore> held) =>
        directory =>
        {
            (ILedgerStore store, GatedStore gate) = Wrap(new DecisionLedger.Sqlite.SqliteLedgerStore(directory.DatabasePath));
            held(gate);
            return store;
        };

    /// <summary>Completes when the first append arrives at the closed gate: a decision is inside the recorder, held.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Lets every held and future append through.</summary>
    public void Open() => _gate.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(ILedgerStore.AppendAsync))
        {
            return AppendAfterGateAsync(targetMethod, args);
        }

        return Call(targetMethod, args);
    }

    private async ValueTask AppendAfterGateAsync(MethodInfo method, object?[]? args)
    {
        _reached.TrySetResult();
        await _gate.Task;
        await (ValueTask)Call(method, args)!;
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(exception.InnerException);
            throw;
        }
    }
}

using System.Threading.Channels;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Loads the pages of a verification on several workers at once and hands them over in order.
/// </summary>
/// <remarks>
/// Page tasks are started in order and queued in a bounded channel, so at most about twice the
/// worker count of pages is held at once (memory stays bounded however large the ledger); a
/// semaphore lets only <c>workers</c> of them read and hash at a time. Disposing cancels the
/// rest and waits for every started task, so no read outlives the verification.
/// </remarks>
internal sealed class PagePipeline : IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly VerificationOptions _options;
    private readonly long _start;
    private readonly long _size;
    private readonly int _pageSize;
    private readonly SemaphoreSlim _gate;
    private readonly Channel<Task<VerificationPage>> _pages;
    private readonly CancellationTokenSource _cancellation;
    private readonly Task _producer;
    private readonly ExpiredSpans? _expired;

    /// <summary>Starts loading the pages of [<paramref name="start"/>, <paramref name="size"/>).</summary>
    public PagePipeline(ILedgerStore store, VerificationOptions options, long start, long size, int pageSize, int workers, CancellationToken cancellationToken, ExpiredSpans? expired = null)
    {
        _expired = expired;
        _store = store;
        _options = options;
        _start = start;
        _size = size;
        _pageSize = pageSize;
        _gate = new SemaphoreSlim(workers, workers);
        _pages = Channel.CreateBounded<Task<VerificationPage>>(new BoundedChannelOptions(workers * 2) { SingleReader = true, SingleWriter = true });
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = Task.Run(ProduceAsync, CancellationToken.None);
    }

    /// <summary>Returns the next page in order, or null after the last; throws what loading it threw.</summary>
    public async ValueTask<VerificationPage?> NextAsync()
    {
        _cancellation.Token.ThrowIfCancellationRequested();
        if (!await _pages.Reader.WaitToReadAsync(_cancellation.Token).ConfigureAwait(false))
        {
            return null;
        }

        _pages.Reader.TryRead(out Task<VerificationPage>? page);
        return await page!.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cancellation.CancelAsync().ConfigureAwait(false);
        await Observe(_producer).ConfigureAwait(false);
        while (_pages.Reader.TryRead(out Task<VerificationPage>? page))
        {
            await Observe(page).ConfigureAwait(false);
            if (page.IsCompletedSuccessfully)
            {
                page.Result.Dispose();
            }
        }

        _cancellation.Dispose();
        _gate.Dispose();
    }

    // The outcome of pages never merged does not matter: the verification has its answer or its error.
    private static async Task Observe(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Swallowed on purpose: a page past the stopping point, or one that failed after an earlier page did.
        }
    }

    private async Task ProduceAsync()
    {
        CancellationToken cancellationToken = _cancellation.Token;
        try
        {
            for (long pageStart = _start; pageStart < _size; pageStart += _pageSize)
            {
                long end = Math.Min(_size, pageStart + _pageSize);
                long start = pageStart;

                // On the thread pool, so the pages of several workers are read and hashed in parallel.
                Task<VerificationPage> page = Task.Run(() => LoadAsync(start, end, cancellationToken), CancellationToken.None);
                if (!_pages.Writer.TryWrite(page))
                {
                    try
                    {
                        await _pages.Writer.WriteAsync(page, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        await Observe(page).ConfigureAwait(false);
                        return;
                    }
                }
            }
        }
        finally
        {
            _pages.Writer.TryComplete();
        }
    }

    private async Task<VerificationPage> LoadAsync(long start, long end, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await VerificationPage.LoadAsync(_store, start, end, _size, _options, cancellationToken, _expired).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

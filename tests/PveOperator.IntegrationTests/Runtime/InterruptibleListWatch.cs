using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

/// <summary>
/// Wraps a real list-watch to play a network outage: <see cref="Disconnect"/> ends the open watch and
/// holds new ones until <see cref="Reconnect"/>. Records list calls and watch failures.
/// <para>
/// A kube-apiserver answers a watch from its in-memory watch cache, which keeps the last 75 seconds of
/// events however many there are (etcd compaction does not touch it), so a test cannot make a recent
/// resourceVersion expire in seconds. <see cref="Reconnect"/> can therefore resume the next watch from
/// an ancient resourceVersion instead, which the real server answers with a real 410 Gone, as it does
/// after a long outage or an API server restart.
/// </para>
/// </summary>
internal sealed class InterruptibleListWatch<TEntity>(IListWatch<TEntity> inner) : IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock gate = new();
    private TaskCompletionSource connected = Connected();
    private CancellationTokenSource? openWatch;
    private bool resumeFromAncientVersion;
    private int lists;

    public int Lists => Volatile.Read(ref lists);

    public List<Exception> WatchFailures { get; } = [];

    public void Disconnect()
    {
        CancellationTokenSource? cut;
        lock (gate)
        {
            connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cut = openWatch;
        }

        try
        {
            cut?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That watch ended on its own meanwhile: nothing left to cut.
        }
    }

    public void Reconnect(bool asIfDisconnectedForLong = false)
    {
        lock (gate)
        {
            resumeFromAncientVersion = asIfDisconnectedForLong;
            connected.TrySetResult();
        }
    }

    public Task<EntityListSnapshot<TEntity>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref lists);
        return inner.ListAsync(cancellationToken);
    }

    public async IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Checking the gate and registering the watch under one lock: a Disconnect between the two would
        // otherwise find no watch to cut and let this one run on, connected, through the "outage".
        while (true)
        {
            Task gateOpen;
            lock (gate)
            {
                gateOpen = connected.Task;
                if (gateOpen.IsCompleted)
                {
                    openWatch = cut;
                    if (resumeFromAncientVersion)
                    {
                        resumeFromAncientVersion = false;
                        resourceVersion = "1";
                    }

                    break;
                }
            }

            await gateOpen.WaitAsync(cancellationToken);
        }

        try
        {
            await foreach (var watchEvent in Relay(inner.WatchAsync(resourceVersion, timeout, cut.Token), cut, cancellationToken))
            {
                yield return watchEvent;
            }
        }
        finally
        {
            lock (gate)
            {
                if (openWatch == cut)
                {
                    openWatch = null;
                }
            }
        }
    }

    private async IAsyncEnumerable<EntityWatchEvent<TEntity>> Relay(
        IAsyncEnumerable<EntityWatchEvent<TEntity>> watch, CancellationTokenSource cut, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = watch.GetAsyncEnumerator(cut.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Disconnected: to the informer this looks like the server closing the watch.
                yield break;
            }
            catch (Exception exception)
            {
                lock (gate)
                {
                    WatchFailures.Add(exception);
                }

                throw;
            }

            if (!more)
            {
                yield break;
            }

            yield return events.Current;
        }
    }

    private static TaskCompletionSource Connected()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}

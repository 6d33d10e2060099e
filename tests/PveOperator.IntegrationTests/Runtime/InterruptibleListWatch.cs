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

        cut?.Cancel();
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
        Task gateOpen;
        lock (gate)
        {
            gateOpen = connected.Task;
        }

        await gateOpen.WaitAsync(cancellationToken);
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (gate)
        {
            openWatch = cut;
            if (resumeFromAncientVersion)
            {
                resumeFromAncientVersion = false;
                resourceVersion = "1";
            }
        }

        await using var events = inner.WatchAsync(resourceVersion, timeout, cut.Token).GetAsyncEnumerator(cut.Token);
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

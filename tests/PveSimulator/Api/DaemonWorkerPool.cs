using System.Collections.Concurrent;

namespace PveSimulator.Api;

/// <summary>
/// pvedaemon runs a few workers per node (3 by default); calls beyond that queue until one is free.
/// One semaphore per node name models that, so clients that fan out too far see their latency grow.
/// </summary>
/// <remarks>The semaphores are never disposed: they hold no wait handle, and requests may still release them during shutdown.</remarks>
internal sealed class DaemonWorkerPool(int workersPerNode)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> workers = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string node, CancellationToken cancellationToken)
    {
        var semaphore = this.workers.GetOrAdd(node, _ => new SemaphoreSlim(workersPerNode, workersPerNode));
        await semaphore.WaitAsync(cancellationToken);
        return new Model.ScopeExit(() => semaphore.Release());
    }
}

using System.Collections.Concurrent;

namespace PveOperator.Proxmox;

/// <summary>
/// Caps requests in flight: per PVE node for /nodes/{node}/... (each node's pvedaemon has only a few workers), and
/// separately for cluster-wide endpoints (/version, /cluster/..., /nodes), which the node we talk to answers itself
/// from the cluster file system; keeping them apart means a slow node cannot starve discovery or resource polling.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "See CA1001.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The semaphores never hand out a wait handle, so they hold nothing to free; disposing them would make a request still in flight on a retired client throw when it gives its slot back.")]
internal sealed class PveRequestLimiter(int maxPerNode, int maxClusterWide)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> perNode = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim clusterWide = new(maxClusterWide, maxClusterWide);

    /// <param name="node">The node whose endpoints are called, or null for cluster-wide endpoints.</param>
    public async ValueTask<PveRequestSlot> AcquireAsync(string? node, CancellationToken cancellationToken)
    {
        var semaphore = node is null
            ? clusterWide
            : perNode.GetOrAdd(node, _ => new SemaphoreSlim(maxPerNode, maxPerNode));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new PveRequestSlot(semaphore);
    }
}

using System.Collections.Concurrent;

namespace PveOperator.Proxmox;

/// <summary>
/// Caps requests in flight: per PVE node for /nodes/{node}/... (each node's pvedaemon has only a few workers), and
/// separately for cluster-wide endpoints (/version, /cluster/..., /nodes), which the node we talk to answers itself
/// from the cluster file system; keeping them apart means a slow node cannot starve discovery or resource polling.
/// </summary>
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

using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// One provider's node figures (GET /nodes, read at most once per <see cref="MaxAge"/>) and the placements made since,
/// so that a thousand creates cost a handful of reads and still spread.
/// </summary>
internal sealed class PlacementBook
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private IReadOnlyList<PveNodeSummary>? nodes;
    private DateTimeOffset readAt;
    private Dictionary<string, int> placedSince = new(StringComparer.Ordinal);

    public bool IsFresh(DateTimeOffset now)
    {
        lock (gate)
        {
            return nodes is not null && now - readAt < MaxAge;
        }
    }

    public void Update(IReadOnlyList<PveNodeSummary> read, DateTimeOffset now)
    {
        lock (gate)
        {
            nodes = read;
            readAt = now;
            placedSince = new(StringComparer.Ordinal);
        }
    }

    /// <summary>Chooses a node and counts the placement against it; null when no node is online (or none was read).</summary>
    public string? Place(IReadOnlySet<string>? allowed = null)
    {
        lock (gate)
        {
            if (nodes is null || NodePlacement.Choose(nodes, placedSince, allowed) is not { } node)
            {
                return null;
            }

            placedSince[node] = placedSince.GetValueOrDefault(node) + 1;
            return node;
        }
    }
}

using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Where a container without spec.node is created: the online node with the most free memory, counting the containers
/// this operator placed there since the figures were read, so that a burst of creates spreads over the nodes.
/// </summary>
internal static class NodePlacement
{
    /// <summary>What one placement is assumed to use until PVE's figures show it (PVE's default memory, 512 MiB).</summary>
    public const long AssumedBytes = 512L << 20;

    public static string? Choose(IReadOnlyList<PveNodeSummary> nodes, IReadOnlyDictionary<string, int> placedSince, IReadOnlySet<string>? allowed = null) =>
        nodes
            .Where(n => n.IsOnline && (allowed is null || allowed.Contains(n.Node)))
            .OrderByDescending(n => (n.MaxMem ?? 0) - (n.Mem ?? 0) - (placedSince.GetValueOrDefault(n.Node) * AssumedBytes))
            .ThenBy(n => n.Node, StringComparer.Ordinal)
            .Select(n => n.Node)
            .FirstOrDefault();
}

namespace PveOperator.Proxmox;

/// <summary>What init learned about the cluster: its name, version and members.</summary>
public sealed record PveClusterInfo
{
    /// <summary>The cluster name; for a standalone node, the node's own name (as GoDoxy did).</summary>
    public required string Name { get; init; }

    /// <summary>True when /cluster/status has no <c>cluster</c> entry: a single node, not clustered.</summary>
    public required bool IsStandalone { get; init; }

    /// <summary>Whether the cluster has quorum; a standalone node always has.</summary>
    public bool Quorate { get; init; } = true;

    public required PveVersion Version { get; init; }

    public required IReadOnlyList<PveNode> Nodes { get; init; }

    /// <summary>Builds the info from the two init answers.</summary>
    /// <exception cref="PveApiException">When /cluster/status lists no node at all.</exception>
    public static PveClusterInfo From(PveVersion version, IReadOnlyList<PveClusterStatusEntry> status)
    {
        var nodes = status.Where(e => e.IsNode && !string.IsNullOrEmpty(e.Name))
            .Select(PveNode.From)
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        if (nodes.Count == 0)
        {
            throw new PveApiException(PveErrorKind.Other, "GET /cluster/status lists no node.")
            {
                Method = "GET",
                Path = "/cluster/status",
            };
        }
        var cluster = status.FirstOrDefault(e => e.IsCluster);
        if (cluster is not null)
        {
            return new PveClusterInfo
            {
                Name = cluster.Name,
                IsStandalone = false,
                Quorate = cluster.Quorate ?? false,
                Version = version,
                Nodes = nodes,
            };
        }
        // Standalone: exactly one node in practice; prefer the local one should more ever appear.
        var self = nodes.FirstOrDefault(n => n.IsLocal) ?? nodes[0];
        return new PveClusterInfo
        {
            Name = self.Name,
            IsStandalone = true,
            Quorate = true,
            Version = version,
            Nodes = nodes,
        };
    }
}

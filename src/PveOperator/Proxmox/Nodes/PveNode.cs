namespace PveOperator.Proxmox;

/// <summary>A cluster member as discovered at init from /cluster/status.</summary>
public sealed record PveNode
{
    public required string Name { get; init; }

    /// <summary>PVE's id, <c>node/NAME</c>.</summary>
    public string Id { get; init; } = "";

    public bool Online { get; init; }
    public string? Ip { get; init; }
    public int? NodeId { get; init; }

    /// <summary>The node the client talks to.</summary>
    public bool IsLocal { get; init; }

    internal static PveNode From(PveClusterStatusEntry entry) =>
        new()
        {
            Name = entry.Name,
            Id = entry.Id,
            Online = entry.Online ?? false,
            Ip = entry.Ip,
            NodeId = entry.NodeId,
            IsLocal = entry.Local ?? false,
        };
}

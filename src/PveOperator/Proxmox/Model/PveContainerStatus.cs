using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>GET /nodes/{node}/lxc/{vmid}/status/current: the live state, read on the node itself.</summary>
public sealed record PveContainerStatus : PveContainerSummary
{
    [JsonPropertyName("ha")]
    public PveHaStatus Ha { get; init; } = new();
}

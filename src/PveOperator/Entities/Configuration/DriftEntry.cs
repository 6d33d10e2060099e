using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A managed field where Proxmox VE differs from the spec.")]
public sealed record DriftEntry
{
    [Description("The spec field, e.g. resources.memory or network[eth0].bridge.")]
    [JsonPropertyName("field")]
    public string Field { get; init; } = "";

    [Description("What the spec says.")]
    [JsonPropertyName("desired")]
    public string? Desired { get; init; }

    [Description("What PVE has; absent when PVE has nothing set.")]
    [JsonPropertyName("actual")]
    public string? Actual { get; init; }
}

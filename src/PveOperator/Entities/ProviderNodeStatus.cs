using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A node of the PVE cluster.")]
public sealed class ProviderNodeStatus
{
    [Description("The node's name.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [Description("Whether the cluster sees the node online.")]
    [JsonPropertyName("online")]
    public bool Online { get; set; }

    [Description("The node's address as the cluster reports it.")]
    [JsonPropertyName("ip")]
    public string? Ip { get; set; }
}

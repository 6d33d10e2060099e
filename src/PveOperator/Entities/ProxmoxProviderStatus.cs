using System.Text.Json.Serialization;
using k8s.Models;

namespace PveOperator.Entities;

public sealed class ProxmoxProviderStatus
{
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("clusterName")]
    public string? ClusterName { get; set; }

    [JsonPropertyName("nodes")]
    public List<ProviderNodeStatus>? Nodes { get; set; }

    /// <summary>Node names joined by commas, for the printer column.</summary>
    [JsonPropertyName("nodeNames")]
    public string? NodeNames { get; set; }

    /// <summary>PVE privileges the credentials lack for what this provider's containers use, "Privilege on /path".</summary>
    [JsonPropertyName("missingPrivileges")]
    public List<string>? MissingPrivileges { get; set; }

    [JsonPropertyName("lastSyncTime")]
    public DateTime? LastSyncTime { get; set; }
}

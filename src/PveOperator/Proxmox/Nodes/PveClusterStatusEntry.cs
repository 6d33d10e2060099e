using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// One entry of GET /cluster/status: either the single <c>cluster</c> entry (absent on a standalone node) or one
/// <c>node</c> entry per member.
/// </summary>
public sealed record PveClusterStatusEntry
{
    public const string ClusterType = "cluster";
    public const string NodeType = "node";

    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Cluster entry: number of member nodes.</summary>
    [JsonPropertyName("nodes")]
    public int? Nodes { get; init; }

    /// <summary>Cluster entry: config version.</summary>
    [JsonPropertyName("version")]
    public int? Version { get; init; }

    [JsonPropertyName("quorate")]
    public bool? Quorate { get; init; }

    [JsonPropertyName("nodeid")]
    public int? NodeId { get; init; }

    /// <summary>Node entry: the node that answered this request.</summary>
    [JsonPropertyName("local")]
    public bool? Local { get; init; }

    [JsonPropertyName("online")]
    public bool? Online { get; init; }

    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    /// <summary>Subscription level, "" when none.</summary>
    [JsonPropertyName("level")]
    public string? Level { get; init; }

    [JsonIgnore]
    public bool IsCluster => Type == ClusterType;

    [JsonIgnore]
    public bool IsNode => Type == NodeType;
}

using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace PveOperator.Entities;

[Description("What the operator last observed of the PVE cluster; written by the operator only.")]
public sealed class ProxmoxProviderStatus
{
    [ListType(ListType.Map, "type")]
    [Description("Ready, Reconciling and Stalled, as kstatus (Argo CD, Flux) reads them; one per type.")]
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [Description("The metadata.generation of the spec this status was computed from.")]
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [Description("The PVE version the API reports.")]
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [Description("The PVE cluster's name; empty for a standalone node.")]
    [JsonPropertyName("clusterName")]
    public string? ClusterName { get; set; }

    [ListType(ListType.Map, "name")]
    [Description("The cluster's nodes, one per name.")]
    [JsonPropertyName("nodes")]
    public List<ProviderNodeStatus>? Nodes { get; set; }

    [Description("The node names joined by commas, for kubectl get.")]
    [JsonPropertyName("nodeNames")]
    public string? NodeNames { get; set; }

    /// <summary>PVE privileges the credentials lack for what this provider's containers use, "Privilege on /path".</summary>
    [Description("PVE privileges the credentials lack for what this provider's containers use, as \"Privilege on /path\".")]
    [JsonPropertyName("missingPrivileges")]
    public List<string>? MissingPrivileges { get; set; }

    [Description("When the operator last observed the cluster successfully.")]
    [JsonPropertyName("lastSyncTime")]
    public DateTime? LastSyncTime { get; set; }
}

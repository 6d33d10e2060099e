using System.Text.Json.Serialization;
using k8s.Models;

namespace PveOperator.Entities;

public sealed class LxcContainerStatus
{
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("node")]
    public string? Node { get; set; }

    /// <summary>The state as PVE reports it (running, stopped).</summary>
    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("running")]
    public bool? Running { get; set; }

    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("ipAddresses")]
    public List<string>? IpAddresses { get; set; }

    [JsonPropertyName("interfaces")]
    public List<ContainerInterfaceStatus>? Interfaces { get; set; }

    [JsonPropertyName("operation")]
    public OperationStatus? Operation { get; set; }

    /// <summary>
    /// Written by operator versions before the typed <see cref="Operation"/>: read once after an upgrade (and
    /// removed), so that a task pending across the upgrade is resumed rather than sent again.
    /// </summary>
    [JsonPropertyName("pendingTask")]
    public PendingTaskStatus? PendingTask { get; set; }
}

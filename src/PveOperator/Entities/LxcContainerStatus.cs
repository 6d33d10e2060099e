using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace PveOperator.Entities;

[Description("What the operator last observed of the container; written by the operator only.")]
public sealed class LxcContainerStatus
{
    [ListType(ListType.Map, "type")]
    [Description("Ready, Reconciling and Stalled, as kstatus (Argo CD, Flux) reads them, plus Synced (PVE matches the spec), RestartRequired and Paused; one per type.")]
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [Description("The metadata.generation of the spec this status was computed from.")]
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [Description("The container's VMID: spec.vmid, or the one allocated for it before it was created. Never changes once set.")]
    [JsonPropertyName("vmid")]
    public int? Vmid { get; set; }

    [Description("The ProxmoxProvider status.vmid belongs to: spec.providerRef.name when the VMID was recorded. Never changes once set.")]
    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [Description("The PVE node the container was last seen on.")]
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    [Description("The state as PVE reports it: running or stopped.")]
    [JsonPropertyName("state")]
    public string? State { get; set; }

    [Description("Whether the container is running.")]
    [JsonPropertyName("running")]
    public bool? Running { get; set; }

    [Description("The container's hostname in PVE.")]
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [Description("The IP addresses of all the container's interfaces.")]
    [JsonPropertyName("ipAddresses")]
    public List<string>? IpAddresses { get; set; }

    [ListType(ListType.Map, "name")]
    [Description("The container's network interfaces as PVE reports them, one per name.")]
    [JsonPropertyName("interfaces")]
    public List<ContainerInterfaceStatus>? Interfaces { get; set; }

    [ListType(ListType.Map, "field")]
    [Description("Each managed field where PVE differs from the spec, kept current in every managementPolicy: with ObserveOnly, what Full would change.")]
    [JsonPropertyName("drift")]
    public List<DriftEntry>? Drift { get; set; }

    [Description("The PVE config keys that wait for the container's next start (PVE's pending changes).")]
    [JsonPropertyName("pendingChanges")]
    public List<string>? PendingChanges { get; set; }

    [Description("The spec.create the container was created from: a later change of it would need a new container (Synced=False, reason RequiresReplacement); the operator never replaces one by itself.")]
    [JsonPropertyName("createdWith")]
    public ContainerCreateSpec? CreatedWith { get; set; }

    [Description("The PVE operation the operator sent and has not seen end yet: a restarted operator resumes from it.")]
    [JsonPropertyName("operation")]
    public OperationStatus? Operation { get; set; }

    /// <summary>
    /// Written by operator versions before the typed <see cref="Operation"/>: read once after an upgrade (and
    /// removed), so that a task pending across the upgrade is resumed rather than sent again.
    /// </summary>
    [Description("Deprecated: what operator versions before status.operation recorded; read once after an upgrade, then removed.")]
    [JsonPropertyName("pendingTask")]
    public PendingTaskStatus? PendingTask { get; set; }
}

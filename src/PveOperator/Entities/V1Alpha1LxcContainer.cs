using System.ComponentModel;
using k8s.Models;

namespace PveOperator.Entities;

[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = EntityKind, PluralName = "lxccontainers")]
[CustomResource(Scope = ResourceScope.Namespaced, ShortNames = ["lxc"], Categories = [ApiGroup.Category])]
[PrinterColumn("Provider", "string", ".spec.providerRef.name")]
[PrinterColumn("Node", "string", ".status.node")]
[PrinterColumn("VMID", "integer", ".status.vmid")]
[PrinterColumn("Desired", "string", ".spec.powerState")]
[PrinterColumn("State", "string", ".status.state")]
[PrinterColumn("IP", "string", ".status.ipAddresses[0]")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Synced", "string", ".status.conditions[?(@.type==\"Synced\")].status")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Description("A Proxmox VE LXC container the operator creates (or adopts), keeps in its desired power state, and destroys as its spec says.")]
public sealed class V1Alpha1LxcContainer : CustomEntity<LxcContainerSpec, LxcContainerStatus>
{
    public const string EntityKind = "LxcContainer";

    /// <summary>The annotation that pauses the operator for this resource (as Cluster API's paused).</summary>
    public const string PausedAnnotation = "pve-operator.io/paused";

    public V1Alpha1LxcContainer()
    {
        ApiVersion = ApiGroup.GroupVersion;
        Kind = EntityKind;
    }

    /// <summary>The container's VMID: the spec's, else the one allocated and recorded in status; null before allocation.</summary>
    public int? Vmid => Spec.Vmid ?? Status?.Vmid;

    public bool Paused => Metadata.Annotations?.TryGetValue(PausedAnnotation, out var value) == true && value == "true";
}

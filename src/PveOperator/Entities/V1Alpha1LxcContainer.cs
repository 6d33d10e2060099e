using System.ComponentModel;
using k8s.Models;

namespace PveOperator.Entities;

[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = EntityKind, PluralName = "lxccontainers")]
[CustomResource(Scope = ResourceScope.Namespaced, ShortNames = ["lxc"], Categories = [ApiGroup.Category])]
[PrinterColumn("Provider", "string", ".spec.providerRef.name")]
[PrinterColumn("Node", "string", ".status.node")]
[PrinterColumn("VMID", "integer", ".spec.vmid")]
[PrinterColumn("Desired", "string", ".spec.powerState")]
[PrinterColumn("State", "string", ".status.state")]
[PrinterColumn("IP", "string", ".status.ipAddresses[0]")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Description("A Proxmox VE LXC container whose power state the operator keeps as desired.")]
public sealed class V1Alpha1LxcContainer : CustomEntity<LxcContainerSpec, LxcContainerStatus>
{
    public const string EntityKind = "LxcContainer";

    public V1Alpha1LxcContainer()
    {
        ApiVersion = ApiGroup.GroupVersion;
        Kind = EntityKind;
    }
}

using System.ComponentModel;
using k8s.Models;

namespace PveOperator.Entities;

[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = EntityKind, PluralName = "proxmoxproviders")]
[CustomResource(Scope = ResourceScope.Cluster, ShortNames = ["pvp"], Categories = [ApiGroup.Category])]
[PrinterColumn("URL", "string", ".spec.url")]
[PrinterColumn("Version", "string", ".status.version")]
[PrinterColumn("Nodes", "string", ".status.nodeNames", Priority = 0)]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Description("A Proxmox VE cluster (or standalone node) the operator connects to with an API token.")]
public sealed class V1Alpha1ProxmoxProvider : CustomEntity<ProxmoxProviderSpec, ProxmoxProviderStatus>
{
    public const string EntityKind = "ProxmoxProvider";

    public V1Alpha1ProxmoxProvider()
    {
        ApiVersion = ApiGroup.GroupVersion;
        Kind = EntityKind;
    }
}

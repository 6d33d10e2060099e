using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("The container the operator manages and the state it keeps it in.")]
public sealed class LxcContainerSpec
{
    [Required]
    [ValidationRule("self == oldSelf",
        "providerRef cannot be changed: the container lives in that Proxmox VE cluster. To manage a container in another cluster, create another LxcContainer")]
    [Description("The ProxmoxProvider (cluster-scoped) the container lives in. Cannot be changed.")]
    [JsonPropertyName("providerRef")]
    public ProviderReference ProviderRef { get; set; } = new();

    [Required]
    [Range(100, 999999999)]
    [ValidationRule("self == oldSelf",
        "vmid cannot be changed: it names the Proxmox VE container this resource manages. To manage another container, create another LxcContainer")]
    [Description("The container's VMID in Proxmox VE. Cannot be changed.")]
    [JsonPropertyName("vmid")]
    public int Vmid { get; set; }

    [StringLength(63, MinimumLength = 1)]
    [RegularExpression(@"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    [Description("The PVE node that holds the container. When omitted it is found through /cluster/resources, and followed when the container migrates.")]
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    [DefaultValue("Running")]
    [Description("The desired power state. Default Running.")]
    [JsonPropertyName("powerState")]
    public PowerState? PowerState { get; set; }

    [Description("How the Stopped state is reached: a graceful shutdown, then (with forceStop) a forced stop.")]
    [JsonPropertyName("shutdown")]
    public ShutdownSpec? Shutdown { get; set; }

    [DefaultValue("Orphan")]
    [Description("What happens to the container when this resource is deleted: Orphan leaves it as it is, Stop shuts it down. Default Orphan.")]
    [JsonPropertyName("deletionPolicy")]
    public DeletionPolicy? DeletionPolicy { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class LxcContainerSpec
{
    [Required]
    [Description("The ProxmoxProvider (cluster-scoped) the container lives in.")]
    [JsonPropertyName("providerRef")]
    public ProviderReference ProviderRef { get; set; } = new();

    [Required]
    [Range(100, 999999999)]
    [Description("The container's VMID in Proxmox VE.")]
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

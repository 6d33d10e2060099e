using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[AnyOfRequired("vmid", "create")]
[ValidationRule("!has(oldSelf.vmid) || has(self.vmid)", "vmid cannot be removed once set: it names the Proxmox VE container this resource manages")]
[ValidationRule("has(self.create) == has(oldSelf.create)", "create cannot be added or removed after the resource was created: it decides whether the operator creates the container. Create another LxcContainer instead")]
[Description("The container the operator manages and the state it keeps it in. Only the configuration fields set here are managed: a field left out is never written.")]
public sealed class LxcContainerSpec
{
    [Required]
    [ValidationRule("self == oldSelf",
        "providerRef cannot be changed: the container lives in that Proxmox VE cluster. To manage a container in another cluster, create another LxcContainer")]
    [Description("The ProxmoxProvider (cluster-scoped) the container lives in. Cannot be changed.")]
    [JsonPropertyName("providerRef")]
    public ProviderReference ProviderRef { get; set; } = new();

    [Range(100, 999999999)]
    [ValidationRule("self == oldSelf",
        "vmid cannot be changed: it names the Proxmox VE container this resource manages. To manage another container, create another LxcContainer")]
    [Description("The container's VMID in Proxmox VE. Cannot be changed. Optional with create: then one is allocated (from the provider's vmidRange, else PVE's next free id) and recorded in status.vmid.")]
    [JsonPropertyName("vmid")]
    public int? Vmid { get; set; }

    [StringLength(63, MinimumLength = 1)]
    [RegularExpression(@"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    [Description("The PVE node that holds the container. When omitted it is found through /cluster/resources, and followed when the container migrates. With create: where it is created (omitted: the online node with the most free memory; for a clone, the source's node).")]
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    [DefaultValue("Running")]
    [Description("The desired power state. Default Running.")]
    [JsonPropertyName("powerState")]
    public PowerState? PowerState { get; set; }

    [Description("How the Stopped state is reached: a graceful shutdown, then (with forceStop) a forced stop.")]
    [JsonPropertyName("shutdown")]
    public ShutdownSpec? Shutdown { get; set; }

    [ValidationRule("self == oldSelf", "create cannot be changed after the resource was created: the container exists already. Create another LxcContainer for a different one")]
    [Description("Create the container when it does not exist. Absent: the container must exist already and is adopted by vmid.")]
    [JsonPropertyName("create")]
    public ContainerCreateSpec? Create { get; set; }

    [DefaultValue("Orphan")]
    [Description("What happens to the container when this resource is deleted: Orphan leaves it as it is, Stop shuts it down, Delete shuts it down and destroys it with its disks (only a container carrying this resource's owner mark). Default Orphan.")]
    [JsonPropertyName("deletionPolicy")]
    public DeletionPolicy? DeletionPolicy { get; set; }

    [DefaultValue("Full")]
    [Description("Full: the operator creates, powers and destroys the container as the spec says. ObserveOnly: status is kept current, nothing is ever written to PVE. Default Full.")]
    [JsonPropertyName("managementPolicy")]
    public ManagementPolicy? ManagementPolicy { get; set; }

    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.Hostname)]
    [Description("The container's hostname (PVE hostname). Applied at once in PVE; inside the container at its next start. With create: default metadata.name.")]
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [Description("CPU and memory; applied at once, also on a running container.")]
    [JsonPropertyName("resources")]
    public ContainerResources? Resources { get; set; }

    [Description("The root disk. Its size only grows.")]
    [JsonPropertyName("rootfs")]
    public RootfsSpec? Rootfs { get; set; }

    [ListType(ListType.Map, "name")]
    [MaxItems(256)]
    [Description("Mount points, one per name (mp0..mp255). Set: the list is the whole truth, and a mount point PVE has but the list lacks is detached (its volume is kept as unusedN). Omitted: mount points are not managed.")]
    [JsonPropertyName("mountPoints")]
    public List<MountPointSpec>? MountPoints { get; set; }

    [ListType(ListType.Map, "name")]
    [MaxItems(32)]
    [Description("Network interfaces, one per name (eth0, ...). Set: the list is the whole truth, and an interface PVE has but the list lacks is removed. Omitted: interfaces are not managed (a created container gets eth0 on vmbr0 with DHCP).")]
    [JsonPropertyName("network")]
    public List<NetworkInterfaceSpec>? Network { get; set; }

    [Description("Name servers and search domain; applied at the next start of a running container.")]
    [JsonPropertyName("dns")]
    public DnsSpec? Dns { get; set; }

    [ListType(ListType.Set)]
    [MaxItems(64)]
    [ItemStringLength(64)]
    [Description("PVE tags; compared lower-cased and sorted as PVE stores them. An empty list removes every tag.")]
    [JsonPropertyName("tags")]
    public List<string>? Tags { get; set; }

    [StringLength(8192)]
    [Description("The container's notes in PVE (description). The operator keeps its owner line (pve-operator.io/owner=...) below it; empty removes the rest.")]
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [Description("Start the container when its node boots (PVE onboot).")]
    [JsonPropertyName("onBoot")]
    public bool? OnBoot { get; set; }

    [Description("Boot order and delays (PVE startup).")]
    [JsonPropertyName("startup")]
    public StartupSpec? Startup { get; set; }

    [Description("LXC features; applied at the next start of a running container.")]
    [JsonPropertyName("features")]
    public FeaturesSpec? Features { get; set; }

    [Description("PVE's protection flag: while true, PVE refuses to destroy the container or change its disks.")]
    [JsonPropertyName("protection")]
    public bool? Protection { get; set; }

    [Description("Never (default): a running container with changes that wait for its next start reports RestartRequired=True and keeps running. IfRequired: the operator restarts it (shutdown as spec.shutdown says, then start).")]
    [JsonPropertyName("restartPolicy")]
    public RestartPolicy? RestartPolicy { get; set; }
}

using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// One guest of GET /cluster/resources?type=vm. The status and stats come from pvestatd's RRD (refreshed about every
/// 10 s), so they lag: use it to find a vmid's node, then confirm with status/current.
/// </summary>
public sealed record PveClusterResource
{
    /// <summary>"lxc/100" or "qemu/100".</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>lxc or qemu.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("vmid")]
    public int Vmid { get; init; }

    [JsonPropertyName("node")]
    public string Node { get; init; } = "";

    /// <summary>running, stopped, or unknown until pvestatd reported.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("template")]
    public bool Template { get; init; }

    [JsonPropertyName("lock")]
    public string? Lock { get; init; }

    /// <summary>HA state (e.g. started, stopped) when the guest is HA-managed.</summary>
    [JsonPropertyName("hastate")]
    public string? HaState { get; init; }

    [JsonPropertyName("tags")]
    public string? Tags { get; init; }

    [JsonPropertyName("pool")]
    public string? Pool { get; init; }

    [JsonPropertyName("uptime")]
    public long? Uptime { get; init; }

    [JsonPropertyName("cpu")]
    public double? Cpu { get; init; }

    [JsonPropertyName("maxcpu")]
    public double? MaxCpu { get; init; }

    [JsonPropertyName("mem")]
    public long? Mem { get; init; }

    [JsonPropertyName("maxmem")]
    public long? MaxMem { get; init; }

    [JsonPropertyName("disk")]
    public long? Disk { get; init; }

    [JsonPropertyName("maxdisk")]
    public long? MaxDisk { get; init; }

    [JsonIgnore]
    public bool IsContainer => Type == "lxc";

    [JsonIgnore]
    public bool IsRunning => Status == "running";
}

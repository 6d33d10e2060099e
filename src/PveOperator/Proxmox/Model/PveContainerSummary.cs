using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// One container of GET /nodes/{node}/lxc (PVE's vmstatus()). <c>vmid</c> is a string before PVE 8.2 and an
/// integer after; both decode.
/// </summary>
public record PveContainerSummary
{
    [JsonPropertyName("vmid")]
    public int Vmid { get; init; }

    /// <summary>running or stopped.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    /// <summary>The hostname, CT{vmid} when none is set; older versions may send "".</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("lock")]
    public string? Lock { get; init; }

    /// <summary>Tags separated by ';'.</summary>
    [JsonPropertyName("tags")]
    public string? Tags { get; init; }

    [JsonPropertyName("template")]
    public bool Template { get; init; }

    [JsonPropertyName("pid")]
    public long? Pid { get; init; }

    [JsonPropertyName("uptime")]
    public long Uptime { get; init; }

    [JsonPropertyName("cpu")]
    public double Cpu { get; init; }

    /// <summary>CPU limit; fractional when cpulimit is.</summary>
    [JsonPropertyName("cpus")]
    public double Cpus { get; init; }

    [JsonPropertyName("mem")]
    public long Mem { get; init; }

    [JsonPropertyName("maxmem")]
    public long MaxMem { get; init; }

    [JsonPropertyName("swap")]
    public long Swap { get; init; }

    [JsonPropertyName("maxswap")]
    public long MaxSwap { get; init; }

    [JsonPropertyName("disk")]
    public long Disk { get; init; }

    [JsonPropertyName("maxdisk")]
    public long MaxDisk { get; init; }

    [JsonPropertyName("netin")]
    public long NetIn { get; init; }

    [JsonPropertyName("netout")]
    public long NetOut { get; init; }

    [JsonPropertyName("diskread")]
    public long DiskRead { get; init; }

    [JsonPropertyName("diskwrite")]
    public long DiskWrite { get; init; }

    [JsonIgnore]
    public bool IsRunning => Status == "running";

    /// <summary>The tags one by one (PVE accepts ';', ',' and spaces as separators).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> TagList =>
        (Tags ?? "").Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

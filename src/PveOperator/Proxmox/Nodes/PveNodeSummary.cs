using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>One entry of GET /nodes. The stats are absent when the token lacks Sys.Audit on the node.</summary>
public sealed record PveNodeSummary
{
    [JsonPropertyName("node")]
    public string Node { get; init; } = "";

    /// <summary>online, offline or unknown.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("level")]
    public string? Level { get; init; }

    /// <summary>SHA-256 of the node's certificate, "AB:CD:...".</summary>
    [JsonPropertyName("ssl_fingerprint")]
    public string? SslFingerprint { get; init; }

    [JsonPropertyName("cpu")]
    public double? Cpu { get; init; }

    [JsonPropertyName("maxcpu")]
    public int? MaxCpu { get; init; }

    [JsonPropertyName("mem")]
    public long? Mem { get; init; }

    [JsonPropertyName("maxmem")]
    public long? MaxMem { get; init; }

    [JsonPropertyName("disk")]
    public long? Disk { get; init; }

    [JsonPropertyName("maxdisk")]
    public long? MaxDisk { get; init; }

    [JsonPropertyName("uptime")]
    public long? Uptime { get; init; }

    [JsonIgnore]
    public bool IsOnline => Status == "online";
}

using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>One entry of GET /nodes/{node}/storage. Inactive storages report zero sizes.</summary>
public sealed record PveStorage
{
    [JsonPropertyName("storage")]
    public string Storage { get; init; } = "";

    /// <summary>Plugin type: dir, lvmthin, zfspool, nfs, rbd, ...</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Comma-separated content types in no particular order; see <see cref="ContentTypes"/>.</summary>
    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("shared")]
    public bool Shared { get; init; }

    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; }

    [JsonPropertyName("active")]
    public bool Active { get; init; }

    [JsonPropertyName("total")]
    public long Total { get; init; }

    [JsonPropertyName("used")]
    public long Used { get; init; }

    [JsonPropertyName("avail")]
    public long Available { get; init; }

    /// <summary>Present only when the storage reports a total.</summary>
    [JsonPropertyName("used_fraction")]
    public double? UsedFraction { get; init; }

    /// <summary>The content types as a set (PVE prints them in hash order).</summary>
    [JsonIgnore]
    public IReadOnlySet<string> ContentTypes =>
        (Content ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether CT root disks and mount points can live here.</summary>
    [JsonIgnore]
    public bool HoldsContainerDisks => ContentTypes.Contains("rootdir");
}

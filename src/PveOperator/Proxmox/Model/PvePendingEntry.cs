using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// One entry of GET /nodes/{node}/lxc/{vmid}/pending: a config key with its value in effect, its pending value and
/// whether it is to be deleted at the next start. The list also holds a "digest" entry.
/// </summary>
public sealed record PvePendingEntry
{
    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    /// <summary>The value in effect; null for a key that exists only in pending.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; init; }

    /// <summary>The value the CT takes at its next start; null when nothing is pending for the key.</summary>
    [JsonPropertyName("pending")]
    public string? Pending { get; init; }

    /// <summary>1 (2 for a forced delete) when the key is deleted at the next start.</summary>
    [JsonPropertyName("delete")]
    public int? Delete { get; init; }

    /// <summary>Whether this key waits for a restart (a new value or a deletion).</summary>
    [JsonIgnore]
    public bool IsPending => Key != "digest" && (Pending is not null || Delete is > 0);
}

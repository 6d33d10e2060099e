using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// The <c>ha</c> object of status/current. When managed, power actions only ask the HA manager, so a finished task
/// does not mean the container changed state yet.
/// </summary>
public sealed record PveHaStatus
{
    [JsonPropertyName("managed")]
    public bool Managed { get; init; }

    /// <summary>Requested HA state (started, stopped, ...); null while the manager has no status yet.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }
}

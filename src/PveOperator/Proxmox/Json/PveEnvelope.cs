using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>Every PVE answer is <c>{"data": ...}</c>; <c>data</c> is null for "nothing" (e.g. interfaces of a stopped CT).</summary>
public sealed record PveEnvelope<T>
{
    [JsonPropertyName("data")]
    public T? Data { get; init; }
}

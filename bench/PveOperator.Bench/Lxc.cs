using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PveOperator.Bench;

/// <summary>Just enough of an LxcContainer to follow it: metadata, spec and status stay raw JSON.</summary>
internal sealed class Lxc : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "pve-operator.io";
    public const string Version = "v1alpha1";
    public const string Plural = "lxccontainers";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "LxcContainer";
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")]
    public JsonElement? Spec { get; set; }
    [JsonPropertyName("status")]
    public JsonElement? Status { get; set; }

    public string? DesiredPowerState => Spec is { ValueKind: JsonValueKind.Object } spec && spec.TryGetProperty("powerState", out var p) ? p.GetString() : null;

    public bool? Running => Status is { ValueKind: JsonValueKind.Object } status && status.TryGetProperty("running", out var r)
        && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null;

    public bool HasPendingTask => Status is { ValueKind: JsonValueKind.Object } status && status.TryGetProperty("operation", out var t)
        && t.ValueKind == JsonValueKind.Object;

    public long? ObservedGeneration => Status is { ValueKind: JsonValueKind.Object } status && status.TryGetProperty("observedGeneration", out var g)
        && g.ValueKind == JsonValueKind.Number ? g.GetInt64() : null;

    public bool ReadyTrue => Condition("Ready") is { Status: "True" };

    /// <summary>Synced=True (configuration in PVE matches the spec) for the spec's current generation.</summary>
    public bool SyncedNow => Condition("Synced") is { Status: "True" } synced && synced.ObservedGeneration == Metadata.Generation;

    /// <summary>A condition's status, reason and observedGeneration; null when the status has no such condition.</summary>
    public (string? Status, string? Reason, long? ObservedGeneration)? Condition(string conditionType)
    {
        if (Status is not { ValueKind: JsonValueKind.Object } status || !status.TryGetProperty("conditions", out var conditions)
            || conditions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.TryGetProperty("type", out var type) && type.GetString() == conditionType)
            {
                return (condition.TryGetProperty("status", out var value) ? value.GetString() : null,
                    condition.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
                    condition.TryGetProperty("observedGeneration", out var generation) && generation.ValueKind == JsonValueKind.Number ? generation.GetInt64() : null);
            }
        }

        return null;
    }

    /// <summary>Ready in the state its spec asks for, with the spec's current generation seen and no task pending.</summary>
    public bool Settled => ReadyTrue && !HasPendingTask && ObservedGeneration == Metadata.Generation
        && Running == (DesiredPowerState != "Stopped");
}

internal sealed class LxcList : IKubernetesObject<V1ListMeta>, IItems<Lxc>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Lxc.Group}/{Lxc.Version}";
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "LxcContainerList";
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")]
    public IList<Lxc> Items { get; set; } = [];
}

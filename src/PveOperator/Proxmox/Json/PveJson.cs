using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PveOperator.Proxmox;

/// <summary>The JSON settings for every PVE response: loose scalar types accepted, unknown keys ignored.</summary>
public static class PveJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Decodes the <c>{"data": ...}</c> envelope PVE wraps every answer in.</summary>
    public static T? DecodeData<T>(string body) =>
        Deserialize<PveEnvelope<T>>(body) is { } envelope ? envelope.Data : default;

    /// <summary>Deserializes with <see cref="Options"/>: source-generated metadata for the client's types.</summary>
    internal static T? Deserialize<T>(string body) =>
        JsonSerializer.Deserialize(body, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            // The client's own types have source-generated metadata (what a NativeAOT build needs); any other type
            // (tests decode a few of their own) is served by reflection where the runtime allows it.
            TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault
                ? JsonTypeInfoResolver.Combine(PveJsonContext.Default, ReflectionResolver())
                : PveJsonContext.Default,
            Converters =
            {
                new PveIntConverter(),
                new PveLongConverter(),
                new PveDoubleConverter(),
                new PveBoolConverter(),
                new PveStringConverter(),
            },
        };
        options.MakeReadOnly();
        return options;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only called when reflection-based serialization is enabled (the JIT build); a NativeAOT build disables it and uses the source-generated context alone.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: never reached without reflection-based serialization.")]
    private static DefaultJsonTypeInfoResolver ReflectionResolver() => new();
}

/// <summary>Source-generated metadata for every PVE answer the client decodes.</summary>
[JsonSerializable(typeof(PveEnvelope<PveVersion>))]
[JsonSerializable(typeof(PveEnvelope<List<PveClusterStatusEntry>>))]
[JsonSerializable(typeof(PveEnvelope<List<PveClusterResource>>))]
[JsonSerializable(typeof(PveEnvelope<List<PveNodeSummary>>))]
[JsonSerializable(typeof(PveEnvelope<List<PveContainerSummary>>))]
[JsonSerializable(typeof(PveEnvelope<PveContainerStatus>))]
[JsonSerializable(typeof(PveEnvelope<PveTaskStatus>))]
[JsonSerializable(typeof(PveEnvelope<PveContainerConfig>))]
[JsonSerializable(typeof(PveEnvelope<List<PveContainerInterface>>))]
[JsonSerializable(typeof(PveEnvelope<string>))]
[JsonSerializable(typeof(PveEnvelope<List<PveStorage>>))]
[JsonSerializable(typeof(PveEnvelope<List<PveStorageVolume>>))]
[JsonSerializable(typeof(PveEnvelope<List<PvePendingEntry>>))]
[JsonSerializable(typeof(PveEnvelope<Dictionary<string, JsonElement>>))]
[JsonSerializable(typeof(PveEnvelope<PveTicketResponse>))]
[JsonSerializable(typeof(PveEnvelope<Dictionary<string, Dictionary<string, JsonElement>>>))]
[JsonSerializable(typeof(PveErrorBody))]
internal sealed partial class PveJsonContext : JsonSerializerContext;

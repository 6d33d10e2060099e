using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PveOperator.Proxmox;

/// <summary>The JSON settings for every PVE response: loose scalar types accepted, unknown keys ignored.</summary>
public static class PveJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Decodes the <c>{"data": ...}</c> envelope PVE wraps every answer in.</summary>
    public static T? DecodeData<T>(string body) =>
        JsonSerializer.Deserialize<PveEnvelope<T>>(body, Options) is { } envelope ? envelope.Data : default;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
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
}

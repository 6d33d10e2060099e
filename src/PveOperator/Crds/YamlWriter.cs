using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace PveOperator.Crds;

/// <summary>Writes a JSON tree as YAML, keeping key order, quoting strings only where YAML needs it.</summary>
internal static class YamlWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    public static string Write(JsonNode node) => Serializer.Serialize(ToPlain(node));

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => NumberOf(value),
            _ => null,
        },
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    // A JsonValue built from an int refuses GetValue<long>(), so numbers go through their JSON text.
    private static object NumberOf(JsonValue value)
    {
        var element = JsonSerializer.SerializeToElement(value);
        return element.TryGetInt64(out var whole) ? whole : element.GetDouble();
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace PveOperator.Tests.Simulator;

/// <summary>
/// The key paths of a JSON answer with the value kinds seen at each: "data[type=node].maxcpu" → {number}. Array
/// elements share one path; elements with a string "type" are told apart by it (PVE's mixed lists).
/// </summary>
internal static class JsonShape
{
    public static SortedDictionary<string, SortedSet<string>> Of(JsonNode? node)
    {
        var shape = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        Walk(node, "data", shape);
        return shape;
    }

    /// <summary>Every difference between a recorded answer and the simulator's, as "path: what".</summary>
    public static SortedSet<string> Differences(JsonNode? recorded, JsonNode? simulated)
    {
        var expected = Of(recorded);
        var actual = Of(simulated);
        var differences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, kinds) in expected)
        {
            if (!actual.TryGetValue(path, out var simulatedKinds))
            {
                differences.Add($"{path}: missing");
            }
            else if (!kinds.SetEquals(simulatedKinds))
            {
                differences.Add($"{path}: {string.Join('|', kinds)} recorded, {string.Join('|', simulatedKinds)} simulated");
            }
        }

        foreach (var path in actual.Keys.Where(p => !expected.ContainsKey(p)))
        {
            differences.Add($"{path}: extra");
        }

        return differences;
    }

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, SortedSet<string>> shape)
    {
        Add(shape, path, Kind(node));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Walk(value, $"{path}.{key}", shape);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    var discriminator = item is JsonObject element && element["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
                        ? $"[type={type.GetValue<string>()}]"
                        : "[]";
                    Walk(item, path + discriminator, shape);
                }

                break;
        }
    }

    private static void Add(SortedDictionary<string, SortedSet<string>> shape, string path, string kind)
    {
        if (!shape.TryGetValue(path, out var kinds))
        {
            shape[path] = kinds = new SortedSet<string>(StringComparer.Ordinal);
        }

        kinds.Add(kind);
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };
}

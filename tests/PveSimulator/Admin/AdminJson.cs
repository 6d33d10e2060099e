using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveSimulator.Admin;

/// <summary>JSON conventions of the admin API, scenario files and the info file: camelCase, lenient on input.</summary>
internal static class AdminJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

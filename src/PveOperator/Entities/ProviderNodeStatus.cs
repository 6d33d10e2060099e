using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class ProviderNodeStatus
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("online")]
    public bool Online { get; set; }

    [JsonPropertyName("ip")]
    public string? Ip { get; set; }
}

using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class ContainerInterfaceStatus
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("hwaddr")]
    public string? Hwaddr { get; set; }

    [JsonPropertyName("ipAddresses")]
    public List<string>? IpAddresses { get; set; }
}

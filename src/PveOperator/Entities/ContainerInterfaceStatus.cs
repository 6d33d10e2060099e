using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A network interface of the container.")]
public sealed class ContainerInterfaceStatus
{
    [Description("The interface name inside the container, e.g. eth0.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [Description("The MAC address.")]
    [JsonPropertyName("hwaddr")]
    public string? Hwaddr { get; set; }

    [Description("The interface's IP addresses.")]
    [JsonPropertyName("ipAddresses")]
    public List<string>? IpAddresses { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A network interface (PVE netN). Applied at once on a running container. Fields left out keep what PVE has.")]
public sealed class NetworkInterfaceSpec
{
    [Required]
    [StringLength(15, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.InterfaceName)]
    [Description("The interface's name inside the container, e.g. eth0: identifies the interface.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [StringLength(15, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.Bridge)]
    [Description("The host bridge, e.g. vmbr0. The provider's credentials need SDN.Use on /sdn/zones/localnetwork/<bridge>.")]
    [JsonPropertyName("bridge")]
    public string? Bridge { get; set; }

    [Range(1, 4094)]
    [Description("The VLAN tag (PVE tag).")]
    [JsonPropertyName("vlan")]
    public int? Vlan { get; set; }

    [JsonPropertyName("ipv4")]
    public Ipv4Spec? Ipv4 { get; set; }

    [JsonPropertyName("ipv6")]
    public Ipv6Spec? Ipv6 { get; set; }

    [Description("Apply the PVE firewall to this interface.")]
    [JsonPropertyName("firewall")]
    public bool? Firewall { get; set; }

    [Range(64, 65535)]
    [Description("The MTU; it may not exceed the bridge's.")]
    [JsonPropertyName("mtu")]
    public int? Mtu { get; set; }

    [Range(1, 100000)]
    [Description("Rate limit in MB/s (PVE rate).")]
    [JsonPropertyName("rateMBps")]
    public int? RateMBps { get; set; }

    [StringLength(17, MinimumLength = 17)]
    [RegularExpression(ConfigurationPatterns.MacAddress)]
    [Description("The MAC address, e.g. BC:24:11:00:00:01. Omitted: PVE generates one, and it is kept.")]
    [JsonPropertyName("hwaddr")]
    public string? Hwaddr { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[ValidationRule("[has(self.auto) && self.auto, has(self.dhcp) && self.dhcp, has(self.address)].filter(x, x).size() <= 1",
    "ipv6 takes one of auto: true, dhcp: true and an address")]
[ValidationRule("!has(self.gateway) || has(self.address)", "ipv6.gateway needs ipv6.address")]
[Description("The interface's IPv6 configuration: SLAAC, DHCPv6, or a static address with an optional gateway.")]
public sealed class Ipv6Spec
{
    [Description("Configure the address by SLAAC (PVE ip6=auto).")]
    [JsonPropertyName("auto")]
    public bool? Auto { get; set; }

    [Description("Get the address by DHCPv6 (PVE ip6=dhcp).")]
    [JsonPropertyName("dhcp")]
    public bool? Dhcp { get; set; }

    [StringLength(49, MinimumLength = 4)]
    [RegularExpression(ConfigurationPatterns.Ipv6Cidr)]
    [Description("A static address in CIDR notation, e.g. fd00::5/64 (PVE ip6).")]
    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [StringLength(45, MinimumLength = 2)]
    [RegularExpression(ConfigurationPatterns.Ipv6)]
    [Description("The default gateway (PVE gw6).")]
    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[ValidationRule("!(has(self.dhcp) && self.dhcp && has(self.address))", "ipv4 takes either dhcp: true or an address, not both")]
[ValidationRule("!has(self.gateway) || has(self.address)", "ipv4.gateway needs ipv4.address: with DHCP the gateway comes from the DHCP server")]
[Description("The interface's IPv4 configuration: DHCP, or a static address with an optional gateway.")]
public sealed class Ipv4Spec
{
    [Description("Get the address by DHCP (PVE ip=dhcp).")]
    [JsonPropertyName("dhcp")]
    public bool? Dhcp { get; set; }

    [StringLength(18, MinimumLength = 9)]
    [RegularExpression(ConfigurationPatterns.Ipv4Cidr)]
    [Description("A static address in CIDR notation, e.g. 10.0.0.5/24 (PVE ip).")]
    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [StringLength(15, MinimumLength = 7)]
    [RegularExpression(ConfigurationPatterns.Ipv4)]
    [Description("The default gateway, e.g. 10.0.0.1 (PVE gw).")]
    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("The container's resolver configuration. Applied at the next start on a running container.")]
public sealed class DnsSpec
{
    [ListType(ListType.Set)]
    [MaxItems(3)]
    [ItemStringLength(45)]
    [Description("Name server addresses (PVE nameserver); an empty list removes them (the host's are used).")]
    [JsonPropertyName("nameservers")]
    public List<string>? Nameservers { get; set; }

    [StringLength(253)]
    [Description("The DNS search domain (PVE searchdomain); empty removes it.")]
    [JsonPropertyName("searchDomain")]
    public string? SearchDomain { get; set; }
}

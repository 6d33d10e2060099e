using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>One entry of an interface's <c>ip-addresses</c> (pve-container 5.2.6 / PVE 8.4 and later).</summary>
public sealed record PveInterfaceIpAddress
{
    [JsonPropertyName("ip-address")]
    public string IpAddress { get; init; } = "";

    /// <summary>inet or inet6 (not ipv4/ipv6 as in the QEMU agent).</summary>
    [JsonPropertyName("ip-address-type")]
    public string? IpAddressType { get; init; }

    [JsonPropertyName("prefix")]
    public int? Prefix { get; init; }
}

using System.Globalization;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// One entry of GET .../lxc/{vmid}/interfaces (PVE 8.1+), from <c>ip --json a</c> inside the CT. The legacy keys
/// <c>inet</c>/<c>inet6</c> hold only the last address of each family; PVE 8.4 added the full <c>ip-addresses</c>.
/// </summary>
public sealed record PveContainerInterface
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("hwaddr")]
    public string? HwAddr { get; init; }

    [JsonPropertyName("hardware-address")]
    public string? HardwareAddress { get; init; }

    [JsonPropertyName("inet")]
    public string? Inet { get; init; }

    [JsonPropertyName("inet6")]
    public string? Inet6 { get; init; }

    [JsonPropertyName("ip-addresses")]
    public IReadOnlyList<PveInterfaceIpAddress>? IpAddresses { get; init; }

    /// <summary>Every address on the interface, unfiltered: <c>ip-addresses</c> when present, else inet/inet6.</summary>
    public IReadOnlyList<PveIpAddress> GetAddresses()
    {
        var found = new List<PveIpAddress>();
        if (IpAddresses is { Count: > 0 })
        {
            foreach (var entry in IpAddresses)
            {
                var text = entry.Prefix is { } prefix
                    ? $"{entry.IpAddress}/{prefix.ToString(CultureInfo.InvariantCulture)}"
                    : entry.IpAddress;
                if (PveIpAddress.TryParse(text, out var address))
                {
                    found.Add(address);
                }
            }
        }
        else
        {
            foreach (var text in new[] { Inet, Inet6 })
            {
                if (PveIpAddress.TryParse(text, out var address))
                {
                    found.Add(address);
                }
            }
        }
        return found.Distinct().ToList();
    }
}

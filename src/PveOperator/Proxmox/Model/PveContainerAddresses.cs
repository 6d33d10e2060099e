using System.Net;
using System.Net.Sockets;

namespace PveOperator.Proxmox;

/// <summary>
/// A container's reachable addresses: per interface (with prefixes) and as a flat list, IPv4 first, in interface
/// order. Loopback, link-local and lo are already dropped.
/// </summary>
public sealed record PveContainerAddresses(PveAddressSource Source, IReadOnlyList<PveInterfaceAddresses> Interfaces)
{
    public static PveContainerAddresses None { get; } = new(PveAddressSource.None, []);

    public IReadOnlyList<IPAddress> Addresses =>
        Interfaces.SelectMany(i => i.Addresses)
            .Select(a => a.Address)
            .Distinct()
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ToList();
}

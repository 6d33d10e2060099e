namespace PveOperator.Controllers;

/// <summary>A network interface whose addresses come from DHCP or SLAAC (netN ip=dhcp, ip6=dhcp|auto): the DHCP window waits for them.</summary>
internal sealed record DhcpInterface(string Name, bool Ipv4, bool Ipv6)
{
    public static IReadOnlyList<DhcpInterface> From(IEnumerable<Proxmox.PveNetworkConfig> networks) =>
        networks
            .Where(n => n.Name is not null && (n.Ip == "dhcp" || n.Ip6 is "dhcp" or "auto"))
            .Select(n => new DhcpInterface(n.Name!, n.Ip == "dhcp", n.Ip6 is "dhcp" or "auto"))
            .ToList();

    /// <summary>Whether the interface, as status shows it, still lacks an address it waits for.</summary>
    public bool Lacks(IReadOnlyList<Entities.ContainerInterfaceStatus>? interfaces)
    {
        var addresses = interfaces?.FirstOrDefault(i => i.Name == Name)?.IpAddresses ?? [];
        return (Ipv4 && !addresses.Any(a => a.Contains('.', StringComparison.Ordinal)))
            // Link-local addresses are dropped before they reach status: any IPv6 left is a routable one.
            || (Ipv6 && !addresses.Any(a => a.Contains(':', StringComparison.Ordinal)));
    }
}

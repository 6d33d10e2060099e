using PveSimulator;

namespace PveOperator.Tests.Controllers;

internal static class Addresses
{
    /// <summary>
    /// Gives the CT interface <paramref name="name"/> on DHCP (IPv4) that leases <paramref name="ipv4"/> once the CT runs
    /// (after the simulator's DhcpDelay), with an optional static IPv6.
    /// </summary>
    public static SimContainer Lease(SimContainer container, string name, string hwaddr, string ipv4, string? ipv6 = null)
    {
        container.Net["net0"] = $"name={name},bridge=vmbr0,hwaddr={hwaddr},ip=dhcp,{(ipv6 is null ? "" : $"ip6={ipv6},")}type=veth";
        container.DhcpAddresses[name] = ipv4;
        return container;
    }
}

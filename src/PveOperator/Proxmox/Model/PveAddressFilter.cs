using System.Net;
using System.Net.Sockets;

namespace PveOperator.Proxmox;

/// <summary>
/// Which container addresses are worth handing out: loopback and link-local ones cannot be reached from outside
/// the CT, and neither can interfaces that container runtimes create inside it.
/// </summary>
public static class PveAddressFilter
{
    private static readonly string[] InnerVirtualInterfacePrefixes = ["veth", "docker", "br-"];

    public static bool IsUsable(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ||
            address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            // 169.254.0.0/16: IPv4 link-local (APIPA).
            return !(bytes[0] == 169 && bytes[1] == 254);
        }
        // fe80::/10 and multicast never reach the CT from another host.
        return address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal && !address.IsIPv6Multicast;
    }

    /// <summary>
    /// False for lo and for veth*, docker*, br-* (bridges of Docker/Podman inside the CT), as GoDoxy skipped them.
    /// </summary>
    public static bool IsUsableInterface(string name) =>
        name != "lo" && !InnerVirtualInterfacePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
}

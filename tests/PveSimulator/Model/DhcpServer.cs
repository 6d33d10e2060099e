using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PveSimulator.Model;

/// <summary>
/// A DHCP server on the bridge the containers share (<see cref="SimulatorOptions.DhcpNetwork"/>): hands each MAC
/// address one IPv4 lease from its network, the same one again for the same MAC, as dnsmasq or a router would.
/// A lease a test set in <see cref="SimContainer.DhcpAddresses"/> wins. Leases show after DhcpDelay like any other.
/// </summary>
internal sealed class DhcpServer
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> leases = new(StringComparer.OrdinalIgnoreCase);
    private readonly uint network;
    private readonly int prefixLength;
    private readonly uint hostCount;

    public DhcpServer(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash <= 0
            || !IPAddress.TryParse(cidr[..slash], out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength)
            || prefixLength is < 8 or > 30)
        {
            throw new ArgumentException($"'{cidr}' is not an IPv4 network between /8 and /30, e.g. 10.20.0.0/16", nameof(cidr));
        }

        var mask = uint.MaxValue << (32 - prefixLength);
        network = ToUInt(address) & mask;
        // Without the network and broadcast addresses, and .1 (the gateway).
        hostCount = (~mask) - 2;
    }

    /// <summary>Gives every ip=dhcp interface of the CT without a lease of its own the lease of its MAC address.</summary>
    public void LeaseFor(SimContainer container)
    {
        foreach (var line in container.Net.Values)
        {
            var net = NetLine.Parse(line);
            if (net["ip"] != "dhcp" || net["name"] is not { } name || net["hwaddr"] is not { } mac || container.DhcpAddresses.ContainsKey(name))
            {
                continue;
            }

            container.DhcpAddresses[name] = Lease(mac);
        }
    }

    private string Lease(string mac)
    {
        lock (gate)
        {
            if (leases.TryGetValue(mac, out var known))
            {
                return known;
            }

            if (leases.Count >= hostCount)
            {
                throw new InvalidOperationException($"the simulated DHCP pool of {hostCount} addresses is exhausted");
            }

            // .2 upwards, in the order MACs ask.
            var host = network + 2 + (uint)leases.Count;
            var lease = string.Create(CultureInfo.InvariantCulture, $"{ToAddress(host)}/{prefixLength}");
            leases[mac] = lease;
            return lease;
        }
    }

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
    }

    private static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}

using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers;

internal static class Addresses
{
    /// <summary>Live addresses as /interfaces reports them: (name, hwaddr, ["addr/prefix", ...]) per interface.</summary>
    public static PveContainerAddresses Of(params (string Name, string? Hwaddr, string[] Ips)[] interfaces) =>
        new(PveAddressSource.Interfaces, interfaces.Select(i => new PveInterfaceAddresses(i.Name, i.Hwaddr,
            i.Ips.Select(ip => PveIpAddress.TryParse(ip, out var parsed) ? parsed : throw new ArgumentException(ip)).ToList())).ToList());
}

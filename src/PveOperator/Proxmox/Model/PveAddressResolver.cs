namespace PveOperator.Proxmox;

/// <summary>Turns /interfaces or the netN config into <see cref="PveContainerAddresses"/>.</summary>
internal static class PveAddressResolver
{
    /// <summary>Live addresses; <see cref="PveContainerAddresses.None"/> when no interface has a usable one.</summary>
    public static PveContainerAddresses FromInterfaces(IEnumerable<PveContainerInterface> interfaces)
    {
        var usable = interfaces
            .Where(i => PveAddressFilter.IsUsableInterface(i.Name))
            .Select(i => new PveInterfaceAddresses(
                i.Name,
                i.HwAddr ?? i.HardwareAddress,
                i.GetAddresses().Where(a => PveAddressFilter.IsUsable(a.Address)).ToList()))
            .Where(i => i.Addresses.Count > 0)
            .ToList();
        return usable.Count == 0 ? PveContainerAddresses.None : new PveContainerAddresses(PveAddressSource.Interfaces, usable);
    }

    /// <summary>Static addresses of the netN lines; dhcp, auto and manual give none.</summary>
    public static PveContainerAddresses FromConfig(PveContainerConfig config)
    {
        var usable = config.Networks
            .Select(n => new PveInterfaceAddresses(
                n.Name ?? n.Key,
                n.HardwareAddress,
                new[] { n.StaticIpv4, n.StaticIpv6 }
                    .OfType<PveIpAddress>()
                    .Where(a => PveAddressFilter.IsUsable(a.Address))
                    .ToList()))
            .Where(i => i.Addresses.Count > 0)
            .ToList();
        return usable.Count == 0 ? PveContainerAddresses.None : new PveContainerAddresses(PveAddressSource.Config, usable);
    }
}

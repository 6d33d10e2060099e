namespace PveOperator.Proxmox;

/// <summary>Where container addresses were found.</summary>
public enum PveAddressSource
{
    /// <summary>No usable address anywhere (e.g. a stopped CT on DHCP).</summary>
    None,
    /// <summary>Live addresses from /interfaces (running CT, PVE 8.1+).</summary>
    Interfaces,
    /// <summary>Static ip=/ip6= of the netN config lines.</summary>
    Config,
}

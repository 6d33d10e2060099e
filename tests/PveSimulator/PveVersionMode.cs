namespace PveSimulator;

/// <summary>PVE release line whose response shapes the simulator reproduces.</summary>
public enum PveVersionMode
{
    /// <summary>7.4-16: version "7.4-16", /nodes/{n}/lxc vmid as string, no /interfaces, no error "message".</summary>
    Pve7,
    /// <summary>8.4.x: vmid as integer, /interfaces with the ip-addresses shape, error "message" present.</summary>
    Pve8,
    /// <summary>9.1.x: as 8 plus unified "401 Authentication failed!" and pressure stats as strings.</summary>
    Pve9,
}

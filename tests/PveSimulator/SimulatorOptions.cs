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

public sealed record SimulatorOptions
{
    /// <summary>Cluster name; null simulates a standalone node (no "cluster" entry in /cluster/status).</summary>
    public string? ClusterName { get; init; } = "homelab";
    public PveVersionMode Version { get; init; } = PveVersionMode.Pve8;
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }
    /// <summary>How long a vzstart/vzstop/vzshutdown task runs before it ends.</summary>
    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How often /cluster/resources data is refreshed (pvestatd: about 10 s).</summary>
    public TimeSpan ResourcesRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Delay after a start before a dhcp interface shows an IPv4 address.</summary>
    public TimeSpan DhcpDelay { get; init; } = TimeSpan.Zero;
    /// <summary>Keep-alive connections idle this long are closed by the server.</summary>
    public TimeSpan IdleConnectionTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>pvedaemon workers per node: requests to daemon endpoints served at once; the rest wait.</summary>
    public int DaemonWorkersPerNode { get; init; } = 3;
    /// <summary>Delay before every 401 answer (real PVE: 3 s).</summary>
    public TimeSpan UnauthorizedDelay { get; init; } = TimeSpan.Zero;
    /// <summary>Delay before HA-managed containers change state after their ha* task ended.</summary>
    public TimeSpan HaDelay { get; init; } = TimeSpan.FromSeconds(1);
}

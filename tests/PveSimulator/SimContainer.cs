namespace PveSimulator;

/// <summary>A container as the simulator holds it. Net lines use PVE's netN format.</summary>
public sealed class SimContainer
{
    public required int Vmid { get; init; }
    public required string Node { get; set; }
    public string Name { get; set; } = "";
    public bool Running { get; set; }
    public bool HaManaged { get; set; }
    public bool Template { get; set; }
    public string? Lock { get; set; }
    /// <summary>netN lines: key "net0" → "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,ip6=auto".</summary>
    public Dictionary<string, string> Net { get; init; } = new();
    /// <summary>Addresses that DHCP hands out for interfaces configured with ip=dhcp (CIDR, e.g. "192.168.3.95/24").</summary>
    public Dictionary<string, string> DhcpAddresses { get; init; } = new();
    /// <summary>Graceful shutdown takes this long inside the CT; past the shutdown timeout the task fails unless forceStop.</summary>
    public TimeSpan ShutdownDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Config "cores"; also "cpus" in status answers.</summary>
    public int Cores { get; set; } = 1;
    /// <summary>Config "memory" in MiB.</summary>
    public int MemoryMb { get; set; } = 512;
    /// <summary>Config "swap" in MiB.</summary>
    public int SwapMb { get; set; } = 512;
    /// <summary>Size of the root disk in GiB.</summary>
    public int RootfsGb { get; set; } = 8;
    /// <summary>PVE tags, ';'-separated; null for none.</summary>
    public string? Tags { get; set; }
    /// <summary>When set, a vzstart task fails with this text (e.g. "startup for container '100' failed").</summary>
    public string? StartFailure { get; set; }

    /// <summary>When the CT last started: drives uptime and when DHCP addresses show up. Null while stopped.</summary>
    internal DateTimeOffset? StartedAt { get; set; }
    /// <summary>Host pid of the running CT's init.</summary>
    internal int Pid { get; set; }
    /// <summary>The HA manager's requested state ("started"/"stopped"); null until an ha* task sets it.</summary>
    internal string? HaRequestedState { get; set; }
}

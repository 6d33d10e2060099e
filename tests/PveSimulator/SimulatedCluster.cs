namespace PveSimulator;

/// <summary>The simulated cluster's state; thread-safe; changed by tests and by the API.</summary>
public sealed class SimulatedCluster
{
    public void AddNode(string name, string ip, bool online = true) => throw new NotImplementedException();
    public void SetNodeOnline(string name, bool online) => throw new NotImplementedException();
    public IReadOnlyList<string> NodeNames => throw new NotImplementedException();

    public void AddContainer(SimContainer container) => throw new NotImplementedException();
    public SimContainer? GetContainer(int vmid) => throw new NotImplementedException();
    public IReadOnlyList<SimContainer> Containers => throw new NotImplementedException();
    public void RemoveContainer(int vmid) => throw new NotImplementedException();
    /// <summary>Changes the state behind the API's back (drift), as a user in the PVE GUI would.</summary>
    public void SetContainerStatus(int vmid, bool running) => throw new NotImplementedException();
    /// <summary>Moves a container to another node at once (as a finished migration).</summary>
    public void MigrateContainer(int vmid, string targetNode) => throw new NotImplementedException();
    public void SetLock(int vmid, string? lockName) => throw new NotImplementedException();

    /// <summary>Adds or replaces a token. Privileges: e.g. "VM.Audit", "VM.PowerMgmt", "Sys.Audit"; granted on every path.</summary>
    public void AddToken(string tokenId, string secret, params string[] privileges) => throw new NotImplementedException();
    public void RemoveToken(string tokenId) => throw new NotImplementedException();
}

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
}

namespace PveSimulator.Model;

/// <summary>An immutable copy of a container taken under the cluster lock, so answers are built from one consistent state.</summary>
internal sealed record ContainerView(
    int Vmid,
    string Node,
    string Name,
    bool Running,
    bool HaManaged,
    string HaState,
    bool Template,
    string? Lock,
    IReadOnlyDictionary<string, string> Net,
    IReadOnlyDictionary<string, string> DhcpAddresses,
    DateTimeOffset? StartedAt,
    int Pid,
    int Cores,
    int MemoryMb,
    int SwapMb,
    int RootfsGb,
    string? Tags,
    TimeSpan ShutdownDuration,
    string? StartFailure,
    Config.ContainerConfig Config)
{
    /// <summary>PVE's vmstatus name: the hostname without whitespace, or "CT&lt;vmid&gt;" without one.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? $"CT{Vmid}" : string.Concat(Name.Where(c => !char.IsWhiteSpace(c)));

    public static ContainerView From(SimContainer container, DateTimeOffset simulatorStart) => new(
        container.Vmid,
        container.Node,
        container.Name,
        container.Running,
        container.HaManaged,
        container.HaRequestedState ?? (container.Running ? "started" : "stopped"),
        container.Template,
        container.Lock,
        new Dictionary<string, string>(container.Net),
        new Dictionary<string, string>(container.DhcpAddresses),
        // A test may flip Running on the object directly; treat such a CT as up since the simulator started.
        container.Running ? container.StartedAt ?? simulatorStart : null,
        container.Pid,
        container.Cores,
        container.MemoryMb,
        container.SwapMb,
        container.RootfsGb,
        container.Tags,
        container.ShutdownDuration,
        container.StartFailure,
        container.Config.Clone());
}

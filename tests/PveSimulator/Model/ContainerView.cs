using System.Globalization;
using PveSimulator.Api;
using PveSimulator.Config;

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
    /// <summary>
    /// vmstatus "cpus", which pvestatd also stores as the RRD's maxcpu (lifecycle reference §12.1, §12.2): cores,
    /// else cpulimit, else the host's CPU count.
    /// </summary>
    public double Cpus =>
        Config.Get("cores") is { } cores && double.TryParse(cores, CultureInfo.InvariantCulture, out var c) && c > 0 ? c
        : Config.Get("cpulimit") is { } limit && double.TryParse(limit, CultureInfo.InvariantCulture, out var l) && l > 0 ? l
        : NodeStats.HostCpus;

    /// <summary>
    /// vmstatus "maxdisk" (§12.1): the rootfs size= in bytes, 4 GiB without one. A running CT reports statfs of its
    /// mounted root, which the simulator takes to be the volume size.
    /// </summary>
    public long MaxDiskBytes =>
        (Config.Get("rootfs") is { } rootfs ? ConfigKeys.ParseSize(ConfigKeys.Option(rootfs, "size")) : null) ?? 4L << 30;

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

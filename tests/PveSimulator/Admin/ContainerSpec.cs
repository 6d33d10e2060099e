using System.Globalization;
using PveSimulator.Api;

namespace PveSimulator.Admin;

/// <summary>
/// A container as scenario files and POST /_sim/containers describe it. Everything but the vmid is optional:
/// without "net" the CT gets net0 with ip=dhcp and a made-up lease, and netN lines without hwaddr get one.
/// </summary>
internal sealed record ContainerSpec
{
    public int Vmid { get; init; }
    /// <summary>Defaults to the first node.</summary>
    public string? Node { get; init; }
    public string? Name { get; init; }
    public bool Running { get; init; }
    /// <summary>netN lines, e.g. "net0": "name=eth0,bridge=vmbr0,ip=dhcp".</summary>
    public Dictionary<string, string>? Net { get; init; }
    /// <summary>Lease per interface name for ip=dhcp interfaces, e.g. "eth0": "192.168.1.50/24".</summary>
    public Dictionary<string, string>? DhcpAddresses { get; init; }
    public bool Ha { get; init; }
    public string? Lock { get; init; }
    public bool Template { get; init; }
    public string? Tags { get; init; }
    public int? Cores { get; init; }
    public int? MemoryMb { get; init; }
    /// <summary>How long a graceful shutdown takes inside the CT.</summary>
    public double? ShutdownSeconds { get; init; }
    /// <summary>When set, starts fail with this text.</summary>
    public string? StartFailure { get; init; }
    /// <summary>Further config keys as PVE writes them ("protection": "1", "rootfs": "local-lvm:vm-100-disk-0,size=16G", ...), set last.</summary>
    public Dictionary<string, string>? Config { get; init; }

    public SimContainer ToContainer(string defaultNode)
    {
        var net = Net is { Count: > 0 }
            ? Net.ToDictionary(pair => pair.Key, pair => WithHardwareAddress(pair.Key, pair.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal) { ["net0"] = DefaultNet0(Vmid) };
        var dhcp = DhcpAddresses is not null
            ? new Dictionary<string, string>(DhcpAddresses, StringComparer.Ordinal)
            : Net is { Count: > 0 } ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal) { ["eth0"] = DefaultLease(Vmid) };

        var container = new SimContainer
        {
            Vmid = Vmid,
            Node = Node ?? defaultNode,
            Name = Name ?? $"ct-{Vmid}",
            Running = Running,
            HaManaged = Ha,
            Lock = string.IsNullOrEmpty(Lock) ? null : Lock,
            Template = Template,
            Tags = Tags,
            Net = net,
            DhcpAddresses = dhcp,
            ShutdownDuration = TimeSpan.FromSeconds(ShutdownSeconds ?? 0),
            StartFailure = StartFailure,
        };
        container.Cores = Cores ?? container.Cores;
        container.MemoryMb = MemoryMb ?? container.MemoryMb;
        foreach (var (key, value) in Config ?? [])
        {
            container.Config.Set(key, value);
        }

        return container;
    }

    public static ContainerSpec From(SimContainer container) => new()
    {
        Vmid = container.Vmid,
        Node = container.Node,
        Name = container.Name,
        Running = container.Running,
        Net = new Dictionary<string, string>(container.Net),
        DhcpAddresses = new Dictionary<string, string>(container.DhcpAddresses),
        Ha = container.HaManaged,
        Lock = container.Lock,
        Template = container.Template,
        Tags = container.Tags,
        Cores = container.Cores,
        MemoryMb = container.MemoryMb,
        ShutdownSeconds = container.ShutdownDuration.TotalSeconds,
        StartFailure = container.StartFailure,
        Config = new Dictionary<string, string>(container.Config.Current),
    };

    /// <summary>net0 as the PVE GUI creates it by default, with a Proxmox-prefixed MAC.</summary>
    public static string DefaultNet0(int vmid) =>
        $"name=eth0,bridge=vmbr0,firewall=1,hwaddr={ContainerJson.GeneratedMac(vmid, 0)},ip=dhcp,ip6=auto,type=veth";

    /// <summary>A stable made-up lease in 192.168.0.0/16; nothing connects to it.</summary>
    public static string DefaultLease(int vmid) =>
        string.Create(CultureInfo.InvariantCulture, $"192.168.{1 + vmid / 250 % 250}.{2 + vmid % 250}/24");

    private string WithHardwareAddress(string key, string line)
    {
        if (line.Contains("hwaddr=", StringComparison.Ordinal) || !int.TryParse(key.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return line;
        }

        return $"{line},hwaddr={ContainerJson.GeneratedMac(Vmid, index)}";
    }
}

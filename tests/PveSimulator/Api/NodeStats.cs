using System.Text.Json.Nodes;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>Plausible, stable usage numbers of a node: the same every call, different per node.</summary>
internal sealed record NodeStats(int MaxCpu, double Cpu, long Mem, long MaxMem, long Disk, long MaxDisk, long Uptime)
{
    private const long GiB = 1024L * 1024L * 1024L;

    /// <summary>The host's CPU count: what a CT without cores and cpulimit may use (vmstatus falls back to it).</summary>
    public const int HostCpus = 8;

    public static NodeStats For(SimNode node, IEnumerable<ContainerView> containers, DateTimeOffset bootTime, DateTimeOffset now)
    {
        var guestMemory = containers.Where(c => c.Node == node.Name && c.Running).Sum(c => c.MemoryMb * 1024L * 1024L / 8);
        return new NodeStats(
            MaxCpu: HostCpus,
            Cpu: 0.01 + node.NodeId * 0.002,
            Mem: 3 * GiB + node.NodeId * 100_000_000L + guestMemory,
            MaxMem: 32 * GiB,
            Disk: 12 * GiB + node.NodeId * 1_000_000_000L,
            MaxDisk: 100 * GiB,
            Uptime: (long)(now - bootTime).TotalSeconds + node.NodeId * 3_600);
    }

    /// <summary>Adds the fields /nodes and /cluster/resources share.</summary>
    public void AddTo(JsonObject entry)
    {
        entry["maxcpu"] = MaxCpu;
        entry["cpu"] = Cpu;
        entry["mem"] = Mem;
        entry["maxmem"] = MaxMem;
        entry["disk"] = Disk;
        entry["maxdisk"] = MaxDisk;
        entry["uptime"] = Uptime;
    }
}

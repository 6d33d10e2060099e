namespace PveSimulator.Model;

/// <summary>
/// Plausible usage numbers for a CT, derived from its vmid and uptime so that answers are stable between
/// calls and differ between CTs. Nothing depends on their values; clients only need the shapes.
/// </summary>
internal sealed record ContainerStats(double Cpu, long Mem, long MaxMem, long Swap, long MaxSwap, long Disk, long MaxDisk, long NetIn, long NetOut, long DiskRead, long DiskWrite, long Uptime)
{
    private const long MiB = 1024L * 1024L;

    public static ContainerStats For(ContainerView container, DateTimeOffset now)
    {
        var maxMem = container.MemoryMb * MiB;
        var maxSwap = container.SwapMb * MiB;
        var maxDisk = container.MaxDiskBytes;
        if (container.StartedAt is not { } started)
        {
            return new ContainerStats(0, 0, maxMem, 0, maxSwap, 0, maxDisk, 0, 0, 0, 0, 0);
        }

        var uptime = Math.Max(0, (long)(now - started).TotalSeconds);
        var spread = container.Vmid % 7;
        return new ContainerStats(
            Cpu: 0.002 + spread * 0.0013,
            Mem: maxMem / 8 + spread * MiB,
            MaxMem: maxMem,
            Swap: 0,
            MaxSwap: maxSwap,
            Disk: maxDisk / 9 + container.Vmid * 4096L,
            MaxDisk: maxDisk,
            NetIn: 20_000 + uptime * 1_200,
            NetOut: 4_000 + uptime * 300,
            DiskRead: 60 * MiB + container.Vmid * 512L,
            DiskWrite: 8 * MiB + uptime * 2_048,
            Uptime: uptime);
    }
}

using System.Globalization;

namespace PveOperator.Bench;

/// <summary>
/// A memory cgroup the operator is started in, as a pod's memory limit puts it in one: v1 (memory.limit_in_bytes,
/// the machine this was written on) or v2 (memory.max). Created beside the bench's own cgroup, removed on dispose.
/// </summary>
internal sealed class MemoryCgroup : IDisposable
{
    private readonly bool v2;

    private MemoryCgroup(string path, bool v2, long limitBytes)
    {
        Path = path;
        this.v2 = v2;
        LimitBytes = limitBytes;
    }

    public string Path { get; }

    public long LimitBytes { get; }

    /// <summary>A new cgroup limited to <paramref name="limitBytes"/>, or null with the reason none could be made here.</summary>
    public static (MemoryCgroup? Cgroup, string? Failure) TryCreate(string name, long limitBytes)
    {
        try
        {
            var lines = File.ReadAllLines("/proc/self/cgroup");
            var v1Own = lines.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains("memory"))?[2];
            if (v1Own is not null && Directory.Exists("/sys/fs/cgroup/memory"))
            {
                var path = System.IO.Path.Join("/sys/fs/cgroup/memory", v1Own, name);
                Directory.CreateDirectory(path);
                File.WriteAllText(System.IO.Path.Join(path, "memory.limit_in_bytes"), limitBytes.ToString(CultureInfo.InvariantCulture));
                // No swap: a pod has none, and the limit must bind on memory, not on swap-ins.
                TryWrite(System.IO.Path.Join(path, "memory.memsw.limit_in_bytes"), limitBytes.ToString(CultureInfo.InvariantCulture));
                TryWrite(System.IO.Path.Join(path, "memory.swappiness"), "0");
                return (new MemoryCgroup(path, v2: false, limitBytes), null);
            }

            var v2Own = lines.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (v2Own is not null && File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            {
                var path = System.IO.Path.Join("/sys/fs/cgroup", v2Own, name);
                Directory.CreateDirectory(path);
                File.WriteAllText(System.IO.Path.Join(path, "memory.max"), limitBytes.ToString(CultureInfo.InvariantCulture));
                TryWrite(System.IO.Path.Join(path, "memory.swap.max"), "0");
                return (new MemoryCgroup(path, v2: true, limitBytes), null);
            }

            return (null, "no memory cgroup hierarchy is mounted");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (null, $"no memory cgroup could be made ({error.Message})");
        }
    }

    /// <summary>The command that starts <paramref name="executable"/> inside this cgroup: it joins before it execs, so every page counts.</summary>
    public (string File, IReadOnlyList<string> Arguments) Wrap(string executable, IReadOnlyList<string> arguments) =>
        ("/bin/sh", ["-c", "echo $$ > \"$0\" && exec \"$@\"", System.IO.Path.Join(Path, "cgroup.procs"), executable, .. arguments]);

    /// <summary>The most memory the cgroup was charged (v1 memory.max_usage_in_bytes, v2 memory.peak), in bytes.</summary>
    public long PeakUsageBytes => ReadLong(v2 ? "memory.peak" : "memory.max_usage_in_bytes");

    /// <summary>How often a charge hit the limit and had to reclaim first (v1 failcnt, v2 memory.events "max").</summary>
    public long LimitHits => v2 ? Event("max") : ReadLong("memory.failcnt");

    /// <summary>Processes the kernel's OOM killer ended in this cgroup.</summary>
    public long OomKills => v2 ? Event("oom_kill") : OomControl("oom_kill");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // Still has a process (a crashed run): the next run uses a fresh name.
        }
    }

    private long ReadLong(string file)
    {
        var full = System.IO.Path.Join(Path, file);
        return File.Exists(full) ? long.Parse(File.ReadAllText(full).Trim(), CultureInfo.InvariantCulture) : -1;
    }

    private long Event(string key) => KeyValue("memory.events", key);

    private long OomControl(string key) => KeyValue("memory.oom_control", key);

    private long KeyValue(string file, string key)
    {
        var full = System.IO.Path.Join(Path, file);
        if (!File.Exists(full))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(full))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static void TryWrite(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
        }
        catch (IOException)
        {
            // Not offered by this kernel (no swap accounting): the memory limit alone then.
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using PveSimulator.Model;

namespace PveSimulator.Tasks;

/// <summary>Creates tasks with real-looking UPIDs and finds them again.</summary>
internal sealed partial class TaskRegistry(TimeProvider time)
{
    // USER_HZ on PVE hosts; pstart is the worker's start in clock ticks since boot.
    private const int ClockTicksPerSecond = 100;

    private readonly ConcurrentDictionary<string, SimTask> tasks = new(StringComparer.Ordinal);
    private readonly DateTimeOffset bootTime = time.GetUtcNow() - TimeSpan.FromDays(3);
    private int lastPid = Random.Shared.Next(100_000, 2_000_000);

    public SimTask Create(string node, string type, string id, ApiToken token)
    {
        var now = time.GetUtcNow();
        var pid = Interlocked.Increment(ref lastPid);
        var processStart = (long)((now - bootTime).TotalSeconds * ClockTicksPerSecond);
        var startTime = now.ToUnixTimeSeconds();
        var upid = string.Create(CultureInfo.InvariantCulture, $"UPID:{node}:{pid:X8}:{processStart:X8}:{startTime:X8}:{type}:{id}:{token.TokenId}:");
        var task = new SimTask(upid, node, pid, processStart, startTime, type, id, token.TokenId);
        this.tasks[upid] = task;
        return task;
    }

    public SimTask? Find(string upid) => this.tasks.GetValueOrDefault(upid);

    public IReadOnlyList<SimTask> All() => this.tasks.Values.OrderBy(t => t.StartTime).ThenBy(t => t.Pid).ToArray();

    /// <summary>PVE::Tools::upid_decode's pattern.</summary>
    public static bool IsWellFormed(string upid) => UpidPattern().IsMatch(upid);

    [GeneratedRegex(@"^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$")]
    private static partial Regex UpidPattern();
}

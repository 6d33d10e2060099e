using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PveOperator.Hosting;

/// <summary>
/// Gives the memory of a burst back. After a burst of work (start-up lists, a mass convergence) the GC keeps the
/// regions it committed for it although they hold garbage, and an idle operator allocates too little to collect
/// again: the gen0 budget follows the L3 cache size (with non-concurrent GC up to 200 MiB), so on a machine with a
/// large L3 some 80 MiB stayed committed for 20–50 MiB of live heap. Every 30 s, when more than <see cref="Slack"/>
/// was allocated since the last look, one aggressive collection compacts the heap and decommits what is free. Idle,
/// that is rare (a few MiB a minute); during a burst it is one full collection every 30 s.
/// </summary>
internal sealed partial class HeapTrimmer(ILogger<HeapTrimmer> logger, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    public const long Slack = 16L * 1024 * 1024;

    private long allocatedAtLastTrim;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                _ = TrimIfWorthIt();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Collects when more than <see cref="Slack"/> was allocated since the last trim; says whether it did.</summary>
    internal bool TrimIfWorthIt()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        if (allocated - allocatedAtLastTrim <= Slack)
        {
            return false;
        }

        allocatedAtLastTrim = allocated;
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogTrimmed(before / 1048576, GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GC heap trimmed: {BeforeMiB} MiB committed at the previous collection, {AfterMiB} MiB after this one")]
    private partial void LogTrimmed(long beforeMiB, long afterMiB);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PveOperator.Hosting;

/// <summary>
/// Gives the memory of a burst back. After a burst of work (start-up lists, a mass convergence) the GC keeps the
/// regions it committed for it although most of them hold garbage, and an idle operator collects too rarely for them
/// to be released: on a machine with a large L3 cache (which sizes the gen0 budget) that was 80 MiB committed for
/// 20–50 MiB of heap. Every 30 s, when committed memory exceeds what the heap uses by more than
/// <see cref="Slack"/>, one aggressive collection compacts and decommits the rest.
/// </summary>
internal sealed partial class HeapTrimmer(ILogger<HeapTrimmer> logger, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    public const long Slack = 32L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                TrimIfWorthIt();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void TrimIfWorthIt()
    {
        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var used = GC.GetTotalMemory(forceFullCollection: false);
        if (committed - used <= Slack)
        {
            return;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogTrimmed(committed / 1048576, GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "GC heap trimmed: {BeforeMiB} MiB committed before, {AfterMiB} MiB after")]
    private partial void LogTrimmed(long beforeMiB, long afterMiB);
}

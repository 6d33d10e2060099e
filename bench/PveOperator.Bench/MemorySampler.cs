using System.Diagnostics;
using System.Globalization;
using PveSimulator;

namespace PveOperator.Bench;

/// <summary>
/// Looks at the simulator's containers every 10 ms (in process, no request counted): how many have the expected
/// memory in their config, and when (on the run's clock) the last of them got it: PVE's side of a config change.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private int changed;
    private long allChangedAtTicks = -1;

    public MemorySampler(PveSimulatorServer simulator, IReadOnlyList<int> vmids, int memoryMb, Stopwatch clock)
    {
        var wanted = memoryMb.ToString(CultureInfo.InvariantCulture);
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A copy taken under the simulator's lock: the API may be writing the same config.
                var count = vmids.Count(vmid => simulator.Cluster.CurrentConfig(vmid)?.GetValueOrDefault("memory") == wanted);
                Volatile.Write(ref changed, count);
                if (count == vmids.Count)
                {
                    Interlocked.CompareExchange(ref allChangedAtTicks, clock.Elapsed.Ticks, -1);
                    return;
                }

                try
                {
                    await Task.Delay(10, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public int Changed => Volatile.Read(ref changed);

    public TimeSpan? AllChangedAt => Interlocked.Read(ref allChangedAtTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }
}

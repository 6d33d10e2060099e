namespace PveSimulator.Tasks;

/// <summary>
/// pve-storage's per-storage allocation lock (a local flock for local storages, a cluster lock for shared ones):
/// allocations on one storage run one after another; a task that would wait past the timeout gets PVE's error.
/// Reservations are computed up front from the clock, so a fake clock gives exact, repeatable contention.
/// </summary>
internal sealed class StorageLocks(SimulatorOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, DateTimeOffset> busyUntil = new(StringComparer.Ordinal);

    /// <summary>
    /// Reserves the storage for one allocation starting as soon as it is free. Returns how long from now the
    /// allocation ends, or null with the time after which the waiting task gives up.
    /// </summary>
    public (TimeSpan? Done, TimeSpan GiveUpAfter) Reserve(string storage, TimeSpan fromNow)
    {
        var hold = options.StorageAllocationDuration;
        var now = options.TimeProvider.GetUtcNow();
        var wanted = now + fromNow;
        if (hold <= TimeSpan.Zero)
        {
            return (fromNow, TimeSpan.Zero);
        }

        lock (gate)
        {
            var free = busyUntil.GetValueOrDefault(storage, wanted);
            var start = free > wanted ? free : wanted;
            if (start - wanted > options.StorageLockTimeout)
            {
                return (null, fromNow + options.StorageLockTimeout);
            }

            busyUntil[storage] = start + hold;
            return (start + hold - now, TimeSpan.Zero);
        }
    }

    public static string TimeoutText(string storage, bool shared) =>
        shared
            ? $"cfs-lock 'storage-{storage}' error: got lock request timeout"
            : $"can't lock file '/var/lock/pve-manager/pve-storage-{storage}' - got timeout";
}

using PveSimulator.Api;

namespace PveSimulator.Tasks;

/// <summary>The volumes one task allocates or frees, one after another, each under its storage's lock.</summary>
internal sealed class AllocationPlan(SimulatorServices services, IReadOnlyList<(string Storage, long Bytes)> volumes)
{
    /// <summary>The storage lock timeout text when a reservation failed; null otherwise.</summary>
    public string? Failure { get; private set; }

    /// <summary>Reserves every volume's storage in turn; returns how long the allocations take from now (or until giving up).</summary>
    public TimeSpan Reserve()
    {
        var elapsed = TimeSpan.Zero;
        foreach (var (storage, _) in volumes)
        {
            var (done, giveUpAfter) = services.StorageLocks.Reserve(storage, elapsed);
            if (done is null)
            {
                Failure = StorageLocks.TimeoutText(storage, services.Cluster.FindStorage(storage)?.Shared == true);
                return giveUpAfter;
            }

            elapsed = done.Value;
        }

        return elapsed;
    }
}

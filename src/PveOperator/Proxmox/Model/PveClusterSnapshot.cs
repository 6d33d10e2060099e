namespace PveOperator.Proxmox;

/// <summary>
/// Every container of one cluster as one GET /cluster/resources call saw it. PVE refreshes this data about
/// every 10 s, so it lags behind reality: trust it for "nothing changed", confirm with status/current before acting.
/// </summary>
public sealed class PveClusterSnapshot
{
    private readonly Dictionary<int, PveClusterResource> containers;

    public PveClusterSnapshot(IEnumerable<PveClusterResource> resources, DateTimeOffset fetchedAt)
    {
        containers = resources.Where(r => r.IsContainer).GroupBy(r => r.Vmid).ToDictionary(g => g.Key, g => g.First());
        FetchedAt = fetchedAt;
    }

    public static PveClusterSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    public DateTimeOffset FetchedAt { get; }

    public int Count => containers.Count;

    public PveClusterResource? Find(int vmid) => containers.GetValueOrDefault(vmid);

    public IEnumerable<PveClusterResource> All => containers.Values;

    /// <summary>VMIDs whose node, status, lock, name or HA state differ between the two snapshots, or that appear in only one.</summary>
    public IReadOnlyList<int> ChangedSince(PveClusterSnapshot? previous)
    {
        if (previous is null)
        {
            return containers.Keys.ToList();
        }

        var changed = new List<int>();
        foreach (var (vmid, now) in containers)
        {
            var before = previous.Find(vmid);
            if (before is null || before.Node != now.Node || before.Status != now.Status || before.Lock != now.Lock
                || before.Name != now.Name || before.HaState != now.HaState
                // Config-derived fields: a change made in PVE is drift the container compares at once.
                || before.MaxMem != now.MaxMem || before.MaxDisk != now.MaxDisk || before.Tags != now.Tags)
            {
                changed.Add(vmid);
            }
        }

        changed.AddRange(previous.containers.Keys.Where(vmid => !containers.ContainsKey(vmid)));
        return changed;
    }
}

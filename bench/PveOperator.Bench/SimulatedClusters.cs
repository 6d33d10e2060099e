using PveSimulator;

namespace PveOperator.Bench;

/// <summary>The simulated PVE clusters of one size (one per provider), counted together.</summary>
internal sealed class SimulatedClusters(IReadOnlyList<PveSimulatorServer> simulators, int nodes)
{
    public void ResetCounters()
    {
        foreach (var simulator in simulators)
        {
            simulator.Counters.Reset();
        }
    }

    /// <summary>Requests per endpoint, summed over the clusters.</summary>
    public IReadOnlyDictionary<string, long> Counts() =>
        simulators.SelectMany(s => s.Counters.Snapshot())
            .GroupBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    /// <summary>The most requests any one node of any cluster had in flight.</summary>
    public int MaxInFlightPerNode() =>
        simulators.Max(s => Enumerable.Range(1, nodes).Max(n => s.Counters.MaxInFlightPerNode($"pve{n}")));
}

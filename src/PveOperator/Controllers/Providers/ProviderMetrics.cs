using Prometheus;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>Per-provider figures from the latest cluster snapshot, in the registry the operator serves.</summary>
internal sealed class ProviderMetrics(CollectorRegistry registry)
{
    private static readonly string[] KnownStates = ["running", "stopped"];
    private const string OtherState = "other";

    private readonly Gauge containers = Metrics.WithCustomRegistry(registry).CreateGauge(
        "pve_containers", "LXC containers in the provider's PVE cluster by state, from the latest /cluster/resources.",
        new GaugeConfiguration { LabelNames = ["provider", "state"] });

    public void Record(string provider, PveClusterSnapshot snapshot)
    {
        // The state comes from PVE: anything but the known ones counts as "other", so a broken or hostile endpoint
        // cannot mint label values without bound.
        var counts = snapshot.All.GroupBy(c => KnownStates.Contains(c.Status, StringComparer.Ordinal) ? c.Status : OtherState)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var state in KnownStates.Append(OtherState))
        {
            containers.WithLabels(provider, state).Set(counts.GetValueOrDefault(state));
        }
    }

    public void Forget(string provider)
    {
        foreach (var labels in containers.GetAllLabelValues().Where(l => l[0] == provider).ToList())
        {
            containers.RemoveLabelled(labels);
        }
    }
}

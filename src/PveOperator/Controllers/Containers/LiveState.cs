using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>The container's power state as the reconcile takes it: from status/current, or from a snapshot trusted enough.</summary>
/// <param name="Fresh">Read with status/current in this reconcile (not taken from the lagging snapshot).</param>
internal sealed record LiveState(bool Running, string State, string? Lock, string? Name, PveHaStatus? Ha, bool Fresh)
{
    public static LiveState From(PveContainerStatus status) =>
        new(status.IsRunning, status.Status, status.Lock, status.Name, status.Ha, Fresh: true);

    public static LiveState From(PveClusterResource entry) =>
        new(entry.IsRunning, entry.Status, entry.Lock, entry.Name, Ha: null, Fresh: false);
}

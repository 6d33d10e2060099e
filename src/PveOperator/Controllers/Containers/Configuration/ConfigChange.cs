using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>
/// What it takes to bring a container's config to the spec: the differences (status.drift), the one PUT that applies
/// what can be written (keys to set and to delete), the disks to grow, and what cannot be done.
/// </summary>
internal sealed record ConfigChange
{
    public static readonly ConfigChange None = new();

    public IReadOnlyList<DriftEntry> Drift { get; init; } = [];

    public IReadOnlyDictionary<string, string> Set { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Delete { get; init; } = [];

    /// <summary>Disks to grow: PVE key (rootfs, mpN) and the absolute size for PUT .../resize.</summary>
    public IReadOnlyList<DiskResize> Resizes { get; init; } = [];

    /// <summary>Fields whose size the spec would make smaller than PVE's: refused, nothing is sent.</summary>
    public IReadOnlyList<string> Shrinks { get; init; } = [];

    /// <summary>Problems of the spec that only show against the container (a new mount point without a storage).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool InSync => Drift.Count == 0;

    public bool HasWrite => Set.Count > 0 || Delete.Count > 0;
}

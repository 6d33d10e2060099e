using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// A container's configuration as one GET .../pending shows it: every key with pending values merged in (what the
/// container will have after its next start, which is what the spec is compared with), the keys that wait for that
/// start, and the digest to send back with a write.
/// </summary>
internal sealed record ConfigObservation(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> PendingKeys, string? Digest)
{
    public static ConfigObservation From(IEnumerable<PvePendingEntry> entries)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new SortedSet<string>(StringComparer.Ordinal);
        string? digest = null;
        foreach (var entry in entries)
        {
            if (entry.Key == "digest")
            {
                digest = entry.Value;
                continue;
            }

            if (entry.IsPending)
            {
                pending.Add(entry.Key);
            }

            if (entry.Delete is > 0)
            {
                continue;
            }

            if ((entry.Pending ?? entry.Value) is { } value)
            {
                values[entry.Key] = value;
            }
        }

        return new ConfigObservation(values, [.. pending], digest);
    }

    public string? Get(string key) => Values.TryGetValue(key, out var value) ? value : null;
}

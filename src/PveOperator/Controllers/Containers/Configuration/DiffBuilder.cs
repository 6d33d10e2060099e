using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>Collects the differences of one config comparison and the writes that remove them.</summary>
internal sealed class DiffBuilder
{
    private readonly List<DriftEntry> drift = [];
    private readonly SortedDictionary<string, string> set = new(StringComparer.Ordinal);
    private readonly SortedSet<string> delete = new(StringComparer.Ordinal);
    private readonly List<DiskResize> resizes = [];
    private readonly List<string> shrinks = [];
    private readonly List<string> problems = [];

    public void Drift(string field, string? desired, string? actual) => drift.Add(new DriftEntry { Field = field, Desired = desired, Actual = actual });

    /// <summary>A difference removed by setting <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Set(string field, string? desired, string? actual, string key, string value)
    {
        Drift(field, desired, actual);
        set[key] = value;
    }

    /// <summary>A difference removed by deleting <paramref name="key"/>.</summary>
    public void Delete(string field, string? desired, string? actual, string key)
    {
        Drift(field, desired, actual);
        delete.Add(key);
    }

    /// <summary>Several fields of one key: the key is written once with every change merged.</summary>
    public void SetKey(string key, string value) => set[key] = value;

    public void Resize(string field, string disk, long desiredBytes, long actualBytes)
    {
        Drift(field, PveSize.Format(desiredBytes), PveSize.Format(actualBytes));
        resizes.Add(new DiskResize(disk, PveSize.ForResize(desiredBytes), field));
    }

    public void Shrink(string field, long desiredBytes, long actualBytes)
    {
        Drift(field, PveSize.Format(desiredBytes), PveSize.Format(actualBytes));
        shrinks.Add(field);
    }

    public void Problem(string problem) => problems.Add(problem);

    public ConfigChange Build() =>
        drift.Count == 0 && problems.Count == 0
            ? ConfigChange.None
            : new ConfigChange
            {
                Drift = [.. drift],
                Set = new Dictionary<string, string>(set, StringComparer.Ordinal),
                Delete = [.. delete],
                Resizes = [.. resizes],
                Shrinks = [.. shrinks],
                Problems = [.. problems],
            };
}
